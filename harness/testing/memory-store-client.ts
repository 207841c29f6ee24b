// A StoreClient that talks to an MvccStore in the same process: a fast, faithful test double for
// the HTTP client of chapter 02. The API server's tests use it so they run in milliseconds and do
// not depend on the wire; one suite runs the same server over the real client and server.
//
// Faithful where the API server can tell the difference:
// - every call answers asynchronously, as a network call would, and errors reject the promise
//   with the store's StoreError;
// - a watch delivers each revision's events later, never inside the call that wrote them, in
//   revision order, and confirms `created` first;
// - a watch from a compacted revision ends through `onEnd({ compactRevision })`, as the HTTP
//   client reports etcd's canceled watch. In one process a watch never falls behind or
//   disconnects, so resuming is trivial.
import type { ClientWatch, StoreClient, WatchHandlers } from '../store/client.ts';
import { StoreError } from '../store/errors.ts';
import type {
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  MvccStore,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
  WatchRequest,
  WatchResponse,
} from '../store/types.ts';

/** Runs a synchronous store call on a later turn, as if it had gone over the network. */
function answer<T>(call: () => T): Promise<T> {
  return Promise.resolve().then(call);
}

export class MemoryStoreClient implements StoreClient {
  readonly store: MvccStore;
  private readonly watches = new Set<ClientWatch>();

  constructor(store: MvccStore) {
    this.store = store;
  }

  put(request: PutRequest): Promise<PutResponse> {
    return answer(() => this.store.put(request));
  }

  range(request: RangeRequest): Promise<RangeResponse> {
    return answer(() => this.store.range(request));
  }

  deleteRange(request: DeleteRangeRequest): Promise<DeleteRangeResponse> {
    return answer(() => this.store.deleteRange(request));
  }

  txn(request: TxnRequest): Promise<TxnResponse> {
    return answer(() => this.store.txn(request));
  }

  compact(revision: number): Promise<CompactionResponse> {
    return answer(() => this.store.compact({ revision }));
  }

  watch(request: WatchRequest, handlers: WatchHandlers): ClientWatch {
    const watch = new MemoryWatch(this.store, request, handlers, () => this.watches.delete(watch));
    this.watches.add(watch);
    return watch;
  }

  leaseGrant(ttlSeconds: number): Promise<LeaseGrantResponse> {
    return answer(() => this.store.leaseGrant({ ttl: ttlSeconds }));
  }

  leaseKeepAlive(id: bigint): Promise<LeaseKeepAliveResponse> {
    return answer(() => this.store.leaseKeepAlive(id));
  }

  leaseRevoke(id: bigint): Promise<void> {
    return answer(() => {
      this.store.leaseRevoke(id);
    });
  }

  async close(): Promise<void> {
    for (const watch of [...this.watches]) watch.cancel();
  }
}

/** One watch: the store's listener fills a queue, which is handed over on a later turn. */
class MemoryWatch implements ClientWatch {
  readonly created: Promise<void>;
  private readonly queue: WatchResponse[] = [];
  private readonly handlers: WatchHandlers;
  private readonly onDone: () => void;
  private storeWatcher: { cancel(): void } | undefined;
  private scheduled = false;
  private canceled = false;

  constructor(
    store: MvccStore,
    request: WatchRequest,
    handlers: WatchHandlers,
    onDone: () => void,
  ) {
    this.handlers = handlers;
    this.onDone = onDone;
    let confirm!: () => void;
    this.created = new Promise((resolve) => (confirm = resolve));
    // Like the HTTP client, the watch is set up after the call returns, and confirmed once set up.
    queueMicrotask(() => {
      if (this.canceled) return confirm();
      try {
        this.storeWatcher = store.watch({ ...request }, (response) => {
          this.queue.push(response);
          this.schedule();
        });
        confirm();
      } catch (error) {
        confirm();
        this.end(error as Error, store.compactRevision);
      }
    });
  }

  cancel(): void {
    if (this.canceled) return;
    this.canceled = true;
    this.queue.length = 0;
    this.storeWatcher?.cancel();
    this.onDone();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      while (this.queue.length > 0 && !this.canceled) {
        this.handlers.onResponse(this.queue.shift()!);
      }
    });
  }

  private end(error: Error, compactRevision: number): void {
    if (this.canceled) return;
    this.canceled = true;
    this.onDone();
    const compacted =
      error instanceof StoreError && error.message.includes('required revision has been compacted');
    this.handlers.onEnd?.(compacted ? { compactRevision } : { error });
  }
}
