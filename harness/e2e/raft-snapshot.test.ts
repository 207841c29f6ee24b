// Snapshots on real members (#32, chapter 16a's snapshots under chapter 16b's member): three
// `kata run store` processes with a low --snapshot-count. One member is stopped; the others take
// writes well past a snapshot, so their logs on disk no longer hold the entries it missed. Started
// again, it can only catch up through the leader's snapshot (InstallSnapshot): it must then serve
// every write, and its data directory must hold that snapshot and a compacted log.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { repoRoot } from '../paths.ts';
import { freePort } from '../testing/etcd.ts';
import { waitFor } from '../testing/wait.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const unb64 = (text: string) => Buffer.from(text, 'base64').toString('utf8');

interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
  process?: ChildProcess;
}

const SNAPSHOT_COUNT = 10;
const dataDir = mkdtempSync(path.join(tmpdir(), 'kata-raft-snap-'));
const members: Member[] = [];
let initialCluster = '';

function start(member: Member): void {
  member.process = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(repoRoot, 'harness/components/store.ts'),
      '--use',
      'solutions',
      '--name',
      member.name,
      '--data-dir',
      path.join(dataDir, member.name),
      '--listen-client-urls',
      `http://127.0.0.1:${member.clientPort}`,
      '--listen-peer-urls',
      `http://127.0.0.1:${member.peerPort}`,
      '--initial-cluster',
      initialCluster,
      '--heartbeat-interval',
      '50',
      '--snapshot-count',
      String(SNAPSHOT_COUNT),
    ],
    { cwd: repoRoot, stdio: 'ignore' },
  );
}

function kill(member: Member): void {
  member.process?.kill('SIGKILL');
  member.process = undefined;
}

afterAll(() => {
  for (const member of members) kill(member);
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(
  member: Member,
  route: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const reply = await fetch(`http://127.0.0.1:${member.clientPort}${route}`, {
    method: 'POST',
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(3000),
  });
  const answer = (await reply.json()) as Record<string, unknown>;
  if (!reply.ok || answer.error) throw new Error(String(answer.error ?? reply.status));
  return answer;
}

/** A put through `member`, tried again while the cluster elects or the member starts. */
async function put(member: Member, key: string, value: string): Promise<void> {
  await waitFor(
    () =>
      call(member, '/v3/kv/put', { key: b64(key), value: b64(value) }).then(
        () => true,
        () => false,
      ),
    `put ${key} through ${member.name}`,
    30_000,
  );
}

/** The value of `key` on `member`, linearizable unless `serializable`; undefined if it fails. */
async function get(member: Member, key: string, serializable = false): Promise<string | undefined> {
  try {
    const answer = await call(member, '/v3/kv/range', { key: b64(key), serializable });
    const kvs = (answer.kvs ?? []) as Array<{ value: string }>;
    return kvs[0] ? unb64(kvs[0].value) : '';
  } catch {
    return undefined;
  }
}

/** The number of entries in a member's Raft log file (the entries records' lengths added up). */
function loggedEntries(member: Member): number {
  const file = path.join(dataDir, member.name, 'member', 'raft', 'log.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{"entries"'))
    .reduce((sum, line) => sum + (JSON.parse(line) as { entries: unknown[] }).entries.length, 0);
}

const snapshotFile = (member: Member) =>
  path.join(dataDir, member.name, 'member', 'snap', 'snapshot.json');

describe('Snapshots on real members', () => {
  test('a member stopped while the others wrote past a snapshot comes back through InstallSnapshot and serves every write', async () => {
    for (let i = 0; i < 3; i++) {
      members.push({ name: `s${i + 1}`, clientPort: await freePort(), peerPort: await freePort() });
    }
    initialCluster = members
      .map((member) => `${member.name}=http://127.0.0.1:${member.peerPort}`)
      .join(',');
    for (const member of members) start(member);
    const [s1, s2, s3] = members as [Member, Member, Member];
    await put(s1, 'before', 'stop');
    await waitFor(
      async () => (await get(s3, 'before', true)) === 'stop',
      's3 applied the first write',
      30_000,
    );

    kill(s3);
    const writes = 4 * SNAPSHOT_COUNT;
    for (let i = 0; i < writes; i++) await put(i % 2 === 0 ? s1 : s2, `k${i % 7}`, `v${i}`);
    await waitFor(
      async () => existsSync(snapshotFile(s1)) && existsSync(snapshotFile(s2)),
      's1 and s2 took snapshots',
      30_000,
    );
    expect(
      loggedEntries(s1),
      `s1's log on disk after ${writes} writes with --snapshot-count ${SNAPSHOT_COUNT}`,
    ).toBeLessThan(writes);

    start(s3);
    const expected = new Map<string, string>();
    for (let i = 0; i < writes; i++) expected.set(`k${i % 7}`, `v${i}`);
    for (const [key, value] of expected) {
      await waitFor(
        async () => (await get(s3, key)) === value,
        `s3, started again, reads ${key}=${value}`,
        60_000,
      );
      expect(await get(s3, key, true), `a serializable read of ${key} on s3`).toBe(value);
    }
    expect(await get(s3, 'before', true), 'the write before s3 stopped, on s3').toBe('stop');
    const installed = JSON.parse(readFileSync(snapshotFile(s3), 'utf8')) as { index: number };
    expect(
      installed.index,
      "s3's snapshot on disk: the leader's, or its own after it",
    ).toBeGreaterThan(SNAPSHOT_COUNT);

    await put(s3, 'after', 'restart');
    for (const member of members) {
      await waitFor(
        async () => (await get(member, 'after', true)) === 'restart',
        `${member.name} applies a write made through s3`,
        30_000,
      );
    }
  }, 300_000);
});
