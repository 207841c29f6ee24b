// The simulated network on its own terms, driven by the reference Raft: the disk it gives each
// member, runs that replay from their seed, cuts and partitions, and a failure that names its seed.
import { afterEach, describe, expect, test } from 'vitest';
import { loadReference } from '../components/implementation.ts';
import type { RaftOptions } from '../contracts/raft.ts';
import {
  MemoryStorage,
  raftSeeds,
  SimulatedCluster,
  unreliableNetwork,
  type ClusterOptions,
} from './raft-network.ts';

const { createRaftNode } = await loadReference('16a', 'raft.ts');

function cluster(seed: number, options: Partial<ClusterOptions> = {}) {
  return new SimulatedCluster({ size: 3, seed, createNode: createRaftNode, ...options });
}

const savedSeed = process.env.KATA_RAFT_SEED;
afterEach(() => {
  if (savedSeed === undefined) delete process.env.KATA_RAFT_SEED;
  else process.env.KATA_RAFT_SEED = savedSeed;
});

describe('The simulated Raft network', () => {
  test('its disk keeps the hard state and replaces entries from the first one saved; a gap is refused', () => {
    const storage = new MemoryStorage();
    storage.save({ term: 1, vote: 2, commit: 0 }, [
      { term: 1, index: 1 },
      { term: 1, index: 2 },
    ]);
    storage.save(undefined, [{ term: 2, index: 2, command: 'x' }]);
    expect(storage.hardState(), 'a save without a hard state keeps the last').toEqual({
      term: 1,
      vote: 2,
      commit: 0,
    });
    expect(storage.entries(), 'entry 2 replaced').toEqual([
      { term: 1, index: 1 },
      { term: 2, index: 2, command: 'x' },
    ]);
    expect(
      () => storage.save(undefined, [{ term: 2, index: 4 }]),
      'entries from 4 on a log of 2',
    ).toThrow(/gap/);
  });

  test('the same seed replays the same run, messages lost and reordered alike; another seed differs', () => {
    const run = (seed: number) => {
      const c = cluster(seed, { faults: unreliableNetwork, size: 5 });
      c.run(200);
      c.proposeToLeader('x');
      c.run(50);
      return c.describe();
    };
    expect(run(5), 'two runs of seed 5').toBe(run(5));
    expect(run(6), 'seed 6 against seed 5').not.toBe(run(5));
  });

  test('a member cut off hears nothing; a minority partition elects no leader, the majority one does', () => {
    const c = cluster(1, { size: 5 });
    c.disconnect(1);
    const leader = c.checkOneLeader();
    expect([leader === 1, c.node(1)!.lead], 'member 1 cut off from the start').toEqual([false, 0]);
    c.connect(1);
    c.partition([1, 2], [3, 4, 5]);
    c.run(100);
    const leaders = c.ids.filter((id) => c.node(id)!.role === 'leader');
    expect(
      leaders.length === 1 && leaders[0]! >= 3,
      `leaders after the partition: ${leaders.join(',')}`,
    ).toBe(true);
    c.heal();
    expect(c.one('after', 5, true), 'healed: every member applies a new command').toBeGreaterThan(
      0,
    );
  });

  test('a member that applies another entry than the others fails the run, with the seed to replay it', () => {
    const corrupt = (options: RaftOptions) => {
      const node = createRaftNode(options);
      if (options.id !== 2) return node;
      const ready = node.ready.bind(node);
      node.ready = () => {
        const work = ready();
        return {
          ...work,
          committedEntries: work.committedEntries.map((entry) => ({ ...entry, command: 'wrong' })),
        };
      };
      return node;
    };
    const c = cluster(9, { createNode: corrupt });
    expect(
      () => c.one('x', 3, false),
      'member 2 applies "wrong" where the others apply "x"',
    ).toThrow(/at index \d+ member \d applied .*\n.*seed 9 \(replay: KATA_RAFT_SEED=9\)/);
  });

  test('KATA_RAFT_SEED chooses the seeds: one to replay, or a range to hunt with', () => {
    delete process.env.KATA_RAFT_SEED;
    expect(raftSeeds([4, 5]), 'unset').toEqual([4, 5]);
    process.env.KATA_RAFT_SEED = '42';
    expect(raftSeeds(), 'KATA_RAFT_SEED=42').toEqual([42]);
    process.env.KATA_RAFT_SEED = '3..6';
    expect(raftSeeds(), 'KATA_RAFT_SEED=3..6').toEqual([3, 4, 5, 6]);
  });
});
