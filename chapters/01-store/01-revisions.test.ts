import { describe, expect, test } from 'vitest';
import { bytes, text } from '../../harness/store/bytes.ts';
import { errors } from '../../harness/store/errors.ts';
import type { KeyValue } from '../../harness/store/types.ts';
import { KeyIndex } from './key-index.ts';
import { Store } from './store.ts';

/** A key-value with its bytes as text, so a failing test shows "foo", not [102, 111, 111]. */
const view = (kv: KeyValue | undefined) =>
  kv && { ...kv, key: text(kv.key), value: text(kv.value) };

function put(store: Store, key: string, value: string) {
  return store.put({ key: bytes(key), value: bytes(value) });
}

function get(store: Store, key: string) {
  return view(store.range({ key: bytes(key) }).kvs[0]);
}

/** One version of a key, as the store would write it at `modRevision`. */
function version(key: string, value: string, modRevision: number): KeyValue {
  return {
    key: bytes(key),
    value: bytes(value),
    createRevision: modRevision,
    modRevision,
    version: 1,
    lease: 0n,
  };
}

/** The value of `key` in the index at `revision`, or 'missing'. */
function valueAt(index: KeyIndex, key: string, revision: number): string {
  const kv = index.get(bytes(key), revision);
  return kv ? text(kv.value) : 'missing';
}

describe('Revisions', () => {
  test("the key index gives a key's state at a revision: its newest version at or before it", () => {
    const index = new KeyIndex();
    index.put(version('foo', 'one', 2));
    index.put(version('foo', 'two', 5));
    expect(
      [2, 4, 5, 9].map((revision) => valueAt(index, 'foo', revision)),
      'key index: foo=one at revision 2, foo=two at 5; get foo at revisions 2, 4, 5 and 9',
    ).toEqual(['one', 'one', 'two', 'two']);
  });

  test('before its first version a key is missing, and so is a key never written', () => {
    const index = new KeyIndex();
    index.put(version('foo', 'one', 3));
    expect(
      [valueAt(index, 'foo', 2), valueAt(index, 'bar', 9)],
      'key index: foo=one at revision 3; get foo at revision 2, and bar (never written) at 9',
    ).toEqual(['missing', 'missing']);
  });

  test('every key keeps its own versions, whatever order the keys were written in', () => {
    const index = new KeyIndex();
    index.put(version('c', 'c1', 2));
    index.put(version('a', 'a1', 3));
    index.put(version('b', 'b1', 4));
    index.put(version('a', 'a2', 5));
    expect(
      ['a', 'b', 'c'].map((key) => `${valueAt(index, key, 4)} ${valueAt(index, key, 5)}`),
      'key index: c=c1 at 2, a=a1 at 3, b=b1 at 4, a=a2 at 5; get a, b and c at revisions 4 and 5',
    ).toEqual(['a1 a2', 'b1 b1', 'c1 c1']);
  });

  test('a key that sorts between two others is missing until it is written, then found', () => {
    const index = new KeyIndex();
    index.put(version('a', 'a1', 2));
    index.put(version('c', 'c1', 3));
    const before = valueAt(index, 'b', 9);
    index.put(version('b', 'b1', 4));
    expect(
      [before, valueAt(index, 'b', 9), valueAt(index, 'a', 9), valueAt(index, 'c', 9)],
      'key index holding a and c: get b, then put b=b1 and get b, a and c',
    ).toEqual(['missing', 'b1', 'a1', 'c1']);
  });

  test('a fresh store is at revision 1', () => {
    expect(new Store().revision, 'new Store(), then read store.revision').toBe(1);
  });

  test('a put adds one to the revision and answers with the new revision', () => {
    const store = new Store();
    const response = put(store, 'foo', 'bar');
    expect(response.header.revision, 'put foo=bar on a fresh store: header.revision').toBe(2);
    expect(store.revision, 'put foo=bar on a fresh store, then store.revision').toBe(2);
  });

  test('prevKv returns the key as it was before the put', () => {
    const store = new Store();
    put(store, 'foo', 'one');
    const second = store.put({ key: bytes('foo'), value: bytes('two'), prevKv: true });
    expect(view(second.prevKv), 'put foo=one, then put foo=two with prevKv: prevKv').toEqual({
      key: 'foo',
      value: 'one',
      createRevision: 2,
      modRevision: 2,
      version: 1,
      lease: 0n,
    });
  });

  test('there is no prevKv unless asked for, and none for a key that did not exist', () => {
    const store = new Store();
    const first = store.put({ key: bytes('foo'), value: bytes('one'), prevKv: true });
    const second = put(store, 'foo', 'two');
    expect(
      [view(first.prevKv), view(second.prevKv)],
      'put foo=one with prevKv on a fresh store, then put foo=two without prevKv: both prevKvs',
    ).toEqual([undefined, undefined]);
  });

  test('a put with an empty key is refused with etcd\'s "key is not provided" and changes nothing', () => {
    const store = new Store();
    expect(
      () => store.put({ key: new Uint8Array(), value: bytes('bar') }),
      'a put with an empty key should throw "etcdserver: key is not provided"',
    ).toThrow(errors.keyNotProvided());
    expect(store.revision, 'a refused put, then store.revision').toBe(1);
  });

  test('every put is a new revision, even one that writes the same value again', () => {
    const store = new Store();
    const first = put(store, 'foo', 'bar');
    const second = store.put({ key: bytes('foo'), value: bytes('bar'), prevKv: true });
    expect(
      [first.header.revision, second.header.revision, second.prevKv?.modRevision],
      'put foo=bar, then foo=bar again with prevKv: [both revisions, the modRevision it replaced]',
    ).toEqual([2, 3, 2]);
    expect(store.revision, 'put foo=bar twice: store.revision').toBe(3);
  });

  test('a range reads back the value that was put', () => {
    const store = new Store();
    put(store, 'foo', 'bar');
    const { kvs } = store.range({ key: bytes('foo') });
    expect(
      kvs.map((kv) => text(kv.value)),
      'put foo=bar, then range foo: the values',
    ).toEqual(['bar']);
  });

  test('a new key is created at the revision of its put, with version 1', () => {
    const store = new Store();
    put(store, 'foo', 'bar');
    expect(get(store, 'foo'), 'put foo=bar on a fresh store, then range foo').toEqual({
      key: 'foo',
      value: 'bar',
      createRevision: 2,
      modRevision: 2,
      version: 1,
      lease: 0n,
    });
  });

  test('writing a key again keeps its createRevision, moves its modRevision and adds one to its version', () => {
    const store = new Store();
    put(store, 'foo', 'one');
    put(store, 'foo', 'two');
    expect(get(store, 'foo'), 'put foo=one, put foo=two, then range foo').toEqual({
      key: 'foo',
      value: 'two',
      createRevision: 2,
      modRevision: 3,
      version: 2,
      lease: 0n,
    });
  });

  test('the revision counts writes to every key; each key keeps its own modRevision', () => {
    const store = new Store();
    put(store, 'a', '1');
    put(store, 'b', '1');
    put(store, 'a', '2');
    expect(
      [get(store, 'a'), get(store, 'b')].map((kv) => [
        kv?.key,
        kv?.createRevision,
        kv?.modRevision,
      ]),
      'put a, put b, put a again: [key, createRevision, modRevision] of a and b',
    ).toEqual([
      ['a', 2, 4],
      ['b', 3, 3],
    ]);
  });

  test('the store keeps its own copy of the key and value it was given', () => {
    const store = new Store();
    const key = bytes('foo');
    const value = bytes('bar');
    store.put({ key, value });
    key.set(bytes('xxx'));
    value.set(bytes('yyy'));
    expect(
      get(store, 'foo'),
      'put foo=bar, then the caller overwrote its own arrays, then range foo',
    ).toMatchObject({ key: 'foo', value: 'bar' });
  });
});
