// The kata cloud without a cluster: its load balancers, from chapter 15a's reference, on an address
// of its pool in front of a node's nodePort (a TCP server here), and its instances as the
// controllers read them. No machine is started (the cloud e2e suite starts one).
import net from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { exampleNode, exampleService } from '../api/examples.ts';
import { loadReference } from '../components/implementation.ts';
import { canBind } from '../network.ts';
import { KataCloud } from './kata-cloud.ts';
import type { CloudConfig } from './machines.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function referenceModules() {
  return {
    'address-pool.ts': await loadReference('15a', 'address-pool.ts'),
    'load-balancer.ts': await loadReference('15a', 'load-balancer.ts'),
    'service-controller.ts': await loadReference('15a', 'service-controller.ts'),
    'node-controller.ts': await loadReference('15a', 'node-controller.ts'),
    'cluster-autoscaler.ts': await loadReference('15a', 'cluster-autoscaler.ts'),
  };
}

const config: CloudConfig = {
  dataDir: '/tmp/kata-cloud-test',
  apiserver: 'http://127.0.0.1:1',
  secure: false,
  network: 'loopback',
  proxyMode: 'userspace',
  machines: [{ name: 'node-1', ip: '127.0.0.1' }],
  nodeIndexBase: 201,
  nodeGroup: { id: 'kata-pool', minSize: 0, maxSize: 1 },
  externalCidr: '127.50.201.0/24',
  use: { kubelet: 'solutions', proxy: 'solutions' },
};

/** A "node port": a TCP server on 127.0.0.1 that answers "node" and closes. */
async function nodePort(): Promise<number> {
  const server = net.createServer((socket) => socket.end('node'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

function read(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.once('close', () => resolve(text));
    socket.once('error', reject);
  });
}

/** Load balancers listen on 127.50.201.1: Linux answers on all of 127/8, macOS only on aliases. */
const bindable = await canBind('127.50.201.1');

describe('The kata cloud', () => {
  test.skipIf(!bindable)(
    "a Service's load balancer listens on a pool address and reaches the nodes' nodePort; deleting it frees both",
    async () => {
      const cloud = new KataCloud(config, await referenceModules(), () => {});
      closers.push(() => cloud.close());
      const service = { ...exampleService('web'), metadata: { name: 'web', namespace: 'default' } };
      service.spec.ports = [{ port: 18080, nodePort: await nodePort(), protocol: 'TCP' }];
      const node = exampleNode('node-1');
      node.status!.addresses = [{ type: 'InternalIP', address: '127.0.0.1' }];
      const ingress = await cloud.loadBalancers.ensureLoadBalancer(service, [node]);
      expect(ingress, 'the ingress of default/web').toEqual([{ ip: '127.50.201.1' }]);
      expect(await read('127.50.201.1', 18080), 'a connection to 127.50.201.1:18080').toBe('node');
      await cloud.loadBalancers.ensureLoadBalancerDeleted(service);
      await expect(
        read('127.50.201.1', 18080),
        'a connection after the delete is refused (ECONNREFUSED)',
      ).rejects.toThrow('ECONNREFUSED');
    },
  );

  test('its instances: the machines kata up started, by node name or providerID, in zones', async () => {
    const cloud = new KataCloud(config, await referenceModules(), () => {});
    const metadata = await cloud.instances.instanceMetadata(exampleNode('node-1'));
    expect(metadata, 'the metadata of node-1').toMatchObject({
      providerID: 'kata://node-1',
      zone: 'kata-1a',
      nodeAddresses: [
        { type: 'InternalIP', address: '127.0.0.1' },
        { type: 'Hostname', address: 'node-1' },
      ],
    });
    const gone = { ...exampleNode('other'), spec: { providerID: 'kata://node-9' } };
    expect(await cloud.instances.instanceExists(gone), 'a node on machine node-9').toBe(false);
    expect(cloud.nodeGroups()[0]!.owns(exampleNode('node-1')), 'kata-pool owns node-1').toBe(false);
  });
});
