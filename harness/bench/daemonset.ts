// Benchmark of chapter 13b's DaemonSet controller (the reference), run with
// `npx kata bench daemonset`, against the reference API server in the same process, on 100 hollow
// nodes: Node objects whose pods a fake kubelet (harness/testing/fake-kubelet.ts) binds and
// reports Running, with no processes.
//
//   DaemonSet: one DaemonSet created, until its pod runs on each of the 100 nodes;
//   baseline:  the same 100 pods (each pinned to its node, with the daemon tolerations), created
//              directly by one client 32 at a time, until all run.
//
// Each is timed three times on a fresh API server and the median kept; the figure is the
// DaemonSet's speed as a ratio to the baseline's (issue #27's target: at least 0.9x).
import { exampleDaemonSet, exampleNode } from '../api/examples.ts';
import type { DaemonSet, Node, Pod } from '../api/types.ts';
import type { ApiClient } from '../client/types.ts';
import { loadReference } from '../components/implementation.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { startApiServer } from '../testing/apiserver.ts';
import { FakeKubelet } from '../testing/fake-kubelet.ts';

const { createDaemonSetController } = await loadReference('13b', 'daemonset.ts');

const NODES = 100;
const ROUNDS = 3;
const nodeNames = Array.from({ length: NODES }, (_, n) => `hollow-${n}`);

/** Resolves when `count` pods of the namespace are Running, as an informer sees them. */
function podsRunning(client: ApiClient, count: number, signal: AbortSignal): Promise<void> {
  const informer = toolkit.createInformer(client.resource<Pod>('pods', 'default'));
  return new Promise<void>((resolve) => {
    const check = () => {
      const running = informer.list().filter((pod) => pod.status?.phase === 'Running');
      if (running.length >= count) resolve();
    };
    informer.addEventHandlers({ add: check, update: check });
    informer.run(signal);
  });
}

/**
 * A fresh API server with the hollow nodes and a fake kubelet for them; `prepare` runs before the
 * clock starts (a controller's informers syncing), `work` is timed.
 */
async function timed(
  work: (client: ApiClient) => Promise<void>,
  prepare?: (client: ApiClient, signal: AbortSignal) => Promise<void>,
) {
  const server = await startApiServer({ compactionIntervalMs: 0 });
  const client = toolkit.createClient({ server: server.url });
  const nodes = client.resource<Node>('nodes');
  await Promise.all(nodeNames.map((name) => nodes.create(exampleNode(name))));
  const stop = new AbortController();
  void new FakeKubelet({ toolkit, client, nodes: nodeNames }).run(stop.signal);
  const running = podsRunning(client, NODES, stop.signal);
  await prepare?.(client, stop.signal);
  const started = performance.now();
  await work(client);
  await running;
  const seconds = (performance.now() - started) / 1000;
  stop.abort();
  await server.close();
  return seconds;
}

/** The tolerations every daemon pod carries (chapter 13b's daemonTolerations), for equal pods. */
const daemonTolerations = [
  ['not-ready', 'NoExecute'],
  ['unreachable', 'NoExecute'],
  ['disk-pressure', 'NoSchedule'],
  ['memory-pressure', 'NoSchedule'],
  ['pid-pressure', 'NoSchedule'],
  ['unschedulable', 'NoSchedule'],
].map(([key, effect]) => ({
  key: `node.kubernetes.io/${key}`,
  operator: 'Exists' as const,
  effect: effect as 'NoExecute' | 'NoSchedule',
}));

/** The same pods the DaemonSet makes, each pinned to its node, created 32 at a time. */
async function direct(client: ApiClient): Promise<void> {
  const pods = client.resource<Pod>('pods', 'default');
  const template = exampleDaemonSet('hollow').spec.template;
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < NODES) {
        const node = nodeNames[next++]!;
        await pods.create({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { ...template.metadata, name: `hollow-${node}` },
          spec: {
            ...template.spec,
            tolerations: daemonTolerations,
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    { matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] },
                  ],
                },
              },
            },
          },
        });
      }
    }),
  );
}

/** The controller started, and given time to sync its informers, before the clock starts. */
async function startController(client: ApiClient, signal: AbortSignal): Promise<void> {
  void createDaemonSetController({ toolkit, client }).run(signal);
  const synced = toolkit.createInformer(client.resource<Node>('nodes'));
  synced.run(signal);
  await synced.waitForSync(signal);
}

async function daemonSet(client: ApiClient): Promise<void> {
  await client.resource<DaemonSet>('daemonsets', 'default').create(exampleDaemonSet('hollow'));
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const baselineRuns: number[] = [];
const daemonSetRuns: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  baselineRuns.push(await timed(direct));
  daemonSetRuns.push(await timed(daemonSet, startController));
}
const baseline = median(baselineRuns);
const measured = median(daemonSetRuns);
console.log(
  `baseline: ${NODES} pinned pods created directly, 32 at a time, all Running: ${baseline.toFixed(2)} s (median of ${ROUNDS})`,
);
console.log(
  `DaemonSet on ${NODES} hollow nodes, a pod Running on each: ${measured.toFixed(2)} s ` +
    `(${(baseline / measured).toFixed(2)}x the baseline's speed; target at least 0.9x)`,
);
