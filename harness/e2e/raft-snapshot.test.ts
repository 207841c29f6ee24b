// Snapshots on real members (#32, chapter 16a's snapshots under chapter 16b's member): three
// `kata run store` processes with a low --snapshot-count. One member is stopped; the others take
// writes well past a snapshot, so their logs on disk no longer hold the entries it missed. Started
// again, it can only catch up through the leader's snapshot (InstallSnapshot): it must then serve
// every write, and its data directory must hold that snapshot and a compacted log. The members
// keep both in chapter 02's write-ahead log (member/wal, member/snap), read here without opening
// it (opening cuts a torn tail, which a running member may be writing).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { readFrames } from '../../solutions/02-store-server/wal.ts';
import { get, put, StoreMembers, type Member } from '../testing/store-members.ts';
import { waitFor } from '../testing/wait.ts';

const SNAPSHOT_COUNT = 10;
const cluster = new StoreMembers(['--snapshot-count', String(SNAPSHOT_COUNT)]);
const { dataDir, members } = cluster;
const start = (member: Member) => cluster.start(member);
const kill = (member: Member) => cluster.kill(member);

afterAll(() => cluster.close());

/** The records in the files of one folder of a member's write-ahead log, as JSON, in order. */
function records<T>(member: Member, folder: 'wal' | 'snap'): T[] {
  const dir = path.join(dataDir, member.name, 'member', folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(`.${folder}`))
    .sort()
    .flatMap((name) => readFrames(readFileSync(path.join(dir, name))).records)
    .map((record) => JSON.parse(Buffer.from(record).toString('utf8')) as T);
}

/** The number of entries in a member's Raft log on disk (its entries records' lengths added up). */
function loggedEntries(member: Member): number {
  return records<{ entries?: unknown[] }>(member, 'wal').reduce(
    (sum, record) => sum + (record.entries?.length ?? 0),
    0,
  );
}

/** The index of a member's newest snapshot on disk, 0 if it has none. */
function snapshotIndex(member: Member): number {
  return records<{ snapshot: { index: number } }>(member, 'snap').at(-1)?.snapshot.index ?? 0;
}

describe('Snapshots on real members', () => {
  test('a member stopped while the others wrote past a snapshot comes back through InstallSnapshot and serves every write', async () => {
    await cluster.create(3);
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
      () => snapshotIndex(s1) > 0 && snapshotIndex(s2) > 0,
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
    expect(
      snapshotIndex(s3),
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
