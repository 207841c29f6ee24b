// The member: chapter 16a's node driven through the Ready loop, proposals answered once applied,
// and a read index. Three members run in this process, their messages delivered by a queue.
import { describe, expect, test } from 'vitest';
import { loadReference } from '../../harness/components/implementation.ts';
import type { HardState, Entry, Message } from '../../harness/contracts/raft.ts';
import { MemoryStorage } from '../../harness/testing/raft-network.ts';
import type { Applied } from '../../harness/contracts/raft-server.ts';
import { NotLeaderError, RaftMember } from './member.ts';

/** One round of the event loop: the turns of the Ready loop asked for until now are taken. */
const nextRound = () => new Promise((resolve) => setImmediate(resolve));

/** Three members whose messages go into one queue that `deliver` empties. */
async function cluster() {
  const { createRaftNode } = await loadReference('16a', 'raft.ts');
  const queue: Message[] = [];
  const applied = new Map<number, string[]>();
  const members = [1, 2, 3].map((id) => {
    applied.set(id, []);
    const storage = new MemoryStorage();
    return new RaftMember({
      node: createRaftNode({ id, peers: [1, 2, 3], storage, random: () => (id - 1) / 3 }),
      storage,
      send: (messages) => queue.push(...messages),
      apply: async (command): Promise<Applied> => {
        applied.get(id)!.push(command.body);
        return { status: 200, body: `${command.body} applied on ${id}` };
      },
    });
  });
  // A member takes its turn of the Ready loop after the event loop's round: wait a round, deliver
  // what was sent (but what `lost` says the network loses), and again until nothing more is sent.
  const deliver = async (lost: (message: Message) => boolean = () => false) => {
    await nextRound();
    while (queue.length > 0) {
      while (queue.length > 0) {
        const message = queue.shift()!;
        if (!lost(message)) members[message.to - 1]!.receive([message]);
        await Promise.resolve();
      }
      await nextRound();
    }
  };
  const elect = async () => {
    for (let tick = 0; tick < 30 && members[0]!.node.role !== 'leader'; tick++) {
      members[0]!.tick();
      await deliver();
    }
  };
  return { members, applied, queue, deliver, elect };
}

describe('The member', () => {
  test('the Ready loop persists the hard state and entries before it sends a message', async () => {
    const { createRaftNode } = await loadReference('16a', 'raft.ts');
    const order: string[] = [];
    const storage = new MemoryStorage();
    const member = new RaftMember({
      node: createRaftNode({ id: 1, peers: [1, 2, 3], storage, random: () => 0 }),
      storage: {
        hardState: () => storage.hardState(),
        entries: () => storage.entries(),
        save: (hardState: HardState | undefined, entries: Entry[]) => {
          order.push(`save term ${hardState?.term ?? '-'}`);
          storage.save(hardState, entries);
        },
      },
      send: (messages) => order.push(`send ${messages.map((message) => message.type).join(',')}`),
      apply: async () => ({ status: 200, body: '' }),
    });
    for (let tick = 0; tick < 20 && !order.some((line) => line.startsWith('send')); tick++)
      member.tick();
    member.node.step({ type: 'PreVoteResponse', from: 2, to: 1, term: 1, index: 0, logTerm: 0 });
    member.handleReady();
    expect(
      order,
      'ticked until a pre-vote went out, then granted it: the vote is saved first',
    ).toEqual(['send PreVote,PreVote', 'save term 1', 'send Vote,Vote']);
  });

  test('a proposal on the leader is answered once applied, and every member applies it in the same order', async () => {
    const { members, applied, deliver, elect } = await cluster();
    await elect();
    expect(members[0]!.node.role, 'member 1 ticked alone until elected').toBe('leader');
    const first = members[0]!.propose({ path: '/v3/kv/put', body: 'a' });
    const second = members[0]!.propose({ path: '/v3/kv/put', body: 'b' });
    await deliver();
    expect(await first, 'proposed "a" on the leader').toEqual({
      status: 200,
      body: 'a applied on 1',
    });
    expect(await second, 'proposed "b" after it').toEqual({ status: 200, body: 'b applied on 1' });
    members[0]!.tick();
    await deliver();
    for (const id of [1, 2, 3]) {
      expect(applied.get(id), `member ${id} after a heartbeat carried the commit index`).toEqual([
        'a',
        'b',
      ]);
    }
  });

  test('a follower refuses a proposal and names the leader to ask', async () => {
    const { members, elect } = await cluster();
    await elect();
    const refusal = members[1]!.propose({ path: '/v3/kv/put', body: 'x' });
    await expect(refusal, 'proposed on member 2 while member 1 leads').rejects.toThrow(
      NotLeaderError,
    );
    await expect(refusal, 'the refusal names member 1').rejects.toMatchObject({ leader: 1 });
  });

  test("a read index is the leader's commit index once a quorum confirmed it, and a member waits until it applied that far", async () => {
    const { members, deliver, elect } = await cluster();
    await elect();
    const put = members[0]!.propose({ path: '/v3/kv/put', body: 'a' });
    await deliver();
    await put;
    const reading = members[0]!.readIndex();
    await deliver();
    const index = await reading;
    expect(index, 'the no-op and the put committed, no entry for the read').toBe(2);
    await members[2]!.waitApplied(index);
    let caughtUp = false;
    const waiting = members[2]!.waitApplied(index + 1).then(() => (caughtUp = true));
    await deliver();
    expect(caughtUp, 'member 3 waits for index 3, which nobody proposed yet').toBe(false);
    void members[0]!.propose({ path: '/v3/kv/put', body: 'b' });
    await deliver();
    await waiting;
    expect(members[2]!.appliedIndex, 'a put proposed: member 3 applied index 3').toBe(3);
  });

  test('a leader that has committed nothing of its term yet answers a read with a barrier entry', async () => {
    const { members, queue, deliver } = await cluster();
    for (let tick = 0; tick < 30 && members[0]!.node.role !== 'leader'; tick++) {
      members[0]!.tick();
      await deliver((message) => message.type === 'Append');
    }
    queue.length = 0;
    const reading = members[0]!.readIndex();
    await deliver();
    expect(
      await reading,
      "member 1 leads, its no-op's Appends were lost: no-op, then barrier",
    ).toBe(2);
  });

  test('a read waiting on a leader that loses its term fails, so that its client asks again', async () => {
    const { members, queue, deliver, elect } = await cluster();
    await elect();
    const reading = members[0]!.readIndex().catch((error: Error) => error);
    await nextRound();
    queue.length = 0;
    const term = members[0]!.node.term + 1;
    members[0]!.receive([
      { type: 'Append', from: 2, to: 1, term, index: 0, logTerm: 0, entries: [], commit: 0 },
    ]);
    await deliver();
    expect(await reading, 'member 1 heard of leader 2 in a later term').toBeInstanceOf(
      NotLeaderError,
    );
  });

  test('a proposal whose index another leader filled is refused, not answered with that entry', async () => {
    const { members, queue, deliver, elect } = await cluster();
    await elect();
    const lost = members[0]!
      .propose({ path: '/v3/kv/put', body: 'lost' })
      .catch((error: Error) => error.message);
    await nextRound();
    queue.length = 0;
    for (let tick = 0; tick < 60 && members[1]!.node.role !== 'leader'; tick++) {
      members[1]!.tick();
      members[2]!.tick();
      await deliver();
    }
    expect(members[1]!.node.role, 'the Append of "lost" dropped; members 2 and 3 ticked').toBe(
      'leader',
    );
    members[1]!.tick();
    await deliver();
    expect(await lost, 'member 2 led term 2 and filled index 2 with its no-op').toBe(
      'etcdserver: leader changed',
    );
    const orphan = members[1]!
      .propose({ path: '/v3/kv/put', body: 'x' })
      .catch((error: Error) => error.message);
    members[1]!.stop();
    expect(await orphan, 'the member stopped before the entry committed').toBe(
      'etcdserver: server stopped',
    );
  });
});
