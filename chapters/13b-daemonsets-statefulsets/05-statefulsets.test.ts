// The StatefulSet controller: first its plan as pure functions (bringing pods up in order, taking
// them down in reverse, the rolling update down to the partition, status), then the whole loop on
// the reference API server with a fake kubelet that reports pods Running, ready when the test says.
import { describe, expect, test } from 'vitest';
import { examplePod, exampleStatefulSet } from '../../harness/api/examples.ts';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '../../harness/api/types.ts';
import { FakeKubelet } from '../../harness/testing/fake-kubelet.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { newRevision } from './controller-revisions.ts';
import { ownerReferenceToSet } from './stateful-pods.ts';
import {
  createStatefulSetController,
  hasFinished,
  isRunningAndReady,
  planStatefulSet,
  rollingUpdateStep,
  scaleDown,
  scaleUp,
  statefulSetStatus,
} from './statefulset.ts';

const scope = testScope();

/** Pod web-<ordinal> of revision `revision`: Running and ready, or in another state. */
function member(
  ordinal: number,
  state: 'ready' | 'starting' | 'failed' | 'terminating' = 'ready',
  revision = 'web-1',
): Pod {
  const pod = examplePod(`web-${ordinal}`);
  pod.metadata.labels = { app: 'web', 'controller-revision-hash': revision };
  if (state === 'terminating') pod.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  pod.status = {
    phase: state === 'failed' ? 'Failed' : 'Running',
    conditions: [{ type: 'Ready', status: state === 'ready' ? 'True' : 'False' }],
  };
  return pod;
}

function set(replicas: number, fields: Partial<StatefulSet['spec']> = {}): StatefulSet {
  const made = exampleStatefulSet('web', replicas);
  made.spec = { ...made.spec, ...fields };
  return made;
}

const byOrdinal = (...pods: Pod[]) =>
  new Map(pods.map((pod) => [Number(pod.metadata.name!.split('-')[1]), pod]));
const names = (pods: Pod[]) => pods.map((pod) => pod.metadata.name);

async function cluster() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const kubelet = new FakeKubelet({ toolkit, client, nodes: ['node-1', 'node-2'] });
  inBackground(kubelet.run(scope.stopper().signal));
  inBackground(createStatefulSetController({ toolkit, client }).run(scope.stopper().signal));
  const pods = client.resource<Pod>('pods', 'default');
  const sets = client.resource<StatefulSet>('statefulsets', 'default');
  const claims = client.resource<PersistentVolumeClaim>('persistentvolumeclaims', 'default');
  const running = async () =>
    (await pods.list()).items
      .filter((pod) => !pod.metadata.deletionTimestamp)
      .map((pod) => pod.metadata.name!)
      .sort();
  return { client, kubelet, pods, sets, claims, running };
}

describe('StatefulSets', () => {
  test('a member is healthy when Running and ready; a finished one must be made again', () => {
    expect(
      ['ready', 'starting', 'terminating', 'failed'].map((state) =>
        isRunningAndReady(member(0, state as 'ready')),
      ),
      'a ready pod, a starting one, one being deleted, a failed one',
    ).toEqual([true, false, false, false]);
    expect(
      [hasFinished(member(0, 'failed')), hasFinished(member(0))],
      'a Failed pod and a Running one',
    ).toEqual([true, false]);
  });

  test('OrderedReady brings pods up one at a time: each waits for the one before to be ready', () => {
    expect(scaleUp(set(3), byOrdinal()), 'three replicas, no pods yet').toEqual({
      create: [0],
      delete: [],
      waiting: true,
    });
    expect(scaleUp(set(3), byOrdinal(member(0, 'starting'))).create, 'web-0 not ready yet').toEqual(
      [],
    );
    expect(scaleUp(set(3), byOrdinal(member(0))).create, 'web-0 ready').toEqual([1]);
    const failed = member(1, 'failed');
    expect(
      scaleUp(set(3), byOrdinal(member(0), failed, member(2))),
      'web-1 failed: it is deleted, to be made again, and web-2 waits',
    ).toEqual({ create: [], delete: [failed], waiting: true });
    expect(scaleUp(set(2), byOrdinal(member(0), member(1))), 'all up').toEqual({
      create: [],
      delete: [],
      waiting: false,
    });
  });

  test('Parallel brings every missing pod up at once', () => {
    expect(
      scaleUp(set(3, { podManagementPolicy: 'Parallel' }), byOrdinal(member(1, 'starting'))).create,
      'Parallel, three replicas, only web-1 there and not ready',
    ).toEqual([0, 2]);
  });

  test('scaling down removes the highest ordinal first, one at a time with OrderedReady', () => {
    const pods = byOrdinal(member(0), member(1), member(2), member(3));
    expect(names(scaleDown(set(1), pods)), 'four pods, replicas 1').toEqual(['web-3']);
    expect(
      names(scaleDown(set(1, { podManagementPolicy: 'Parallel' }), pods)),
      'the same with Parallel',
    ).toEqual(['web-3', 'web-2', 'web-1']);
    expect(
      scaleDown(set(1), byOrdinal(member(0), member(1), member(2, 'terminating'))),
      'OrderedReady while web-2 is still being deleted: wait',
    ).toEqual([]);
  });

  test('a rolling update replaces the highest ordinal first, down to the partition, one ready step at a time', () => {
    const pods = byOrdinal(member(0), member(1), member(2, 'ready', 'web-2'), member(3));
    expect(
      names(rollingUpdateStep(set(4), pods, 'web-2')),
      'web-2 already new, update to web-2',
    ).toEqual(['web-3']);
    const partitioned = set(4, { updateStrategy: { rollingUpdate: { partition: 2 } } });
    const upper = byOrdinal(
      member(0),
      member(1),
      member(2, 'ready', 'web-2'),
      member(3, 'ready', 'web-2'),
    );
    expect(
      rollingUpdateStep(partitioned, upper, 'web-2'),
      'partition 2, web-2 and web-3 new',
    ).toEqual([]);
    const unready = byOrdinal(member(0), member(1, 'starting'), member(2));
    expect(rollingUpdateStep(set(3), unready, 'web-2'), 'web-1 not ready: wait').toEqual([]);
    expect(
      rollingUpdateStep(
        set(1, { updateStrategy: { type: 'OnDelete' } }),
        byOrdinal(member(0)),
        'web-2',
      ),
      'OnDelete: the controller replaces nothing',
    ).toEqual([]);
  });

  test('a pass scales up first, then down, and updates only when neither has work', () => {
    expect(
      planStatefulSet(set(2), [member(0, 'starting'), member(2)], 'web-2'),
      'web-0 starting, web-2 extra',
    ).toEqual({
      create: [],
      delete: [],
    });
    expect(
      names(planStatefulSet(set(2), [member(0), member(1), member(2)], 'web-2').delete),
      'replicas 2, three ready pods of the old revision: web-2 goes before any update',
    ).toEqual(['web-2']);
    expect(
      names(planStatefulSet(set(2), [member(0), member(1)], 'web-2').delete),
      'two ready pods of the old revision: the update takes web-1',
    ).toEqual(['web-1']);
    expect(
      planStatefulSet(set(2), [member(0), examplePod('other')], 'web-1'),
      'a pod whose name is not of the set is left out',
    ).toEqual({ create: [1], delete: [] });
  });

  test('status counts the pods of each revision; currentRevision moves once all are updated', () => {
    const sts = set(2);
    sts.metadata.generation = 4;
    const midway = statefulSetStatus(
      sts,
      [member(0, 'ready', 'old'), member(1, 'starting', 'new')],
      'old',
      'new',
    );
    expect(midway, 'web-0 of revision old and ready, web-1 of revision new and starting').toEqual({
      observedGeneration: 4,
      replicas: 2,
      readyReplicas: 1,
      currentReplicas: 1,
      updatedReplicas: 1,
      availableReplicas: 1,
      currentRevision: 'old',
      updateRevision: 'new',
    });
    const done = statefulSetStatus(
      sts,
      [member(0, 'ready', 'new'), member(1, 'ready', 'new')],
      'old',
      'new',
    );
    expect([done.currentRevision, done.currentReplicas], 'both pods of revision new').toEqual([
      'new',
      2,
    ]);
  });

  test('createPod makes the claims first, then the pod of the revision given; twice is fine', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const controller = createStatefulSetController({ toolkit, client });
    const sts = exampleStatefulSet('web', 2);
    sts.spec.volumeClaimTemplates = [
      { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '1Gi' } } } },
    ];
    const stored = await client.resource<StatefulSet>('statefulsets', 'default').create(sts);
    const old = structuredClone(stored);
    old.spec.template.spec.containers[0]!.image = 'kata/echo:0.9';
    const revision = newRevision(old, ownerReferenceToSet(stored), 1);
    await controller.createPod(stored, revision, 1);
    await controller.createPod(stored, revision, 1);
    const pod = await client.resource<Pod>('pods', 'default').get('web-1');
    expect(
      [pod.spec.containers[0]!.image, pod.metadata.labels?.['controller-revision-hash']],
      "createPod(web, a revision of image kata/echo:0.9, 1), twice: web-1's image and revision",
    ).toEqual(['kata/echo:0.9', revision.metadata.name]);
    const claims = await client.resource('persistentvolumeclaims', 'default').list();
    expect(
      claims.items.map((c) => c.metadata.name),
      'the claims made',
    ).toEqual(['data-web-1']);
  });

  test('a StatefulSet of 3 starts web-0, then web-1, then web-2, each once the one before is ready', async () => {
    const { kubelet, sets, running } = await cluster();
    kubelet.ready = (pod) => pod.metadata.name === 'web-0';
    await sets.create(exampleStatefulSet('web', 3));
    await waitFor(async () => (await running()).length === 2, 'web-0 ready and web-1 made');
    expect(await running(), 'web-0 ready, web-1 never ready').toEqual(['web-0', 'web-1']);
    kubelet.ready = () => true;
    kubelet.resync();
    await waitFor(async () => (await running()).length === 3, 'web-2 once web-1 is ready');
    await waitFor(
      async () => (await sets.get('web')).status?.readyReplicas === 3,
      'status.readyReplicas 3',
    );
  });

  test('each pod gets its claim; web-1 deleted comes back as web-1 with the same claim', async () => {
    const { pods, sets, claims, running } = await cluster();
    const sts = exampleStatefulSet('web', 2);
    sts.spec.volumeClaimTemplates = [
      {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    ];
    await sets.create(sts);
    await waitFor(async () => (await running()).length === 2, 'web-0 and web-1');
    const claimNames = async () => (await claims.list()).items.map((c) => c.metadata.name).sort();
    expect(await claimNames(), 'a claim per pod').toEqual(['data-web-0', 'data-web-1']);
    const before = await pods.get('web-1');
    await pods.delete('web-1');
    await waitFor(async () => {
      const pod = await pods.get('web-1').catch(() => undefined);
      return (
        pod !== undefined &&
        pod.metadata.uid !== before.metadata.uid &&
        pod.status?.phase === 'Running'
      );
    }, 'a new web-1');
    const again = await pods.get('web-1');
    expect(
      again.spec.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim,
      'the new web-1 mounts the claim the old one had',
    ).toEqual({ claimName: 'data-web-1' });
    await toolkit.updateWithRetry(sets, 'web', (latest) => {
      latest.spec.replicas = 0;
    });
    await waitFor(async () => (await running()).length === 0, 'scaled to 0');
    expect(await claimNames(), 'the claims outlive their pods').toEqual([
      'data-web-0',
      'data-web-1',
    ]);
  });

  test('scaling 3 to 1 removes web-2 before web-1', async () => {
    const { client, sets, running } = await cluster();
    await sets.create(exampleStatefulSet('web', 3));
    await waitFor(async () => (await running()).length === 3, 'three pods');
    const seen: string[] = [];
    const podsApi = client.resource<Pod>('pods', 'default');
    // Watching from the list's resourceVersion misses no deletion that comes after it.
    const { resourceVersion } = (await podsApi.list()).metadata;
    const signal = scope.stopper().signal;
    inBackground(
      (async () => {
        for await (const event of podsApi.watch({ resourceVersion, signal })) {
          if (event.type === 'DELETED') seen.push(event.object.metadata.name!);
        }
      })(),
    );
    await toolkit.updateWithRetry(sets, 'web', (latest) => {
      latest.spec.replicas = 1;
    });
    await waitFor(async () => (await running()).length === 1, 'one pod left');
    await waitFor(() => seen.length === 2, 'two deletions watched');
    expect(seen, 'the order the pods went in').toEqual(['web-2', 'web-1']);
  });

  test('a rolling update with partition 1 updates web-2 and web-1, not web-0, then all once the partition is 0', async () => {
    const { pods, sets, running } = await cluster();
    await sets.create(exampleStatefulSet('web', 3));
    await waitFor(async () => (await running()).length === 3, 'three pods');
    await toolkit.updateWithRetry(sets, 'web', (latest) => {
      latest.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
      latest.spec.template.spec.containers[0]!.image = 'kata/echo:2.0';
    });
    const images = async () =>
      (await pods.list()).items
        .filter((pod) => pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp)
        .sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1))
        .map((pod) => pod.spec.containers[0]!.image);
    await waitFor(
      async () => (await images()).join() === 'kata/echo:1.0,kata/echo:2.0,kata/echo:2.0',
      'web-1 and web-2 on the new image',
    );
    await toolkit.updateWithRetry(sets, 'web', (latest) => {
      latest.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
    });
    await waitFor(async () => {
      const status = (await sets.get('web')).status;
      return status?.updatedReplicas === 3 && status.currentRevision === status.updateRevision;
    }, 'every pod updated and currentRevision moved to updateRevision');
    expect(await images(), 'partition 0').toEqual([
      'kata/echo:2.0',
      'kata/echo:2.0',
      'kata/echo:2.0',
    ]);
  });
});
