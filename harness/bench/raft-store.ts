// Benchmark (#32): three kata store members (chapter 16b, the reference) against a real
// three-member etcd on this machine, the same client on both sides (chapter 02's JSON client):
// durable puts/s with 1 and 64 callers, sent to the leader and to a follower, linearizable
// ranges/s with 64 on a follower, and the time from killing the leader with SIGKILL to the first
// acknowledged put on a surviving member.
// The targets: puts at least 1.0x etcd's, and the failover within two election timeouts (etcd's
// default election timeout is 1 s; kata's is 10 to 20 ticks of 100 ms).
//
//   npx tsx harness/bench/raft-store.ts [--seconds 2]
//
// Absolute rates on a shared machine mean little; the ratio measured in one run does. Both clusters
// run side by side and take turns of half a second on each cell until each had its seconds, so
// that a change in the machine's load falls on both alike and does not end up in a ratio.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadReference } from '../components/implementation.ts';
import { repoRoot } from '../paths.ts';
import { bytes } from '../store/bytes.ts';
import { etcdVersion } from '../testing/etcd.ts';
import { freePort } from '../testing/free-port.ts';
import { waitFor } from '../testing/wait.ts';

const { createStoreClient } = await loadReference('02', 'client.ts');
const at = process.argv.indexOf('--seconds');
const seconds = at > 0 ? Number(process.argv[at + 1]) : 2;

interface Cluster {
  name: string;
  urls: string[];
  processes: ChildProcess[];
  restartArgs: string[][];
}

/** Three members of `program` (kata or etcd) on free ports, with etcd's flags on both. */
async function startCluster(name: string, dir: string): Promise<Cluster> {
  const ports: Array<{ client: number; peer: number }> = [];
  for (let i = 0; i < 3; i++) ports.push({ client: await freePort(), peer: await freePort() });
  const initial = ports.map((port, i) => `m${i + 1}=http://127.0.0.1:${port.peer}`).join(',');
  const argsOf = (i: number) => [
    `--name=m${i + 1}`,
    `--data-dir=${path.join(dir, name, `m${i + 1}`)}`,
    `--listen-client-urls=http://127.0.0.1:${ports[i]!.client}`,
    `--advertise-client-urls=http://127.0.0.1:${ports[i]!.client}`,
    `--listen-peer-urls=http://127.0.0.1:${ports[i]!.peer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${ports[i]!.peer}`,
    `--initial-cluster=${initial}`,
  ];
  const restartArgs = [0, 1, 2].map(argsOf);
  const processes = restartArgs.map((args) =>
    name === 'etcd'
      ? spawn('etcd', [...args, '--log-level=error', '--logger=zap'], { stdio: 'ignore' })
      : spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            'harness/components/store.ts',
            '--use',
            'solutions',
            ...splitFlags(args),
          ],
          { cwd: repoRoot, stdio: 'ignore' },
        ),
  );
  const urls = ports.map((port) => `http://127.0.0.1:${port.client}`);
  const cluster = { name, urls, processes, restartArgs };
  await waitFor(async () => (await leaderOf(cluster)) >= 0, `${name}: a leader`, 60_000);
  return cluster;
}

/** `--flag=value` as two arguments, as the kata store's parser reads them. */
function splitFlags(args: string[]): string[] {
  return args.flatMap((arg) => [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]);
}

/** Which member leads, by /v3/maintenance/status (etcd's own answer on both); -1 if none known. */
async function leaderOf(cluster: Cluster): Promise<number> {
  for (const [i, url] of cluster.urls.entries()) {
    if (!cluster.processes[i]) continue;
    try {
      const reply = await fetch(`${url}/v3/maintenance/status`, {
        method: 'POST',
        body: '{}',
        signal: AbortSignal.timeout(1000),
      });
      const status = (await reply.json()) as { leader?: string; header?: { member_id?: string } };
      if (status.leader && status.leader !== '0' && status.leader === status.header?.member_id) {
        return i;
      }
    } catch {
      // Not up yet, or down.
    }
  }
  return -1;
}

/** How long one turn of a cell lasts: the two clusters take turns until each had `seconds`. */
const SLICE_MS = 500;

/** Operations done by `callers` concurrent loops in `ms`. */
async function operations(
  callers: number,
  operation: (n: number) => Promise<unknown>,
  ms: number,
): Promise<number> {
  const deadline = Date.now() + ms;
  let done = 0;
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let n = caller; Date.now() < deadline; n += callers) {
        await operation(n);
        done++;
      }
    }),
  );
  return done;
}

/**
 * Operations per second on each side of one cell, the two clusters taking turns of SLICE_MS (the
 * one to go first alternating), so that a change in the machine's load falls on both alike.
 */
async function rates(
  callers: number,
  kata: (n: number) => Promise<unknown>,
  etcd: (n: number) => Promise<unknown>,
): Promise<[number, number]> {
  const done = [0, 0];
  const sides = [kata, etcd];
  const turns = Math.max(1, Math.round((seconds * 1000) / SLICE_MS));
  for (let turn = 0; turn < turns; turn++) {
    for (const side of turn % 2 === 0 ? [0, 1] : [1, 0]) {
      done[side]! += await operations(callers, sides[side]!, SLICE_MS);
    }
  }
  const elapsed = (turns * SLICE_MS) / 1000;
  return [done[0]! / elapsed, done[1]! / elapsed];
}

/** Milliseconds from killing the leader to the first acknowledged put on another member. */
async function failover(cluster: Cluster): Promise<number> {
  const leader = await leaderOf(cluster);
  const survivor = cluster.urls[(leader + 1) % 3]!;
  const client = createStoreClient(survivor);
  const killed = Date.now();
  cluster.processes[leader]!.kill('SIGKILL');
  cluster.processes.splice(leader, 1, undefined as unknown as ChildProcess);
  for (;;) {
    try {
      await client.put({ key: bytes('failover'), value: bytes('x') });
      const elapsed = Date.now() - killed;
      await client.close();
      return elapsed;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** The cells of the table: each measured on both clusters, in turns. */
const CELLS = [
  'put1Leader',
  'put1Follower',
  'put64Leader',
  'put64Follower',
  'range64Follower',
] as const;
type Cell = (typeof CELLS)[number] | 'failoverMs';

/**
 * The operations of one cluster's cells: the same operations sent to its leader and to a follower,
 * since a follower hands every write to the leader and so answers it a hop later (as etcd's docs
 * measure, "leader only" and otherwise). A client stays on one member, as etcd's clientv3 does.
 */
async function cellsOf(cluster: Cluster) {
  const leader = await leaderOf(cluster);
  const toLeader = createStoreClient(cluster.urls[leader]!);
  const toFollower = createStoreClient(cluster.urls[(leader + 1) % 3]!);
  const value = bytes('v'.repeat(64));
  const putOn = (client: typeof toLeader) => (n: number) =>
    client.put({ key: bytes(`bench/${n % 1000}`), value });
  const rangeOn = (client: typeof toLeader) => (n: number) =>
    client.range({ key: bytes(`bench/${n % 1000}`) });
  const cells: Record<(typeof CELLS)[number], [number, (n: number) => Promise<unknown>]> = {
    put1Leader: [1, putOn(toLeader)],
    put1Follower: [1, putOn(toFollower)],
    put64Leader: [64, putOn(toLeader)],
    put64Follower: [64, putOn(toFollower)],
    range64Follower: [64, rangeOn(toFollower)],
  };
  return {
    cells,
    // Both clusters first serve a while unmeasured: kata's members run TypeScript that V8
    // compiles as it goes, and the first cell would otherwise time the compiler as much as the store.
    warmUp: async () => {
      await operations(16, putOn(toLeader), seconds * 1000);
      await operations(16, putOn(toFollower), seconds * 1000);
    },
    close: async () => {
      await toLeader.close();
      await toFollower.close();
    },
  };
}

if (!etcdVersion()) {
  console.log('raft-store: no etcd on PATH (Debian: etcd-server); nothing to compare with');
  process.exit(0);
}
const dir = await mkdtemp(path.join(os.tmpdir(), 'kata-bench-raft-'));
const clusters: Cluster[] = [];
const rows = { kata: {} as Record<Cell, number>, etcd: {} as Record<Cell, number> };
try {
  for (const name of ['kata', 'etcd']) clusters.push(await startCluster(name, dir));
  const sides = await Promise.all(clusters.map(cellsOf));
  for (const side of sides) await side.warmUp();
  for (const cell of CELLS) {
    const [callers, kata] = sides[0]!.cells[cell];
    [rows.kata[cell], rows.etcd[cell]] = await rates(callers, kata, sides[1]!.cells[cell][1]);
  }
  for (const side of sides) await side.close();
  rows.kata.failoverMs = await failover(clusters[0]!);
  rows.etcd.failoverMs = await failover(clusters[1]!);
} finally {
  for (const cluster of clusters) for (const child of cluster.processes) child?.kill('SIGKILL');
}
await rm(dir, { recursive: true, force: true });
const { kata, etcd } = rows;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
console.log(`three members each, ${seconds} s a cell, load ${os.loadavg()[0]!.toFixed(1)}`);
console.log('                              kata        etcd   kata/etcd');
const line = (label: string, cell: Cell) =>
  console.log(
    `${label.padEnd(26)}${kata[cell].toFixed(0).padStart(8)}${etcd[cell].toFixed(0).padStart(12)}${ratio(kata[cell], etcd[cell]).padStart(12)}`,
  );
line('puts/s, 1 client, leader', 'put1Leader');
line('puts/s, 1 client, follower', 'put1Follower');
line('puts/s, 64 clients, leader', 'put64Leader');
line('puts/s, 64, follower', 'put64Follower');
line('ranges/s, 64, follower', 'range64Follower');
line('failover ms', 'failoverMs');
process.exit(0);
