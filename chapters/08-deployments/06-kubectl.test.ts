// The real kubectl (1.32) rolling Deployments out on a cluster of the reference API server, the
// ReplicaSet controller, the fake kubelet and your Deployment controller. `kubectl rollout`
// reads what your controller writes: status counters, conditions, revision annotations, the
// ReplicaSets' ownerReferences. Skipped, with the reason, when kubectl is not on PATH.
import { afterAll, describe, expect, test } from 'vitest';
import { startApiServer, type RunningApiServer } from '../../harness/testing/apiserver.ts';
import { FakeKubelet } from '../../harness/testing/fake-kubelet.ts';
import {
  hasKubectl,
  kubectlFor,
  noKubectl,
  type Kubectl,
  type KubectlResult,
} from '../../harness/testing/kubectl.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createReplicaSetController } from '../../solutions/07-controllers/replicaset.ts';
import { createDeploymentController } from './deployment.ts';

let server: RunningApiServer | undefined;
let cli: Kubectl | undefined;
const stop = new AbortController();
let started: Promise<void> | undefined;
/** Rejects as soon as a component of the cluster fails (your controller throwing, say). */
let failed: Promise<never> = new Promise(() => {});

/** The cluster, started by the first test that needs it and shared by the ones after it. */
function start(): Promise<void> {
  started ??= (async () => {
    server = await startApiServer();
    cli = kubectlFor(server.url, 60_000);
    const client = toolkit.createClient({ server: server.url });
    failed = Promise.all([
      new FakeKubelet({ toolkit, client, nodes: ['node-1'] }).run(stop.signal),
      createReplicaSetController({ toolkit, client }).run(stop.signal),
      createDeploymentController({ toolkit, client }).run(stop.signal),
    ]).then(() => {
      throw new Error('the cluster stopped');
    });
    failed.catch(() => {});
  })();
  return started;
}

afterAll(async () => {
  stop.abort();
  await server?.close();
  cli?.close();
});

/**
 * Runs kubectl against the cluster; resolves with what it printed and its exit code, or rejects
 * at once with the error of a component that failed meanwhile (kubectl would only wait in vain).
 */
function kubectl(...args: string[]): Promise<KubectlResult> {
  return Promise.race([cli!.run(...args), failed]);
}

/** kubectl rollout status, which waits (with its own deadline) until the rollout is done. */
async function rolledOut(): Promise<void> {
  const result = await kubectl('rollout', 'status', 'deployment/web', '--timeout=45s');
  expect(
    [result.code, result.stdout.trim().split('\n').at(-1)],
    `kubectl rollout status deployment/web should exit 0 saying it rolled out (stderr: ${result.stderr})`,
  ).toEqual([0, 'deployment "web" successfully rolled out']);
}

const it = test.skipIf(!hasKubectl);

describe('Rollouts with kubectl', () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});

  it('kubectl create deployment, then rollout status waits for it', async () => {
    await start();
    const created = await kubectl(
      'create',
      'deployment',
      'web',
      '--image=kata/echo:1.0',
      '--replicas=3',
    );
    expect(
      [created.code, created.stdout.trim()],
      `kubectl create deployment web --image=kata/echo:1.0 --replicas=3 should exit 0 (stderr: ${created.stderr})`,
    ).toEqual([0, 'deployment.apps/web created']);
    await rolledOut();
  });

  it('kubectl set image starts a rollout; rollout history lists both revisions', async () => {
    await start();
    const set = await kubectl('set', 'image', 'deployment/web', 'echo=kata/echo:2.0');
    expect(
      [set.code, set.stdout.trim()],
      `kubectl set image deployment/web echo=kata/echo:2.0 should exit 0 (stderr: ${set.stderr})`,
    ).toEqual([0, 'deployment.apps/web image updated']);
    await rolledOut();
    const history = await kubectl('rollout', 'history', 'deployment/web');
    expect(
      history.code,
      `kubectl rollout history deployment/web should exit 0 (stderr: ${history.stderr})`,
    ).toBe(0);
    const rows = history.stdout
      .trim()
      .split('\n')
      .slice(2)
      .map((line) => line.split(/\s+/)[0]);
    expect(rows, 'rollout history after one set image: the REVISION column lists 1 and 2').toEqual([
      '1',
      '2',
    ]);
  });

  it('kubectl rollout undo --to-revision=1 puts the first template back, on its first ReplicaSet', async () => {
    await start();
    const undo = await kubectl('rollout', 'undo', 'deployment/web', '--to-revision=1');
    expect(
      [undo.code, undo.stdout.trim()],
      `kubectl rollout undo deployment/web --to-revision=1 should exit 0 (stderr: ${undo.stderr})`,
    ).toEqual([0, 'deployment.apps/web rolled back']);
    await rolledOut();
    const image = await kubectl(
      'get',
      'deployment/web',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    );
    expect(image.stdout, "the Deployment's image after undo to revision 1: revision 1's").toBe(
      'kata/echo:1.0',
    );
    const replicaSets = await kubectl(
      'get',
      'rs',
      '-o',
      'jsonpath={range .items[*]}{.spec.template.spec.containers[0].image}={.spec.replicas} {end}',
    );
    expect(
      replicaSets.stdout.trim().split(' ').sort(),
      'image=replicas of each ReplicaSet after the undo: the first scaled back up, no third made (kubectl sends the template back with creationTimestamp: null and resources: {})',
    ).toEqual(['kata/echo:1.0=3', 'kata/echo:2.0=0']);
  });

  it('kubectl rollout pause, scale and resume', async () => {
    await start();
    const pause = await kubectl('rollout', 'pause', 'deployment/web');
    expect(
      [pause.code, pause.stdout.trim()],
      `kubectl rollout pause deployment/web should exit 0 (stderr: ${pause.stderr})`,
    ).toEqual([0, 'deployment.apps/web paused']);
    const scale = await kubectl('scale', 'deployment/web', '--replicas=4');
    expect(
      [scale.code, scale.stdout.trim()],
      `kubectl scale deployment/web --replicas=4 should exit 0 (stderr: ${scale.stderr})`,
    ).toEqual([0, 'deployment.apps/web scaled']);
    const resume = await kubectl('rollout', 'resume', 'deployment/web');
    expect(
      [resume.code, resume.stdout.trim()],
      `kubectl rollout resume deployment/web should exit 0 (stderr: ${resume.stderr})`,
    ).toEqual([0, 'deployment.apps/web resumed']);
    await rolledOut();
    const ready = await kubectl('get', 'deployment/web', '-o', 'jsonpath={.status.readyReplicas}');
    expect(ready.stdout, 'status.readyReplicas after scaling to 4 and resuming').toBe('4');
  });
});
