// Benchmark of chapter 04's toolkit (the reference), run with `npx kata bench informer`. Over 10,000
// pods in the reference API server (in process, on a loopback port), it prints:
//
//   1. the time for an informer to sync, as a ratio to a plain LIST of the same pods (the informer
//      lists, then opens its watch and fills its cache and indexes: the ratio is its overhead);
//   2. the heap each cached pod costs;
//   3. events per second through reflector → informer → work queue → a no-op reconcile, as a
//      ratio to a bare watch reading the same 10,000 events in the same run.
//
// Absolute figures depend on the machine; the ratios are what to compare.
import v8 from 'node:v8';
import vm from 'node:vm';
import { examplePod } from '../api/examples.ts';
import type { Pod } from '../api/types.ts';
import type { ResourceClient } from '../client/types.ts';
import { startApiServer } from '../testing/apiserver.ts';
import { toolkit } from '../components/reference-toolkit.ts';

const PODS = 10_000;
const CONCURRENCY = 32;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const server = await startApiServer();
const client = toolkit.createClient({ server: server.url });
const pods = client.resource<Pod>('pods', 'default');
const before = (await pods.list({ limit: 1 })).metadata.resourceVersion!;

let next = 0;
const creators = Array.from({ length: CONCURRENCY }, async () => {
  while (next < PODS) {
    const n = next++;
    await pods.create(examplePod(`pod-${n}`, { app: `app-${n % 10}` }));
  }
});
await Promise.all(creators);

// 1. Sync time against a plain LIST.
const timeList = async () => {
  const start = performance.now();
  const list = await pods.list();
  if (list.items.length !== PODS) throw new Error(`listed ${list.items.length} pods, not ${PODS}`);
  return performance.now() - start;
};
await timeList();
const listMs = Math.min(await timeList(), await timeList(), await timeList());

const heapBefore = heapAfterGc();
const stop = new AbortController();
const syncStart = performance.now();
const informer = toolkit.createInformer(pods, {
  indexers: { nodeName: toolkit.indexers.nodeName, ownerUid: toolkit.indexers.ownerUid },
});
informer.run(stop.signal);
await informer.waitForSync();
const syncMs = performance.now() - syncStart;
const heapPerObject = (heapAfterGc() - heapBefore) / informer.list().length;
stop.abort();

// 3. Events per second: both read the 10,000 ADDED events a watch from before the pods replays.
const rawStart = performance.now();
let rawEvents = 0;
const rawStop = new AbortController();
for await (const event of pods.watch({ resourceVersion: before, signal: rawStop.signal })) {
  if (event.type === 'ADDED' && ++rawEvents === PODS) break;
}
rawStop.abort();
const rawPerSecond = PODS / ((performance.now() - rawStart) / 1000);

/** The pods, seen through a list that is empty at `before`: the informer's watch replays them all. */
const replaying: ResourceClient<Pod> = {
  ...pods,
  list: async () => ({
    apiVersion: 'v1',
    kind: 'PodList',
    metadata: { resourceVersion: before },
    items: [],
  }),
  watch: (options) => pods.watch(options),
};
let reconciled = 0;
let allReconciled!: () => void;
const finished = new Promise<void>((resolve) => (allReconciled = resolve));
const controller = toolkit.createController({
  name: 'bench',
  workers: 4,
  reconcile: async () => {
    if (++reconciled === PODS) allReconciled();
  },
});
controller.watch(toolkit.createInformer(replaying));
const pipelineStop = new AbortController();
const pipelineStart = performance.now();
void controller.run(pipelineStop.signal);
await finished;
const pipelinePerSecond = PODS / ((performance.now() - pipelineStart) / 1000);
pipelineStop.abort();

const ms = (value: number) => `${value.toFixed(0)} ms`;
console.log(
  `informer over ${PODS.toLocaleString('en')} pods (reference toolkit and API server, in process)`,
);
console.log(
  `  sync: ${ms(syncMs)}, a plain LIST: ${ms(listMs)}  ->  ${(syncMs / listMs).toFixed(2)}x the LIST`,
);
console.log(`  memory per cached pod: ${(heapPerObject / 1024).toFixed(2)} KiB`);
console.log(
  `  events/s into a no-op reconcile: ${pipelinePerSecond.toFixed(0)}, a bare watch: ` +
    `${rawPerSecond.toFixed(0)}  ->  ${(pipelinePerSecond / rawPerSecond).toFixed(2)}x the bare watch`,
);
await server.close();
