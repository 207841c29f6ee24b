// The ReplicaSet controller against the reference API server, with a fake kubelet (a test double
// that binds pods and reports them Running and ready) so pods come alive in milliseconds.
import { describe, expect, test } from 'vitest';
import { exampleReplicaSet, examplePod } from '../../harness/api/examples.ts';
import type { Pod, PodPhase, ReplicaSet, ReplicationController } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { FakeKubelet } from '../../harness/testing/fake-kubelet.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { Expectations } from './expectations.ts';
import { matchesSelector } from './label-selector.ts';
import { createReplicaSetController, deletionOrder } from './replicaset.ts';

const scope = testScope();

async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const kubelet = new FakeKubelet({ toolkit, client, nodes: ['node-1', 'node-2'] });
  inBackground(kubelet.run(scope.stopper().signal));
  inBackground(createReplicaSetController({ toolkit, client }).run(scope.stopper().signal));
  const pods = client.resource<Pod>('pods', 'default');
  const replicaSets = client.resource<ReplicaSet>('replicasets', 'default');
  const running = async () =>
    (await pods.list()).items.filter((pod) => !pod.metadata.deletionTimestamp);
  return { client, kubelet, pods, replicaSets, running };
}

/** A pod as the scheduler and kubelet would leave it, for ranking. */
function ranked(
  name: string,
  fields: { node?: string; phase?: PodPhase; ready?: boolean; created?: string },
): Pod {
  const pod = examplePod(name);
  if (fields.node) pod.spec.nodeName = fields.node;
  pod.metadata.creationTimestamp = fields.created ?? '2026-01-01T00:00:00Z';
  pod.status = {
    phase: fields.phase,
    conditions: [{ type: 'Ready', status: fields.ready ? 'True' : 'False' }],
  };
  return pod;
}

describe('ReplicaSets', () => {
  test('a label selector: every matchLabels pair, and every expression', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(
      [
        matchesSelector({ matchLabels: { app: 'web' } }, labels),
        matchesSelector({ matchLabels: { app: 'db' } }, labels),
        matchesSelector(
          { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] },
          labels,
        ),
        matchesSelector(
          { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] },
          labels,
        ),
        matchesSelector({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, labels),
        matchesSelector({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, labels),
        matchesSelector({}, labels),
      ],
      'app=web / app=db / tier in (front,back) / tier notin (front) / !gpu / gpu / {}',
    ).toEqual([true, false, true, false, true, false, true]);
  });

  test('surplus pods go in order: unscheduled, pending, not ready, then the newest', () => {
    const pods = [
      ranked('old-ready', {
        node: 'n',
        phase: 'Running',
        ready: true,
        created: '2026-01-01T00:00:00Z',
      }),
      ranked('new-ready', {
        node: 'n',
        phase: 'Running',
        ready: true,
        created: '2026-01-02T00:00:00Z',
      }),
      ranked('not-ready', { node: 'n', phase: 'Running', ready: false }),
      ranked('pending', { node: 'n', phase: 'Pending' }),
      ranked('unscheduled', { phase: 'Pending' }),
    ];
    expect(pods.sort(deletionOrder).map((pod) => pod.metadata.name)).toEqual([
      'unscheduled',
      'pending',
      'not-ready',
      'new-ready',
      'old-ready',
    ]);
  });

  test('expectations: a controller waits until what it asked for has been seen', () => {
    const clock = new FakeClock();
    const expectations = new Expectations(clock);
    expectations.expectCreations('default/web', 2);
    expect(expectations.satisfied('default/web'), 'two creations pending').toBe(false);
    expectations.creationObserved('default/web');
    expectations.creationObserved('default/web');
    expect(expectations.satisfied('default/web'), 'both seen').toBe(true);
    expectations.expectDeletions('default/web', ['u1']);
    clock.advance(5 * 60 * 1000 + 1);
    expect(expectations.satisfied('default/web'), 'a deletion never seen, after 5 minutes').toBe(
      true,
    );
  });

  test('a new ReplicaSet gets its pods: named after it, owned by it, counted in its status', async () => {
    const { replicaSets, running } = await setUp();
    const rs = await replicaSets.create(exampleReplicaSet('web', 3));
    await waitFor(
      async () => (await replicaSets.get('web')).status?.readyReplicas === 3,
      'three ready',
    );
    const pods = await running();
    expect(pods.length, 'pods in all (never more)').toBe(3);
    for (const pod of pods) {
      expect(pod.metadata.name, 'a pod name').toMatch(/^web-[a-z0-9]{5}$/);
      expect(pod.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web',
          uid: rs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    expect((await replicaSets.get('web')).status).toMatchObject({
      replicas: 3,
      fullyLabeledReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
  });

  test('a pod that is deleted is replaced', async () => {
    const { replicaSets, running, pods } = await setUp();
    await replicaSets.create(exampleReplicaSet('web', 2));
    await waitFor(async () => (await running()).length === 2, 'two pods');
    const [victim] = await running();
    await pods.delete(victim!.metadata.name!);
    await waitFor(async () => {
      const now = await running();
      return now.length === 2 && now.every((pod) => pod.metadata.name !== victim!.metadata.name);
    }, 'a replacement');
  });

  test('scaling down deletes the pod that is not ready first', async () => {
    const { replicaSets, running, kubelet } = await setUp();
    await replicaSets.create(exampleReplicaSet('web', 3));
    await waitFor(
      async () => (await replicaSets.get('web')).status?.readyReplicas === 3,
      'three ready',
    );
    const [sick] = await running();
    kubelet.ready = (pod) => pod.metadata.name !== sick!.metadata.name;
    kubelet.resync();
    await waitFor(
      async () => (await replicaSets.get('web')).status?.readyReplicas === 2,
      'one not ready',
    );
    await replicaSets.scale('web', 2);
    await waitFor(async () => (await running()).length === 2, 'two pods left');
    expect((await running()).map((pod) => pod.metadata.name)).not.toContain(sick!.metadata.name);
  });

  test('a matching orphan is adopted instead of a new pod created; a pod relabelled away is released', async () => {
    const { replicaSets, running, pods } = await setUp();
    await pods.create(examplePod('orphan', { app: 'web' }));
    await replicaSets.create(exampleReplicaSet('web', 1));
    await waitFor(
      async () => (await pods.get('orphan')).metadata.ownerReferences?.[0]?.name === 'web',
      'the orphan adopted',
    );
    expect((await running()).length, 'pods: the orphan alone').toBe(1);
    await pods.patch('orphan', { metadata: { labels: { app: 'other' } } });
    await waitFor(
      async () => (await pods.get('orphan')).metadata.ownerReferences?.length === 0,
      'the relabelled pod released',
    );
    await waitFor(async () => (await running()).length === 2, 'a new pod for web');
  });

  test('a ReplicationController, with its plain selector, keeps its pods as a ReplicaSet does', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    inBackground(new FakeKubelet({ toolkit, client }).run(scope.stopper().signal));
    inBackground(
      createReplicaSetController({ toolkit, client, kind: 'ReplicationController' }).run(
        scope.stopper().signal,
      ),
    );
    const { spec } = exampleReplicaSet('old', 2);
    await client.resource<ReplicationController>('replicationcontrollers', 'default').create({
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'old' },
      spec: { replicas: 2, selector: { app: 'old' }, template: spec.template },
    });
    const pods = client.resource<Pod>('pods', 'default');
    await waitFor(async () => (await pods.list()).items.length === 2, 'two pods');
    expect((await pods.list()).items[0]!.metadata.ownerReferences?.[0]).toMatchObject({
      apiVersion: 'v1',
      kind: 'ReplicationController',
      name: 'old',
    });
  });
});
