// The namespace controller: what reconcile does for a namespace that is gone, called on its own,
// then the loop against the reference API server.
import { describe, expect, test } from 'vitest';
import { examplePod, exampleService } from '../../harness/api/examples.ts';
import type { ConfigMap, Pod } from '../../harness/api/types.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createNamespaceController } from './namespace.ts';

const scope = testScope();

/** An API server with namespace team-a holding a pod, a Service and a ConfigMap, and a pod in default. */
async function populated() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  await client.resource('namespaces').create({ metadata: { name: 'team-a' } });
  await client.resource<Pod>('pods', 'team-a').create(examplePod('web'));
  await client.resource('services', 'team-a').create(exampleService('web'));
  await client
    .resource<ConfigMap>('configmaps', 'team-a')
    .create({ metadata: { name: 'settings' } });
  await client.resource<Pod>('pods', 'default').create(examplePod('elsewhere'));
  const left = async (namespace: string) =>
    (await client.resource('pods', namespace).list()).items.length +
    (await client.resource('services', namespace).list()).items.length +
    (await client.resource('configmaps', namespace).list()).items.length;
  return { client, left };
}

describe('Namespaces', () => {
  test('reconcile of a namespace that is gone deletes every namespaced object left in it', async () => {
    const { client, left } = await populated();
    await client.resource('namespaces').delete('team-a');
    expect(await left('team-a'), 'objects left in team-a once the Namespace is deleted').toBe(3);
    await createNamespaceController({ toolkit, client }).reconcile('team-a');
    expect(await left('team-a'), "objects left in team-a after reconcile('team-a')").toBe(0);
    expect(await left('default'), 'objects left in default').toBe(1);
  });

  test('deleting a namespace deletes what was in it, and nothing elsewhere', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    inBackground(createNamespaceController({ toolkit, client }).run(scope.stopper().signal));
    await client.resource('namespaces').create({ metadata: { name: 'team-a' } });
    await client.resource<Pod>('pods', 'team-a').create(examplePod('web'));
    await client.resource('services', 'team-a').create(exampleService('web'));
    await client
      .resource<ConfigMap>('configmaps', 'team-a')
      .create({ metadata: { name: 'settings' } });
    await client.resource<Pod>('pods', 'default').create(examplePod('elsewhere'));
    await client.resource('namespaces').delete('team-a');
    const left = async () =>
      (await client.resource('pods', 'team-a').list()).items.length +
      (await client.resource('services', 'team-a').list()).items.length +
      (await client.resource('configmaps', 'team-a').list()).items.length;
    await waitFor(async () => (await left()) === 0, 'team-a emptied');
    expect((await client.resource('pods', 'default').list()).items.length, 'pods in default').toBe(
      1,
    );
  });

  test('a namespace that still exists is left alone', async () => {
    const { client, left } = await populated();
    await client.resource('namespaces').create({ metadata: { name: 'team-b' } });
    await client.resource<Pod>('pods', 'team-b').create(examplePod('api'));
    const controller = createNamespaceController({ toolkit, client });
    inBackground(controller.run(scope.stopper().signal));
    await client.resource('namespaces').delete('team-b');
    // Once team-b is emptied, the controller's informer has seen team-a too.
    await waitFor(async () => (await left('team-b')) === 0, 'team-b emptied');
    await controller.reconcile('team-a');
    expect(await left('team-a'), "objects in team-a, which exists, after reconcile('team-a')").toBe(
      3,
    );
  });
});
