// The store's /metrics on --listen-metrics-urls, as etcd serves them: a real store on a temporary
// data directory, etcd_mvcc_db_total_size_in_bytes as the bytes it holds on disk, the revision,
// and /health beside.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { choosePort } from '../cluster/arguments.ts';
import { sumOf } from '../trace/dashboard-feed.ts';
import { bytesUnder } from './store-metrics.ts';
import { parseFlags, startStore, type RunningStore } from './store.ts';

const folder = mkdtempSync(path.join(os.tmpdir(), 'kata-store-metrics-'));
let running: RunningStore | undefined;

afterAll(async () => {
  await running?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe("The store's /metrics", () => {
  test('etcd_mvcc_db_total_size_in_bytes is the data directory on disk; the revision and /health beside', async () => {
    const metricsUrl = `http://127.0.0.1:${await choosePort('127.0.0.1', 0)}`;
    const flags = parseFlags([
      '--data-dir',
      path.join(folder, 'store'),
      '--listen-client-urls',
      'http://127.0.0.1:0',
      '--listen-metrics-urls',
      metricsUrl,
      '--use',
      'solutions',
    ]);
    running = await startStore(flags, () => {});
    const scrape = async () => (await fetch(`${metricsUrl}/metrics`)).text();
    const before = sumOf(await scrape(), 'etcd_mvcc_db_total_size_in_bytes');
    const put = await fetch(`${running.urls[0]}/v3/kv/put`, {
      method: 'POST',
      body: JSON.stringify({ key: btoa('/registry/a'), value: btoa('x'.repeat(4096)) }),
    });
    expect(put.status, 'a put of 4 KiB').toBe(200);
    const after = await scrape();
    // The log's segments are allocated ahead (as etcd's WAL is), so the size may not move with
    // one put: it is what the data directory holds on disk.
    expect(
      [before > 0, sumOf(after, 'etcd_mvcc_db_total_size_in_bytes')],
      'the size before the put is above 0; after it, the data directory on disk',
    ).toEqual([true, bytesUnder(flags.dataDir)]);
    expect(sumOf(after, 'etcd_debugging_mvcc_current_revision'), 'the revision').toBe(2);
    expect(after, 'etcd_server_has_leader').toMatch(/^etcd_server_has_leader 1$/m);
    expect(await (await fetch(`${metricsUrl}/health`)).text(), 'GET /health').toBe(
      '{"health":"true"}',
    );
  });
});
