// The store client's contract: what the API server (chapter 03) needs from etcd, over etcd's v3
// JSON API. Chapter 02 implements it; because the wire format is etcd's, the same client works
// against the kata store and against a real etcd. Requests and responses reuse the store's types.
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
  WatchResponse,
} from './types.ts';

/** Why a client watch ended. A watch the caller cancels ends without calling `onEnd`. */
export interface WatchEnd {
  /** Set when the start revision was compacted: the caller must read again from this revision. */
  compactRevision?: number;
  /** Set when the server canceled the watch or the store could not be reached. */
  error?: Error;
}

export interface WatchHandlers {
  /** The events of one revision, in revision order, never twice, even across reconnects. */
  onResponse(response: WatchResponse): void;
  onEnd?(end: WatchEnd): void;
}

export interface ClientWatch {
  /** Settles once the server has confirmed the watch (etcd's `created` message). */
  readonly created: Promise<void>;
  cancel(): void;
}

export interface StoreClient {
  put(request: PutRequest): Promise<PutResponse>;
  range(request: RangeRequest): Promise<RangeResponse>;
  deleteRange(request: DeleteRangeRequest): Promise<DeleteRangeResponse>;
  txn(request: TxnRequest): Promise<TxnResponse>;
  compact(revision: number): Promise<CompactionResponse>;
  /**
   * Follow changes to [key, rangeEnd). If the connection drops, the client reconnects and resumes
   * from the revision after the last one it delivered, so no event is lost or repeated.
   */
  watch(request: WatchRequest, handlers: WatchHandlers): ClientWatch;
  leaseGrant(ttlSeconds: number): Promise<LeaseGrantResponse>;
  leaseKeepAlive(id: bigint): Promise<LeaseKeepAliveResponse>;
  leaseRevoke(id: bigint): Promise<void>;
  /** Cancel every watch and release connections. */
  close(): Promise<void>;
}
