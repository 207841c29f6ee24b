// Every break-fix drill on a real cluster (issue #23's acceptance): start it, see `verify` fail,
// apply the drill's intended fix as a learner would (through the API, as kubectl does), and see
// `verify` pass. One reference cluster serves the whole suite, the drills run one after another
// with each one's cleanUp between. The cluster has node addresses of its own (127.20.0.125 on,
// nodeIndexBase 124) and its own Service range, so it runs beside the other e2e suites and never
// disturbs a learner's cluster on the default addresses.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Pod } from '../api/types.ts';
import { startCluster, useEverywhere, type RunningCluster } from '../cluster/start.ts';
import { drills } from '../kata/drill/drills/index.ts';
import { kubeletUpgrade } from '../kata/drill/drills/kubelet-upgrade.ts';
import { missingImage } from '../kata/drill/drills/missing-image.ts';
import { nodePort, nodePortTaken } from '../kata/drill/drills/nodeport-taken.ts';
import { serviceSelector } from '../kata/drill/drills/service-selector.ts';
import { storeLeaderLost } from '../kata/drill/drills/store-leader-lost.ts';
import { wrongTargetPort } from '../kata/drill/drills/wrong-target-port.ts';
import { sceneFrom } from '../kata/tasks/scene.ts';
import type { Task, TaskScene, Verdict } from '../kata/tasks/task.ts';
import { service } from '../kata/tasks/workloads.ts';
import { repoRoot } from '../paths.ts';
import { hasKubectl, kubectlFor, noKubectl } from '../testing/kubectl.ts';
import { suiteNodeIndexBase, withoutAddons } from './kubectl-cluster.ts';

const NODE_INDEX_BASE = suiteNodeIndexBase.drills;
const workspace = mkdtempSync(path.join(os.tmpdir(), 'kata-e2e-drills-'));
const dataDir = path.join(workspace, 'cluster');
let cluster: RunningCluster | undefined;

beforeAll(async () => {
  mkdirSync(dataDir);
  cluster = await startCluster({
    nodes: 2,
    dataDir,
    fresh: true,
    use: useEverywhere('solutions'),
    storePort: 0,
    apiserverPort: 0,
    kubeletPort: 0,
    nodeIndexBase: NODE_INDEX_BASE,
    serviceClusterIpRange: '127.84.0.0/16',
    // Well above the kubelets' 10 s Lease renewal, so healthy nodes never flap.
    nodeMonitorGracePeriod: '20s',
    skip: withoutAddons,
    print: () => {},
  });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(workspace, { recursive: true, force: true });
});

/**
 * What each drill's verify says once its break has shown (the cluster has acted on it): the test
 * waits for it, so verify is seen to fail for the drill's reason, not only because the cluster has
 * not yet caught up.
 */
const symptoms: Record<string, RegExp> = {
  'missing-image': /ErrImagePull|ImagePullBackOff/,
  'crash-loop': /CrashLoopBackOff|Error|not Ready/,
  'requests-too-big': /Pending, not scheduled/,
  'service-selector': /has no ready endpoints/,
  'kubelet-stopped': /kubelet of node-2 is not running/,
  'scheduler-down': /Pending, not scheduled/,
  'kubeconfig-server': /does not answer/,
  'wrong-target-port': /endpoint .* does not answer/,
  'readiness-probe': /has no ready endpoints/,
  'untolerated-taint': /Pending, not scheduled/,
  'nodeport-taken': /Service desk does not exist/,
  'stuck-rollout': /ErrImagePull|ImagePullBackOff/,
  'store-stopped': /listing pods fails/,
  'kubelet-upgrade': /kubelet runs --use auto/,
};

/** Polls a drill's verify until it fails with its symptom; returns that verdict. */
async function showsSymptom(drill: Task, scene: TaskScene, timeoutMs: number): Promise<Verdict> {
  const symptom = symptoms[drill.name];
  if (!symptom) throw new Error(`drills.test.ts names no symptom for drill ${drill.name}`);
  const deadline = Date.now() + timeoutMs;
  let verdict: Verdict = { passed: false, reasons: ['never verified'] };
  for (let delay = 50; Date.now() < deadline; delay = Math.min(delay * 2, 500)) {
    verdict = await drill.verify(scene);
    if (verdict.passed) throw new Error(`${drill.name} verified before any fix`);
    if (verdict.reasons.some((reason) => symptom.test(reason))) return verdict;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  throw new Error(`${drill.name} never showed ${symptom}: ${verdict.reasons.join('; ')}`);
}

/** Polls a drill's verify until it passes; fails with its last reasons after the deadline. */
async function verifiesWithin(drill: Task, scene: TaskScene, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let verdict: Verdict = { passed: false, reasons: ['never verified'] };
  for (let delay = 50; Date.now() < deadline; delay = Math.min(delay * 2, 500)) {
    verdict = await drill.verify(scene);
    if (verdict.passed) return;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  throw new Error(`${drill.name} did not verify after its fix: ${verdict.reasons.join('; ')}`);
}

/**
 * Runs `kata drill ...` as a learner does. Asynchronously: a blocked event loop would leave the
 * suite's own idle connections to the API server half-closed, to fail on their next use.
 */
function kataDrill(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return kata('drill', ...args);
}

/** Runs the kata CLI on the suite's cluster: `kata VERB ... --data-dir <the suite's>`. */
function kata(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = [path.join(repoRoot, 'harness/bin/kata.mjs'), ...args, '--data-dir', dataDir];
  const env = { ...process.env, NO_COLOR: '1' };
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: repoRoot, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('kata drill on a running cluster', () => {
  test('start, verify before and after the fix, reset: through the command line', async () => {
    const started = await kataDrill('start', serviceSelector.name);
    expect(started.stderr, 'kata drill start: stderr').toBe('');
    expect(started.stdout, 'kata drill start').toContain(serviceSelector.statement);
    const status = await kataDrill('status');
    expect(status.stdout, 'kata drill status').toContain('0 of 5 minutes');
    expect(status.stdout, 'kata drill status').toContain(serviceSelector.statement);
    expect((await kataDrill('hint')).stdout.trim(), 'kata drill hint').toBe(serviceSelector.hint);
    const again = await kataDrill('start', serviceSelector.name);
    expect(again.stderr.trim(), 'a second kata drill start').toBe(
      'kata: drill service-selector is under way; `kata drill reset` ends it first',
    );
    const before = await kataDrill('verify');
    expect(before.code, 'kata drill verify before the fix: exit code').toBe(1);
    expect(before.stdout, 'kata drill verify before the fix').toMatch(
      /^Not yet \(0 of 5 minutes\)/,
    );
    const scene = sceneFrom(dataDir);
    await serviceSelector.fix(scene);
    await verifiesWithin(serviceSelector, scene, 60_000);
    const after = await kataDrill('verify');
    expect(after.code, 'kata drill verify after the fix: exit code').toBe(0);
    expect(after.stdout, 'kata drill verify after the fix').toContain(serviceSelector.explanation);
    const reset = await kataDrill('reset');
    expect(reset.code, `kata drill reset: ${reset.stderr}`).toBe(0);
    expect((await kataDrill('status')).code, 'kata drill status after reset').toBe(1);
  }, 120_000);

  test('nodeport-taken: the API server refuses the Service while the old one holds the port', async () => {
    const scene = sceneFrom(dataDir);
    try {
      await nodePortTaken.prepare(scene);
      const taken = { port: 80, targetPort: 8080, nodePort };
      const refused = await scene.client
        .resource('services', 'tickets')
        .create(service('tickets', 'desk', 'desk', taken, 'NodePort'))
        .then(
          () => undefined,
          (error: unknown) => error as { code?: number; message: string },
        );
      expect(refused?.code, 'creating Service desk on a taken node port').toBe(422);
      expect(refused?.message).toMatch(/already allocated/);
    } finally {
      await nodePortTaken.cleanUp(scene);
    }
  }, 120_000);

  test('kubelet-upgrade: kata upgrade kubelet leaves the pods running, and without a drain first the drill does not pass', async () => {
    const scene = sceneFrom(dataDir);
    try {
      await kubeletUpgrade.prepare(scene);
      const onNode2 = async () =>
        (await scene.client.resource<Pod>('pods', 'checkout').list()).items.filter(
          (pod) => pod.spec.nodeName === 'node-2',
        );
      const before = (await onNode2()).map((pod) => pod.metadata.uid);
      const upgraded = await kata('upgrade', 'kubelet', '--node', 'node-2', '--use', 'solutions');
      expect(upgraded.code, `kata upgrade kubelet: ${upgraded.stderr}`).toBe(0);
      expect(upgraded.stdout, 'kata upgrade kubelet on a node not cordoned').toMatch(
        /node-2 is not cordoned[\s\S]*kubelet-node-2 runs with --use solutions/,
      );
      const after = await onNode2();
      expect(
        after.map((pod) => pod.metadata.uid),
        "node-2's pods across the kubelet's restart",
      ).toEqual(before);
      const verdict = await kubeletUpgrade.verify(scene);
      expect(verdict.reasons.join('; '), 'verify after an upgrade with no drain').toMatch(
        /still runs on node-2: it was not drained/,
      );
      const twice = await kata('upgrade', 'kubelet', '--node', 'node-2', '--use', 'solutions');
      expect(twice.stdout, 'kata upgrade kubelet again').toContain('nothing to do');
      const unknown = await kata('upgrade', 'kubelet', '--node', 'node-9', '--use', 'solutions');
      expect(unknown.stderr.trim(), 'kata upgrade kubelet on a node that is not there').toMatch(
        /^kata: no node "node-9" in the cluster; its nodes are node-1, node-2$/,
      );
    } finally {
      await kubeletUpgrade.cleanUp(scene);
    }
  }, 180_000);

  // store-leader-lost needs a store of three members: kubeadm-external-store.test.ts runs it.
  test('store-leader-lost refuses a cluster whose store is one member, in one line', async () => {
    const started = await kataDrill('start', storeLeaderLost.name);
    expect(started.code, `kata drill start ${storeLeaderLost.name}: ${started.stderr}`).not.toBe(0);
    expect(started.stderr.trim(), 'its one line').toMatch(
      /^kata: drill store-leader-lost could not start: this drill needs a store of three members: kata up --store-replicas 3;[^\n]*$/,
    );
  }, 60_000);

  for (const drill of drills.filter((candidate) => candidate !== storeLeaderLost))
    test(`${drill.name}: verify fails once broken and passes after the fix`, async () => {
      const scene = sceneFrom(dataDir);
      try {
        await drill.prepare(scene);
        const broken = await showsSymptom(drill, scene, 60_000);
        expect(broken.passed, `${drill.name}: verify once broken`).toBe(false);
        await drill.fix(scene);
        await verifiesWithin(drill, scene, 90_000);
      } finally {
        await drill.cleanUp(scene);
      }
    }, 180_000);
});

/** Drills fixed with the real kubectl's imperative forms, the way a learner types them. */
const kubectlFixes: [Task, string[]][] = [
  [missingImage, ['set', 'image', 'deployment/thumbs', 'thumbs=nginx:1.27', '-n', 'media']],
  [
    wrongTargetPort,
    [
      'patch',
      'service',
      'search',
      '-n',
      'catalog',
      '--type',
      'json',
      '-p',
      '[{"op":"replace","path":"/spec/ports/0/targetPort","value":8080}]',
    ],
  ],
];

describe.skipIf(!hasKubectl)('drills fixed with kubectl', () => {
  for (const [drill, args] of kubectlFixes)
    test(`${drill.name}: kubectl ${args.slice(0, 2).join(' ')} fixes it`, async () => {
      const scene = sceneFrom(dataDir);
      const kubectl = kubectlFor(scene.cluster.apiserver, 60_000);
      try {
        await drill.prepare(scene);
        await showsSymptom(drill, scene, 60_000);
        const result = await kubectl.run(...args);
        expect(result.code, `kubectl ${args.join(' ')}: ${result.stderr}`).toBe(0);
        await verifiesWithin(drill, scene, 90_000);
      } finally {
        kubectl.close();
        await drill.cleanUp(scene);
      }
    }, 180_000);

  test("kubelet-upgrade: kubeadm's flow, kubectl drain, kata upgrade kubelet, kubectl uncordon", async () => {
    const scene = sceneFrom(dataDir);
    const kubectl = kubectlFor(scene.cluster.apiserver, 60_000);
    try {
      await kubeletUpgrade.prepare(scene);
      await showsSymptom(kubeletUpgrade, scene, 60_000);
      const drained = await kubectl.run('drain', 'node-2', '--ignore-daemonsets', '--timeout=90s');
      expect(drained.code, `kubectl drain node-2: ${drained.stderr}`).toBe(0);
      const upgraded = await kata('upgrade', 'kubelet', '--node', 'node-2', '--use', 'solutions');
      expect(upgraded.code, `kata upgrade kubelet: ${upgraded.stderr}`).toBe(0);
      expect(upgraded.stdout, 'kata upgrade kubelet on a cordoned node').toContain(
        'kubectl uncordon node-2',
      );
      const uncordoned = await kubectl.run('uncordon', 'node-2');
      expect(uncordoned.code, `kubectl uncordon node-2: ${uncordoned.stderr}`).toBe(0);
      await verifiesWithin(kubeletUpgrade, scene, 90_000);
    } finally {
      kubectl.close();
      await kubeletUpgrade.cleanUp(scene);
    }
  }, 240_000);
});

describe.skipIf(hasKubectl)('drills fixed with kubectl', () => {
  test(noKubectl, () => {});
});
