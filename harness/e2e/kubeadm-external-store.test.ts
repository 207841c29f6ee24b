// `kata up --kubeadm --store-replicas 3`: kubeadm's external etcd topology. The store's three
// members stay processes of `kata up`, started before node-1's kubelet; the API server, the
// controller-manager and the scheduler are its static pods, the API server's --etcd-servers naming
// every member. kube-system has no etcd pod, `kata components` lists the members with their pids,
// and the API keeps answering with one member killed (the other two keep a quorum). The drill
// store-leader-lost runs here too: it needs a store of three members.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { manifestFile, readManifest } from '../cluster/kubeadm.ts';
import { storeLeaderLost } from '../kata/drill/drills/store-leader-lost.ts';
import { sceneFrom } from '../kata/tasks/scene.ts';
import type { Verdict } from '../kata/tasks/task.ts';
import { repoRoot } from '../paths.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

const kata = path.join(repoRoot, 'harness', 'bin', 'kata.mjs');
let running: KubectlCluster | undefined;

/** Runs the kata CLI on the suite's cluster to its end: its exit code and output. */
function runKata(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const argv = [kata, ...args, '--data-dir', running!.dataDir];
    const child = spawn(process.execPath, argv, { cwd: repoRoot });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

beforeAll(async () => {
  if (!hasKubectl) return;
  running = await startKubectlCluster(
    1,
    suiteNodeIndexBase.kubeadmExternalStore,
    '127.128.0.0/24',
    { kubeadm: true, storeReplicas: 3 },
  );
}, 180_000);

afterAll(async () => {
  await running?.stop();
}, 60_000);

describe(`--kubeadm with a replicated store${hasKubectl ? '' : ` (${noKubectl})`}`, () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});

  test.skipIf(!hasKubectl)(
    'the members are processes, the rest of the control plane static pods on one store',
    async () => {
      const rootDir = path.join(running!.dataDir, 'nodes', 'node-1');
      expect(existsSync(manifestFile(rootDir, 'store')), 'no etcd.yaml').toBe(false);
      const args = readManifest(manifestFile(rootDir, 'apiserver'))?.spec.containers[0]?.args;
      const servers = args?.[args.indexOf('--etcd-servers') + 1] ?? '';
      expect(servers.split(','), "the API server's --etcd-servers").toHaveLength(3);
      const pods = await running!.kubectl.run('get', 'pods', '-n', 'kube-system', '-o', 'name');
      expect(pods.stdout, 'kube-system').toContain('pod/kube-apiserver-node-1');
      expect(pods.stdout, 'kube-system: no etcd pod').not.toContain('pod/etcd-');
      const listed = await runKata(['components']);
      for (const member of ['store-1', 'store-2', 'store-3'])
        expect(listed.output, `kata components: ${member}`).toMatch(
          new RegExp(`^${member}\\s+running\\s+ok\\s+\\d+\\s`, 'm'),
        );
      const killed = await runKata(['kill', 'store-2']);
      expect(killed.code, `kata kill store-2: ${killed.output}`).toBe(0);
      await waitFor(
        async () => (await running!.kubectl.run('get', 'nodes')).code === 0,
        'the API answering with store-2 down',
        30_000,
      );
      const restarted = await runKata(['restart', 'store-2']);
      expect(restarted.code, `kata restart store-2: ${restarted.output}`).toBe(0);
    },
    120_000,
  );

  test.skipIf(!hasKubectl)(
    'the drill store-leader-lost: its leader killed, kubectl goes on; verify passes once the member is back',
    async () => {
      const scene = sceneFrom(running!.dataDir);
      try {
        await storeLeaderLost.prepare(scene);
        const broken = await storeLeaderLost.verify(scene);
        expect(broken.reasons.join('; '), 'verify with the leader killed').toMatch(
          /store-\d is not running/,
        );
        await waitFor(
          async () => (await running!.kubectl.run('get', 'deployment', '-n', 'ledger')).code === 0,
          'kubectl answering with the leader down',
          30_000,
        );
        await storeLeaderLost.fix(scene);
        let verdict: Verdict = { passed: false, reasons: ['never verified'] };
        await waitFor(
          async () => (verdict = await storeLeaderLost.verify(scene)).passed,
          'the drill verified after its fix',
          90_000,
        ).catch((error: Error) => {
          throw new Error(`${error.message}: ${verdict.reasons.join('; ')}`);
        });
      } finally {
        await storeLeaderLost.cleanUp(scene);
      }
    },
    180_000,
  );
});
