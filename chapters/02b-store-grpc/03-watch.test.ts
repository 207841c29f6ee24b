import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type * as grpc from '@grpc/grpc-js';
import { Store } from '../../solutions/01-store/store.ts';
import { bytes, text } from '../../harness/store/bytes.ts';
import { etcdGrpcClients, type EtcdGrpcClients } from '../../harness/store/grpc.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { createGrpcStoreServer, type GrpcStoreServer } from './server.ts';

let store: Store;
let server: GrpcStoreServer;
let clients: EtcdGrpcClients;
let stream: grpc.ClientDuplexStream<any, any>;
let seen: any[];
let failed: Error | undefined;

beforeEach(async () => {
  store = new Store();
  // Watches with progress_notify hear the revision every 20 ms here, not every 10 minutes.
  server = createGrpcStoreServer({ store, progressNotifyIntervalMs: 20 });
  clients = etcdGrpcClients(await server.listen(0));
  seen = [];
  failed = undefined;
  stream = clients.watch.Watch();
  stream.on('data', (message: any) => seen.push(message));
  stream.on('error', (error: Error) => (failed ??= error));
});

afterEach(async () => {
  stream.cancel();
  clients.close();
  await server.close();
});

/** Waits for the nth message (from 1) of the stream. */
async function message(n: number) {
  await waitFor(() => {
    // A stream that failed (a Watch service not written yet) fails the test at once.
    if (failed && seen.length < n) throw failed;
    return seen.length >= n;
  }, `watch message ${n}`);
  return seen[n - 1];
}

const create = (request: Record<string, unknown>) => stream.write({ createRequest: request });

describe('The Watch service', () => {
  test('a create request is answered "created" at the current revision, with watch ID 0', async () => {
    store.put({ key: bytes('k') });
    create({ key: bytes('k') });
    const created = await message(1);
    expect(created.created, 'the first answer: created').toBe(true);
    expect(Number(created.watchId ?? 0), 'the first watch of a stream: ID 0').toBe(0);
    expect(created.header.revision, 'created at the current revision').toBe('2');
  });

  test('each change after it comes as one message per revision, with prev_kv when asked', async () => {
    store.put({ key: bytes('k'), value: bytes('old') });
    create({ key: bytes('k'), prevKv: true });
    await message(1);
    store.put({ key: bytes('k'), value: bytes('new') });
    store.deleteRange({ key: bytes('k') });
    const put = await message(2);
    expect(text(put.events[0].kv.value), 'the put event: the new value').toBe('new');
    expect(text(put.events[0].prevKv.value), 'the put event: prev_kv').toBe('old');
    const deleted = await message(3);
    expect(deleted.events[0].type, 'the next message: the delete').toBe('DELETE');
    expect(deleted.header.revision, 'the delete, at its own revision').toBe('4');
  });

  test('history from a start revision comes first, in one message', async () => {
    store.put({ key: bytes('k'), value: bytes('1') });
    store.put({ key: bytes('k'), value: bytes('2') });
    create({ key: bytes('k'), startRevision: 2 });
    const history = await message(2);
    expect(
      history.events.map((e: any) => text(e.kv.value)),
      'history from revision 2',
    ).toEqual(['1', '2']);
  });

  test('a start revision below the compaction is canceled with the compact revision', async () => {
    for (const value of ['1', '2', '3']) store.put({ key: bytes('k'), value: bytes(value) });
    store.compact({ revision: 3 });
    create({ key: bytes('k'), startRevision: 2 });
    const canceled = await message(2);
    expect(canceled.canceled, 'watch from revision 2 after compact 3: canceled').toBe(true);
    expect(canceled.compactRevision, 'with the compact revision').toBe('3');
    expect(canceled.cancelReason, "and etcd's reason").toBe(
      'etcdserver: mvcc: required revision has been compacted',
    );
  });

  test('watches get the lowest free IDs; a duplicate ID or an empty range is refused', async () => {
    create({ key: bytes('a') });
    create({ key: bytes('b') });
    create({ key: bytes('c'), watchId: 1 });
    create({ key: bytes('z'), rangeEnd: bytes('a') });
    expect((await message(2)).watchId, 'the second watch: ID 1').toBe('1');
    expect((await message(3)).cancelReason, 'asking for ID 1 again').toBe(
      'mvcc: duplicate watch ID provided on the WatchStream',
    );
    expect((await message(4)).cancelReason, 'a range that ends before it starts').toBe(
      'mvcc: watcher range is empty',
    );
  });

  test('a cancel request stops the watch and says so; a progress request gets the revision', async () => {
    create({ key: bytes('k') });
    await message(1);
    stream.write({ cancelRequest: { watchId: 0 } });
    expect((await message(2)).canceled, 'cancel watch 0: canceled').toBe(true);
    store.put({ key: bytes('k') });
    stream.write({ progressRequest: {} });
    const progress = await message(3);
    expect(progress.watchId, 'progress is for the whole stream: watch -1').toBe('-1');
    expect(progress.header.revision, 'progress: the current revision, no event of k').toBe('2');
  });

  test('a watch with progress_notify that hears nothing is told the current revision', async () => {
    // The put comes first: a tick may fire as soon as the watch exists, and must then say 2.
    store.put({ key: bytes('elsewhere') });
    create({ key: bytes('quiet'), progressNotify: true });
    await message(1);
    const progress = await message(2);
    expect(progress.events, 'a progress notification: no events').toBeUndefined();
    expect(Number(progress.watchId ?? 0), 'for the watch itself, ID 0').toBe(0);
    expect(progress.header.revision, 'at the current revision').toBe('2');
  });
});
