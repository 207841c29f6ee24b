import { describe, expect, test } from 'vitest';
import { ALL_KEYS_FROM, bytes, prefixEnd, text } from '../../harness/store/bytes.ts';
import { errors } from '../../harness/store/errors.ts';
import type { RangeResponse } from '../../harness/store/types.ts';
import { Store } from './store.ts';

/** A store holding these keys, each with the value `v-<key>`, written in the order given. */
function storeWith(...keys: string[]): Store {
  const store = new Store();
  for (const key of keys) store.put({ key: bytes(key), value: bytes(`v-${key}`) });
  return store;
}

const keysOf = (response: RangeResponse) => response.kvs.map((kv) => text(kv.key));

describe('Ranges', () => {
  test('a range over a key that does not exist finds nothing', () => {
    const store = storeWith('foo');
    const response = store.range({ key: bytes('nope') });
    expect(
      { keys: keysOf(response), count: response.count, more: response.more },
      'put foo, then range nope',
    ).toEqual({ keys: [], count: 0, more: false });
  });

  test('without a rangeEnd a range reads that key alone, not the keys that start with it', () => {
    const store = storeWith('foo', 'foo/bar', 'fooo');
    expect(keysOf(store.range({ key: bytes('foo') })), 'put foo, foo/bar, fooo; range foo').toEqual(
      ['foo'],
    );
  });

  test('[key, rangeEnd) holds the keys from key up to, not including, rangeEnd, in order', () => {
    const store = storeWith('d', 'b', 'e', 'a', 'c');
    expect(
      keysOf(store.range({ key: bytes('b'), rangeEnd: bytes('d') })),
      'put d, b, e, a, c; range [b, d)',
    ).toEqual(['b', 'c']);
  });

  test('keys are ordered byte by byte, not as numbers: pod-10 comes before pod-9', () => {
    const store = storeWith('pod-9', 'pod-10', 'Pod-1', 'pod-1', 'pod-');
    expect(
      keysOf(store.range({ key: bytes('P'), rangeEnd: bytes('q') })),
      'put pod-9, pod-10, Pod-1, pod-1, pod-; range [P, q)',
    ).toEqual(['Pod-1', 'pod-', 'pod-1', 'pod-10', 'pod-9']);
  });

  test('a prefix range (rangeEnd = prefixEnd(prefix)) holds exactly the keys under the prefix', () => {
    const store = storeWith(
      '/registry/pods/default/web',
      '/registry/services/default/web',
      '/registry/pods/kube-system/dns',
      '/registry/pods-extra/x',
      '/registry/pods/default/api',
    );
    const prefix = bytes('/registry/pods/');
    expect(
      keysOf(store.range({ key: prefix, rangeEnd: prefixEnd(prefix) })),
      'five keys under /registry/; range the prefix /registry/pods/',
    ).toEqual([
      '/registry/pods/default/api',
      '/registry/pods/default/web',
      '/registry/pods/kube-system/dns',
    ]);
  });

  test('a rangeEnd of one zero byte means every key from key on; key \\0 with it means all keys', () => {
    const store = storeWith('a', 'b', 'c');
    expect(
      keysOf(store.range({ key: bytes('b'), rangeEnd: ALL_KEYS_FROM })),
      'put a, b, c; range from b with rangeEnd \\0',
    ).toEqual(['b', 'c']);
    expect(
      keysOf(store.range({ key: ALL_KEYS_FROM, rangeEnd: ALL_KEYS_FROM })),
      'put a, b, c; range key \\0 with rangeEnd \\0',
    ).toEqual(['a', 'b', 'c']);
  });

  test('limit returns the first keys, sets more, and count still counts the whole range', () => {
    const store = storeWith('a', 'b', 'c', 'd');
    const response = store.range({ key: bytes('a'), rangeEnd: bytes('z'), limit: 2 });
    expect(
      { keys: keysOf(response), more: response.more, count: response.count },
      'put a, b, c, d; range [a, z) with limit 2',
    ).toEqual({ keys: ['a', 'b'], more: true, count: 4 });
    const all = store.range({ key: bytes('a'), rangeEnd: bytes('z'), limit: 4 });
    expect(all.more, 'put a, b, c, d; range [a, z) with limit 4: more').toBe(false);
  });

  test('keysOnly returns the keys with empty values', () => {
    const store = storeWith('a', 'b');
    const response = store.range({ key: bytes('a'), rangeEnd: bytes('z'), keysOnly: true });
    expect(
      response.kvs.map((kv) => [text(kv.key), text(kv.value), kv.version]),
      'put a, b; range [a, z) with keysOnly: [key, value, version]',
    ).toEqual([
      ['a', '', 1],
      ['b', '', 1],
    ]);
  });

  test('countOnly returns the count and no keys', () => {
    const store = storeWith('a', 'b', 'c');
    const response = store.range({ key: bytes('a'), rangeEnd: bytes('z'), countOnly: true });
    expect(
      { keys: keysOf(response), count: response.count },
      'put a, b, c; range [a, z) with countOnly',
    ).toEqual({ keys: [], count: 3 });
  });

  test('a range at an older revision sees the store as it was at that revision', () => {
    const store = new Store();
    store.put({ key: bytes('a'), value: bytes('one') }); // revision 2
    store.put({ key: bytes('a'), value: bytes('two') }); // revision 3
    store.put({ key: bytes('b'), value: bytes('one') }); // revision 4
    const response = store.range({ key: bytes('a'), rangeEnd: bytes('z'), revision: 2 });
    expect(
      response.kvs.map((kv) => [text(kv.key), text(kv.value), kv.modRevision]),
      'put a=one, a=two, b=one; range [a, z) at revision 2: [key, value, modRevision]',
    ).toEqual([['a', 'one', 2]]);
  });

  test("the header carries the store's current revision, even for a read at an older one", () => {
    const store = storeWith('a', 'b', 'c');
    const response = store.range({ key: bytes('a'), revision: 2 });
    expect(response.header.revision, 'three puts; range a at revision 2: header.revision').toBe(4);
  });

  test('a revision above the current one is refused with "required revision is a future revision"', () => {
    const store = storeWith('a');
    expect(
      () => store.range({ key: bytes('a'), revision: 3 }),
      'one put (revision 2); a range of a at revision 3 should throw "etcdserver: mvcc: required revision is a future revision"',
    ).toThrow(errors.futureRevision());
  });

  test('a range with an empty key is refused with "key is not provided"', () => {
    const store = storeWith('a');
    expect(
      () => store.range({ key: new Uint8Array() }),
      'a range with an empty key should throw "etcdserver: key is not provided"',
    ).toThrow(errors.keyNotProvided());
  });
});
