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
import { createScheduler, numFeasibleNodesToFind } from './scheduler.ts';

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
  return { client, pods, placement };
}

describe('Scheduling pods', () => {
  test('a pod is bound to the node that can take it', async () => {
    const { pods, placement } = await setUp([
      exampleNode('small', { cpu: '1' }),
      exampleNode('large', { cpu: '4' }),
    ]);
    await pods.create(podRequesting('web', { cpu: '2' }));
    await waitFor(async () => (await placement()).web !== '', 'web to be bound');
    expect(await placement(), 'where web runs').toEqual({ web: 'large' });
  });

  test('a bound pod gets a Scheduled event that names its node', async () => {
    const { client, pods } = await setUp([exampleNode('only')]);
    await pods.create(examplePod('web'));
    const events = client.resource<KubeEvent>('events', 'default');
    await waitFor(async () => (await events.list()).items.length > 0, 'an event');
    const [event] = (await events.list()).items;
    expect([event!.type, event!.reason, event!.message, event!.involvedObject.name]).toEqual([
      'Normal',
      'Scheduled',
      'Successfully assigned default/web to only',
      'web',
    ]);
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
    expect(perNode, 'pods per node').toEqual({ a: 3, b: 3, c: 3 });
  });

  test("a pod no node can take gets PodScheduled=False with Kubernetes' message, and an event", async () => {
    const tainted = exampleNode('tainted');
    tainted.spec = { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] };
    const { client, pods } = await setUp([exampleNode('small', { cpu: '1' }), tainted]);
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
    expect([condition?.status, condition?.reason, condition?.message]).toEqual([
      'False',
      'Unschedulable',
      message,
    ]);
    const events = (await client.resource<KubeEvent>('events', 'default').list()).items;
    expect(
      events.map((event) => [event.type, event.reason, event.message]),
      'events about huge',
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
    expect(perNode, 'pods per node, and unbound').toEqual({ n1: 3, n2: 3, '': 2 });
  });

  test('pods for another scheduler are left alone; a scheduler with that name takes them', async () => {
    const { pods, placement, client } = await setUp([exampleNode('n1')]);
    const custom = examplePod('custom');
    custom.spec.schedulerName = 'my-scheduler';
    await pods.create(custom);
    await pods.create(examplePod('normal'));
    await waitFor(async () => (await placement()).normal === 'n1', 'normal bound');
    expect((await placement()).custom, 'custom, left to my-scheduler').toBe('');

    const stop = scope.stopper();
    const mine = createScheduler({ toolkit, client, schedulerName: 'my-scheduler' });
    inBackground(mine.run(stop.signal));
    await waitFor(async () => (await placement()).custom === 'n1', 'custom bound by my-scheduler');
  });

  test('in a big cluster the search stops once enough nodes fit: from 50% down to 5%', () => {
    expect(
      [10, 99, 100, 1000, 5000, 10_000].map((nodes) => numFeasibleNodesToFind(nodes)),
      'nodes to find in clusters of 10, 99, 100, 1000, 5000 and 10000 nodes',
    ).toEqual([10, 99, 100, 420, 500, 500]);
    expect(numFeasibleNodesToFind(1000, 100), 'with percentageOfNodesToScore 100').toBe(1000);
  });
});
