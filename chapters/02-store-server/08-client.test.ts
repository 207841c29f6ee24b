import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bytes, prefixEnd, text } from '../../harness/store/bytes.ts';
import type { WatchEnd } from '../../harness/store/client.ts';
import { StoreError } from '../../harness/store/errors.ts';
import type { Event, WatchResponse } from '../../harness/store/types.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createStoreClient, errorFrom, HttpStoreClient, revisionsOf } from './client.ts';
import { createStoreServer, type StoreServer } from './server.ts';

let store: Store;
let server: StoreServer;
let url: string;
let clients: Array<ReturnType<typeof createStoreClient>>;

beforeEach(async () => {
  store = new Store();
  server = createStoreServer({ store });
  url = await server.listen(0);
  clients = [];
});

afterEach(async () => {
  for (const client of clients) await client.close();
  await server.close();
});

function connect() {
  const client = createStoreClient(url);
  clients.push(client);
  return client;
}

/** What a watch hands over, as "revision: key=value" lines, plus how it ended. */
function recorder() {
  const seen: string[] = [];
  const ends: WatchEnd[] = [];
  return {
    seen,
    ends,
    handlers: {
      onResponse(response: WatchResponse) {
        for (const event of response.events) {
          const what =
            event.type === 'DELETE'
              ? `delete ${text(event.kv.key)}`
              : `${text(event.kv.key)}=${text(event.kv.value)}`;
          seen.push(`${response.revision}: ${what}`);
        }
      },
      onEnd(end: WatchEnd) {
        ends.push(end);
      },
    },
  };
}

/** A PUT event of `key` at `revision`. */
const putAt = (key: string, revision: number): Event => ({
  type: 'PUT',
  kv: {
    key: bytes(key),
    value: bytes('x'),
    createRevision: revision,
    modRevision: revision,
    version: 1,
    lease: 0n,
  },
});

/** Responses as [revision, keys]. */
const shape = (responses: WatchResponse[]) =>
  responses.map((response) => [response.revision, response.events.map((e) => text(e.kv.key))]);

describe('The client', () => {
  test("errorFrom turns etcd's error body into a StoreError with its code and message", () => {
    const error = errorFrom(
      404,
      JSON.stringify({
        error: 'etcdserver: requested lease not found',
        message: 'etcdserver: requested lease not found',
        code: 5,
      }),
    );
    expect(
      [error instanceof StoreError, (error as StoreError).code, error.message],
      'errorFrom(404, etcd\'s error body for "requested lease not found")',
    ).toEqual([true, 5, 'etcdserver: requested lease not found']);
  });

  test('any other answer becomes an Error that quotes the HTTP status', () => {
    const error = errorFrom(502, '<html>Bad Gateway</html>');
    expect(
      [error instanceof StoreError, error.message.includes('502')],
      "errorFrom(502, '<html>Bad Gateway</html>'): a StoreError? does the message say 502?",
    ).toEqual([false, true]);
  });

  test('put, then range, over the wire', async () => {
    const client = connect();
    const put = await client.put({ key: bytes('foo'), value: bytes('bar') });
    const range = await client.range({ key: bytes('foo') });
    expect(put.header.revision, 'put foo=bar: header.revision').toBe(2);
    expect(
      range.kvs.map((kv) => [
        text(kv.key),
        text(kv.value),
        kv.createRevision,
        kv.modRevision,
        kv.version,
        kv.lease,
      ]),
      'range foo',
    ).toEqual([['foo', 'bar', 2, 2, 1, 0n]]);
    expect([range.count, range.more], 'range foo: count and more').toEqual([1, false]);
  });

  test('a range that finds nothing has empty kvs, count 0 and more false', async () => {
    const range = await connect().range({ key: bytes('nothing') });
    expect([range.kvs, range.count, range.more], 'range of a missing key').toEqual([[], 0, false]);
  });

  test("errors come back as StoreError with etcd's code and message", async () => {
    const error = await connect()
      .range({ key: bytes('foo'), revision: 99 })
      .catch((e: unknown) => e);
    expect(error, 'range at a future revision').toBeInstanceOf(StoreError);
    expect(
      [(error as StoreError).code, (error as StoreError).message],
      'range at a future revision',
    ).toEqual([11, 'etcdserver: mvcc: required revision is a future revision']);
  });

  test('a store that cannot be reached fails the call', async () => {
    const { port } = new URL(url);
    await server.close();
    const client = createStoreClient(`http://127.0.0.1:${port}`);
    clients.push(client);
    await expect(
      client.range({ key: bytes('foo') }),
      'a range with the server gone should fail (connection refused)',
    ).rejects.toThrow();
    server = createStoreServer({ store });
  });

  test('deleteRange and txn', async () => {
    const client = connect();
    await client.put({ key: bytes('a/1'), value: bytes('x') });
    const txn = await client.txn({
      compare: [{ key: bytes('a/1'), target: 'VALUE', result: 'EQUAL', value: bytes('x') }],
      success: [
        { requestPut: { key: bytes('a/2'), value: bytes('y') } },
        { requestRange: { key: bytes('a/1') } },
      ],
    });
    expect(txn.succeeded, 'txn "if a/1 = x"').toBe(true);
    expect(Object.keys(txn.responses[1]!), 'the second response of the txn').toEqual([
      'responseRange',
    ]);
    const deleted = await client.deleteRange({
      key: bytes('a/'),
      rangeEnd: prefixEnd(bytes('a/')),
      prevKv: true,
    });
    expect(deleted.deleted, 'delete prefix a/').toBe(2);
    expect(
      deleted.prevKvs.map((kv) => text(kv.value)),
      'delete prefix a/: previous values',
    ).toEqual(['x', 'y']);
  });

  test('compact', async () => {
    const client = connect();
    await client.put({ key: bytes('foo'), value: bytes('1') });
    await client.put({ key: bytes('foo'), value: bytes('2') });
    const compacted = await client.compact(3);
    expect(compacted.header.revision, 'compact at 3').toBe(3);
    const error = await client
      .range({ key: bytes('foo'), revision: 2 })
      .catch((e: StoreError) => e);
    expect((error as StoreError).code, 'range at revision 2 after compacting at 3').toBe(11);
  });

  test('leases: grant, keep-alive, revoke, with 64-bit IDs as bigint', async () => {
    const client = connect();
    const lease = await client.leaseGrant(60);
    expect(typeof lease.id, 'the ID of a granted lease').toBe('bigint');
    expect(lease.ttl, 'the TTL of a lease granted for 60 s').toBe(60);
    await client.put({ key: bytes('foo'), value: bytes('bar'), lease: lease.id });
    const renewed = await client.leaseKeepAlive(lease.id);
    expect([renewed.id, renewed.ttl], 'keep-alive of the lease').toEqual([lease.id, 60]);
    const unknown = await client.leaseKeepAlive(999n);
    expect(unknown.ttl, 'keep-alive of lease 999, never granted').toBe(0);
    await client.leaseRevoke(lease.id);
    expect((await client.range({ key: bytes('foo') })).kvs, 'foo after revoking its lease').toEqual(
      [],
    );
    const error = await client.leaseRevoke(lease.id).catch((e: StoreError) => e);
    expect((error as StoreError).code, 'revoking the lease a second time').toBe(5);
  });

  test('revisionsOf hands over the events of one message one revision at a time, in order', () => {
    const events = [putAt('a', 2), putAt('b', 3), putAt('c', 3), putAt('d', 5)];
    expect(
      shape(revisionsOf(events, 0)),
      'events a@2, b@3, c@3, d@5 in one message, nothing handed over yet',
    ).toEqual([
      [2, ['a']],
      [3, ['b', 'c']],
      [5, ['d']],
    ]);
  });

  test('revisionsOf leaves out the revisions already handed over', () => {
    const events = [putAt('a', 2), putAt('b', 3), putAt('c', 4)];
    expect(
      shape(revisionsOf(events, 4)),
      'events a@2, b@3, c@4, revisions up to 3 already handed over',
    ).toEqual([[4, ['c']]]);
  });

  test('a watch hands over each revision once, in order, history first', async () => {
    const client = connect();
    await client.put({ key: bytes('a'), value: bytes('1') });
    await client.put({ key: bytes('b'), value: bytes('1') });
    const { seen, handlers } = recorder();
    const watch = client.watch(
      { key: bytes('a'), rangeEnd: bytes('c'), startRevision: 2 },
      handlers,
    );
    await watch.created;
    await client.txn({
      success: [
        { requestPut: { key: bytes('a'), value: bytes('2') } },
        { requestDeleteRange: { key: bytes('b') } },
      ],
    });
    await waitFor(() => seen.length === 4, 'four events');
    expect(seen, 'watch [a, c) from revision 2: two puts of history, then a txn').toEqual([
      '2: a=1',
      '3: b=1',
      '4: a=2',
      '4: delete b',
    ]);
  });

  test('created settles once the store has confirmed the watch', async () => {
    const client = connect();
    const { seen, handlers } = recorder();
    const watch = client.watch({ key: bytes('foo') }, handlers);
    await watch.created;
    await client.put({ key: bytes('foo'), value: bytes('bar') });
    await waitFor(() => seen.length === 1, 'the event of put foo=bar');
    expect(seen, 'watch foo from now, then put foo=bar').toEqual(['2: foo=bar']);
  });

  test('a watch with prevKv gets the state of the key before each change', async () => {
    const client = connect();
    await client.put({ key: bytes('foo'), value: bytes('old') });
    const previous: string[] = [];
    const watch = client.watch(
      { key: bytes('foo'), prevKv: true },
      { onResponse: (response) => previous.push(text(response.events[0]!.prevKv!.value)) },
    );
    await watch.created;
    await client.put({ key: bytes('foo'), value: bytes('new') });
    await waitFor(() => previous.length === 1, 'the event of put foo=new');
    expect(previous, 'watch foo with prevKv, then put foo=new over foo=old: prevKv values').toEqual(
      ['old'],
    );
  });

  test('a watch the store refuses ends with an error that gives the reason', async () => {
    const { ends, handlers } = recorder();
    connect().watch({ key: bytes('b'), rangeEnd: bytes('a') }, handlers);
    await waitFor(() => ends.length > 0, 'the watch to end');
    expect(
      ends.map((end) => end.error?.message.includes('mvcc: watcher range is empty')),
      'a watch of [b, a): does the error it ends with give the reason?',
    ).toEqual([true]);
  });

  test('close() ends every watch of the client, without calling onEnd', async () => {
    const client = createStoreClient(url);
    const { seen, ends, handlers } = recorder();
    const watch = client.watch({ key: bytes('foo') }, handlers);
    await watch.created;
    await client.close();
    await connect().put({ key: bytes('foo'), value: bytes('bar') });
    const later = recorder();
    const check = connect().watch({ key: bytes('foo'), startRevision: 2 }, later.handlers);
    await waitFor(() => later.seen.length === 1, 'a second client to see the put');
    check.cancel();
    expect([seen, ends], 'events and ends of the watch of a closed client').toEqual([[], []]);
  });

  test('a watch from a compacted revision ends with compactRevision', async () => {
    const client = connect();
    await client.put({ key: bytes('foo'), value: bytes('1') });
    await client.put({ key: bytes('foo'), value: bytes('2') });
    await client.compact(3);
    const { ends, handlers } = recorder();
    client.watch({ key: bytes('foo'), startRevision: 2 }, handlers);
    await waitFor(() => ends.length > 0, 'the watch to end');
    expect(ends, 'how a watch from revision 2 ends after compacting at 3').toEqual([
      { compactRevision: 3 },
    ]);
  });

  test('cancel stops a watch without calling onEnd', async () => {
    const client = connect();
    const { seen, ends, handlers } = recorder();
    const watch = client.watch({ key: bytes('foo') }, handlers);
    await watch.created;
    watch.cancel();
    await client.put({ key: bytes('foo'), value: bytes('bar') });
    const later = recorder();
    const check = client.watch({ key: bytes('foo'), startRevision: 2 }, later.handlers);
    await waitFor(() => later.seen.length === 1, 'a second watch to see the put');
    check.cancel();
    expect([seen, ends], 'events and ends of the canceled watch').toEqual([[], []]);
  });

  test('after a dropped connection the watch resumes where it stopped: nothing lost, nothing twice', async () => {
    const client = connect();
    const { seen, ends, handlers } = recorder();
    const watch = client.watch({ key: bytes('foo') }, handlers);
    await watch.created;
    await client.put({ key: bytes('foo'), value: bytes('1') });
    await waitFor(() => seen.length === 1, 'the first event');

    // The server goes away; writes happen while the client cannot hear them; it comes back.
    const { port } = new URL(url);
    await server.close();
    store.put({ key: bytes('foo'), value: bytes('2') });
    store.put({ key: bytes('foo'), value: bytes('3') });
    server = createStoreServer({ store });
    await server.listen(Number(port));
    await client.put({ key: bytes('foo'), value: bytes('4') });

    await waitFor(
      () => seen.length === 4,
      'the events missed while disconnected, then the new one',
    );
    expect(seen, 'watch foo; put 1; server restarts; put 2, 3 while away; put 4').toEqual([
      '2: foo=1',
      '3: foo=2',
      '4: foo=3',
      '5: foo=4',
    ]);
    expect(ends, 'how the watch ended').toEqual([]);
  });

  test('a watch that cannot reconnect for reconnectTimeoutMs ends with an error', async () => {
    const client = new HttpStoreClient({ endpoint: url, reconnectTimeoutMs: 300 });
    clients.push(client);
    const { ends, handlers } = recorder();
    const watch = client.watch({ key: bytes('foo') }, handlers);
    await watch.created;
    await server.close();
    await waitFor(() => ends.length > 0, 'the watch to give up', 10_000);
    expect(
      ends.map((end) => end.error instanceof Error),
      'watch foo, then the server goes away for good: does the watch end with an error?',
    ).toEqual([true]);
    server = createStoreServer({ store });
  });
});
