// The cluster autoscaler: whole passes against the reference API server and the fake cloud, with a
// FakeClock for the time a node must stay unneeded.
import { describe, expect, test } from 'vitest';
import type { KubeEvent, Node, Pod, PodDisruptionBudget } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { FakeCloud, FakeNodeGroup, poolNode, webPod } from '../../harness/testing/fake-cloud.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createClusterAutoscaler, toBeDeletedTaint } from './cluster-autoscaler.ts';

const scope = testScope();
const start = Date.parse('2026-01-01T12:00:00Z');

/** The API server holding `nodes` and `pods`, a fake cloud with group pool (min 1, max 3), and an autoscaler not running. */
async function cluster(nodes: Node[], pods: Pod[], size = nodes.length) {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  for (const node of nodes) {
    const created = await client.resource<Node>('nodes').create(node);
    await client.resource<Node>('nodes').updateStatus({ ...created, status: node.status });
  }
  for (const pod of pods) {
    const created = await client.resource<Pod>('pods', 'default').create(pod);
    if (pod.status)
      await client
        .resource<Pod>('pods', 'default')
        .updateStatus({ ...created, status: pod.status });
  }
  const cloud = new FakeCloud();
  const pool = new FakeNodeGroup('pool', { min: 1, max: 3, size }, { cpu: '1', memory: '4Gi' });
  cloud.groups.push(pool);
  const clock = new FakeClock(start);
  const autoscaler = createClusterAutoscaler({ toolkit, client, cloud, clock });
  return { client, cloud, pool, clock, autoscaler };
}

describe('The cluster autoscaler', () => {
  test('pending pods grow the group by the nodes they need, up to its maximum, with an Event on each pod', async () => {
    const pending = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => webPod(name, '600m'));
    const { pool, autoscaler, client } = await cluster([poolNode('n1')], pending);
    await autoscaler.runOnce();
    expect(
      pool.increases,
      'six pods of 600m need six 1-core nodes; the group has 1 of max 3',
    ).toEqual([2]);
    const events = (await client.resource<KubeEvent>('events', 'default').list()).items;
    expect(events.find((e) => e.involvedObject.name === 'a')?.message, "pod a's Event").toBe(
      'pod triggered scale-up: [{pool 1->3 (max: 3)}]',
    );
  });

  test('nodes already starting count: the same pending pods do not ask again', async () => {
    const pending = [webPod('a', '600m'), webPod('b', '600m')];
    const { pool, autoscaler } = await cluster([poolNode('n1')], pending);
    await autoscaler.runOnce();
    await autoscaler.runOnce();
    expect(pool.increases, 'two passes while the 2 new machines are starting').toEqual([2]);
  });

  test('an idle node goes after --scale-down-unneeded-time: tainted, drained, its machine deleted', async () => {
    const nodes = [poolNode('n1'), poolNode('n2')];
    const pods = [webPod('busy', '600m', 'n1'), webPod('idle', '100m', 'n2')];
    const { client, pool, clock, autoscaler } = await cluster(nodes, pods);
    await autoscaler.runOnce();
    expect(pool.deletions, 'the first pass: n2 is unneeded, not yet for long').toEqual([]);
    clock.advance(600_000);
    await autoscaler.runOnce();
    expect(pool.deletions, 'ten minutes later').toEqual([['n2']]);
    const n2 = await client.resource<Node>('nodes').get('n2');
    expect(
      n2.spec?.taints?.map((taint) => taint.key),
      'the taints of n2',
    ).toEqual([toBeDeletedTaint]);
    const left = (await client.resource<Pod>('pods', 'default').list()).items.filter(
      (pod) => !pod.metadata.deletionTimestamp,
    );
    expect(
      left.map((pod) => pod.metadata.name),
      'pods not being deleted after the drain',
    ).toEqual(['busy']);
  });

  test('the drain evicts: a pod its budget protects keeps the node, untainted, with a ScaleDownFailed Event', async () => {
    const nodes = [poolNode('n1'), poolNode('n2')];
    const running = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
    const pods = [
      webPod('busy', '600m', 'n1'),
      { ...webPod('idle', '100m', 'n2'), status: running },
    ];
    const { client, pool, clock, autoscaler } = await cluster(nodes, pods as Pod[]);
    await client.resource<PodDisruptionBudget>('poddisruptionbudgets', 'default').create({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'idle' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'idle' } } },
    });
    await autoscaler.runOnce();
    clock.advance(600_000);
    await autoscaler.runOnce();
    expect(pool.deletions, 'n2 unneeded for ten minutes, its one pod under minAvailable 1').toEqual(
      [],
    );
    const n2 = await client.resource<Node>('nodes').get('n2');
    expect(n2.spec?.taints ?? [], 'the taints of n2 after the refused drain').toEqual([]);
    const idle = await client.resource<Pod>('pods', 'default').get('idle');
    expect(idle.metadata.deletionTimestamp, 'pod idle, which its budget protects').toBeUndefined();
    const events = (await client.resource<KubeEvent>('events', 'default').list()).items;
    const failed = events.find((event) => event.reason === 'ScaleDownFailed');
    expect(failed?.involvedObject.name, 'the ScaleDownFailed Event names the node').toBe('n2');
    expect(failed?.message, "the Event's message").toMatch(
      /^failed to drain the node, aborting ScaleDown: pod default\/idle: Cannot evict pod/,
    );
  });

  test('never below the minimum, and a node that is needed again is forgotten', async () => {
    const { pool, clock, autoscaler } = await cluster([poolNode('n1')], []);
    await autoscaler.runOnce();
    clock.advance(600_000);
    await autoscaler.runOnce();
    expect(pool.deletions, 'the group at its minimum of 1').toEqual([]);
    const busy = await cluster([poolNode('n1'), poolNode('n2')], [webPod('w', '900m', 'n2')]);
    await busy.autoscaler.runOnce();
    expect([...busy.autoscaler.unneededSince.keys()], 'n1 is empty, n2 is 90% full').toEqual([
      'n1',
    ]);
  });
});
