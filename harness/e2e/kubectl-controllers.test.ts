// What the real kubectl shows of the controllers is true (issue #20), on a two-node reference
// cluster: a NoExecute taint evicts the pods that do not tolerate it at once and the ones that
// tolerate it for 5 s about 5 s later, while a pod that tolerates it for ever stays; `kubectl
// rollout undo` scales the previous ReplicaSet back up instead of making a third; a LoadBalancer
// Service nobody serves (of a loadBalancerClass no controller implements) shows EXTERNAL-IP
// <pending>. Skipped, with the reason, without kubectl.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';

let cluster: KubectlCluster | undefined;

beforeAll(async () => {
  if (hasKubectl)
    cluster = await startKubectlCluster(2, suiteNodeIndexBase.controllers, '127.140.0.0/16');
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** kubectl's output; a non-zero exit fails the test with kubectl's stderr. */
const kubectl = (...args: string[]) => cluster!.kubectl.output(...args);

/** Whether a pod is gone, or on its way (a deletionTimestamp). */
async function evicted(name: string): Promise<boolean> {
  const result = await cluster!.kubectl.run(
    'get',
    'pod',
    name,
    '--ignore-not-found',
    '-o',
    'jsonpath={.metadata.name} {.metadata.deletionTimestamp}',
  );
  const [found, deleting] = result.stdout.trim().split(' ');
  return result.code === 0 && (found === undefined || found === '' || deleting !== undefined);
}

/** A pod on node-1 (kata/sleep) with these tolerations of k=v:NoExecute. */
function pod(name: string, toleration: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  nodeName: node-1
  containers:
    - name: main
      image: kata/sleep
${toleration ? `  tolerations:\n${toleration}` : ''}`;
}

/** The ReplicaSets of the Deployment web: "name replicas" each, sorted by name. */
async function replicaSets(): Promise<string[]> {
  const out = await kubectl(
    'get',
    'rs',
    '-l',
    'app=web',
    '-o',
    'jsonpath={range .items[*]}{.metadata.name} {.spec.replicas}{"\\n"}{end}',
  );
  return out.trim().split('\n').filter(Boolean).sort();
}

const it = test.skipIf(!hasKubectl);

describe('kubectl and the controllers', () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});

  it('kubectl taint NoExecute evicts at once, after tolerationSeconds, or never', async () => {
    const manifest = path.join(cluster!.kubectl.home, 'pods.yaml');
    const tolerate = (seconds?: number) =>
      `    - key: k\n      operator: Equal\n      value: v\n      effect: NoExecute\n${
        seconds === undefined ? '' : `      tolerationSeconds: ${seconds}\n`
      }`;
    writeFileSync(
      manifest,
      [pod('plain', ''), pod('five', tolerate(5)), pod('forever', tolerate())].join('---\n'),
    );
    await kubectl('apply', '-f', manifest);
    await waitFor(
      async () =>
        (await kubectl('get', 'pods', '-o', 'jsonpath={.items[*].status.phase}')) ===
        'Running Running Running',
      'the three pods Running on node-1',
      60_000,
    );
    const tolerations = JSON.parse(
      await kubectl('get', 'pod', 'plain', '-o', 'jsonpath={.spec.tolerations}'),
    ) as unknown[];
    expect(tolerations, "pod plain's tolerations: the API server's two defaults").toEqual(
      ['not-ready', 'unreachable'].map((key) => ({
        key: `node.kubernetes.io/${key}`,
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      })),
    );
    const tainted = Date.now();
    await kubectl('taint', 'node', 'node-1', 'k=v:NoExecute');
    await waitFor(() => evicted('plain'), 'pod plain (no toleration) evicted', 30_000);
    await waitFor(() => evicted('five'), 'pod five (tolerationSeconds 5) evicted', 60_000);
    const seconds = (Date.now() - tainted) / 1000;
    expect(seconds, 'seconds from kubectl taint to the eviction of pod five').toBeGreaterThan(4.5);
    expect(await evicted('forever'), 'pod forever, which tolerates k=v:NoExecute for ever').toBe(
      false,
    );
    const events = await kubectl(
      'get',
      'events',
      '--field-selector',
      'reason=TaintManagerEviction',
      '-o',
      'jsonpath={range .items[*]}{.message}{"\\n"}{end}',
    );
    expect(
      events.trim().split('\n').sort(),
      'the messages of the TaintManagerEviction events',
    ).toEqual(['Marking for deletion Pod default/five', 'Marking for deletion Pod default/plain']);
    await kubectl('taint', 'node', 'node-1', 'k=v:NoExecute-');
    await kubectl('delete', 'pod', 'forever', '--wait=false');
  }, 120_000);

  it('kubectl rollout undo scales the previous ReplicaSet back up, and makes no third', async () => {
    await kubectl('create', 'deployment', 'web', '--image=kata/echo:1.0');
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    const [firstName] = (await replicaSets()).map((line) => line.split(' ')[0]!);
    await kubectl('set', 'image', 'deployment/web', 'echo=kata/echo:2.0');
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    const secondName = (await replicaSets())
      .map((line) => line.split(' ')[0]!)
      .find((name) => name !== firstName);
    expect(secondName, 'a second ReplicaSet after kubectl set image').toBeDefined();
    await kubectl('rollout', 'undo', 'deployment/web');
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    await waitFor(
      async () =>
        (await replicaSets()).join(',') === [`${firstName} 1`, `${secondName} 0`].sort().join(','),
      `rollout undo: ${firstName} back to 1 replica, ${secondName} at 0, and no third ReplicaSet`,
      30_000,
    );
    const image = await kubectl(
      'get',
      'deployment/web',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    );
    expect(image, "the Deployment's image after rollout undo").toBe('kata/echo:1.0');
  }, 120_000);

  it('kubectl get svc shows EXTERNAL-IP <pending> for a LoadBalancer nobody serves', async () => {
    // The cluster's cloud-controller-manager serves LoadBalancers of no class (chapter 15a); one of
    // a class no controller here implements stays pending, as it would without a cloud.
    const manifest = path.join(cluster!.kubectl.home, 'lb.yaml');
    writeFileSync(
      manifest,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'lb' },
        spec: {
          type: 'LoadBalancer',
          loadBalancerClass: 'example.com/none',
          selector: { app: 'lb' },
          ports: [{ port: 80, targetPort: 8080 }],
        },
      }),
    );
    await kubectl('apply', '-f', manifest);
    const [header, row] = (await kubectl('get', 'svc', 'lb')).trim().split('\n');
    const column = header!.split(/\s{2,}/).indexOf('EXTERNAL-IP');
    expect(
      [column >= 0, row!.split(/\s{2,}/)[column]],
      `kubectl get svc lb: the EXTERNAL-IP column of ${JSON.stringify(row)}`,
    ).toEqual([true, '<pending>']);
  }, 120_000);
});
