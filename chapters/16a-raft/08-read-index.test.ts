// Linearizable reads without a log entry, as etcd's ReadIndex serves them: the leader notes its
// commit index, checks with a quorum that it still leads, and hands the read over as a ReadState.
// The tests play the other members by hand.
import { describe, expect, test } from 'vitest';
import type { Message } from '../../harness/contracts/raft.ts';
import { MemoryStorage } from '../../harness/testing/raft-network.ts';
import { Raft } from './raft.ts';

/** A message, with the fields a test does not care about at zero. */
function message(
  fields: Partial<Message> & Pick<Message, 'type' | 'from' | 'to' | 'term'>,
): Message {
  return { index: 0, logTerm: 0, ...fields };
}

/** Member 1, leader of term 1 through the votes of 2 and 3; its no-op at index 1, not committed. */
function leader(): Raft {
  const raft = new Raft({
    id: 1,
    peers: [1, 2, 3],
    storage: new MemoryStorage(),
    random: () => 0,
    preVote: false,
  });
  raft.campaign(false);
  for (const peer of [2, 3]) {
    raft.step(message({ type: 'VoteResponse', from: peer, to: 1, term: 1 }));
  }
  raft.ready();
  return raft;
}

/** The leader above, its no-op committed by member 2's answer. */
function committedLeader(): Raft {
  const raft = leader();
  raft.step(message({ type: 'AppendResponse', from: 2, to: 1, term: 1, index: 1 }));
  raft.ready();
  return raft;
}

const answer = (from: number, context: string): Message =>
  message({ type: 'AppendResponse', from, to: 1, term: 1, index: 1, context });

describe('Linearizable reads', () => {
  test('a read waits at the commit index until a quorum answered an Append tagged with it', () => {
    const raft = committedLeader();
    expect(raft.readIndex('r1'), 'a read on the leader, its no-op committed').toBe(true);
    const ready = raft.ready();
    expect(
      ready.messages.map((m) => ({ type: m.type, to: m.to, context: m.context })),
      'after the read',
    ).toEqual([
      { type: 'Append', to: 2, context: 'r1' },
      { type: 'Append', to: 3, context: 'r1' },
    ]);
    expect(ready.readStates, 'nobody answered yet').toBeUndefined();
    raft.step(answer(3, 'r1'));
    expect(raft.ready().readStates, 'member 3 answered: 2 of 3 with the leader').toEqual([
      { index: 1, context: 'r1' },
    ]);
  });

  test('no read on a leader that has not committed an entry of its term, nor on a follower', () => {
    expect(leader().readIndex('r1'), 'a new leader, its no-op not committed').toBe(false);
    const follower = new Raft({ id: 2, peers: [1, 2, 3], storage: new MemoryStorage() });
    expect(follower.readIndex('r1'), 'a follower').toBe(false);
  });

  test('a follower echoes the tag, even when it refuses the Append', () => {
    const follower = new Raft({ id: 2, peers: [1, 2, 3], storage: new MemoryStorage() });
    follower.step(
      message({ type: 'Append', from: 1, to: 2, term: 1, index: 5, logTerm: 1, context: 'r7' }),
    );
    const [reply] = follower.ready().messages;
    expect(
      { type: reply?.type, reject: reply?.reject, context: reply?.context },
      'an Append tagged r7 after an entry member 2 lacks',
    ).toEqual({ type: 'AppendResponse', reject: true, context: 'r7' });
  });

  test('an answer for a later read confirms the earlier ones; a leader that steps down forgets its reads', () => {
    const raft = committedLeader();
    raft.readIndex('r1');
    raft.readIndex('r2');
    raft.ready();
    raft.step(answer(2, 'r2'));
    expect(raft.ready().readStates, 'member 2 answered the Append of r2').toEqual([
      { index: 1, context: 'r1' },
      { index: 1, context: 'r2' },
    ]);
    raft.readIndex('r3');
    raft.step(message({ type: 'Append', from: 2, to: 1, term: 2, index: 1, logTerm: 1 }));
    raft.step(answer(3, 'r3'));
    expect(raft.ready().readStates, 'a leader of term 2 appeared before r3 was confirmed').toBe(
      undefined,
    );
  });
});
