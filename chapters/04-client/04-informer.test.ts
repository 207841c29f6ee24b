// The informer against the reference API server: a cache that follows the server, its indexes,
// its handlers, and how it comes back from a compacted history.
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { Pod } from '../../harness/api/types.ts';
import type { ResourceClient } from '../../harness/client/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { countingClient } from '../../harness/testing/counting-client.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { createClient, keyOf } from './client.ts';
import {
  createInformer,
  indexByNamespace,
  Indexer,
  indexByNodeName,
  indexByOwnerUid,
} from './informer.ts';

const scope = testScope();

async function setUp(namespace = 'test') {
  const serverClock = new FakeClock(Date.now());
  // Compaction off: the timers the server sets are then the watches' own.
  const server = await scope.apiServer({ timers: serverClock, compactionIntervalMs: 0 });
  const client = createClient({ server: server.url });
  await client.resource('namespaces').create({ metadata: { name: namespace } });
  const pods = client.resource<Pod>('pods', namespace);
  const stop = scope.stopper();
  return { server, serverClock, client, pods, stop };
}

/** Binds a pod to a node, as a scheduler would. */
async function bind(client: ReturnType<typeof createClient>, pod: Pod, node: string) {
  await client.bind({
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
    target: { kind: 'Node', name: node },
  });
}

/** The names of a list of pods, sorted. */
const names = (pods: Pod[]) => pods.map((pod) => pod.metadata.name).sort();

/** A pod in namespace `namespace`, on `node` if given, owned by the owners whose uids are given. */
function placed(name: string, node?: string, owners: string[] = [], namespace = 'test'): Pod {
  const pod = examplePod(name);
  pod.metadata.namespace = namespace;
  if (node) pod.spec.nodeName = node;
  pod.metadata.ownerReferences = owners.map((uid) => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: `rs-${uid}`,
    uid,
  }));
  return pod;
}

/** An Indexer with the three index functions of this file. */
const indexer = () =>
  new Indexer<Pod>({
    namespace: indexByNamespace,
    nodeName: indexByNodeName,
    ownerUid: indexByOwnerUid,
  });

describe('The informer cache', () => {
  test('index functions file a pod under its namespace, its node and the uids of its owners', () => {
    const pod = placed('web', 'node-1', ['uid-1', 'uid-2'], 'shop');
    expect(indexByNamespace(pod), 'indexByNamespace of a pod in shop').toEqual(['shop']);
    expect(
      indexByNamespace({ metadata: { name: 'node-1' } }),
      'indexByNamespace of a node (no namespace)',
    ).toEqual(['']);
    expect(indexByNodeName(pod), 'indexByNodeName of a pod on node-1').toEqual(['node-1']);
    expect(indexByNodeName(placed('new')), 'indexByNodeName of an unscheduled pod').toEqual([]);
    expect(indexByOwnerUid(pod), 'indexByOwnerUid of a pod with two owners').toEqual([
      'uid-1',
      'uid-2',
    ]);
    expect(
      indexByOwnerUid(examplePod('orphan')),
      'indexByOwnerUid of a pod without ownerReferences',
    ).toEqual([]);
  });

  test('an Indexer keeps objects by key; put answers what it replaced, remove what it removed', () => {
    const cache = indexer();
    const first = placed('a');
    const second = placed('a', 'node-1');
    expect(cache.put('test/a', first), 'the first put of test/a').toBeUndefined();
    expect(cache.put('test/a', second), 'a second put of test/a answers the first').toBe(first);
    expect(cache.get('test/a'), "get('test/a') after two puts").toBe(second);
    cache.put('test/b', placed('b'));
    expect(names(cache.list()), 'list() after putting a and b').toEqual(['a', 'b']);
    expect(cache.remove('test/a'), "remove('test/a') answers what it removed").toBe(second);
    expect(cache.get('test/a'), "get('test/a') after removing it").toBeUndefined();
    expect(cache.remove('test/a'), "remove('test/a') again").toBeUndefined();
  });

  test('byIndex answers the objects filed under a value; none for a value or index it does not know', () => {
    const cache = indexer();
    cache.put('test/a', placed('a', 'node-1', ['uid-1']));
    cache.put('test/b', placed('b', 'node-2', ['uid-1']));
    cache.put('test/c', placed('c', 'node-1'));
    expect(names(cache.byIndex('nodeName', 'node-1')), "byIndex('nodeName', 'node-1')").toEqual([
      'a',
      'c',
    ]);
    expect(names(cache.byIndex('ownerUid', 'uid-1')), "byIndex('ownerUid', 'uid-1')").toEqual([
      'a',
      'b',
    ]);
    expect(names(cache.byIndex('namespace', 'test')), "byIndex('namespace', 'test')").toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(cache.byIndex('nodeName', 'node-9'), "byIndex('nodeName', 'node-9')").toEqual([]);
    expect(cache.byIndex('color', 'red'), "byIndex('color', 'red'): no such index").toEqual([]);
  });

  test('putting a newer version refiles it: a pod bound to a node moves to that entry', () => {
    const cache = indexer();
    cache.put('test/a', placed('a', 'node-1'));
    cache.put('test/a', placed('a', 'node-2'));
    expect(
      cache.byIndex('nodeName', 'node-1'),
      "byIndex('nodeName', 'node-1') after the pod moved to node-2",
    ).toEqual([]);
    expect(
      names(cache.byIndex('nodeName', 'node-2')),
      "byIndex('nodeName', 'node-2') after the pod moved there",
    ).toEqual(['a']);
  });

  test('removing an object takes it out of every index', () => {
    const cache = indexer();
    cache.put('test/a', placed('a', 'node-1', ['uid-1']));
    cache.remove('test/a');
    expect(
      [
        cache.byIndex('nodeName', 'node-1'),
        cache.byIndex('ownerUid', 'uid-1'),
        cache.byIndex('namespace', 'test'),
      ],
      'byIndex of nodeName, ownerUid and namespace after removing the pod',
    ).toEqual([[], [], []]);
  });

  test('an informer lists into its cache; then hasSynced is true and waitForSync resolves', async () => {
    const { pods, stop } = await setUp();
    await pods.create(examplePod('a'));
    const informer = createInformer(pods);
    expect(informer.hasSynced(), 'before run').toBe(false);
    informer.run(stop.signal);
    await informer.waitForSync();
    expect(informer.hasSynced(), 'after the first list').toBe(true);
    expect(names(informer.list()), 'the cache after the first list').toEqual(['a']);
  });

  test('objects are kept under their keys: namespace/name', async () => {
    const { pods, client, stop } = await setUp();
    await pods.create(examplePod('a'));
    const informer = createInformer(pods);
    informer.run(stop.signal);
    await informer.waitForSync();
    expect(informer.get('test/a')?.metadata.name, "get('test/a')").toBe('a');
    expect(informer.get('default/a'), "get('default/a')").toBeUndefined();
    const nodes = createInformer(client.resource('nodes'));
    await client.resource('nodes').create({ metadata: { name: 'node-1' } });
    nodes.run(stop.signal);
    await nodes.waitForSync();
    expect(nodes.get('node-1')?.metadata.name, 'a node is kept under its name alone').toBe(
      'node-1',
    );
  });

  test('running an informer twice starts one reflector', async () => {
    const { pods, stop } = await setUp();
    const counting = countingClient(pods as ResourceClient<Pod>);
    const informer = createInformer(counting.client);
    informer.run(stop.signal);
    informer.run(stop.signal);
    await informer.waitForSync();
    await waitFor(() => counting.watches >= 1, 'the watch');
    expect(counting.lists, 'lists after two runs').toBe(1);
  });

  test('waitForSync rejects if the informer is stopped before it syncs', async () => {
    const stop = new AbortController();
    const informer = createInformer(
      createClient({ server: 'http://127.0.0.1:1' }).resource('pods'),
      {
        clock: new FakeClock(),
      },
    );
    informer.run(stop.signal);
    const waiting = informer.waitForSync(stop.signal);
    stop.abort();
    await expect(
      waiting,
      'waitForSync on an informer stopped before it reached its server should reject with an Error',
    ).rejects.toThrow();
  });
  test('every informer indexes by namespace', async () => {
    const { client, stop } = await setUp('one');
    await client.resource('namespaces').create({ metadata: { name: 'two' } });
    await client.resource<Pod>('pods', 'one').create(examplePod('a'));
    await client.resource<Pod>('pods', 'two').create(examplePod('b'));
    const informer = createInformer(client.resource<Pod>('pods'));
    informer.run(stop.signal);
    await informer.waitForSync();
    expect(names(informer.byIndex('namespace', 'two')), "byIndex('namespace', 'two')").toEqual([
      'b',
    ]);
  });

  test('the ownerUid index finds the objects an owner owns', async () => {
    const { pods, stop } = await setUp();
    const owned = (name: string, uid: string): Pod => ({
      ...examplePod(name),
      metadata: {
        name,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid }],
      },
    });
    await pods.create(owned('a', 'uid-1'));
    await pods.create(owned('b', 'uid-1'));
    await pods.create(owned('c', 'uid-2'));
    const informer = createInformer(pods, { indexers: { ownerUid: indexByOwnerUid } });
    informer.run(stop.signal);
    await informer.waitForSync();
    expect(names(informer.byIndex('ownerUid', 'uid-1')), "byIndex('ownerUid', 'uid-1')").toEqual([
      'a',
      'b',
    ]);
  });

  test('handlers hear add, update and delete in the order things happened', async () => {
    const { pods, stop } = await setUp();
    const informer = createInformer(pods);
    const heard: string[] = [];
    informer.addEventHandlers({
      add: (pod) => heard.push(`add ${pod.metadata.name}`),
      update: (old, pod) =>
        heard.push(`update ${old.metadata.labels?.turn ?? '-'}->${pod.metadata.labels?.turn}`),
      delete: (pod) => heard.push(`delete ${pod.metadata.name}`),
    });
    informer.run(stop.signal);
    await informer.waitForSync();
    const created = await pods.create(examplePod('a', { turn: '1' }));
    await pods.update({ ...created, metadata: { ...created.metadata, labels: { turn: '2' } } });
    await pods.delete('a');
    await waitFor(() => heard.length === 3, 'three events');
    expect(heard, 'what the handlers heard: create, update, delete').toEqual([
      'add a',
      'update 1->2',
      'delete a',
    ]);
    expect(informer.get('test/a'), 'a deleted pod leaves the cache').toBeUndefined();
  });

  test('a handler added after the sync is first told about everything already cached', async () => {
    const { pods, stop } = await setUp();
    await pods.create(examplePod('a'));
    await pods.create(examplePod('b'));
    const informer = createInformer(pods);
    informer.run(stop.signal);
    await informer.waitForSync();
    const added: string[] = [];
    informer.addEventHandlers({ add: (pod) => added.push(pod.metadata.name!) });
    expect(added.sort(), 'adds heard by a late handler').toEqual(['a', 'b']);
  });

  test('the nodeName index follows a pod when it is bound to a node', async () => {
    const { client, pods, stop } = await setUp();
    const informer = createInformer(pods, { indexers: { nodeName: indexByNodeName } });
    informer.run(stop.signal);
    await informer.waitForSync();
    const pod = await pods.create(examplePod('a'));
    await waitFor(() => informer.get('test/a') !== undefined, 'the pod in the cache');
    expect(informer.byIndex('nodeName', 'node-1'), 'pods on node-1 before binding').toEqual([]);
    await bind(client, pod, 'node-1');
    await waitFor(() => informer.byIndex('nodeName', 'node-1').length === 1, 'the bound pod');
    expect(
      names(informer.byIndex('nodeName', 'node-1')),
      "byIndex('nodeName', 'node-1') after binding",
    ).toEqual(['a']);
  });

  test('a label selector narrows what the informer holds', async () => {
    const { pods, stop } = await setUp();
    await pods.create(examplePod('web', { app: 'web' }));
    await pods.create(examplePod('db', { app: 'db' }));
    const informer = createInformer(pods, { labelSelector: 'app=web' });
    informer.run(stop.signal);
    await informer.waitForSync();
    await pods.create(examplePod('web-2', { app: 'web' }));
    await pods.create(examplePod('db-2', { app: 'db' }));
    await waitFor(() => informer.list().length === 2, 'web-2 to arrive');
    expect(names(informer.list()), 'the cache of an informer with app=web').toEqual([
      'web',
      'web-2',
    ]);
  });

  test('compaction forces a relist that ends in the same cache as a fresh list, deletes included', async () => {
    const { pods, server, serverClock, stop } = await setUp();
    await pods.create(examplePod('stays'));
    await pods.create(examplePod('goes'));
    const changing = await pods.create(examplePod('changes', { turn: '1' }));
    const counting = countingClient(pods);
    const informer = createInformer(counting.client);
    const heard: string[] = [];
    informer.addEventHandlers({
      update: (old, pod) => heard.push(`update ${pod.metadata.name}`),
      delete: (pod) => heard.push(`delete ${pod.metadata.name}`),
      add: (pod) => heard.push(`add ${pod.metadata.name}`),
    });
    informer.run(stop.signal);
    await informer.waitForSync();
    heard.length = 0;
    await waitFor(() => serverClock.pendingTimers > 0, 'the watch to be open on the server');

    // The watch ends; while the informer is away, history moves on and is compacted.
    counting.hold();
    serverClock.advance(60 * 60 * 1000);
    await waitFor(() => counting.watches === 2, 'a second watch');
    await pods.delete('goes');
    await pods.update({ ...changing, metadata: { ...changing.metadata, labels: { turn: '2' } } });
    await pods.create(examplePod('new'));
    server.store.compact({ revision: server.store.revision });
    counting.release();

    await waitFor(() => counting.lists === 2, 'the relist after 410 Expired');
    await waitFor(() => heard.length === 3, 'the relist to be applied');
    const fresh = await pods.list();
    expect(informer.list().map(keyOf).sort(), 'the cache after the relist').toEqual(
      fresh.items.map(keyOf).sort(),
    );
    expect(informer.get('test/changes')?.metadata.labels, 'the changed pod').toEqual({ turn: '2' });
    expect(heard.sort(), 'what handlers heard from the relist').toEqual([
      'add new',
      'delete goes',
      'update changes',
    ]);
  });

  test('every resyncMs, each cached object is handed to update again, unchanged', async () => {
    const { pods, stop } = await setUp();
    await pods.create(examplePod('a'));
    const clock = new FakeClock();
    const informer = createInformer(pods, { resyncMs: 30_000, clock });
    const resyncs: string[] = [];
    informer.addEventHandlers({
      update: (old, pod) => {
        if (old === pod) resyncs.push(pod.metadata.name!);
      },
    });
    informer.run(stop.signal);
    await informer.waitForSync();
    clock.advance(29_999);
    expect(resyncs, 'before 30 s').toEqual([]);
    clock.advance(1);
    expect(resyncs, 'at 30 s').toEqual(['a']);
    clock.advance(30_000);
    expect(resyncs, 'at 60 s').toEqual(['a', 'a']);
  });
});
