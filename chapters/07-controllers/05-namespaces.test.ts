// The namespace controller against the reference API server.
import { describe, expect, test } from 'vitest';
import { examplePod, exampleService } from '../../harness/api/examples.ts';
import type { ConfigMap, Pod } from '../../harness/api/types.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createNamespaceController } from './namespace.ts';

const scope = testScope();

describe('Namespaces', () => {
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
});
