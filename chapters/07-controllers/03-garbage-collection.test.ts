// The garbage collector: first whether an owner still exists (asked of the API server itself),
// what collecting one dependent does and how an orphaning owner lets its dependents go, each
// called on its own; then the loop, against the reference API server: dependents go when their
// owner goes.
import { describe, expect, test } from 'vitest';
import { examplePod, exampleReplicaSet } from '../../harness/api/examples.ts';
import type { KubeObject, Pod, ReplicaSet } from '../../harness/api/types.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createGarbageCollector, isOrphaning } from './garbage-collector.ts';

const scope = testScope();

async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  inBackground(createGarbageCollector({ toolkit, client }).run(scope.stopper().signal));
  return {
    pods: client.resource<Pod>('pods', 'default'),
    replicaSets: client.resource<ReplicaSet>('replicasets', 'default'),
    configMaps: client.resource('configmaps', 'default'),
  };
}

/** An API server and a garbage collector that is not running: its steps are called one by one. */
async function steps() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  return {
    gc: createGarbageCollector({ toolkit, client }),
    pods: client.resource<Pod>('pods', 'default'),
    replicaSets: client.resource<ReplicaSet>('replicasets', 'default'),
  };
}

/** A pod owned by `owner` (a ReplicaSet as created, or any object with its kind). */
function ownedBy(name: string, owner: KubeObject): Pod {
  const pod = examplePod(name);
  pod.metadata.ownerReferences = [
    {
      apiVersion: owner.apiVersion ?? 'apps/v1',
      kind: owner.kind ?? 'ReplicaSet',
      name: owner.metadata.name!,
      uid: owner.metadata.uid!,
      controller: true,
    },
  ];
  return pod;
}

const names = async (pods: { list(): Promise<{ items: Pod[] }> }) =>
  (await pods.list()).items.map((pod) => pod.metadata.name).sort();

describe('Garbage collection', () => {
  test('an object is orphaning while it is being deleted and still has the finalizer "orphan"', () => {
    const object = (metadata: KubeObject['metadata']): KubeObject => ({ metadata });
    const when = '2026-01-01T00:00:00Z';
    expect(
      isOrphaning(object({ name: 'a', deletionTimestamp: when, finalizers: ['orphan'] })),
      'deletionTimestamp set, finalizers [orphan]',
    ).toBe(true);
    expect(
      isOrphaning(object({ name: 'b', finalizers: ['orphan'] })),
      'finalizers [orphan], not being deleted',
    ).toBe(false);
    expect(
      isOrphaning(object({ name: 'c', deletionTimestamp: when, finalizers: ['other'] })),
      'deletionTimestamp set, finalizers [other]',
    ).toBe(false);
    expect(isOrphaning(object({ name: 'd' })), 'neither').toBe(false);
  });

  test('an owner exists when a GET finds it with the same uid', async () => {
    const { gc, replicaSets } = await steps();
    const web = await replicaSets.create(exampleReplicaSet('web'));
    const pod = ownedBy('p', web);
    pod.metadata.namespace = 'default';
    const reference = pod.metadata.ownerReferences![0]!;
    expect(await gc.ownerExists(pod, reference), 'ReplicaSet web, as created').toBe(true);
    await replicaSets.delete('web');
    expect(await gc.ownerExists(pod, reference), 'ReplicaSet web, deleted').toBe(false);
  });

  test('an owner recreated under the same name, with another uid, does not exist', async () => {
    const { gc, replicaSets } = await steps();
    const first = await replicaSets.create(exampleReplicaSet('web'));
    const pod = ownedBy('p', first);
    pod.metadata.namespace = 'default';
    await replicaSets.delete('web');
    await replicaSets.create(exampleReplicaSet('web'));
    expect(
      await gc.ownerExists(pod, pod.metadata.ownerReferences![0]!),
      'an ownerReference to the first web, a second web in its place',
    ).toBe(false);
  });

  test('an owner of a kind the API server does not serve is taken to exist', async () => {
    const { gc } = await steps();
    const pod = examplePod('p');
    pod.metadata.namespace = 'default';
    expect(
      await gc.ownerExists(pod, {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        name: 'w',
        uid: 'uid-w',
      }),
      'an ownerReference to example.com/v1 Widget w',
    ).toBe(true);
  });

  test('collect deletes a dependent none of whose owners exists, and keeps one with an owner alive', async () => {
    const { gc, pods, replicaSets } = await steps();
    const live = await replicaSets.create(exampleReplicaSet('live'));
    const gone = await replicaSets.create(exampleReplicaSet('gone'));
    await replicaSets.delete('gone');
    const both = ownedBy('both', gone);
    both.metadata.ownerReferences!.push(ownedBy('x', live).metadata.ownerReferences![0]!);
    await gc.collect('pods', await pods.create(both));
    await gc.collect('pods', await pods.create(ownedBy('stray', gone)));
    await gc.collect('pods', await pods.create(examplePod('loner')));
    expect(
      await names(pods),
      'after collect of both (owners gone and live), stray (owner gone) and loner (no owners)',
    ).toEqual(['both', 'loner']);
  });

  test("orphanDependents takes the owner's reference off each dependent, then its finalizer off the owner", async () => {
    const { gc, pods, replicaSets } = await steps();
    const web = await replicaSets.create(exampleReplicaSet('web'));
    const pod = await pods.create(ownedBy('web-1', web));
    await replicaSets.delete('web', { propagationPolicy: 'Orphan' });
    const orphaning = await replicaSets.get('web');
    expect(orphaning.metadata.finalizers, 'the ReplicaSet after a DELETE with Orphan').toContain(
      'orphan',
    );
    await gc.orphanDependents('replicasets', orphaning, [{ resource: 'pods', object: pod }]);
    expect(
      (await pods.get('web-1')).metadata.ownerReferences ?? [],
      'the dependent after orphanDependents',
    ).toEqual([]);
    expect(
      (await replicaSets.list()).items.length,
      'ReplicaSets left once the finalizer "orphan" is off',
    ).toBe(0);
  });

  test('a dependent with a second owner keeps that reference when the first one orphans it', async () => {
    const { gc, pods, replicaSets } = await steps();
    const web = await replicaSets.create(exampleReplicaSet('web'));
    const other = await replicaSets.create(exampleReplicaSet('other'));
    const shared = ownedBy('shared', web);
    const second = { ...ownedBy('x', other).metadata.ownerReferences![0]!, controller: false };
    shared.metadata.ownerReferences!.push(second);
    const pod = await pods.create(shared);
    await replicaSets.delete('web', { propagationPolicy: 'Orphan' });
    await gc.orphanDependents('replicasets', await replicaSets.get('web'), [
      { resource: 'pods', object: pod },
    ]);
    expect(
      (await pods.get('shared')).metadata.ownerReferences,
      "shared's ownerReferences after web orphaned it",
    ).toEqual([second]);
  });

  test("deleting an owner deletes its dependents; others' stay", async () => {
    const { pods, replicaSets } = await setUp();
    const web = await replicaSets.create(exampleReplicaSet('web'));
    await pods.create(ownedBy('web-1', web));
    await pods.create(ownedBy('web-2', web));
    await pods.create(examplePod('loner'));
    await replicaSets.delete('web');
    await waitFor(async () => (await names(pods)).length === 1, 'the dependents deleted');
    expect(await names(pods), 'pods left after deleting ReplicaSet web').toEqual(['loner']);
  });

  test('a dependent whose owner never existed is deleted; one whose owner lives is kept', async () => {
    const { pods, replicaSets } = await setUp();
    const live = await replicaSets.create(exampleReplicaSet('live'));
    await pods.create(ownedBy('kept', live));
    const ghost = {
      ...exampleReplicaSet('ghost'),
      metadata: { name: 'ghost', uid: 'no-such-uid' },
    };
    await pods.create(ownedBy('stray', ghost as ReplicaSet));
    await waitFor(async () => !(await names(pods)).includes('stray'), 'the stray deleted');
    expect(
      await names(pods),
      'pods left: kept (owner live), not stray (owner never existed)',
    ).toEqual(['kept']);
  });

  test('an owner recreated with the same name is not the owner: its uid differs', async () => {
    const { pods, replicaSets } = await setUp();
    const first = await replicaSets.create(exampleReplicaSet('web'));
    await pods.create(ownedBy('old', first));
    await replicaSets.delete('web');
    await replicaSets.create(exampleReplicaSet('web'));
    await waitFor(async () => (await names(pods)).length === 0, 'the old dependent deleted');
  });

  test('an owner of a resource it does not follow (a ConfigMap) is followed: its deletion collects at once', async () => {
    const { pods, configMaps } = await setUp();
    const settings = await configMaps.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings', namespace: 'default' },
    });
    await pods.create(ownedBy('reader', settings));
    // A stray pod collected shows the collector has looked at the pods created before it.
    const ghost = { ...exampleReplicaSet('ghost'), metadata: { name: 'ghost', uid: 'no-uid' } };
    await pods.create(ownedBy('stray', ghost as ReplicaSet));
    await waitFor(async () => !(await names(pods)).includes('stray'), 'the stray deleted');
    await configMaps.delete('settings');
    await waitFor(async () => (await names(pods)).length === 0, 'the reader deleted');
    expect(
      await names(pods),
      'pods left after deleting ConfigMap settings, which owned reader (no resync runs)',
    ).toEqual([]);
  });

  test('deleting an owner with propagationPolicy Orphan keeps its dependents, without the reference', async () => {
    const { pods, replicaSets } = await setUp();
    const web = await replicaSets.create(exampleReplicaSet('web'));
    await pods.create(ownedBy('web-1', web));
    await replicaSets.delete('web', { propagationPolicy: 'Orphan' });
    await waitFor(
      async () => (await replicaSets.list()).items.length === 0,
      'the ReplicaSet gone once its pods were let go',
    );
    const kept = await pods.get('web-1');
    expect(
      kept.metadata.ownerReferences ?? [],
      'the orphan keeps running, owned by nobody',
    ).toEqual([]);
  });
});
