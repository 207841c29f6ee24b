// The store: an in-memory MVCC key-value store with etcd 3.4's semantics, the database Kubernetes
// keeps all of its state in.
//
// Everything hangs on one number, the *revision*. A fresh store is at revision 1, and every write
// transaction (a put, a delete that deletes something, a txn that changes anything, a lease revoke
// that deletes keys) adds exactly one. Each key remembers the revision that created it, the one
// that last changed it and how many times it was written, and older versions are kept, so any read
// can ask for the store as it was at an earlier revision. Compaction is how the store forgets.
//
// Suggested pieces (each has its own file and stub): the key index (key-index.ts) answers reads,
// the change log (change-log.ts) feeds watchers, the lessor (lessor.ts) keeps leases, and
// checks.ts refuses bad requests up front. This file ties them together, one etcd request per
// method. Errors are the ones in harness/store/errors.ts, thrown as they are.
import type { Clock } from '../../harness/clock.ts';
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
import { NotImplemented } from '../../harness/not-implemented.ts';

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

export class Store implements MvccStore {
  constructor(options: StoreOptions = {}) {
    // Set up the store's state here: the revision (1 on a fresh store), the compact revision (0),
    // the key index, the change log, the lessor. Restore options.snapshot when there is one.
  }

  /** The current revision: 1 on a fresh store, plus one for every write transaction. */
  get revision(): number {
    throw new NotImplemented('Store.revision', '§ Revisions');
  }

  /** The revision of the last compaction; 0 if none. */
  get compactRevision(): number {
    throw new NotImplemented('Store.compactRevision', '§ Compaction');
  }

  /**
   * Writes a key in a new revision. A live key keeps its createRevision, gets the new revision as
   * its modRevision and one more version; a missing (or deleted) key starts a new generation at
   * version 1, with createRevision = modRevision = the new revision. Keep a copy of the caller's
   * bytes. With prevKv, the response holds the key as it was before.
   * Options (§ Leases): `lease` attaches the key to that lease (errors.leaseNotFound() if it does
   * not exist) and detaches it from its old one; ignoreValue / ignoreLease keep the key's current
   * value / lease (errors.keyNotFound() when the key does not exist).
   * Refused with errors.keyNotProvided() for an empty key; a refused put changes nothing.
   */
  put(request: PutRequest): PutResponse {
    throw new NotImplemented('Store.put', '§ Revisions');
  }

  /**
   * Reads one key, or the interval [key, rangeEnd) in byte order (a rangeEnd of one zero byte: every
   * key from `key` on), as the store was at `revision` (0 or absent: now). `count` is the number of
   * keys in the whole range; `limit` (0: none) cuts the returned kvs and sets `more`. keysOnly
   * leaves values empty; countOnly returns no kvs. The header carries the current revision.
   * Refused: an empty key (errors.keyNotProvided()), a revision above the current one
   * (errors.futureRevision()), one below the compact revision (errors.compacted()).
   */
  range(request: RangeRequest): RangeResponse {
    throw new NotImplemented('Store.range', '§ Ranges');
  }

  /**
   * Deletes one key, or every key in [key, rangeEnd), all in one new revision; deleting nothing
   * leaves the revision alone. `deleted` counts the keys; with prevKv, `prevKvs` holds them as they
   * were. Deleting ends the key's generation: its next put starts again at version 1.
   */
  deleteRange(request: DeleteRangeRequest): DeleteRangeResponse {
    throw new NotImplemented('Store.deleteRange', '§ Deletes');
  }

  /**
   * If every compare holds, runs `success`, otherwise `failure`: all the writes share one new
   * revision (none if nothing changed), each operation gets its response in order, and later
   * operations see earlier writes. Nested txns decide on their own compares, evaluated against the
   * store as it was before this txn. Every check (checkTxn, missing leases, ignoreValue on a missing
   * key, reads at compacted or future revisions) happens before the first write: a refused txn
   * changes nothing.
   */
  txn(request: TxnRequest): TxnResponse {
    throw new NotImplemented('Store.txn', '§ Transactions');
  }

  /**
   * Forgets history before `revision`: reads and watches below it are refused from now on, while
   * the latest version of every live key survives. Compacting at or below the compact revision is
   * errors.compacted(); above the current revision, errors.futureRevision().
   */
  compact(request: CompactionRequest): CompactionResponse {
    throw new NotImplemented('Store.compact', '§ Compaction');
  }

  /**
   * Delivers every change to [key, rangeEnd) from startRevision on (0 or absent: only changes made
   * from now on), one listener call per revision, in revision order, with no gap and no repeat.
   * History is replayed before `watch` returns. A DELETE event's kv holds only the key and the
   * delete's modRevision. prevKv and filters (NOPUT, NODELETE) as in etcd.
   * Refused with errors.compacted() when startRevision is below the compact revision.
   */
  watch(request: WatchRequest, listener: (response: WatchResponse) => void): Watcher {
    throw new NotImplemented('Store.watch', '§ Watches');
  }

  /**
   * Grants a lease (see Lessor.grant: minimum TTL, picked IDs, etcd's errors). Granting is not a
   * write: the revision does not change.
   */
  leaseGrant(request: LeaseGrantRequest): LeaseGrantResponse {
    throw new NotImplemented('Store.leaseGrant', '§ Leases');
  }

  /**
   * Deletes the lease and every key attached to it, in one revision (none if it had no keys).
   * Refused with errors.leaseNotFound() for a lease that does not exist.
   */
  leaseRevoke(id: bigint): { header: ResponseHeader } {
    throw new NotImplemented('Store.leaseRevoke', '§ Leases');
  }

  /** Renews the lease to its full TTL; ttl 0 for a lease that does not exist (not an error). */
  leaseKeepAlive(id: bigint): LeaseKeepAliveResponse {
    throw new NotImplemented('Store.leaseKeepAlive', '§ Leases');
  }

  /**
   * The lease's seconds left and granted TTL, and its keys in byte order when asked for. A lease that
   * does not exist answers ttl -1 (not an error).
   */
  leaseTimeToLive(id: bigint, options: { keys?: boolean } = {}): LeaseTimeToLiveResponse {
    throw new NotImplemented('Store.leaseTimeToLive', '§ Leases');
  }

  /** Every lease's ID, in the order granted. */
  leases(): { header: ResponseHeader; leases: bigint[] } {
    throw new NotImplemented('Store.leases', '§ Leases');
  }

  /**
   * Revokes every lease whose deadline has passed on the store's clock, earliest first, each as its
   * own revoke (one revision per lease that had keys); returns their IDs.
   */
  expireLeases(): bigint[] {
    throw new NotImplemented('Store.expireLeases', '§ Leases');
  }

  /**
   * The whole store as plain values (StoreSnapshot in harness/store/types.ts): the live keys at the
   * compact revision, every change after it, and the leases. `new Store({ snapshot })` must answer
   * every range, watch and lease question as this store does.
   */
  snapshot(): StoreSnapshot {
    throw new NotImplemented('Store.snapshot', '§ Snapshots');
  }
}
