// The checks a request must pass before the store changes anything, and the compare a transaction
// makes against one key.
//
// etcd refuses a bad request whole: a transaction with one bad operation fails without running the
// others, so a client never sees half of what it asked for. The checks here need only the request
// itself; the store adds the ones that need its contents (does the lease exist? is the revision
// compacted?) before it writes. Throw the errors from harness/store/errors.ts: their messages are
// etcd's, word for word, because clients match on them.
import type { Compare, KeyValue, PutRequest, TxnRequest } from '../../harness/store/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

/** etcd's default --max-txn-ops: the most compares, or operations in one branch, of a txn. */
export const MAX_TXN_OPS = 128;

/** An empty (or missing) key: errors.keyNotProvided(). */
export function checkKey(key: Uint8Array | undefined): void {
  throw new NotImplemented('checkKey', '§ Revisions');
}

/**
 * The key must be there; ignoreValue with a non-empty value is errors.valueProvided(), and
 * ignoreLease with a non-zero lease is errors.leaseProvided() ("keep the current one" and "here
 * is a new one" contradict each other).
 */
export function checkPut(request: PutRequest): void {
  throw new NotImplemented('checkPut', '§ Revisions');
}

/**
 * Everything about a txn that can be checked without the store, in etcd's order:
 * 1. more than MAX_TXN_OPS compares, or operations in success or in failure: errors.tooManyOps();
 * 2. every compare's key, and every operation (ranges and deletes need a key, puts pass checkPut,
 *    nested txns pass checkTxn);
 * 3. within success, and within failure: no key put twice, no key both put and deleted
 *    (errors.duplicateKey()). The two branches of a nested txn may put the same key: only one runs.
 */
export function checkTxn(request: TxnRequest): void {
  throw new NotImplemented('checkTxn', '§ Transactions');
}

/**
 * Does one key satisfy one compare? `kv` is undefined for a missing key, which compares as all
 * zeros (version 0, createRevision 0, modRevision 0, lease 0), except that VALUE on a missing key
 * is always false. VALUE compares bytes (compareBytes); the other targets compare numbers.
 */
export function compareKeyValue(compare: Compare, kv: KeyValue | undefined): boolean {
  throw new NotImplemented('compareKeyValue', '§ Transactions');
}
