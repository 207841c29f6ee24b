// Benchmark of chapter 10a (the reference), run with `npx kata bench pod-config`. One kubelet on
// the process runtime (real processes), with chapter 10a's PodConfiguration in its seam, against
// an in-process API server:
//
//   1. pod start latency, from the pod's creation (bound to the node) to a watch showing it Ready:
//      a pod with two ConfigMap volumes, a Secret in its env and an init container, against a plain
//      pod of the same image, measured in turns in the same run. Two more kinds take the cost
//      apart: the configuration alone (the volumes and the Secret), and the init container alone
//      (a kata/job process that must start and exit before the app starts).
//      The target (at most 1.5x) is on the latency as Kubernetes' pod startup SLI counts it: "time
//      to run init containers" is left out, since that is the init program's own work, not the
//      kubelet's. Here that is the span from the init container's creation to its exit, read from
//      the runtime in milliseconds; what the kubelet does around it (noticing the exit, starting
//      the app) stays in. The total with the init container's run is printed too.
//   2. a ConfigMap change to the file changing in the volume: p50 and p99 over repeated updates.
//      Target: p99 under the kubelet's sync period (1 minute in Kubernetes) plus 1 s.
//
// The kubelet runs with its default relist (1 s); it learns an init container's exit from the
// process runtime's exit reports (watchContainerExits) at once.
//
// `npx kata bench pod-config --pods N` starts N pods of each kind (default 10). Every pod's
// processes are stopped before it ends, by an error or Ctrl-C too (harness/lifetime.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConfigMap, Pod, Secret } from '../api/types.ts';
import { loadReference } from '../components/implementation.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { endsWithProgram } from '../lifetime.ts';
import { podNameLabel } from '../runtime/cri.ts';
import { ProcessRuntime } from '../runtime/process-runtime.ts';
import { startApiServer } from '../testing/apiserver.ts';
import { percentile } from './programs/percentile.ts';

const { createKubelet } = await loadReference('06', 'kubelet.ts');
const { createPodConfiguration } = await loadReference('10a', 'pod-config.ts');

const podsFlag = process.argv.indexOf('--pods');
const pods = podsFlag > 0 ? Number(process.argv[podsFlag + 1]) : 10;
if (!(Number.isInteger(pods) && pods > 0 && pods <= 50)) {
  console.error('kata bench pod-config: --pods takes a whole number from 1 to 50');
  process.exit(2);
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

/** What a pod of the benchmark has besides its kata/echo container. */
interface Kind {
  label: string;
  configured: boolean;
  init: boolean;
}

const kinds: Kind[] = [
  { label: 'plain pod', configured: false, init: false },
  { label: 'two ConfigMap volumes + a Secret in env', configured: true, init: false },
  { label: 'an init container', configured: false, init: true },
  { label: 'all three', configured: true, init: true },
];

/** A pod of kata/echo, with ConfigMap volumes and a Secret, and an init container, as `kind` says. */
function podOf(name: string, kind: Kind): Pod {
  const web = { name: 'web', image: 'kata/echo', ports: [{ containerPort: 8080 }] };
  const pod: Pod = { metadata: { name }, spec: { nodeName: 'node-1', containers: [web] } };
  if (kind.init) pod.spec.initContainers = [{ name: 'setup', image: 'kata/job' }];
  if (!kind.configured) return pod;
  pod.spec.volumes = [
    { name: 'one', configMap: { name: 'one' } },
    { name: 'two', configMap: { name: 'two' } },
  ];
  pod.spec.containers = [
    {
      ...web,
      env: [{ name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }],
      volumeMounts: [
        { name: 'one', mountPath: '/etc/one' },
        { name: 'two', mountPath: '/etc/two' },
      ],
    },
  ];
  return pod;
}

/** A kubelet with chapter 10a's seam on a fresh process runtime and API server. */
async function node(relistMs: number, podCidr: string) {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'kata-bench-pod-config-'));
  const runtime = new ProcessRuntime({ stateDir: path.join(stateDir, 'runtime'), podCidr });
  // Registered first, so it runs last: after the kubelet has stopped, every pod's processes.
  const stopPods = endsWithProgram(async () => {
    await runtime.close({ stopAll: true, timeoutSeconds: 2 });
    rmSync(stateDir, { recursive: true, force: true });
  });
  const server = await startApiServer();
  const client = toolkit.createClient({ server: server.url });
  const stop = new AbortController();
  const podsDir = path.join(stateDir, 'pods');
  const allocatable = { cpu: '64', memory: '64Gi' };
  const kubelet = createKubelet({
    nodeName: 'node-1',
    nodeIp: '127.20.0.1',
    podCidr,
    capacity: { ...allocatable, pods: '110' },
    toolkit,
    client,
    runtime,
    relistMs,
    podConfiguration: createPodConfiguration({
      client,
      toolkit,
      podsDir,
      nodeIp: '127.20.0.1',
      allocatable,
    }),
  }).run(stop.signal);
  const stopKubelet = endsWithProgram(async () => {
    stop.abort();
    await kubelet;
    await server.close();
  });
  const configMaps = client.resource<ConfigMap>('configmaps', 'default');
  for (const name of ['one', 'two'])
    await configMaps.create({ metadata: { name }, data: { greeting: 'hi', color: 'blue' } });
  const secret: Secret = { metadata: { name: 'db' }, stringData: { password: 's3cret' } };
  await client.resource<Secret>('secrets', 'default').create(secret);
  const close = async () => {
    await stopKubelet();
    await stopPods();
  };
  return { client, configMaps, podsDir, runtime, stop, close };
}

/** Creates `pod` and resolves, once a watch shows it Ready, with the time that took. */
async function startOne(setup: Awaited<ReturnType<typeof node>>, pod: Pod): Promise<number> {
  const watcher = toolkit.createInformer(setup.client.resource<Pod>('pods'));
  const stop = new AbortController();
  watcher.run(stop.signal);
  await watcher.waitForSync();
  const createdAt = performance.now();
  const ready = new Promise<number>((resolve) => {
    const observe = (seen: Pod) => {
      const condition = seen.status?.conditions?.find((c) => c.type === 'Ready');
      if (seen.metadata.name === pod.metadata.name && condition?.status === 'True')
        resolve(performance.now() - createdAt);
    };
    watcher.addEventHandlers({ add: observe, update: (_old, seen) => observe(seen) });
  });
  await setup.client.resource<Pod>('pods', 'default').create(pod);
  const took = await ready;
  stop.abort();
  return took;
}

/** How long the init containers of pod `name` ran, creation to exit, as the runtime saw it. */
async function initContainersRun(setup: Awaited<ReturnType<typeof node>>, name: string) {
  const containers = await setup.runtime.listContainers({
    labelSelector: { [podNameLabel]: name },
  });
  return containers
    .filter((container) => container.metadata.name === 'setup')
    .reduce((sum, container) => sum + (container.finishedAt - container.createdAt), 0);
}

// 1. Pod start latency, each kind against the plain pod, in turns: the total, and the SLI's.
const setup = await node(1000, '127.244.230.0/24');
const totals = kinds.map(() => [] as number[]);
const latencies = kinds.map(() => [] as number[]);
for (let n = 0; n < pods; n++)
  for (const [index, kind] of kinds.entries()) {
    const name = `pod-${index}-${n}`;
    const total = await startOne(setup, podOf(name, kind));
    totals[index]!.push(total);
    latencies[index]!.push(total - (kind.init ? await initContainersRun(setup, name) : 0));
  }
const plain = percentile(latencies[0]!, 0.5);
console.log(`pod start, one kubelet on the process runtime, ${pods} pods of each kind (to Ready)`);
console.log(
  `  (p50 as the pod startup SLI counts it, init containers' run left out; then the total)`,
);
for (const [index, kind] of kinds.entries()) {
  const p50 = percentile(latencies[index]!, 0.5);
  const p99 = percentile(latencies[index]!, 0.99);
  const ratio = index === 0 ? '' : `  ->  ${(p50 / plain).toFixed(2)}x the plain pod at p50`;
  const target = index === kinds.length - 1 ? ' (target: at most 1.5x)' : '';
  const total = kind.init ? `; total p50 ${ms(percentile(totals[index]!, 0.5))}` : '';
  console.log(`  ${kind.label}: p50 ${ms(p50)}, p99 ${ms(p99)}${ratio}${target}${total}`);
}

// 2. A ConfigMap change to the file changing, in the last pod with volumes.
const last = await setup.client.resource<Pod>('pods', 'default').get(`pod-3-${pods - 1}`);
const file = path.join(
  setup.podsDir,
  last.metadata.uid!,
  'volumes/kubernetes.io~configmap/one/greeting',
);
const changes: number[] = [];
for (let n = 0; n < pods * 5; n++) {
  const current = await setup.configMaps.get('one');
  const changedAt = performance.now();
  await setup.configMaps.update({ ...current, data: { ...current.data, greeting: `v${n}` } });
  while (readFileSync(file, 'utf8') !== `v${n}`)
    await new Promise((resolve) => setTimeout(resolve, 2));
  changes.push(performance.now() - changedAt);
}
const p99 = percentile(changes, 0.99);
console.log(`a ConfigMap change to the file changing in the volume, ${changes.length} changes`);
console.log(
  `  p50 ${ms(percentile(changes, 0.5))}, p99 ${ms(p99)}  ->  ` +
    `${(p99 / 61_000).toFixed(4)}x the target (the kubelet's 1 minute sync period + 1 s)`,
);
await setup.close();
