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
import { GrpcCode, StoreError } from '../../harness/store/errors.ts';
import { decode, encode, type Json } from './codec.ts';
import {
  CompactionRequestMessage,
  DeleteRangeRequestMessage,
  EventMessage,
  KeyValueMessage,
  LeaseGrantRequestMessage,
  PutRequestMessage,
  TxnRequestMessage,
} from '../../harness/store/wire.ts';
import { WriteAheadLog } from './wal.ts';
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  Event,
  KeyValue,
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

interface RevisionWaiter {
  revision: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class DurableStore implements MvccStore, Durability {
  /** Opens (or creates) the data directory and rebuilds the store from what it holds. */
  static async open(options: DurableStoreOptions): Promise<DurableStore> {
    const { log, replay } = await WriteAheadLog.open(options.dataDir);
    const snapshot = replay.snapshot ? parseSnapshot(replay.snapshot) : undefined;
    const store = options.createStore(snapshot);
    try {
      if (replay.records.length > 0) replayLog(store, replay.records);
    } catch (error) {
      await log.close();
      throw error;
    }
    return new DurableStore(
      store,
      log,
      options.snapshotBytes ?? 64 * 1024 * 1024,
      replay.truncatedBytes,
    );
  }

  private readonly truncated: number;
  private readonly store: MvccStore;
  private readonly log: WriteAheadLog;
  private readonly snapshotBytes: number;
  private durableRevision: number;
  private loggedRevision: number;
  private revisionWaiters: RevisionWaiter[] = [];
  private snapshotting: Promise<void> | undefined;
  private failure: StoreError | undefined;

  private constructor(
    store: MvccStore,
    log: WriteAheadLog,
    snapshotBytes: number,
    truncated: number,
  ) {
    this.store = store;
    this.log = log;
    this.snapshotBytes = snapshotBytes;
    this.truncated = truncated;
    this.durableRevision = store.revision;
    this.loggedRevision = store.revision;
  }

  /** Bytes the open cut from a torn log tail (0 after a clean shutdown). */
  get truncatedBytes(): number {
    return this.truncated;
  }

  get revision(): number {
    return this.store.revision;
  }

  get compactRevision(): number {
    return this.store.compactRevision;
  }

  // Writes: apply, then log what changed.

  put(request: PutRequest): PutResponse {
    const response = this.store.put(request);
    this.logChange({
      op: 'put',
      revision: this.revision,
      request: encode(PutRequestMessage, request),
    });
    return response;
  }

  deleteRange(request: DeleteRangeRequest): DeleteRangeResponse {
    const response = this.store.deleteRange(request);
    if (response.deleted > 0) {
      const json = encode(DeleteRangeRequestMessage, request);
      this.logChange({ op: 'delete_range', revision: this.revision, request: json });
    }
    return response;
  }

  txn(request: TxnRequest): TxnResponse {
    const before = this.revision;
    const response = this.store.txn(request);
    // A txn that only read, or whose writes changed nothing, leaves nothing to replay.
    if (this.revision !== before) {
      this.logChange({
        op: 'txn',
        revision: this.revision,
        request: encode(TxnRequestMessage, request),
      });
    }
    return response;
  }

  compact(request: CompactionRequest): CompactionResponse {
    const response = this.store.compact(request);
    const json = encode(CompactionRequestMessage, request);
    this.logChange({ op: 'compact', revision: this.revision, request: json });
    return response;
  }

  leaseGrant(request: LeaseGrantRequest): LeaseGrantResponse {
    const response = this.store.leaseGrant(request);
    // Log the ID and TTL the store chose, not the ones asked for: replay must not choose again.
    const granted = encode(LeaseGrantRequestMessage, { id: response.id, ttl: response.ttl });
    this.logChange({ op: 'lease_grant', revision: this.revision, request: granted });
    return response;
  }

  leaseRevoke(id: bigint): { header: ResponseHeader } {
    const response = this.store.leaseRevoke(id);
    this.logChange({ op: 'lease_revoke', revision: this.revision, ids: [id.toString()] });
    return response;
  }

  expireLeases(): bigint[] {
    const expired = this.store.expireLeases();
    if (expired.length > 0) {
      const ids = expired.map(String);
      this.logChange({ op: 'lease_revoke', revision: this.revision, ids });
    }
    return expired;
  }

  // Reads and keep-alives change nothing that outlives a restart: passed straight through.
  // (A restart gives every lease its full TTL again, as etcd does, so keep-alives need no record.)

  range(request: RangeRequest): RangeResponse {
    return this.store.range(request);
  }

  watch(request: WatchRequest, listener: (response: WatchResponse) => void): Watcher {
    return this.store.watch(request, listener);
  }

  leaseKeepAlive(id: bigint): LeaseKeepAliveResponse {
    return this.store.leaseKeepAlive(id);
  }

  leaseTimeToLive(id: bigint, options?: { keys?: boolean }): LeaseTimeToLiveResponse {
    return this.store.leaseTimeToLive(id, options);
  }

  leases(): { header: ResponseHeader; leases: bigint[] } {
    return this.store.leases();
  }

  snapshot(): StoreSnapshot {
    return this.store.snapshot();
  }

  // Durability

  synced(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return this.log.synced().catch((error: Error) => {
      this.stopServing(error);
      throw this.failure;
    });
  }

  durableThrough(revision: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (revision <= this.durableRevision) return Promise.resolve();
    // The change may be in the middle of being applied (a watcher hears of it before it is
    // logged), so wait for the revision itself rather than for what is logged right now.
    return new Promise((resolve, reject) =>
      this.revisionWaiters.push({ revision, resolve, reject }),
    );
  }

  /** Waits for the log (and any snapshot being written), then closes it. */
  async close(): Promise<void> {
    await this.snapshotting;
    await this.log.close();
  }

  private logChange(record: LogRecord): void {
    if (this.failure) throw this.failure;
    this.log.append(Buffer.from(JSON.stringify(record)));
    if (record.revision > this.loggedRevision) {
      const revision = record.revision;
      this.loggedRevision = revision;
      this.log.synced().then(
        () => this.markDurable(revision),
        (error: Error) => this.stopServing(error),
      );
    }
    if (this.log.size >= this.snapshotBytes && !this.snapshotting) this.startSnapshot();
  }

  private markDurable(revision: number): void {
    this.durableRevision = Math.max(this.durableRevision, revision);
    const waiting: RevisionWaiter[] = [];
    for (const waiter of this.revisionWaiters) {
      if (waiter.revision <= this.durableRevision) waiter.resolve();
      else waiting.push(waiter);
    }
    this.revisionWaiters = waiting;
  }

  private startSnapshot(): void {
    // Taken and handed to the log in one synchronous step, so it matches the records before it.
    const bytes = Buffer.from(JSON.stringify(serializeSnapshot(this.store.snapshot())));
    this.snapshotting = this.log
      .saveSnapshot(bytes)
      .catch((error: Error) => this.stopServing(error))
      .finally(() => {
        this.snapshotting = undefined;
      });
  }

  /**
   * The disk failed: what is in memory may no longer match what is on disk, so from now on every
   * answer is an error (Unavailable, HTTP 503), as etcd stops rather than serve unlogged state.
   */
  private stopServing(error: Error): void {
    this.failure ??= new StoreError(
      GrpcCode.Unavailable,
      `kata store: ${error.message}; restart the store to recover from its log`,
    );
    for (const waiter of this.revisionWaiters.splice(0)) waiter.reject(this.failure);
  }
}

/**
 * Applies every logged record (JSON bytes) to `store` again, in order. Each record carries the
 * revision it produced: a replay that reaches another one stops with an error instead of serving a
 * store that silently differs from the one that was logged.
 */
export function replayLog(store: MvccStore, records: Uint8Array[]): void {
  for (const [i, bytes] of records.entries()) {
    const record = JSON.parse(Buffer.from(bytes).toString('utf8')) as LogRecord;
    apply(store, record);
    if (store.revision !== record.revision) {
      throw new Error(
        `replaying record ${i + 1} (${record.op}) gave revision ${store.revision}, ` +
          `but it was logged at revision ${record.revision}: the log does not match this store`,
      );
    }
  }
}

/** Repeats one logged change on `store`. */
function apply(store: MvccStore, record: LogRecord): void {
  switch (record.op) {
    case 'put':
      store.put(decode(PutRequestMessage, record.request));
      return;
    case 'delete_range':
      store.deleteRange(decode(DeleteRangeRequestMessage, record.request));
      return;
    case 'txn':
      store.txn(decode(TxnRequestMessage, record.request));
      return;
    case 'compact':
      store.compact(decode(CompactionRequestMessage, record.request));
      return;
    case 'lease_grant':
      store.leaseGrant(decode(LeaseGrantRequestMessage, record.request));
      return;
    case 'lease_revoke':
      for (const id of record.ids) store.leaseRevoke(BigInt(id));
      return;
  }
}

// A snapshot on disk is JSON, with keys, values and events written the way the wire writes them.

export interface SnapshotJson {
  revision: number;
  compact_revision: number;
  base: Json[];
  changes: Array<{ revision: number; events: Json[] }>;
  leases: Array<{ ID: string; TTL: number }>;
}

/** A store snapshot as the snapshot file holds it: JSON, with the wire's names and encodings. */
export function serializeSnapshot(snapshot: StoreSnapshot): SnapshotJson {
  return {
    revision: snapshot.revision,
    compact_revision: snapshot.compactRevision,
    base: snapshot.base.map((kv) => encode(KeyValueMessage, kv)),
    changes: snapshot.changes.map((change) => ({
      revision: change.revision,
      events: change.events.map((event) => encode(EventMessage, event)),
    })),
    leases: snapshot.leases.map((lease) => ({ ID: lease.id.toString(), TTL: lease.ttl })),
  };
}

/** The store snapshot a snapshot file holds (the bytes of serializeSnapshot's JSON). */
export function parseSnapshot(bytes: Uint8Array): StoreSnapshot {
  const json = JSON.parse(Buffer.from(bytes).toString('utf8')) as SnapshotJson;
  return {
    revision: json.revision,
    compactRevision: json.compact_revision,
    base: json.base.map((kv): KeyValue => decode(KeyValueMessage, kv)),
    changes: json.changes.map((change) => ({
      revision: change.revision,
      events: change.events.map((event): Event => decode(EventMessage, event)),
    })),
    leases: json.leases.map((lease) => ({ id: BigInt(lease.ID), ttl: lease.TTL })),
  };
}
