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
import type { ClientWatch, StoreClient, WatchHandlers } from '../../harness/store/client.ts';
import type {
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  TxnRequest,
  TxnResponse,
  WatchRequest,
} from '../../harness/store/types.ts';

const section = '§ The client';

export interface StoreClientOptions {
  /** The store's client URL, e.g. http://127.0.0.1:2379. */
  endpoint: string;
  /** How long a watch keeps trying to reconnect before it gives up. Default 30 s. */
  reconnectTimeoutMs?: number;
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

  /**
   * POST /v3/watch with one create_request. Hand each revision's events to `onResponse` once, in
   * order (split a message that holds several revisions). On a dropped connection, reconnect and
   * ask again from the revision after the last one delivered. A canceled watch with a
   * compact_revision ends with onEnd({ compactRevision }).
   */
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
