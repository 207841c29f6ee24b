// Benchmark of chapter 15a's load balancer (the reference), run with `npx kata bench cloud`. The
// same client sends HTTP requests to the same pod twice in one run, directly at the pod's address
// and through a TcpLoadBalancer on an external address (127.50.98.1) in front of it, and prints
// the requests per second of each and their ratio (target at least 0.5x), twice: with each
// request on a connection of its own (a layer-4 balancer chooses a backend per connection, so a
// new connection is the unit of its work, and it pays a connect of its own for each), and with
// kept-alive connections (where it only copies bytes). The two paths
// take turns, five rounds each, the first of each round alternating, and the median round of
// each is compared, so a noisy neighbour slows both alike; the machine's load average is printed
// beside the figures.
//
// Then, on a one-node reference cluster whose cluster autoscaler may add one machine: the time from
// a Deployment of two pods that fit one a node to both Running, the second on a node the kata cloud
// started for it (the autoscaler's scan, the machine's start and registration, the cloud node
// controller, the scheduler, the pod's start), with the new node's Ready time beside it.
//
// The pod and the load balancer run in processes of their own, as in a cluster (the kata cloud
// runs its load balancers inside the cloud-controller-manager); the client is this one. What the
// load balancer adds here is its own hop; in a cluster a request through it also crosses the
// node's kube-proxy (chapter 09's benchmark measures that hop).
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import type { Deployment, Node, Pod } from '../api/types.ts';
import { startProgramCluster } from '../cluster/for-program.ts';
import { useEverywhere } from '../cluster/start.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { childEndsWithProgram } from '../lifetime.ts';
import { median } from './programs/tcp-measure.ts';

const podIp = '127.244.98.2';
const externalIp = '127.50.98.1';
const concurrency = 16;
const roundMs = 2000;
const rounds = 5;

/** Starts a program of programs/ and reads the port it prints. */
async function startProgram(file: string, args: string[]) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(`./programs/${file}`, import.meta.url)), ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const end = childEndsWithProgram(child);
  const { port } = await new Promise<{ port: number }>((resolve) =>
    child.stdout!.once('data', (line: Buffer) => resolve(JSON.parse(line.toString()))),
  );
  return { port, end };
}

/** One GET, on a connection of its own (no agent) or one the agent keeps; resolves when read. */
function get(host: string, port: number, agent: http.Agent | false): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host, port, path: '/', agent }, (response) => {
      response.resume();
      response.once('end', () => resolve());
    });
    request.once('error', reject);
  });
}

/** Requests per second over one round: `concurrency` clients, each sending one after another. */
async function round(host: string, port: number, agent: http.Agent | false): Promise<number> {
  const deadline = performance.now() + roundMs;
  let done = 0;
  const client = async () => {
    while (performance.now() < deadline) {
      await get(host, port, agent);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, client));
  return (done * 1000) / (performance.now() - started);
}

const pod = await startProgram('cloud-pod.ts', [podIp]);
const balancer = await startProgram('cloud-balancer.ts', [externalIp, podIp, String(pod.port)]);
/** Direct and through the balancer, in turns; prints the medians and their ratio. */
async function compare(title: string, agent: () => http.Agent | false) {
  // A short warm-up of both paths (JIT, connection tables), not counted.
  await round(podIp, pod.port, agent());
  await round(externalIp, balancer.port, agent());
  const direct: number[] = [];
  const through: number[] = [];
  for (let n = 0; n < rounds; n++) {
    const straight = async () => direct.push(await round(podIp, pod.port, agent()));
    const balanced = async () => through.push(await round(externalIp, balancer.port, agent()));
    for (const turn of n % 2 === 0 ? [straight, balanced] : [balanced, straight]) await turn();
  }
  const [d, t] = [median(direct), median(through)];
  console.log(
    `${title}, ${concurrency} clients, median of ${rounds} rounds of ${roundMs / 1000} s (load average ${os.loadavg()[0]!.toFixed(2)}):`,
  );
  console.log(`  direct to the pod            ${d.toFixed(0).padStart(7)} req/s`);
  console.log(`  through the load balancer    ${t.toFixed(0).padStart(7)} req/s`);
  console.log(`  ratio                        ${(t / d).toFixed(2)}x (target at least 0.5x)`);
}

try {
  await compare('HTTP requests, a connection each', () => false);
  await compare('HTTP requests, kept-alive connections', () => {
    return new http.Agent({ keepAlive: true, maxSockets: concurrency });
  });
} finally {
  await balancer.end();
  await pod.end();
}

/** Polls `condition` every 200 ms; resolves with the milliseconds since `since` once it holds. */
async function timeUntil(since: number, condition: () => Promise<boolean>): Promise<number> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 200));
  return performance.now() - since;
}

const { cluster, end: endCluster } = await startProgramCluster('kata-bench-cloud-', {
  nodes: 1,
  use: useEverywhere('solutions'),
  storePort: 0,
  apiserverPort: 0,
  kubeletPort: 0,
  nodeIndexBase: 26,
  serviceClusterIpRange: '127.119.128.0/24',
  autoscaleNodes: '0:1',
  print: () => {},
});
try {
  const client = toolkit.createClient({ server: cluster.apiserver });
  const cpu = `${Math.floor(os.cpus().length * 600)}m`;
  const big: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'big', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'big' } },
      template: {
        metadata: { labels: { app: 'big' } },
        spec: {
          containers: [{ name: 'echo', image: 'kata/echo:1.0', resources: { requests: { cpu } } }],
        },
      },
    },
  };
  const started = performance.now();
  await client.resource<Deployment>('deployments', 'default').create(big);
  const nodeReady = timeUntil(started, async () =>
    (await client.resource<Node>('nodes').list()).items.some(
      (node) =>
        node.metadata.name === 'node-2' &&
        node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    ),
  );
  const podsRunning = timeUntil(started, async () => {
    const pods = (await client.resource<Pod>('pods', 'default').list()).items;
    return pods.filter((p) => p.status?.phase === 'Running').length === 2;
  });
  console.log(`A pod that fits no node, on a one-node cluster whose autoscaler may add one:`);
  console.log(
    `  the new node Ready after      ${((await nodeReady) / 1000).toFixed(1).padStart(6)} s`,
  );
  console.log(
    `  both pods Running after       ${((await podsRunning) / 1000).toFixed(1).padStart(6)} s`,
  );
} finally {
  await endCluster();
}
