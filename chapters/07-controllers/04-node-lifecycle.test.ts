// The node lifecycle controller: first its pure steps (heartbeats on its own clock, what one look
// at a node decides), then each of its API calls on its own, then the loop against the reference
// API server. There the test plays the kubelet: it registers a node and renews (or
// stops renewing) its Lease, and moves the controller's clock.
import { describe, expect, test } from 'vitest';
import { exampleNode } from '../../harness/api/examples.ts';
import type { Lease, Node, Taint } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  createNodeLifecycleController,
  Heartbeats,
  nodeAction,
  unknownConditions,
} from './node-lifecycle.ts';

const scope = testScope();
const start = Date.parse('2026-01-01T00:00:00Z');
const unreachable = 'node.kubernetes.io/unreachable';

async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const clock = new FakeClock(start);
  const nodes = client.resource<Node>('nodes');
  const leases = client.resource<Lease>('leases', 'kube-node-lease');
  await nodes.create(exampleNode('node-1'));
  let beat = 0;
  const renew = async () => {
    const renewTime = `2026-01-01T00:00:00.${String(++beat).padStart(6, '0')}Z`;
    try {
      const lease = await leases.get('node-1');
      await leases.update({ ...lease, spec: { ...lease.spec, renewTime } });
    } catch {
      await leases.create({
        metadata: { name: 'node-1' },
        spec: { holderIdentity: 'node-1', renewTime },
      });
    }
  };
  await renew();
  const controller = createNodeLifecycleController({ toolkit, client, clock });
  const node = () => nodes.get('node-1');
  const taintOf = async () =>
    (await node()).spec?.taints?.find((taint) => taint.key === unreachable);
  const tainted = async () => (await taintOf()) !== undefined;
  /** Runs the controller, and moves its clock one monitor period (5 s) each time it is asked. */
  const run = (stopper = scope.stopper()) => {
    const running = controller.run(stopper.signal);
    inBackground(running);
    return running;
  };
  const tick = () => clock.advance(5000);
  return { clock, controller, nodes, node, taintOf, tainted, renew, run, tick };
}

describe('Node lifecycle', () => {
  test("heartbeats: a node is heard when its Lease's renewTime changes, on the controller's clock", () => {
    const clock = new FakeClock(start);
    const heartbeats = new Heartbeats(clock);
    expect(heartbeats.lastHeard('node-1'), 'before anything was seen').toBeUndefined();
    heartbeats.leaseSeen('node-1', '2020-01-01T00:00:00.000001Z');
    expect(heartbeats.lastHeard('node-1'), 'a first Lease, renewTime in 2020').toBe(start);
    clock.advance(10_000);
    heartbeats.leaseSeen('node-1', '2020-01-01T00:00:00.000001Z');
    expect(heartbeats.lastHeard('node-1'), 'the same renewTime seen again, 10 s later').toBe(start);
    heartbeats.leaseSeen('node-1', '2020-01-01T00:00:00.000002Z');
    expect(
      heartbeats.lastHeard('node-1'),
      'a new renewTime (still in 2020): heard now on the clock, whatever renewTime says',
    ).toBe(start + 10_000);
  });

  test('a node with no Lease is heard from when it is first seen, and only then', () => {
    const clock = new FakeClock(start);
    const heartbeats = new Heartbeats(clock);
    heartbeats.nodeSeen('node-2');
    clock.advance(30_000);
    heartbeats.nodeSeen('node-2');
    expect(heartbeats.lastHeard('node-2'), 'node seen at start and again 30 s later').toBe(start);
    heartbeats.leaseSeen('node-2', '2026-01-01T00:00:30.000001Z');
    expect(heartbeats.lastHeard('node-2'), 'then its first Lease').toBe(start + 30_000);
    clock.advance(5_000);
    heartbeats.nodeSeen('node-2');
    expect(heartbeats.lastHeard('node-2'), 'the node seen again after its Lease').toBe(
      start + 30_000,
    );
  });

  test('a silent node\'s conditions all become Unknown: NodeStatusUnknown, "Kubelet stopped posting node status."', () => {
    const conditions = unknownConditions(
      [
        { type: 'Ready', status: 'True', reason: 'KubeletReady' },
        { type: 'MemoryPressure', status: 'False' },
      ],
      start + 60_000,
    );
    const changed = {
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
      lastTransitionTime: '2026-01-01T00:01:00Z',
    };
    expect(conditions, 'Ready True and MemoryPressure False, one minute after start').toEqual([
      { type: 'Ready', ...changed },
      { type: 'MemoryPressure', ...changed },
    ]);
  });

  test('one look at a node: mark it when silent, once; clear the taint when heard again', () => {
    const plain = exampleNode('n');
    const tainted = exampleNode('n');
    const taint: Taint = { key: unreachable, effect: 'NoExecute' };
    tainted.spec = { taints: [{ key: 'other', effect: 'NoSchedule' }, taint] };
    const grace = 50_000;
    const now = start + 100_000;
    expect(nodeAction(plain, now - 50_000, now, grace), 'heard 50 s ago: not yet silent').toBe(
      'none',
    );
    expect(nodeAction(plain, now - 50_001, now, grace), 'heard 50.001 s ago, no taint').toBe(
      'mark',
    );
    expect(
      nodeAction(tainted, now - 60_000, now, grace),
      'heard 60 s ago, tainted already: the taint eviction controller takes it from there',
    ).toBe('none');
    expect(nodeAction(tainted, now - 1_000, now, grace), 'heard 1 s ago, still tainted').toBe(
      'clear',
    );
    expect(nodeAction(plain, undefined, now, grace), 'never heard of: counts as heard now').toBe(
      'none',
    );
  });

  test('markUnreachable makes every condition Unknown and adds the unreachable taint, once', async () => {
    const { controller, node } = await setUp();
    await controller.markUnreachable('node-1', start + 60_000);
    await controller.markUnreachable('node-1', start + 65_000);
    const marked = await node();
    const ready = marked.status?.conditions?.find((c) => c.type === 'Ready');
    expect(
      [ready?.status, ready?.reason, ready?.message],
      "node-1's Ready condition after markUnreachable",
    ).toEqual(['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
    expect(
      marked.spec?.taints,
      'its taints after markUnreachable at 00:01:00, then 00:01:05',
    ).toEqual([{ key: unreachable, effect: 'NoExecute', timeAdded: '2026-01-01T00:01:00Z' }]);
  });

  test('clearUnreachable takes the unreachable taint off, and only that one', async () => {
    const { controller, nodes, node } = await setUp();
    const other: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    await nodes.patch('node-1', {
      spec: { taints: [other, { key: unreachable, effect: 'NoExecute' }] },
    });
    await controller.clearUnreachable('node-1');
    expect((await node()).spec?.taints, 'taints dedicated and unreachable, cleared').toEqual([
      other,
    ]);
  });

  test('a node whose Lease stops for 50 s becomes Unknown and is tainted unreachable', async () => {
    const { node, taintOf, tainted, run, tick } = await setUp();
    run();
    await waitFor(async () => {
      tick();
      return tainted();
    }, 'the taint, the clock moving 5 s at a time');
    const taint = await taintOf();
    expect(
      Date.parse(taint!.timeAdded!) - start,
      'milliseconds from the last renewal to the taint',
    ).toBeGreaterThanOrEqual(50_000);
    const ready = (await node()).status?.conditions?.find((c) => c.type === 'Ready');
    expect([ready?.status, ready?.reason, ready?.message], "node-1's Ready condition").toEqual([
      'Unknown',
      'NodeStatusUnknown',
      'Kubelet stopped posting node status.',
    ]);
  });

  test('when the Lease moves again the taint comes off', async () => {
    const { tainted, renew, run, tick } = await setUp();
    run();
    await waitFor(async () => {
      tick();
      return tainted();
    }, 'the taint');
    await renew();
    await waitFor(async () => {
      tick();
      return !(await tainted());
    }, 'the taint removed');
  });

  test('run resolves once its signal aborts', async () => {
    const { tainted, run, tick } = await setUp();
    const stopper = scope.stopper();
    const running = run(stopper);
    await waitFor(async () => {
      tick();
      return tainted();
    }, 'the taint: the loop is running');
    stopper.abort();
    await expect(running, 'run(signal) after the signal aborted').resolves.toBeUndefined();
  });
});
