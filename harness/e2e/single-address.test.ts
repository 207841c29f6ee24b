// The single-address network mode, end to end, as a learner on a Mac without loopback aliases gets
// it: `kata up --network single` (what `--network auto` picks there) started as a real process,
// in a temporary data directory, on ephemeral store, API server and kubelet ports, with a Service
// range and a NodePort of its own. The scenario: three Ready nodes, all on 127.0.0.1; the hello
// example's pods Running and Ready, each with IP 127.0.0.1 and a port of its own recorded in
// kata.dev/host-ports; the NodePort on 127.0.0.1 answered by every pod; a kubelet restarted and
// its pod still answering on the same port; what kubectl shows (skipped without kubectl); a pod
// deleted for good on a scale-down; and Ctrl-C (SIGINT) leaving no process behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import type { Deployment, KubeObject, Node, Pod, Service } from '../api/types.ts';
import type { ApiClient } from '../client/types.ts';
import { readKubeconfig } from '../client/kubeconfig.ts';
import { portFree } from '../cluster/arguments.ts';
import { readClusterState } from '../cluster/state.ts';
import { hostPortsOf } from '../components/host-ports.ts';
import { controlComponent } from '../kata/cluster/components.ts';
import { readManifests } from '../kata/cluster/object-verbs.ts';
import { singleAddress } from '../network.ts';
import { repoRoot } from '../paths.ts';
import { answeringPod } from '../testing/answering-pod.ts';
import { hasKubectl, kubectlFor, noKubectl, type Kubectl } from '../testing/kubectl.ts';
import { processesOf } from '../testing/processes.ts';
import { waitFor } from '../testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kata-e2e-single-'));
let up: ChildProcess;
let exited: Promise<number | null>;
let output = '';
let client: ApiClient;
/** The hello Service's NodePort: one free now, so a learner's cluster on 30080 is not disturbed. */
let nodePort = 0;
/** The real kubectl, when this machine has it. */
let kubectl: Kubectl | undefined;

beforeAll(async () => {
  up = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'harness/bin/kata.mjs'),
      'up',
      '--network',
      'single',
      '--data-dir',
      dataDir,
      '--store-port',
      '0',
      '--apiserver-port',
      '0',
      '--kubelet-port',
      '0',
      // A Service range of its own (the cluster suite has 127.100/16): a learner's cluster on the
      // default range keeps its ClusterIPs.
      '--service-cluster-ip-range',
      '127.103.0.0/16',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } },
  );
  up.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  up.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  exited = new Promise((resolve) => up.once('exit', (code) => resolve(code)));
  await waitFor(
    () => readClusterState(dataDir) !== undefined || up.exitCode !== null,
    'kata up --network single to say the cluster is up',
    120_000,
  );
  expect(up.exitCode, `kata up exited early:\n${output}`).toBeNull();
  // The admin's kubeconfig: over TLS, reading it makes this process present its certificate.
  client = toolkit.createClient(readKubeconfig(readClusterState(dataDir)!.kubeconfig));
  // From 30300 on: clear of the examples' 30080 and 30081, which `kata doctor --network single`
  // (its own suite may run meanwhile) checks on 127.0.0.1, and of the drills' 30480.
  for (let port = 30300; port < 30400 && nodePort === 0; port++)
    if (await portFree(singleAddress, port)) nodePort = port;
  if (hasKubectl) kubectl = kubectlFor(readClusterState(dataDir)!.apiserver, 60_000);
}, 150_000);

afterAll(async () => {
  kubectl?.close();
  if (up && up.exitCode === null) {
    up.kill('SIGINT');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const ready = (pod: Pod) =>
  !pod.metadata.deletionTimestamp &&
  pod.status?.phase === 'Running' &&
  (pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);

async function readyPods(): Promise<Pod[]> {
  return (await client.resource<Pod>('pods', 'default').list()).items.filter(ready);
}

/** Waits until every pod of `names` has answered on the NodePort. */
async function everyPodAnswers(names: string[], what: string): Promise<void> {
  const answered = new Set<string>();
  await waitFor(
    async () => {
      const pod = await answeringPod(singleAddress, nodePort);
      if (pod) answered.add(pod);
      return names.every((name) => answered.has(name));
    },
    what,
    60_000,
  );
}

describe('The single-address network mode, end to end', () => {
  test('three nodes Ready, every one on 127.0.0.1, and the banner says what the mode means', async () => {
    const nodes = (await client.resource<Node>('nodes').list()).items;
    expect(nodes.map((node) => node.metadata.name).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    for (const node of nodes) {
      const readyCondition = node.status?.conditions?.find((c) => c.type === 'Ready');
      expect(readyCondition?.status, `${node.metadata.name} Ready`).toBe('True');
      const internal = node.status?.addresses?.find((a) => a.type === 'InternalIP');
      expect(internal?.address, `${node.metadata.name}'s InternalIP`).toBe(singleAddress);
    }
    expect(output, 'the banner').toMatch(/network: single address/);
  });

  test('hello applied (by kubectl where there is one): every pod on 127.0.0.1 with a port of its own, and the NodePort answered by all', async () => {
    // The example, with this suite's NodePort.
    const objects = readManifests(path.join(repoRoot, 'harness/examples/hello.yaml'));
    for (const object of objects)
      if (object.kind === 'Service') (object as Service).spec.ports![0]!.nodePort = nodePort;
    if (kubectl) {
      const manifest = path.join(kubectl.home, 'hello.yaml');
      writeFileSync(manifest, objects.map((object) => stringify(object)).join('---\n'));
      const applied = await kubectl.run('apply', '-f', manifest);
      expect(applied.code, applied.stderr).toBe(0);
    } else {
      for (const object of objects)
        await client
          .resource<KubeObject>(object.kind === 'Service' ? 'services' : 'deployments', 'default')
          .create(object);
    }
    await waitFor(async () => (await readyPods()).length === 3, 'three hello pods Ready', 90_000);
    const pods = await readyPods();
    const published = pods.map((pod) => hostPortsOf(pod).get(8080));
    for (const pod of pods) expect(pod.status?.podIP, pod.metadata.name).toBe(singleAddress);
    expect(new Set(published).size, `published ports ${published.join(', ')}`).toBe(3);
    expect(published.every((port) => port !== undefined && port !== 8080)).toBe(true);
    await everyPodAnswers(
      pods.map((pod) => pod.metadata.name!),
      `each of the three pods answering on ${singleAddress}:${nodePort}`,
    );
  }, 150_000);

  test('a kubelet restarted adopts its pod, which keeps its published port and keeps answering', async () => {
    const before = (await readyPods()).find((pod) => pod.spec.nodeName === 'node-1');
    if (!before) return expect.fail('no hello pod on node-1');
    await controlComponent('restart', 'kubelet-node-1', { 'data-dir': dataDir }, () => {});
    await waitFor(
      async () => (await readyPods()).some((pod) => pod.metadata.uid === before.metadata.uid),
      `${before.metadata.name} Ready after its kubelet restarted`,
      60_000,
    );
    const after = await client.resource<Pod>('pods', 'default').get(before.metadata.name!);
    expect(hostPortsOf(after)).toEqual(hostPortsOf(before));
    expect(after.status?.containerStatuses?.[0]?.restartCount, 'adopted, not restarted').toBe(0);
    await everyPodAnswers(
      [before.metadata.name!],
      `${before.metadata.name} answering after its kubelet restarted`,
    );
  }, 120_000);

  describe('what kubectl shows', () => {
    if (!hasKubectl) test.skip(noKubectl, () => {});

    test.runIf(hasKubectl)(
      'get pods and nodes -o wide: IP 127.0.0.1; the published ports in a custom column',
      async () => {
        const wide = await kubectl!.run('get', 'pods', '-o', 'wide');
        expect(wide.code, wide.stderr).toBe(0);
        const rows = wide.stdout.trim().split('\n').slice(1);
        expect(rows).toHaveLength(3);
        for (const row of rows) expect(row, 'the IP column').toContain(` ${singleAddress} `);
        const columns = 'NAME:.metadata.name,PORTS:.metadata.annotations.kata\\.dev/host-ports';
        const ports = await kubectl!.run('get', 'pods', '-o', `custom-columns=${columns}`);
        expect(ports.stdout).toMatch(/127\.0\.0\.1:\d+->8080\/TCP/);
        const nodes = await kubectl!.run('get', 'nodes', '-o', 'wide');
        for (const row of nodes.stdout.trim().split('\n').slice(1))
          expect(row, 'the INTERNAL-IP column').toContain(` ${singleAddress} `);
      },
      60_000,
    );
  });

  test('scaled down to two: the third pod is removed for good, and the two left still answer', async () => {
    await client.resource<Deployment>('deployments', 'default').scale('hello', 2);
    const pods = client.resource<Pod>('pods', 'default');
    await waitFor(
      async () => (await pods.list()).items.length === 2,
      'two hello pods left, the third one gone from the API',
      60_000,
    );
    await everyPodAnswers(
      (await readyPods()).map((pod) => pod.metadata.name!),
      `the two pods left answering on ${singleAddress}:${nodePort}`,
    );
  }, 120_000);

  test('Ctrl-C (SIGINT) stops the cluster and its pods: no process is left', async () => {
    up.kill('SIGINT');
    expect(await exited, `kata up's exit code\n${output.slice(-2000)}`).toBe(0);
    await waitFor(
      () => processesOf(dataDir).length === 0,
      'every process of the cluster to exit',
      30_000,
    );
  }, 60_000);
});
