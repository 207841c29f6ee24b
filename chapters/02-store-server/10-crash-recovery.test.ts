// The store as a real process: started like `npx kata run store`, stopped politely (SIGTERM) and
// killed mid-write (SIGKILL), then started again on the same data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { main } from '../../harness/components/store.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { b64, call, send } from '../../harness/testing/http.ts';
import { repoRoot } from '../../harness/paths.ts';
import { targetDir } from '../../harness/vitest/target.ts';

// The chapter 02 code under test: the learner's, the reference or the stubs, as the target says.
const serverDir = path.join(targetDir(process.env.KATA_TARGET ?? 'chapters'), '02-store-server');
const storeProcess = path.join(repoRoot, 'harness', 'testing', 'store-process.ts');

let dataDir: string;
let children: ChildProcess[];

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'kata-crash-'));
  children = [];
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const child of children) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

interface Running {
  url: string;
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the store process on a free port and waits for the line that says where it serves. */
async function start(...flags: string[]): Promise<Running> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      storeProcess,
      serverDir,
      '--data-dir',
      dataDir,
      '--listen-client-urls',
      'http://127.0.0.1:0',
      ...flags,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(
    () => gone || /serving client requests on (\S+)/.test(output),
    'the store process to say where it serves',
    20_000,
  );
  const url = /serving client requests on (\S+)/.exec(output)?.[1];
  if (!url) throw new Error(`the store process stopped before serving:\n${output}`);
  return { url, child, output: () => output, exited };
}

describe('Crash recovery', () => {
  test('the store runs as a program and logs what etcd logs: name, data dir, where it serves', async () => {
    const store = await start('--name', 'demo');
    const health = await send(store.url, 'GET', '/health');
    expect(health.text, 'GET /health on the store process').toBe('{"health":"true"}');
    expect(store.output(), 'the start-up log').toContain('name = demo');
    expect(store.output(), 'the start-up log').toContain(`data dir = ${dataDir}`);
    expect(store.output(), 'the start-up log: the peer port').toMatch(/2380.*reserved/);
    store.child.kill('SIGTERM');
    expect(await store.exited, 'exit code after SIGTERM').toBe(0);
  });

  test('a busy port is one line that names --listen-client-urls, and exit code 1', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as { port: number };
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => errors.push(line));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const flags = ['--data-dir', dataDir, '--listen-client-urls', `http://127.0.0.1:${port}`];
      const code = await main(flags, {
        storeDir: path.join(repoRoot, 'solutions', '01-store'),
        serverDir,
      });
      expect(code, `kata run store on busy port ${port}: exit code`).toBe(1);
      expect(errors.join('\n').split('\n'), 'what it printed').toHaveLength(1);
      expect(errors[0], 'what it printed').toContain('--listen-client-urls');
    } finally {
      busy.close();
    }
  });

  test('after a clean stop (SIGTERM) a restart finds every write', async () => {
    let store = await start();
    for (let i = 0; i < 20; i++)
      await call(store.url, '/v3/kv/put', { key: b64(`key${i}`), value: b64(`${i}`) });
    store.child.kill('SIGTERM');
    await store.exited;
    store = await start();
    const range = await call(store.url, '/v3/kv/range', {
      key: b64('key'),
      range_end: b64('kez'),
      count_only: true,
    });
    expect(
      [range.count, range.header.revision],
      '20 puts, SIGTERM, restart: count and revision',
    ).toEqual(['20', '21']);
  });

  test('killed mid-write (SIGKILL), it loses no acknowledged write and its revision never goes back', async () => {
    let store = await start();
    const acknowledged: Array<{ key: string; value: string; revision: number }> = [];
    let killed = false;
    const writer = async (w: number) => {
      for (let n = 0; !killed; n++) {
        const key = `w${w}/${n}`;
        try {
          const body = await call(store.url, '/v3/kv/put', { key: b64(key), value: b64(`v${n}`) });
          acknowledged.push({ key, value: `v${n}`, revision: Number(body.header.revision) });
        } catch {
          return; // the process died under this request: it was never acknowledged
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    await waitFor(() => acknowledged.length >= 300, '300 acknowledged writes', 20_000);
    store.child.kill('SIGKILL');
    killed = true;
    await store.exited;
    await Promise.all(writers);

    store = await start();
    const all = await call(store.url, '/v3/kv/range', { key: b64('w'), range_end: b64('x') });
    const found = new Map<string, { value: string; revision: number }>(
      (all.kvs ?? []).map((kv: any) => [
        Buffer.from(kv.key, 'base64').toString(),
        { value: Buffer.from(kv.value, 'base64').toString(), revision: Number(kv.mod_revision) },
      ]),
    );
    const lost = acknowledged.filter((write) => {
      const after = found.get(write.key);
      return after?.value !== write.value || after.revision !== write.revision;
    });
    expect(
      lost,
      `acknowledged writes missing or changed after SIGKILL and restart (of ${acknowledged.length})`,
    ).toEqual([]);
    const highest = Math.max(...acknowledged.map((write) => write.revision));
    expect(
      Number(all.header.revision),
      'the revision after restart vs the highest acknowledged',
    ).toBeGreaterThanOrEqual(highest);
    const next = await call(store.url, '/v3/kv/put', { key: b64('after'), value: b64('restart') });
    expect(Number(next.header.revision), 'the first write after restart').toBeGreaterThan(highest);
  });
});
