// etcdctl, the real etcd client, against the kata store and against a real etcd 3.4, the same
// commands in the same order: their outputs must agree once what differs by nature is set aside
// (lease and member IDs, URLs, timings, sizes). The kata store runs as `kata run store` composes
// it: chapter 01 and 02 from solutions/, this chapter's gRPC from the folder under test, one port.
// Runs when both `etcd` and `etcdctl` are on PATH; CI installs them.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { parseFlags, startStore, type RunningStore } from '../../harness/components/store.ts';
import { chapterSource } from '../../harness/components/implementation.ts';
import { etcdVersion, startEtcd, type RunningEtcd } from '../../harness/testing/etcd.ts';
import {
  etcdctl,
  etcdctlVersion,
  etcdctlWatch,
  type EtcdctlResult,
} from '../../harness/testing/etcdctl.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { targetDir } from '../../harness/vitest/target.ts';

/**
 * How long one test may take: each runs a dozen etcdctl processes or more, against both stores,
 * and a Go program's start alone can take a second on a busy machine.
 */
const etcdctlRuns = 120_000;

const ready = etcdVersion() !== undefined && etcdctlVersion() !== undefined;
const missing = 'skipped: needs etcd and etcdctl 3.4 on PATH (Debian etcd-server, etcd-client)';
const grpcDir = path.join(targetDir(process.env.KATA_TARGET ?? 'chapters'), '02b-store-grpc');

/**
 * What differs by nature between two stores: IDs, URLs, timings. etcdctl's own log lines (JSON,
 * with times, such as its client's retry warnings) are set aside; what it prints for the user stays.
 */
function normalize(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('{"level":'))
    .join('\n')
    .replace(/"(cluster_id|member_id|raft_term|ID|leader)":\d+/g, '"$1":<id>')
    .replace(/\b[0-9a-f]{12,16}\b/g, '<id>')
    .replace(/(https?:\/\/)?127\.0\.0\.1:\d+/g, '<url>')
    .replace(/took = \S+/g, 'took = <time>')
    .replace(/remaining\(\d+s\)/g, 'remaining(<ttl>)');
}

/** A store started as `kata run store` starts it, in a fresh data directory. */
async function startKata(dataDir: string, ...flags: string[]): Promise<RunningStore> {
  const parsed = parseFlags([
    `--data-dir=${dataDir}`,
    '--listen-client-urls=http://127.0.0.1:0',
    '--name=kata',
    ...flags,
  ]);
  const dirs = {
    storeDir: chapterSource('01', 'solutions'),
    serverDir: chapterSource('02', 'solutions'),
    grpcDir,
  };
  return startStore(parsed, () => undefined, dirs);
}

describe('Conformance with etcdctl', { timeout: etcdctlRuns }, () => {
  if (!ready) test.skip(missing, () => {});
  const it = test.skipIf(!ready);

  let etcd: RunningEtcd;
  let kata: RunningStore;
  let folder: string;
  let kataProblem: unknown;

  beforeAll(async () => {
    if (!ready) return;
    folder = await mkdtemp(path.join(os.tmpdir(), 'kata-etcdctl-'));
    etcd = await startEtcd();
    // A store that cannot start fails every test below (with its own error), not the hook.
    try {
      kata = await startKata(path.join(folder, 'kata.etcd'));
    } catch (error) {
      kataProblem = error;
    }
  }, 30_000);

  beforeEach(() => {
    if (kataProblem) throw kataProblem;
  });

  afterAll(async () => {
    await kata?.close();
    await etcd?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  /** Runs one etcdctl command on both and compares what each printed and its exit code. */
  async function same(args: string[], input = '', endpoint = (url: string) => url) {
    const fromEtcd = await etcdctl(endpoint(etcd.url), args, input);
    const fromKata = await etcdctl(endpoint(kata.urls[0]!), args, input);
    const shown = (result: EtcdctlResult) => ({
      stdout: normalize(result.stdout),
      stderr: normalize(result.stderr),
      code: result.code,
    });
    expect(shown(fromKata), `etcdctl ${args.join(' ')}: the kata store vs etcd`).toEqual(
      shown(fromEtcd),
    );
    return fromKata;
  }

  it('put, get with --prefix, --keys-only, --limit and --rev, and del print as with etcd', async () => {
    await same(['put', 'fruit/apple', 'red']);
    await same(['put', 'fruit/banana', 'yellow']);
    await same(['get', 'fruit/', '--prefix']);
    await same(['get', 'fruit/', '--prefix', '--keys-only']);
    await same(['get', 'fruit/', '--prefix', '--limit=1', '-w', 'json']);
    await same(['get', 'fruit/apple', '--rev=2']);
    await same(['get', 'fruit/apple', '--rev=100']);
    await same(['del', 'fruit/banana']);
  });

  it('txn reads its compares and branches from stdin and runs the same branch', async () => {
    const script =
      'value("fruit/apple") = "red"\n\nput fruit/apple green\n\nput fruit/apple lost\n\n';
    await same(['txn'], script);
    await same(['txn', '-w', 'json'], script);
    await same(['get', 'fruit/apple']);
  });

  it('watch --prev-kv prints each change; a watch from before a compaction is canceled', async () => {
    const from =
      Number(
        JSON.parse((await etcdctl(etcd.url, ['get', 'x', '-w', 'json'])).stdout).header.revision,
      ) + 1;
    const watches = [etcd.url, kata.urls[0]!].map((url) =>
      etcdctlWatch(url, ['fruit/apple', '--prev-kv', `--rev=${from}`]),
    );
    await same(['put', 'fruit/apple', 'ripe']);
    try {
      await waitFor(
        () => watches.every((watch) => watch.output().includes('ripe')),
        'both watches to print the put',
      );
      expect(watches[1]!.output(), 'etcdctl watch --prev-kv: the kata store vs etcd').toBe(
        watches[0]!.output(),
      );
    } finally {
      await Promise.all(watches.map((watch) => watch.stop()));
    }
    await same(['compaction', String(from)]);
    await same(['watch', 'fruit/apple', '--rev=2']);
  });

  it('lease grant, a key on it, keep-alive, time-to-live and revoke print as with etcd', async () => {
    const granted = await same(['lease', 'grant', '60']);
    const idOn = async (url: string) =>
      (await etcdctl(url, ['lease', 'list'])).stdout.split('\n')[1]!;
    const [etcdLease, kataLease] = [await idOn(etcd.url), await idOn(kata.urls[0]!)];
    expect(granted.stdout, 'lease grant 60').toMatch(/granted with TTL\(60s\)/);
    const onBoth = async (args: (lease: string) => string[]) => {
      const fromEtcd = await etcdctl(etcd.url, args(etcdLease));
      const fromKata = await etcdctl(kata.urls[0]!, args(kataLease));
      expect(
        normalize(fromKata.stdout + fromKata.stderr),
        `etcdctl ${args('<id>').join(' ')}`,
      ).toBe(normalize(fromEtcd.stdout + fromEtcd.stderr));
    };
    await onBoth((lease) => ['put', `--lease=${lease}`, 'session', 'open']);
    await onBoth((lease) => ['lease', 'keep-alive', '--once', lease]);
    await onBoth((lease) => ['lease', 'timetolive', lease, '--keys']);
    await onBoth((lease) => ['lease', 'revoke', lease]);
    await onBoth((lease) => ['lease', 'revoke', lease]);
    await same(['get', 'session']);
  });

  it('endpoint status, endpoint health and member list describe one healthy member', async () => {
    // endpoint status is given host:port: with a scheme, etcdctl 3.4 puts it in HTTP/2's
    // :authority, which Node's HTTP/2 refuses (the lesson's § Try it says more).
    const bare = (url: string) => url.replace('http://', '');
    const statusOf = async (url: string) => {
      const [first] = JSON.parse(
        (await etcdctl(bare(url), ['endpoint', 'status', '-w', 'json'])).stdout,
      );
      return first.Status;
    };
    const [fromEtcd, fromKata] = [await statusOf(etcd.url), await statusOf(kata.urls[0]!)];
    expect(Object.keys(fromKata).sort(), 'endpoint status: the fields').toEqual(
      Object.keys(fromEtcd).sort(),
    );
    expect(fromKata.leader, 'endpoint status: this member leads').toBe(fromKata.header.member_id);
    await same(['endpoint', 'health']);
    await same(['member', 'list']);
  });

  it('snapshot save writes a file; a new kata store started --restore-from it has every key', async () => {
    const saved = (name: string) => path.join(folder, name);
    const fromEtcd = await etcdctl(etcd.url, ['snapshot', 'save', saved('etcd.db')]);
    const fromKata = await etcdctl(kata.urls[0]!, ['snapshot', 'save', saved('kata.db')]);
    expect(fromKata.stdout.replace('kata.db', 'X'), 'snapshot save: what it prints').toBe(
      fromEtcd.stdout.replace('etcd.db', 'X'),
    );
    expect((await stat(saved('kata.db'))).size % 512, 'whole pages and a SHA-256').toBe(32);
    const restored = await startKata(saved('restored.etcd'), `--restore-from=${saved('kata.db')}`);
    try {
      const before = await etcdctl(kata.urls[0]!, ['get', '', '--prefix', '-w', 'json']);
      const after = await etcdctl(restored.urls[0]!, ['get', '', '--prefix', '-w', 'json']);
      expect(normalize(after.stdout), 'every key, at the same revision, after the restore').toBe(
        normalize(before.stdout),
      );
    } finally {
      await restored.close();
    }
  });
});
