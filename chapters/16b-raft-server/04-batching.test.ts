// Batching: many writes share one fsync. Member 1 is elected alone (its peers' answers are stepped
// by hand), with a storage that counts what each save holds, or that syncs only when told to.
import { describe, expect, test } from 'vitest';
import { loadReference } from '../../harness/components/implementation.ts';
import type { Entry, HardState, Message } from '../../harness/contracts/raft.ts';
import { MemoryStorage } from '../../harness/testing/raft-network.ts';
import { RaftMember } from './member.ts';

/** One round of the event loop: the turns of the Ready loop asked for until now are taken. */
const nextRound = () => new Promise((resolve) => setImmediate(resolve));

/** Member 1 of three, elected by answers stepped by hand; `save` says how its disk answers. */
async function leaderAlone(save: (entries: Entry[]) => Promise<void> | undefined) {
  const { createRaftNode } = await loadReference('16a', 'raft.ts');
  const storage = new MemoryStorage();
  const sent: Message[] = [];
  const applied: string[] = [];
  const member = new RaftMember({
    node: createRaftNode({ id: 1, peers: [1, 2, 3], storage, random: () => 0 }),
    storage: {
      hardState: () => storage.hardState(),
      entries: () => storage.entries(),
      save: (hardState: HardState | undefined, entries: Entry[]) => {
        storage.save(hardState, entries);
        return save(entries);
      },
    },
    send: (messages) => sent.push(...messages),
    apply: async (command) => {
      applied.push(command.body);
      return { status: 200, body: '' };
    },
  });
  for (let tick = 0; tick < 20 && sent.length === 0; tick++) member.tick();
  member.receive([{ type: 'PreVoteResponse', from: 2, to: 1, term: 1, index: 0, logTerm: 0 }]);
  await nextRound();
  member.receive([{ type: 'VoteResponse', from: 2, to: 1, term: 1, index: 0, logTerm: 0 }]);
  await nextRound();
  return { member, sent, applied };
}

describe('Batching', () => {
  test('proposals made in one round of the event loop share one save', async () => {
    const saves: number[] = [];
    const { member } = await leaderAlone((entries) => {
      saves.push(entries.length);
      return undefined;
    });
    expect(member.node.role, 'member 1 won its election').toBe('leader');
    saves.length = 0;
    for (const body of ['a', 'b', 'c']) void member.propose({ path: '/v3/kv/put', body });
    await nextRound();
    expect(saves, 'proposed a, b and c on the leader in one round').toEqual([3]);
  });

  test('a leader sends its appends while its save is under way, and counts the answers once it is done', async () => {
    let release = () => {};
    const { member, sent, applied } = await leaderAlone((entries) =>
      entries.length === 0 ? undefined : new Promise<void>((resolve) => (release = resolve)),
    );
    release();
    await nextRound();
    const answer = member.propose({ path: '/v3/kv/put', body: 'x' });
    await nextRound();
    const append = sent.find((message) => message.entries?.some((entry) => entry.index === 2));
    expect(append, 'member 1 leads and proposed x at index 2; its save not done').toBeDefined();
    member.receive([{ type: 'AppendResponse', from: 2, to: 1, term: 1, index: 2, logTerm: 0 }]);
    await nextRound();
    expect(applied, 'member 2 acknowledged index 2 before member 1 saved it').toEqual([]);
    release();
    await answer;
    expect(applied, 'then the save of index 2 was done').toEqual(['x']);
  });
});
