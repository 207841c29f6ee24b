// Published ports in the single-address mode: the annotation's text, the kubelet's view of a pod,
// the proxy's view of Endpoints, and both views against the reference API server.
import { describe, expect, test } from 'vitest';
import { examplePod } from '../api/examples.ts';
import type { Endpoints, Pod, Service } from '../api/types.ts';
import { testScope } from '../testing/scope.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  formatHostPorts,
  hostPortsAnnotation,
  hostPortsOf,
  parseHostPorts,
  publishingClient,
  reachableSubsets,
  reachingClient,
  withPublishedPorts,
} from './host-ports.ts';

const scope = testScope();

/** An echo pod declaring 8080 (named http) and 9090, probed on http and on 9090. */
function webPod(name: string): Pod {
  const pod = examplePod(name);
  pod.spec.containers[0]!.ports = [{ name: 'http', containerPort: 8080 }, { containerPort: 9090 }];
  pod.spec.containers[0]!.readinessProbe = { httpGet: { path: '/', port: 'http' } };
  pod.spec.containers[0]!.livenessProbe = { tcpSocket: { port: 9090 } };
  return pod;
}

describe('Published ports', () => {
  test("the annotation reads as docker ps's PORTS column, and back", () => {
    const ports = new Map([
      [8080, 40123],
      [9090, 40124],
    ]);
    expect(formatHostPorts(ports)).toBe('127.0.0.1:40123->8080/TCP, 127.0.0.1:40124->9090/TCP');
    expect(parseHostPorts(formatHostPorts(ports))).toEqual(ports);
    expect(parseHostPorts(undefined).size).toBe(0);
    expect(parseHostPorts('not ports').size).toBe(0);
  });

  test('the kubelet sees the published ports in place of the declared ones, probes included', () => {
    const pod = webPod('web');
    const seen = withPublishedPorts(
      pod,
      new Map([
        [8080, 40123],
        [9090, 40124],
      ]),
    );
    const container = seen.spec.containers[0]!;
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 40123 },
      { containerPort: 40124 },
    ]);
    expect(container.readinessProbe?.httpGet?.port, 'a named port: found through ports').toBe(
      'http',
    );
    expect(container.livenessProbe?.tcpSocket?.port).toBe(40124);
    expect(pod.spec.containers[0]!.ports![0]!.containerPort, 'the pod itself').toBe(8080);
  });

  test('the proxy dials each pod on its published port, one subset per address', () => {
    const subsets = reachableSubsets(
      [
        {
          addresses: [
            { ip: '127.0.0.1', targetRef: { kind: 'Pod', uid: 'a' } },
            { ip: '127.0.0.1', targetRef: { kind: 'Pod', uid: 'b' } },
          ],
          notReadyAddresses: [{ ip: '127.0.0.1', targetRef: { kind: 'Pod', uid: 'c' } }],
          ports: [{ name: 'http', port: 8080 }],
        },
      ],
      (uid) => ({ a: new Map([[8080, 40001]]), b: new Map([[8080, 40002]]) })[uid],
    );
    expect(subsets).toEqual([
      {
        addresses: [expect.objectContaining({ ip: '127.0.0.1' })],
        ports: [{ name: 'http', port: 40001 }],
      },
      {
        addresses: [expect.objectContaining({ ip: '127.0.0.1' })],
        ports: [{ name: 'http', port: 40002 }],
      },
      {
        notReadyAddresses: [expect.objectContaining({ ip: '127.0.0.1' })],
        ports: [{ name: 'http', port: 8080 }],
      },
    ]);
  });

  test('against the API server: the node publishes once and records it; the proxy reads it back', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const created = await client.resource<Pod>('pods', 'default').create(webPod('web'));
    const lines: string[] = [];
    const kubelet = publishingClient(client, (line) => lines.push(line));
    const seen = (await kubelet.resource<Pod>('pods').list()).items[0]!;
    const stored = await client.resource<Pod>('pods', 'default').get('web');
    const published = hostPortsOf(stored);
    expect([...published.keys()], 'the declared ports, published').toEqual([8080, 9090]);
    expect(stored.metadata.annotations?.[hostPortsAnnotation]).toMatch(
      /^127\.0\.0\.1:\d+->8080\/TCP, 127\.0\.0\.1:\d+->9090\/TCP$/,
    );
    expect(stored.spec.containers[0]!.ports![0]!.containerPort, 'the pod as written').toBe(8080);
    expect(seen.spec.containers[0]!.ports![0]!.containerPort).toBe(published.get(8080));
    expect(
      seen.metadata.resourceVersion,
      'the kubelet sees the pod as recorded, annotation and all',
    ).toBe(stored.metadata.resourceVersion);
    const again = await kubelet.resource<Pod>('pods', 'default').get('web');
    expect(again.spec.containers[0]!.ports![0]!.containerPort, 'the same ports twice').toBe(
      published.get(8080),
    );
    expect(lines).toEqual([`pod default/web: published ${formatHostPorts(published)}`]);

    await client.resource<Endpoints>('endpoints', 'default').create({
      metadata: { name: 'web', namespace: 'default' },
      subsets: [
        {
          addresses: [
            {
              ip: '127.0.0.1',
              targetRef: {
                kind: 'Pod',
                namespace: 'default',
                name: 'web',
                uid: created.metadata.uid,
              },
            },
          ],
          ports: [{ name: 'http', port: 8080 }],
        },
      ],
    });
    const proxy = reachingClient(client, () => {});
    const endpoints = await proxy.resource<Endpoints>('endpoints', 'default').get('web');
    expect(endpoints.subsets?.[0]?.ports).toEqual([{ name: 'http', port: published.get(8080) }]);
    await kubelet.resource<Pod>('pods', 'default').delete('web', { gracePeriodSeconds: 0 });
    expect(
      (await client.resource<Pod>('pods', 'default').list()).items,
      'the view deletes too (every verb, not only the reads)',
    ).toEqual([]);
  });

  test('the proxy leaves out a ClusterIP this machine cannot bind, and says so once', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const services = client.resource<Service>('services', 'default');
    // 192.0.2.10, an address kept for documentation, is on no interface: as 127.96.0.10 on macOS.
    for (const [name, clusterIP] of [
      ['far', '192.0.2.10'],
      ['near', '127.0.0.1'],
    ])
      await services.create({
        metadata: { name, namespace: 'default' },
        spec: { clusterIP, type: 'NodePort', ports: [{ port: 8080, nodePort: 30999 }] },
      });
    const lines: string[] = [];
    const proxy = reachingClient(client, (line) => lines.push(line));
    const seen = (await proxy.resource<Service>('services').list()).items;
    expect(seen.map((service) => [service.metadata.name, service.spec.clusterIP])).toEqual(
      expect.arrayContaining([
        ['far', ''],
        ['near', '127.0.0.1'],
      ]),
    );
    await proxy.resource<Service>('services', 'default').get('far');
    expect(lines).toEqual([
      'ClusterIP 192.0.2.10 cannot be bound on this machine: Service default/far answers on its NodePorts only',
    ]);
  });
});
