// The node's registration and heartbeat: the Node object on its own, a timer loop on a fake clock,
// then a kubelet against the reference API server, with a fake runtime (no pods run here).
import { describe, expect, test } from 'vitest';
import type { Lease, Node } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createKubelet, repeatEvery } from './kubelet.ts';
import { goPlatform, healthyConditions, kubeletVersion, nodeLease, nodeObject } from './node.ts';

const scope = testScope();
const config = {
  nodeName: 'node-1',
  nodeIp: '127.20.0.1',
  podCidr: '127.244.0.0/24',
  capacity: { cpu: '4', memory: '8Gi', pods: '110' },
};
const NOW = '2026-01-01T00:00:00Z';

/** A kubelet (not running) against a fresh API server, on a fake clock at NOW. */
async function makeKubelet(clock = new FakeClock(Date.parse(NOW))) {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const kubelet = createKubelet({
    ...config,
    toolkit,
    client,
    runtime: new FakeRuntime({ clock }),
    clock,
  });
  const nodes = client.resource<Node>('nodes');
  const leases = client.resource<Lease>('leases', 'kube-node-lease');
  return { client, clock, kubelet, nodes, leases };
}

describe('Registering the node', () => {
  test('the Node names its addresses, what it offers, its pod range and its kubelet port', () => {
    const node = nodeObject(config, NOW);
    expect(node.metadata.name, 'nodeObject(config).metadata.name').toBe('node-1');
    expect(node.status?.addresses, 'status.addresses: InternalIP, then Hostname').toEqual([
      { type: 'InternalIP', address: '127.20.0.1' },
      { type: 'Hostname', address: 'node-1' },
    ]);
    expect(
      [node.status?.capacity, node.status?.allocatable],
      'status.capacity and status.allocatable: both the configured capacity',
    ).toEqual([config.capacity, config.capacity]);
    expect(node.spec?.podCIDR, 'spec.podCIDR: the configured pod range').toBe('127.244.0.0/24');
    expect(
      node.status?.daemonEndpoints?.kubeletEndpoint?.Port,
      'status.daemonEndpoints.kubeletEndpoint.Port with no port configured',
    ).toBe(10250);
    expect(
      nodeObject({ ...config, port: 10311 }, NOW).status?.daemonEndpoints?.kubeletEndpoint?.Port,
      'the kubelet port with port 10311 configured',
    ).toBe(10311);
  });

  test('the Node carries the labels and the version kubectl shows', () => {
    const node = nodeObject(config, NOW);
    expect(
      node.metadata.labels?.['kubernetes.io/hostname'],
      'the label kubernetes.io/hostname: the node name',
    ).toBe('node-1');
    expect(
      node.status?.nodeInfo?.kubeletVersion,
      'status.nodeInfo.kubeletVersion (the VERSION column of kubectl get nodes)',
    ).toBe(kubeletVersion);
  });

  test("the os and the architecture are in Go's names, the same in the labels and in nodeInfo", () => {
    expect(
      [goPlatform('linux', 'x64'), goPlatform('win32', 'ia32'), goPlatform('darwin', 'arm64')],
      "goPlatform of Node.js's linux/x64, win32/ia32 and darwin/arm64",
    ).toEqual([
      { os: 'linux', arch: 'amd64' },
      { os: 'windows', arch: '386' },
      { os: 'darwin', arch: 'arm64' },
    ]);
    const node = nodeObject(config, NOW);
    const here = goPlatform(process.platform, process.arch);
    expect(
      [node.metadata.labels?.['kubernetes.io/os'], node.metadata.labels?.['kubernetes.io/arch']],
      'the labels kubernetes.io/os and kubernetes.io/arch of this machine',
    ).toEqual([here.os, here.arch]);
    expect(
      [node.status?.nodeInfo?.operatingSystem, node.status?.nodeInfo?.architecture],
      'status.nodeInfo operatingSystem and architecture (kubectl describe node), as the labels',
    ).toEqual([here.os, here.arch]);
  });

  test("a new node is Ready, with no memory, disk or PID pressure, in Kubernetes' words", () => {
    const conditions = nodeObject(config, NOW).status?.conditions ?? [];
    expect(
      conditions.map((c) => [c.type, c.status, c.reason]),
      'the type, status and reason of each condition, in order',
    ).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID'],
      ['Ready', 'True', 'KubeletReady'],
    ]);
    expect(conditions.at(-1)?.message, "the Ready condition's message").toBe(
      'kubelet is posting ready status',
    );
  });

  test('every condition was last heard from and last changed at the time given', () => {
    const conditions = healthyConditions('2026-03-04T05:06:07Z');
    expect(conditions.length, 'healthyConditions gives four conditions').toBe(4);
    expect(
      conditions.map((c) => [c.lastHeartbeatTime, c.lastTransitionTime]),
      'lastHeartbeatTime and lastTransitionTime of each, for healthyConditions(2026-03-04T05:06:07Z)',
    ).toEqual(Array(4).fill(['2026-03-04T05:06:07Z', '2026-03-04T05:06:07Z']));
  });

  test('the heartbeat Lease is named after the node, in kube-node-lease, held by the node', () => {
    const lease = nodeLease('node-1', '2026-01-01T00:00:00.000000Z');
    expect(
      [lease.metadata.namespace, lease.metadata.name, lease.spec?.holderIdentity],
      "nodeLease('node-1'): namespace, name, holderIdentity",
    ).toEqual(['kube-node-lease', 'node-1', 'node-1']);
    expect(lease.spec?.renewTime, 'renewTime: the time given').toBe('2026-01-01T00:00:00.000000Z');
    expect(lease.spec?.leaseDurationSeconds, 'leaseDurationSeconds by default').toBe(40);
    expect(
      nodeLease('node-1', '2026-01-01T00:00:00.000000Z', 15).spec?.leaseDurationSeconds,
      'leaseDurationSeconds when 15 is given',
    ).toBe(15);
  });

  test('repeatEvery runs its work every period on the clock, the next one a period after the last ended', async () => {
    const clock = new FakeClock(0);
    const stop = scope.stopper();
    let runs = 0;
    let finish = () => {};
    repeatEvery(clock, 1000, stop.signal, () => {
      runs++;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    clock.advance(999);
    expect(runs, 'runs after 999 ms of a 1000 ms period').toBe(0);
    clock.advance(1);
    expect(runs, 'runs after 1000 ms').toBe(1);
    clock.advance(5000);
    expect(runs, 'runs 5 s later, while the first has not ended yet').toBe(1);
    finish();
    await waitFor(() => clock.pendingTimers === 1, 'the next run to be set once the first ended');
    clock.advance(999);
    expect(runs, 'runs 999 ms after the first ended').toBe(1);
    clock.advance(1);
    expect(runs, 'runs 1000 ms after the first ended').toBe(2);
  });

  test('repeatEvery keeps going after a run that fails, and stops when its signal aborts', async () => {
    const clock = new FakeClock(0);
    const stop = scope.stopper();
    let runs = 0;
    repeatEvery(clock, 1000, stop.signal, async () => {
      runs++;
      throw new Error('the API server is down');
    });
    clock.advance(1000);
    await waitFor(() => clock.pendingTimers === 1, 'the next run to be set after a failed one');
    clock.advance(1000);
    expect(runs, 'runs after 2 s, the first one having failed').toBe(2);
    await waitFor(() => clock.pendingTimers === 1, 'the third run to be set');
    stop.abort();
    expect(clock.pendingTimers, 'timers left on the clock once the signal aborted').toBe(0);
    clock.advance(10_000);
    expect(runs, 'runs after the abort and 10 s more').toBe(2);
  });

  test('a kubelet registers its Node with the API server', async () => {
    const { kubelet, nodes } = await makeKubelet();
    await kubelet.register();
    const node = await nodes.get('node-1');
    expect(
      node.status?.conditions?.find((c) => c.type === 'Ready')?.status,
      'the Ready condition of node-1 in the API after register()',
    ).toBe('True');
    expect(
      node.status?.addresses?.[0]?.address,
      "node-1's InternalIP in the API after register()",
    ).toBe('127.20.0.1');
  });

  test('a kubelet that restarts registers again without an error', async () => {
    const { kubelet, client } = await makeKubelet();
    await kubelet.register();
    const clock = new FakeClock(Date.parse(NOW));
    const again = createKubelet({
      ...config,
      toolkit,
      client,
      runtime: new FakeRuntime({ clock }),
      clock,
    });
    await expect(
      again.register(),
      'a second kubelet registering node-1, which exists already, should resolve (no 409 AlreadyExists)',
    ).resolves.toBeUndefined();
  });

  test('the first heartbeat creates the Lease; the next ones renew it', async () => {
    const { kubelet, clock, leases } = await makeKubelet();
    await kubelet.register();
    await kubelet.heartbeat();
    const first = await leases.get('node-1');
    expect(
      [first.spec?.holderIdentity, first.spec?.renewTime],
      'the Lease kube-node-lease/node-1 after the first heartbeat: holder, renewTime (a MicroTime)',
    ).toEqual(['node-1', '2026-01-01T00:00:00.000000Z']);
    clock.advance(3_500);
    await kubelet.heartbeat();
    const second = await leases.get('node-1');
    expect(second.spec?.renewTime, 'renewTime after a heartbeat 3.5 s later').toBe(
      '2026-01-01T00:00:03.500000Z',
    );
    expect(second.metadata.uid, 'the same Lease, renewed, not a new one').toBe(first.metadata.uid);
  });

  test('it renews its Lease every 10 seconds', async () => {
    const { kubelet, clock, leases } = await makeKubelet();
    await kubelet.keepAlive(scope.stopper().signal);
    const renewed = async () => (await leases.get('node-1')).spec?.renewTime;
    expect(await renewed(), 'renewTime once keepAlive() has resolved').toBe(
      '2026-01-01T00:00:00.000000Z',
    );
    clock.advance(9_999);
    expect(await renewed(), 'renewTime 9.999 s later: no heartbeat yet').toBe(
      '2026-01-01T00:00:00.000000Z',
    );
    clock.advance(1);
    await waitFor(
      async () => (await renewed()) === '2026-01-01T00:00:10.000000Z',
      'a heartbeat 10 s after the first, renewTime 2026-01-01T00:00:10.000000Z',
    );
  });

  test('a node marked Unknown by the control plane is posted Ready again at the next heartbeat', async () => {
    const { kubelet, clock, nodes } = await makeKubelet();
    await kubelet.keepAlive(scope.stopper().signal);
    const readyStatus = async () =>
      (await nodes.get('node-1')).status?.conditions?.find((c) => c.type === 'Ready')?.status;
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
    expect(await readyStatus(), 'Ready once the node lifecycle controller marked it').toBe(
      'Unknown',
    );
    clock.advance(10_000);
    await waitFor(
      async () => (await readyStatus()) === 'True',
      'Ready to be True again after the next heartbeat',
    );
  });
});
