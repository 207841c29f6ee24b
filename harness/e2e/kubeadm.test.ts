// Acceptance (issue #35, the control plane as kubeadm runs it): on `kata up --kubeadm` the store,
// the API server, the controller-manager and the scheduler are static pods of node-1's kubelet, so
// kube-system lists them as mirror pods on the node's IP (hostNetwork), beside kube-proxy's DaemonSet pod and the DNS's Deployment
// pod; removing the API server's manifest stops it and putting
// it back brings it back; `kata upgrade scheduler --use solutions` rolls the scheduler while a
// Deployment keeps scaling. A mirror pod deleted through the API comes back with its static pod
// untouched, and `kata components`, `kata kill` and `kata restart` reach the pods.
import { spawn } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mirrorPodAnnotation } from '../api/static-pods.ts';
import type { Pod } from '../api/types.ts';
import { manifestFile, readManifest } from '../cluster/kubeadm.ts';
import { useEverywhere } from '../cluster/options.ts';
import { repoRoot } from '../paths.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

const kata = path.join(repoRoot, 'harness', 'bin', 'kata.mjs');
const controlPlane = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
let running: KubectlCluster | undefined;

/** Runs the kata CLI to its end: its exit code and output. */
function runKata(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [kata, ...args], { cwd: repoRoot });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const kubectl = (...args: string[]) => running!.kubectl.run(...args);

/** The pods of kube-system by name, as kubectl lists them. */
async function systemPods(): Promise<Map<string, Pod>> {
  const listed = await kubectl('get', 'pods', '-n', 'kube-system', '-o', 'json');
  if (listed.code !== 0) return new Map();
  const items = (JSON.parse(listed.stdout) as { items: Pod[] }).items;
  return new Map(items.map((pod) => [pod.metadata.name!, pod]));
}

beforeAll(async () => {
  if (!hasKubectl) return;
  running = await startKubectlCluster(1, suiteNodeIndexBase.kubeadm, '127.127.0.0/24', {
    kubeadm: true,
    // The scheduler runs the learner's code where chapter 05 passes: `kata upgrade` moves it.
    use: { ...useEverywhere('solutions'), scheduler: 'auto' },
  });
}, 180_000);

afterAll(async () => {
  await running?.stop();
}, 60_000);

describe(`The control plane as static pods${hasKubectl ? '' : ` (${noKubectl})`}`, () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});

  test.skipIf(!hasKubectl)(
    'kube-system lists the control plane as mirror pods of node-1',
    async () => {
      let pods = new Map<string, Pod>();
      const mirrors = () => controlPlane.map((name) => pods.get(`${name}-node-1`));
      await waitFor(
        async () => {
          pods = await systemPods();
          return mirrors().every((pod) => pod?.status?.phase === 'Running');
        },
        'the four control-plane mirror pods Running',
        30_000,
      );
      for (const pod of mirrors()) {
        const name = pod!.metadata.name;
        expect(
          pod!.metadata.annotations?.[mirrorPodAnnotation],
          `${name}'s mirror annotation`,
        ).toBeTruthy();
        expect(pod!.metadata.ownerReferences?.[0]?.kind, `${name}'s owner`).toBe('Node');
        expect(pod!.spec.nodeName, `${name}'s node`).toBe('node-1');
        expect(pod!.metadata.labels?.tier, `${name}'s tier label`).toBe('control-plane');
        expect(pod!.status?.hostIP, `${name}'s host IP`).toMatch(/^127\./);
        expect(pod!.status?.podIP, `${name}'s pod IP, on the node's network`).toBe(
          pod!.status?.hostIP,
        );
      }
      const wide = await kubectl('get', 'pods', '-n', 'kube-system', '-o', 'wide');
      const node = await kubectl(
        'get',
        'node',
        'node-1',
        '-o',
        'jsonpath={.status.addresses[0].address}',
      );
      expect(wide.stdout, 'kubectl get pods -o wide: the API server on the node IP').toMatch(
        new RegExp(
          `^kube-apiserver-node-1\\s.*\\s${node.stdout.trim().replaceAll('.', '\\.')}\\s+node-1\\s`,
          'm',
        ),
      );
    },
  );

  test.skipIf(!hasKubectl)(
    'kube-proxy runs as a DaemonSet and the cluster DNS as a Deployment in kube-system',
    async () => {
      const owned = (pods: Map<string, Pod>, kind: string) =>
        [...pods.values()].filter((pod) => pod.metadata.ownerReferences?.[0]?.kind === kind);
      let pods = new Map<string, Pod>();
      await waitFor(
        async () => {
          pods = await systemPods();
          const proxies = owned(pods, 'DaemonSet');
          return proxies.length === 1 && proxies[0]!.status?.phase === 'Running';
        },
        'one kube-proxy pod of the DaemonSet Running on node-1',
        30_000,
      );
      expect(
        owned(pods, 'DaemonSet')[0]!.metadata.name,
        "the proxy pod's name, from its DaemonSet",
      ).toMatch(/^kube-proxy-/);
      const dns = owned(pods, 'ReplicaSet');
      expect(
        dns.map((pod) => pod.metadata.name),
        'the DNS pod, of the kube-dns Deployment',
      ).toEqual([expect.stringMatching(/^kube-dns-/)]);
      const lookup = await kubectl('get', 'service', 'kube-dns', '-n', 'kube-system');
      expect(lookup.code, `the kube-dns Service: ${lookup.stderr}`).toBe(0);
    },
  );

  test.skipIf(!hasKubectl)(
    "removing the API server's manifest stops it; putting it back brings it back",
    async () => {
      const file = manifestFile(path.join(running!.dataDir, 'nodes', 'node-1'), 'apiserver');
      expect(existsSync(file), `the API server's manifest ${file}`).toBe(true);
      const aside = path.join(running!.dataDir, 'kube-apiserver.yaml.aside');
      renameSync(file, aside);
      const readyz = () => kubectl('get', '--raw', '/readyz', '--request-timeout=2s');
      await waitFor(async () => (await readyz()).code !== 0, 'the API server to stop', 30_000);
      renameSync(aside, file);
      await waitFor(async () => (await readyz()).code === 0, 'the API server back', 60_000);
      const nodes = await kubectl('get', 'nodes');
      expect(nodes.code, `kubectl get nodes once it is back: ${nodes.stderr}`).toBe(0);
    },
    120_000,
  );

  test.skipIf(!hasKubectl)(
    'kata upgrade scheduler --use solutions rolls the scheduler while a Deployment keeps scaling',
    async () => {
      const created = await kubectl('create', 'deployment', 'steady', '--image=kata/sleep');
      expect(created.code, `kubectl create deployment: ${created.stderr}`).toBe(0);
      const before = (await systemPods()).get('kube-scheduler-node-1');
      const upgrading = runKata([
        'upgrade',
        'scheduler',
        '--use',
        'solutions',
        '--data-dir',
        running!.dataDir,
      ]);
      const scaled = await kubectl('scale', 'deployment', 'steady', '--replicas=3');
      expect(scaled.code, `kubectl scale while upgrading: ${scaled.stderr}`).toBe(0);
      const upgraded = await upgrading;
      expect(upgraded.code, `kata upgrade scheduler: ${upgraded.output}`).toBe(0);
      const file = manifestFile(path.join(running!.dataDir, 'nodes', 'node-1'), 'scheduler');
      expect(readManifest(file)?.spec.containers[0]?.args, 'the rewritten manifest').toContain(
        'solutions',
      );
      const after = (await systemPods()).get('kube-scheduler-node-1');
      expect(
        after?.metadata.annotations?.[mirrorPodAnnotation],
        "the scheduler's mirror pod carries the new manifest's hash",
      ).not.toBe(before?.metadata.annotations?.[mirrorPodAnnotation]);
      await kubectl('scale', 'deployment', 'steady', '--replicas=5');
      await waitFor(
        async () => {
          const got = await kubectl(
            'get',
            'deployment',
            'steady',
            '-o',
            'jsonpath={.status.readyReplicas}',
          );
          return got.stdout.trim() === '5';
        },
        'five replicas of steady Ready, scheduled by the upgraded scheduler',
        60_000,
      );
    },
    150_000,
  );

  test.skipIf(!hasKubectl)(
    'a mirror pod deleted through the API comes back; its static pod keeps running',
    async () => {
      const name = 'kube-controller-manager-node-1';
      const startedAt = (pod?: Pod) =>
        pod?.status?.containerStatuses?.[0]?.state?.running?.startedAt;
      const before = (await systemPods()).get(name);
      expect(startedAt(before), `${name}'s container before`).toBeTruthy();
      const deleted = await kubectl('delete', 'pod', name, '-n', 'kube-system', '--wait=false');
      expect(deleted.code, `kubectl delete pod ${name}: ${deleted.stderr}`).toBe(0);
      let after: Pod | undefined;
      await waitFor(
        async () => {
          after = (await systemPods()).get(name);
          return (
            after !== undefined &&
            after.metadata.uid !== before!.metadata.uid &&
            startedAt(after) !== undefined
          );
        },
        `a new mirror pod ${name} with its status`,
        60_000,
      );
      expect(after!.metadata.annotations?.[mirrorPodAnnotation], 'the new mirror pod').toBe(
        before!.metadata.annotations?.[mirrorPodAnnotation],
      );
      expect(startedAt(after), 'the static pod was not restarted by the deletion').toBe(
        startedAt(before),
      );
    },
    90_000,
  );

  test.skipIf(!hasKubectl)(
    "kata components lists the pods; kata kill sets a static pod's manifest aside, kata restart brings it back",
    async () => {
      const args = ['--data-dir', running!.dataDir];
      const listed = await runKata(['components', ...args]);
      expect(listed.code, `kata components: ${listed.output}`).toBe(0);
      for (const row of [
        /^store\s+running\s+ok\s+pod\/etcd-node-1\s/m,
        /^apiserver\s+running\s+ok\s+pod\/kube-apiserver-node-1\s/m,
        /^scheduler\s+running\s+ok\s+pod\/kube-scheduler-node-1\s/m,
        /^proxy-node-1\s+running\s+ok\s+pod\/kube-proxy-/m,
        /^dns\s+running\s+ok\s+pod\/kube-dns-/m,
      ])
        expect(listed.output, 'kata components under --kubeadm').toMatch(row);
      const file = manifestFile(path.join(running!.dataDir, 'nodes', 'node-1'), 'scheduler');
      const killed = await runKata(['kill', 'scheduler', ...args]);
      expect(killed.code, `kata kill scheduler: ${killed.output}`).toBe(0);
      expect(existsSync(file), "the scheduler's manifest once killed").toBe(false);
      await waitFor(
        async () => !(await systemPods()).has('kube-scheduler-node-1'),
        "the scheduler's mirror pod gone",
        60_000,
      );
      const down = await runKata(['components', ...args]);
      expect(down.output, 'kata components with the scheduler killed').toMatch(
        /^scheduler\s+killed\s/m,
      );
      const restarted = await runKata(['restart', 'scheduler', ...args]);
      expect(restarted.code, `kata restart scheduler: ${restarted.output}`).toBe(0);
      expect(existsSync(file), "the scheduler's manifest once restarted").toBe(true);
      await waitFor(
        async () => (await systemPods()).get('kube-scheduler-node-1')?.status?.phase === 'Running',
        "the scheduler's mirror pod back and Running",
        60_000,
      );
      const dnsBefore = [...(await systemPods()).keys()].find((name) =>
        name.startsWith('kube-dns-'),
      );
      const dns = await runKata(['restart', 'dns', ...args]);
      expect(dns.code, `kata restart dns: ${dns.output}`).toBe(0);
      const dnsAfter = [...(await systemPods()).values()]
        .filter((pod) => !pod.metadata.deletionTimestamp)
        .map((pod) => pod.metadata.name)
        .filter((name) => name?.startsWith('kube-dns-'));
      expect(dnsAfter, 'the DNS pod replaced by its Deployment').not.toContain(dnsBefore);
    },
    240_000,
  );
});
