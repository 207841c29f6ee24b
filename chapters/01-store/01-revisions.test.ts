import { describe, expect, test } from 'vitest';
import { bytes, text } from '../../harness/store/bytes.ts';
import { errors } from '../../harness/store/errors.ts';
import type { KeyValue } from '../../harness/store/types.ts';
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

describe('Revisions', () => {
  test('a fresh store is at revision 1', () => {
    expect(new Store().revision, 'new Store(), then read store.revision').toBe(1);
  });

  test('a put adds one to the revision and answers with the new revision', () => {
    const store = new Store();
    const response = put(store, 'foo', 'bar');
    expect(response.header.revision, 'put foo=bar on a fresh store: header.revision').toBe(2);
    expect(store.revision, 'put foo=bar on a fresh store, then store.revision').toBe(2);
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

  test('every put is a new revision, even one that writes the same value again', () => {
    const store = new Store();
    put(store, 'foo', 'bar');
    put(store, 'foo', 'bar');
    expect(store.revision, 'put foo=bar twice: store.revision').toBe(3);
    expect(get(store, 'foo')?.version, 'put foo=bar twice: the version of foo').toBe(2);
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

  test('prevKv returns the key as it was before the put, and nothing for a new key', () => {
    const store = new Store();
    const first = store.put({ key: bytes('foo'), value: bytes('one'), prevKv: true });
    expect(view(first.prevKv), 'put foo=one with prevKv on a fresh store: prevKv').toBeUndefined();
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

  test('a put with an empty key is refused with etcd\'s "key is not provided" and changes nothing', () => {
    const store = new Store();
    expect(
      () => store.put({ key: new Uint8Array(), value: bytes('bar') }),
      'put with an empty key',
    ).toThrow(errors.keyNotProvided());
    expect(store.revision, 'a refused put, then store.revision').toBe(1);
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
