import { mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { FakeClock } from '../../harness/clock.ts';
import { bytes, text } from '../../harness/store/bytes.ts';
import type { StoreSnapshot } from '../../harness/store/types.ts';
import { b64, LineStream, post, send } from '../../harness/testing/http.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { DurableStore } from './durable-store.ts';
import { readFrames } from './wal.ts';
import { createStoreServer } from './server.ts';

let dataDir: string;
let clock: FakeClock;
let opened: DurableStore[];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'kata-durable-'));
  clock = new FakeClock(1_700_000_000_000);
  opened = [];
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const store of opened) await store.close().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

/** Opens the durable store in the test's data directory, as a restart would. */
async function openStore(options: { snapshotBytes?: number } = {}) {
  const store = await DurableStore.open({
    dataDir,
    createStore: (snapshot?: StoreSnapshot) => new Store({ clock, snapshot }),
    ...options,
  });
  opened.push(store);
  return store;
}

async function restart(store: DurableStore, options: { snapshotBytes?: number } = {}) {
  await store.close();
  return openStore(options);
}

const values = (store: DurableStore) =>
  store
    .range({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) })
    .kvs.map((kv) => `${text(kv.key)}=${text(kv.value)}`);

/** How many bytes of records the log holds (segments are created at full size, so not their size). */
async function logBytes(): Promise<number> {
  const dir = path.join(dataDir, 'member', 'wal');
  let total = 0;
  for (const name of await readdir(dir)) {
    // A segment a snapshot just replaced may vanish between the listing and the read.
    const data = await readFile(path.join(dir, name)).catch(() => new Uint8Array(0));
    total += readFrames(data).validBytes;
  }
  return total;
}

describe('Durability', () => {
  test('a durable store answers like the store it wraps', async () => {
    const store = await openStore();
    const put = store.put({ key: bytes('foo'), value: bytes('bar') });
    expect(put.header.revision, 'put foo=bar on a new durable store').toBe(2);
    expect(values(store), 'range everything after put foo=bar').toEqual(['foo=bar']);
  });

  test('everything written comes back after a restart: keys, history, revision, compaction', async () => {
    let store = await openStore();
    store.put({ key: bytes('a'), value: bytes('1') });
    store.put({ key: bytes('a'), value: bytes('2') });
    store.put({ key: bytes('b'), value: bytes('1') });
    store.deleteRange({ key: bytes('b') });
    store.txn({ success: [{ requestPut: { key: bytes('c'), value: bytes('1') } }] });
    store.compact({ revision: 3 });
    await store.synced();
    store = await restart(store);
    expect(values(store), 'after a restart: the keys').toEqual(['a=2', 'c=1']);
    expect(
      [store.revision, store.compactRevision],
      'after a restart: revision and compact revision',
    ).toEqual([6, 3]);
    const past = store.range({ key: bytes('b'), revision: 4 }).kvs.map((kv) => text(kv.value));
    expect(past, 'after a restart: b at revision 4, before it was deleted').toEqual(['1']);
  });

  test('a lease comes back with the ID the store chose, and its keys', async () => {
    let store = await openStore();
    const { id } = store.leaseGrant({ ttl: 60 });
    store.put({ key: bytes('foo'), value: bytes('bar'), lease: id });
    await store.synced();
    store = await restart(store);
    expect(store.leases().leases, 'leases after a restart').toEqual([id]);
    expect(
      store.range({ key: bytes('foo') }).kvs[0]?.lease,
      'the lease of foo after a restart',
    ).toBe(id);
  });

  test('an expired lease is logged as a revoke, so replay does not depend on the clock', async () => {
    let store = await openStore();
    const { id } = store.leaseGrant({ ttl: 10 });
    store.put({ key: bytes('foo'), value: bytes('bar'), lease: id });
    clock.advance(11_000);
    expect(store.expireLeases(), 'expire leases 11 s after a 10 s grant').toEqual([id]);
    await store.synced();
    clock = new FakeClock(0); // replay happens "before" the lease could ever expire
    store = await restart(store);
    expect(values(store), 'keys after a restart').toEqual([]);
    expect(store.leases().leases, 'leases after a restart').toEqual([]);
  });

  test('reads, and writes that change nothing, add nothing to the log', async () => {
    const store = await openStore();
    store.put({ key: bytes('foo'), value: bytes('bar') });
    await store.synced();
    const before = await logBytes();
    store.range({ key: bytes('foo') });
    store.deleteRange({ key: bytes('missing') });
    store.txn({ compare: [], success: [{ requestRange: { key: bytes('foo') } }] });
    store.leaseKeepAlive(5n);
    await store.synced();
    expect(
      await logBytes(),
      'log size after a range, a delete of nothing, a read-only txn, a keep-alive',
    ).toBe(before);
  });

  test('durableThrough(revision) resolves only once that revision is on disk', async () => {
    const store = await openStore();
    const { header } = store.put({ key: bytes('foo'), value: bytes('bar') });
    let durable = false;
    const waiting = store.durableThrough(header.revision).then(() => (durable = true));
    await Promise.resolve();
    expect(durable, 'durableThrough(2) right after put, before the log is flushed').toBe(false);
    await waiting;
    const onDisk = await logText();
    expect(onDisk, 'the log on disk once durableThrough(2) resolved').toContain('Zm9v');
  });

  test('past snapshotBytes the store is snapshotted and the log starts again; a restart reads both', async () => {
    let store = await openStore({ snapshotBytes: 2_000 });
    for (let i = 0; i < 100; i++) {
      store.put({ key: bytes(`key${i % 10}`), value: bytes(`value${i}`) });
      await store.synced();
    }
    const snapshots = async () => await readdir(path.join(dataDir, 'member', 'snap'));
    await waitFor(
      async () => (await snapshots()).some((name) => name.endsWith('.snap')),
      'a snapshot file',
    );
    await waitFor(
      async () => (await logBytes()) < 4_000,
      'the log to shrink below 4000 bytes after 100 puts',
    );
    store = await restart(store, { snapshotBytes: 2_000 });
    expect(store.revision, 'revision after a restart from snapshot and log').toBe(101);
    expect(values(store), 'keys after a restart from snapshot and log').toEqual(
      Array.from({ length: 10 }, (_, i) => `key${i}=value${90 + i}`).sort(),
    );
  });

  test('leases, revokes and compaction survive a snapshot and a restart', async () => {
    let store = await openStore({ snapshotBytes: 1_000 });
    const kept = store.leaseGrant({ ttl: 60 }).id;
    const revoked = store.leaseGrant({ ttl: 60 }).id;
    store.put({ key: bytes('held'), value: bytes('x'), lease: kept });
    store.put({ key: bytes('gone'), value: bytes('x'), lease: revoked });
    store.leaseRevoke(revoked);
    store.put({ key: bytes('a'), value: bytes('1') });
    const compacted = store.revision;
    store.compact({ revision: compacted });
    for (let i = 0; i < 30; i++) {
      store.put({ key: bytes(`filler${i}`), value: bytes('x'.repeat(50)) });
      await store.synced();
    }
    const snapshots = async () => await readdir(path.join(dataDir, 'member', 'snap'));
    await waitFor(
      async () => (await snapshots()).some((name) => name.endsWith('.snap')),
      'a snapshot file',
    );
    const revision = store.revision;
    store = await restart(store);
    expect(store.leases().leases, 'leases after a restart').toEqual([kept]);
    expect(store.range({ key: bytes('held') }).kvs[0]?.lease, 'the lease of "held"').toBe(kept);
    expect(store.range({ key: bytes('gone') }).kvs, 'the key of the revoked lease').toEqual([]);
    expect([store.revision, store.compactRevision], 'revision and compact revision').toEqual([
      revision,
      compacted,
    ]);
  });

  test('watch events from a durable store are sent once they are on disk', async () => {
    const store = await openStore();
    const server = createStoreServer({ store, durability: store });
    const url = await server.listen(0);
    const stream = new LineStream(url, '/v3/watch').send({ create_request: { key: b64('foo') } });
    try {
      await stream.next('the created message');
      await post(url, '/v3/kv/put', { key: b64('foo'), value: b64('bar') });
      const line = await stream.next('the event of put foo=bar');
      expect(line.result.events[0].kv.value, 'watch foo on a durable store, then put foo=bar').toBe(
        b64('bar'),
      );
      expect(await logText(), 'the log when the event arrived').toContain(b64('bar'));
    } finally {
      stream.close();
      await server.close();
    }
  });

  test('when the disk fails, the store stops answering rather than answer with what it could not log', async () => {
    const store = await openStore();
    const server = createStoreServer({ store, durability: store });
    const url = await server.listen(0);
    try {
      const probe = await open(path.join(dataDir, 'probe'), 'w');
      const prototype = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
      await probe.close();
      vi.spyOn(prototype, 'datasync').mockRejectedValue(new Error('EIO: i/o error, fdatasync'));
      const put = await post(url, '/v3/kv/put', { key: b64('foo'), value: b64('bar') });
      expect([put.status, JSON.parse(put.text).code], 'put foo=bar while fdatasync fails').toEqual([
        503, 14,
      ]);
      const range = await post(url, '/v3/kv/range', { key: b64('foo') });
      expect(range.status, 'range foo after the disk failed').toBe(503);
      const health = await send(url, 'GET', '/health');
      expect([health.status, health.text], 'GET /health after the disk failed').toEqual([
        503,
        '{"health":"false"}',
      ]);
    } finally {
      await server.close();
    }
  });

  test('a log that does not replay to the revisions it recorded stops the open', async () => {
    const store = await openStore();
    store.put({ key: bytes('foo'), value: bytes('bar') });
    await store.close();
    const different = () => {
      const other = new Store({ clock });
      other.put({ key: bytes('surprise'), value: bytes('!') });
      return other;
    };
    await expect(
      DurableStore.open({ dataDir, createStore: different }),
      'replay a put logged at revision 2 onto a store already at revision 2',
    ).rejects.toThrow(/revision/);
  });

  test('the server answers a write only once it is on disk', async () => {
    const store = await openStore();
    const server = createStoreServer({ store, durability: store });
    const url = await server.listen(0);
    try {
      const probe = await open(path.join(dataDir, 'probe'), 'w');
      const prototype = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
      await probe.close();
      const realDatasync = prototype.datasync;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let flushing = false;
      vi.spyOn(prototype, 'datasync').mockImplementation(async function (this: unknown) {
        flushing = true;
        await held;
        return realDatasync.call(this);
      });
      let answered = false;
      const answer = post(url, '/v3/kv/put', { key: b64('foo'), value: b64('bar') }).then((a) => {
        answered = true;
        return a;
      });
      await waitFor(() => flushing, 'the server to flush the log');
      expect(answered, 'the put was answered while its fdatasync was still running').toBe(false);
      release();
      expect((await answer).status, 'the put, once the flush finished').toBe(200);
    } finally {
      await server.close();
    }
  });
});

/** The log's bytes as text, read without disturbing the open store. */
async function logText(): Promise<string> {
  const dir = path.join(dataDir, 'member', 'wal');
  let all = '';
  for (const name of (await readdir(dir)).sort())
    all += (await readFile(path.join(dir, name))).toString('latin1');
  return all;
}
