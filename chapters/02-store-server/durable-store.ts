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

export class DurableStore implements MvccStore, Durability {
  /**
   * Opens (or creates) the data directory with WriteAheadLog.open, builds the store from the
   * snapshot (if any) and applies every logged record again. Each record carries the revision it
   * produced: if replay reaches a different one, throw an error that says so.
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

  // Writes: apply to the store, then log what changed, in the same synchronous step. Log only
  // what changed something, with what replay needs to repeat it exactly.

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
