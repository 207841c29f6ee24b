// Benchmark of the whole cluster, run with `npx kata bench cluster`: the real control plane (the
// store, the API server, the controller-manager and the scheduler, each its own process, as
// `kata up` starts them) with 100 nodes whose kubelets run on the fake runtime (hollow nodes, in
// one process). A Deployment is scaled from 0 to 1,000 replicas, and every pod is followed through
// a watch, from the event that shows it created to the one that shows it Running. It prints:
//
//   1. the total time to 1,000 Running, as a ratio to a baseline measured in the same run: the
//      same 1,000 pods created directly by a client (32 at a time), no controllers involved;
//   2. pod startup latency p50 and p99 (Kubernetes' SLO: p99 under 5 s), beside the baseline's;
//   3. the peak memory of the cluster: the sum of each process's peak resident set.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exampleDeployment, examplePod } from '../api/examples.ts';
import type { Deployment, Node, Pod } from '../api/types.ts';
import { startProgramCluster } from '../cluster/for-program.ts';
import { useEverywhere } from '../cluster/start.ts';
import { childEndsWithProgram } from '../lifetime.ts';
import { toolkit } from '../components/reference-toolkit.ts';

const NODES = 100;
const PODS = 1000;

const { cluster, end: endCluster } = await startProgramCluster('kata-bench-cluster-', {
  nodes: 0,
  use: useEverywhere('solutions'),
  storePort: 0,
  apiserverPort: 0,
  kubeletPort: 0,
  nodeIndexBase: 0,
  serviceClusterIpRange: '127.101.0.0/16',
  print: () => {},
});
const hollow = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    fileURLToPath(new URL('./programs/hollow-nodes.ts', import.meta.url)),
    cluster.kubeconfig,
    String(NODES),
    '0',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const endHollow = childEndsWithProgram(hollow);
await new Promise((resolve) => hollow.stdout.once('data', resolve));

const client = toolkit.createClient({ server: cluster.apiserver });
const stop = new AbortController();

/** Resolves once `count` nodes are Ready, as the informer sees them. */
async function nodesReady(count: number): Promise<void> {
  const nodes = toolkit.createInformer(client.resource<Node>('nodes'));
  await new Promise<void>((resolve) => {
    const check = () => {
      const ready = nodes
        .list()
        .filter((node) =>
          node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
      if (ready.length >= count) resolve();
    };
    nodes.addEventHandlers({ add: check, update: check });
    nodes.run(stop.signal);
  });
}

/**
 * Follows pods through a watch from now on: when each was first seen and when first seen Running.
 * Resolves with the latencies (ms) once `count` of them run.
 */
function podsRunning(
  count: number,
  from: string,
): Promise<{ latencies: number[]; toBound: number[]; lastAt: number }> {
  const seen = new Map<string, number>();
  const bound = new Set<string>();
  const latencies: number[] = [];
  const toBound: number[] = [];
  return new Promise((resolve, reject) => {
    (async () => {
      for await (const event of client
        .resource<Pod>('pods', 'default')
        .watch({ resourceVersion: from, signal: stop.signal })) {
        if (event.type === 'BOOKMARK' || event.type === 'DELETED') continue;
        const name = event.object.metadata.name!;
        if (!seen.has(name)) seen.set(name, performance.now());
        const since = seen.get(name)!;
        if (since < 0) continue;
        if (event.object.spec.nodeName && !bound.has(name)) {
          bound.add(name);
          toBound.push(performance.now() - since);
        }
        if (event.object.status?.phase === 'Running') {
          latencies.push(performance.now() - since);
          seen.set(name, -1);
          if (latencies.length === count)
            return resolve({ latencies, toBound, lastAt: performance.now() });
        }
      }
    })().catch(reject);
  });
}

const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.floor((values.length * p) / 100))
  ]!;

const nodesStarted = performance.now();
await nodesReady(NODES);
const nodesSeconds = (performance.now() - nodesStarted) / 1000;
const pods = client.resource<Pod>('pods', 'default');

// The baseline: the pods created directly.
let from = (await pods.list()).metadata.resourceVersion!;
let watching = podsRunning(PODS, from);
let started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (next < PODS) await pods.create(examplePod(`direct-${next++}`));
  }),
);
const direct = await watching;
const directSeconds = (direct.lastAt - started) / 1000;
await fetch(`${cluster.apiserver}/api/v1/namespaces/default/pods`, { method: 'DELETE' });
for (;;) {
  // The pods' graceful deletion finishes as each kubelet stops its pod.
  const left = (await pods.list()).items.length;
  if (left === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 500));
}

// The Deployment: 0, then 1,000.
const deployments = client.resource<Deployment>('deployments', 'default');
await deployments.create(exampleDeployment('scale', 0));
from = (await pods.list()).metadata.resourceVersion!;
watching = podsRunning(PODS, from);
started = performance.now();
await deployments.scale('scale', PODS);
const scaled = await watching;
const scaledSeconds = (scaled.lastAt - started) / 1000;

// Memory: every process of the cluster, at its peak.
const components = (await (await fetch(`${cluster.controlUrl}/components`)).json()) as {
  pid?: number;
}[];
const peakKib = (pid: number) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
const pids = [...components.map((component) => component.pid), hollow.pid].filter(
  (pid): pid is number => pid !== undefined,
);
const peakMib = pids.reduce((total, pid) => total + peakKib(pid), 0) / 1024;

const ms = (value: number) => `${Math.round(value)} ms`;
console.log(`  ${NODES} hollow nodes Ready in ${nodesSeconds.toFixed(1)} s`);
console.log(
  `  Deployment scaled 0 to ${PODS}: all Running in ${scaledSeconds.toFixed(1)} s; the same pods ` +
    `created directly: ${directSeconds.toFixed(1)} s: ${(directSeconds / scaledSeconds).toFixed(2)}x the speed`,
);
console.log(
  `  pod startup through the Deployment: p50 ${ms(percentile(scaled.latencies, 50))}, ` +
    `p99 ${ms(percentile(scaled.latencies, 99))} (target p99 < 5000 ms); created directly: ` +
    `p50 ${ms(percentile(direct.latencies, 50))}, p99 ${ms(percentile(direct.latencies, 99))}`,
);
console.log(
  `  of which created to bound (the scheduler): p50 ${ms(percentile(scaled.toBound, 50))}, ` +
    `p99 ${ms(percentile(scaled.toBound, 99))}; the rest is the kubelets'`,
);
console.log(
  `  peak memory of the cluster: ${peakMib.toFixed(0)} MiB (${pids.length} processes, each at its peak)`,
);

stop.abort();
await endHollow();
await endCluster();
process.exit(0);
