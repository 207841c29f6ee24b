// Benchmark: the kata store (durable, fsync on) against a real etcd on this machine, over both of
// their protocols, each driven by the same client on both sides: etcd's JSON gateway with chapter
// 02's client (solutions/02-store-server/client.ts), and gRPC with @grpc/grpc-js (chapter 02b),
// with 1 and with 64 concurrent callers. Prints puts/s and ranges/s for each and the ratio
// kata/etcd per protocol; absolute numbers on a shared machine mean little, the ratio measured in
// one run does.
//
//   npx tsx harness/bench/store-server.ts [--seconds 1] [--rounds 7] [--protocol gRPC|JSON]
//                                                          (about two minutes for both protocols)
//
// Both stores run as their own processes, so neither shares the client's event loop.
//
// On a shared machine one cell's rate swings with whatever else runs (the one-client put rate
// with the disk's other writers most of all), so a cell is measured in many short rounds, the two
// stores back to back in each, in alternating order (kata then etcd, then etcd then kata), and
// each round gives a ratio of two rates measured under nearly the same load. The figure is the
// median of those ratios, printed with their spread (lowest to highest); the rates printed are
// each store's median round. Beside them, on Linux, what load hardly moves: each store process's
// CPU time (user and system, from /proc) per 1,000 operations of the cell, over all its rounds.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { bytes } from '../store/bytes.ts';
import { callUnary, etcdGrpcClients } from '../store/grpc.ts';
import { etcdVersion, startEtcd } from '../testing/etcd.ts';
import { waitFor } from '../testing/wait.ts';
import { endsWithProgram } from '../lifetime.ts';
import { repoRoot } from '../paths.ts';
import { loadReference } from '../components/implementation.ts';
import { percentile } from './programs/percentile.ts';

const { createStoreClient } = await loadReference('02', 'client.ts');

/** A numeric flag's value, or `fallback`. */
function numberFlag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
const seconds = numberFlag('--seconds', 1);
const ROUNDS = numberFlag('--rounds', 7);
const CONCURRENCY = [1, 64];

interface Target {
  name: string;
  url: string;
  /** The serving process, whose CPU time is read; none where /proc cannot say. */
  pid?: number;
  stop(): Promise<void>;
}

/** A process's CPU time so far, user and system, in milliseconds (/proc/PID/stat, 100 ticks a second). */
function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** The process whose command line names `flag` (etcd runs under a small shell: its grandchild). */
function pidWithFlag(flag: string): number | undefined {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes(flag) && path.basename(args[0] ?? '') === 'etcd') return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

/** What the benchmark asks of a client, whichever protocol it speaks. */
interface BenchClient {
  put(key: Uint8Array, value: Uint8Array): Promise<unknown>;
  range(key: Uint8Array): Promise<unknown>;
  close(): Promise<void>;
}

/** The two protocols, each with the one client library both stores are driven by. */
const protocols: Record<string, (url: string) => BenchClient> = {
  JSON: (url) => {
    const client = createStoreClient(url);
    return {
      put: (key, value) => client.put({ key, value }),
      range: (key) => client.range({ key }),
      close: () => client.close(),
    };
  },
  gRPC: (url) => {
    const clients = etcdGrpcClients(url);
    return {
      put: (key, value) => callUnary(clients.kv, 'Put', { key, value }),
      range: (key) => callUnary(clients.kv, 'Range', { key }),
      close: async () => clients.close(),
    };
  },
};

/** The kata store as `kata run store` starts it: reference code, a fresh data dir, fsync on. */
async function startKata(): Promise<Target> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kata-bench-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(repoRoot, 'harness/components/store.ts'),
      '--data-dir',
      dataDir,
      '--listen-client-urls',
      'http://127.0.0.1:0',
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await waitFor(
    () => /serving client requests on (\S+)/.test(output),
    'the kata store to start',
    30_000,
  );
  return {
    name: 'kata store',
    url: /serving client requests on (\S+)/.exec(output)![1]!,
    pid: child.pid,
    // It stops however the benchmark ends (harness/lifetime.ts).
    stop: endsWithProgram(async () => {
      child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    }),
  };
}

/** Runs `operation` from `concurrency` loops for `seconds`; returns operations per second and their count. */
async function measure(
  concurrency: number,
  operation: (worker: number, n: number) => Promise<unknown>,
) {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const loop = async (worker: number) => {
    for (let n = 0; performance.now() < deadline; n++) {
      await operation(worker, n);
      done += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, worker) => loop(worker)));
  return { rate: done / ((performance.now() - started) / 1000), operations: done };
}

/** The cells of the table: an operation at a concurrency. */
const cells = CONCURRENCY.flatMap((concurrency) => [
  { column: `puts/s ${concurrency}`, concurrency, put: true },
  { column: `ranges/s ${concurrency}`, concurrency, put: false },
]);

/** Each target's rate in every round of one cell, in round order. */
type CellRates = number[][];

/** One cell's figures: rates by target and round, and each target's CPU ms per 1,000 operations. */
interface CellResult {
  rates: CellRates;
  cpuPerThousand: Array<number | undefined>;
}

/**
 * Measures every cell on every target, ROUNDS times, the targets back to back in each round and
 * in alternating order (see the top of this file). Returns each cell's rates per target.
 */
async function benchAll(
  targets: Target[],
  connect: (url: string) => BenchClient,
): Promise<Record<string, CellResult>> {
  const value = bytes('x'.repeat(256));
  const clients = targets.map((target) => connect(target.url));
  const results: Record<string, CellResult> = {};
  try {
    for (const client of clients) {
      // Warm up connections and code paths first.
      await measure(8, (worker, n) => client.put(bytes(`warm/${worker}/${n % 100}`), value));
    }
    for (const cell of cells) {
      const rates: CellRates = targets.map(() => []);
      const cpu = targets.map(() => 0);
      const operations = targets.map(() => 0);
      for (let round = 0; round < ROUNDS; round++) {
        const order = [...clients.keys()];
        if (round % 2 === 1) order.reverse();
        for (const i of order) {
          const client = clients[i]!;
          const before = cpuMs(targets[i]!.pid);
          const measured = await measure(cell.concurrency, (worker, n) =>
            cell.put
              ? client.put(bytes(`bench/${worker}/${n % 1000}`), value)
              : client.range(bytes(`bench/${worker}/${n % 100}`)),
          );
          const after = cpuMs(targets[i]!.pid);
          rates[i]!.push(measured.rate);
          cpu[i]! += before === undefined || after === undefined ? NaN : after - before;
          operations[i]! += measured.operations;
        }
      }
      const cpuPerThousand = cpu.map((ms, i) =>
        Number.isNaN(ms) ? undefined : (ms / operations[i]!) * 1000,
      );
      results[cell.column] = { rates, cpuPerThousand };
    }
  } finally {
    for (const client of clients) await client.close();
  }
  return results;
}

/** The median of some numbers (the nearest-rank one, a real sample, for an odd count). */
const median = (values: number[]) => percentile(values, 0.5);

/** kata's rate over etcd's, round by round. */
const roundRatios = ([kata, etcd]: CellRates) => kata!.map((rate, round) => rate / etcd![round]!);

function table(
  rows: Array<[string, Record<string, number> | undefined]>,
  columns: string[],
): string {
  const cell = (text: string) => text.padStart(14);
  const lines = [`${''.padEnd(20)}${columns.map(cell).join('')}`];
  for (const [name, values] of rows) {
    lines.push(
      `${name.padEnd(20)}${columns.map((c) => cell(values ? Math.round(values[c]!).toLocaleString('en-US') : '-')).join('')}`,
    );
  }
  return lines.join('\n');
}

const columns = cells.map((cell) => cell.column);
console.log(
  `store-server benchmark: ${ROUNDS} rounds of ${seconds} s per cell and store, interleaved; medians; fsync on, one client process, 256-byte values`,
);

const targets: Target[] = [await startKata()];
const version = etcdVersion();
if (version) {
  const etcd = await startEtcd();
  targets.push({
    name: `etcd ${version}`,
    url: etcd.url,
    pid: existsSync('/proc/self/stat')
      ? pidWithFlag(`--listen-client-urls=${etcd.url}`)
      : undefined,
    stop: endsWithProgram(() => etcd.stop()),
  });
} else {
  console.log(
    'etcd: skipped, no etcd on PATH (install etcd 3.4, e.g. Debian etcd-server, for the baseline)',
  );
}
const results: Record<string, Record<string, CellResult>> = {};
try {
  const only = process.argv.includes('--protocol')
    ? process.argv[process.argv.indexOf('--protocol') + 1]
    : undefined;
  for (const [protocol, connect] of Object.entries(protocols)) {
    if (only && only !== protocol) continue;
    results[protocol] = await benchAll(targets, connect);
  }
} finally {
  for (const target of targets) await target.stop();
}
const rows: Array<[string, Record<string, number> | undefined]> = [];
for (const [protocol, measured] of Object.entries(results)) {
  for (const [i, target] of targets.entries()) {
    const medians = Object.fromEntries(columns.map((c) => [c, median(measured[c]!.rates[i]!)]));
    rows.push([`${target.name} ${protocol}`, medians]);
  }
}
console.log(table(rows, columns));
if (targets.length === 2) {
  for (const [protocol, measured] of Object.entries(results)) {
    const ratios = columns.map((c) => `${median(roundRatios(measured[c]!.rates)).toFixed(2)}x`);
    const spreads = columns.map((c) => {
      const all = roundRatios(measured[c]!.rates);
      return `${Math.min(...all).toFixed(2)}-${Math.max(...all).toFixed(2)}`;
    });
    console.log(
      `${`kata / etcd ${protocol}`.padEnd(20)}${ratios.map((r) => r.padStart(14)).join('')}`,
    );
    console.log(`${'  (lowest-highest)'.padEnd(20)}${spreads.map((r) => r.padStart(14)).join('')}`);
  }
}
const cpuRows = Object.entries(results).flatMap(([protocol, measured]) =>
  targets.map((target, i): [string, string[]] => [
    `${target.name} ${protocol}`,
    columns.map((c) => measured[c]!.cpuPerThousand[i]?.toFixed(0) ?? '-'),
  ]),
);
if (cpuRows.some(([, cells]) => cells.some((cell) => cell !== '-'))) {
  console.log('\nCPU ms of the store process per 1,000 operations (lower is better):');
  for (const [name, cells] of cpuRows)
    console.log(`${name.padEnd(20)}${cells.map((cell) => cell.padStart(14)).join('')}`);
  if (targets.length === 2) {
    for (const [protocol, measured] of Object.entries(results)) {
      const ratios = columns.map((c) => {
        const [kata, etcd] = measured[c]!.cpuPerThousand;
        return kata && etcd ? `${(etcd / kata).toFixed(2)}x` : '-';
      });
      console.log(
        `${`etcd / kata ${protocol}`.padEnd(20)}${ratios.map((r) => r.padStart(14)).join('')}`,
      );
    }
  }
}
