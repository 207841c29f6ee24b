// The store's contract: the request and response shapes of etcd's KV, Watch and Lease services,
// written as TypeScript. Chapter 01 implements `MvccStore`; chapter 02 puts it on the wire. Field
// names follow etcd's API in camelCase (etcd's JSON gateway accepts both `range_end` and
// `rangeEnd`); keys and values are bytes, as in etcd.
//
// Revisions are plain numbers: a store would need 2^53 writes before that is a problem. Lease IDs
// are `bigint`: etcd picks them from all 63 bits, more than a JavaScript number holds exactly.

/** A key's state at one revision (etcd's mvccpb.KeyValue). */
export interface KeyValue {
  key: Uint8Array;
  value: Uint8Array;
  /** The revision at which this generation of the key was created. */
  createRevision: number;
  /** The revision of the last change to the key. */
  modRevision: number;
  /** How many times the key was written in this generation: 1 on create. */
  version: number;
  /** The lease the key is attached to; 0n means none. */
  lease: bigint;
}

/** Every response carries the store's revision when the request was served. */
export interface ResponseHeader {
  revision: number;
}

export interface PutRequest {
  key: Uint8Array;
  value?: Uint8Array;
  /** Attach the key to this lease; 0n or absent detaches it. */
  lease?: bigint;
  /** Return the key's previous state in the response. */
  prevKv?: boolean;
  /** Keep the current value and change only the lease (the key must exist). */
  ignoreValue?: boolean;
  /** Keep the current lease and change only the value (the key must exist). */
  ignoreLease?: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prevKv?: KeyValue;
}

/**
 * A read of one key, or of the interval [key, rangeEnd). A rangeEnd of a single zero byte means
 * "every key from `key` on"; `prefixEnd` in harness/store/bytes.ts turns a prefix into a rangeEnd.
 */
export interface RangeRequest {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  /** At most this many keys; 0 or absent means no limit. */
  limit?: number;
  /** Read the store as it was at this revision; 0 or absent means now. */
  revision?: number;
  keysOnly?: boolean;
  countOnly?: boolean;
}

export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  /** True when `limit` cut the result short. */
  more: boolean;
  /** How many keys the range holds, ignoring `limit`. */
  count: number;
}

export interface DeleteRangeRequest {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  prevKv?: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prevKvs: KeyValue[];
}

export type CompareResult = 'EQUAL' | 'GREATER' | 'LESS' | 'NOT_EQUAL';
export type CompareTarget = 'VERSION' | 'CREATE' | 'MOD' | 'VALUE' | 'LEASE';

/**
 * One condition of a transaction. `target` names the field of the key that is compared, and the
 * operand is the request field of the same name (`version`, `createRevision`, `modRevision`,
 * `value` or `lease`). A missing key compares as all zeros; VALUE on a missing key is false.
 */
export interface Compare {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  target: CompareTarget;
  result: CompareResult;
  version?: number;
  createRevision?: number;
  modRevision?: number;
  value?: Uint8Array;
  lease?: bigint;
}

export type RequestOp =
  | { requestRange: RangeRequest }
  | { requestPut: PutRequest }
  | { requestDeleteRange: DeleteRangeRequest }
  | { requestTxn: TxnRequest };

export type ResponseOp =
  | { responseRange: RangeResponse }
  | { responsePut: PutResponse }
  | { responseDeleteRange: DeleteRangeResponse }
  | { responseTxn: TxnResponse };

export interface TxnRequest {
  compare?: Compare[];
  success?: RequestOp[];
  failure?: RequestOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface CompactionRequest {
  revision: number;
}

export interface CompactionResponse {
  header: ResponseHeader;
}

/** A change to one key. A DELETE event's `kv` holds only the key and the delete's modRevision. */
export interface Event {
  type: 'PUT' | 'DELETE';
  kv: KeyValue;
  /** The key's state before this change, when the watch asked for it and it exists. */
  prevKv?: KeyValue;
}

export interface WatchRequest {
  key: Uint8Array;
  rangeEnd?: Uint8Array;
  /** Replay history from this revision (inclusive); 0 or absent means only changes from now on. */
  startRevision?: number;
  prevKv?: boolean;
  /** Leave out PUT or DELETE events. */
  filters?: Array<'NOPUT' | 'NODELETE'>;
}

/** All the events a watcher sees from one revision, delivered together. */
export interface WatchResponse {
  revision: number;
  events: Event[];
}

export interface Watcher {
  /** Stop delivering events. Safe to call more than once. */
  cancel(): void;
}

export interface LeaseGrantRequest {
  /** Seconds the lease lives without a keep-alive. */
  ttl: number;
  /** Ask for this ID; 0n or absent lets the store choose. */
  id?: bigint;
}

export interface LeaseGrantResponse {
  header: ResponseHeader;
  id: bigint;
  ttl: number;
}

export interface LeaseKeepAliveResponse {
  header: ResponseHeader;
  id: bigint;
  /** The renewed TTL, or 0 when the lease does not exist (not an error, as in etcd). */
  ttl: number;
}

export interface LeaseTimeToLiveResponse {
  header: ResponseHeader;
  id: bigint;
  /** Seconds left, or -1 when the lease does not exist. */
  ttl: number;
  grantedTtl: number;
  keys: Uint8Array[];
}

/**
 * A whole store as plain values, so chapter 02 can write it to disk and start again from it: the
 * keys as they stood at the compact revision, then every change since, as a watcher would see them.
 * Restoring replays the changes over the base. Leases come back with their full TTL, as they do when
 * an etcd member restarts.
 */
export interface StoreSnapshot {
  revision: number;
  compactRevision: number;
  /** Every live key at compactRevision (empty when nothing was compacted). */
  base: KeyValue[];
  /** Every change after compactRevision, one entry per revision, oldest first. */
  changes: WatchResponse[];
  leases: Array<{ id: bigint; ttl: number }>;
}

/** What chapter 01 builds and chapter 02 serves: etcd's KV, Watch and Lease services in memory. */
export interface MvccStore {
  /** The current revision: 1 on a fresh store, plus one for every write transaction. */
  readonly revision: number;
  /** The revision of the last compaction; 0 if none. */
  readonly compactRevision: number;

  put(request: PutRequest): PutResponse;
  range(request: RangeRequest): RangeResponse;
  deleteRange(request: DeleteRangeRequest): DeleteRangeResponse;
  txn(request: TxnRequest): TxnResponse;
  compact(request: CompactionRequest): CompactionResponse;

  /**
   * Deliver every change to [key, rangeEnd) from startRevision on, one call per revision, in
   * revision order. History is replayed before `watch` returns; later changes arrive as they are
   * written. Throws the compacted error when startRevision is below the compact revision.
   */
  watch(request: WatchRequest, listener: (response: WatchResponse) => void): Watcher;

  leaseGrant(request: LeaseGrantRequest): LeaseGrantResponse;
  /** Delete the lease and every key attached to it, in one revision. */
  leaseRevoke(id: bigint): { header: ResponseHeader };
  leaseKeepAlive(id: bigint): LeaseKeepAliveResponse;
  leaseTimeToLive(id: bigint, options?: { keys?: boolean }): LeaseTimeToLiveResponse;
  leases(): { header: ResponseHeader; leases: bigint[] };
  /** Revoke every lease whose deadline has passed on the store's clock; returns their IDs. */
  expireLeases(): bigint[];

  /** The whole store as plain values; a store built from it answers every read the same way. */
  snapshot(): StoreSnapshot;
}
