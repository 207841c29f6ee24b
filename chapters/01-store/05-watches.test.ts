import { describe, expect, test } from 'vitest';
import { bytes, prefixEnd, text } from '../../harness/store/bytes.ts';
import type { Event, KeyValue, WatchRequest, WatchResponse } from '../../harness/store/types.ts';
import { watchedEvents, type WatchFilter } from './change-log.ts';
import { keyInterval } from './key-index.ts';
import { Store } from './store.ts';

/** An event as one line: "PUT foo=bar" or "DELETE foo". */
const line = (event: Event) =>
  event.type === 'PUT'
    ? `PUT ${text(event.kv.key)}=${text(event.kv.value)}`
    : `DELETE ${text(event.kv.key)}`;

/** Starts a watch and collects what it hears, each response as its revision and event lines. */
function follow(store: Store, request: Partial<WatchRequest> & { key: Uint8Array }) {
  const heard: Array<{ revision: number; events: string[] }> = [];
  const raw: WatchResponse[] = [];
  const watcher = store.watch(request, (response) => {
    raw.push(response);
    heard.push({ revision: response.revision, events: response.events.map(line) });
  });
  return { heard, raw, watcher };
}

function put(store: Store, key: string, value: string) {
  store.put({ key: bytes(key), value: bytes(value) });
}

/** A key-value as a write at `modRevision` leaves it. */
function kv(key: string, value: string, createRevision: number, modRevision: number): KeyValue {
  return {
    key: bytes(key),
    value: bytes(value),
    createRevision,
    modRevision,
    version: 1,
    lease: 0n,
  };
}

/**
 * Revision 7 of some store: a txn that updated a (created at 3), created b, and deleted c. Before
 * it, a was "old" (written at 5) and c was "gone-soon".
 */
const change: WatchResponse = {
  revision: 7,
  events: [
    { type: 'PUT', kv: kv('a', 'new', 3, 7) },
    { type: 'PUT', kv: kv('b', 'first', 7, 7) },
    { type: 'DELETE', kv: { ...kv('c', '', 0, 7), version: 0 } },
  ],
};
const before: Record<string, KeyValue> = { a: kv('a', 'old', 3, 5), c: kv('c', 'gone-soon', 2, 2) };
/** Reads a key as it was just before revision 7. */
const readBefore = (key: Uint8Array, revision: number) =>
  revision === 7 ? before[text(key)] : undefined;

/** A watch filter on [from, to), with nothing left out and no prevKv unless `more` says so. */
function filter(from: string, to: string, more: Partial<WatchFilter> = {}): WatchFilter {
  return {
    interval: keyInterval(bytes(from), bytes(to)),
    prevKv: false,
    noPut: false,
    noDelete: false,
    ...more,
  };
}

describe('Watches', () => {
  test("the events a watcher hears of a change are those on its keys, in the change's order", () => {
    expect(
      [
        watchedEvents(filter('a', 'z'), change, readBefore).map(line),
        watchedEvents(filter('b', 'd'), change, readBefore).map(line),
        watchedEvents(filter('x', 'z'), change, readBefore).map(line),
      ],
      'revision 7 put a, put b, deleted c: watchedEvents for [a, z), [b, d) and [x, z)',
    ).toEqual([['PUT a=new', 'PUT b=first', 'DELETE c'], ['PUT b=first', 'DELETE c'], []]);
  });

  test('a filter leaves out PUT events (noPut) or DELETE events (noDelete)', () => {
    expect(
      [
        watchedEvents(filter('a', 'z', { noPut: true }), change, readBefore).map(line),
        watchedEvents(filter('a', 'z', { noDelete: true }), change, readBefore).map(line),
      ],
      'revision 7 put a, put b, deleted c: watchedEvents for [a, z) with noPut, then with noDelete',
    ).toEqual([['DELETE c'], ['PUT a=new', 'PUT b=first']]);
  });

  test('with prevKv each event carries the key as it was the revision before; a key the change created has none', () => {
    const events = watchedEvents(filter('a', 'z', { prevKv: true }), change, readBefore);
    expect(
      events.map((event) => `${line(event)} was ${event.prevKv ? text(event.prevKv.value) : '-'}`),
      'revision 7 updated a (was "old"), created b, deleted c (was "gone-soon"): watchedEvents with prevKv',
    ).toEqual(['PUT a=new was old', 'PUT b=first was -', 'DELETE c was gone-soon']);
  });

  test('a watch hears a later put: one response with its revision and a PUT event', () => {
    const store = new Store();
    const { heard } = follow(store, { key: bytes('foo') });
    put(store, 'foo', 'bar');
    expect(heard, 'watch foo, then put foo=bar').toEqual([
      { revision: 2, events: ['PUT foo=bar'] },
    ]);
  });

  test('the event carries the key as the put left it', () => {
    const store = new Store();
    put(store, 'foo', 'one');
    const { raw } = follow(store, { key: bytes('foo') });
    put(store, 'foo', 'two');
    const kv = raw[0]?.events[0]?.kv;
    expect(
      kv && { ...kv, key: text(kv.key), value: text(kv.value) },
      'put foo=one, watch foo, put foo=two: the event kv',
    ).toEqual({
      key: 'foo',
      value: 'two',
      createRevision: 2,
      modRevision: 3,
      version: 2,
      lease: 0n,
    });
  });

  test('a watch hears only the keys it asked for', () => {
    const store = new Store();
    const one = follow(store, { key: bytes('foo') });
    const prefix = follow(store, { key: bytes('/pods/'), rangeEnd: prefixEnd(bytes('/pods/')) });
    put(store, 'foo', '1');
    put(store, 'foobar', '2');
    put(store, '/pods/web', '3');
    put(store, '/services/web', '4');
    expect(
      { foo: one.heard, pods: prefix.heard },
      'watch foo and watch the prefix /pods/; put foo, foobar, /pods/web, /services/web',
    ).toEqual({
      foo: [{ revision: 2, events: ['PUT foo=1'] }],
      pods: [{ revision: 4, events: ['PUT /pods/web=3'] }],
    });
  });

  test("a delete arrives as a DELETE event holding only the key and the delete's revision", () => {
    const store = new Store();
    put(store, 'foo', 'bar');
    const { raw } = follow(store, { key: bytes('foo') });
    store.deleteRange({ key: bytes('foo') });
    const event = raw[0]?.events[0];
    expect(
      event && { type: event.type, kv: { ...event.kv, key: text(event.kv.key) } },
      'put foo=bar, watch foo, delete foo: the event',
    ).toEqual({
      type: 'DELETE',
      kv: {
        key: 'foo',
        value: new Uint8Array(),
        createRevision: 0,
        modRevision: 3,
        version: 0,
        lease: 0n,
      },
    });
  });

  test('all the events of one txn arrive in one response, in the order they were made', () => {
    const store = new Store();
    put(store, 'c', '0');
    const { heard } = follow(store, { key: bytes('a'), rangeEnd: bytes('z') });
    store.txn({
      success: [
        { requestPut: { key: bytes('b'), value: bytes('1') } },
        { requestDeleteRange: { key: bytes('c') } },
        { requestPut: { key: bytes('a'), value: bytes('1') } },
      ],
    });
    expect(heard, 'put c; watch [a, z); txn: put b, delete c, put a').toEqual([
      { revision: 3, events: ['PUT b=1', 'DELETE c', 'PUT a=1'] },
    ]);
  });

  test('a startRevision in the past replays history from that revision on, before watch returns', () => {
    const store = new Store();
    put(store, 'k', '1'); // 2
    put(store, 'k', '2'); // 3
    store.deleteRange({ key: bytes('k') }); // 4
    put(store, 'k', '3'); // 5
    const { heard } = follow(store, { key: bytes('k'), startRevision: 3 });
    expect(
      heard,
      'put k=1, k=2, delete k, put k=3 (revisions 2-5); watch k from revision 3',
    ).toEqual([
      { revision: 3, events: ['PUT k=2'] },
      { revision: 4, events: ['DELETE k'] },
      { revision: 5, events: ['PUT k=3'] },
    ]);
  });

  test('after the replay, live changes follow with no gap and no repeat', () => {
    const store = new Store();
    put(store, 'k', '1');
    const { heard } = follow(store, { key: bytes('k'), startRevision: 1 });
    put(store, 'k', '2');
    put(store, 'k', '3');
    expect(
      heard.map((response) => response.revision),
      'put k (revision 2); watch k from revision 1; put k twice more',
    ).toEqual([2, 3, 4]);
  });

  test('a startRevision in the future waits until the store reaches it', () => {
    const store = new Store();
    const { heard } = follow(store, { key: bytes('k'), startRevision: 4 });
    put(store, 'k', '1'); // 2
    put(store, 'k', '2'); // 3
    put(store, 'k', '3'); // 4
    expect(heard, 'watch k from revision 4 on a fresh store, then put k three times').toEqual([
      { revision: 4, events: ['PUT k=3'] },
    ]);
  });

  test('prevKv adds the previous state of the key to updates and deletes, not to creations', () => {
    const store = new Store();
    const { raw } = follow(store, { key: bytes('k'), prevKv: true });
    put(store, 'k', '1');
    put(store, 'k', '2');
    store.deleteRange({ key: bytes('k') });
    expect(
      raw.map((response) => {
        const prev = response.events[0]?.prevKv;
        return prev ? `${text(prev.value)} at ${prev.modRevision}` : 'none';
      }),
      'watch k with prevKv; put k=1, put k=2, delete k: each prevKv',
    ).toEqual(['none', '1 at 2', '2 at 3']);
  });

  test('filters leave out PUT or DELETE events, and a revision with nothing left is not delivered', () => {
    const store = new Store();
    const noPut = follow(store, { key: bytes('k'), filters: ['NOPUT'] });
    const noDelete = follow(store, { key: bytes('k'), filters: ['NODELETE'] });
    put(store, 'k', '1');
    store.deleteRange({ key: bytes('k') });
    expect(
      { noPut: noPut.heard, noDelete: noDelete.heard },
      'watch k with NOPUT and with NODELETE; put k, delete k',
    ).toEqual({
      noPut: [{ revision: 3, events: ['DELETE k'] }],
      noDelete: [{ revision: 2, events: ['PUT k=1'] }],
    });
  });

  test('cancel stops the events; canceling twice is harmless', () => {
    const store = new Store();
    const canceled = follow(store, { key: bytes('k') });
    const other = follow(store, { key: bytes('k') });
    put(store, 'k', '1');
    canceled.watcher.cancel();
    canceled.watcher.cancel();
    put(store, 'k', '2');
    expect(
      { canceled: canceled.heard.length, other: other.heard.length },
      'two watches on k; put k; cancel the first (twice); put k: responses each heard',
    ).toEqual({ canceled: 1, other: 2 });
  });

  test('a listener that writes to the store does not disturb the order: every watcher hears each revision once, in order', () => {
    const store = new Store();
    // A tiny controller: whenever it sees `spec`, it writes `status`.
    store.watch({ key: bytes('spec') }, (response) => {
      const spec = text(response.events[0]!.kv.value);
      store.put({ key: bytes('status'), value: bytes(`saw ${spec}`) });
    });
    const { heard } = follow(store, { key: bytes('a'), rangeEnd: bytes('z') });
    put(store, 'spec', '1');
    put(store, 'spec', '2');
    expect(
      heard,
      'a listener on spec writes status; another watches [a, z); put spec=1, put spec=2',
    ).toEqual([
      { revision: 2, events: ['PUT spec=1'] },
      { revision: 3, events: ['PUT status=saw 1'] },
      { revision: 4, events: ['PUT spec=2'] },
      { revision: 5, events: ['PUT status=saw 2'] },
    ]);
  });
});
