// What kubectl writes is what happens (issue #20): the server-side dry runs of create, apply,
// patch, scale and delete, and `kubectl diff`, leave the cluster as it was; `kubectl drain` evicts
// a node's pods through the eviction subresource (its Evictions and DeleteOptions go as protobuf)
// and leaves the node cordoned; a PodDisruptionBudget whose minAvailable equals a Deployment's
// replicas stops an eviction with 429; and a resourceVersion that is not one is a 400. One
// two-node reference cluster, the real kubectl.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Deployment, Node, Pod, PodDisruptionBudget } from '../api/types.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

let running: KubectlCluster | undefined;

/** kubectl's JSON answer, or a failure that shows what kubectl said. */
async function json<T>(...args: string[]): Promise<T> {
  const result = await running!.kubectl.run(...args, '-o', 'json');
  if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Runs kubectl and expects it to succeed; returns what it printed. */
async function ok(...args: string[]): Promise<string> {
  const result = await running!.kubectl.run(...args);
  expect(result.code, `kubectl ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

/** The web Deployment's pods that are Ready and not being deleted. */
async function readyWebPods(): Promise<Pod[]> {
  const { items } = await json<{ items: Pod[] }>('get', 'pods', '-l', 'app=web');
  return items.filter(
    (pod) =>
      !pod.metadata.deletionTimestamp &&
      pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
}

/** A manifest in kubectl's home, for apply and diff. */
function manifest(name: string, text: string): string {
  const file = path.join(running!.kubectl.home, name);
  writeFileSync(file, text);
  return file;
}

const deploymentYaml = (name: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: { app: ${name} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      containers:
      - name: echo
        image: kata/echo:1.0
`;

describe.skipIf(!hasKubectl)('kubectl writes: dry run, diff, drain and disruption budgets', () => {
  beforeAll(async () => {
    running = await startKubectlCluster(2, suiteNodeIndexBase.writes, '127.110.0.0/16');
    await ok('create', 'deployment', 'web', '--image=kata/echo:1.0', '--replicas=2');
    await waitFor(async () => (await readyWebPods()).length === 2, 'two Ready web pods', 90_000);
  }, 180_000);

  afterAll(async () => {
    await running?.stop();
  }, 60_000);

  test('create, apply, patch and scale with --dry-run=server change nothing', async () => {
    const before = await json<Deployment>('get', 'deployment', 'web');
    const created = await json<Deployment>(
      'create',
      'deployment',
      'dry',
      '--image=kata/echo:1.0',
      '--dry-run=server',
    );
    expect(created.metadata.uid, 'the uid a dry-run create answers').toBeTruthy();
    const file = manifest('applied.yaml', deploymentYaml('applied', 1));
    await ok('apply', '--dry-run=server', '-f', file);
    await ok('patch', 'deployment', 'web', '-p', '{"spec":{"replicas":5}}', '--dry-run=server');
    await ok('scale', 'deployment', 'web', '--replicas=4', '--dry-run=server');
    const { items } = await json<{ items: Deployment[] }>('get', 'deployments');
    expect(
      items.map((d) => d.metadata.name),
      'deployments after the dry runs',
    ).toEqual(['web']);
    const after = await json<Deployment>('get', 'deployment', 'web');
    // The generation, not the resourceVersion: the deployment controller may still be writing
    // web's status, but only a write of its spec moves the generation.
    expect(
      [after.spec.replicas, after.metadata.generation],
      'web after a dry-run patch and scale',
    ).toEqual([2, before.metadata.generation]);
  });

  test('delete --dry-run=server leaves the pod running, and diff changes nothing', async () => {
    const [pod] = await readyWebPods();
    const name = pod!.metadata.name!;
    const deleted = await ok('delete', 'pod', name, '--dry-run=server');
    expect(deleted, 'what kubectl prints').toContain('(server dry run)');
    const still = await json<Pod>('get', 'pod', name);
    expect(still.metadata.deletionTimestamp, `pod ${name} after a dry-run delete`).toBeUndefined();
    const before = await json<Deployment>('get', 'deployment', 'web');
    const file = manifest('web.yaml', deploymentYaml('web', 3));
    const diff = await running!.kubectl.run('diff', '-f', file);
    expect(diff.code, `kubectl diff (1: differences found): ${diff.stderr}`).toBe(1);
    expect(diff.stdout, 'the diff').toMatch(/-\s+replicas: 2\n\+\s+replicas: 3/);
    const after = await json<Deployment>('get', 'deployment', 'web');
    expect(
      [after.spec.replicas, after.metadata.generation],
      'web after kubectl diff (its replicas and generation)',
    ).toEqual([2, before.metadata.generation]);
  });

  test('GET pods?resourceVersion=abc is a 400 BadRequest', async () => {
    const result = await running!.kubectl.run(
      'get',
      '--raw',
      '/api/v1/namespaces/default/pods?resourceVersion=abc',
    );
    expect(result.code, 'kubectl get --raw with resourceVersion=abc').not.toBe(0);
    expect(result.stderr, 'what kubectl says').toContain('BadRequest');
  });

  test('a PDB with minAvailable equal to the replicas stops an eviction with 429, and drain with it', async () => {
    await ok('create', 'pdb', 'web', '--selector=app=web', '--min-available=2');
    const [pod] = await readyWebPods();
    const eviction = manifest(
      'eviction.json',
      JSON.stringify({
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: pod!.metadata.name, namespace: 'default' },
      }),
    );
    const path = `/api/v1/namespaces/default/pods/${pod!.metadata.name}/eviction`;
    const refused = await running!.kubectl.run('create', '--raw', path, '-f', eviction);
    expect(refused.stderr, `POST ${path} with the budget at its minimum`).toContain(
      "Cannot evict pod as it would violate the pod's disruption budget.",
    );
    const node = pod!.spec.nodeName!;
    const drain = await running!.kubectl.run(
      'drain',
      node,
      '--ignore-daemonsets',
      '--force',
      '--timeout=5s',
    );
    expect(drain.code, `kubectl drain ${node} with the budget at its minimum`).not.toBe(0);
    expect(drain.stdout + drain.stderr, 'what drain says').toContain('disruption budget');
    await ok('uncordon', node);
    const pdb = await json<PodDisruptionBudget>('get', 'pdb', 'web');
    expect(pdb.spec.minAvailable, 'the budget kubectl created (a protobuf body)').toBe(2);
    const printed = await ok('get', 'pdb', 'web');
    expect(printed, 'kubectl get pdb').toMatch(
      /MIN AVAILABLE\s+MAX UNAVAILABLE\s+ALLOWED DISRUPTIONS/,
    );
    expect(printed, 'kubectl get pdb').toMatch(/web\s+2\s+N\/A\s+0\s/);
    await ok('delete', 'pdb', 'web');
  });

  test("drain --ignore-daemonsets --force evicts the node's pods, and the node stays cordoned", async () => {
    const [pod] = await readyWebPods();
    const node = pod!.spec.nodeName!;
    await ok('run', 'bare', '--image=kata/echo:1.0', `--overrides={"spec":{"nodeName":"${node}"}}`);
    const drained = await ok('drain', node, '--ignore-daemonsets', '--force', '--timeout=90s');
    expect(drained, 'what kubectl drain prints').toContain(`node/${node} drained`);
    const onNode = async () =>
      (await json<{ items: Pod[] }>('get', 'pods', '--field-selector', `spec.nodeName=${node}`))
        .items;
    await waitFor(async () => (await onNode()).length === 0, `no pods left on ${node}`, 90_000);
    const cordoned = await json<Node>('get', 'node', node);
    expect(cordoned.spec?.unschedulable, `node ${node} after the drain`).toBe(true);
    const printed = await ok('get', 'node', node);
    expect(printed, 'kubectl get node').toContain('SchedulingDisabled');
    await waitFor(
      async () => (await readyWebPods()).length === 2,
      'web back to two Ready pods',
      90_000,
    );
  });
});

describe.skipIf(hasKubectl)('kubectl writes', () => {
  test(noKubectl, () => {});
});
