// Snapshots: the storage hands the write-ahead log a snapshot of its own (the Raft snapshot, the
// hard state and the entries after it), and the log drops the records it covers; the member
// snapshots its store every --snapshot-count applied entries, and loads a snapshot the leader sent
// into its store, in the apply chain's order.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadReference } from '../../harness/components/implementation.ts';
import type { Snapshot } from '../../harness/contracts/raft.ts';
import { MemoryStorage } from '../../harness/testing/raft-network.ts';
import { openRaftStorage } from '../../harness/testing/raft-storage.ts';
import { RaftMember } from './member.ts';
import { entriesAfter, FileRaftStorage } from './raft-storage.ts';

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kata-16b-snap-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The storage over chapter 02's write-ahead log (the reference), opened in `dir`. */
const openStorage = (dir: string) => openRaftStorage(FileRaftStorage, dir);

/** Entries `from` to `to`, all of `term`. */
function entries(from: number, to: number, term = 1) {
  return Array.from({ length: to - from + 1 }, (_, i) => ({ term, index: from + i }));
}

const snapshotAt = (index: number, term = 1): Snapshot => ({
  index,
  term,
  peers: [1, 2, 3],
  data: `state at ${index}`,
});

describe('Snapshots', () => {
  test('what a snapshot leaves of a log: the entries after it if the log agrees there, none otherwise', () => {
    expect(entriesAfter(entries(1, 5), snapshotAt(3)), 'log 1-5 of term 1, snapshot at 3').toEqual(
      entries(4, 5),
    );
    expect(entriesAfter(entries(1, 5), snapshotAt(3, 2)), 'the snapshot has term 2 at 3').toEqual(
      [],
    );
    expect(entriesAfter(entries(1, 2), snapshotAt(3)), 'the log ends before 3').toEqual([]);
    expect(
      entriesAfter(entries(4, 5), snapshotAt(3)),
      'the log starts just after the snapshot (written again after it)',
    ).toEqual(entries(4, 5));
  });

  test('the storage hands the log a snapshot with the hard state and the entries after it, and reads them back', async () => {
    const dir = freshDir();
    const storage = await openStorage(dir);
    storage.save({ term: 1, vote: 1, commit: 4 }, entries(1, 5));
    storage.saveSnapshot(snapshotAt(3));
    await storage.save(undefined, entries(6, 6));
    expect(
      readdirSync(path.join(dir, 'member', 'snap')).filter((name) => name.endsWith('.snap')),
      'a snapshot at 3, then entry 6 saved and synced: the log holds a snapshot',
    ).toHaveLength(1);
    await storage.close();
    const again = await openStorage(dir);
    expect(
      [again.snapshot(), again.entries(), again.hardState()],
      'saved entries 1-5, a snapshot at 3, then entry 6; reopened',
    ).toEqual([snapshotAt(3), entries(4, 6), { term: 1, vote: 1, commit: 4 }]);
    await again.close();
  });

  test("a leader's snapshot that the log disagrees with leaves no entries; an older one changes nothing", async () => {
    const dir = freshDir();
    const storage = await openStorage(dir);
    storage.save({ term: 1, vote: 1, commit: 5 }, entries(1, 5));
    storage.saveSnapshot(snapshotAt(4));
    storage.saveSnapshot(snapshotAt(2));
    expect(
      [storage.snapshot()?.index, storage.entries()],
      'a snapshot at 4, then one at 2',
    ).toEqual([4, entries(5, 5)]);
    storage.saveSnapshot(snapshotAt(9, 2));
    await storage.close();
    const again = await openStorage(dir);
    expect(
      [again.snapshot()?.index, again.entries()],
      "a leader's snapshot at 9 of term 2: the log did not agree, nothing stays",
    ).toEqual([9, []]);
    await again.close();
  });

  test('a snapshot taken while a sync runs: that sync still settles, and later saves come after it', async () => {
    const dir = freshDir();
    const storage = await openStorage(dir);
    const first = storage.save({ term: 1, vote: 1, commit: 4 }, entries(1, 5));
    storage.saveSnapshot(snapshotAt(3));
    const second = storage.save(undefined, entries(6, 7));
    await expect(
      Promise.all([first, second]),
      'the sync of entries 1-5, begun before the snapshot at 3, and that of 6-7 after it',
    ).resolves.toHaveLength(2);
    await storage.close();
    const again = await openStorage(dir);
    expect(again.entries(), 'reopened: the entries after the snapshot, 6-7 included').toEqual(
      entries(4, 7),
    );
    await again.close();
  });

  test('a member snapshots its store every snapshotCount applied entries, and its node compacts', async () => {
    const { createRaftNode } = await loadReference('16a', 'raft.ts');
    const storage = new MemoryStorage();
    const member: RaftMember = new RaftMember({
      node: createRaftNode({ id: 1, peers: [1], storage, random: () => 0 }),
      storage,
      send: () => undefined,
      apply: async (command) => ({ status: 200, body: command.body }),
      snapshotCount: 3,
      stateSnapshot: async () => `applied ${member.appliedIndex}`,
    });
    for (let tick = 0; tick < 30 && member.node.role !== 'leader'; tick++) member.tick();
    for (const body of ['a', 'b', 'c']) await member.propose({ path: '/v3/kv/put', body });
    await member.waitApplied(4);
    await new Promise((resolve) => setImmediate(resolve));
    expect(
      storage.snapshot(),
      'a member of one, its no-op and three puts applied, snapshotCount 3',
    ).toEqual({ index: 3, term: 1, peers: [1], data: 'applied 3' });
  });

  test("a member loads the leader's snapshot into its store and counts it as applied", async () => {
    const { createRaftNode } = await loadReference('16a', 'raft.ts');
    const storage = new MemoryStorage();
    const loaded: string[] = [];
    const member = new RaftMember({
      node: createRaftNode({ id: 2, peers: [1, 2, 3], storage, random: () => 0 }),
      storage,
      send: () => undefined,
      apply: async (command) => ({ status: 200, body: command.body }),
      restoreState: async (data) => {
        loaded.push(data);
      },
    });
    const reached = member.waitApplied(7);
    member.receive([
      { type: 'Snapshot', from: 1, to: 2, term: 1, index: 0, logTerm: 0, snapshot: snapshotAt(7) },
    ]);
    await reached;
    expect(
      [loaded, member.appliedIndex, storage.snapshot()?.index],
      'sent a snapshot at 7 by the leader',
    ).toEqual([['state at 7'], 7, 7]);
    const again = new RaftMember({
      node: createRaftNode({ id: 2, peers: [1, 2, 3], storage, random: () => 0 }),
      storage,
      send: () => undefined,
      apply: async (command) => ({ status: 200, body: command.body }),
    });
    expect(again.appliedIndex, 'a member started again from that storage').toBe(7);
  });
});
