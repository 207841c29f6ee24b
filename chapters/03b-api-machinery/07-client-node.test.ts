// @kubernetes/client-node (1.4.0), the JavaScript client later chapters' components could use,
// against chapter 03a's server with this chapter's machinery: typed calls, the generic object API
// (which starts with discovery), watch, and an informer that lists, watches, and lists again when
// its resourceVersion has been compacted away (410).
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  Watch,
  type KubernetesObject,
  type V1Pod,
} from '@kubernetes/client-node';
import { afterEach, describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { Timers } from '../../harness/api/machinery.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createApiServer, type ApiServer } from '../../solutions/03a-apiserver/server.ts';
import { createDiscovery } from './discovery.ts';
import { createPatcher } from './patch.ts';
import { createSelectors } from './selectors.ts';
import { createSubresources } from './subresources.ts';

/** Timers the test fires: here, to end watches on demand. */
class ManualTimers implements Timers {
  readonly pending = new Map<number, () => void>();
  private nextId = 1;
  setTimeout(callback: () => void): unknown {
    this.pending.set(this.nextId, callback);
    return this.nextId++;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  fireAll(): void {
    const callbacks = [...this.pending.values()];
    this.pending.clear();
    callbacks.forEach((callback) => callback());
  }
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const store = new Store();
  const timers = new ManualTimers();
  const server: ApiServer = await createApiServer({
    store: new MemoryStoreClient(store),
    selectors: createSelectors(),
    patcher: createPatcher(),
    subresources: createSubresources(),
    discovery: createDiscovery(),
    timers,
  });
  const url = await server.listen(0);
  cleanups.push(() => server.close());
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'kata', server: url, skipTLSVerify: true }],
    users: [{ name: 'learner' }],
    contexts: [{ name: 'kata', cluster: 'kata', user: 'learner', namespace: 'default' }],
    currentContext: 'kata',
  });
  return { store, timers, config, core: config.makeApiClient(CoreV1Api) };
}

const pod = (name: string, labels?: Record<string, string>) => examplePod(name, labels) as V1Pod;

describe('The JavaScript client', () => {
  test('typed calls: create, read, list, replace and delete a pod', async () => {
    const { core } = await setup();
    const created = await core.createNamespacedPod({ namespace: 'default', body: pod('web') });
    expect(created.metadata?.uid, "the created pod's uid").toBeTruthy();
    const read = await core.readNamespacedPod({ name: 'web', namespace: 'default' });
    expect(read.spec?.containers[0]?.image, 'the image of the pod read back').toBe('kata/echo:1.0');
    const list = await core.listNamespacedPod({ namespace: 'default' });
    expect(
      [list.kind, list.items.map((item) => item.metadata?.name)],
      'the kind and names of listNamespacedPod',
    ).toEqual(['PodList', ['web']]);
    read.metadata!.labels = { app: 'web', v: '2' };
    const replaced = await core.replaceNamespacedPod({
      name: 'web',
      namespace: 'default',
      body: read,
    });
    expect(replaced.metadata?.labels, 'labels after replace').toEqual({ app: 'web', v: '2' });
    await core.deleteNamespacedPod({ name: 'web', namespace: 'default' });
    const remaining = await core.listNamespacedPod({ namespace: 'default' });
    expect(remaining.items, 'pods after delete').toEqual([]);
  });

  test('a typed error carries the status code and the Status body', async () => {
    const { core } = await setup();
    let error: { code?: number; body?: unknown } | undefined;
    try {
      await core.readNamespacedPod({ name: 'nope', namespace: 'default' });
    } catch (caught) {
      error = caught as { code?: number; body?: unknown };
    }
    expect(error?.code, 'status code of reading a missing pod').toBe(404);
    expect(String(error?.body), 'the body of the error (the Status)').toContain(
      'pods \\"nope\\" not found',
    );
  });

  test('a typed patch is a JSON patch, unless told otherwise', async () => {
    const { core } = await setup();
    await core.createNamespacedPod({ namespace: 'default', body: pod('web') });
    const patched = await core.patchNamespacedPod({
      name: 'web',
      namespace: 'default',
      body: [{ op: 'add', path: '/metadata/labels/tier', value: 'front' }],
    });
    expect(patched.metadata?.labels, 'labels after the JSON patch').toEqual({
      app: 'web',
      tier: 'front',
    });
  });

  test('the generic object API finds resources by discovery: create, read, patch and delete a Deployment', async () => {
    const { config } = await setup();
    const objects = KubernetesObjectApi.makeApiClient(config);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              { name: 'app', image: 'kata/echo:1.0' },
              { name: 'side', image: 'kata/proxy:1.0' },
            ],
          },
        },
      },
    };
    await objects.create(deployment);
    const read = (await objects.read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
    })) as typeof deployment;
    expect(read.spec.replicas, 'replicas of the deployment read back').toBe(1);
    // The generic patch is a strategic merge patch: the second container survives.
    const patched = (await objects.patch({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas: 3,
        template: { spec: { containers: [{ name: 'app', image: 'kata/echo:2.0' }] } },
      },
    } as KubernetesObject)) as typeof deployment;
    expect(
      [patched.spec.replicas, patched.spec.template.spec.containers.map((c) => c.image)],
      'replicas and images after the generic (strategic merge) patch',
    ).toEqual([3, ['kata/echo:2.0', 'kata/proxy:1.0']]);
    await objects.delete({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
    });
    await expect(
      objects.read({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
      }),
      'reading the deployment after deleting it should reject with code 404',
    ).rejects.toMatchObject({
      code: 404,
    });
  });

  test('Watch reads the stream line by line', async () => {
    const { config, core } = await setup();
    const events: string[] = [];
    const watch = new Watch(config);
    const request = await watch.watch(
      '/api/v1/namespaces/default/pods',
      {},
      (type, object: KubernetesObject) => events.push(`${type} ${object.metadata?.name}`),
      () => {},
    );
    cleanups.push(() => request.abort());
    await core.createNamespacedPod({ namespace: 'default', body: pod('web') });
    await core.deleteNamespacedPod({ name: 'web', namespace: 'default' });
    await waitFor(() => events.length === 2, `two watch events; saw ${JSON.stringify(events)}`);
    expect(events, 'the watch events after creating and deleting web').toEqual([
      'ADDED web',
      'DELETED web',
    ]);
  });

  test('an informer lists, then watches; after a 410 it lists again and carries on', async () => {
    const { config, core, store, timers } = await setup();
    await core.createNamespacedPod({ namespace: 'default', body: pod('first') });
    let lists = 0;
    const informer = makeInformer(config, '/api/v1/namespaces/default/pods', () => {
      lists++;
      return core.listNamespacedPod({ namespace: 'default' });
    });
    const added: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (object) => added.push(object.metadata!.name!));
    informer.on('error', (error) => errors.push(error));
    await informer.start();
    cleanups.push(() => informer.stop());
    await waitFor(() => added.includes('first'), 'the informer to list pod first');
    await core.createNamespacedPod({ namespace: 'default', body: pod('second') });
    await waitFor(() => added.includes('second'), 'the informer to see pod second');

    // Changes elsewhere move the store on; compacting them away leaves the informer's
    // resourceVersion too old. When its watch ends, the re-watch gets 410 and it lists again.
    for (const name of ['x', 'y', 'z'])
      await core.createNamespacedPod({ namespace: 'kube-system', body: pod(name) });
    store.compact({ revision: store.revision });
    timers.fireAll();
    await waitFor(
      () => lists === 2,
      `the informer to list again after 410 (lists: ${lists}, errors: ${errors.length})`,
    );
    await core.createNamespacedPod({ namespace: 'default', body: pod('third') });
    await waitFor(() => added.includes('third'), 'the informer to see pod third after relisting');
    expect(
      informer
        .list()
        .map((item) => item.metadata?.name)
        .sort(),
      "the informer's cache",
    ).toEqual(['first', 'second', 'third']);
    expect(errors, 'errors the informer reported').toEqual([]);
  });
});
