import { describe, expect, test } from 'vitest';
import { FakeClock } from '../../harness/clock.ts';
import { ALL_KEYS_FROM, bytes, text } from '../../harness/store/bytes.ts';
import type { WatchResponse } from '../../harness/store/types.ts';
import { Store } from './store.ts';

/** Every key at a revision (0: now), as "key=value c<create> m<mod> v<version>". */
const contents = (store: Store, revision = 0) =>
  store
    .range({ key: ALL_KEYS_FROM, rangeEnd: ALL_KEYS_FROM, revision })
    .kvs.map(
      (kv) =>
        `${text(kv.key)}=${text(kv.value)} c${kv.createRevision} m${kv.modRevision} v${kv.version}`,
    );

/** Everything a watch of every key from `startRevision` replays, one line per event. */
function replay(store: Store, startRevision: number, prevKv = false): string[] {
  const heard: WatchResponse[] = [];
  const watcher = store.watch(
    { key: ALL_KEYS_FROM, rangeEnd: ALL_KEYS_FROM, startRevision, prevKv },
    (response) => heard.push(response),
  );
  watcher.cancel();
  return heard.flatMap((response) =>
    response.events.map(
      (e) =>
        `${response.revision} ${e.type} ${text(e.kv.key)}` +
        (e.prevKv ? ` (was ${text(e.prevKv.value)})` : ''),
    ),
  );
}

/**
 * A store with some history (revisions in brackets): [2] put a=1  [3] put b=1  [4] txn: put a=2,
 * delete b, put c=1  [5] put b=2  [6] put c=2
 */
function storeWithHistory(): Store {
  const store = new Store();
  const put = (key: string, value: string) => ({
    requestPut: { key: bytes(key), value: bytes(value) },
  });
  store.put({ key: bytes('a'), value: bytes('1') });
  store.put({ key: bytes('b'), value: bytes('1') });
  store.txn({
    success: [put('a', '2'), { requestDeleteRange: { key: bytes('b') } }, put('c', '1')],
  });
  store.put({ key: bytes('b'), value: bytes('2') });
  store.put({ key: bytes('c'), value: bytes('2') });
  return store;
}

describe('Snapshots', () => {
  test("a fresh store's snapshot restores to a fresh store: revision 1, no keys", () => {
    const restored = new Store({ snapshot: new Store().snapshot() });
    expect(
      {
        revision: restored.revision,
        compactRevision: restored.compactRevision,
        keys: contents(restored),
      },
      'new Store({ snapshot: new Store().snapshot() })',
    ).toEqual({ revision: 1, compactRevision: 0, keys: [] });
  });

  test('a restored store answers ranges at every revision as the original does', () => {
    const original = storeWithHistory();
    const restored = new Store({ snapshot: original.snapshot() });
    for (const revision of [2, 3, 4, 5, 6]) {
      expect(
        contents(restored, revision),
        `history up to revision 6; snapshot, restore, read every key at revision ${revision}`,
      ).toEqual(contents(original, revision));
    }
  });

  test('a restored store replays watches as the original does', () => {
    const original = storeWithHistory();
    const restored = new Store({ snapshot: original.snapshot() });
    expect(
      replay(restored, 2, true),
      'snapshot, restore, watch every key from 2 with prevKv',
    ).toEqual(replay(original, 2, true));
  });

  test('a compacted store restores with its compact revision, and the same reads and watches', () => {
    const original = storeWithHistory();
    original.compact({ revision: 4 });
    const restored = new Store({ snapshot: original.snapshot() });
    expect(
      {
        compactRevision: restored.compactRevision,
        at4: contents(restored, 4),
        now: contents(restored),
        watch: replay(restored, 4, true),
      },
      'compact at 4, snapshot, restore: compactRevision, keys at 4 and now, watch from 4',
    ).toEqual({
      compactRevision: 4,
      at4: contents(original, 4),
      now: contents(original),
      watch: replay(original, 4, true),
    });
  });

  test('leases come back with their full TTL counted from now, and their keys still attached', () => {
    const clock = new FakeClock(0);
    const original = new Store({ clock });
    original.leaseGrant({ ttl: 30, id: 7n });
    original.put({ key: bytes('session'), value: bytes('x'), lease: 7n });
    clock.advance(20_000);
    const restored = new Store({ clock, snapshot: original.snapshot() });
    const ttl = restored.leaseTimeToLive(7n, { keys: true });
    expect(
      { ttl: ttl.ttl, granted: ttl.grantedTtl, keys: ttl.keys.map(text) },
      'grant a 30 s lease 7 with key session, wait 20 s, snapshot and restore: timeToLive(7)',
    ).toEqual({ ttl: 30, granted: 30, keys: ['session'] });
    restored.leaseRevoke(7n);
    expect(contents(restored), 'then revoke lease 7 on the restored store: keys').toEqual([]);
  });

  test('a restored store carries on from its revision', () => {
    const restored = new Store({ snapshot: storeWithHistory().snapshot() });
    const response = restored.put({ key: bytes('d'), value: bytes('1') });
    expect(response.header.revision, 'history up to revision 6; restore; put d').toBe(7);
  });
});
