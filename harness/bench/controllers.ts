// Benchmark of chapter 07's ReplicaSet controller (the reference), run with
// `npx kata bench controllers`, against the reference API server in the same process:
//
//   1. one ReplicaSet of 1,000 replicas, from zero to every pod created;
//   2. 100 ReplicaSets of 10 replicas each, the same 1,000 pods in all;
//
// each printed as pods created per second, and as a ratio to a baseline measured in the same run:
// the same 1,000 pods created directly by one client, 32 at a time (the fastest the API server
// takes them). The reconcile rate (reconciles per second) shows how much work the controller spent.
import { examplePod, exampleReplicaSet } from '../api/examples.ts';
import type { Pod, ReplicaSet } from '../api/types.ts';
import { startApiServer } from '../testing/apiserver.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { loadReference } from '../components/implementation.ts';

const { createReplicaSetController } = await loadReference('07', 'replicaset.ts');

const PODS = 1000;

/** Resolves when the pods informer has seen `count` pods in `namespace`. */
function podsSeen(server: { url: string }, namespace: string, count: number, signal: AbortSignal) {
  const client = toolkit.createClient({ server: server.url });
  const informer = toolkit.createInformer(client.resource<Pod>('pods', namespace));
  return new Promise<void>((resolve) => {
    const check = () => {
      if (informer.list().length >= count) resolve();
    };
    informer.addEventHandlers({ add: check });
    informer.run(signal);
  });
}

async function baseline(): Promise<number> {
  const server = await startApiServer({ compactionIntervalMs: 0 });
  const pods = toolkit.createClient({ server: server.url }).resource<Pod>('pods', 'default');
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < PODS) await pods.create(examplePod(`pod-${next++}`));
    }),
  );
  const rate = PODS / ((performance.now() - started) / 1000);
  await server.close();
  return rate;
}

async function scenario(replicaSets: number, replicas: number) {
  const server = await startApiServer({ compactionIntervalMs: 0 });
  const client = toolkit.createClient({ server: server.url });
  const stop = new AbortController();
  const seen = podsSeen(server, 'default', replicaSets * replicas, stop.signal);
  let reconciles = 0;
  const controller = createReplicaSetController({ toolkit, client });
  const reconcile = controller.reconcile.bind(controller);
  controller.reconcile = (key) => {
    reconciles++;
    return reconcile(key);
  };
  void controller.run(stop.signal);
  const sets = client.resource<ReplicaSet>('replicasets', 'default');
  const started = performance.now();
  await Promise.all(
    Array.from({ length: replicaSets }, (_, n) =>
      sets.create(exampleReplicaSet(`web-${n}`, replicas)),
    ),
  );
  await seen;
  const seconds = (performance.now() - started) / 1000;
  stop.abort();
  await server.close();
  return {
    podsPerSecond: (replicaSets * replicas) / seconds,
    reconcilesPerSecond: reconciles / seconds,
    seconds,
  };
}

const direct = await baseline();
console.log(`baseline: ${PODS} pods created directly, 32 at a time: ${direct.toFixed(0)} pods/s`);
for (const [sets, replicas] of [
  [1, 1000],
  [100, 10],
] as const) {
  const result = await scenario(sets, replicas);
  console.log(
    `${sets} ReplicaSet(s) of ${replicas}: ${result.podsPerSecond.toFixed(0)} pods/s ` +
      `(${(result.podsPerSecond / direct).toFixed(2)}x the baseline), ` +
      `${result.reconcilesPerSecond.toFixed(0)} reconciles/s, ${result.seconds.toFixed(1)} s in all`,
  );
}
