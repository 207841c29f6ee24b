// Elections, one node at a time: the tests play the other members by hand, ticking the node and
// feeding it the messages they would send, and read what it asks for from ready().
import { describe, expect, test } from 'vitest';
import type { Message, RaftOptions } from '../../harness/contracts/raft.ts';
import { MemoryStorage } from '../../harness/testing/raft-network.ts';
import { Raft } from './raft.ts';

/** Node `id` of members 1, 2, 3, with a timeout of exactly electionTick (random draws 0). */
function node(id = 1, options: Partial<RaftOptions> = {}): Raft {
  return new Raft({
    id,
    peers: [1, 2, 3],
    storage: new MemoryStorage(),
    random: () => 0,
    ...options,
  });
}

function ticks(raft: Raft, n: number): void {
  for (let i = 0; i < n; i++) raft.tick();
}

/** A message to `to`, with the fields a test does not care about at zero. */
function message(
  fields: Partial<Message> & Pick<Message, 'type' | 'from' | 'to' | 'term'>,
): Message {
  return { index: 0, logTerm: 0, ...fields };
}

const brief = (m: Message) => ({ type: m.type, to: m.to, term: m.term, reject: m.reject ?? false });

describe('Elections', () => {
  test('a follower that hears from nobody campaigns after its randomized timeout, from electionTick to twice it', () => {
    const early = node(1, { preVote: false, random: () => 0 });
    ticks(early, 9);
    expect(early.role, 'random draw 0, electionTick 10: after 9 ticks').toBe('follower');
    early.tick();
    expect(early.role, 'random draw 0, electionTick 10: after 10 ticks').toBe('candidate');
    const late = node(1, { preVote: false, random: () => 0.99 });
    ticks(late, 18);
    expect(late.role, 'random draw 0.99: timeout 19, after 18 ticks').toBe('follower');
    late.tick();
    expect(late.role, 'random draw 0.99: after 19 ticks').toBe('candidate');
  });

  test('becoming a follower of a new term forgets the vote; of the same term keeps it', () => {
    const raft = node(1, { preVote: false });
    raft.campaign(false);
    raft.becomeFollower(1, 2);
    expect(
      [raft.role, raft.term, raft.vote, raft.lead],
      'a candidate of term 1 follows 2 in term 1',
    ).toEqual(['follower', 1, 1, 2]);
    raft.becomeFollower(2, 0);
    expect([raft.term, raft.vote, raft.lead], 'then hears of term 2, no leader yet').toEqual([
      2, 0, 0,
    ]);
  });

  test('a candidate moves to the next term, votes for itself, persists both and asks every other member', () => {
    const raft = node(1, { preVote: false });
    raft.campaign(false);
    const ready = raft.ready();
    expect(ready.hardState, 'campaign from term 0').toEqual({ term: 1, vote: 1, commit: 0 });
    expect(ready.messages.map(brief), 'campaign: a Vote to 2 and 3').toEqual([
      { type: 'Vote', to: 2, term: 1, reject: false },
      { type: 'Vote', to: 3, term: 1, reject: false },
    ]);
  });

  test('a campaign with no answer starts over at its next timeout, in the term after', () => {
    const raft = node(1, { preVote: false });
    ticks(raft, 10);
    raft.ready();
    ticks(raft, 9);
    expect(
      [raft.role, raft.term, raft.ready().messages],
      'a candidate of term 1, 9 ticks later',
    ).toEqual(['candidate', 1, []]);
    raft.tick();
    expect([raft.term, raft.ready().messages.length], 'its timeout ran out again').toEqual([2, 2]);
  });

  test('a candidate refused by a quorum follows again; one refusal is not enough', () => {
    const loser = node(1, { preVote: false });
    loser.campaign(false);
    loser.step(message({ type: 'VoteResponse', from: 2, to: 1, term: 1, reject: true }));
    expect(loser.role, 'one refusal of 3: still campaigning').toBe('candidate');
    loser.step(message({ type: 'VoteResponse', from: 3, to: 1, term: 1, reject: true }));
    expect([loser.role, loser.term, loser.lead], 'two refusals of 3').toEqual(['follower', 1, 0]);
  });

  test('a member grants one vote a term, and only to a log at least as up to date as its own', () => {
    const storage = new MemoryStorage();
    storage.save({ term: 2, vote: 0, commit: 0 }, [{ term: 2, index: 1 }]);
    const voter = new Raft({ id: 1, peers: [1, 2, 3], storage, random: () => 0 });
    voter.step(message({ type: 'Vote', from: 2, to: 1, term: 3, index: 1, logTerm: 1 }));
    expect(
      voter.ready().messages.map(brief),
      '2 asks with a log ending in term 1; ours ends in term 2',
    ).toEqual([{ type: 'VoteResponse', to: 2, term: 3, reject: true }]);
    voter.step(message({ type: 'Vote', from: 3, to: 1, term: 3, index: 1, logTerm: 2 }));
    expect(voter.ready().messages.map(brief), '3 asks in term 3 with a log like ours').toEqual([
      { type: 'VoteResponse', to: 3, term: 3, reject: false },
    ]);
    voter.step(message({ type: 'Vote', from: 2, to: 1, term: 3, index: 5, logTerm: 2 }));
    expect(voter.ready().messages.map(brief), 'voted for 3 in term 3; 2 asks again').toEqual([
      { type: 'VoteResponse', to: 2, term: 3, reject: true },
    ]);
    expect(voter.vote, 'the vote of term 3').toBe(3);
  });

  test('a message of a later term makes any member a follower of that term, its vote forgotten', () => {
    const raft = node(1, { preVote: false });
    raft.campaign(false);
    raft.step(message({ type: 'VoteResponse', from: 3, to: 1, term: 5, reject: true }));
    expect(
      [raft.role, raft.term, raft.vote, raft.lead],
      'a candidate of term 1 hears a refusal of term 5',
    ).toEqual(['follower', 5, 0, 0]);
    raft.ready();
    raft.step(message({ type: 'Vote', from: 2, to: 1, term: 4 }));
    expect(raft.ready().messages, 'a Vote of term 4, older than 5, is dropped').toEqual([]);
  });

  test('pre-vote: a pre-candidate asks for the next term without taking it, and campaigns once a quorum agrees', () => {
    const raft = node(1);
    ticks(raft, 10);
    expect([raft.role, raft.term], 'pre-vote on, after the timeout').toEqual(['pre-candidate', 0]);
    expect(raft.ready().messages.map(brief), 'pre-votes ask for term 1').toEqual([
      { type: 'PreVote', to: 2, term: 1, reject: false },
      { type: 'PreVote', to: 3, term: 1, reject: false },
    ]);
    raft.step(message({ type: 'PreVoteResponse', from: 3, to: 1, term: 1 }));
    expect([raft.role, raft.term, raft.vote], 'a quorum of pre-votes').toEqual(['candidate', 1, 1]);
    expect(
      raft.ready().messages.map((m) => m.type),
      'now the real campaign',
    ).toEqual(['Vote', 'Vote']);
  });

  test('a pre-vote is granted on the log alone and changes nothing; a pre-vote for a stale term is refused', () => {
    const raft = node(2, { checkQuorum: false });
    raft.becomeFollower(1, 1);
    raft.step(message({ type: 'PreVote', from: 3, to: 2, term: 2 }));
    expect(
      raft.ready().messages.map(brief),
      'following 1 in term 1; 3 pre-votes for term 2',
    ).toEqual([{ type: 'PreVoteResponse', to: 3, term: 2, reject: false }]);
    expect([raft.term, raft.vote, raft.lead], 'a pre-vote changes no term, vote or leader').toEqual(
      [1, 0, 1],
    );
    raft.step(message({ type: 'PreVote', from: 3, to: 2, term: 0 }));
    expect(raft.ready().messages.map(brief), 'a pre-vote for term 0').toEqual([
      { type: 'PreVoteResponse', to: 3, term: 1, reject: true },
    ]);
  });

  test('check-quorum: a member that just heard from its leader ignores campaigns of later terms', () => {
    const raft = node(2);
    raft.becomeFollower(1, 1);
    raft.step(message({ type: 'Vote', from: 3, to: 2, term: 2 }));
    expect(
      [raft.term, raft.ready().messages],
      'heard from leader 1 this tick; 3 campaigns for term 2',
    ).toEqual([1, []]);
    ticks(raft, 10);
    raft.ready();
    raft.step(message({ type: 'Vote', from: 3, to: 2, term: 3 }));
    expect(
      raft.ready().messages.map(brief),
      'an election timeout later, the lease is over',
    ).toEqual([{ type: 'VoteResponse', to: 3, term: 3, reject: false }]);
  });
});
