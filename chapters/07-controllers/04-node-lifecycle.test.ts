// The node lifecycle controller against the reference API server. The test plays the kubelet:
// it registers a node and renews (or stops renewing) its Lease, and moves the controller's clock.
import { describe, expect, test } from 'vitest';
import { exampleNode, examplePod } from '../../harness/api/examples.ts';
import type { Lease, Node, Pod } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createNodeLifecycleController, tolerationSecondsFor } from './node-lifecycle.ts';

const scope = testScope();

async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const nodes = client.resource<Node>('nodes');
  const leases = client.resource<Lease>('leases', 'kube-node-lease');
  const pods = client.resource<Pod>('pods', 'default');
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
  inBackground(
    createNodeLifecycleController({ toolkit, client, clock }).run(scope.stopper().signal),
  );
  const node = () => nodes.get('node-1');
  const tainted = async () =>
    (await node()).spec?.taints?.some((taint) => taint.key === 'node.kubernetes.io/unreachable') ??
    false;
  /** Moves the clock in 5 s steps (the monitor period) for `seconds`, one look at a time. */
  const pass = async (seconds: number) => {
    for (let passed = 0; passed < seconds; passed += 5) {
      clock.advance(5000);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  return { clock, pods, node, tainted, renew, pass };
}

describe('Node lifecycle', () => {
  test('a pod tolerates an unreachable node for its tolerationSeconds, or 300 s', () => {
    const pod = examplePod('p');
    expect(tolerationSecondsFor(pod, 300), 'no toleration').toBe(300);
    pod.spec.tolerations = [
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 30,
      },
    ];
    expect(tolerationSecondsFor(pod, 300), 'tolerationSeconds 30').toBe(30);
    pod.spec.tolerations = [{ operator: 'Exists' }];
    expect(tolerationSecondsFor(pod, 300), 'tolerates everything, for ever').toBe(Infinity);
  });

  test('a node whose Lease stops for 50 s becomes Unknown and is tainted unreachable', async () => {
    const { node, tainted, pass } = await setUp();
    await pass(45);
    expect(await tainted(), 'after 45 s').toBe(false);
    await waitFor(async () => {
      await pass(5);
      return tainted();
    }, 'the taint after 50 s');
    const ready = (await node()).status?.conditions?.find((c) => c.type === 'Ready');
    expect([ready?.status, ready?.reason, ready?.message]).toEqual([
      'Unknown',
      'NodeStatusUnknown',
      'Kubelet stopped posting node status.',
    ]);
  });

  test('its pods are evicted once their toleration runs out', async () => {
    const { pods, tainted, pass } = await setUp();
    const quick = examplePod('quick');
    quick.spec.nodeName = 'node-1';
    quick.spec.tolerations = [
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 30,
      },
    ];
    await pods.create(quick);
    const patient = examplePod('patient');
    patient.spec.nodeName = 'node-1';
    await pods.create(patient);
    await waitFor(async () => {
      await pass(5);
      return tainted();
    }, 'the taint');
    const gone = async (name: string) =>
      (await pods.get(name).catch(() => undefined))?.metadata.deletionTimestamp !== undefined ||
      (await pods.get(name).catch(() => undefined)) === undefined;
    await waitFor(async () => {
      await pass(5);
      return gone('quick');
    }, 'quick evicted after 30 s');
    expect(await gone('patient'), 'patient, within its 300 s').toBe(false);
  });

  test('when the Lease moves again the taint comes off', async () => {
    const { tainted, renew, pass } = await setUp();
    await waitFor(async () => {
      await pass(5);
      return tainted();
    }, 'the taint');
    await renew();
    await waitFor(async () => {
      await pass(5);
      return !(await tainted());
    }, 'the taint removed');
  });
});
