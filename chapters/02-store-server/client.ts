// The store client: the StoreClient contract (harness/store/client.ts) over etcd's JSON API.
//
// This is what the API server (chapter 03) uses to reach its store. It speaks only etcd's wire
// format, so the same client works against the kata store and against a real etcd 3.4.
//
// Unary calls are one POST each, on kept-alive connections: opening a TCP connection per request
// would cost more than the request. Errors come back as StoreError with etcd's code and message,
// so callers can tell "compacted" from "lease not found".
//
// A watch is one long POST /v3/watch. The client hands each revision's events to the caller once,
// in order. If the connection drops, it reconnects and asks again from the revision after the last
// one it delivered, so nothing is lost or repeated. If that revision has been compacted meanwhile,
// the watch ends with `compactRevision`: the caller must read the current state again.
import { NotImplemented } from '../../harness/not-implemented.ts';
import type {
  ClientWatch,
  StoreClient,
  WatchEnd,
  WatchHandlers,
} from '../../harness/store/client.ts';
import type {
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  Event,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
  WatchRequest,
  WatchResponse,
} from '../../harness/store/types.ts';

const section = '§ The client';

export interface StoreClientOptions {
  /** The store's client URL, e.g. http://127.0.0.1:2379. */
  endpoint: string;
  /** How long a watch keeps trying to reconnect before it gives up. Default 30 s. */
  reconnectTimeoutMs?: number;
}

/**
 * The error an answer that is not 200 stands for: etcd's error body ({"message","code"}, code a
 * number) is a StoreError with that code and message; anything else (a proxy's HTML, Go's plain
 * text) is an Error whose message quotes the HTTP status and the start of the body.
 */
export function errorFrom(status: number, body: string): Error {
  throw new NotImplemented('errorFrom', section);
}

/**
 * The events of one watch message, one response per revision ({ revision, events }), in order,
 * leaving out the revisions before `from` (already handed over). An event's revision is its
 * kv.modRevision; etcd may pack several revisions into one message (a watcher catching up).
 */
export function revisionsOf(events: Event[], from: number): WatchResponse[] {
  throw new NotImplemented('revisionsOf', section);
}

export class HttpStoreClient implements StoreClient {
  constructor(options: StoreClientOptions | string) {
    throw new NotImplemented('HttpStoreClient', section);
  }

  /** POST /v3/kv/put. A non-200 answer becomes a StoreError with etcd's code and message. */
  put(request: PutRequest): Promise<PutResponse> {
    throw new NotImplemented('HttpStoreClient.put', section);
  }

  range(request: RangeRequest): Promise<RangeResponse> {
    throw new NotImplemented('HttpStoreClient.range', section);
  }

  deleteRange(request: DeleteRangeRequest): Promise<DeleteRangeResponse> {
    throw new NotImplemented('HttpStoreClient.deleteRange', section);
  }

  txn(request: TxnRequest): Promise<TxnResponse> {
    throw new NotImplemented('HttpStoreClient.txn', section);
  }

  compact(revision: number): Promise<CompactionResponse> {
    throw new NotImplemented('HttpStoreClient.compact', section);
  }

  leaseGrant(ttlSeconds: number): Promise<LeaseGrantResponse> {
    throw new NotImplemented('HttpStoreClient.leaseGrant', section);
  }

  leaseRevoke(id: bigint): Promise<void> {
    throw new NotImplemented('HttpStoreClient.leaseRevoke', section);
  }

  /** One keep-alive: POST /v3/lease/keepalive with a single message; read the one line back. */
  leaseKeepAlive(id: bigint): Promise<LeaseKeepAliveResponse> {
    throw new NotImplemented('HttpStoreClient.leaseKeepAlive', section);
  }

  /** A ResumingWatch for this request; close() cancels every watch still running. */
  watch(request: WatchRequest, handlers: WatchHandlers): ClientWatch {
    throw new NotImplemented('HttpStoreClient.watch', section);
  }

  async close(): Promise<void> {
    throw new NotImplemented('HttpStoreClient.close', section);
  }
}

/** Shorthand for creating a client: `createStoreClient('http://127.0.0.1:2379')`. */
export function createStoreClient(options: StoreClientOptions | string): StoreClient {
  return new HttpStoreClient(options);
}

/**
 * One watch that survives dropped connections. Hands each revision's events to
 * `handlers.onResponse` once, in order (revisionsOf). `created` settles once the store confirmed
 * the watch. It ends, once, through `end`: with onEnd({ compactRevision }) when its start revision
 * was compacted, with onEnd({ error }) for any other cancel or failure; cancel() ends it without
 * calling onEnd.
 */
export class ResumingWatch implements ClientWatch {
  readonly created: Promise<void>;

  constructor(
    client: HttpStoreClient,
    request: WatchRequest,
    handlers: WatchHandlers,
    reconnectTimeoutMs: number,
    onDone: () => void,
  ) {
    // Keep them all, and the first revision not yet delivered (the request's start revision, 0 for
    // "from now"); make `created` (a caller that never awaits it must not crash the process: give
    // it a catch), then connect().
    throw new NotImplemented('ResumingWatch', section);
  }

  /** Stops the watch without calling onEnd: no more events, the connection closed. */
  cancel(): void {
    throw new NotImplemented('ResumingWatch.cancel', section);
  }

  /**
   * Opens POST /v3/watch (a connection of its own) and sends one create_request from the first
   * revision not yet delivered; the request body ends there, the watch goes on. Each line of a 200
   * answer goes to `receive`; another status ends the watch with errorFrom's error; the answer
   * ending or failing is `lost`.
   */
  connect(): void {
    throw new NotImplemented('ResumingWatch.connect', section);
  }

  /**
   * One line of the answer: an {"error":...} line ends the watch with an error; a result with
   * compact_revision ends it with { compactRevision }; another canceled one ends it with an error
   * naming the cancel_reason; `created` settles `created` (and pins "from now" to the revision after
   * the header's); events are handed over, one revision at a time.
   */
  receive(line: string): void {
    throw new NotImplemented('ResumingWatch.receive', section);
  }

  /**
   * The connection dropped: connect again a moment later (100 ms) from the revision after the last
   * one delivered. After reconnectTimeoutMs of failing, end with an error instead.
   */
  lost(): void {
    throw new NotImplemented('ResumingWatch.lost', section);
  }

  /** The watch is over, once: `created` fails if it had not settled, and onEnd hears why. */
  end(end: WatchEnd): void {
    throw new NotImplemented('ResumingWatch.end', section);
  }
}
