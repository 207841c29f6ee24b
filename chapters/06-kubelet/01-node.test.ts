// The node's registration and heartbeat: the Node object on its own, then a kubelet against the
// reference API server, with a fake runtime (no pods run here) and a fake clock.
import { describe, expect, test } from 'vitest';
import type { Lease, Node } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createKubelet } from './kubelet.ts';
import { nodeLease, nodeObject } from './node.ts';

const scope = testScope();
const config = {
  nodeName: 'node-1',
  nodeIp: '127.20.0.1',
  podCidr: '127.244.0.0/24',
  capacity: { cpu: '4', memory: '8Gi', pods: '110' },
};
const NOW = '2026-01-01T00:00:00Z';

async function startKubelet(clock = new FakeClock(Date.parse(NOW))) {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const kubelet = createKubelet({
    ...config,
    toolkit,
    client,
    runtime: new FakeRuntime({ clock }),
    clock,
  });
  inBackground(kubelet.run(scope.stopper().signal));
  return { client, clock, kubelet };
}

describe('Registering the node', () => {
  test('the Node names its addresses, what it offers, its pod range and its kubelet port', () => {
    const node = nodeObject(config, NOW);
    expect(node.status?.addresses, 'addresses').toEqual([
      { type: 'InternalIP', address: '127.20.0.1' },
      { type: 'Hostname', address: 'node-1' },
    ]);
    expect([node.status?.capacity, node.status?.allocatable], 'capacity, allocatable').toEqual([
      config.capacity,
      config.capacity,
    ]);
    expect(node.spec?.podCIDR, 'podCIDR').toBe('127.244.0.0/24');
    expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port, 'kubelet port').toBe(10250);
  });

  test("a new node is Ready, with no memory, disk or PID pressure, in Kubernetes' words", () => {
    const conditions = nodeObject(config, NOW).status?.conditions ?? [];
    expect(conditions.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ]);
    expect(conditions.at(-1)?.message).toBe('kubelet is posting ready status');
  });

  test('the heartbeat Lease is named after the node, in kube-node-lease, held by the node', () => {
    const lease = nodeLease('node-1', '2026-01-01T00:00:00.000000Z');
    expect([lease.metadata.namespace, lease.metadata.name, lease.spec?.holderIdentity]).toEqual([
      'kube-node-lease',
      'node-1',
      'node-1',
    ]);
    expect(lease.spec?.leaseDurationSeconds, 'leaseDurationSeconds by default').toBe(40);
  });

  test('a kubelet registers its Node with the API server', async () => {
    const { client } = await startKubelet();
    await waitFor(
      async () => (await client.resource<Node>('nodes').list()).items.length === 1,
      'the node to be registered',
    );
    const node = await client.resource<Node>('nodes').get('node-1');
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  test('it renews its Lease every 10 seconds', async () => {
    const { client, clock } = await startKubelet();
    const leases = client.resource<Lease>('leases', 'kube-node-lease');
    const renewed = async () =>
      (await leases.get('node-1').catch(() => undefined))?.spec?.renewTime;
    await waitFor(async () => (await renewed()) !== undefined, 'the first heartbeat');
    const first = await renewed();
    clock.advance(10_000);
    await waitFor(async () => (await renewed()) !== first, 'a heartbeat 10 s later');
    expect(await renewed()).toBe('2026-01-01T00:00:10.000000Z');
  });

  test('a node marked Unknown by the control plane is posted Ready again at the next heartbeat', async () => {
    const { client, clock } = await startKubelet();
    const nodes = client.resource<Node>('nodes');
    const readyStatus = async () =>
      (await nodes.get('node-1').catch(() => undefined))?.status?.conditions?.find(
        (c) => c.type === 'Ready',
      )?.status;
    await waitFor(async () => (await readyStatus()) === 'True', 'the node registered');
    await toolkit.updateWithRetry(
      nodes,
      'node-1',
      (node) => {
        node.status!.conditions = node.status!.conditions!.map((c) => ({
          ...c,
          status: 'Unknown',
        }));
      },
      { status: true },
    );
    clock.advance(10_000);
    await waitFor(async () => (await readyStatus()) === 'True', 'Ready again after a heartbeat');
  });

  test('a kubelet that restarts registers again without an error', async () => {
    const { client } = await startKubelet();
    await waitFor(async () => (await client.resource('nodes').list()).items.length === 1, 'node');
    const clock = new FakeClock(Date.parse(NOW));
    const again = createKubelet({
      ...config,
      toolkit,
      client,
      runtime: new FakeRuntime({ clock }),
      clock,
    });
    await expect(again.register(), 'registering an existing node').resolves.toBeUndefined();
  });
});
