import { describe, expect, test } from 'vitest';
import { ALL_KEYS_FROM, bytes, text } from '../../harness/store/bytes.ts';
import { errors } from '../../harness/store/errors.ts';
import type { WatchResponse } from '../../harness/store/types.ts';
import { Store } from './store.ts';

/**
 * A store with some history (revisions in brackets):
 * [2] put a=1  [3] put b=1  [4] put a=2  [5] delete b  [6] put c=1
 */
function storeWithHistory(): Store {
  const store = new Store();
  store.put({ key: bytes('a'), value: bytes('1') });
  store.put({ key: bytes('b'), value: bytes('1') });
  store.put({ key: bytes('a'), value: bytes('2') });
  store.deleteRange({ key: bytes('b') });
  store.put({ key: bytes('c'), value: bytes('1') });
  return store;
}

/** Every key at a revision (0: now), as "key=value@modRevision". */
const contents = (store: Store, revision = 0) =>
  store
    .range({ key: ALL_KEYS_FROM, rangeEnd: ALL_KEYS_FROM, revision })
    .kvs.map((kv) => `${text(kv.key)}=${text(kv.value)}@${kv.modRevision}`);

describe('Compaction', () => {
  test('compact records the compact revision and answers with the current revision', () => {
    const store = storeWithHistory();
    const response = store.compact({ revision: 4 });
    expect(
      { header: response.header.revision, compactRevision: store.compactRevision },
      'history up to revision 6; compact at 4',
    ).toEqual({ header: 6, compactRevision: 4 });
  });

  test('a read below the compact revision is refused with "required revision has been compacted"', () => {
    const store = storeWithHistory();
    store.compact({ revision: 4 });
    expect(
      () => store.range({ key: bytes('a'), revision: 3 }),
      'after compact at 4, a range of a at revision 3 should throw "etcdserver: mvcc: required revision has been compacted"',
    ).toThrow(errors.compacted());
  });

  test('the compact revision itself, and everything after it, can still be read', () => {
    const store = storeWithHistory();
    store.compact({ revision: 4 });
    expect(
      { at4: contents(store, 4), at5: contents(store, 5), now: contents(store) },
      'history up to revision 6; compact at 4; read every key at 4, at 5 and now',
    ).toEqual({ at4: ['a=2@4', 'b=1@3'], at5: ['a=2@4'], now: ['a=2@4', 'c=1@6'] });
  });

  test('compacting at or below the compact revision again is refused, and so is compacting the future', () => {
    const store = storeWithHistory();
    store.compact({ revision: 4 });
    expect(
      () => store.compact({ revision: 4 }),
      'compact at 4, then compacting at 4 again should throw "etcdserver: mvcc: required revision has been compacted"',
    ).toThrow(errors.compacted());
    expect(
      () => store.compact({ revision: 3 }),
      'compact at 4, then compacting at 3 should throw "etcdserver: mvcc: required revision has been compacted"',
    ).toThrow(errors.compacted());
    expect(
      () => store.compact({ revision: 7 }),
      'at revision 6, compacting at 7 should throw "etcdserver: mvcc: required revision is a future revision"',
    ).toThrow(errors.futureRevision());
    expect(
      store.compact({ revision: 6 }).header.revision,
      'compact at the current revision, 6',
    ).toBe(6);
  });

  test('a watch from below the compact revision is refused; from it on, the watch replays what is left', () => {
    const store = storeWithHistory();
    store.compact({ revision: 5 });
    expect(
      () =>
        store.watch({ key: ALL_KEYS_FROM, rangeEnd: ALL_KEYS_FROM, startRevision: 4 }, () => {}),
      'after compact at 5, a watch of every key from revision 4 should throw "etcdserver: mvcc: required revision has been compacted"',
    ).toThrow(errors.compacted());
    const heard: WatchResponse[] = [];
    store.watch({ key: ALL_KEYS_FROM, rangeEnd: ALL_KEYS_FROM, startRevision: 5 }, (response) =>
      heard.push(response),
    );
    // Revision 5 deleted b: after compacting at 5 nothing of b is left, so that event is gone.
    expect(
      heard.map((r) => [r.revision, ...r.events.map((e) => `${e.type} ${text(e.kv.key)}`)]),
      'compact at 5 (revision 5 deleted b); watch every key from revision 5',
    ).toEqual([[6, 'PUT c']]);
  });

  test('a put at the compact revision is still replayed, without a prevKv (the revision before is gone)', () => {
    const store = storeWithHistory();
    store.compact({ revision: 4 });
    const heard: WatchResponse[] = [];
    store.watch({ key: bytes('a'), startRevision: 4, prevKv: true }, (response) =>
      heard.push(response),
    );
    expect(
      heard.map((r) => [
        r.revision,
        text(r.events[0]!.kv.value),
        r.events[0]!.prevKv ?? 'no prevKv',
      ]),
      'revision 4 put a=2 over a=1; compact at 4; watch a from 4 with prevKv',
    ).toEqual([[4, '2', 'no prevKv']]);
  });

  test('a txn that reads below the compact revision fails whole', () => {
    const store = storeWithHistory();
    store.compact({ revision: 4 });
    expect(
      () =>
        store.txn({
          success: [
            { requestPut: { key: bytes('d'), value: bytes('1') } },
            { requestRange: { key: bytes('a'), revision: 2 } },
          ],
        }),
      'after compact at 4, a txn that puts d and ranges a at revision 2 should throw "etcdserver: mvcc: required revision has been compacted"',
    ).toThrow(errors.compacted());
    expect(store.revision, 'after the refused txn: store.revision').toBe(6);
  });
});
