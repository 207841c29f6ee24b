// DaemonSets and StatefulSets on a real cluster (issue #27's acceptance, chapter 13b): a DaemonSet
// has a pod on each of three nodes and on a fourth node started later; `rollout status`,
// `rollout history` and `rollout undo` work on it; a StatefulSet of three starts in order, and its
// web-1 deleted comes back as web-1 with the same claim. One reference cluster, on node addresses
// (nodeIndexBase 84, the fourth node 87) and a Service range (127.114.0.0/24) no other suite uses.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { choosePort } from '../cluster/arguments.ts';
import { nodeIp, podCidrForNode } from '../network.ts';
import { repoRoot } from '../paths.ts';
import { ProcessRuntime } from '../runtime/process-runtime.ts';
import { hasKubectl, noKubectl, type Kubectl } from '../testing/kubectl.ts';
import { spawnTethered, stopTethered } from '../testing/tethered.ts';
import { waitFor } from '../testing/wait.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

const base = suiteNodeIndexBase.workloads;
let running: KubectlCluster | undefined;
let kubectl: Kubectl;
let fourth: ChildProcess | undefined;

beforeAll(async () => {
  if (!hasKubectl) return;
  running = await startKubectlCluster(3, base, '127.114.0.0/24');
  kubectl = running.kubectl;
}, 120_000);

afterAll(async () => {
  if (fourth) {
    await stopTethered(fourth);
    const stateDir = path.join(running!.dataDir, 'nodes', 'node-4', 'runtime');
    await new ProcessRuntime({ stateDir, podCidr: podCidrForNode(base + 3) })
      .close({ stopAll: true })
      .catch(() => {});
  }
  await running?.stop();
}, 60_000);

/** kubectl's output; a non-zero exit fails the test with kubectl's stderr. */
const run = (...args: string[]) => kubectl.output(...args);

/** Applies a manifest written to kubectl's home. */
async function apply(name: string, manifest: string): Promise<void> {
  const file = path.join(kubectl.home, name);
  writeFileSync(file, manifest);
  await run('apply', '-f', file);
}

/** "node pod-name" of each Running pod labelled app=`app`, sorted. */
async function runningPods(app: string): Promise<string[]> {
  const out = await run(
    'get',
    'pods',
    '-l',
    `app=${app}`,
    '-o',
    'jsonpath={range .items[?(@.status.phase=="Running")]}{.spec.nodeName} {.metadata.name}{"\\n"}{end}',
  );
  return out.split('\n').filter(Boolean).sort();
}

/** Starts a fourth kubelet, node-4, on the next address of the suite's block. */
async function startFourthNode(): Promise<void> {
  const ip = nodeIp(base + 3);
  const port = await choosePort(ip, 0);
  fourth = spawnTethered(process.execPath, [
    path.join(repoRoot, 'harness', 'bin', 'kata.mjs'),
    'run',
    'kubelet',
    '--kubeconfig',
    path.join(running!.dataDir, 'kubeconfig'),
    '--node-name',
    'node-4',
    '--node-ip',
    ip,
    '--pod-cidr',
    podCidrForNode(base + 3),
    '--root-dir',
    path.join(running!.dataDir, 'nodes', 'node-4'),
    '--port',
    String(port),
    '--use',
    'solutions',
  ]);
}

const daemonSet = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: logs
spec:
  selector:
    matchLabels: { app: logs }
  template:
    metadata:
      labels: { app: logs }
    spec:
      containers:
        - name: echo
          image: kata/echo:1.0
`;

const statefulSet = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector: { app: web }
  ports: [{ port: 8080 }]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 3
  serviceName: web
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: echo
          image: kata/echo:1.0
          ports: [{ containerPort: 8080 }]
  volumeClaimTemplates:
    - metadata: { name: data }
      spec:
        accessModes: [ReadWriteOnce]
        resources: { requests: { storage: 1Gi } }
`;

describe('DaemonSets and StatefulSets on a real cluster', () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});
  const it = test.skipIf(!hasKubectl);

  it('a DaemonSet runs a pod on each of three nodes, and on a fourth node started later', async () => {
    await apply('ds.yaml', daemonSet);
    await waitFor(async () => (await runningPods('logs')).length === 3, 'three logs pods', 60_000);
    expect(
      (await runningPods('logs')).map((line) => line.split(' ')[0]),
      'kubectl get pods -l app=logs: the nodes of the Running pods',
    ).toEqual(['node-1', 'node-2', 'node-3']);
    await startFourthNode();
    await waitFor(
      async () => (await runningPods('logs')).some((line) => line.startsWith('node-4 ')),
      'a logs pod on node-4',
      60_000,
    );
    // The DaemonSet's status counts its pods' changes in batches: it follows a moment later.
    const counts = async () =>
      (await run('get', 'ds', 'logs', '--no-headers')).split(/\s+/).slice(1, 6);
    await waitFor(
      async () => (await counts()).every((count) => count === '4'),
      'kubectl get ds logs to count 4 pods in every column',
      30_000,
    );
    expect(
      await counts(),
      'kubectl get ds logs: desired, current, ready, up-to-date, available',
    ).toEqual(['4', '4', '4', '4', '4']);
  }, 120_000);

  it('rollout status, history and undo work on the DaemonSet', async () => {
    await run('set', 'image', 'ds/logs', 'echo=kata/echo:2.0');
    const status = await run('rollout', 'status', 'ds/logs', '--timeout=60s');
    expect(status, 'kubectl rollout status ds/logs').toContain('successfully rolled out');
    const history = await run('rollout', 'history', 'ds/logs');
    expect(history, 'kubectl rollout history ds/logs lists revisions 1 and 2').toMatch(
      /1\s.*\n2\s/,
    );
    await run('rollout', 'undo', 'ds/logs');
    await run('rollout', 'status', 'ds/logs', '--timeout=60s');
    const image = await run(
      'get',
      'ds',
      'logs',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    );
    expect(image, 'the image after kubectl rollout undo ds/logs').toBe('kata/echo:1.0');
  }, 150_000);

  it('a StatefulSet of three starts in order; web-1 deleted comes back with the same claim', async () => {
    const watch = kubectl.start(
      'get',
      'pods',
      '-l',
      'app=web',
      '--watch',
      '--output-watch-events',
      '-o',
      'jsonpath={.type} {.object.metadata.name}{"\\n"}',
    );
    let events = '';
    watch.stdout.on('data', (chunk: Buffer) => (events += chunk.toString()));
    try {
      await apply('sts.yaml', statefulSet);
      await run('rollout', 'status', 'sts/web', '--timeout=90s');
    } finally {
      watch.kill();
    }
    const added = events
      .split('\n')
      .filter((line) => line.startsWith('ADDED'))
      .map((line) => line.split(' ')[1]);
    expect(added, 'the order kubectl get pods --watch saw the pods added').toEqual([
      'web-0',
      'web-1',
      'web-2',
    ]);
    const claims = await run('get', 'pvc', '-o', 'jsonpath={.items[*].metadata.name}');
    expect(claims.split(' ').sort(), 'kubectl get pvc').toEqual([
      'data-web-0',
      'data-web-1',
      'data-web-2',
    ]);
    const before = await run('get', 'pod', 'web-1', '-o', 'jsonpath={.metadata.uid}');
    await run('delete', 'pod', 'web-1');
    await waitFor(
      async () => {
        const now = await kubectl.run(
          'get',
          'pod',
          'web-1',
          '-o',
          'jsonpath={.metadata.uid} {.status.phase}',
        );
        return now.code === 0 && !now.stdout.startsWith(before) && now.stdout.endsWith('Running');
      },
      'a new web-1 Running',
      60_000,
    );
    const claim = await run(
      'get',
      'pod',
      'web-1',
      '-o',
      'jsonpath={.spec.volumes[?(@.name=="data")].persistentVolumeClaim.claimName}',
    );
    expect(claim, 'the claim of the new web-1').toBe('data-web-1');
  }, 150_000);
});
