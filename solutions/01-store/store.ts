// The store: an in-memory MVCC key-value store with etcd 3.4's semantics, the database Kubernetes
// keeps all of its state in.
//
// Everything hangs on one number, the *revision*. A fresh store is at revision 1, and every write
// transaction (a put, a delete that deletes something, a txn that changes anything, a lease revoke
// that deletes keys) adds exactly one. Each key remembers the revision that created it, the one
// that last changed it and how many times it was written, and the key index keeps its older
// versions, so any read can ask for the store as it was at an earlier revision. The change log
// keeps the same history as a list of changes, which is what watchers replay. Compaction is how
// the store forgets: history before the compact revision is gone for reads and watches alike.
//
// The pieces: the key index (key-index.ts) answers reads, the change log (change-log.ts) feeds
// watchers, the lessor (lessor.ts) keeps leases, and checks.ts refuses bad requests up front.
// This file ties them together, one etcd request per method.
import { systemClock, type Clock } from '../../harness/clock.ts';
import { ALL_KEYS_FROM } from '../../harness/store/bytes.ts';
import { errors } from '../../harness/store/errors.ts';
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
  RequestOp,
  ResponseHeader,
  ResponseOp,
  StoreSnapshot,
  TxnRequest,
  TxnResponse,
  WatchRequest,
  WatchResponse,
  Watcher,
} from '../../harness/store/types.ts';
import { ChangeLog } from './change-log.ts';
import { checkKey, checkPut, checkTxn, compareKeyValue } from './checks.ts';
import { KeyIndex, keyInterval, type KeyInterval } from './key-index.ts';
import { Lessor, type Lease } from './lessor.ts';

export interface StoreOptions {
  /** Where lease deadlines are read from. Default: the system clock (harness/clock.ts). */
  clock?: Clock;
  /** Picks lease IDs: a number in [0, 1), like Math.random (the default). */
  random?: () => number;
  /** The shortest TTL granted, in seconds. etcd's is 2 (1.5 election timeouts, rounded up). */
  minLeaseTtl?: number;
  /** Start from this snapshot instead of empty (lesson: § Snapshots). */
  snapshot?: StoreSnapshot;
}

/** Every key, as an interval: from the smallest key (one zero byte) on, with no end. */
const ALL_KEYS: KeyInterval = { start: ALL_KEYS_FROM, end: undefined };

/**
 * One write transaction in progress. Everything it changes gets the same revision, one more than
 * the store's; if it ends up changing nothing, the store's revision does not move.
 */
interface Write {
  revision: number;
  events: Event[];
}

/** A txn's decision, made before anything is written: which branch runs, at every level. */
interface TxnPlan {
  succeeded: boolean;
  steps: Array<{ op: RequestOp; nested?: TxnPlan }>;
}

export class Store implements MvccStore {
  private currentRevision = 1;
  private compactedRevision = 0;
  private readonly index = new KeyIndex();
  private readonly changes: ChangeLog;
  private readonly lessor: Lessor;

  constructor(options: StoreOptions = {}) {
    this.lessor = new Lessor(
      options.clock ?? systemClock,
      options.random ?? Math.random,
      options.minLeaseTtl ?? 2,
    );
    this.changes = new ChangeLog((key, revision) => this.readBefore(key, revision));
    if (options.snapshot) this.restore(options.snapshot);
  }

  get revision(): number {
    return this.currentRevision;
  }

  get compactRevision(): number {
    return this.compactedRevision;
  }

  // ---- Revisions: put -------------------------------------------------------------------------

  put(request: PutRequest): PutResponse {
    checkPut(request);
    this.checkPutApplies(request);
    const write = this.begin();
    const response = this.applyPut(write, request);
    this.commit(write);
    return { ...response, header: this.header() };
  }

  /** The checks a put needs the store for: the lease exists; ignoreValue/ignoreLease have a key. */
  private checkPutApplies(request: PutRequest): void {
    if (request.lease && request.lease !== 0n && !this.lessor.get(request.lease)) {
      throw errors.leaseNotFound();
    }
    if (
      (request.ignoreValue || request.ignoreLease) &&
      !this.index.get(request.key, this.revision)
    ) {
      throw errors.keyNotFound();
    }
  }

  private applyPut(write: Write, request: PutRequest): PutResponse {
    const previous = this.index.get(request.key, write.revision);
    const kv: KeyValue = {
      // The store keeps its own copy: the caller may reuse its arrays.
      key: request.key.slice(),
      value: request.ignoreValue ? previous!.value : (request.value ?? new Uint8Array()).slice(),
      // A key that does not exist starts a new generation; a live key continues its own.
      createRevision: previous?.createRevision ?? write.revision,
      modRevision: write.revision,
      version: (previous?.version ?? 0) + 1,
      lease: request.ignoreLease ? previous!.lease : (request.lease ?? 0n),
    };
    this.index.put(kv);
    // Writing a key moves it to its new lease (or to none).
    if (previous && previous.lease !== 0n) this.lessor.detach(previous.lease, kv.key);
    if (kv.lease !== 0n) this.lessor.attach(kv.lease, kv.key);
    write.events.push({ type: 'PUT', kv });
    const response: PutResponse = { header: { revision: write.revision } };
    if (request.prevKv && previous) response.prevKv = previous;
    return response;
  }

  // ---- Ranges ---------------------------------------------------------------------------------

  range(request: RangeRequest): RangeResponse {
    checkKey(request.key);
    return this.read(request, this.readableRevision(request.revision), this.header());
  }

  /** The revision a read asks for (0 or absent: now), if the store can still answer it. */
  private readableRevision(revision: number | undefined): number {
    if (!revision || revision <= 0) return this.currentRevision;
    if (revision > this.currentRevision) throw errors.futureRevision();
    if (revision < this.compactedRevision) throw errors.compacted();
    return revision;
  }

  private read(request: RangeRequest, revision: number, header: ResponseHeader): RangeResponse {
    const kvs = this.index.range(keyInterval(request.key, request.rangeEnd), revision);
    // count is the whole range; limit only cuts what is returned.
    const count = kvs.length;
    if (request.countOnly) return { header, kvs: [], more: false, count };
    const limit = request.limit && request.limit > 0 ? request.limit : count;
    const page = kvs.slice(0, limit);
    return {
      header,
      kvs: request.keysOnly ? page.map((kv) => ({ ...kv, value: new Uint8Array() })) : page,
      more: count > limit,
      count,
    };
  }

  // ---- Deletes --------------------------------------------------------------------------------

  deleteRange(request: DeleteRangeRequest): DeleteRangeResponse {
    checkKey(request.key);
    const write = this.begin();
    const response = this.applyDelete(write, request);
    this.commit(write);
    return { ...response, header: this.header() };
  }

  private applyDelete(write: Write, request: DeleteRangeRequest): DeleteRangeResponse {
    const deleted = this.index.range(keyInterval(request.key, request.rangeEnd), write.revision);
    for (const kv of deleted) this.deleteKey(write, kv);
    return {
      header: { revision: this.revisionSoFar(write) },
      deleted: deleted.length,
      prevKvs: request.prevKv ? deleted : [],
    };
  }

  /** Ends a live key's generation: a tombstone in the index, a DELETE event, off its lease. */
  private deleteKey(write: Write, kv: KeyValue): void {
    this.index.remove(kv.key, write.revision);
    if (kv.lease !== 0n) this.lessor.detach(kv.lease, kv.key);
    // A DELETE event carries only the key and the revision of the delete, as etcd's does.
    write.events.push({
      type: 'DELETE',
      kv: {
        key: kv.key,
        value: new Uint8Array(),
        createRevision: 0,
        modRevision: write.revision,
        version: 0,
        lease: 0n,
      },
    });
  }

  // ---- Transactions ---------------------------------------------------------------------------

  /**
   * Compare, then run one branch, all as one revision. Every check happens before the first
   * write, so a txn that fails changes nothing.
   */
  txn(request: TxnRequest): TxnResponse {
    checkTxn(request);
    const plan = this.plan(request);
    this.checkPlan(plan);
    const write = this.begin();
    const response = this.runPlan(write, plan);
    this.commit(write);
    return { ...response, header: this.header() };
  }

  /**
   * Evaluates the compares and picks a branch, for the txn and every txn nested in the branch it
   * picks. As in etcd, nested compares see the store as it was before the outer txn wrote.
   */
  private plan(request: TxnRequest): TxnPlan {
    const succeeded = (request.compare ?? []).every((compare) => {
      const kvs = this.index.range(keyInterval(compare.key, compare.rangeEnd), this.revision);
      // With a rangeEnd every key in the range must pass; an empty range compares as one missing key.
      return kvs.length === 0
        ? compareKeyValue(compare, undefined)
        : kvs.every((kv) => compareKeyValue(compare, kv));
    });
    const ops = (succeeded ? request.success : request.failure) ?? [];
    return {
      succeeded,
      steps: ops.map((op) =>
        'requestTxn' in op ? { op, nested: this.plan(op.requestTxn) } : { op },
      ),
    };
  }

  /** The checks that need the store, for exactly the operations that will run. */
  private checkPlan(plan: TxnPlan): void {
    for (const { op, nested } of plan.steps) {
      if ('requestPut' in op) this.checkPutApplies(op.requestPut);
      else if ('requestRange' in op) this.readableRevision(op.requestRange.revision);
      else if (nested) this.checkPlan(nested);
    }
  }

  private runPlan(write: Write, plan: TxnPlan): TxnResponse {
    const responses: ResponseOp[] = [];
    for (const { op, nested } of plan.steps) {
      if ('requestPut' in op) {
        responses.push({ responsePut: this.applyPut(write, op.requestPut) });
      } else if ('requestDeleteRange' in op) {
        responses.push({ responseDeleteRange: this.applyDelete(write, op.requestDeleteRange) });
      } else if ('requestRange' in op) {
        // A read inside a txn sees the txn's own earlier writes.
        const header = { revision: this.revisionSoFar(write) };
        const asked = op.requestRange.revision ?? 0;
        const revision = asked > 0 ? asked : header.revision;
        responses.push({ responseRange: this.read(op.requestRange, revision, header) });
      } else if (nested) {
        responses.push({ responseTxn: this.runPlan(write, nested) });
      }
    }
    // etcd fills in the header of the outermost txn only (txn() does); a nested txn's stays empty.
    return { header: { revision: 0 }, succeeded: plan.succeeded, responses };
  }

  // ---- Writes: one revision each --------------------------------------------------------------

  private begin(): Write {
    return { revision: this.currentRevision + 1, events: [] };
  }

  /** The revision as a write in progress sees it: its own if it has changed something. */
  private revisionSoFar(write: Write): number {
    return write.events.length > 0 ? write.revision : write.revision - 1;
  }

  /** A write that changed something becomes the new revision, and watchers hear of it. */
  private commit(write: Write): void {
    if (write.events.length === 0) return;
    this.currentRevision = write.revision;
    this.changes.append({ revision: write.revision, events: write.events });
  }

  private header(): ResponseHeader {
    return { revision: this.currentRevision };
  }

  // ---- Watches --------------------------------------------------------------------------------

  watch(request: WatchRequest, listener: (response: WatchResponse) => void): Watcher {
    const start =
      request.startRevision && request.startRevision > 0
        ? request.startRevision
        : this.currentRevision + 1;
    if (start < this.compactedRevision) throw errors.compacted();
    const filters = request.filters ?? [];
    return this.changes.watch(
      {
        interval: keyInterval(request.key, request.rangeEnd),
        prevKv: request.prevKv ?? false,
        noPut: filters.includes('NOPUT'),
        noDelete: filters.includes('NODELETE'),
      },
      start,
      listener,
    );
  }

  /** A key just before `revision`, for an event's prevKv; nothing once that has been compacted. */
  private readBefore(key: Uint8Array, revision: number): KeyValue | undefined {
    if (revision - 1 < this.compactedRevision) return undefined;
    return this.index.get(key, revision - 1);
  }

  // ---- Leases ---------------------------------------------------------------------------------

  leaseGrant(request: LeaseGrantRequest): LeaseGrantResponse {
    const lease = this.lessor.grant(request.ttl, request.id ?? 0n);
    return { header: this.header(), id: lease.id, ttl: lease.ttl };
  }

  leaseRevoke(id: bigint): { header: ResponseHeader } {
    const lease = this.lessor.get(id);
    if (!lease) throw errors.leaseNotFound();
    this.revoke(lease);
    return { header: this.header() };
  }

  /** Forgets the lease and deletes all its keys in one write: one revision, if it had keys. */
  private revoke(lease: Lease): void {
    const keys = this.lessor.keys(lease);
    this.lessor.remove(lease.id);
    const write = this.begin();
    for (const key of keys) {
      const kv = this.index.get(key, write.revision);
      if (kv) this.deleteKey(write, kv);
    }
    this.commit(write);
  }

  leaseKeepAlive(id: bigint): LeaseKeepAliveResponse {
    return { header: this.header(), id, ttl: this.lessor.renew(id) };
  }

  leaseTimeToLive(id: bigint, options: { keys?: boolean } = {}): LeaseTimeToLiveResponse {
    const lease = this.lessor.get(id);
    if (!lease) return { header: this.header(), id, ttl: -1, grantedTtl: 0, keys: [] };
    return {
      header: this.header(),
      id,
      ttl: this.lessor.remaining(lease),
      grantedTtl: lease.ttl,
      keys: options.keys ? this.lessor.keys(lease) : [],
    };
  }

  leases(): { header: ResponseHeader; leases: bigint[] } {
    return { header: this.header(), leases: this.lessor.all().map((lease) => lease.id) };
  }

  expireLeases(): bigint[] {
    const expired = this.lessor.expiredLeases();
    for (const lease of expired) this.revoke(lease);
    return expired.map((lease) => lease.id);
  }

  // ---- Compaction -----------------------------------------------------------------------------

  compact(request: CompactionRequest): CompactionResponse {
    if (request.revision <= this.compactedRevision) throw errors.compacted();
    if (request.revision > this.currentRevision) throw errors.futureRevision();
    this.compactedRevision = request.revision;
    this.index.compact(request.revision);
    this.changes.compact(request.revision, this.survivorsOf(request.revision));
    return { header: this.header() };
  }

  /**
   * What a watcher replaying from a compacted revision still hears of it: the keys written at that
   * revision that are still there, in key order, without their previous state (it is gone).
   */
  private survivorsOf(revision: number): WatchResponse | undefined {
    const events: Event[] = this.index
      .range(ALL_KEYS, revision)
      .filter((kv) => kv.modRevision === revision)
      .map((kv) => ({ type: 'PUT' as const, kv }));
    return events.length > 0 ? { revision, events } : undefined;
  }

  // ---- Snapshots ------------------------------------------------------------------------------

  snapshot(): StoreSnapshot {
    return {
      revision: this.currentRevision,
      compactRevision: this.compactedRevision,
      base: this.compactedRevision > 0 ? this.index.range(ALL_KEYS, this.compactedRevision) : [],
      changes: this.changes.after(this.compactedRevision),
      leases: this.lessor.all().map((lease) => ({ id: lease.id, ttl: lease.ttl })),
    };
  }

  /**
   * Rebuilds the store a snapshot describes: the base as the compacted revision left it, then each
   * change replayed in order, then the leases, granted afresh with their full TTL.
   */
  private restore(snapshot: StoreSnapshot): void {
    this.compactedRevision = snapshot.compactRevision;
    for (const kv of snapshot.base) this.index.put(kv);
    const survivors = this.survivorsOf(snapshot.compactRevision);
    if (survivors) this.changes.append(survivors);
    for (const change of snapshot.changes) {
      for (const event of change.events) {
        if (event.type === 'PUT') this.index.put(event.kv);
        else this.index.remove(event.kv.key, change.revision);
      }
      this.changes.append({
        revision: change.revision,
        events: change.events.map(({ type, kv }) => ({ type, kv })),
      });
    }
    this.currentRevision = snapshot.revision;
    for (const { id, ttl } of snapshot.leases) this.lessor.grant(ttl, id);
    for (const kv of this.index.range(ALL_KEYS, this.currentRevision)) {
      if (kv.lease !== 0n) this.lessor.attach(kv.lease, kv.key);
    }
  }
}
