// A store client over several members (kube-apiserver's --etcd-servers with more than one URL):
// it talks to one member at a time, and moves to the next when that one stops answering, as etcd's
// client balancer does. A request that failed for want of the member (refused, reset, timed out,
// "no leader") is sent again to the next member; a watch that lost its member starts again on the
// next one from the revision after the last it delivered, so no event is lost or repeated.
// Every member of a replicated store (chapter 16b) answers the same, so which one serves does
// not matter to the caller.
import type { ClientWatch, StoreClient, WatchHandlers } from './client.ts';
import type { WatchRequest, WatchResponse } from './types.ts';

/** Errors that say the member is gone or cannot serve now, not that the request was wrong. */
export function isMemberFailure(error: unknown): boolean {
  const text = `${(error as Error)?.message ?? error} ${(error as { cause?: Error })?.cause?.message ?? ''}`;
  return /fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|timed out|no leader|leader changed|server stopped|EPIPE|aborted/i.test(
    text,
  );
}

/** How long a request keeps trying the members before it fails: a few election timeouts. */
const FAILOVER_WINDOW_MS = 5000;

export class FailoverStoreClient implements StoreClient {
  private readonly clients: StoreClient[];
  private current = 0;

  constructor(clients: StoreClient[]) {
    this.clients = clients;
  }

  /**
   * Runs `call` on the current member; on a member failure, on the next, and so on for up to
   * FAILOVER_WINDOW_MS (and at least once round the list). A leader's death fails requests on
   * every member until the others have elected a new one, an election timeout or two later: the
   * window spans that, as etcd's client retries through an election.
   */
  private async attempt<T>(call: (client: StoreClient) => Promise<T>): Promise<T> {
    const deadline = Date.now() + FAILOVER_WINDOW_MS;
    for (let tried = 1; ; tried++) {
      const index = this.current;
      try {
        return await call(this.clients[index]!);
      } catch (error) {
        if (!isMemberFailure(error)) throw error;
        if (tried >= this.clients.length && Date.now() > deadline) throw error;
        if (this.current === index) this.current = (index + 1) % this.clients.length;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  put: StoreClient['put'] = (request) => this.attempt((client) => client.put(request));
  range: StoreClient['range'] = (request) => this.attempt((client) => client.range(request));
  deleteRange: StoreClient['deleteRange'] = (request) =>
    this.attempt((client) => client.deleteRange(request));
  txn: StoreClient['txn'] = (request) => this.attempt((client) => client.txn(request));
  compact: StoreClient['compact'] = (revision) =>
    this.attempt((client) => client.compact(revision));
  leaseGrant: StoreClient['leaseGrant'] = (ttl) => this.attempt((client) => client.leaseGrant(ttl));
  leaseKeepAlive: StoreClient['leaseKeepAlive'] = (id) =>
    this.attempt((client) => client.leaseKeepAlive(id));
  leaseRevoke: StoreClient['leaseRevoke'] = (id) =>
    this.attempt((client) => client.leaseRevoke(id));

  /**
   * A watch on the current member. When it ends with an error (its member gone past the client's
   * reconnect time), it starts again on the next member from the first revision not delivered.
   */
  watch(request: WatchRequest, handlers: WatchHandlers): ClientWatch {
    let next = request.startRevision ?? 0;
    let inner: ClientWatch | undefined;
    let canceled = false;
    let settle!: { resolve(): void; reject(error: Error): void };
    const created = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    const open = (attemptsLeft: number) => {
      const member = this.current;
      inner = this.clients[member]!.watch(
        { ...request, startRevision: next },
        {
          onResponse: (response: WatchResponse) => {
            next = response.revision + 1;
            handlers.onResponse(response);
          },
          onEnd: (end) => {
            if (canceled) return;
            if (end.error && end.compactRevision === undefined && attemptsLeft > 0) {
              if (this.current === member) this.current = (member + 1) % this.clients.length;
              return open(attemptsLeft - 1);
            }
            handlers.onEnd?.(end);
          },
        },
      );
      inner.created.then(settle.resolve, (error: Error) => {
        if (!isMemberFailure(error)) settle.reject(error);
      });
    };
    open(this.clients.length * 4);
    return {
      created,
      cancel: () => {
        canceled = true;
        inner?.cancel();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
  }
}
