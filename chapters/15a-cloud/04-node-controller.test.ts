// The cloud node controllers: what initializing a node changes, as functions; then the controller
// that does it and the lifecycle pass that deletes the Nodes of deleted machines, against the
// reference API server and the fake cloud.
import { describe, expect, test } from 'vitest';
import { exampleNode } from '../../harness/api/examples.ts';
import type { Node } from '../../harness/api/types.ts';
import { FakeCloud } from '../../harness/testing/fake-cloud.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  createCloudNodeController,
  createCloudNodeLifecycleController,
  initializedNode,
  instanceTypeLabel,
  needsInitialization,
  notReady,
  uninitializedTaint,
  zoneLabel,
} from './node-controller.ts';

const scope = testScope();

/** A node as a kubelet of an external cloud registers it: tainted uninitialized, one Hostname. */
function registered(name: string): Node {
  const node = exampleNode(name);
  node.spec = { taints: [{ key: uninitializedTaint, value: 'true', effect: 'NoSchedule' }] };
  node.status!.addresses = [{ type: 'Hostname', address: name }];
  return node;
}

async function apiWithNodes(...registeredNodes: Node[]) {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const nodes = client.resource<Node>('nodes');
  for (const node of registeredNodes) {
    const created = await nodes.create(node);
    await nodes.updateStatus({ ...created, status: node.status });
  }
  return { client, nodes, cloud: new FakeCloud() };
}

describe('The cloud node controllers', () => {
  test('a node needs initializing while it has the uninitialized taint or no providerID', () => {
    expect(needsInitialization(registered('n1')), 'a node just registered').toBe(true);
    const done = { ...exampleNode('n1'), spec: { providerID: 'fake://n1' } };
    expect(needsInitialization(done), 'a node with a providerID and no taint').toBe(false);
    expect(needsInitialization(exampleNode('n1')), 'a node without a providerID').toBe(true);
  });

  test("initializedNode sets providerID, the zone, region and type labels, the cloud's addresses, and drops the taint", () => {
    const metadata = new FakeCloud().addMachine('n1', '127.20.0.4', 'fake-1b');
    const node = initializedNode(registered('n1'), metadata);
    expect(node.spec, 'the spec of n1, initialized').toEqual({
      providerID: 'fake://n1',
      taints: [],
    });
    expect(node.metadata.labels?.[zoneLabel], 'the zone label').toBe('fake-1b');
    expect(node.metadata.labels?.[instanceTypeLabel], 'the instance-type label').toBe('fake.small');
    expect(node.status?.addresses, "the cloud's InternalIP, then the node's own Hostname").toEqual([
      { type: 'InternalIP', address: '127.20.0.4' },
      { type: 'Hostname', address: 'n1' },
    ]);
  });

  test('a node is not Ready unless its Ready condition is True', () => {
    expect(notReady(exampleNode('n1')), 'Ready True').toBe(false);
    const unknown = exampleNode('n1');
    unknown.status!.conditions = [{ type: 'Ready', status: 'Unknown' }];
    expect(notReady(unknown), 'Ready Unknown').toBe(true);
    expect(notReady({ metadata: { name: 'n2' } }), 'no conditions at all').toBe(true);
  });

  test('the cloud node controller initializes a registered node from the cloud', async () => {
    const { client, nodes, cloud } = await apiWithNodes(registered('n1'));
    cloud.addMachine('n1', '127.20.0.4');
    inBackground(createCloudNodeController({ toolkit, client, cloud }).run(scope.stopper().signal));
    await waitFor(async () => !needsInitialization(await nodes.get('n1')), 'n1 initialized');
    const n1 = await nodes.get('n1');
    expect(n1.spec?.providerID, 'the providerID of n1').toBe('fake://n1');
    expect(n1.status?.addresses?.[0], 'the first address of n1').toEqual({
      type: 'InternalIP',
      address: '127.20.0.4',
    });
  });

  test("a node the cloud does not know stays as it is, and its reconcile fails with the cloud's error", async () => {
    const { client, nodes, cloud } = await apiWithNodes(registered('n1'));
    const controller = createCloudNodeController({ toolkit, client, cloud });
    const stop = scope.stopper();
    inBackground(controller.run(stop.signal));
    await waitFor(() => controller.nodes.hasSynced(), "the controller's informer synced");
    await expect(
      controller.reconcile('n1'),
      'reconciling n1 with no machine for it rejects with "no machine for node n1"',
    ).rejects.toThrow('no machine for node n1');
    expect((await nodes.get('n1')).spec?.taints?.[0]?.key, 'the taint of n1').toBe(
      uninitializedTaint,
    );
  });

  test('the lifecycle pass deletes a NotReady node whose machine is gone, and only that one', async () => {
    const lost = exampleNode('lost');
    lost.status!.conditions = [{ type: 'Ready', status: 'Unknown' }];
    const down = structuredClone(lost);
    down.metadata.name = 'down';
    const { client, nodes, cloud } = await apiWithNodes(lost, down, exampleNode('ready'));
    cloud.addMachine('down', '127.20.0.5');
    const controller = createCloudNodeLifecycleController({ toolkit, client, cloud });
    inBackground(controller.run(scope.stopper().signal));
    await waitFor(async () => (await nodes.list()).items.length === 2, 'one node deleted');
    expect(
      (await nodes.list()).items.map((node) => node.metadata.name).sort(),
      'nodes left: down still has its machine, ready is Ready',
    ).toEqual(['down', 'ready']);
    expect(await controller.monitorNodes(), 'a second pass deletes nothing').toEqual([]);
  });
});
