// Benchmark of chapter 14 (the reference), run with `npx kata bench autoscaling`. Two parts:
//
//   1. A load step on a real cluster (one node over TLS, as `kata up` starts it, with the
//      autoscaler's sync period and metrics-server's resolution both at 5 s): a Deployment of
//      kata/cpu-burner requesting 100m of CPU, with an HPA (50%, 1 to 4), is hit through its Service
//      by `kata load` (14 requests a second, 80 ms of CPU each: more than one replica can answer). It prints the time from the start
//      of the load to the HPA's first rescale, against two metric periods (the target), and
//      to all new replicas Ready, against two metric periods plus the pod start-up measured in the
//      same run (the same Deployment scaled 1 → 4 by hand, to all Ready); and the p99 latency the
//      load saw in its first five seconds (one replica) and in five seconds once the replica count
//      has held for two sync periods (no pod starting then, taking CPU from the others).
//   2. metrics-server's scrape of 100 hollow nodes (in-process kubelets serving /stats/summary of
//      10 pods each): the time of one scrape, the median of 10, against the metric resolution
//      (15 s by default) and against the bare fetch of the same 100 summaries.
//
// Every process it starts ends with it, on an error or Ctrl-C too (harness/lifetime.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Deployment, HorizontalPodAutoscaler, Node, Service } from '../api/types.ts';
import { startProgramCluster } from '../cluster/for-program.ts';
import { useEverywhere } from '../cluster/start.ts';
import { loadReference } from '../components/implementation.ts';
import { scrapeKubelets } from '../components/metrics-server.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { runLoad } from '../kata/load/load.ts';

const PERIOD_S = 5;
/** More than one replica can answer: 14 requests a second of 80 ms each is 1.1 s of work a second. */
const RPS = 14;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// 1. The load step
// ---------------------------------------------------------------------------------------------

const { cluster, end } = await startProgramCluster('kata-bench-autoscaling-', {
  nodes: 1,
  use: useEverywhere('solutions'),
  storePort: 0,
  apiserverPort: 0,
  kubeletPort: 0,
  nodeIndexBase: 98,
  serviceClusterIpRange: '127.118.1.0/24',
  autoscalerSyncPeriod: `${PERIOD_S}s`,
  metricResolution: `${PERIOD_S}s`,
  print: () => {},
});
const client = toolkit.createClient({ server: cluster.apiserver });
const deployments = client.resource<Deployment>('deployments', 'default');

const labels = { app: 'burn' };
await deployments.create({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'burn' },
  spec: {
    replicas: 1,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        containers: [
          {
            name: 'burn',
            image: 'kata/cpu-burner',
            ports: [{ containerPort: 8080 }],
            resources: { requests: { cpu: '100m' } },
          },
        ],
      },
    },
  },
});
const service = await client.resource<Service>('services', 'default').create({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'burn' },
  spec: { selector: labels, ports: [{ port: 8080 }] },
});

/** Polls until the Deployment has `count` replicas asked for and all Ready; resolves with when. */
async function allReady(count?: number): Promise<number> {
  for (;;) {
    const { spec, status } = await deployments.get('burn');
    const wanted = spec.replicas ?? 1;
    if ((count === undefined || wanted === count) && (status?.readyReplicas ?? 0) === wanted) {
      return performance.now();
    }
    await sleep(100);
  }
}

await allReady(1);
// The baseline: pod start-up, three new replicas from a scale by hand to all Ready.
let started = performance.now();
await deployments.scale('burn', 4);
const startupMs = (await allReady(4)) - started;
await deployments.scale('burn', 1);
await allReady(1);
while ((await client.resource('pods', 'default').list()).items.length > 1) await sleep(200);

await client.resource<HorizontalPodAutoscaler>('horizontalpodautoscalers', 'default').create({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'burn' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'burn' },
    minReplicas: 1,
    maxReplicas: 4,
    metrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
      },
    ],
  },
});
// The autoscaler has read the idle pod's metrics once before the step.
const autoscalers = client.resource<HorizontalPodAutoscaler>('horizontalpodautoscalers', 'default');
while (!(await autoscalers.get('burn')).status?.currentMetrics?.length) await sleep(200);

const periods = 2 * PERIOD_S * 1000;
const windows: string[] = [];
const stop = new AbortController();
const url = `http://${service.spec.clusterIP}:8080/?ms=80`;
started = performance.now();
const load = runLoad(
  { url, rps: RPS, durationMs: 120_000, timeoutMs: 10_000 },
  (line) => windows.push(line),
  stop.signal,
);
let firstRescaleMs = 0;
for (;;) {
  const { spec } = await deployments.get('burn');
  if ((spec.replicas ?? 1) > 1) {
    firstRescaleMs = performance.now() - started;
    break;
  }
  await sleep(100);
}
const readyMs = (await allReady()) - started;
const scaledTo = (await deployments.get('burn')).spec.replicas;
// "After": once the count has held for two sync periods with every replica Ready (no pod starting
// and taking CPU from the others), the next whole five-second window of the load.
let settled = { replicas: scaledTo, since: performance.now() };
while (performance.now() - settled.since < periods && performance.now() - started < 90_000) {
  await sleep(500);
  const replicas = (await deployments.get('burn')).spec.replicas;
  if (replicas !== settled.replicas) settled = { replicas, since: performance.now() };
}
await allReady();
const windowsBefore = windows.length;
while (windows.length < windowsBefore + 2) await sleep(200);
const after = windows.at(-1);
stop.abort();
await load;
await end();

const p99 = (line: string | undefined) => /p99 (\S+ ms)/.exec(line ?? '')?.[1] ?? 'n/a';
console.log(`load step: ${RPS} req/s of 80 ms CPU on 1 replica requesting 100m (HPA 50%, 1 to 4)`);
console.log(
  `  first rescale after ${seconds(firstRescaleMs)}: ${(firstRescaleMs / periods).toFixed(2)}x ` +
    `two metric periods (${seconds(periods)}; target at most 1.0x)`,
);
console.log(
  `  all ${scaledTo} replicas Ready after ${seconds(readyMs)}: ` +
    `${(readyMs / (periods + startupMs)).toFixed(2)}x two periods + pod start-up ` +
    `(${seconds(periods)} + ${seconds(startupMs)} measured by hand; target at most 1.0x)`,
);
console.log(
  `  p99 latency: ${p99(windows[1])} in the first 5 s (1 replica), ${p99(after)} in 5 s once ` +
    `${settled.replicas} replicas had held for ${seconds(periods)}`,
);

// ---------------------------------------------------------------------------------------------
// 2. metrics-server's scrape of 100 hollow nodes
// ---------------------------------------------------------------------------------------------

const NODES = 100;
const PODS_PER_NODE = 10;
const RESOLUTION_MS = 15_000;
const metrics = await loadReference('14', 'metrics-server.ts');

/** A kubelet summary of `pods` pods of one container each, using some CPU and memory. */
function summary(nodeName: string, pods: number): object {
  const time = new Date().toISOString();
  const usage = (cores: number) => ({
    cpu: { time, usageNanoCores: cores * 1e9, usageCoreNanoSeconds: cores * 1e12 },
    memory: { time, workingSetBytes: 20 << 20, rssBytes: 20 << 20 },
  });
  const podStats = Array.from({ length: pods }, (_, index) => ({
    podRef: { name: `${nodeName}-pod-${index}`, namespace: 'default', uid: `${nodeName}-${index}` },
    startTime: time,
    containers: [{ name: 'app', startTime: time, ...usage(0.05) }],
    ...usage(0.05),
  }));
  return { node: { nodeName, startTime: time, ...usage(0.05 * pods) }, pods: podStats };
}

const kubelets: http.Server[] = [];
const nodes: Node[] = [];
for (let index = 0; index < NODES; index++) {
  const name = `hollow-${index}`;
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(summary(name, PODS_PER_NODE)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  kubelets.push(server);
  const port = (server.address() as AddressInfo).port;
  nodes.push({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
    },
  } as Node);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const scrapes: number[] = [];
const bare: number[] = [];
let scraped = 0;
for (let round = 0; round < 10; round++) {
  let at = performance.now();
  await Promise.all(
    kubelets.map(async (server) => {
      const { port } = server.address() as AddressInfo;
      await (await fetch(`http://127.0.0.1:${port}/stats/summary`)).json();
    }),
  );
  bare.push(performance.now() - at);
  at = performance.now();
  const found = await scrapeKubelets(nodes, metrics, RESOLUTION_MS, () => undefined, console.log);
  scrapes.push(performance.now() - at);
  scraped = found.pods.length;
}
for (const server of kubelets) server.close();
const scrapeMs = median(scrapes);
console.log(`metrics-server: ${NODES} hollow nodes, ${scraped} pods`);
console.log(
  `  one scrape takes ${scrapeMs.toFixed(0)} ms (median of 10): ` +
    `${(scrapeMs / RESOLUTION_MS).toFixed(3)}x the 15 s resolution (target well under 1.0x), ` +
    `${(scrapeMs / median(bare)).toFixed(2)}x the bare fetch of the summaries (${median(bare).toFixed(0)} ms)`,
);
