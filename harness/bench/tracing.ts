// Benchmark of tracing's cost, run with `npx kata bench tracing [--nodes 100] [--pods 1000]
// [--rounds 1]`: the cluster benchmark's workload (./cluster.ts: the real control plane, each
// component its own process, with hollow nodes on the fake runtime) on two clusters of the same
// shape, one with every component tracing (as `kata up` starts them) and one with none
// (`kata up --no-tracing`). In each round, each cluster scales a Deployment from 0 to --pods and
// back, timed until every pod is Running as a watch sees it; the rounds alternate which cluster
// goes first, so that the machine's other work colours both alike. It prints the median time of
// each and their ratio: the traced cluster's speed against the untraced one's (target: 0.9x).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exampleDeployment } from '../api/examples.ts';
import type { Deployment, Node, Pod } from '../api/types.ts';
import { startProgramCluster } from '../cluster/for-program.ts';
import { useEverywhere } from '../cluster/start.ts';
import { childEndsWithProgram } from '../lifetime.ts';
import { toolkit } from '../components/reference-toolkit.ts';

const option = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? fallback : Number(process.argv[index + 1]);
};
const NODES = option('nodes', 100);
const PODS = option('pods', 1000);
const ROUNDS = option('rounds', 1);

/** A cluster of NODES hollow nodes, tracing or not; its client and how to end it. */
async function hollowCluster(tracing: boolean, base: number, range: string) {
  const { cluster, end } = await startProgramCluster('kata-bench-tracing-', {
    nodes: 0,
    use: useEverywhere('solutions'),
    storePort: 0,
    apiserverPort: 0,
    kubeletPort: 0,
    nodeIndexBase: base,
    serviceClusterIpRange: range,
    tracing,
    // Plain HTTP, as the hollow nodes' client speaks it (no client certificates).
    insecure: true,
    print: () => {},
  });
  const program = fileURLToPath(new URL('./programs/hollow-nodes.ts', import.meta.url));
  const hollow = spawn(
    process.execPath,
    ['--import', 'tsx', program, cluster.apiserver, String(NODES), String(base)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const endHollow = childEndsWithProgram(hollow);
  await new Promise((resolve) => hollow.stdout.once('data', resolve));
  const client = toolkit.createClient({ server: cluster.apiserver });
  const ready = (node: Node) =>
    node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  await until(
    async () => (await client.resource<Node>('nodes').list()).items.filter(ready).length >= NODES,
    `${NODES} hollow nodes Ready`,
  );
  await client.resource<Deployment>('deployments', 'default').create(exampleDeployment('scale', 0));
  return {
    tracing,
    client,
    end: async () => {
      await endHollow();
      await end();
    },
  };
}

/** Polls `condition` every `intervalMs` until it holds; throws after `timeoutMs`. */
async function until(condition: () => Promise<boolean>, what: string, intervalMs = 500) {
  const deadline = Date.now() + 600_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

type Cluster = Awaited<ReturnType<typeof hollowCluster>>;

/** Scales the Deployment to PODS; seconds until all Running; then back to 0, and waits. */
async function scaleUp({ client }: Cluster): Promise<number> {
  const pods = client.resource<Pod>('pods', 'default');
  const running = (list: Pod[]) => list.filter((pod) => pod.status?.phase === 'Running').length;
  const started = performance.now();
  await client.resource<Deployment>('deployments', 'default').scale('scale', PODS);
  await until(async () => running((await pods.list()).items) >= PODS, `${PODS} pods Running`, 250);
  const seconds = (performance.now() - started) / 1000;
  await client.resource<Deployment>('deployments', 'default').scale('scale', 0);
  await until(async () => (await pods.list()).items.length === 0, 'every pod gone');
  return seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

const off = await hollowCluster(false, 0, '127.101.0.0/16');
const on = await hollowCluster(true, 120, '127.102.0.0/16');
const times = { on: [] as number[], off: [] as number[] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const cluster of round % 2 === 0 ? [off, on] : [on, off]) {
      times[cluster.tracing ? 'on' : 'off'].push(await scaleUp(cluster));
    }
  }
} finally {
  await on.end();
  await off.end();
}
const [traced, untraced] = [median(times.on), median(times.off)];
console.log(
  `  ${NODES} hollow nodes, a Deployment scaled 0 to ${PODS}, ${ROUNDS} round(s), median: ` +
    `with tracing ${traced.toFixed(1)} s, without ${untraced.toFixed(1)} s: ` +
    `${(untraced / traced).toFixed(2)}x the speed (target >= 0.9x)`,
);
process.exit(0);
