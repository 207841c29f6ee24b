// Benchmark of chapter 17's custom resources, run with `npx kata bench custom-resources`. In the
// reference API server (in process, on a loopback port, serving the WebApp CRD through the
// reference serving.ts) it creates 10,000 WebApps and 10,000 ConfigMaps of about the same size,
// then, interleaved round by round (the median of 5), times:
//
//   1. a LIST of all 10,000, custom against built-in;
//   2. a watch from before they were created, reading all 10,000 ADDED events.
//
// It prints each as a ratio, built-in time / custom time (1.0: as fast; the target is at least
// 0.8). Custom objects pay for nothing on reads: pruning, defaulting and validation happen on
// writes, so the ratios say whether serving a kind from a CRD costs anything on the read path.
//
// Then, on a fresh server with the reference Deployment and ReplicaSet controllers, a fake kubelet
// and the reference WebApp operator, it times a WebApp of 3 replicas from its create to its
// Deployment available, against a Deployment of 3 created directly (the median of 9 interleaved
// rounds): the operator's own cost is one watch event and one create on the way.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { definitionResource } from '../api/apiextensions.ts';
import type { ResourceType } from '../api/resources.ts';
import { exampleDeployment } from '../api/examples.ts';
import type { Deployment, KubeObject } from '../api/types.ts';
import type { ResourceClient } from '../client/types.ts';
import { loadReference } from '../components/implementation.ts';
import { toolkit } from '../components/reference-toolkit.ts';
import { repoRoot } from '../paths.ts';
import { startApiServer } from '../testing/apiserver.ts';
import { FakeKubelet } from '../testing/fake-kubelet.ts';

const OBJECTS = 10_000;
const CONCURRENCY = 32;
const ROUNDS = 5;

const { createDefinitionServer } = await loadReference('17', 'serving.ts');
const { runOperator } = await loadReference('17', 'webapp.ts');
const { createDeploymentController } = await loadReference('08', 'deployment.ts');
const { createReplicaSetController } = await loadReference('07', 'replicaset.ts');
/** The WebApp resource, as the client needs to know it (harness/examples/custom-resources/webapp-crd.yaml). */
const webApps: ResourceType = {
  group: 'example.com',
  version: 'v1',
  resource: 'webapps',
  singular: 'webapp',
  kind: 'WebApp',
  namespaced: true,
  shortNames: ['wa'],
  categories: [],
  subresources: ['status', 'scale'],
  nameRule: 'subdomain',
};
/** A reference API server serving the WebApp CRD, once webapps answer, and a client of it. */
async function serveWebApps() {
  const server = await startApiServer({ apiExtensions: { createDefinitionServer } });
  const client = toolkit.createClient({
    server: server.url,
    resources: [webApps, definitionResource],
  });
  const crd = parse(
    readFileSync(`${repoRoot}/harness/examples/custom-resources/webapp-crd.yaml`, 'utf8'),
  );
  await client.resource('customresourcedefinitions').create(crd);
  for (let tries = 0; ; tries++) {
    try {
      await client.resource('webapps', 'default').list({ limit: 1 });
      return { server, client };
    } catch (error) {
      if (tries > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
const { server, client } = await serveWebApps();

const custom = client.resource('webapps', 'default');
const builtin = client.resource('configmaps', 'default');
const before = (await builtin.list({ limit: 1 })).metadata.resourceVersion!;

/** Creates OBJECTS objects, CONCURRENCY at a time. */
async function fill(objects: ResourceClient, make: (n: number) => KubeObject): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < OBJECTS) await objects.create(make(next++));
    }),
  );
}
await fill(custom, (n) => ({
  apiVersion: 'example.com/v1',
  kind: 'WebApp',
  metadata: { name: `app-${n}`, labels: { team: `t${n % 10}` } },
  spec: { image: 'kata/echo', replicas: 2, port: 8080 },
}));
await fill(builtin, (n) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `app-${n}`, labels: { team: `t${n % 10}` } },
  data: { image: 'kata/echo', replicas: '2', port: '8080' },
}));

async function timeList(objects: ResourceClient): Promise<number> {
  const start = performance.now();
  const list = await objects.list();
  if (list.items.length !== OBJECTS) throw new Error(`listed ${list.items.length}, not ${OBJECTS}`);
  return performance.now() - start;
}

async function timeWatch(objects: ResourceClient): Promise<number> {
  const start = performance.now();
  const stop = new AbortController();
  let added = 0;
  for await (const event of objects.watch({ resourceVersion: before, signal: stop.signal })) {
    if (event.type === 'ADDED' && ++added === OBJECTS) break;
  }
  stop.abort();
  return performance.now() - start;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const times = {
  listCustom: [] as number[],
  listBuiltin: [] as number[],
  watchCustom: [] as number[],
  watchBuiltin: [] as number[],
};
await timeList(custom);
await timeList(builtin);
// Each round alternates which goes first, so neither gains from the other's warm-up.
for (let round = 0; round < ROUNDS; round++) {
  const pairs: Array<[ResourceClient, number[], number[]]> = [
    [custom, times.listCustom, times.watchCustom],
    [builtin, times.listBuiltin, times.watchBuiltin],
  ];
  if (round % 2 === 1) pairs.reverse();
  for (const [objects, lists] of pairs) lists.push(await timeList(objects));
  for (const [objects, , watches] of pairs) watches.push(await timeWatch(objects));
}
await server.close();

const row = (what: string, builtinMs: number, customMs: number) =>
  console.log(
    `${what.padEnd(34)} built-in ${builtinMs.toFixed(0).padStart(5)} ms   custom ${customMs.toFixed(0).padStart(5)} ms   ratio ${(builtinMs / customMs).toFixed(2)}x (target ≥ 0.8x)`,
  );
console.log(
  `${OBJECTS} WebApps (a CRD) against ${OBJECTS} ConfigMaps, median of ${ROUNDS} interleaved rounds`,
);
row('LIST of all', median(times.listBuiltin), median(times.listCustom));
row('watch replaying every ADDED event', median(times.watchBuiltin), median(times.watchCustom));
await timeOperator();

/** A WebApp to its Deployment available, through the operator, against a Deployment directly. */
async function timeOperator(): Promise<void> {
  const ROUNDS_TO_AVAILABLE = 9;
  const REPLICAS = 3;
  const fresh = await serveWebApps();
  const stop = new AbortController();
  const options = { toolkit, client: fresh.client };
  void createDeploymentController(options).run(stop.signal);
  void createReplicaSetController(options).run(stop.signal);
  void new FakeKubelet({ ...options, nodes: ['node-1', 'node-2', 'node-3'] }).run(stop.signal);
  const operator = runOperator({ toolkit, config: { server: fresh.server.url } });
  const available = new Map<string, () => void>();
  const deployments = toolkit.createInformer(fresh.client.resource<Deployment>('deployments'));
  const check = (deployment: Deployment) => {
    if ((deployment.status?.availableReplicas ?? 0) < REPLICAS) return;
    available.get(deployment.metadata.name!)?.();
  };
  deployments.addEventHandlers({ add: check, update: (_, deployment) => check(deployment) });
  deployments.run(stop.signal);
  await deployments.waitForSync(stop.signal);
  const timeToAvailable = async (name: string, create: () => Promise<unknown>) => {
    const start = performance.now();
    const done = new Promise<void>((resolve) => available.set(name, resolve));
    await create();
    await done;
    return performance.now() - start;
  };
  const through: number[] = [];
  const direct: number[] = [];
  for (let round = 0; round < ROUNDS_TO_AVAILABLE; round++) {
    const viaOperator = () =>
      timeToAvailable(`app-${round}`, () =>
        fresh.client.resource('webapps', 'default').create({
          apiVersion: 'example.com/v1',
          kind: 'WebApp',
          metadata: { name: `app-${round}` },
          spec: { image: 'kata/echo', replicas: REPLICAS, port: 8080 },
        }),
      );
    const directly = () =>
      timeToAvailable(`direct-${round}`, () =>
        fresh.client
          .resource<Deployment>('deployments', 'default')
          .create(exampleDeployment(`direct-${round}`, REPLICAS)),
      );
    if (round % 2 === 0) {
      through.push(await viaOperator());
      direct.push(await directly());
    } else {
      direct.push(await directly());
      through.push(await viaOperator());
    }
  }
  await operator.stop();
  stop.abort();
  await fresh.server.close();
  const [operatorMs, directMs] = [median(through), median(direct)];
  console.log(
    `${'WebApp to Deployment available'.padEnd(34)} direct ${directMs.toFixed(0).padStart(5)} ms   operator ${operatorMs.toFixed(0).padStart(5)} ms   ratio ${(directMs / operatorMs).toFixed(2)}x (${REPLICAS} replicas, median of ${ROUNDS_TO_AVAILABLE})`,
  );
}
