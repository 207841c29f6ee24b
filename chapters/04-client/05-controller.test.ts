// Controllers: informers feeding a work queue, workers calling reconcile(key). Against the
// reference API server, with the queue's back-off on a fake clock.
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { ConfigMap, Pod } from '../../harness/api/types.ts';
import type { ResourceClient } from '../../harness/client/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { createClient } from './client.ts';
import { createController, updateWithRetry } from './controller.ts';
import { createInformer } from './informer.ts';
import { toolkit } from './index.ts';
import { createWorkQueue } from './workqueue.ts';

const scope = testScope();

async function setUp() {
  const server = await scope.apiServer();
  const client = createClient({ server: server.url });
  await client.resource('namespaces').create({ metadata: { name: 'test' } });
  const stop = scope.stopper();
  return {
    client,
    pods: client.resource<Pod>('pods', 'test'),
    configMaps: client.resource<ConfigMap>('configmaps', 'test'),
    stop,
  };
}

/**
 * A config map client whose first `times` reads are stale: after reading, another writer changes
 * the object (a patch of data.other), so an update of what was read conflicts.
 */
function racingWriter(
  configMaps: ResourceClient<ConfigMap>,
  times: number,
): ResourceClient<ConfigMap> {
  let raced = 0;
  return {
    ...configMaps,
    get: async (name) => {
      const read = await configMaps.get(name);
      if (raced < times) {
        raced++;
        await configMaps.patch(name, { data: { other: String(raced) } });
      }
      return read;
    },
    update: (object) => configMaps.update(object),
  };
}

describe('Controllers', () => {
  test('reconcile gets the key of each object there at the start, and of each created later', async () => {
    const { pods, stop } = await setUp();
    await pods.create(examplePod('before'));
    const reconciled = new Set<string>();
    const controller = createController({
      name: 'test-controller',
      reconcile: async (key) => void reconciled.add(key),
    });
    controller.watch(createInformer(pods));
    inBackground(controller.run(stop.signal));
    await waitFor(() => reconciled.has('test/before'), 'the key of the pod there at the start');
    await pods.create(examplePod('after'));
    await waitFor(() => reconciled.has('test/after'), 'the key of a pod created later');
  });

  test('a failing reconcile is retried with back-off until it succeeds, then forgotten', async () => {
    const { configMaps, stop } = await setUp();
    const clock = new FakeClock();
    const queue = createWorkQueue({ clock });
    const errors: string[] = [];
    let attempts = 0;
    const controller = createController({
      name: 'flaky',
      queue,
      reconcile: async () => {
        attempts++;
        if (attempts < 3) throw new Error(`attempt ${attempts} failed`);
      },
      onError: (key, error) => errors.push(`${key}: ${(error as Error).message}`),
    });
    controller.watch(createInformer(configMaps));
    inBackground(controller.run(stop.signal));
    await configMaps.create({ metadata: { name: 'cm' } });
    await waitFor(() => attempts === 1 && clock.pendingTimers === 1, 'the first failure');
    clock.advance(5);
    await waitFor(
      () => attempts === 2 && clock.pendingTimers === 1,
      'the second failure, 5 ms later',
    );
    clock.advance(9);
    expect(attempts, 'the second retry waits 10 ms, not 5').toBe(2);
    clock.advance(1);
    await waitFor(() => attempts === 3, 'the third attempt, 10 ms later');
    await waitFor(() => queue.numRequeues('test/cm') === 0, 'the key forgotten after success');
    expect(errors, 'what onError was told').toEqual([
      'test/cm: attempt 1 failed',
      'test/cm: attempt 2 failed',
    ]);
  });

  test("keysFor maps an object to other keys: a pod to its owner's", async () => {
    const { pods, stop } = await setUp();
    const reconciled = new Set<string>();
    const controller = createController({
      name: 'owners',
      reconcile: async (key) => void reconciled.add(key),
    });
    controller.watch(createInformer(pods), (pod) =>
      (pod.metadata.ownerReferences ?? []).map(
        (owner) => `${pod.metadata.namespace}/${owner.name}`,
      ),
    );
    inBackground(controller.run(stop.signal));
    await pods.create({
      ...examplePod('web-abcde'),
      metadata: {
        name: 'web-abcde',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u1' }],
      },
    });
    await waitFor(() => reconciled.has('test/web'), "the owner's key");
    expect([...reconciled], 'keys reconciled').toEqual(['test/web']);
  });

  test('workers never reconcile one key at the same time, however often it changes', async () => {
    const { configMaps, stop } = await setUp();
    const busy = new Set<string>();
    let overlaps = 0;
    let reconciles = 0;
    const controller = createController({
      name: 'busy',
      workers: 4,
      reconcile: async (key) => {
        if (busy.has(key)) overlaps++;
        busy.add(key);
        await new Promise((resolve) => setTimeout(resolve, 2));
        busy.delete(key);
        reconciles++;
      },
    });
    controller.watch(createInformer(configMaps));
    inBackground(controller.run(stop.signal));
    let cm = await configMaps.create({ metadata: { name: 'hot' }, data: { n: '0' } });
    for (let n = 1; n <= 30; n++) cm = await configMaps.update({ ...cm, data: { n: String(n) } });
    await waitFor(
      () => reconciles > 0 && busy.size === 0 && controller.queue.length() === 0,
      'quiet',
    );
    expect(overlaps, 'reconciles of one key that overlapped').toBe(0);
  });

  test('stopping the controller stops its workers, and run resolves', async () => {
    const { configMaps, stop } = await setUp();
    const controller = createController({ name: 'stops', workers: 2, reconcile: async () => {} });
    controller.watch(createInformer(configMaps));
    const running = controller.run(stop.signal);
    await waitFor(() => controller.queue.length() === 0, 'the start');
    stop.abort();
    await expect(running, 'run() after the signal aborted').resolves.toBeUndefined();
    expect(controller.queue.isShuttingDown(), 'the queue after stopping').toBe(true);
  });

  test('updateWithRetry reads again and redoes the change when someone else wrote first', async () => {
    const { configMaps } = await setUp();
    await configMaps.create({ metadata: { name: 'counter' }, data: { count: '0' } });
    const racing = racingWriter(configMaps, 1);
    let calls = 0;
    const written = await updateWithRetry(racing, 'counter', (cm) => {
      calls++;
      cm.data = { ...cm.data, count: String(Number(cm.data?.count) + 1) };
    });
    expect(calls, 'changes made: one on the stale copy, one on the fresh').toBe(2);
    expect(written.data, 'the object written in the end keeps the other write').toEqual({
      count: '1',
      other: '1',
    });
  });

  test('updateWithRetry gives up after five conflicts in a row and rejects with the last', async () => {
    const { configMaps } = await setUp();
    await configMaps.create({ metadata: { name: 'hot' }, data: { n: '0' } });
    let calls = 0;
    const attempt = updateWithRetry(racingWriter(configMaps, Infinity), 'hot', () => {
      calls++;
    });
    await expect(
      attempt,
      'updateWithRetry after five conflicts in a row should reject with the Conflict',
    ).rejects.toMatchObject({ reason: 'Conflict' });
    expect(calls, 'attempts').toBe(5);
  });

  test('updateWithRetry writes nothing when the change says there is nothing to change', async () => {
    const { configMaps } = await setUp();
    const created = await configMaps.create({ metadata: { name: 'same' } });
    const answer = await updateWithRetry(configMaps, 'same', () => false);
    expect(answer.metadata.resourceVersion, 'resourceVersion, untouched').toBe(
      created.metadata.resourceVersion,
    );
  });

  test('updateWithRetry with { status: true } writes the status subresource', async () => {
    const { pods } = await setUp();
    await pods.create(examplePod('p'));
    const written = await updateWithRetry(
      pods,
      'p',
      (pod) => {
        pod.status = { phase: 'Running' };
      },
      { status: true },
    );
    expect(written.status?.phase, 'status.phase of the pod updateWithRetry wrote').toBe('Running');
  });

  test('the toolkit gathers these parts, as the later chapters receive them', async () => {
    const { pods, stop } = await setUp();
    const reconciled: string[] = [];
    const controller = toolkit.createController({
      name: 'from-the-toolkit',
      queue: toolkit.createWorkQueue(),
      reconcile: async (key) => void reconciled.push(key),
    });
    controller.watch(
      toolkit.createInformer(pods, { indexers: { nodeName: toolkit.indexers.nodeName } }),
    );
    inBackground(controller.run(stop.signal));
    const pod = await pods.create(examplePod('via-toolkit'));
    await waitFor(() => reconciled.includes(toolkit.keyOf(pod)), 'the pod reconciled');
    expect(toolkit.indexers.ownerUid(pod), 'a pod without owners').toEqual([]);
    expect(typeof toolkit.createClient, 'toolkit.createClient').toBe('function');
    expect(typeof toolkit.createLeaderElector, 'toolkit.createLeaderElector').toBe('function');
    expect(typeof toolkit.updateWithRetry, 'toolkit.updateWithRetry').toBe('function');
  });
});
