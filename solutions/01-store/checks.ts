// The checks a request must pass before the store changes anything, and the compare a transaction
// makes against one key.
//
// etcd refuses a bad request whole: a transaction with one bad operation fails without running the
// others, so a client never sees half of what it asked for. The checks here need only the request
// itself; the store adds the ones that need its contents (does the lease exist? is the revision
// compacted?) before it writes.
import { compareBytes } from '../../harness/store/bytes.ts';
import { errors } from '../../harness/store/errors.ts';
import type {
  Compare,
  KeyValue,
  PutRequest,
  RequestOp,
  TxnRequest,
} from '../../harness/store/types.ts';
import { inInterval, keyId, keyInterval, type KeyInterval } from './key-index.ts';

/** etcd's default --max-txn-ops: the most compares, or operations in one branch, of a txn. */
export const MAX_TXN_OPS = 128;

export function checkKey(key: Uint8Array | undefined): void {
  if (!key || key.length === 0) throw errors.keyNotProvided();
}

/** ignoreValue and ignoreLease mean "keep the current one": sending a new one as well is a mistake. */
export function checkPut(request: PutRequest): void {
  checkKey(request.key);
  if (request.ignoreValue && request.value && request.value.length > 0) {
    throw errors.valueProvided();
  }
  if (request.ignoreLease && request.lease && request.lease !== 0n) {
    throw errors.leaseProvided();
  }
}

/**
 * Everything about a txn that can be checked without the store: the number of operations, every
 * key, every nested txn, and that no branch writes a key twice.
 */
export function checkTxn(request: TxnRequest): void {
  const { compare = [], success = [], failure = [] } = request;
  if (Math.max(compare.length, success.length, failure.length) > MAX_TXN_OPS) {
    throw errors.tooManyOps();
  }
  for (const condition of compare) checkKey(condition.key);
  for (const op of [...success, ...failure]) checkOp(op);
  writtenKeys(success);
  writtenKeys(failure);
}

function checkOp(op: RequestOp): void {
  if ('requestRange' in op) checkKey(op.requestRange.key);
  else if ('requestPut' in op) checkPut(op.requestPut);
  else if ('requestDeleteRange' in op) checkKey(op.requestDeleteRange.key);
  else if ('requestTxn' in op) checkTxn(op.requestTxn);
}

/** The keys a list of operations puts, and the intervals it deletes. */
interface Written {
  puts: Map<string, Uint8Array>;
  deletes: KeyInterval[];
}

/**
 * One revision holds at most one change per key, so a txn may not put a key twice, nor put a key
 * it also deletes (etcd: "duplicate key given in txn request"). A nested txn runs only one of its
 * branches, so its success and failure may put the same key. Throws on a duplicate.
 */
function writtenKeys(ops: RequestOp[]): Written {
  const deletes: KeyInterval[] = [];
  for (const op of ops) {
    if ('requestDeleteRange' in op) {
      deletes.push(keyInterval(op.requestDeleteRange.key, op.requestDeleteRange.rangeEnd));
    }
  }
  const puts = new Map<string, Uint8Array>();
  const add = (key: Uint8Array, allowed: boolean) => {
    const id = keyId(key);
    if ((puts.has(id) && !allowed) || deletes.some((interval) => inInterval(interval, key))) {
      throw errors.duplicateKey();
    }
    puts.set(id, key);
  };
  for (const op of ops) {
    if (!('requestTxn' in op)) continue;
    const then = writtenKeys(op.requestTxn.success ?? []);
    const otherwise = writtenKeys(op.requestTxn.failure ?? []);
    for (const key of then.puts.values()) add(key, false);
    for (const [id, key] of otherwise.puts) add(key, then.puts.has(id));
    deletes.push(...then.deletes, ...otherwise.deletes);
  }
  for (const op of ops) {
    if ('requestPut' in op) add(op.requestPut.key, false);
  }
  return { puts, deletes };
}

/**
 * Does one key satisfy one compare? `kv` is undefined for a missing key, which compares as all
 * zeros (version 0, createRevision 0, ...), except that VALUE on a missing key is always false:
 * there is no value to compare, not even an empty one.
 */
export function compareKeyValue(compare: Compare, kv: KeyValue | undefined): boolean {
  if (!kv && compare.target === 'VALUE') return false;
  const order = ordering(compare, kv);
  switch (compare.result) {
    case 'EQUAL':
      return order === 0;
    case 'NOT_EQUAL':
      return order !== 0;
    case 'GREATER':
      return order > 0;
    case 'LESS':
      return order < 0;
  }
}

/** Negative, zero or positive: the key's field against the compare's operand. */
function ordering(compare: Compare, kv: KeyValue | undefined): number {
  switch (compare.target) {
    case 'VERSION':
      return Math.sign((kv?.version ?? 0) - (compare.version ?? 0));
    case 'CREATE':
      return Math.sign((kv?.createRevision ?? 0) - (compare.createRevision ?? 0));
    case 'MOD':
      return Math.sign((kv?.modRevision ?? 0) - (compare.modRevision ?? 0));
    case 'VALUE':
      return compareBytes(kv?.value ?? new Uint8Array(), compare.value ?? new Uint8Array());
    case 'LEASE': {
      const lease = kv?.lease ?? 0n;
      const operand = compare.lease ?? 0n;
      return lease === operand ? 0 : lease > operand ? 1 : -1;
    }
  }
}
