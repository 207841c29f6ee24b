// `kata exam` end to end, on one real cluster: the exam starts (every scene set, the clock
// recorded), a scripted candidate solves half of it by weight (eight of the fifteen tasks, through
// kubectl where it is on PATH and through each task's fix otherwise), and the score says 50%, not
// passed, with ✓ for exactly the tasks solved. The other tasks' fixes then bring it to 100%, end
// ends the exam, and reset clears the scenes. The cluster has node addresses of its own
// (127.20.0.135 on, nodeIndexBase 134) and its own Service range, so it never meets a learner's
// cluster or another suite's.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Node } from '../api/types.ts';
import { startCluster, useEverywhere, type RunningCluster } from '../cluster/start.ts';
import { examTasks, readExamRecord } from '../kata/exam/exam.ts';
import { exam, verifyAll } from '../kata/exam/run.ts';
import { sceneFrom } from '../kata/tasks/scene.ts';
import { find } from '../kata/exam/scene.ts';
import { hasKubectl, kubectlFor, type Kubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';
import { suiteNodeIndexBase, withoutAddons } from './kubectl-cluster.ts';

const NODE_INDEX_BASE = suiteNodeIndexBase.exam;

/** The tasks the candidate solves: weights 6+4+5+7+6+5+8+9 = 50. */
const solved = [
  'create-deployment',
  'labels-annotations',
  'set-requests',
  'node-selector',
  'disruption-budget',
  'namespace',
  'broken-image',
  'service-endpoints',
];

/** How a learner would solve two of them with kubectl. */
const kubectlSolutions: Record<string, string[][]> = {
  'labels-annotations': [
    ['label', 'pod', 'exam-labelled', 'tier=frontend', 'run-'],
    ['annotate', 'pod', 'exam-labelled', 'owner=team-a'],
  ],
  'create-deployment': [['create', 'deployment', 'exam-web', '--image=nginx:1.27', '--replicas=2']],
  'disruption-budget': [
    ['create', 'poddisruptionbudget', 'exam-pdb', '--selector=app=exam-pdb', '--min-available=1'],
  ],
};

let cluster: RunningCluster | undefined;
let kubectl: Kubectl | undefined;
const folder = mkdtempSync(path.join(os.tmpdir(), 'kata-exam-e2e-'));
const dataDir = path.join(folder, 'cluster');
const examFile = path.join(folder, 'exam.json');
const printed: string[] = [];
const options = { examFile, print: (line: string) => void printed.push(line) };

beforeAll(async () => {
  cluster = await startCluster({
    nodes: 3,
    dataDir,
    fresh: true,
    use: useEverywhere('solutions'),
    storePort: 0,
    apiserverPort: 0,
    kubeletPort: 0,
    nodeIndexBase: NODE_INDEX_BASE,
    serviceClusterIpRange: '127.94.0.0/16',
    // Well above the kubelets' 10 s Lease renewal, so healthy nodes never flap.
    nodeMonitorGracePeriod: '20s',
    skip: withoutAddons,
    print: () => {},
  });
  if (hasKubectl) kubectl = kubectlFor(cluster.apiserver, 60_000);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  kubectl?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('kata exam on a running cluster', () => {
  test('start sets the scenes, records the start and prints the tasks and the clock', async () => {
    expect(await exam('start', { 'data-dir': dataDir }, options)).toBe(0);
    expect(readExamRecord(examFile)?.tasks).toHaveLength(examTasks.length);
    expect(printed.join('\n')).toContain('the exam has started: 120 minutes from now');
    expect(printed.join('\n')).toContain(
      ' 1. create-deployment (6%, 4 min, CKAD: Application Deployment)',
    );
    printed.length = 0;
    await exam('status', {}, options);
    expect(printed[0]).toBe('0m of 2h00m gone, 2h00m left');
  }, 180_000);

  test('a candidate who solves half the exam scores half, and fails it', async () => {
    const scene = sceneFrom(dataDir);
    for (const name of solved) {
      const commands = kubectl ? kubectlSolutions[name] : undefined;
      if (commands)
        for (const args of commands) {
          const result = await kubectl!.run(...args);
          expect(result.code, result.stderr).toBe(0);
        }
      else await examTasks.find(({ task }) => task.name === name)!.task.fix(scene);
    }
    const mine = examTasks.filter(({ task }) => solved.includes(task.name));
    await waitFor(
      async () => (await verifyAll(scene, mine)).every((outcome) => outcome.verdict.passed),
      'every solved task to verify',
      150_000,
    );
    printed.length = 0;
    expect(await exam('score', {}, options)).toBe(0);
    const lines = printed.join('\n');
    for (const { task, weight } of examTasks) {
      const mark = solved.includes(task.name) ? '✓' : '✗';
      expect(lines).toContain(`${mark} ${task.name} (${weight}%)`);
    }
    expect(lines).toContain('score 50% (8 of 15 tasks); the pass mark is 66%: not passed');
  }, 240_000);

  test("every other task's fix brings the score to 100%, and end ends the exam", async () => {
    const scene = sceneFrom(dataDir);
    const rest = examTasks.filter(({ task }) => !solved.includes(task.name));
    for (const { task } of rest) await task.fix(scene);
    await waitFor(
      async () => (await verifyAll(scene)).every((outcome) => outcome.verdict.passed),
      'every task to verify',
      180_000,
    );
    printed.length = 0;
    expect(await exam('end', {}, options)).toBe(0);
    expect(printed.join('\n')).toContain(
      'score 100% (15 of 15 tasks); the pass mark is 66%: passed',
    );
    expect(readExamRecord(examFile)).toBeUndefined();
  }, 240_000);

  test('reset clears the scenes, taints and cordons from the cluster', async () => {
    printed.length = 0;
    await exam('reset', { 'data-dir': dataDir }, options);
    expect(printed).toEqual(["the exam's objects are gone from the cluster"]);
    const scene = sceneFrom(dataDir);
    expect(await find(scene.client, 'services', 'exam-shop', 'default')).toBeUndefined();
    const nodes = await scene.client.resource<Node>('nodes').list();
    expect(nodes.items.flatMap((node) => node.spec?.taints ?? [])).toEqual([]);
    expect(nodes.items.filter((node) => node.spec?.unschedulable)).toEqual([]);
    await waitFor(
      async () => !(await find(scene.client, 'deployments', 'exam-web', 'default')),
      'the Deployment exam-web to be gone',
      60_000,
    );
  }, 120_000);
});
