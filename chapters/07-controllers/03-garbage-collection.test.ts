// The garbage collector against the reference API server: dependents go when their owner goes.
import { describe, expect, test } from 'vitest';
import { examplePod, exampleReplicaSet } from '../../harness/api/examples.ts';
import type { Pod, ReplicaSet } from '../../harness/api/types.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createGarbageCollector } from './garbage-collector.ts';

const scope = testScope();

async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  inBackground(createGarbageCollector({ toolkit, client }).run(scope.stopper().signal));
  return {
    pods: client.resource<Pod>('pods', 'default'),
    replicaSets: client.resource<ReplicaSet>('replicasets', 'default'),
  };
}

/** A pod owned by `owner` (a ReplicaSet as created). */
function ownedBy(name: string, owner: ReplicaSet): Pod {
  const pod = examplePod(name);
  pod.metadata.ownerReferences = [
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
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
  test("deleting an owner deletes its dependents; others' stay", async () => {
    const { pods, replicaSets } = await setUp();
    const web = await replicaSets.create(exampleReplicaSet('web'));
    await pods.create(ownedBy('web-1', web));
    await pods.create(ownedBy('web-2', web));
    await pods.create(examplePod('loner'));
    await replicaSets.delete('web');
    await waitFor(async () => (await names(pods)).length === 1, 'the dependents deleted');
    expect(await names(pods)).toEqual(['loner']);
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
    expect(await names(pods)).toEqual(['kept']);
  });

  test('an owner recreated with the same name is not the owner: its uid differs', async () => {
    const { pods, replicaSets } = await setUp();
    const first = await replicaSets.create(exampleReplicaSet('web'));
    await pods.create(ownedBy('old', first));
    await replicaSets.delete('web');
    await replicaSets.create(exampleReplicaSet('web'));
    await waitFor(async () => (await names(pods)).length === 0, 'the old dependent deleted');
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
