// Replication, one node at a time: a leader sends its log, a follower checks and appends it, the
// leader counts matches to commit, and walks back quickly where logs disagree. The tests play the
// other members by hand.
import { describe, expect, test } from 'vitest';
import type { Entry, Message } from '../../harness/contracts/raft.ts';
import { MemoryStorage } from '../../harness/testing/raft-network.ts';
import { maxEntriesPerAppend, Raft } from './raft.ts';

/** Member `id` of 1, 2, 3 whose storage holds entries of these terms and `term` as its term. */
function node(id: number, term: number, logTerms: number[] = [], peers = [1, 2, 3]): Raft {
  const storage = new MemoryStorage();
  const entries: Entry[] = logTerms.map((t, i) => ({
    term: t,
    index: i + 1,
    command: `c${i + 1}`,
  }));
  storage.save({ term, vote: 0, commit: 0 }, entries);
  return new Raft({ id, peers, storage, random: () => 0, preVote: false });
}

/** Member 1 made leader of `term + 1` through its votes. */
function leader(term: number, logTerms: number[] = [], peers = [1, 2, 3]): Raft {
  const raft = node(1, term, logTerms, peers);
  raft.campaign(false);
  for (const peer of peers.slice(1)) {
    raft.step({ type: 'VoteResponse', from: peer, to: 1, term: term + 1, index: 0, logTerm: 0 });
  }
  return raft;
}

function append(fields: Partial<Message>): Message {
  return {
    type: 'Append',
    from: 1,
    to: 2,
    term: 1,
    index: 0,
    logTerm: 0,
    entries: [],
    commit: 0,
    ...fields,
  };
}

function response(fields: Partial<Message>): Message {
  return { type: 'AppendResponse', from: 2, to: 1, term: 1, index: 0, logTerm: 0, ...fields };
}

describe('Replication', () => {
  test('a candidate with a quorum of votes leads: it appends a no-op entry of its term and sends it to every follower', () => {
    const raft = leader(1, [1, 1]);
    expect([raft.role, raft.lead], "a candidate of term 2 with its own vote and 2 and 3's").toEqual(
      ['leader', 1],
    );
    const ready = raft.ready();
    expect(ready.entries, 'leader of term 2 over entries of term 1, 1').toEqual([
      { term: 2, index: 3 },
    ]);
    expect(
      ready.messages
        .filter((m) => m.type === 'Append')
        .map((m) => [m.to, m.index, m.logTerm, m.entries?.length]),
      'Appends: prevIndex 2 of term 1, the no-op',
    ).toEqual([
      [2, 2, 1, 1],
      [3, 2, 1, 1],
    ]);
  });

  test('a candidate follows a leader of its own term; stale answers to a campaign are dropped', () => {
    const raft = node(1, 0);
    raft.campaign(false);
    raft.campaign(false);
    raft.step({ type: 'VoteResponse', from: 2, to: 1, term: 1, index: 0, logTerm: 0 });
    expect(raft.role, 'campaigned in term 2; a vote of term 1 arrives late').toBe('candidate');
    raft.step(append({ from: 3, to: 1, term: 2 }));
    expect([raft.role, raft.term, raft.lead, raft.vote], 'an Append of term 2 from 3').toEqual([
      'follower',
      2,
      3,
      1,
    ]);
    raft.step({ type: 'VoteResponse', from: 2, to: 1, term: 2, index: 0, logTerm: 0 });
    expect(raft.role, 'a vote arrives after the node went back to following').toBe('follower');
  });

  test('a cluster of one elects itself at its first timeout, pre-vote and all', () => {
    const raft = new Raft({ id: 1, peers: [1], storage: new MemoryStorage(), random: () => 0 });
    for (let i = 0; i < 10; i++) raft.tick();
    expect([raft.role, raft.term], 'one member, after electionTick').toEqual(['leader', 1]);
  });

  test('a leader takes a proposal at the end of its log and sends it; a follower takes none', () => {
    const raft = leader(0);
    raft.ready();
    expect(raft.propose('x'), 'a proposal after the no-op at 1').toEqual({ index: 2, term: 1 });
    const sent = raft.ready().messages.map((m) => [m.to, m.entries?.map((e) => e.command)]);
    expect(sent, 'the proposal goes to 2 and 3').toEqual([
      [2, ['x']],
      [3, ['x']],
    ]);
    expect(node(2, 1).propose('y'), 'a follower answers undefined').toBeUndefined();
  });

  test('a follower appends what matches and answers its last index; it refuses a gap with a hint', () => {
    const raft = node(2, 1, [1]);
    raft.step(
      append({ index: 1, logTerm: 1, entries: [{ term: 1, index: 2, command: 'x' }], commit: 1 }),
    );
    const ready = raft.ready();
    expect(
      ready.entries.map((e) => e.command),
      'the follower persists x',
    ).toEqual(['x']);
    expect(ready.messages, 'it answers index 2').toMatchObject([
      { type: 'AppendResponse', to: 1, index: 2 },
    ]);
    expect(
      ready.committedEntries.map((e) => e.index),
      'leader commit 1: apply entry 1',
    ).toEqual([1]);
    raft.step(append({ index: 5, logTerm: 1 }));
    expect(raft.ready().messages, 'prevIndex 5 on a log of 2').toMatchObject([
      { type: 'AppendResponse', index: 5, reject: true, rejectHint: 2, logTerm: 1 },
    ]);
  });

  test('a leader commits an index once a quorum matched it, applies it and tells the followers', () => {
    const raft = leader(0);
    raft.propose('x');
    raft.ready();
    raft.step(response({ index: 1 }));
    expect(raft.log.committed, 'follower 2 matched the no-op: 2 of 3').toBe(1);
    raft.step(response({ index: 2 }));
    expect(raft.log.committed, 'follower 2 matched x').toBe(2);
    const ready = raft.ready();
    expect(
      ready.committedEntries.map((e) => e.command),
      'apply the no-op, then x',
    ).toEqual([undefined, 'x']);
    expect(
      ready.messages.filter((m) => m.to === 3).at(-1)?.commit,
      'follower 3 hears of commit 2',
    ).toBe(2);
  });

  test('Figure 8: a leader does not commit an entry of an earlier term, however many hold it', () => {
    const raft = leader(3, [1, 2], [1, 2, 3, 4, 5]);
    raft.ready();
    for (const from of [2, 3]) raft.step(response({ from, term: 4, index: 2 }));
    expect(raft.log.committed, 'entry 2 of term 2 is on 3 of 5, the leader is of term 4').toBe(0);
    raft.step(response({ from: 2, term: 4, index: 3 }));
    expect(raft.log.committed, 'the no-op of term 4 at 3 is on 2 of 5').toBe(0);
    raft.step(response({ from: 3, term: 4, index: 3 }));
    expect(raft.log.committed, 'the no-op of term 4 on 3 of 5 commits 2 with it').toBe(3);
  });

  test('a refusal moves the follower back to where its hint says the logs may agree, skipping whole terms', () => {
    const raft = leader(5, [1, 1, 4, 4, 4, 4]);
    raft.ready();
    raft.step(response({ term: 6, index: 6, reject: true, rejectHint: 5, logTerm: 3 }));
    const resent = raft.ready().messages;
    expect(
      resent.map((m) => [m.to, m.index, m.logTerm]),
      'follower: "index 5 holds term 3"; ours has term 4 from 3 on',
    ).toEqual([[2, 2, 1]]);
    expect(
      resent[0]!.entries!.map((e) => e.index),
      'resend from 3 on',
    ).toEqual([3, 4, 5, 6, 7]);
    raft.step(response({ term: 6, index: 7 }));
    raft.ready();
    raft.step(response({ term: 6, index: 4, reject: true, rejectHint: 1, logTerm: 1 }));
    expect(
      raft.ready().messages,
      'a late refusal of index 4 after 2 matched up to 7: ignored',
    ).toEqual([]);
  });

  test('one Append carries at most maxEntriesPerAppend entries, and next moves past what was sent', () => {
    const raft = leader(
      1,
      Array.from({ length: 100 }, () => 1),
    );
    const sent = raft.ready().messages.filter((m) => m.to === 2 && m.type === 'Append');
    expect(
      sent.map((m) => [m.index, m.entries?.length]),
      'a new leader over 100 entries: next is 102',
    ).toEqual([[100, 1]]);
    raft.step(response({ term: 2, index: 100, reject: true, rejectHint: 10, logTerm: 1 }));
    const resent = raft.ready().messages;
    expect(
      resent.map((m) => [m.index, m.entries?.length]),
      'the follower has 10: from 11, 64 at most',
    ).toEqual([[10, maxEntriesPerAppend]]);
    raft.tick();
    expect(
      raft.ready().messages.find((m) => m.to === 2)?.index,
      'the next heartbeat follows on',
    ).toBe(10 + maxEntriesPerAppend);
  });

  test('a leader sends heartbeats every heartbeatTick; an Append of an old term is answered so its sender steps down', () => {
    const raft = leader(0);
    raft.ready();
    raft.tick();
    expect(
      raft.ready().messages.map((m) => [m.type, m.to, m.entries?.length]),
      'one tick later',
    ).toEqual([
      ['Append', 2, 0],
      ['Append', 3, 0],
    ]);
    const follower = node(2, 3);
    follower.step(append({ term: 2 }));
    expect(follower.ready().messages, 'an Append of term 2 at a member of term 3').toMatchObject([
      { type: 'AppendResponse', to: 1, term: 3, reject: true },
    ]);
    raft.step(response({ term: 3, reject: true }));
    expect([raft.role, raft.term], 'the leader of term 1 hears of term 3').toEqual(['follower', 3]);
  });

  test('check-quorum: a leader that heard from no quorum in an election timeout steps down', () => {
    const raft = leader(0);
    for (let i = 0; i < 10; i++) raft.tick();
    expect(raft.role, 'everyone counted as heard from at the start of the term').toBe('leader');
    raft.step(response({ from: 2, index: 1 }));
    for (let i = 0; i < 10; i++) raft.tick();
    expect(raft.role, 'member 2 answered in the last election timeout').toBe('leader');
    for (let i = 0; i < 10; i++) raft.tick();
    expect([raft.role, raft.lead], 'nobody answered for an election timeout').toEqual([
      'follower',
      0,
    ]);
  });
});
