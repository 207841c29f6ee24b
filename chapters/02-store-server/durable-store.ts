// The durable store: chapter 01's in-memory store, with every change written to the write-ahead log.
//
// It is an MvccStore like the one it wraps, so the server cannot tell them apart, plus a way to
// wait for the disk (`synced`, `durableThrough`): the server answers only once what it is about to
// tell a client is on disk.
//
// What is logged is each request that changed something, with what replay needs to repeat it
// exactly: the lease ID the store picked for a grant, and lease expiries as revokes (expiry depends
// on the clock, replay must not). A change is applied to the store first, because only then is it
// known whether it changed anything, and logged in the same synchronous step, so the log's order
// is the store's order. Reads are not logged.
//
// On open, the newest snapshot is loaded and the records after it are applied again; each record
// carries the revision it produced, so a replay that goes differently stops with an error instead
// of serving a store that silently differs. When the log grows past `snapshotBytes`, the whole
// store is saved as a snapshot and the log starts again, so restart time stays bounded.
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { Json } from './codec.ts';
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseTimeToLiveResponse,
  MvccStore,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  ResponseHeader,
  StoreSnapshot,
  TxnRequest,
  TxnResponse,
  WatchRequest,
  WatchResponse,
  Watcher,
} from '../../harness/store/types.ts';

const section = '§ Durability';

/** What the server waits on before it answers. */
export interface Durability {
  /** Resolves once every change made so far is on disk. */
  synced(): Promise<void>;
  /** Resolves once every change up to and including store revision `revision` is on disk. */
  durableThrough(revision: number): Promise<void>;
}

export interface DurableStoreOptions {
  /** The data directory (etcd's --data-dir). */
  dataDir: string;
  /** Builds the in-memory store, empty or from a snapshot: `(snapshot) => new Store({ snapshot })`. */
  createStore: (snapshot?: StoreSnapshot) => MvccStore;
  /** Take a snapshot once this many bytes were logged since the last one. Default 64 MiB. */
  snapshotBytes?: number;
}

/**
 * One logged change, as the log holds it (JSON): what it was, with its request in etcd's JSON, and
 * `revision`, the store's revision right after it.
 */
export type LogRecord =
  | { op: 'put'; revision: number; request: Json }
  | { op: 'delete_range'; revision: number; request: Json }
  | { op: 'txn'; revision: number; request: Json }
  | { op: 'compact'; revision: number; request: Json }
  | { op: 'lease_grant'; revision: number; request: Json }
  | { op: 'lease_revoke'; revision: number; ids: string[] };

export class DurableStore implements MvccStore, Durability {
  /**
   * Opens (or creates) the data directory with WriteAheadLog.open, builds the store with
   * `createStore` from the snapshot (parseSnapshot) if there is one, and applies the logged records
   * again (replayLog) if there are any. If replay fails, close the log before passing the error on.
   */
  static async open(options: DurableStoreOptions): Promise<DurableStore> {
    throw new NotImplemented('DurableStore.open', section);
  }

  /** Bytes the open cut from a torn log tail (0 after a clean shutdown). */
  get truncatedBytes(): number {
    throw new NotImplemented('DurableStore.truncatedBytes', section);
  }

  get revision(): number {
    throw new NotImplemented('DurableStore.revision', section);
  }

  get compactRevision(): number {
    throw new NotImplemented('DurableStore.compactRevision', section);
  }

  // Writes: apply to the store, then log what changed, in the same synchronous step, as one
  // LogRecord (JSON bytes appended to the log). Log only what changed something, with what replay
  // needs to repeat it exactly. When the log has grown past snapshotBytes, start a snapshot:
  // serializeSnapshot(store.snapshot()), handed to the log's saveSnapshot in the same step.

  /** Apply, then log the request. */
  put(request: PutRequest): PutResponse {
    throw new NotImplemented('DurableStore.put', section);
  }

  /** Apply, then log the request if it deleted anything. */
  deleteRange(request: DeleteRangeRequest): DeleteRangeResponse {
    throw new NotImplemented('DurableStore.deleteRange', section);
  }

  /** Apply, then log the request if the revision moved. */
  txn(request: TxnRequest): TxnResponse {
    throw new NotImplemented('DurableStore.txn', section);
  }

  /** Apply, then log the compaction. */
  compact(request: CompactionRequest): CompactionResponse {
    throw new NotImplemented('DurableStore.compact', section);
  }

  /** Apply, then log the ID and TTL the store granted (not the ones asked for). */
  leaseGrant(request: LeaseGrantRequest): LeaseGrantResponse {
    throw new NotImplemented('DurableStore.leaseGrant', section);
  }

  /** Apply, then log the revoke. */
  leaseRevoke(id: bigint): { header: ResponseHeader } {
    throw new NotImplemented('DurableStore.leaseRevoke', section);
  }

  /** Apply, then log the leases that expired as revokes: replay must not depend on the clock. */
  expireLeases(): bigint[] {
    throw new NotImplemented('DurableStore.expireLeases', section);
  }

  // Reads and keep-alives change nothing that outlives a restart: pass them straight through.

  range(request: RangeRequest): RangeResponse {
    throw new NotImplemented('DurableStore.range', section);
  }

  watch(request: WatchRequest, listener: (response: WatchResponse) => void): Watcher {
    throw new NotImplemented('DurableStore.watch', section);
  }

  leaseKeepAlive(id: bigint): LeaseKeepAliveResponse {
    throw new NotImplemented('DurableStore.leaseKeepAlive', section);
  }

  leaseTimeToLive(id: bigint, options?: { keys?: boolean }): LeaseTimeToLiveResponse {
    throw new NotImplemented('DurableStore.leaseTimeToLive', section);
  }

  leases(): { header: ResponseHeader; leases: bigint[] } {
    throw new NotImplemented('DurableStore.leases', section);
  }

  snapshot(): StoreSnapshot {
    throw new NotImplemented('DurableStore.snapshot', section);
  }

  // Durability

  /** Everything logged so far is on disk (the log's own synced()). */
  synced(): Promise<void> {
    throw new NotImplemented('DurableStore.synced', section);
  }

  /**
   * Revision `revision` is on disk. A watcher may ask while that change is still being applied,
   * before it is logged: wait for the revision itself, not for what is logged right now.
   */
  durableThrough(revision: number): Promise<void> {
    throw new NotImplemented('DurableStore.durableThrough', section);
  }

  /** Waits for the log (and any snapshot being written), then closes it. */
  async close(): Promise<void> {
    throw new NotImplemented('DurableStore.close', section);
  }
}

/**
 * Applies every logged record (the JSON bytes of a LogRecord) to `store` again, in order: a put,
 * delete_range, txn, compact or lease_grant decodes its request with the matching schema and calls
 * the store; a lease_revoke revokes each of its IDs. Each record carries the revision it produced:
 * if the store is at another revision after it, throw an error that says "revision", instead of
 * serving a store that silently differs from the one that was logged.
 */
export function replayLog(store: MvccStore, records: Uint8Array[]): void {
  throw new NotImplemented('replayLog', section);
}

// A snapshot on disk is JSON, with keys, values and events written the way the wire writes them.

export interface SnapshotJson {
  revision: number;
  compact_revision: number;
  base: Json[];
  changes: Array<{ revision: number; events: Json[] }>;
  leases: Array<{ ID: string; TTL: number }>;
}

/**
 * A store snapshot as the snapshot file holds it: the base key-values (KeyValueMessage) and the
 * events of each change (EventMessage) encoded as the wire encodes them, lease IDs as strings.
 */
export function serializeSnapshot(snapshot: StoreSnapshot): SnapshotJson {
  throw new NotImplemented('serializeSnapshot', section);
}

/** The store snapshot a snapshot file holds: the bytes of serializeSnapshot's JSON, read back. */
export function parseSnapshot(bytes: Uint8Array): StoreSnapshot {
  throw new NotImplemented('parseSnapshot', section);
}
