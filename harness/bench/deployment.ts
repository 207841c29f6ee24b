// Benchmark of chapter 08's Deployment controller (the reference), run with
// `npx kata bench deployment`: a rolling update of a 1,000-replica Deployment (maxSurge and
// maxUnavailable 25%), with chapter 07's ReplicaSet controller and the fake kubelet, all against
// the reference API server in this process. It prints
//
//   1. the time from the new template to the last old pod gone, as a ratio to a baseline measured
//      in the same run: the same 1,000 pods replaced by hand with no rolling at all (a new
//      ReplicaSet of 1,000 created, the old one scaled to 0 at once), the fastest replacement there
//      is and the one a rolling update trades away for availability;
//   2. API writes per replaced pod, all components together (store revisions, as each write is
//      one), against the same baseline, and the Deployment controller's own share.
import { exampleDeployment, exampleReplicaSet } from '../api/examples.ts';
import type { Deployment, KubeObject, Pod, ReplicaSet } from '../api/types.ts';
import type { ApiClient, ResourceClient } from '../client/types.ts';
import { startApiServer } from '../testing/apiserver.ts';
import { FakeKubelet } from '../testing/fake-kubelet.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { loadReference } from '../components/implementation.ts';

const { createReplicaSetController } = await loadReference('07', 'replicaset.ts');
const { createDeploymentController } = await loadReference('08', 'deployment.ts');

const REPLICAS = 1000;

/** A cluster in this process: API server, fake kubelet on 10 nodes, ReplicaSet controller. */
async function cluster() {
  const server = await startApiServer({ compactionIntervalMs: 0 });
  const client = toolkit.createClient({ server: server.url });
  const stop = new AbortController();
  const nodes = Array.from({ length: 10 }, (_, n) => `node-${n}`);
  void new FakeKubelet({ toolkit, client, nodes }).run(stop.signal);
  void createReplicaSetController({ toolkit, client }).run(stop.signal);
  const pods = toolkit.createInformer(client.resource<Pod>('pods', 'default'));
  pods.run(stop.signal);
  /** Resolves once every pod is ready and has `image`, REPLICAS of them. */
  const settled = (image: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        const all = pods.list();
        if (
          all.length === REPLICAS &&
          all.every(
            (pod) =>
              pod.spec.containers[0]?.image === image &&
              pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
          )
        )
          resolve();
      };
      pods.addEventHandlers({ add: check, update: check, delete: check });
      check();
    });
  const close = async () => {
    stop.abort();
    await server.close();
  };
  return { server, client, stop, settled, close };
}

/** An ApiClient that counts the writes made through it. */
function countingWrites(client: ApiClient): { client: ApiClient; writes: () => number } {
  let writes = 0;
  const count =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A) => {
      writes++;
      return call(...args);
    };
  return {
    writes: () => writes,
    client: {
      config: client.config,
      bind: count((binding) => client.bind(binding)),
      resource<T extends KubeObject>(resource: string, namespace?: string): ResourceClient<T> {
        const inner = client.resource<T>(resource, namespace);
        return {
          ...inner,
          get: (name) => inner.get(name),
          list: (options) => inner.list(options),
          watch: (options) => inner.watch(options),
          getScale: (name) => inner.getScale(name),
          create: count((object: T) => inner.create(object)),
          update: count((object: T) => inner.update(object)),
          updateStatus: count((object: T) => inner.updateStatus(object)),
          patch: count((name: string, patch: unknown, type) => inner.patch(name, patch, type)),
          delete: count((name: string, options) => inner.delete(name, options)),
          scale: count((name: string, replicas: number) => inner.scale(name, replicas)),
        };
      },
    },
  };
}

async function baseline() {
  const { server, client, settled, close } = await cluster();
  const replicaSets = client.resource<ReplicaSet>('replicasets', 'default');
  const old = exampleReplicaSet('old', REPLICAS);
  await replicaSets.create(old);
  await settled('kata/echo:1.0');
  const before = server.store.revision;
  const started = performance.now();
  const replacement = exampleReplicaSet('new', REPLICAS);
  replacement.spec.selector.matchLabels = { app: 'new' };
  replacement.spec.template.metadata!.labels = { app: 'new' };
  replacement.spec.template.spec.containers[0]!.image = 'kata/echo:2.0';
  await replicaSets.create(replacement);
  await replicaSets.scale('old', 0);
  await settled('kata/echo:2.0');
  const seconds = (performance.now() - started) / 1000;
  const writes = server.store.revision - before;
  await close();
  return { seconds, writes };
}

async function rollingUpdate() {
  const { server, client, stop, settled, close } = await cluster();
  const counted = countingWrites(client);
  void createDeploymentController({ toolkit, client: counted.client }).run(stop.signal);
  const deployments = client.resource<Deployment>('deployments', 'default');
  await deployments.create(exampleDeployment('web', REPLICAS));
  await settled('kata/echo:1.0');
  const before = server.store.revision;
  const ownWritesBefore = counted.writes();
  const started = performance.now();
  await deployments.patch('web', {
    spec: { template: { spec: { containers: [{ name: 'app', image: 'kata/echo:2.0' }] } } },
  });
  await settled('kata/echo:2.0');
  const seconds = (performance.now() - started) / 1000;
  const writes = server.store.revision - before;
  const own = counted.writes() - ownWritesBefore;
  await close();
  return { seconds, writes, own };
}

const direct = await baseline();
const rolling = await rollingUpdate();
const per = (writes: number) => (writes / REPLICAS).toFixed(2);
console.log(
  `  rolling update of ${REPLICAS} pods: ${rolling.seconds.toFixed(1)} s; replaced by hand with no ` +
    `rolling: ${direct.seconds.toFixed(1)} s: ${(direct.seconds / rolling.seconds).toFixed(2)}x the speed`,
);
console.log(
  `  API writes per replaced pod: ${per(rolling.writes)} (by hand: ${per(direct.writes)}, ` +
    `${(rolling.writes / direct.writes).toFixed(2)}x); the Deployment controller's own: ${per(rolling.own)}`,
);
process.exit(0);
