import { describe, expect, test } from 'vitest';
import { bytes, text } from '../../harness/store/bytes.ts';
import { errors } from '../../harness/store/errors.ts';
import type { Compare, RequestOp, ResponseOp } from '../../harness/store/types.ts';
import { checkTxn } from './checks.ts';
import { Store } from './store.ts';

const put = (key: string, value: string): RequestOp => ({
  requestPut: { key: bytes(key), value: bytes(value) },
});
const get = (key: string): RequestOp => ({ requestRange: { key: bytes(key) } });
const del = (key: string): RequestOp => ({ requestDeleteRange: { key: bytes(key) } });

/** A store holding these keys, each with the value `v-<key>`, written in the order given. */
function storeWith(...keys: string[]): Store {
  const store = new Store();
  for (const key of keys) store.put({ key: bytes(key), value: bytes(`v-${key}`) });
  return store;
}

/** The key's value, or undefined when it does not exist. */
function valueOf(store: Store, key: string): string | undefined {
  const kv = store.range({ key: bytes(key) }).kvs[0];
  return kv && text(kv.value);
}

/** Which kind of response each operation got. */
const kinds = (responses: ResponseOp[]) => responses.map((response) => Object.keys(response)[0]);

/** Runs a txn with one compare on `key` and reports which branch ran. */
function branch(store: Store, compare: Omit<Compare, 'key'> & { key?: string }): string {
  const { key = 'k', ...rest } = compare;
  const response = store.txn({ compare: [{ ...rest, key: bytes(key) }] });
  return response.succeeded ? 'success' : 'failure';
}

describe('Transactions', () => {
  test('checkTxn refuses more than 128 compares, or more than 128 operations in one branch', () => {
    const compares: Compare[] = Array.from({ length: 129 }, (_, i) => ({
      key: bytes(`key-${i}`),
      target: 'VERSION',
      result: 'EQUAL',
    }));
    const puts = Array.from({ length: 128 }, (_, i) => put(`key-${i}`, 'x'));
    expect(
      () => checkTxn({ compare: compares }),
      'checkTxn of a txn with 129 compares should throw "etcdserver: too many operations in txn request"',
    ).toThrow(errors.tooManyOps());
    expect(
      () => checkTxn({ success: [...puts, put('one-more', 'x')] }),
      'checkTxn of a txn with 129 puts in success should throw "etcdserver: too many operations in txn request"',
    ).toThrow(errors.tooManyOps());
    expect(
      () => checkTxn({ success: puts, failure: puts }),
      'checkTxn of a txn with 128 puts in success and 128 in failure should not throw',
    ).not.toThrow();
  });

  test('checkTxn refuses a branch that puts a key twice, or puts a key it also deletes', () => {
    const range = { requestDeleteRange: { key: bytes('a'), rangeEnd: bytes('c') } };
    expect(
      () => checkTxn({ failure: [put('a', '1'), put('a', '2')] }),
      'checkTxn of a txn whose failure branch puts a twice should throw "etcdserver: duplicate key given in txn request"',
    ).toThrow(errors.duplicateKey());
    expect(
      () => checkTxn({ success: [range, put('b', '1')] }),
      'checkTxn of a txn that deletes [a, c) and puts b should throw "etcdserver: duplicate key given in txn request"',
    ).toThrow(errors.duplicateKey());
    expect(
      () => checkTxn({ success: [put('a', '1'), del('b')], failure: [put('a', '2')] }),
      'checkTxn of a txn that puts a in success and a again in failure (only one branch runs) should not throw',
    ).not.toThrow();
  });

  test('the two branches of a nested txn may put the same key, but the txn around it may not put it too', () => {
    const nested: RequestOp = {
      requestTxn: { success: [put('a', '1')], failure: [put('a', '2')] },
    };
    expect(
      () => checkTxn({ success: [nested, put('b', '1')] }),
      'checkTxn of a txn holding a nested txn that puts a in both branches should not throw',
    ).not.toThrow();
    expect(
      () => checkTxn({ success: [nested, put('a', '3')] }),
      'checkTxn of a txn that also puts a beside that nested txn should throw "etcdserver: duplicate key given in txn request"',
    ).toThrow(errors.duplicateKey());
  });

  test('checkTxn checks every key: in compares, in operations, and in nested txns', () => {
    const empty = new Uint8Array();
    expect(
      () => checkTxn({ compare: [{ key: empty, target: 'VERSION', result: 'EQUAL' }] }),
      'checkTxn of a txn with a compare on an empty key should throw "etcdserver: key is not provided"',
    ).toThrow(errors.keyNotProvided());
    expect(
      () => checkTxn({ failure: [{ requestRange: { key: empty } }] }),
      'checkTxn of a txn whose failure branch ranges an empty key should throw "etcdserver: key is not provided"',
    ).toThrow(errors.keyNotProvided());
    expect(
      () => checkTxn({ success: [{ requestTxn: { success: [{ requestPut: { key: empty } }] } }] }),
      'checkTxn of a txn with a nested txn that puts an empty key should throw "etcdserver: key is not provided"',
    ).toThrow(errors.keyNotProvided());
  });

  test('a txn with no compares succeeds and runs its success operations', () => {
    const store = new Store();
    const response = store.txn({ success: [put('a', '1')], failure: [put('b', '1')] });
    expect(
      { succeeded: response.succeeded, a: valueOf(store, 'a'), b: valueOf(store, 'b') },
      'txn with no compares, success: put a=1, failure: put b=1',
    ).toEqual({ succeeded: true, a: '1', b: undefined });
  });

  test('each operation gets its response, in the order of the operations', () => {
    const store = storeWith('x');
    const response = store.txn({ success: [put('a', '1'), get('x'), del('x')] });
    expect(kinds(response.responses), 'txn success: put a, range x, delete x').toEqual([
      'responsePut',
      'responseRange',
      'responseDeleteRange',
    ]);
  });

  test('all the writes of a txn share one revision', () => {
    const store = storeWith('c');
    const response = store.txn({ success: [put('a', '1'), put('b', '1'), del('c')] });
    const revisions = store
      .range({ key: bytes('a'), rangeEnd: bytes('z') })
      .kvs.map((kv) => [text(kv.key), kv.modRevision]);
    expect(
      { revision: response.header.revision, kvs: revisions },
      'put c (revision 2); txn: put a, put b, delete c',
    ).toEqual({
      revision: 3,
      kvs: [
        ['a', 3],
        ['b', 3],
      ],
    });
  });

  test('a txn that changes nothing keeps the revision', () => {
    const store = storeWith('a');
    const response = store.txn({ success: [get('a'), del('nope')] });
    expect(
      { header: response.header.revision, store: store.revision },
      'put a (revision 2); txn: range a, delete nope',
    ).toEqual({ header: 2, store: 2 });
  });

  test('an operation sees the writes made before it in the same txn', () => {
    const store = storeWith('a');
    const response = store.txn({ success: [put('a', 'new'), get('a')] });
    const read = response.responses[1]!;
    expect(
      'responseRange' in read ? read.responseRange.kvs.map((kv) => text(kv.value)) : read,
      'a=v-a; txn: put a=new, then range a',
    ).toEqual(['new']);
  });

  test('more than 128 operations is refused with "too many operations" and changes nothing', () => {
    const store = new Store();
    const ops = Array.from({ length: 129 }, (_, i) => put(`key-${i}`, 'x'));
    expect(
      () => store.txn({ success: ops }),
      'a txn with 129 puts should throw "etcdserver: too many operations in txn request"',
    ).toThrow(errors.tooManyOps());
    expect(store.revision, 'a refused txn, then store.revision').toBe(1);
    store.txn({ success: ops.slice(0, 128) });
    expect(store.revision, 'then a txn with 128 puts: store.revision').toBe(2);
  });

  test('a txn may not put a key twice, nor put a key it also deletes: "duplicate key"', () => {
    const store = new Store();
    expect(
      () => store.txn({ success: [put('a', '1'), put('a', '2')] }),
      'a txn that puts a twice should throw "etcdserver: duplicate key given in txn request"',
    ).toThrow(errors.duplicateKey());
    expect(
      () => store.txn({ success: [del('a'), put('a', '1')] }),
      'a txn that deletes a and puts a should throw "etcdserver: duplicate key given in txn request"',
    ).toThrow(errors.duplicateKey());
    const nested = { requestTxn: { success: [put('a', '1')], failure: [put('a', '2')] } };
    store.txn({ success: [nested] });
    expect(
      valueOf(store, 'a'),
      "txn with a nested txn that puts a in both of its branches (only one runs): a's value",
    ).toBe('1');
  });

  test('an operation that cannot run fails the whole txn, and nothing changes', () => {
    const store = storeWith('a');
    expect(
      () =>
        store.txn({
          success: [
            put('b', '1'),
            { requestPut: { key: bytes('c'), value: bytes('1'), lease: 42n } },
          ],
        }),
      'a txn that puts b, then c with lease 42 (which does not exist), should throw "etcdserver: requested lease not found"',
    ).toThrow(errors.leaseNotFound());
    expect(
      () =>
        store.txn({ success: [put('b', '1'), { requestRange: { key: bytes('a'), revision: 9 } }] }),
      'a txn that puts b, then ranges a at revision 9 (the store is at 2), should throw "etcdserver: mvcc: required revision is a future revision"',
    ).toThrow(errors.futureRevision());
    expect(
      () => store.txn({ compare: [{ key: new Uint8Array(), target: 'VERSION', result: 'EQUAL' }] }),
      'a txn with a compare on an empty key should throw "etcdserver: key is not provided"',
    ).toThrow(errors.keyNotProvided());
    expect(
      [store.revision, valueOf(store, 'b')],
      'after three refused txns: [store.revision, value of b]',
    ).toEqual([2, undefined]);
  });

  test('when a compare fails, the failure operations run instead', () => {
    const store = storeWith('k');
    const response = store.txn({
      compare: [{ key: bytes('k'), target: 'VALUE', result: 'EQUAL', value: bytes('other') }],
      success: [put('a', '1')],
      failure: [put('b', '1')],
    });
    expect(
      { succeeded: response.succeeded, a: valueOf(store, 'a'), b: valueOf(store, 'b') },
      'k=v-k; txn if value(k) = "other" then put a else put b',
    ).toEqual({ succeeded: false, a: undefined, b: '1' });
  });

  test('a missing key compares as zeros: CREATE = 0 means "the key does not exist yet"', () => {
    const store = storeWith('k');
    expect(
      [
        branch(store, { key: 'missing', target: 'CREATE', result: 'EQUAL', createRevision: 0 }),
        branch(store, { key: 'k', target: 'CREATE', result: 'EQUAL', createRevision: 0 }),
        branch(store, { key: 'missing', target: 'VERSION', result: 'EQUAL', version: 0 }),
      ],
      'k exists: compare create(missing) = 0, create(k) = 0, version(missing) = 0',
    ).toEqual(['success', 'failure', 'success']);
  });

  test('MOD = the modRevision you read is compare-and-swap: of two writers, only the first wins', () => {
    const store = storeWith('counter');
    const seen = store.range({ key: bytes('counter') }).kvs[0]!.modRevision;
    const writer = (value: string) =>
      store.txn({
        compare: [{ key: bytes('counter'), target: 'MOD', result: 'EQUAL', modRevision: seen }],
        success: [put('counter', value)],
      }).succeeded;
    expect(
      [writer('first'), writer('second'), valueOf(store, 'counter')],
      'two writers both read counter at the same modRevision, then each sends if mod = that',
    ).toEqual([true, false, 'first']);
  });

  test("GREATER, LESS and NOT_EQUAL compare the key's field with the operand", () => {
    const store = storeWith('k', 'k', 'k'); // version 3
    expect(
      [
        branch(store, { target: 'VERSION', result: 'GREATER', version: 2 }),
        branch(store, { target: 'VERSION', result: 'GREATER', version: 3 }),
        branch(store, { target: 'VERSION', result: 'LESS', version: 4 }),
        branch(store, { target: 'VERSION', result: 'LESS', version: 3 }),
        branch(store, { target: 'VERSION', result: 'NOT_EQUAL', version: 1 }),
        branch(store, { target: 'VERSION', result: 'NOT_EQUAL', version: 3 }),
      ],
      'k at version 3: version > 2, > 3, < 4, < 3, != 1, != 3',
    ).toEqual(['success', 'failure', 'success', 'failure', 'success', 'failure']);
  });

  test('VALUE compares bytes; on a missing key it always fails, even NOT_EQUAL', () => {
    const store = storeWith('k'); // k = v-k
    expect(
      [
        branch(store, { target: 'VALUE', result: 'EQUAL', value: bytes('v-k') }),
        branch(store, { target: 'VALUE', result: 'GREATER', value: bytes('v-a') }),
        branch(store, { key: 'missing', target: 'VALUE', result: 'NOT_EQUAL', value: bytes('x') }),
      ],
      'k=v-k: value(k) = "v-k", value(k) > "v-a", value(missing) != "x"',
    ).toEqual(['success', 'success', 'failure']);
  });

  test("LEASE compares the key's lease, where 0 means none", () => {
    const store = storeWith('k');
    expect(
      [
        branch(store, { target: 'LEASE', result: 'EQUAL', lease: 0n }),
        branch(store, { target: 'LEASE', result: 'GREATER', lease: 0n }),
      ],
      'k without a lease: lease(k) = 0, lease(k) > 0',
    ).toEqual(['success', 'failure']);
  });

  test('every compare must hold, and with a rangeEnd every key in the range must', () => {
    const store = storeWith('a', 'b', 'b'); // a at version 1, b at version 2
    const version = (key: string, rangeEnd: string | undefined, v: number): Compare => ({
      key: bytes(key),
      rangeEnd: rangeEnd === undefined ? undefined : bytes(rangeEnd),
      target: 'VERSION',
      result: 'EQUAL',
      version: v,
    });
    expect(
      [
        store.txn({ compare: [version('a', undefined, 1), version('b', undefined, 2)] }).succeeded,
        store.txn({ compare: [version('a', undefined, 1), version('b', undefined, 1)] }).succeeded,
        store.txn({ compare: [version('a', 'c', 1)] }).succeeded,
        store.txn({ compare: [{ ...version('a', 'c', 0), result: 'GREATER' }] }).succeeded,
      ],
      'a v1, b v2: [a=1 and b=2], [a=1 and b=1], [every key in [a, c) = 1], [every key in [a, c) > 0]',
    ).toEqual([true, false, false, true]);
  });

  test('a nested txn decides on its own compares, against the store as it was before the outer txn', () => {
    const store = storeWith('flag'); // flag = v-flag
    store.txn({
      success: [
        put('flag', 'changed'),
        {
          requestTxn: {
            compare: [
              { key: bytes('flag'), target: 'VALUE', result: 'EQUAL', value: bytes('v-flag') },
            ],
            success: [put('seen', 'before')],
            failure: [put('seen', 'after')],
          },
        },
      ],
    });
    expect(
      [valueOf(store, 'flag'), valueOf(store, 'seen'), store.revision],
      'flag=v-flag; txn: put flag=changed, then a nested txn: if value(flag) = "v-flag" put seen=before else put seen=after',
    ).toEqual(['changed', 'before', 3]);
  });
});
