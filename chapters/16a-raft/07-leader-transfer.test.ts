// Leader transfer, as etcd's MoveLeader uses it: the leader brings a chosen follower up to date,
// then tells it to campaign at once (TimeoutNow). One node at a time first, the tests playing the
// other members by hand; then a cluster on the simulated network.
import { describe, expect, test } from 'vitest';
import type { Message, RaftOptions } from '../../harness/contracts/raft.ts';
import { MemoryStorage, raftSeeds, SimulatedCluster } from '../../harness/testing/raft-network.ts';
import { createRaftNode, Raft } from './raft.ts';

/** Member `id` of 1, 2, 3, with a timeout of exactly electionTick (random draws 0). */
function node(id: number, options: Partial<RaftOptions> = {}): Raft {
  return new Raft({
    id,
    peers: [1, 2, 3],
    storage: new MemoryStorage(),
    random: () => 0,
    ...options,
  });
}

/** Member 1, leader of term 1 through the votes of 2 and 3; its log holds its no-op at index 1. */
function leader(options: Partial<RaftOptions> = {}): Raft {
  const raft = node(1, { preVote: false, ...options });
  raft.campaign(false);
  for (const peer of [2, 3])
    raft.step(message({ type: 'VoteResponse', from: peer, to: 1, term: 1 }));
  raft.ready();
  return raft;
}

/** A message, with the fields a test does not care about at zero. */
function message(
  fields: Partial<Message> & Pick<Message, 'type' | 'from' | 'to' | 'term'>,
): Message {
  return { index: 0, logTerm: 0, ...fields };
}

/** Member `id`, following leader 1 in term 1 since a heartbeat just now. */
function follower(id: number): Raft {
  const raft = node(id);
  raft.step(message({ type: 'Append', from: 1, to: id, term: 1, entries: [], commit: 0 }));
  raft.ready();
  return raft;
}

const brief = (m: Message) => ({ type: m.type, to: m.to, term: m.term });

describe('Leader transfer', () => {
  test('a leader hands over to a follower that matches its log: TimeoutNow at once', () => {
    const raft = leader();
    raft.step(message({ type: 'AppendResponse', from: 2, to: 1, term: 1, index: 1 }));
    raft.ready();
    raft.transferLeadership(2);
    expect(
      raft.ready().messages.map(brief),
      'member 2 matches index 1, the last; transfer to 2',
    ).toEqual([{ type: 'TimeoutNow', to: 2, term: 1 }]);
    raft.transferLeadership(1);
    expect(raft.ready().messages, 'a transfer to the leader itself changes nothing').toEqual([]);
  });

  test('a follower told TimeoutNow campaigns at once: no pre-vote, and its votes say it is a transfer', () => {
    const raft = follower(2);
    raft.step(message({ type: 'TimeoutNow', from: 1, to: 2, term: 1 }));
    expect([raft.role, raft.term], 'member 2 (pre-vote on) after TimeoutNow in term 1').toEqual([
      'candidate',
      2,
    ]);
    const votes = raft.ready().messages;
    expect(
      votes.map((m) => ({ ...brief(m), transfer: m.transfer })),
      'the campaign of a transfer',
    ).toEqual([
      { type: 'Vote', to: 1, term: 2, transfer: true },
      { type: 'Vote', to: 3, term: 2, transfer: true },
    ]);
  });

  test("a member in its leader's lease ignores a campaign, but answers one the leader asked for", () => {
    const ignoring = follower(3);
    ignoring.step(message({ type: 'Vote', from: 2, to: 3, term: 2, index: 1, logTerm: 1 }));
    expect(
      [ignoring.term, ignoring.ready().messages],
      'member 3 heard leader 1 just now; a Vote of term 2 from 2',
    ).toEqual([1, []]);
    const voting = follower(3);
    voting.step(
      message({ type: 'Vote', from: 2, to: 3, term: 2, index: 1, logTerm: 1, transfer: true }),
    );
    expect(
      voting.ready().messages.map((m) => ({ ...brief(m), reject: m.reject ?? false })),
      'the same Vote, marked as a transfer',
    ).toEqual([{ type: 'VoteResponse', to: 2, term: 2, reject: false }]);
  });

  test('a follower behind is sent the log first, TimeoutNow once it matches; meanwhile no proposals', () => {
    const raft = leader();
    raft.transferLeadership(2);
    expect(
      raft.ready().messages.map(brief),
      'member 2 has matched nothing yet; transfer to 2',
    ).toEqual([{ type: 'Append', to: 2, term: 1 }]);
    expect(raft.propose('x'), 'a proposal while the leader hands over').toBeUndefined();
    raft.step(message({ type: 'AppendResponse', from: 2, to: 1, term: 1, index: 1 }));
    expect(
      raft.ready().messages.map(brief),
      'member 2 now matches index 1, the last',
    ).toContainEqual({ type: 'TimeoutNow', to: 2, term: 1 });
  });

  test('a transfer not done within an election timeout is given up: the leader takes proposals again', () => {
    const raft = leader({ checkQuorum: false });
    raft.transferLeadership(2);
    for (let i = 0; i < 9; i++) raft.tick();
    expect(raft.propose('x'), 'electionTick 10: 9 ticks into the transfer').toBeUndefined();
    raft.tick();
    expect(raft.propose('x'), '10 ticks into the transfer, member 2 never answered').toEqual({
      index: 2,
      term: 1,
    });
  });

  test('on the simulated network: the member asked for leads one term later, and commands commit on', () => {
    for (const seed of raftSeeds()) {
      const c = new SimulatedCluster({ size: 3, seed, createNode: createRaftNode });
      const first = c.checkOneLeader();
      c.one('before', 3);
      const term = c.checkTerms();
      const target = first === 3 ? 1 : first + 1;
      c.transferLeadership(first, target);
      for (let waited = 0; waited < 10 && c.node(target)!.role !== 'leader'; waited++) c.run(1);
      expect(
        [c.node(target)!.role, c.node(target)!.term],
        `${first} leading term ${term} handed over to ${target}, 10 ticks later (${c.describe()})`,
      ).toEqual(['leader', term + 1]);
      c.one('after', 3);
      expect(c.checkOneLeader(), `after the transfer (${c.describe()})`).toBe(target);
    }
  });
});
