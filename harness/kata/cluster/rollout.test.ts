// kata rollout, against the reference API server with Deployments and ReplicaSets written by hand
// (the Deployment controller is chapter 08's business; here only what the commands send and print).
import { describe, expect, test } from 'vitest';
import { exampleDeployment } from '../../api/examples.ts';
import type { Deployment, ReplicaSet } from '../../api/types.ts';
import { testScope } from '../../testing/scope.ts';
import { toolkit } from '../../components/reference-toolkit.ts';
import { rollout } from './cluster-verbs.ts';
import { KataError, UsageError } from '../output.ts';
import { rolloutHistory, rolloutPause, rolloutStatusLine, rolloutUndo } from './rollout.ts';

const scope = testScope();

/** A Deployment at revision 2 with the ReplicaSets of revisions 1 (echo:1.0) and 2 (echo:2.0). */
async function history() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const deployments = client.resource<Deployment>('deployments', 'default');
  const spec = exampleDeployment('web', 2);
  spec.spec.template.spec.containers[0]!.image = 'kata/echo:2.0';
  spec.metadata.annotations = { 'deployment.kubernetes.io/revision': '2' };
  const web = await deployments.create(spec);
  for (const [revision, image] of [
    [1, 'kata/echo:1.0'],
    [2, 'kata/echo:2.0'],
  ] as const) {
    const template = structuredClone(web.spec.template);
    template.metadata!.labels!['pod-template-hash'] = `h${revision}`;
    template.spec.containers[0]!.image = image;
    await client.resource<ReplicaSet>('replicasets', 'default').create({
      metadata: {
        name: `web-h${revision}`,
        annotations: {
          'deployment.kubernetes.io/revision': String(revision),
          ...(revision === 1 ? { 'kubernetes.io/change-cause': 'first' } : {}),
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'web',
            uid: web.metadata.uid!,
            controller: true,
          },
        ],
      },
      spec: {
        replicas: revision === 2 ? 2 : 0,
        selector: { matchLabels: { app: 'web', 'pod-template-hash': `h${revision}` } },
        template,
      },
    });
  }
  const printed: string[] = [];
  return { server, client, deployments, printed, print: (line: string) => printed.push(line) };
}

describe('kata rollout', () => {
  test("status prints kubectl's lines, in kubectl's order of checks", () => {
    const at = (status: Deployment['status'], generation = 1) => {
      const deployment = exampleDeployment('web', 3);
      deployment.metadata.generation = generation;
      deployment.status = { observedGeneration: 1, ...status };
      return rolloutStatusLine(deployment).line;
    };
    expect([
      at({}, 2),
      at({ updatedReplicas: 1, replicas: 4 }),
      at({ updatedReplicas: 3, replicas: 4 }),
      at({ updatedReplicas: 3, replicas: 3, availableReplicas: 2 }),
      at({ updatedReplicas: 3, replicas: 3, availableReplicas: 3 }),
    ]).toEqual([
      'Waiting for deployment spec update to be observed...',
      'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
      'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
      'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...',
      'deployment "web" successfully rolled out',
    ]);
    const stuck = exampleDeployment('web', 3);
    stuck.status = {
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
    };
    expect(() => rolloutStatusLine(stuck)).toThrow(
      'deployment "web" exceeded its progress deadline',
    );
  });

  test('history lists each revision with its change cause', async () => {
    const { client, printed, print } = await history();
    await rolloutHistory(client, 'default', 'web', print);
    expect(printed).toEqual([
      'deployment.apps/web ',
      'REVISION  CHANGE-CAUSE',
      '1         first',
      '2         <none>',
    ]);
  });

  test("undo puts the previous revision's template back, without the hash label", async () => {
    const { client, deployments, printed, print } = await history();
    await rolloutUndo(client, 'default', 'web', print);
    const web = await deployments.get('web');
    expect(printed).toEqual(['deployment.apps/web rolled back']);
    expect(web.spec.template.spec.containers[0]?.image).toBe('kata/echo:1.0');
    expect(web.spec.template.metadata?.labels).toEqual({ app: 'web' });
    expect(
      web.metadata.annotations,
      'the revision stays the Deployment’s own; the rest is the ReplicaSet’s',
    ).toEqual({
      'deployment.kubernetes.io/revision': '2',
      'kubernetes.io/change-cause': 'first',
    });
  });

  test('undo to the current template is skipped; to a missing revision, or while paused, refused', async () => {
    const { client, printed, print } = await history();
    await rolloutUndo(client, 'default', 'web', print, 2);
    expect(printed).toEqual([
      'deployment.apps/web skipped rollback (current template already matches revision 2)',
    ]);
    await expect(rolloutUndo(client, 'default', 'web', print, 7)).rejects.toThrow(
      'unable to find specified revision 7 in history',
    );
    await rolloutPause(client, 'default', 'web', print, true);
    await expect(rolloutUndo(client, 'default', 'web', print)).rejects.toThrow(
      /cannot rollback a paused deployment/,
    );
  });

  test('pause and resume say so, and say when there was nothing to do', async () => {
    const { client, deployments, printed, print } = await history();
    await rolloutPause(client, 'default', 'web', print, true);
    expect((await deployments.get('web')).spec.paused).toBe(true);
    await rolloutPause(client, 'default', 'web', print, true);
    await rolloutPause(client, 'default', 'web', print, false);
    expect((await deployments.get('web')).spec.paused).toBeUndefined();
    expect(printed).toEqual([
      'deployment.apps/web paused',
      'deployment.apps/web already paused',
      'deployment.apps/web resumed',
    ]);
  });

  test('bad input is one line: an unknown action, a target that is not a Deployment, a missing one', async () => {
    await expect(rollout('rewind', 'deployment/web', {})).rejects.toThrow(UsageError);
    await expect(rollout('undo', 'pod/web', {})).rejects.toThrow(
      '"pod/web" is not a Deployment; name one as deployment/NAME',
    );
    await expect(rollout('undo', 'deployment/web', { 'to-revision': 'two' })).rejects.toThrow(
      '--to-revision takes a revision number, not "two"',
    );
    const { server } = await history();
    await expect(rollout('history', 'deployment/nope', { server: server.url })).rejects.toThrow(
      KataError,
    );
    await expect(rollout('history', 'deploy/nope', { server: server.url })).rejects.toThrow(
      'deployments.apps "nope" not found in namespace default',
    );
  });
});
