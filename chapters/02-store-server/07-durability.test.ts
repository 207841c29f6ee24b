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
import { DurableStore, parseSnapshot, replayLog, serializeSnapshot } from './durable-store.ts';
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

const values = (store: Pick<DurableStore, 'range'>) =>
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

/** The records the log holds, parsed, oldest first (read without disturbing the open store). */
async function logRecords(): Promise<any[]> {
  const dir = path.join(dataDir, 'member', 'wal');
  const records = [];
  for (const name of (await readdir(dir)).sort()) {
    const data = await readFile(path.join(dir, name)).catch(() => new Uint8Array(0));
    for (const record of readFrames(data).records)
      records.push(JSON.parse(Buffer.from(record).toString()));
  }
  return records;
}

/** A logged record as [op, revision]. */
const opAt = (record: any) => [record.op, record.revision];

describe('Durability', () => {
  test('a durable store answers like the store it wraps', async () => {
    const store = await openStore();
    const put = store.put({ key: bytes('foo'), value: bytes('bar') });
    expect(put.header.revision, 'put foo=bar on a new durable store').toBe(2);
    expect(values(store), 'range everything after put foo=bar').toEqual(['foo=bar']);
  });

  test('reads, keep-alives and snapshots go straight to the store it wraps', async () => {
    const store = await openStore();
    store.leaseGrant({ ttl: 60, id: 7n });
    store.put({ key: bytes('foo'), value: bytes('bar'), lease: 7n });
    const heard: number[] = [];
    store.watch({ key: bytes('foo'), startRevision: 1 }, (response) =>
      heard.push(response.revision),
    );
    expect(
      {
        range: store.range({ key: bytes('foo') }).count,
        leases: store.leases().leases,
        ttl: store.leaseTimeToLive(7n, { keys: true }).keys.map(text),
        keepAlive: store.leaseKeepAlive(7n).ttl,
        heard,
        snapshot: store.snapshot().revision,
        revisions: [store.revision, store.compactRevision],
      },
      'grant lease 7, put foo on it, then range, leases, time-to-live, keep-alive, watch from 1, snapshot',
    ).toEqual({
      range: 1,
      leases: [7n],
      ttl: ['foo'],
      keepAlive: 60,
      heard: [2],
      snapshot: 2,
      revisions: [2, 0],
    });
  });

  test('synced() resolves once every change made so far is on disk', async () => {
    const store = await openStore();
    store.put({ key: bytes('a'), value: bytes('1') });
    store.put({ key: bytes('b'), value: bytes('2') });
    await store.synced();
    expect(
      (await logRecords()).map(opAt),
      'put a, put b, then synced(): the log on disk, as [op, revision]',
    ).toEqual([
      ['put', 2],
      ['put', 3],
    ]);
  });

  test("a put is logged as one record: the op, the revision it made, and its request in etcd's JSON", async () => {
    const store = await openStore();
    store.put({ key: bytes('foo'), value: bytes('bar') });
    await store.synced();
    expect(
      await logRecords(),
      'put foo=bar on a new durable store, then synced(): the log',
    ).toEqual([{ op: 'put', revision: 2, request: { key: 'Zm9v', value: 'YmFy' } }]);
  });

  test('a delete and a txn are logged when they change something, and only then', async () => {
    const store = await openStore();
    store.put({ key: bytes('a'), value: bytes('1') });
    store.deleteRange({ key: bytes('missing') });
    store.deleteRange({ key: bytes('a') });
    store.txn({ success: [{ requestRange: { key: bytes('a') } }] });
    store.txn({ success: [{ requestPut: { key: bytes('b'), value: bytes('2') } }] });
    await store.synced();
    expect(
      (await logRecords()).map(opAt),
      'put a, delete missing, delete a, a txn that reads, a txn that puts b: the log, as [op, revision]',
    ).toEqual([
      ['put', 2],
      ['delete_range', 3],
      ['txn', 4],
    ]);
  });

  test('a compaction is logged, though it makes no revision', async () => {
    const store = await openStore();
    store.put({ key: bytes('a'), value: bytes('1') });
    store.put({ key: bytes('a'), value: bytes('2') });
    store.compact({ revision: 3 });
    await store.synced();
    expect(
      (await logRecords()).at(-1),
      'two puts, then compact at 3: the last record of the log',
    ).toEqual({ op: 'compact', revision: 3, request: { revision: '3' } });
  });

  test('a lease grant is logged with the ID and TTL the store chose, not those asked for', async () => {
    const store = await openStore();
    const { id } = store.leaseGrant({ ttl: 1 });
    await store.synced();
    expect(
      await logRecords(),
      'grant a lease of TTL 1 without an ID (the store raises the TTL to 2 and picks the ID): the log',
    ).toEqual([{ op: 'lease_grant', revision: 1, request: { ID: String(id), TTL: '2' } }]);
  });

  test('revoking a lease is logged even when it held no keys and made no revision', async () => {
    const store = await openStore();
    store.leaseGrant({ ttl: 60, id: 7n });
    store.leaseRevoke(7n);
    await store.synced();
    expect(
      (await logRecords()).at(-1),
      'grant lease 7, revoke it (no keys): the last record of the log',
    ).toEqual({ op: 'lease_revoke', revision: 1, ids: ['7'] });
  });

  test('the leases that expire together are logged as one revoke of them all', async () => {
    const store = await openStore();
    store.leaseGrant({ ttl: 10, id: 7n });
    store.leaseGrant({ ttl: 10, id: 8n });
    store.put({ key: bytes('foo'), value: bytes('bar'), lease: 7n });
    clock.advance(11_000);
    store.expireLeases();
    await store.synced();
    expect(
      (await logRecords()).at(-1),
      'leases 7 (holding foo) and 8 expire together: the last record of the log',
    ).toEqual({ op: 'lease_revoke', revision: 3, ids: ['7', '8'] });
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

  test('replayLog applies logged records to a store again, in order, and checks each revision', () => {
    const record = (json: object) => Buffer.from(JSON.stringify(json));
    const store = new Store({ clock });
    replayLog(store, [
      record({ op: 'put', revision: 2, request: { key: b64('a'), value: b64('1') } }),
      record({ op: 'lease_grant', revision: 2, request: { ID: '7', TTL: '60' } }),
      record({ op: 'put', revision: 3, request: { key: b64('b'), value: b64('2'), lease: '7' } }),
      record({ op: 'delete_range', revision: 4, request: { key: b64('a') } }),
    ]);
    expect(
      { keys: values(store), revision: store.revision, leases: store.leases().leases },
      'replay put a, grant lease 7, put b on lease 7, delete a',
    ).toEqual({ keys: ['b=2'], revision: 4, leases: [7n] });
    expect(
      () =>
        replayLog(new Store({ clock }), [
          record({ op: 'put', revision: 5, request: { key: b64('a') } }),
        ]),
      'replaying a put logged at revision 5 onto a new store (which reaches 2) should throw an error naming the revision',
    ).toThrow(/revision/);
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
      'replaying a put logged at revision 2 onto a store already at revision 2 should throw an error naming the revision',
    ).rejects.toThrow(/revision/);
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

  test('serializeSnapshot and parseSnapshot carry a store snapshot through JSON unchanged', () => {
    const store = new Store({ clock });
    store.leaseGrant({ ttl: 60, id: 7586727839203928131n });
    store.put({ key: bytes('a'), value: bytes('1'), lease: 7586727839203928131n });
    store.put({ key: bytes('b'), value: bytes('2') });
    store.compact({ revision: 2 });
    store.deleteRange({ key: bytes('a') });
    const snapshot = store.snapshot();
    const bytesOnDisk = Buffer.from(JSON.stringify(serializeSnapshot(snapshot)));
    expect(
      parseSnapshot(bytesOnDisk),
      'a lease with a 63-bit ID, puts, a compaction and a delete: snapshot, serialize, JSON, parse',
    ).toEqual(snapshot);
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
});

/** The log's bytes as text, read without disturbing the open store. */
async function logText(): Promise<string> {
  const dir = path.join(dataDir, 'member', 'wal');
  let all = '';
  for (const name of (await readdir(dir)).sort())
    all += (await readFile(path.join(dir, name))).toString('latin1');
  return all;
}
