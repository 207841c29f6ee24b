import { describe, expect, test } from 'vitest';
import { bytes, text } from '../../harness/store/bytes.ts';
import { errors } from '../../harness/store/errors.ts';
import type { KeyValue } from '../../harness/store/types.ts';
import { Store } from './store.ts';

/** A key-value with its bytes as text, so a failing test shows "foo", not [102, 111, 111]. */
const view = (kv: KeyValue | undefined) =>
  kv && { ...kv, key: text(kv.key), value: text(kv.value) };

/** A store holding these keys, each with the value `v-<key>`, written in the order given. */
function storeWith(...keys: string[]): Store {
  const store = new Store();
  for (const key of keys) store.put({ key: bytes(key), value: bytes(`v-${key}`) });
  return store;
}

const allKeys = (store: Store) =>
  store.range({ key: bytes('a'), rangeEnd: bytes('z') }).kvs.map((kv) => text(kv.key));

describe('Deletes', () => {
  test('deleting a key removes it, adds one revision and says how many keys went', () => {
    const store = storeWith('a', 'b');
    const response = store.deleteRange({ key: bytes('a') });
    expect(
      { deleted: response.deleted, revision: response.header.revision, keys: allKeys(store) },
      'put a, b (revision 3); delete a',
    ).toEqual({ deleted: 1, revision: 4, keys: ['b'] });
  });

  test('deleting a key that does not exist deletes nothing and keeps the revision', () => {
    const store = storeWith('a');
    const response = store.deleteRange({ key: bytes('nope') });
    expect(
      { deleted: response.deleted, revision: response.header.revision, store: store.revision },
      'put a (revision 2); delete nope',
    ).toEqual({ deleted: 0, revision: 2, store: 2 });
  });

  test('deleting a range removes every key in it in one revision', () => {
    const store = storeWith('a', 'b', 'c', 'd');
    const response = store.deleteRange({ key: bytes('b'), rangeEnd: bytes('d') });
    expect(
      { deleted: response.deleted, revision: store.revision, keys: allKeys(store) },
      'put a, b, c, d (revision 5); delete [b, d)',
    ).toEqual({ deleted: 2, revision: 6, keys: ['a', 'd'] });
  });

  test('prevKv returns the deleted keys as they were', () => {
    const store = storeWith('a', 'b');
    const response = store.deleteRange({ key: bytes('a'), rangeEnd: bytes('z'), prevKv: true });
    expect(response.prevKvs.map(view), 'put a, b; delete [a, z) with prevKv: prevKvs').toEqual([
      { key: 'a', value: 'v-a', createRevision: 2, modRevision: 2, version: 1, lease: 0n },
      { key: 'b', value: 'v-b', createRevision: 3, modRevision: 3, version: 1, lease: 0n },
    ]);
  });

  test('a put after a delete starts a new generation: a new createRevision and version 1', () => {
    const store = storeWith('a', 'a');
    store.deleteRange({ key: bytes('a') });
    store.put({ key: bytes('a'), value: bytes('again') });
    expect(
      view(store.range({ key: bytes('a') }).kvs[0]),
      'put a twice (version 2), delete a (revision 4), put a=again (revision 5); range a',
    ).toEqual({
      key: 'a',
      value: 'again',
      createRevision: 5,
      modRevision: 5,
      version: 1,
      lease: 0n,
    });
  });

  test('a read at a revision before the delete still sees the key', () => {
    const store = storeWith('a');
    store.deleteRange({ key: bytes('a') });
    expect(
      store.range({ key: bytes('a'), revision: 2 }).kvs.map((kv) => text(kv.value)),
      'put a (revision 2), delete a (revision 3); range a at revision 2: values',
    ).toEqual(['v-a']);
  });

  test('a delete with an empty key is refused with "key is not provided"', () => {
    const store = storeWith('a');
    expect(
      () => store.deleteRange({ key: new Uint8Array() }),
      'a delete with an empty key should throw "etcdserver: key is not provided"',
    ).toThrow(errors.keyNotProvided());
  });
});
