// The chaos run, with `npx kata bench chaos [--pods 200] [--duration 60s] [--seed N] [--nodes 3]`:
// a cluster of real processes as `kata up` starts them (harness/cluster/start.ts, on a temporary
// data directory and addresses of its own), a Deployment of --pods replicas rolled to a new
// template while a seeded random component is killed with SIGKILL and restarted every few seconds
// for --duration (harness/testing/chaos.ts). It prints each kill and restart as it happens, then
// what it checked, with figures: the time to converge after the last restart, the acknowledged
// writes and how many were lost, and the store's revision from first to last sample and whether
// it ever went backwards. It exits 1 if any check fails. The same --seed makes the same choices.
import os from 'node:os';
import { startProgramCluster } from '../cluster/for-program.ts';
import { useEverywhere } from '../cluster/start.ts';
import { parseComponentFlags, UsageError } from '../components/flags.ts';
import { chaosSummary, runChaos } from '../testing/chaos.ts';

const USAGE = 'usage: kata bench chaos [--pods N] [--duration 60s] [--seed N] [--nodes N]';

/** A whole number of at least `least`, from a flag. */
function count(text: string, flag: string, least: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < least)
    throw new UsageError(`--${flag} is a whole number of at least ${least}, not "${text}"`);
  return value;
}

/** A duration as Kubernetes flags write it: 90s, 2m, 1m30s; a bare number is seconds. */
function duration(text: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const match = /^(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  if (!match || (match[1] === undefined && match[2] === undefined))
    throw new UsageError(`--duration is a duration such as 60s or 2m, not "${text}"`);
  return (Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)) * 1000;
}

function parse(argv: string[]) {
  const values = parseComponentFlags(argv, {
    pods: 'string',
    duration: 'string',
    seed: 'string',
    nodes: 'string',
  });
  const text = (name: string) => values.get(name) as string | undefined;
  return {
    pods: count(text('pods') ?? '200', 'pods', 1),
    durationMs: duration(text('duration') ?? '60s'),
    seed: count(text('seed') ?? String(Date.now() % 1_000_000), 'seed', 0),
    nodes: count(text('nodes') ?? '3', 'nodes', 1),
  };
}

let flags: ReturnType<typeof parse>;
try {
  flags = parse(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`kata bench chaos: ${error.message}\n${USAGE}`);
  process.exit(2);
}

const { cluster, end: endCluster } = await startProgramCluster('kata-bench-chaos-', {
  nodes: flags.nodes,
  use: useEverywhere('solutions'),
  storePort: 0,
  apiserverPort: 0,
  kubeletPort: 0,
  nodeIndexBase: 240,
  serviceClusterIpRange: '127.105.0.0/16',
  // Above the kubelets' 10 s Lease renewal, as the end-to-end suite has it.
  nodeMonitorGracePeriod: '20s',
  print: () => {},
});

console.log(
  `  a cluster of ${flags.nodes} nodes; a Deployment of ${flags.pods} pods rolls while a random ` +
    `component is killed every few seconds for ${flags.durationMs / 1000} s (--seed ${flags.seed})`,
);
const report = await runChaos({
  apiserver: cluster.apiserver,
  controlUrl: cluster.controlUrl,
  pods: flags.pods,
  durationMs: flags.durationMs,
  seed: flags.seed,
  victims: 'random',
  settleTimeoutMs: Math.max(180_000, flags.pods * 3_000),
  print: (line) => console.log(line),
});
for (const line of chaosSummary(report)) console.log(line);
const failed =
  report.lost.length > 0 ||
  report.notRunning.length > 0 ||
  report.storeRevisions.backwards.length > 0 ||
  report.listRevisions.backwards.length > 0;
await endCluster();
process.exit(failed ? 1 : 0);
