// The whole node in a cluster: five or three of them on the simulated network
// (harness/testing/raft-network.ts), put through the scenarios of MIT 6.5840's Raft lab. Every
// scenario runs with a few seeds; a failure names its seed and the events before it, and
// KATA_RAFT_SEED=<seed> replays exactly that run.
import { describe, expect, test } from 'vitest';
import {
  raftSeeds,
  SimulatedCluster,
  type ClusterOptions,
} from '../../harness/testing/raft-network.ts';
import { seededRandom } from '../../harness/testing/random.ts';
import { createRaftNode } from './raft.ts';

function cluster(size: number, seed: number, options: Partial<ClusterOptions> = {}) {
  return new SimulatedCluster({ size, seed, createNode: createRaftNode, ...options });
}

/** A random integer in [0, n), drawn from a source seeded like the cluster, so the scenario replays too. */
function pick(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

describe('The cluster', () => {
  test('initial election: one leader, and it stays leader while nothing fails', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(3, seed);
      const leader = c.checkOneLeader();
      const term = c.checkTerms();
      expect(
        term,
        `three members started; the first election should be won (${c.describe()})`,
      ).toBeGreaterThan(0);
      c.run(100);
      expect(
        c.checkTerms(),
        `nothing failed for 100 ticks; the term should stay (${c.describe()})`,
      ).toBe(term);
      expect(c.checkOneLeader(), `nothing failed; the leader should stay (${c.describe()})`).toBe(
        leader,
      );
    }
  });

  test('re-election: a leader cut off is replaced; no majority, no leader; back together, one leader', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(3, seed);
      const leader1 = c.checkOneLeader();
      c.disconnect(leader1);
      const leader2 = c.checkOneLeader();
      expect(leader2, `leader ${leader1} cut off; another should lead (${c.describe()})`).not.toBe(
        leader1,
      );
      c.connect(leader1);
      c.checkOneLeader();
      const leader3 = c.checkOneLeader();
      c.disconnect(leader3);
      c.disconnect(leader3 === 1 ? 2 : 1);
      c.run(200);
      c.checkNoLeader();
      c.connect(leader3 === 1 ? 2 : 1);
      c.connect(leader3);
      expect(c.checkOneLeader(), `all back together: one leader (${c.describe()})`).toBeGreaterThan(
        0,
      );
    }
  });

  test('many elections: seven members, three cut off at random, again and again, always one leader', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(7, seed);
      const draw = seededRandom(seed);
      c.checkOneLeader();
      for (let round = 0; round < 10; round++) {
        const cut = new Set([pick(draw, 7) + 1, pick(draw, 7) + 1, pick(draw, 7) + 1]);
        for (const id of cut) c.disconnect(id);
        expect(
          c.checkOneLeader(),
          `round ${round}: ${[...cut].join(',')} cut off (${c.describe()})`,
        ).toBeGreaterThan(0);
        for (const id of cut) c.connect(id);
      }
      expect(c.checkOneLeader(), `everyone back: one leader (${c.describe()})`).toBeGreaterThan(0);
    }
  });

  test('basic agreement: each command is applied by every member, at consecutive indexes', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(5, seed);
      c.checkOneLeader();
      let previous = c.one('command 1', 5, false);
      for (let i = 2; i <= 4; i++) {
        expect(
          c.nCommitted(previous + 1).count,
          `before command ${i}, nobody applied it (${c.describe()})`,
        ).toBe(0);
        const index = c.one(`command ${i}`, 5, false);
        expect(index, `command ${i} should sit right after the one before (${c.describe()})`).toBe(
          previous + 1,
        );
        previous = index;
      }
    }
  });

  test('RPC counts: an election and each agreement take a handful of messages, not a flood', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(3, seed);
      c.checkOneLeader();
      const before = c.messagesSent;
      const ticks = c.time;
      for (let i = 0; i < 10; i++) c.one(`command ${i}`, 3, false);
      const heartbeats = (c.time - ticks) * 2 * 2;
      expect(
        c.messagesSent - before,
        `ten commands on three members (${c.describe()})`,
      ).toBeLessThan(heartbeats + 10 * 3 * 4);
    }
  });
  test('a follower cut off: the other two still agree; with two cut off, the leader alone does not', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(3, seed);
      c.one('101', 3, false);
      const leader1 = c.checkOneLeader();
      c.disconnect((leader1 % 3) + 1);
      c.one('102', 2, false);
      c.run(100);
      c.one('103', 2, false);
      const leader2 = c.checkOneLeader();
      c.disconnect((leader2 % 3) + 1);
      c.disconnect(((leader2 + 1) % 3) + 1);
      const placed = c.propose(leader2, '104');
      expect(
        placed,
        `${leader2} still leads, alone: it takes the command (${c.describe()})`,
      ).toBeDefined();
      c.run(100);
      expect(
        c.nCommitted(placed!.index).count,
        `no majority: 104 must not commit (${c.describe()})`,
      ).toBe(0);
    }
  });

  test('a leader cut off: the others elect another and go on; back, it takes the new log', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(3, seed);
      c.one('101', 3, false);
      const leader = c.checkOneLeader();
      c.disconnect(leader);
      c.one('102', 2, false);
      c.run(100);
      c.one('103', 2, false);
      c.connect(leader);
      c.one('104', 3, true);
      c.one('105', 3, true);
    }
  });

  test('no agreement without a majority: three of five cut off, then back, agreement again', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(5, seed);
      c.one('10', 5, false);
      const leader = c.checkOneLeader();
      const followers = c.ids.filter((id) => id !== leader);
      for (const id of followers.slice(0, 3)) c.disconnect(id);
      const placed = c.propose(leader, '20');
      c.run(200);
      expect(
        c.nCommitted(placed!.index).count,
        `3 of 5 cut off: 20 must not commit (${c.describe()})`,
      ).toBe(0);
      for (const id of followers.slice(0, 3)) c.connect(id);
      const leader2 = c.checkOneLeader();
      const again = c.propose(leader2, '30');
      expect(again, `a leader after the heal takes 30 (${c.describe()})`).toBeDefined();
      c.one('1000', 5, true);
    }
  });

  test('concurrent starts: five commands offered in the same term all commit, each once', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(3, seed);
      const leader = c.checkOneLeader();
      const placed = ['1', '2', '3', '4', '5'].map((command) => c.propose(leader, command)!);
      const term = c.node(leader)!.term;
      expect(
        placed.every((p) => p.term === term),
        `five proposals in one term (${c.describe()})`,
      ).toBe(true);
      const commands = placed.map((p) => c.waitCommitted(p.index, 3));
      expect(commands.sort(), `each command committed once (${c.describe()})`).toEqual([
        '1',
        '2',
        '3',
        '4',
        '5',
      ]);
    }
  });

  test('rejoin: a leader cut off with uncommitted entries comes back and drops them', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(3, seed);
      c.one('101', 3, true);
      const leader1 = c.checkOneLeader();
      c.disconnect(leader1);
      for (const command of ['102', '103', '104']) c.propose(leader1, command);
      c.one('103', 2, true);
      const leader2 = c.checkOneLeader();
      c.disconnect(leader2);
      c.connect(leader1);
      c.one('104', 2, true);
      c.connect(leader2);
      c.one('105', 3, true);
    }
  });

  test('fast backup: a leader brings followers past fifty conflicting entries in a few rejections', () => {
    for (const seed of raftSeeds()) {
      const c = cluster(5, seed);
      c.one('start', 5, true);
      const leader1 = c.checkOneLeader();
      const member = (k: number) => ((leader1 - 1 + k) % 5) + 1;
      for (const k of [2, 3, 4]) c.disconnect(member(k));
      for (let i = 0; i < 50; i++) c.propose(leader1, `lost ${i}`);
      c.run(20);
      for (const k of [0, 1]) c.disconnect(member(k));
      for (const k of [2, 3, 4]) c.connect(member(k));
      for (let i = 0; i < 50; i++) c.one(`kept ${i}`, 3, true);
      const leader2 = c.checkOneLeader();
      const other = [2, 3, 4].map(member).find((id) => id !== leader2)!;
      c.disconnect(other);
      for (let i = 0; i < 50; i++) c.propose(leader2, `lost again ${i}`);
      c.run(20);
      for (const id of c.ids) c.disconnect(id);
      for (const id of [member(0), member(1), other]) c.connect(id);
      for (let i = 0; i < 50; i++) c.one(`kept again ${i}`, 3, true);
      const rejectedBefore = c.sent('AppendResponse', true);
      for (const id of c.ids) c.connect(id);
      c.one('everyone', 5, true);
      const rejected = c.sent('AppendResponse', true) - rejectedBefore;
      expect(
        rejected,
        `two members 50 and 100 entries behind, with conflicts (${c.describe()})`,
      ).toBeLessThan(12);
    }
  });
});
