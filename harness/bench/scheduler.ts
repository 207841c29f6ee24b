// Benchmark of chapter 05's scheduler (the reference, on the reference toolkit), run with
// `npx kata bench scheduler`: 10,000 pods onto 5,000 nodes through the reference API server, in the
// shape of Kubernetes' scheduler_perf "SchedulingBasic" test. Nodes and pods are created first; the
// measured phase starts once the scheduler's caches have synced and ends when the last pod is seen
// bound through a watch. It prints pods per second over that phase, and the ratio to 270 pods/s,
// the threshold Kubernetes' own performance tests hold kube-scheduler to for this shape (our target
// is at least 300 on two cores). The API server runs in the same process, so its work is counted
// against the scheduler's time: the figure is a floor.
import { exampleNode, examplePod } from '../api/examples.ts';
import type { Node, Pod } from '../api/types.ts';
import { startApiServer } from '../testing/apiserver.ts';
import { seededRandom } from '../testing/random.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { loadReference } from '../components/implementation.ts';

const { createScheduler } = await loadReference('05', 'scheduler.ts');

const NODES = 5_000;
const PODS = 10_000;
const CONCURRENCY = 32;
const KUBERNETES_THRESHOLD = 270;
const TARGET = 300;

const server = await startApiServer();
const client = toolkit.createClient({ server: server.url });

/** Runs `make(i)` for i in [0, count) with CONCURRENCY requests in flight. */
async function inParallel(count: number, make: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await make(next++);
    }),
  );
}

const nodes = client.resource<Node>('nodes');
await inParallel(NODES, (i) =>
  nodes.create(exampleNode(`node-${i}`, { cpu: '32', memory: '64Gi' })),
);
const pods = client.resource<Pod>('pods', 'default');
await inParallel(PODS, (i) => {
  const pod = examplePod(`pod-${i}`);
  pod.spec.containers[0]!.resources = { requests: { cpu: '100m', memory: '100Mi' } };
  return pods.create(pod);
});
console.log(`created ${NODES.toLocaleString('en')} nodes and ${PODS.toLocaleString('en')} pods`);

// Counts bound pods as a watch reports them: what any client of the cluster would see.
let bound = 0;
let allBound!: () => void;
const finished = new Promise<void>((resolve) => (allBound = resolve));
const seen = new Set<string>();
const watcher = toolkit.createInformer(client.resource<Pod>('pods'));
const count = (pod: Pod) => {
  if (!pod.spec.nodeName || seen.has(pod.metadata.name!)) return;
  seen.add(pod.metadata.name!);
  if (++bound === PODS) allBound();
};
watcher.addEventHandlers({ add: count, update: (_old, pod) => count(pod) });
const stop = new AbortController();
watcher.run(stop.signal);
await watcher.waitForSync();

const scheduler = createScheduler({ toolkit, client, random: seededRandom(1) });
void scheduler.run(stop.signal);
// The measured phase starts when the scheduler knows every node.
while (scheduler.cache.nodes().length < NODES)
  await new Promise((resolve) => setTimeout(resolve, 5));
const started = performance.now();
await finished;
const seconds = (performance.now() - started) / 1000;
const rate = PODS / seconds;

console.log(
  `scheduled ${PODS.toLocaleString('en')} pods onto ${NODES.toLocaleString('en')} nodes in ` +
    `${seconds.toFixed(1)} s: ${rate.toFixed(0)} pods/s`,
);
console.log(
  `  ${(rate / KUBERNETES_THRESHOLD).toFixed(2)}x Kubernetes' threshold of ${KUBERNETES_THRESHOLD} pods/s` +
    ` (target: at least ${TARGET} pods/s, ${(TARGET / KUBERNETES_THRESHOLD).toFixed(2)}x)`,
);
stop.abort();
await server.close();
