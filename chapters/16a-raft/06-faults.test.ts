// Faults a cluster must survive: members crashing and starting again from their storage, leaders
// crashing at the worst moments (the Figure 8 scenario of the Raft paper), and a network that
// loses, duplicates, delays and reorders messages. After MIT 6.5840's Raft lab; a failure names its
// seed, and KATA_RAFT_SEED=<seed> replays exactly that run.
import { describe, expect, test } from 'vitest';
import {
  raftSeeds,
  SimulatedCluster,
  unreliableNetwork,
  type ClusterOptions,
} from '../../harness/testing/raft-network.ts';
import { seededRandom } from '../../harness/testing/random.ts';
import { checkOperations, describeHistory } from '../../harness/linearizability/check.ts';
import { kvModel } from '../../harness/linearizability/models.ts';
import { KvService, runKvClients } from '../../harness/testing/raft-kv.ts';
import { createRaftNode } from './raft.ts';

function cluster(size: number, seed: number, options: Partial<ClusterOptions> = {}) {
  return new SimulatedCluster({ size, seed, createNode: createRaftNode, ...options });
}

/** A random integer in [0, n), drawn from a source seeded like the cluster, so the scenario replays too. */
function pick(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

describe('Faults', () => {
  test('a member restarted from its storage keeps its term, vote and log', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(3, seed);
      c.one('11', 3, true);
      for (const id of c.ids) c.crash(id);
      for (const id of c.ids) c.restart(id);
      c.one('12', 3, true);
      const leader1 = c.checkOneLeader();
      c.crash(leader1);
      c.restart(leader1);
      c.one('13', 3, true);
      const leader2 = c.checkOneLeader();
      c.crash(leader2);
      c.one('14', 2, true);
      c.restart(leader2);
      const index = c.one('15', 3, true);
      expect(c.nCommitted(index).count, `15 applied everywhere (${c.describe()})`).toBe(3);
    }
  });

  test('crashes of followers and leaders, again and again: what committed stays committed', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(5, seed);
      let index = 1;
      for (let round = 0; round < 5; round++) {
        c.one(`${10 + index++}`, 5, true);
        const leader = c.checkOneLeader();
        const [a, b] = c.ids.filter((id) => id !== leader) as [number, number];
        c.crash(a);
        c.crash(b);
        c.one(`${10 + index++}`, 3, true);
        c.crash(leader);
        c.restart(a);
        c.restart(b);
        c.one(`${10 + index++}`, 3, true);
        c.restart(leader);
      }
      c.one('1000', 5, true);
    }
  });

  test('Figure 8, step by step: an old entry on four of five is not committed until the new term has one there too', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(5, seed, { maxEntriesPerAppend: 1 });
      c.one('x', 5, true);
      const a = c.checkOneLeader();
      const term1 = c.node(a)!.term;
      const b = c.ids.find((id) => id !== a)!;
      const others = c.ids.filter((id) => id !== a && id !== b);
      c.dropWhere((m) => m.type === 'Append' && m.from === a && m.to !== b);
      const placed = c.propose(a, 'a')!;
      c.run(1);
      c.crash(a);
      c.disconnect(b);
      c.dropWhere((m) => m.type === 'Append');
      const f = runUntil(c, () => others.find((id) => c.node(id)?.role === 'leader'));
      c.crash(f);
      const [y1, y2] = others.filter((id) => id !== f);
      c.dropWhere(
        (m) =>
          m.type === 'Append' &&
          (m.to === y1 || m.to === y2) &&
          (m.entries ?? []).some((e) => e.term > term1),
      );
      c.restart(a);
      c.connect(b);
      const g = runUntil(c, () => [a, b].find((id) => c.node(id)?.role === 'leader'));
      c.run(30);
      expect(
        c.nCommitted(placed.index).count,
        `${g} leads term ${c.node(g)!.term}; "a" of term ${term1} at ${placed.index} is on ${a}, ${b}, ${y1}, ${y2}, the new term's entry after it only on ${a} and ${b} (${c.describe()})`,
      ).toBe(0);
      c.crash(a);
      c.crash(b);
      c.dropWhere();
      c.restart(f);
      expect(
        c.waitCommitted(placed.index, 3),
        `${f} comes back and leads: its own entry takes ${placed.index}`,
      ).toBeUndefined();
    }
  });

  test('Figure 8: a leader never commits an entry of an older term by counting its replicas', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(5, seed, { maxEntriesPerAppend: 2 });
      const draw = seededRandom(seed);
      c.one('start', 1, true);
      let up = 5;
      for (let round = 0; round < 100; round++) {
        const leader = c.ids.find(
          (id) => c.isConnected(id) && c.propose(id, `${pick(draw, 10000)}`),
        );
        c.run(draw() < 0.1 ? pick(draw, 10) : pick(draw, 3));
        if (leader !== undefined) {
          c.crash(leader);
          up--;
        }
        if (up < 3) {
          const id = pick(draw, 5) + 1;
          if (!c.node(id)) {
            c.restart(id);
            up++;
          }
        }
      }
      for (const id of c.ids) if (!c.node(id)) c.restart(id);
      c.one('end', 5, true);
    }
  });
  test('agreement while messages are lost, duplicated, delayed and reordered', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(5, seed, { faults: unreliableNetwork });
      for (let i = 0; i < 50; i++) c.proposeToLeader(`${i}`) ?? c.run(5);
      c.run(200);
      const index = c.one('last', 5, true);
      expect(
        c.nCommitted(index).count,
        `the last command applied everywhere (${c.describe()})`,
      ).toBe(5);
    }
  });

  test('Figure 8 on an unreliable network: leaders cut off at random, the log still agrees', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(5, seed, { faults: unreliableNetwork, maxEntriesPerAppend: 2 });
      const draw = seededRandom(seed);
      c.one('start', 1, true);
      let up = 5;
      for (let round = 0; round < 200; round++) {
        if (round === 50) c.setFaults({ ...unreliableNetwork, maxDelay: 12 });
        const leader = c.ids.find(
          (id) => c.isConnected(id) && c.propose(id, `${pick(draw, 10000)}`),
        );
        c.run(draw() < 0.1 ? pick(draw, 10) : pick(draw, 3));
        if (leader !== undefined && draw() < 0.5) {
          c.disconnect(leader);
          up--;
        }
        if (up < 3) {
          const id = pick(draw, 5) + 1;
          if (!c.isConnected(id)) {
            c.connect(id);
            up++;
          }
        }
      }
      c.setFaults(unreliableNetwork);
      for (const id of c.ids) c.connect(id);
      c.one('end', 5, true);
    }
  });

  test('a key-value store on the cluster: what its clients saw through crashes, cuts and a lossy network is linearizable', () => {
    for (const seed of raftSeeds()) {
      const service = new KvService();
      const c = cluster(5, seed, { faults: unreliableNetwork, onApply: service.apply });
      const draw = seededRandom(seed);
      const history = runKvClients({
        cluster: c,
        service,
        clients: 5,
        operations: 30,
        nextInput: (client, sequence) => {
          const key = ['a', 'b', 'c'][pick(draw, 3)]!;
          const op = (['get', 'put', 'append'] as const)[pick(draw, 3)]!;
          return op === 'get' ? { op, key } : { op, key, value: `${client}.${sequence} ` };
        },
        everyTick: (time) => {
          if (time % 50 !== 0) return;
          for (const id of c.ids) {
            if (!c.node(id)) c.restart(id);
            c.connect(id);
          }
          c.heal();
          const victim = pick(draw, 5) + 1;
          const fault = pick(draw, 4);
          if (fault === 0) c.crash(victim);
          if (fault === 1)
            c.disconnect(c.ids.find((id) => c.node(id)?.role === 'leader') ?? victim);
          if (fault === 2)
            c.partition(
              [victim, (victim % 5) + 1],
              c.ids.filter((id) => id !== victim && id !== (victim % 5) + 1),
            );
        },
      });
      const checked = checkOperations(kvModel, history);
      const report = checked.result === 'illegal' ? describeHistory(kvModel, checked.part) : '';
      expect(
        checked.result,
        `150 operations of 5 clients on 3 keys (${c.describe()})\n${report}`,
      ).toBe('ok');
    }
  });
});

/** Runs the cluster a tick at a time until `found` answers a member, and answers it. */
function runUntil(c: SimulatedCluster, found: () => number | undefined): number {
  for (let tick = 0; tick < 500; tick++) {
    const id = found();
    if (id !== undefined) return id;
    c.run(1);
  }
  return c.fail('no member became leader as the scenario needs');
}
