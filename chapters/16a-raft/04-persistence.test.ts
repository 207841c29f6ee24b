// Persistence: what ready() hands over, each thing once, and a node that starts again from its
// storage with the term, vote, log and commit index it had persisted, and nothing else.
import { describe, expect, test } from 'vitest';
import { MemoryStorage } from '../../harness/testing/raft-network.ts';
import { Raft } from './raft.ts';

function node(storage = new MemoryStorage()): Raft {
  return new Raft({ id: 1, peers: [1, 2, 3], storage, random: () => 0, preVote: false });
}

describe('Persistence', () => {
  test('ready hands over the hard state only when it changed, and entries and messages once', () => {
    const raft = node();
    expect(raft.ready(), 'a new node has nothing to do').toEqual({
      entries: [],
      committedEntries: [],
      messages: [],
    });
    raft.campaign(false);
    raft.step({ type: 'VoteResponse', from: 2, to: 1, term: 1, index: 0, logTerm: 0 });
    const first = raft.ready();
    expect(first.hardState, 'campaigned and won term 1').toEqual({ term: 1, vote: 1, commit: 0 });
    expect(first.entries, 'the no-op to persist').toEqual([{ term: 1, index: 1 }]);
    expect(raft.ready(), 'asked again at once').toEqual({
      entries: [],
      committedEntries: [],
      messages: [],
    });
    raft.step({ type: 'AppendResponse', from: 2, to: 1, term: 1, index: 1, logTerm: 0 });
    expect(raft.ready().hardState, 'the no-op committed: the commit index changed').toEqual({
      term: 1,
      vote: 1,
      commit: 1,
    });
  });

  test('a node starts again from its storage: its term, its vote, its log and its commit index', () => {
    const storage = new MemoryStorage();
    const before = node(storage);
    before.campaign(false);
    before.step({ type: 'VoteResponse', from: 2, to: 1, term: 1, index: 0, logTerm: 0 });
    before.propose('x');
    before.step({ type: 'AppendResponse', from: 2, to: 1, term: 1, index: 2, logTerm: 0 });
    const ready = before.ready();
    storage.save(ready.hardState, ready.entries);
    const after = node(storage);
    expect([after.role, after.term, after.vote, after.lead], 'restarted').toEqual([
      'follower',
      1,
      1,
      0,
    ]);
    expect([after.log.lastIndex(), after.log.committed], 'restarted: its log and commit').toEqual([
      2, 2,
    ]);
    expect(
      after.ready().committedEntries.map((e) => e.command),
      'applies its log again',
    ).toEqual([undefined, 'x']);
  });

  test('a restarted node does not vote twice in a term: the vote it persisted holds', () => {
    const storage = new MemoryStorage();
    storage.save({ term: 4, vote: 2, commit: 0 }, []);
    const raft = node(storage);
    raft.step({ type: 'Vote', from: 3, to: 1, term: 4, index: 0, logTerm: 0 });
    expect(raft.ready().messages, 'voted for 2 in term 4 before the crash; 3 asks').toMatchObject([
      { type: 'VoteResponse', to: 3, reject: true },
    ]);
    raft.step({ type: 'Vote', from: 2, to: 1, term: 4, index: 0, logTerm: 0 });
    expect(raft.ready().messages, '2 asks again (its answer was lost)').toMatchObject([
      { type: 'VoteResponse', to: 2, term: 4 },
    ]);
  });
});
