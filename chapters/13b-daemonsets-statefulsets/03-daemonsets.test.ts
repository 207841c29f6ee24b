// The DaemonSet controller: first its pure steps (which node a pod is on, the views of the nodes,
// manage, the rolling update, status), then the whole loop against the reference API server with
// a fake kubelet that binds each pinned pod to its node and reports it Running and ready.
import { describe, expect, test } from 'vitest';
import { exampleDaemonSet, exampleNode, examplePod } from '../../harness/api/examples.ts';
import type { DaemonSet, Node, Pod } from '../../harness/api/types.ts';
import { FakeClock, rfc3339 } from '../../harness/clock.ts';
import { FakeKubelet } from '../../harness/testing/fake-kubelet.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { pinToNode } from './daemon-pods.ts';
import {
  batchedPodEvents,
  createDaemonSetController,
  daemonSetStatus,
  isActive,
  isAvailable,
  isReady,
  manage,
  nodeOfPod,
  nodeViews,
  POD_UPDATES_BATCH_MS,
  rollingUpdate,
  scaledValue,
  type NodeView,
} from './daemonset.ts';

const scope = testScope();
const NOW = Date.parse('2026-01-01T00:10:00Z');

/** A daemon pod of revision `hash` on `node`, ready (since a minute) or not. */
function podOn(name: string, node: string, hash: string, ready = true): Pod {
  const pod = examplePod(name);
  pod.metadata.labels = { app: 'logs', 'controller-revision-hash': hash };
  pod.metadata.creationTimestamp = rfc3339(NOW - 60_000);
  pod.spec.nodeName = node;
  pod.status = {
    phase: 'Running',
    conditions: [
      {
        type: 'Ready',
        status: ready ? 'True' : 'False',
        lastTransitionTime: rfc3339(NOW - 60_000),
      },
    ],
  };
  return pod;
}

const fits = { shouldRun: true, shouldContinueRunning: true };
const view = (name: string, ...pods: Pod[]): NodeView => ({ name, fit: fits, pods });
const names = (pods: Pod[]) => pods.map((pod) => pod.metadata.name);

/** A DaemonSet rolling with these settings. */
function rolling(maxUnavailable: number | string, maxSurge: number | string = 0): DaemonSet {
  const ds = exampleDaemonSet('logs');
  ds.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable, maxSurge } };
  return ds;
}

async function cluster(nodeNames: string[]) {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const nodes = client.resource<Node>('nodes');
  for (const name of nodeNames) await nodes.create(exampleNode(name));
  inBackground(new FakeKubelet({ toolkit, client, nodes: nodeNames }).run(scope.stopper().signal));
  inBackground(createDaemonSetController({ toolkit, client }).run(scope.stopper().signal));
  const pods = client.resource<Pod>('pods', 'default');
  const daemonSets = client.resource<DaemonSet>('daemonsets', 'default');
  /** The node of each running pod, sorted, and its revision hash. */
  const placed = async () =>
    (await pods.list()).items
      .filter((pod) => !pod.metadata.deletionTimestamp && pod.status?.phase === 'Running')
      .map((pod) => `${pod.spec.nodeName}:${pod.metadata.labels?.['controller-revision-hash']}`)
      .sort();
  return { client, nodes, pods, daemonSets, placed };
}

/** An API server and a DaemonSet controller that is not running: its steps are called one by one. */
async function steps() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const clock = new FakeClock(NOW);
  const controller = createDaemonSetController({ toolkit, client, clock });
  const daemonSets = client.resource<DaemonSet>('daemonsets', 'default');
  const ds = await daemonSets.create(exampleDaemonSet('logs'));
  return {
    client,
    clock,
    controller,
    daemonSets,
    ds,
    pods: client.resource<Pod>('pods', 'default'),
  };
}

describe('DaemonSets', () => {
  test('a pod counts while active, is ready by its condition, available after minReadySeconds', () => {
    const pod = podOn('a', 'n', 'h');
    const finished = { ...pod, status: { ...pod.status, phase: 'Succeeded' as const } };
    expect([isActive(pod), isActive(finished)], 'a Running pod, and a Succeeded one').toEqual([
      true,
      false,
    ]);
    expect(
      [isReady(pod), isReady(podOn('b', 'n', 'h', false))],
      'a pod whose Ready condition is True, and one where it is False',
    ).toEqual([true, false]);
    expect(
      [isAvailable(pod, 30, NOW), isAvailable(pod, 120, NOW), isAvailable(pod, 0, NOW)],
      'a pod ready for 60 s, with minReadySeconds 30, 120 and 0',
    ).toEqual([true, false, true]);
  });

  test('a daemon pod is on its nodeName, or before it is bound on the node it is pinned to', () => {
    const pinned = pinToNode(examplePod('p'), 'node-2');
    expect(nodeOfPod(pinned), 'an unbound pod pinned to node-2').toBe('node-2');
    expect(
      nodeOfPod({ ...pinned, spec: { ...pinned.spec, nodeName: 'node-1' } }),
      'a bound pod',
    ).toBe('node-1');
    expect(nodeOfPod(examplePod('q')), 'a pod neither bound nor pinned').toBeUndefined();
  });

  test('maxUnavailable and maxSurge: a number, or a percentage of the nodes rounded up', () => {
    expect(
      [
        scaledValue(2, 10),
        scaledValue('25%', 10),
        scaledValue('10%', 3),
        scaledValue(undefined, 5),
      ],
      '2 of 10, 25% of 10, 10% of 3, and nothing given',
    ).toEqual([2, 3, 1, 0]);
  });

  test("each node's view: its fit, and the DaemonSet's pods there; a vanished node's pods go in a view that fits nothing", () => {
    const ds = exampleDaemonSet('logs');
    ds.spec.template.spec.nodeSelector = { role: 'edge' };
    const edge = exampleNode('edge-1');
    edge.metadata.labels = { role: 'edge' };
    const views = nodeViews(
      ds,
      [edge, exampleNode('plain')],
      [podOn('a', 'edge-1', 'h'), podOn('b', 'gone', 'h')],
    );
    expect(
      views.map((v) => ({ name: v.name, run: v.fit.shouldRun, pods: names(v.pods) })),
      'nodes edge-1 (role=edge) and plain, pods on edge-1 and on a node that no longer exists',
    ).toEqual([
      { name: 'edge-1', run: true, pods: ['a'] },
      { name: 'plain', run: false, pods: [] },
      { name: 'gone', run: false, pods: ['b'] },
    ]);
  });

  test('manage: a pod where one should run and none does; none where it may not stay; one per revision', () => {
    const older = podOn('older', 'n3', 'h');
    const newer = {
      ...podOn('newer', 'n3', 'h'),
      metadata: { ...podOn('newer', 'n3', 'h').metadata, creationTimestamp: rfc3339(NOW) },
    };
    const plan = manage([
      view('n1'),
      view('n2', podOn('kept', 'n2', 'h')),
      view('n3', newer, older),
      {
        name: 'n4',
        fit: { shouldRun: false, shouldContinueRunning: false },
        pods: [podOn('evicted', 'n4', 'h')],
      },
      {
        name: 'n5',
        fit: { shouldRun: false, shouldContinueRunning: true },
        pods: [podOn('stays', 'n5', 'h')],
      },
      { name: 'n6', fit: { shouldRun: false, shouldContinueRunning: true }, pods: [] },
    ]);
    expect(
      { create: plan.create, delete: names(plan.delete) },
      'n1 empty, n2 one pod, n3 two of one revision, n4 may not keep its pod, n5 may keep it, n6 takes no new one',
    ).toEqual({ create: ['n1'], delete: ['newer', 'evicted'] });
  });

  test('a rolling update deletes old pods while fewer than maxUnavailable nodes lack an available pod', () => {
    const views = ['n1', 'n2', 'n3', 'n4'].map((n) => view(n, podOn(`old-${n}`, n, 'old')));
    expect(
      names(rollingUpdate(rolling(1), views, 'new', NOW).delete),
      'four old ready pods, maxUnavailable 1',
    ).toEqual(['old-n1']);
    expect(
      names(rollingUpdate(rolling('50%'), views, 'new', NOW).delete),
      'the same, maxUnavailable 50%',
    ).toEqual(['old-n1', 'old-n2']);
    const midway = [view('n1'), view('n2', podOn('old-n2', 'n2', 'old', false)), ...views.slice(2)];
    expect(
      names(rollingUpdate(rolling(1), midway, 'new', NOW).delete),
      'n1 has no pod yet (one unavailable), n2 an old pod that is not ready: only that one goes',
    ).toEqual(['old-n2']);
    expect(
      rollingUpdate(rolling(1), [view('n1', podOn('x', 'n1', 'new'))], 'new', NOW),
      'all new: nothing to do',
    ).toEqual({
      create: [],
      delete: [],
    });
  });

  test('with maxSurge, the new pod starts beside the old one, which goes once the new one is available', () => {
    const views = [
      view('n1', podOn('old-n1', 'n1', 'old')),
      view('n2', podOn('old-n2', 'n2', 'old'), podOn('new-n2', 'n2', 'new')),
      view('n3', podOn('old-n3', 'n3', 'old'), podOn('new-n3', 'n3', 'new', false)),
      view('n4', podOn('old-n4', 'n4', 'old')),
    ];
    const plan = rollingUpdate(rolling(0, 2), views, 'new', NOW);
    expect(
      { create: plan.create, delete: names(plan.delete) },
      'maxSurge 2: n2 new pod available, n3 new pod starting (one surge used), n1 and n4 old only',
    ).toEqual({ create: ['n1'], delete: ['old-n2'] });
  });

  test('status counts the nodes: desired, current, misscheduled, ready, updated, available', () => {
    const ds = exampleDaemonSet('logs');
    ds.metadata.generation = 3;
    const status = daemonSetStatus(
      ds,
      [
        view('n1', podOn('a', 'n1', 'new')),
        view('n2', podOn('b', 'n2', 'old', false)),
        view('n3'),
        {
          name: 'n4',
          fit: { shouldRun: false, shouldContinueRunning: false },
          pods: [podOn('c', 'n4', 'new')],
        },
      ],
      'new',
      NOW,
    );
    expect(
      status,
      'n1 new and ready, n2 old and not ready, n3 empty, n4 a pod where none belongs',
    ).toEqual({
      desiredNumberScheduled: 3,
      currentNumberScheduled: 2,
      numberMisscheduled: 1,
      numberReady: 1,
      updatedNumberScheduled: 1,
      numberAvailable: 1,
      numberUnavailable: 2,
      observedGeneration: 3,
    });
  });

  test('createPods makes a pod pinned to each node, and expects them until the informer shows them', async () => {
    const { clock, controller, ds, pods } = await steps();
    await controller.createPods(ds, 'default/logs', 'h1', ['node-1', 'node-2']);
    const made = (await pods.list()).items;
    expect(
      made.map((pod) => nodeOfPod(pod)).sort(),
      'createPods(logs, hash h1, [node-1, node-2]): the nodes the pods are pinned to',
    ).toEqual(['node-1', 'node-2']);
    expect(
      made.every((pod) => pod.metadata.labels?.['controller-revision-hash'] === 'h1'),
      'each labelled with the hash',
    ).toBe(true);
    expect(
      controller.creationsObserved('default/logs'),
      'the informer (not running here) has shown neither pod: still expected',
    ).toBe(false);
    expect(controller.creationsObserved('default/other'), 'another DaemonSet expects nothing').toBe(
      true,
    );
    clock.advance(31_000);
    expect(
      controller.creationsObserved('default/logs'),
      'after 31 s on the clock the pods are no longer waited for',
    ).toBe(true);
  });

  test('deletePods deletes the victims, a pod already gone is fine; writeStatus writes only a change', async () => {
    const { controller, daemonSets, ds, pods } = await steps();
    const pod = await pods.create(examplePod('a'));
    await controller.deletePods(ds, [pod, podOn('gone', 'n1', 'h')]);
    expect(
      (await pods.list()).items,
      'after deletePods of pod a (bound to no node: deleted at once) and of a pod never made',
    ).toEqual([]);
    const status = daemonSetStatus(ds, [view('n1', podOn('b', 'n1', 'h'))], 'h', NOW);
    await controller.writeStatus(ds, status);
    const written = await daemonSets.get('logs');
    expect(written.status, 'the status after writeStatus').toMatchObject(status);
    await controller.writeStatus(written, status);
    expect(
      (await daemonSets.get('logs')).metadata.resourceVersion,
      'writeStatus again with the same status writes nothing: the resourceVersion stays',
    ).toBe(written.metadata.resourceVersion);
  });

  test('after its own status write the controller works from what it wrote, until the informer shows newer', async () => {
    const { controller, daemonSets, ds } = await steps();
    const first = daemonSetStatus(ds, [view('n1', podOn('b', 'n1', 'h', false))], 'h', NOW);
    await controller.writeStatus(ds, first);
    const fresh = controller.newestOf(ds);
    expect(
      fresh.metadata.resourceVersion,
      'newestOf(the copy the write replaced): the DaemonSet the status write stored',
    ).toBe((await daemonSets.get('logs')).metadata.resourceVersion);
    const second = daemonSetStatus(ds, [view('n1', podOn('b', 'n1', 'h'))], 'h', NOW);
    await controller.writeStatus(controller.newestOf(ds), second);
    const stored = await daemonSets.get('logs');
    expect(
      stored.status?.numberReady,
      'a second write, from newestOf of the same stale copy: stored',
    ).toBe(1);
    expect(
      controller.newestOf(stored),
      'newestOf(a version no write replaced): that version itself',
    ).toBe(stored);
    expect(
      controller.newestOf(ds),
      'newestOf(the stale copy) once the newer one was seen: the writes are forgotten',
    ).toBe(ds);
  });

  test("pods' changes are batched: each hands the queue its DaemonSet's key, due 250 ms later", () => {
    const due: string[] = [];
    const queue = {
      addAfter: (key: string, delayMs: number) => void due.push(`${key} in ${delayMs} ms`),
    };
    const ownerOf = (pod: Pod) => [`default/${pod.metadata.labels!.owner}`];
    const handlers = batchedPodEvents(ownerOf, queue, POD_UPDATES_BATCH_MS);
    const pod = (owner: string) => examplePod('logs-abc', { owner });
    handlers.add?.(pod('logs'));
    expect(due, 'a pod of DaemonSet logs added').toEqual(['default/logs in 250 ms']);
    due.length = 0;
    handlers.update?.(pod('logs'), pod('agent'));
    expect(due, 'a pod relabelled from logs to agent: both DaemonSets, batched').toEqual([
      'default/logs in 250 ms',
      'default/agent in 250 ms',
    ]);
    due.length = 0;
    handlers.delete?.(pod('agent'));
    expect(due, 'a pod of DaemonSet agent deleted').toEqual(['default/agent in 250 ms']);
  });

  test('a new DaemonSet gets one pod on each node, and its status says so', async () => {
    const { daemonSets, placed } = await cluster(['node-1', 'node-2', 'node-3']);
    await daemonSets.create(exampleDaemonSet('logs'));
    await waitFor(async () => (await placed()).length === 3, 'a pod running on each of 3 nodes');
    expect(
      (await placed()).map((p) => p.split(':')[0]),
      'a DaemonSet created on a cluster of three nodes',
    ).toEqual(['node-1', 'node-2', 'node-3']);
    await waitFor(
      async () => (await daemonSets.get('logs')).status?.numberAvailable === 3,
      'status.numberAvailable 3',
    );
    const status = (await daemonSets.get('logs')).status;
    expect(
      [
        status?.desiredNumberScheduled,
        status?.currentNumberScheduled,
        status?.updatedNumberScheduled,
      ],
      'desired, current and updated',
    ).toEqual([3, 3, 3]);
  });

  test('a node added later gets its pod; a node tainted NoExecute loses it; a deleted pod comes back', async () => {
    const { daemonSets, nodes, pods, placed } = await cluster(['node-1']);
    await daemonSets.create(exampleDaemonSet('logs'));
    await waitFor(async () => (await placed()).length === 1, 'the pod on node-1');
    await nodes.create(exampleNode('node-2'));
    await waitFor(
      async () => (await placed()).length === 2,
      'a pod on node-2, added after the DaemonSet',
    );
    await toolkit.updateWithRetry(nodes, 'node-1', (node) => {
      node.spec = { ...node.spec, taints: [{ key: 'maintenance', effect: 'NoExecute' }] };
    });
    await waitFor(
      async () => (await placed()).every((p) => p.startsWith('node-2')),
      'no pod left on node-1 once it is tainted maintenance:NoExecute',
    );
    const victim = (await pods.list()).items.find((pod) => pod.spec.nodeName === 'node-2')!;
    await pods.delete(victim.metadata.name!);
    await waitFor(
      async () =>
        (await pods.list()).items.some(
          (p) =>
            p.spec.nodeName === 'node-2' &&
            p.metadata.name !== victim.metadata.name &&
            p.status?.phase === 'Running',
        ),
      'a new pod on node-2 after its pod was deleted',
    );
  });

  test('a template change rolls every node to the new revision; OnDelete waits for pods deleted by hand', async () => {
    const { client, daemonSets, pods, placed } = await cluster(['node-1', 'node-2']);
    await daemonSets.create(exampleDaemonSet('logs'));
    await waitFor(async () => (await placed()).length === 2, 'two pods');
    const [oldHash] = (await placed())[0]!.split(':').slice(1);
    await toolkit.updateWithRetry(daemonSets, 'logs', (ds) => {
      ds.spec.template.spec.containers[0]!.image = 'kata/echo:2.0';
    });
    await waitFor(async () => {
      const now = await placed();
      return now.length === 2 && now.every((p) => !p.endsWith(`:${oldHash}`));
    }, 'both nodes running the new revision');
    const revisions = await client.resource('controllerrevisions', 'default').list();
    expect(revisions.items.length, 'a ControllerRevision for each template').toBe(2);
    await toolkit.updateWithRetry(daemonSets, 'logs', (ds) => {
      ds.spec.updateStrategy = { type: 'OnDelete' };
      ds.spec.template.spec.containers[0]!.image = 'kata/echo:3.0';
    });
    await waitFor(
      async () =>
        (await client.resource('controllerrevisions', 'default').list()).items.length === 3,
      'a third revision',
    );
    const before = await placed();
    const victim = (await pods.list()).items.find((pod) => pod.spec.nodeName === 'node-1')!;
    await pods.delete(victim.metadata.name!);
    await waitFor(async () => {
      const now = await placed();
      return now.length === 2 && now.find((p) => p.startsWith('node-1')) !== before[0];
    }, 'a new pod on node-1');
    const after = await placed();
    expect(after[1], 'OnDelete: node-2 keeps its pod of the second revision').toBe(before[1]);
    expect(after[0], 'the pod deleted by hand comes back of the third revision').not.toBe(
      before[0],
    );
  });
});
