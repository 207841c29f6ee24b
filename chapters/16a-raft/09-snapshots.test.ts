// Snapshots: the program hands its node the state machine's state at an applied index, the log
// drops the entries it covers (compaction), and a follower that needs one of those entries is sent
// the snapshot instead (InstallSnapshot, etcd's MsgSnap). Last, 6.5840's snapshot suites: members
// that snapshot and compact while others crash, are cut off and come back.
import { describe, expect, test } from 'vitest';
import type { Message } from '../../harness/contracts/raft.ts';
import {
  MemoryStorage,
  raftSeeds,
  SimulatedCluster,
  unreliableNetwork,
} from '../../harness/testing/raft-network.ts';
import { seededRandom } from '../../harness/testing/random.ts';
import { RaftLog } from './log.ts';
import { createRaftNode, Raft } from './raft.ts';

/** A message, with the fields a test does not care about at zero. */
function message(
  fields: Partial<Message> & Pick<Message, 'type' | 'from' | 'to' | 'term'>,
): Message {
  return { index: 0, logTerm: 0, ...fields };
}

/** Entries 1 to 5: terms 1, 1, 2, 2, 3. */
function fiveEntries() {
  return [1, 1, 2, 2, 3].map((term, i) => ({ term, index: i + 1 }));
}

/** Member 1, leader of term 1 with 2 voting, after `commands` committed, applied and persisted. */
function leaderWith(commands: string[], storage = new MemoryStorage()): Raft {
  const raft = new Raft({ id: 1, peers: [1, 2, 3], storage, random: () => 0, preVote: false });
  raft.campaign(false);
  raft.step(message({ type: 'VoteResponse', from: 2, to: 1, term: 1 }));
  for (const command of commands) raft.propose(command);
  const last = raft.log.lastIndex();
  raft.step(message({ type: 'AppendResponse', from: 2, to: 1, term: 1, index: last }));
  const ready = raft.ready();
  storage.save(ready.hardState, ready.entries);
  return raft;
}

/** Member 2 as a follower, with the given storage. */
function follower(storage = new MemoryStorage()): Raft {
  return new Raft({ id: 2, peers: [1, 2, 3], storage, random: () => 0, preVote: false });
}

describe('Snapshots', () => {
  test('compaction drops the entries up to an applied index and keeps the term there', () => {
    const log = new RaftLog(fiveEntries(), 4);
    log.takeCommitted();
    log.compact(3);
    expect([log.lastIndex(), log.lastTerm()], 'five entries, compacted at 3').toEqual([5, 3]);
    expect(
      [log.term(2), log.term(3), log.term(4)],
      'terms at 2 (compacted), 3 (the snapshot) and 4',
    ).toEqual([undefined, 2, 2]);
    expect(log.entriesFrom(4), 'entries from 4 on').toEqual(fiveEntries().slice(3));
    expect(
      () => log.compact(5),
      'compacting past what was applied (4) throws "cannot compact"',
    ).toThrow(/cannot compact/);
  });

  test('a log built after a snapshot applies only what follows it; restoring one replaces the whole log', () => {
    const log = new RaftLog([{ term: 2, index: 4 }], 4, { index: 3, term: 2 });
    expect([log.lastIndex(), log.term(3), log.applied], 'built after a snapshot at 3').toEqual([
      4, 2, 3,
    ]);
    expect(log.takeCommitted(), 'what it applies').toEqual([{ term: 2, index: 4 }]);
    log.append([{ term: 3, index: 5 }]);
    log.restore(9, 4);
    expect(
      [log.lastIndex(), log.lastTerm(), log.committed, log.applied],
      'restored from a snapshot at 9 of term 4',
    ).toEqual([9, 4, 9, 9]);
    expect(log.takeUnstable(), 'nothing left to persist: the snapshot stands for it').toEqual([]);
  });

  test('a node compacts at an applied index and answers the snapshot to persist', () => {
    const raft = leaderWith(['a', 'b']);
    const snapshot = raft.compact(2, 'state at 2');
    expect(snapshot, 'compact(2) on a leader of term 1 that applied 3').toEqual({
      index: 2,
      term: 1,
      peers: [1, 2, 3],
      data: 'state at 2',
    });
    expect([raft.log.term(1), raft.log.term(2)], 'terms at 1 and 2').toEqual([undefined, 1]);
    expect(() => raft.compact(4, 'x'), 'compact(4): 4 is not applied; throws').toThrow();
  });

  test('a node starts again from a snapshot and the entries after it', () => {
    const storage = new MemoryStorage();
    const before = leaderWith(['a', 'b', 'c'], storage);
    storage.saveSnapshot(before.compact(3, 'state at 3'));
    const after = follower(storage);
    expect([after.log.lastIndex(), after.log.term(3)], 'restarted: its log').toEqual([4, 1]);
    expect(
      after.ready().committedEntries.map((entry) => entry.index),
      'it applies only what follows the snapshot',
    ).toEqual([4]);
  });

  test('a leader sends its snapshot to a follower that needs a compacted entry', () => {
    const raft = leaderWith(['a', 'b', 'c']);
    raft.compact(3, 'state at 3');
    raft.step(
      message({
        type: 'AppendResponse',
        from: 3,
        to: 1,
        term: 1,
        index: 4,
        reject: true,
        rejectHint: 0,
      }),
    );
    const sent = raft.ready().messages;
    expect(
      sent.map((m) => ({ type: m.type, to: m.to, snapshot: m.snapshot?.index })),
      'member 3 refused: its log is empty',
    ).toEqual([{ type: 'Snapshot', to: 3, snapshot: 3 }]);
    raft.step(message({ type: 'AppendResponse', from: 3, to: 1, term: 1, index: 3 }));
    expect(
      raft.ready().messages.map((m) => ({ type: m.type, index: m.index, entries: m.entries })),
      'member 3 installed it: the entries after it follow',
    ).toEqual([{ type: 'Append', index: 3, entries: [{ term: 1, index: 4, command: 'c' }] }]);
  });

  test('a follower installs a snapshot: its log is replaced, and it persists the snapshot before answering', () => {
    const raft = follower();
    raft.step(
      message({ type: 'Append', from: 3, to: 2, term: 1, entries: [{ term: 1, index: 1 }] }),
    );
    raft.ready();
    const snapshot = { index: 5, term: 2, peers: [1, 2, 3], data: 'state at 5' };
    raft.step(message({ type: 'Snapshot', from: 1, to: 2, term: 2, snapshot }));
    const ready = raft.ready();
    expect(ready.snapshot, 'the snapshot of the leader of term 2').toEqual(snapshot);
    expect(ready.hardState, 'its term and commit').toEqual({ term: 2, vote: 0, commit: 5 });
    expect(
      [ready.committedEntries, ready.messages.map((m) => [m.type, m.to, m.index])],
      'nothing to apply (the snapshot is the state); the answer',
    ).toEqual([[], [['AppendResponse', 1, 5]]]);
    expect([raft.lead, raft.log.lastIndex(), raft.log.term(1)], 'lead and log').toEqual([
      1,
      5,
      undefined,
    ]);
  });

  test('a snapshot the follower already has changes no log: it commits, or answers its commit', () => {
    const raft = follower();
    const entries = [1, 1, 1].map((term, i) => ({ term, index: i + 1 }));
    raft.step(message({ type: 'Append', from: 1, to: 2, term: 1, entries, commit: 1 }));
    raft.ready();
    const snapshot = { index: 2, term: 1, peers: [1, 2, 3], data: 'state at 2' };
    raft.step(message({ type: 'Snapshot', from: 1, to: 2, term: 1, snapshot }));
    const ready = raft.ready();
    expect(
      [ready.snapshot, ready.committedEntries.map((entry) => entry.index), raft.log.lastIndex()],
      'its log holds entry 2 of term 1: it commits to 2 and keeps its log',
    ).toEqual([undefined, [2], 3]);
    raft.step(message({ type: 'Snapshot', from: 1, to: 2, term: 1, snapshot }));
    expect(
      raft.ready().messages.map((m) => [m.type, m.index]),
      'the same snapshot again: answered with the commit index',
    ).toEqual([['AppendResponse', 2]]);
  });

  test('a follower cut off while the others compacted catches up through a snapshot', () => {
    for (const seed of raftSeeds()) {
      const c = new SimulatedCluster({
        size: 3,
        seed,
        createNode: createRaftNode,
        snapshotEvery: 5,
      });
      const leader = c.one('1', 3, true) && c.checkOneLeader();
      const behind = c.ids.find((id) => id !== leader)!;
      c.disconnect(behind);
      for (let i = 2; i <= 20; i++) c.one(String(i), 2, true);
      c.connect(behind);
      const index = c.one('21', 3, true);
      expect(c.sent('Snapshot'), `snapshots sent (${c.describe()})`).toBeGreaterThan(0);
      expect(c.nCommitted(index).count, `21 applied everywhere (${c.describe()})`).toBe(3);
    }
  });

  test('snapshots with crashes: members snapshot, crash, are cut off and come back on a lossy network', () => {
    for (const seed of raftSeeds()) {
      const c = new SimulatedCluster({
        size: 3,
        seed,
        createNode: createRaftNode,
        snapshotEvery: 7,
      });
      const random = seededRandom(seed);
      c.setFaults(unreliableNetwork);
      for (let round = 0; round < 12; round++) {
        const victim = c.ids[Math.floor(random() * c.ids.length)]!;
        const crash = random() < 0.5;
        if (crash) c.crash(victim);
        else c.disconnect(victim);
        for (let i = 0; i < 6; i++) c.one(`${round}-${i}`, 2, true);
        if (crash) c.restart(victim);
        else c.connect(victim);
      }
      const index = c.one('last', 3, true);
      expect(c.nCommitted(index).count, `the last command on all three (${c.describe()})`).toBe(3);
      expect(
        c.sent('Snapshot'),
        `snapshots sent to members behind (${c.describe()})`,
      ).toBeGreaterThan(0);
    }
  });
});
