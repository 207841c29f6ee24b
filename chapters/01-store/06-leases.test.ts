import { describe, expect, test } from 'vitest';
import { FakeClock } from '../../harness/clock.ts';
import { bytes, text } from '../../harness/store/bytes.ts';
import { errors } from '../../harness/store/errors.ts';
import type { WatchResponse } from '../../harness/store/types.ts';
import { Store } from './store.ts';

/** A store on a clock that moves only when the test says so. */
function storeOnClock() {
  const clock = new FakeClock(1_000_000);
  return { clock, store: new Store({ clock }) };
}

/** Every key in the store, as text. */
const keys = (store: Store) =>
  store
    .range({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) })
    .kvs.map((kv) => text(kv.key));

function put(store: Store, key: string, lease = 0n) {
  return store.put({ key: bytes(key), value: bytes(`v-${key}`), lease });
}

describe('Leases', () => {
  test('granting a lease returns its ID and TTL, lists it, and leaves the revision alone', () => {
    const { store } = storeOnClock();
    const granted = store.leaseGrant({ ttl: 60, id: 7n });
    expect(
      { id: granted.id, ttl: granted.ttl, leases: store.leases().leases, revision: store.revision },
      'grant a 60 s lease with ID 7 on a fresh store',
    ).toEqual({ id: 7n, ttl: 60, leases: [7n], revision: 1 });
  });

  test('a TTL below the minimum is raised to it: 2 seconds unless the store was told otherwise', () => {
    expect(new Store().leaseGrant({ ttl: 1 }).ttl, 'grant a 1 s lease').toBe(2);
    expect(
      new Store({ minLeaseTtl: 5 }).leaseGrant({ ttl: 1 }).ttl,
      'grant a 1 s lease on a store with minLeaseTtl 5',
    ).toBe(5);
  });

  test('without an ID the store picks a positive one that fits in 63 bits, from its random source', () => {
    const draws = [0.5, 0.25, 0.999999, 0.999999];
    const store = new Store({ random: () => draws.shift() ?? 0.1 });
    const first = store.leaseGrant({ ttl: 10 }).id;
    const second = store.leaseGrant({ ttl: 10 }).id;
    expect(
      [first > 0n, first < 2n ** 63n, second > 0n, second < 2n ** 63n, first !== second],
      `grant two leases without an ID (got ${first} and ${second}): both positive, below 2^63, different`,
    ).toEqual([true, true, true, true, true]);
  });

  test('an ID already in use is refused with "lease already exists"; a TTL above 9,000,000,000 s with "too large lease TTL"', () => {
    const store = new Store();
    store.leaseGrant({ ttl: 10, id: 7n });
    expect(
      () => store.leaseGrant({ ttl: 10, id: 7n }),
      'granting lease ID 7 a second time should throw "etcdserver: lease already exists"',
    ).toThrow(errors.leaseExists());
    expect(
      () => store.leaseGrant({ ttl: 9_000_000_001 }),
      'granting a 9,000,000,001 s lease should throw "etcdserver: too large lease TTL"',
    ).toThrow(errors.leaseTtlTooLarge());
  });

  test('a put with a lease attaches the key to it', () => {
    const { store } = storeOnClock();
    store.leaseGrant({ ttl: 60, id: 7n });
    put(store, 'a', 7n);
    expect(
      {
        lease: store.range({ key: bytes('a') }).kvs[0]?.lease,
        keys: store.leaseTimeToLive(7n, { keys: true }).keys.map(text),
      },
      'grant lease 7, put a with lease 7: the lease of a, and the keys of lease 7',
    ).toEqual({ lease: 7n, keys: ['a'] });
  });

  test('a put with a lease that does not exist is refused with "requested lease not found"', () => {
    const store = new Store();
    expect(
      () => put(store, 'a', 42n),
      'a put of a with lease 42 on a fresh store should throw "etcdserver: requested lease not found"',
    ).toThrow(errors.leaseNotFound());
  });

  test('revoking a lease deletes every key attached to it, in one revision', () => {
    const { store } = storeOnClock();
    store.leaseGrant({ ttl: 60, id: 7n });
    put(store, 'a', 7n);
    put(store, 'b');
    put(store, 'c', 7n); // revision 4
    const heard: WatchResponse[] = [];
    store.watch({ key: bytes('a'), rangeEnd: bytes('z') }, (response) => heard.push(response));
    store.leaseRevoke(7n);
    expect(
      {
        keys: keys(store),
        revision: store.revision,
        heard: heard.map((r) => [
          r.revision,
          ...r.events.map((e) => `${e.type} ${text(e.kv.key)}`),
        ]),
        leases: store.leases().leases,
      },
      'put a and c on lease 7, b on none (revision 4); watch [a, z); revoke lease 7',
    ).toEqual({ keys: ['b'], revision: 5, heard: [[5, 'DELETE a', 'DELETE c']], leases: [] });
  });

  test('revoking a lease with no keys keeps the revision; revoking an unknown lease is refused', () => {
    const store = new Store();
    store.leaseGrant({ ttl: 60, id: 7n });
    store.leaseRevoke(7n);
    expect(store.revision, 'grant lease 7, revoke it: store.revision').toBe(1);
    expect(
      () => store.leaseRevoke(7n),
      'revoking lease 7 a second time should throw "etcdserver: requested lease not found"',
    ).toThrow(errors.leaseNotFound());
  });

  test('writing a key again without its lease takes it off the lease', () => {
    const { store } = storeOnClock();
    store.leaseGrant({ ttl: 60, id: 7n });
    put(store, 'a', 7n);
    put(store, 'a');
    store.leaseRevoke(7n);
    expect(
      keys(store),
      'put a on lease 7, put a again with no lease, revoke lease 7: keys',
    ).toEqual(['a']);
  });

  test('ignoreLease keeps the lease while changing the value; ignoreValue keeps the value while changing the lease', () => {
    const { store } = storeOnClock();
    store.leaseGrant({ ttl: 60, id: 7n });
    store.leaseGrant({ ttl: 60, id: 8n });
    store.put({ key: bytes('a'), value: bytes('one'), lease: 7n });
    store.put({ key: bytes('a'), value: bytes('two'), ignoreLease: true });
    const afterIgnoreLease = store.range({ key: bytes('a') }).kvs[0];
    store.put({ key: bytes('a'), lease: 8n, ignoreValue: true });
    const afterIgnoreValue = store.range({ key: bytes('a') }).kvs[0];
    expect(
      [afterIgnoreLease, afterIgnoreValue].map((kv) => kv && [text(kv.value), kv.lease]),
      'put a=one on lease 7; put a=two with ignoreLease; put a on lease 8 with ignoreValue: [value, lease]',
    ).toEqual([
      ['two', 7n],
      ['two', 8n],
    ]);
  });

  test('ignoreValue and ignoreLease need an existing key, and no new value or lease beside them', () => {
    const store = new Store();
    store.leaseGrant({ ttl: 60, id: 7n });
    expect(
      () => store.put({ key: bytes('missing'), ignoreValue: true }),
      'a put of a missing key with ignoreValue should throw "etcdserver: key not found"',
    ).toThrow(errors.keyNotFound());
    expect(
      () => store.put({ key: bytes('a'), value: bytes('x'), ignoreValue: true }),
      'a put of a=x with ignoreValue should throw "etcdserver: value is provided"',
    ).toThrow(errors.valueProvided());
    expect(
      () => store.put({ key: bytes('a'), lease: 7n, ignoreLease: true }),
      'a put of a with lease 7 and ignoreLease should throw "etcdserver: lease is provided"',
    ).toThrow(errors.leaseProvided());
  });

  test('timeToLive reports the seconds left, the granted TTL and, when asked, the keys; -1 for an unknown lease', () => {
    const { clock, store } = storeOnClock();
    store.leaseGrant({ ttl: 60, id: 7n });
    put(store, 'b', 7n);
    put(store, 'a', 7n);
    clock.advance(15_500);
    const ttl = store.leaseTimeToLive(7n, { keys: true });
    expect(
      { ttl: ttl.ttl, grantedTtl: ttl.grantedTtl, keys: ttl.keys.map(text) },
      'grant a 60 s lease 7, put b and a on it, wait 15.5 s; timeToLive(7) with keys',
    ).toEqual({ ttl: 44, grantedTtl: 60, keys: ['a', 'b'] });
    expect(store.leaseTimeToLive(99n).ttl, 'timeToLive of lease 99, never granted').toBe(-1);
  });

  test('keepAlive gives the lease its full TTL again; an unknown lease gets 0', () => {
    const { clock, store } = storeOnClock();
    store.leaseGrant({ ttl: 60, id: 7n });
    clock.advance(50_000);
    const renewed = store.leaseKeepAlive(7n);
    expect(
      [renewed.ttl, store.leaseTimeToLive(7n).ttl],
      'grant a 60 s lease, wait 50 s, keepAlive: [its ttl, then timeToLive]',
    ).toEqual([60, 60]);
    expect(store.leaseKeepAlive(99n).ttl, 'keepAlive of lease 99, never granted').toBe(0);
  });

  test('expireLeases revokes the leases whose time is up, one revision each, and nothing earlier', () => {
    const { clock, store } = storeOnClock();
    store.leaseGrant({ ttl: 10, id: 1n });
    store.leaseGrant({ ttl: 20, id: 2n });
    store.leaseGrant({ ttl: 10, id: 3n }); // no keys
    put(store, 'a', 1n);
    put(store, 'b', 2n); // revision 3
    clock.advance(9_999);
    expect(store.expireLeases(), 'leases of 10 s and 20 s, after 9.999 s: expireLeases()').toEqual(
      [],
    );
    clock.advance(1);
    const expired = store.expireLeases();
    expect(
      { expired, keys: keys(store), revision: store.revision, leases: store.leases().leases },
      'after 10 s: expireLeases() (lease 1 holds a, lease 3 holds nothing)',
    ).toEqual({ expired: [1n, 3n], keys: ['b'], revision: 4, leases: [2n] });
  });
});
