// The ingress controller: the address it publishes, the table it builds, then the whole
// controller against the reference API server, routing to a "pod" (an HTTP server on loopback)
// and writing the Ingress's status from the Service in front of it.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import {
  createCertificateAuthority,
  issueCertificate,
  selfSignedRsaCertificate,
} from '../../harness/api/certificates.ts';
import type {
  EndpointSlice,
  Ingress,
  IngressClass,
  KubeObject,
  Service,
} from '../../harness/api/types.ts';
import type { ApiClient } from '../../harness/client/types.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  proxyTableOf,
  publishedAddresses,
  sameAddresses,
  serveProxy,
  startIngressController,
} from './controller.ts';
import { routesOf } from './routes.ts';

const scope = testScope();

function service(name: string, spec: Service['spec'], status?: Service['status']): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'shop' },
    spec,
    ...(status ? { status } : {}),
  };
}

function ingress(name: string, created: string, spec: Ingress['spec']): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'shop', creationTimestamp: created },
    spec,
  };
}

const slice = (owner: string, address: string, port: number): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: owner, namespace: 'shop', labels: { 'kubernetes.io/service-name': owner } },
  addressType: 'IPv4',
  ports: [{ name: '', port, protocol: 'TCP' }],
  endpoints: [{ addresses: [address], conditions: { ready: true } }],
});

const pods: http.Server[] = [];
afterEach(async () => {
  for (const pod of pods.splice(0)) {
    pod.closeAllConnections();
    await new Promise((resolve) => pod.close(resolve));
  }
});

/** A "pod" on loopback that answers with its name and the X-Forwarded-Host it was sent; its port. */
async function startPod(): Promise<number> {
  const pod = http.createServer((request, response) =>
    response.end(`web-1 ${request.headers['x-forwarded-host']}`),
  );
  pods.push(pod);
  await new Promise<void>((resolve) => pod.listen(0, '127.0.0.1', resolve));
  return (pod.address() as AddressInfo).port;
}

/** shop.example.com/ to Service web port 80. */
const shopIngress = ingress('web', '', {
  rules: [
    {
      host: 'shop.example.com',
      http: {
        paths: [
          {
            path: '/',
            pathType: 'Prefix',
            backend: { service: { name: 'web', port: { number: 80 } } },
          },
        ],
      },
    },
  ],
});

describe('The ingress controller', () => {
  test("the published address: a LoadBalancer's ingress, a NodePort's external IPs or cluster IP, a ClusterIP's", () => {
    const balanced = service(
      'lb',
      { type: 'LoadBalancer', clusterIP: '127.96.0.20' },
      { loadBalancer: { ingress: [{ ip: '127.50.0.1' }, { hostname: 'lb.example.com' }] } },
    );
    expect(publishedAddresses(balanced), 'a LoadBalancer served by a cloud').toEqual([
      { ip: '127.50.0.1' },
      { hostname: 'lb.example.com' },
    ]);
    const pending = service('lb', { type: 'LoadBalancer', clusterIP: '127.96.0.20' });
    expect(publishedAddresses(pending), 'a LoadBalancer still pending').toEqual([]);
    const nodePort = service('np', { type: 'NodePort', clusterIP: '127.96.0.21' });
    expect(publishedAddresses(nodePort), 'a NodePort Service').toEqual([{ ip: '127.96.0.21' }]);
    nodePort.spec.externalIPs = ['192.0.2.10'];
    expect(publishedAddresses(nodePort), 'a NodePort with an external IP').toEqual([
      { ip: '192.0.2.10' },
    ]);
    const plain = service('c', { clusterIP: '127.96.0.22' });
    expect(publishedAddresses(plain), 'a ClusterIP Service').toEqual([{ ip: '127.96.0.22' }]);
    const named = service('n', { type: 'ExternalName', externalName: 'edge.example.com' });
    expect(publishedAddresses(named), 'an ExternalName').toEqual([
      { hostname: 'edge.example.com' },
    ]);
  });

  test("the proxy's table: every served Ingress's routes, the oldest default backend, endpoints from slices", () => {
    const web = service('web', { ports: [{ port: 80, targetPort: 8080 }] });
    const table = proxyTableOf(
      [
        ingress('late', '2026-01-02T00:00:00Z', {
          defaultBackend: { service: { name: 'late', port: { number: 80 } } },
        }),
        ingress('early', '2026-01-01T00:00:00Z', {
          defaultBackend: { service: { name: 'web', port: { number: 80 } } },
          rules: [
            {
              host: 'shop.example.com',
              http: {
                paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web' } } }],
              },
            },
          ],
        }),
      ],
      (namespace, name) => (namespace === 'shop' && name === 'web' ? web : undefined),
      () => [slice('web', '127.244.1.5', 8080)],
    );
    expect(
      table.routes.map((r) => r.host),
      'the routes',
    ).toEqual(['shop.example.com']);
    expect(table.defaultBackend?.backend.name, "the oldest Ingress's default backend").toBe('web');
    expect(
      table.endpoints('shop', { name: 'web', port: { number: 80 } }),
      'the endpoints of shop/web port 80',
    ).toEqual(['127.244.1.5:8080']);
  });

  test('the status is written only when its addresses differ', () => {
    const written = ingress('web', '', {});
    written.status = { loadBalancer: { ingress: [{ ip: '127.96.0.21' }] } };
    expect(sameAddresses(written, [{ ip: '127.96.0.21' }]), 'the same address').toBe(true);
    expect(sameAddresses(written, [{ ip: '127.50.0.1' }]), 'another address').toBe(false);
    expect(sameAddresses(ingress('new', '', {}), []), 'no status, no address').toBe(true);
  });

  test('the proxy listens on HTTP and on HTTPS, where each host gets its own certificate', async () => {
    const ca = await createCertificateAuthority('ingress-test-ca');
    const shop = await issueCertificate(ca, {
      commonName: 'shop.example.com',
      hosts: ['shop.example.com'],
      usage: 'server',
    });
    const pod = await startPod();
    const servers = await serveProxy(
      {
        http: { host: '127.0.0.1', port: 0 },
        https: { host: '127.0.0.1', port: 0 },
        defaultCertificate: await selfSignedRsaCertificate('ingress.local'),
      },
      () => ({
        routes: routesOf(shopIngress),
        endpoints: () => [`127.0.0.1:${pod}`],
      }),
      () => new Map([['shop.example.com', shop]]),
    );
    try {
      await expectServed(servers.httpUrl);
      const { port } = new URL(servers.httpsUrl);
      const answer = await new Promise<string>((resolve, reject) => {
        const request = https.get(
          {
            hostname: '127.0.0.1',
            port,
            path: '/',
            servername: 'shop.example.com',
            headers: { host: 'shop.example.com' },
            ca: ca.cert,
          },
          (response) => {
            let body = '';
            response.on('data', (chunk) => (body += chunk));
            response.on('end', () => resolve(body));
          },
        );
        request.on('error', reject);
      });
      expect(
        answer,
        'GET https://shop.example.com/ (SNI shop.example.com, its certificate checked against the CA)',
      ).toBe('web-1 shop.example.com');
    } finally {
      await servers.close();
    }
  });

  test("an Ingress of the controller's class is served through the proxy, and its status is the published Service's address", async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const podPort = await startPod();
    const create = <T extends KubeObject>(resource: string, object: T, namespace?: string) =>
      client.resource<T>(resource, namespace).create(object);
    await create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    await create<IngressClass>('ingressclasses', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: {
        name: 'kata',
        annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
      },
      spec: { controller: 'kubekata.dev/ingress' },
    });
    await create(
      'services',
      service('web', { ports: [{ port: 80, targetPort: podPort }] }),
      'shop',
    );
    await create('endpointslices', slice('web', '127.0.0.1', podPort), 'shop');
    const front = await create(
      'services',
      service('front', {
        type: 'NodePort',
        clusterIP: '127.96.0.21',
        ports: [{ port: 80, targetPort: 80 }],
      }),
      'shop',
    );
    await create('ingresses', shopIngress, 'shop');
    const controller = await startIngressController({
      toolkit,
      client,
      controller: 'kubekata.dev/ingress',
      publishService: 'shop/front',
      http: { host: '127.0.0.1', port: 0 },
      https: { host: '127.0.0.1', port: 0 },
      defaultCertificate: await createCertificateAuthority('ingress.local'),
    });
    try {
      await expectServed(controller.httpUrl);
      await expectStatus(client, front.spec.clusterIP ?? '');
    } finally {
      await controller.close();
    }
  });
});

/** GET / for shop.example.com through the proxy answers from the pod. */
async function expectServed(url: string) {
  const { hostname, port } = new URL(url);
  const answer = await new Promise<[number, string]>((resolve, reject) => {
    const request = http.get(
      { hostname, port, path: '/', headers: { host: 'shop.example.com' } },
      (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve([response.statusCode ?? 0, body]));
      },
    );
    request.on('error', reject);
  });
  expect(
    answer,
    'GET shop.example.com/ through the controller: the pod answers, seeing the Host asked for',
  ).toEqual([200, 'web-1 shop.example.com']);
}

/** The Ingress's status comes to list `ip`, the NodePort Service's cluster IP. */
async function expectStatus(client: ApiClient, ip: string) {
  let addresses: unknown;
  await waitFor(async () => {
    const current = await client.resource<Ingress>('ingresses', 'shop').get('web');
    addresses = current.status?.loadBalancer?.ingress;
    return addresses !== undefined;
  }, 'the status of Ingress shop/web');
  expect(
    addresses,
    "Ingress shop/web's status, published from NodePort Service shop/front",
  ).toEqual([{ ip }]);
}
