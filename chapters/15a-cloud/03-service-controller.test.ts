// The service controller: first which Services and nodes matter, as functions; then the controller
// against the reference API server and a fake cloud (harness/testing/fake-cloud.ts) that records
// each load balancer it was asked for and the nodes it was given.
import { describe, expect, test } from 'vitest';
import { exampleNode, exampleService } from '../../harness/api/examples.ts';
import type { KubeEvent, Node, Service } from '../../harness/api/types.ts';
import { FakeCloud } from '../../harness/testing/fake-cloud.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  backendChanged,
  cleanupFinalizer,
  createServiceController,
  excludeLabel,
  loadBalancerNodes,
  toBeDeletedTaint,
  wantsLoadBalancer,
} from './service-controller.ts';

const scope = testScope();

function loadBalancerService(name: string): Service {
  const service = exampleService(name);
  service.metadata.namespace = 'default';
  service.spec.type = 'LoadBalancer';
  return service;
}

function notReadyNode(name: string): Node {
  const node = exampleNode(name);
  node.status!.conditions = [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady' }];
  return node;
}

/** The API server with nodes n1 and n2 Ready, a fake cloud, and the controller running. */
async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const nodes = client.resource<Node>('nodes');
  for (const name of ['n1', 'n2']) {
    const node = await nodes.create(exampleNode(name));
    await nodes.updateStatus({ ...node, status: exampleNode(name).status });
  }
  const cloud = new FakeCloud();
  const controller = createServiceController({ toolkit, client, cloud });
  inBackground(controller.run(scope.stopper().signal));
  const services = client.resource<Service>('services', 'default');
  const events = async () =>
    (await client.resource<KubeEvent>('events', 'default').list()).items
      .filter((event) => event.involvedObject.kind === 'Service')
      .map((event) => `${event.reason} ${event.involvedObject.name}`)
      .sort();
  return { client, cloud, nodes, services, events };
}

describe('The service controller', () => {
  test('a Service wants a load balancer when it is of type LoadBalancer, of no other class, and not being deleted', () => {
    expect(wantsLoadBalancer(loadBalancerService('web')), 'type LoadBalancer').toBe(true);
    const nodePort = { ...loadBalancerService('web'), spec: { type: 'NodePort' as const } };
    expect(wantsLoadBalancer(nodePort), 'type NodePort').toBe(false);
    const deleting = loadBalancerService('web');
    deleting.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(wantsLoadBalancer(deleting), 'a LoadBalancer Service being deleted').toBe(false);
    const classed = loadBalancerService('web');
    classed.spec.loadBalancerClass = 'example.com/metallb';
    expect(wantsLoadBalancer(classed), 'one with a loadBalancerClass of its own').toBe(false);
  });

  test('loadBalancerNodes: Ready nodes, without the exclude label or the autoscaler taint, by name', () => {
    const excluded = exampleNode('n0');
    excluded.metadata.labels![excludeLabel] = '';
    const leaving = exampleNode('n4');
    leaving.spec!.taints = [{ key: toBeDeletedTaint, effect: 'NoSchedule' }];
    const nodes = [exampleNode('n3'), notReadyNode('n2'), excluded, leaving, exampleNode('n1')];
    expect(
      loadBalancerNodes(nodes).map((node) => node.metadata.name),
      'n3 Ready, n2 not Ready, n0 excluded, n4 leaving, n1 Ready',
    ).toEqual(['n1', 'n3']);
  });

  test('backendChanged: a node that became Ready changes the backends, a heartbeat does not', () => {
    const ready = exampleNode('n1');
    expect(backendChanged(notReadyNode('n1'), ready), 'not Ready, then Ready').toBe(true);
    const beat = structuredClone(ready);
    beat.status!.conditions![0]!.lastHeartbeatTime = '2026-01-01T00:00:10Z';
    expect(backendChanged(ready, beat), 'Ready, then Ready with a newer heartbeat').toBe(false);
  });

  test('a LoadBalancer Service gets a load balancer over the Ready nodes, its address in the status, and the finalizer', async () => {
    const { cloud, services, events } = await setUp();
    await services.create(loadBalancerService('web'));
    await waitFor(
      async () => (await services.get('web')).status?.loadBalancer?.ingress !== undefined,
      'the status of default/web to have an ingress',
    );
    const web = await services.get('web');
    expect(web.status?.loadBalancer?.ingress, 'the ingress of default/web').toEqual([
      { ip: '127.50.0.1' },
    ]);
    expect(web.metadata.finalizers, 'the finalizers of default/web').toEqual([cleanupFinalizer]);
    expect(cloud.ensured[0], 'the first load balancer asked of the cloud').toEqual({
      service: 'default/web',
      nodes: ['n1', 'n2'],
    });
    await waitFor(async () => (await events()).length === 2, 'two Events about default/web');
    expect(await events(), 'the Events about default/web, sorted').toEqual([
      'EnsuredLoadBalancer web',
      'EnsuringLoadBalancer web',
    ]);
  });

  test('a ClusterIP Service is left alone', async () => {
    const { cloud, services } = await setUp();
    await services.create({ ...loadBalancerService('db'), spec: exampleService('db').spec });
    await services.create(loadBalancerService('web'));
    await waitFor(() => cloud.ensured.length > 0, 'a load balancer for default/web');
    expect(
      [...new Set(cloud.ensured.map((call) => call.service))],
      'load balancers asked for (ensureLoadBalancer may be asked again: it is idempotent), after a ClusterIP db and a LoadBalancer web',
    ).toEqual(['default/web']);
  });

  test('a node joining updates the load balancer with the new nodes', async () => {
    const { cloud, nodes, services } = await setUp();
    await services.create(loadBalancerService('web'));
    await waitFor(() => cloud.ensured.length > 0, 'the first load balancer');
    const n3 = await nodes.create(exampleNode('n3'));
    await nodes.updateStatus({ ...n3, status: exampleNode('n3').status });
    await waitFor(
      () => cloud.ensured.at(-1)!.nodes.length === 3,
      'the load balancer ensured again with three nodes',
    );
    expect(cloud.ensured.at(-1)!.nodes, 'the nodes of the last call').toEqual(['n1', 'n2', 'n3']);
  });

  test('a Service that is no longer a LoadBalancer loses its load balancer, its status and the finalizer', async () => {
    const { cloud, services } = await setUp();
    await services.create(loadBalancerService('web'));
    await waitFor(
      async () => (await services.get('web')).status?.loadBalancer?.ingress !== undefined,
      'an ingress for default/web',
    );
    await toolkit.updateWithRetry(services, 'web', (service) => {
      service.spec.type = 'ClusterIP';
      for (const port of service.spec.ports ?? []) delete port.nodePort;
    });
    await waitFor(
      async () => ((await services.get('web')).metadata.finalizers ?? []).length === 0,
      'the finalizer removed from default/web',
    );
    expect(
      [...new Set(cloud.deleted)],
      'load balancers deleted (ensureLoadBalancerDeleted may be asked again: it is idempotent)',
    ).toEqual(['default/web']);
    expect((await services.get('web')).status?.loadBalancer, 'the status after').toEqual({});
  });

  test('a deleted Service has its load balancer deleted', async () => {
    const { cloud, services } = await setUp();
    await services.create(loadBalancerService('web'));
    await waitFor(() => cloud.ensured.length > 0, 'a load balancer for default/web');
    await services.delete('web');
    await waitFor(() => cloud.deleted.length > 0, 'the load balancer of default/web deleted');
    expect(cloud.deleted, 'load balancers deleted, after default/web was').toEqual(['default/web']);
  });
});
