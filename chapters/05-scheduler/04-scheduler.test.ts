// The whole scheduler against the reference API server, over HTTP, with chapter 04's reference
// toolkit. Nodes are plain Node objects (no kubelet runs): the scheduler only reads them.
import { describe, expect, test } from 'vitest';
import { exampleNode, examplePod, podRequesting } from '../../harness/api/examples.ts';
import type { KubeEvent, Node, Pod } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { seededRandom } from '../../harness/testing/random.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  Unschedulable,
  bindingFor,
  createScheduler,
  markUnschedulable,
  numFeasibleNodesToFind,
  schedulerEvent,
} from './scheduler.ts';

const scope = testScope();

/** A server with `nodes`, and a running scheduler (named `schedulerName`, if given). */
async function setUp(nodes: Node[], schedulerName?: string) {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  for (const node of nodes) await client.resource<Node>('nodes').create(node);
  const stop = scope.stopper();
  const scheduler = createScheduler({
    toolkit,
    client,
    schedulerName,
    clock: new FakeClock(Date.parse('2026-01-01T00:00:00Z')),
    random: seededRandom(7),
  });
  inBackground(scheduler.run(stop.signal));
  const pods = client.resource<Pod>('pods', 'default');
  /** Where each pod named runs now ('' for none). */
  const placement = async (): Promise<Record<string, string>> =>
    Object.fromEntries(
      (await pods.list()).items.map((pod) => [pod.metadata.name!, pod.spec.nodeName ?? '']),
    );
  return { client, pods, placement, scheduler };
}

/** A scheduler that is not run: its cache is filled by hand, its client never called. */
function standalone(options: { schedulerName?: string; random?: () => number } = {}) {
  const client = toolkit.createClient({ server: 'http://127.0.0.1:9' });
  return createScheduler({ toolkit, client, random: seededRandom(7), ...options });
}

/**
 * A server, and a scheduler that is not run, fed by pod and node informers through
 * addEventHandlers, with a work queue of its own.
 */
async function withInformers() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const scheduler = createScheduler({ toolkit, client });
  const podInformer = toolkit.createInformer(client.resource<Pod>('pods'));
  const nodeInformer = toolkit.createInformer(client.resource<Node>('nodes'));
  const queue = toolkit.createWorkQueue();
  scheduler.addEventHandlers(podInformer, nodeInformer, queue);
  const stop = scope.stopper();
  podInformer.run(stop.signal);
  nodeInformer.run(stop.signal);
  stop.signal.addEventListener('abort', () => queue.shutDown());
  await podInformer.waitForSync();
  await nodeInformer.waitForSync();
  const pods = client.resource<Pod>('pods', 'default');
  return { client, pods, informers: { scheduler, queue } };
}

/** Nodes n0 .. n(count-1), each a Ready exampleNode. */
const manyNodes = (count: number) => Array.from({ length: count }, (_, n) => exampleNode(`n${n}`));

/** A node tainted dedicated=db:NoSchedule. */
function taintedNode(name: string): Node {
  const node = exampleNode(name);
  node.spec = { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] };
  return node;
}

/** podRequesting in namespace default. */
function pod(name: string, requests: Record<string, string> = {}): Pod {
  const made = podRequesting(name, requests);
  made.metadata.namespace = 'default';
  return made;
}

describe('Scheduling pods', () => {
  test('in a big cluster the search stops once enough nodes fit: from 50% down to 5%', () => {
    expect(
      [10, 99, 100, 1000, 5000, 10_000].map((nodes) => numFeasibleNodesToFind(nodes)),
      'nodes to find in clusters of 10, 99, 100, 1000, 5000 and 10000 nodes',
    ).toEqual([10, 99, 100, 420, 500, 500]);
    expect(
      numFeasibleNodesToFind(1000, 100),
      'nodes to find in 1000 nodes with percentageOfNodesToScore 100',
    ).toBe(1000);
    expect(
      numFeasibleNodesToFind(1000, 1),
      'nodes to find in 1000 nodes with percentageOfNodesToScore 1: never fewer than 100',
    ).toBe(100);
  });

  test('a scheduler takes the pods that name it, and default-scheduler those that name none', () => {
    const named = examplePod('named');
    named.spec.schedulerName = 'my-scheduler';
    const unnamed = examplePod('unnamed');
    expect(
      [standalone().responsibleFor(named), standalone().responsibleFor(unnamed)],
      'default-scheduler asked about a pod for my-scheduler, and about a pod naming no scheduler',
    ).toEqual([false, true]);
    const mine = standalone({ schedulerName: 'my-scheduler' });
    expect(
      [mine.responsibleFor(named), mine.responsibleFor(unnamed)],
      'my-scheduler asked about the same two pods',
    ).toEqual([true, false]);
  });

  test('findFeasibleNodes answers the nodes that fit and why each other one does not', () => {
    const scheduler = standalone();
    for (const node of [
      exampleNode('small', { cpu: '1' }),
      exampleNode('large'),
      taintedNode('db'),
    ])
      scheduler.cache.setNode(node);
    const { feasible, reasons, examined } = scheduler.findFeasibleNodes(pod('web', { cpu: '2' }));
    expect(
      feasible.map((node) => node.name),
      'nodes that fit a 2-core pod among small (1 core), large (4 cores) and db (tainted)',
    ).toEqual(['large']);
    expect(reasons, 'the reasons of small and db').toEqual([
      ['Insufficient cpu'],
      ['node(s) had untolerated taint {dedicated: db}'],
    ]);
    expect(examined, 'nodes examined in a cluster of 3').toBe(3);
  });

  test('in a cluster of 200 nodes, a search stops once 100 fit', () => {
    const scheduler = standalone();
    for (const node of manyNodes(200)) scheduler.cache.setNode(node);
    const { feasible, examined } = scheduler.findFeasibleNodes(pod('web'));
    expect(
      [feasible.length, examined],
      'nodes found feasible and nodes examined, out of 200 that all fit',
    ).toEqual([100, 100]);
  });

  test('each search starts where the last one stopped, so pods go round the nodes', () => {
    const scheduler = standalone();
    for (const node of manyNodes(200)) scheduler.cache.setNode(node);
    const first = scheduler.findFeasibleNodes(pod('a')).feasible.map((node) => node.name);
    const second = scheduler.findFeasibleNodes(pod('b')).feasible.map((node) => node.name);
    const third = scheduler.findFeasibleNodes(pod('c')).feasible.map((node) => node.name);
    expect(
      [first[0], first.at(-1), second[0], second.at(-1), third[0]],
      'first and last node of three searches over n0..n199',
    ).toEqual(['n0', 'n99', 'n100', 'n199', 'n0']);
  });

  test('schedulePod picks the feasible node with the best score, and only decides', () => {
    const scheduler = standalone();
    scheduler.cache.setNode(exampleNode('busy'));
    scheduler.cache.setNode(exampleNode('idle'));
    const bound = pod('old', { cpu: '3', memory: '6Gi' });
    bound.spec.nodeName = 'busy';
    scheduler.cache.addPod(bound);
    const web = pod('web', { cpu: '500m', memory: '1Gi' });
    expect(
      scheduler.schedulePod(web),
      'a 500m pod, with node busy 3 cores taken of 4 and node idle empty',
    ).toBe('idle');
    expect(
      scheduler.cache.isAssumed(web),
      'whether schedulePod assumed the pod (assuming is for scheduleOne)',
    ).toBe(false);
  });

  test("when no node fits, schedulePod throws Unschedulable with Kubernetes' message", () => {
    const scheduler = standalone();
    scheduler.cache.setNode(exampleNode('small', { cpu: '1' }));
    scheduler.cache.setNode(taintedNode('db'));
    let thrown: unknown;
    try {
      scheduler.schedulePod(pod('huge', { cpu: '2' }));
    } catch (error) {
      thrown = error;
    }
    expect(
      thrown,
      'schedulePod for a 2-core pod on small (1 core) and db (tainted) should throw an Unschedulable',
    ).toBeInstanceOf(Unschedulable);
    expect((thrown as Error).message, 'the Unschedulable message').toBe(
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: db}.',
    );
  });

  test('the cache counts each pod the informer shows with a node, until it finishes', () => {
    const scheduler = standalone();
    scheduler.cache.setNode(exampleNode('n1'));
    const web = pod('web', { cpu: '1' });
    scheduler.observe(web);
    const counted = () => scheduler.cache.node('n1')?.requested.pods;
    expect(counted(), 'pods counted on n1 after a pod with no node was observed').toBe(0);
    web.spec.nodeName = 'n1';
    scheduler.observe(web);
    expect(counted(), 'after the same pod was observed bound to n1').toBe(1);
    scheduler.observe({ ...web, status: { phase: 'Succeeded' } });
    expect(counted(), 'after it was observed Succeeded').toBe(0);
  });

  test('a Binding names the pod and targets the node', () => {
    expect(bindingFor(pod('web'), 'node-1'), 'bindingFor(default/web, node-1)').toEqual({
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'web', namespace: 'default' },
      target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
    });
  });

  test('an Event names the pod it is about, the scheduler that writes it and the time', () => {
    const web = pod('web');
    web.metadata.uid = 'uid-1';
    const now = '2026-01-01T00:00:00Z';
    expect(
      schedulerEvent(web, 'Warning', 'FailedScheduling', 'no room', 'my-scheduler', now),
      'a Warning FailedScheduling event about default/web from my-scheduler',
    ).toEqual({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: 'web.', namespace: 'default' },
      involvedObject: {
        apiVersion: 'v1',
        kind: 'Pod',
        namespace: 'default',
        name: 'web',
        uid: 'uid-1',
      },
      reason: 'FailedScheduling',
      message: 'no room',
      type: 'Warning',
      source: { component: 'my-scheduler' },
      reportingComponent: 'my-scheduler',
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
    });
  });

  test('addEventHandlers: the cache follows the nodes and the bound pods the informers show', async () => {
    const { client, pods, informers } = await withInformers();
    await client.resource<Node>('nodes').create(exampleNode('n1'));
    const bound = examplePod('web');
    bound.spec.nodeName = 'n1';
    await pods.create(bound);
    const { scheduler } = informers;
    await waitFor(
      () => scheduler.cache.node('n1')?.requested.pods === 1,
      'node n1 in the cache, counting pod web created bound to it',
    );
    await pods.delete('web', { gracePeriodSeconds: 0 });
    await waitFor(
      () => scheduler.cache.node('n1')?.requested.pods === 0,
      'n1 to count no pod once web is deleted',
    );
    await client.resource<Node>('nodes').delete('n1');
    await waitFor(() => scheduler.cache.nodes().length === 0, 'n1 to leave the cache when deleted');
    expect(scheduler.cache.node('n1'), 'cache.node(n1) once n1 is deleted').toBeUndefined();
  });

  test('addEventHandlers: a node added puts the pods no node could take back in the queue at once', async () => {
    const { client, informers } = await withInformers();
    const { scheduler, queue } = informers;
    scheduler.unschedulable.add('default/huge');
    await client.resource<Node>('nodes').create(exampleNode('big'));
    await waitFor(() => queue.length() === 1, 'default/huge to be queued when node big is added');
    expect(await queue.get(), 'the key queued').toBe('default/huge');
    expect(
      [...scheduler.unschedulable],
      'keys still waiting for a node, once they were queued',
    ).toEqual([]);
  });

  test('a pod is bound to the node that can take it', async () => {
    const { pods, placement } = await setUp([
      exampleNode('small', { cpu: '1' }),
      exampleNode('large', { cpu: '4' }),
    ]);
    await pods.create(podRequesting('web', { cpu: '2' }));
    await waitFor(async () => (await placement()).web !== '', 'web to be bound');
    expect(await placement(), 'where a 2-core pod web runs, with nodes of 1 and 4 cores').toEqual({
      web: 'large',
    });
  });

  test('a bound pod gets a Scheduled event that names its node', async () => {
    const { client, pods } = await setUp([exampleNode('only')]);
    await pods.create(examplePod('web'));
    const events = client.resource<KubeEvent>('events', 'default');
    await waitFor(async () => (await events.list()).items.length > 0, 'an event');
    const [event] = (await events.list()).items;
    expect(
      [event!.type, event!.reason, event!.message, event!.involvedObject.name],
      'type, reason, message and pod of the event once web was bound to node only',
    ).toEqual(['Normal', 'Scheduled', 'Successfully assigned default/web to only', 'web']);
  });

  test('equal pods spread evenly over equal nodes', async () => {
    const { pods, placement } = await setUp(['a', 'b', 'c'].map((name) => exampleNode(name)));
    for (let n = 0; n < 9; n++) await pods.create(podRequesting(`p${n}`, { cpu: '100m' }));
    await waitFor(
      async () => Object.values(await placement()).every((node) => node !== ''),
      'all nine bound',
    );
    const perNode: Record<string, number> = {};
    for (const node of Object.values(await placement())) perNode[node] = (perNode[node] ?? 0) + 1;
    expect(perNode, 'pods per node, nine pods of 100m on three equal nodes').toEqual({
      a: 3,
      b: 3,
      c: 3,
    });
  });

  test('pods for another scheduler are left alone; a scheduler with that name takes them', async () => {
    const { pods, placement, client } = await setUp([exampleNode('n1')]);
    const custom = examplePod('custom');
    custom.spec.schedulerName = 'my-scheduler';
    await pods.create(custom);
    await pods.create(examplePod('normal'));
    await waitFor(async () => (await placement()).normal === 'n1', 'normal bound');
    expect(
      (await placement()).custom,
      'the node of pod custom (schedulerName my-scheduler) once default-scheduler bound normal',
    ).toBe('');

    const stop = scope.stopper();
    const mine = createScheduler({ toolkit, client, schedulerName: 'my-scheduler' });
    inBackground(mine.run(stop.signal));
    await waitFor(async () => (await placement()).custom === 'n1', 'custom bound by my-scheduler');
  });

  test('markUnschedulable sets PodScheduled=False with the message, keeping the other conditions', () => {
    const web = pod('web');
    web.status = { conditions: [{ type: 'Initialized', status: 'True' }] };
    const now = '2026-01-01T00:00:00Z';
    expect(markUnschedulable(web, 'no room', now), 'markUnschedulable on a new pod').toBe(true);
    expect(web.status, "the pod's status after it").toEqual({
      phase: 'Pending',
      conditions: [
        { type: 'Initialized', status: 'True' },
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: 'no room',
          lastProbeTime: null,
          lastTransitionTime: now,
        },
      ],
    });
  });

  test('markUnschedulable changes nothing when the pod says so already, and replaces an older message', () => {
    const web = pod('web');
    markUnschedulable(web, 'no room', '2026-01-01T00:00:00Z');
    const before = structuredClone(web);
    expect(
      markUnschedulable(web, 'no room', '2026-01-01T00:05:00Z'),
      'markUnschedulable again with the same message',
    ).toBe(false);
    expect(web, 'the pod after the second call: unchanged').toEqual(before);
    expect(
      markUnschedulable(web, 'still no room', '2026-01-01T00:10:00Z'),
      'markUnschedulable with a new message',
    ).toBe(true);
    expect(
      web.status?.conditions?.map((condition) => [condition.type, condition.message]),
      'the conditions after the new message: one PodScheduled',
    ).toEqual([['PodScheduled', 'still no room']]);
  });

  test("a pod no node can take gets PodScheduled=False with Kubernetes' message, and an event", async () => {
    const { client, pods } = await setUp([exampleNode('small', { cpu: '1' }), taintedNode('db')]);
    await pods.create(podRequesting('huge', { cpu: '2' }));
    const message =
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: db}.';
    await waitFor(
      async () =>
        (await pods.get('huge')).status?.conditions?.some((c) => c.type === 'PodScheduled') ===
        true,
      'the PodScheduled condition',
    );
    const condition = (await pods.get('huge')).status!.conditions!.find(
      (c) => c.type === 'PodScheduled',
    );
    expect(
      [condition?.status, condition?.reason, condition?.message],
      "status, reason and message of huge's PodScheduled condition",
    ).toEqual(['False', 'Unschedulable', message]);
    await waitFor(
      async () => (await client.resource<KubeEvent>('events', 'default').list()).items.length > 0,
      'an event about huge',
    );
    const events = (await client.resource<KubeEvent>('events', 'default').list()).items;
    expect(
      events.map((event) => [event.type, event.reason, event.message]),
      'type, reason and message of the events about huge',
    ).toContainEqual(['Warning', 'FailedScheduling', message]);
  });

  test('an unschedulable pod is placed as soon as a node that fits is added', async () => {
    const { client, pods, placement } = await setUp([exampleNode('small', { cpu: '1' })]);
    await pods.create(podRequesting('huge', { cpu: '2' }));
    await waitFor(
      async () => (await pods.get('huge')).status?.conditions !== undefined,
      'huge to be found unschedulable',
    );
    // No time passes on the scheduler's clock: the new node, not the back-off, brings it back.
    await client.resource<Node>('nodes').create(exampleNode('big', { cpu: '8' }));
    await waitFor(async () => (await placement()).huge === 'big', 'huge on the new node');
  });

  test('a burst of pods never puts two on the last free slot of a node', async () => {
    const { pods, placement } = await setUp([
      exampleNode('n1', { pods: '3' }),
      exampleNode('n2', { pods: '3' }),
    ]);
    await Promise.all(Array.from({ length: 8 }, (_, n) => pods.create(examplePod(`burst-${n}`))));
    await waitFor(
      async () => Object.values(await placement()).filter((node) => node !== '').length === 6,
      'six pods bound',
    );
    await waitFor(
      async () =>
        (await pods.list()).items.filter((pod) =>
          pod.status?.conditions?.some((c) => c.reason === 'Unschedulable'),
        ).length === 2,
      'the other two found unschedulable',
    );
    const perNode: Record<string, number> = {};
    for (const node of Object.values(await placement())) perNode[node] = (perNode[node] ?? 0) + 1;
    expect(
      perNode,
      'pods per node ("" for unbound), eight pods at once on two nodes of 3 pods each',
    ).toEqual({ n1: 3, n2: 3, '': 2 });
  });

  test('a pod that has finished frees its place on a full node', async () => {
    const { pods, placement, scheduler } = await setUp([exampleNode('one', { pods: '1' })]);
    await pods.create(examplePod('first'));
    await waitFor(async () => (await placement()).first === 'one', 'first bound to node one');
    const first = await pods.get('first');
    await pods.updateStatus({ ...first, status: { ...first.status, phase: 'Succeeded' } });
    await waitFor(
      () => scheduler.cache.node('one')?.requested.pods === 0,
      'the cache to stop counting first once it Succeeded',
    );
    await pods.create(examplePod('second'));
    await waitFor(async () => (await placement()).second === 'one', 'second bound to node one');
    expect(
      (await placement()).second,
      'the node of second, on a 1-pod node whose first pod Succeeded',
    ).toBe('one');
  });
});
