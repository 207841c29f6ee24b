// Backends: a Service and port named by an Ingress, turned into the pods' addresses through the
// Service's EndpointSlices; and requests spread over them in turn. Pure functions, no server.
import { describe, expect, test } from 'vitest';
import type { EndpointSlice, Service } from '../../harness/api/types.ts';
import { endpointsOf, RoundRobin, servicePortOf } from './backends.ts';

const service: Service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    ports: [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'admin', port: 9000, targetPort: 9090 },
    ],
  },
};

/** A slice of Service `owner` with one port named `portName` on `port`, and these endpoints. */
function slice(
  owner: string,
  portName: string,
  port: number,
  endpoints: Array<[string, boolean | undefined]>,
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${owner}-${portName}`,
      namespace: 'shop',
      labels: { 'kubernetes.io/service-name': owner },
    },
    addressType: 'IPv4',
    ports: [{ name: portName, port, protocol: 'TCP' }],
    endpoints: endpoints.map(([address, ready]) => ({
      addresses: [address],
      conditions: ready === undefined ? {} : { ready },
    })),
  };
}

describe('Backends', () => {
  test("a backend's port is the Service's port of that number, or of that name", () => {
    expect(servicePortOf(service, { number: 9000 })?.name, 'port number 9000').toBe('admin');
    expect(servicePortOf(service, { name: 'http' })?.port, 'port name http').toBe(80);
    expect(servicePortOf(service, { number: 81 }), 'port number 81, which the Service lacks').toBe(
      undefined,
    );
  });

  test("the addresses are the ready endpoints of the Service's slices, on the slice port of the same name", () => {
    const slices = [
      slice('web', 'http', 8080, [
        ['127.244.1.5', true],
        ['127.244.2.7', undefined],
        ['127.244.3.9', false],
      ]),
      slice('web', 'admin', 9090, [['127.244.1.5', true]]),
      slice('other', 'http', 8080, [['127.244.9.9', true]]),
    ];
    expect(
      endpointsOf(service, slices, { number: 80 }),
      'Service web port 80 (named http): ready and unset-ready endpoints of its http slice',
    ).toEqual(['127.244.1.5:8080', '127.244.2.7:8080']);
    expect(endpointsOf(service, slices, { name: 'admin' }), 'Service web port admin').toEqual([
      '127.244.1.5:9090',
    ]);
    expect(endpointsOf(undefined, slices, { number: 80 }), 'a Service that does not exist').toEqual(
      [],
    );
    expect(endpointsOf(service, slices, { number: 81 }), 'a port the Service lacks').toEqual([]);
  });

  test("requests go to a backend's addresses in turn, each backend counting on its own", () => {
    const turns = new RoundRobin();
    const web = ['a:1', 'b:1', 'c:1'];
    const picked = [1, 2, 3, 4].map(() => turns.next('shop/web', web));
    expect(picked, 'four requests to shop/web').toEqual(['a:1', 'b:1', 'c:1', 'a:1']);
    expect(turns.next('shop/api', ['x:1', 'y:1']), 'the first request to shop/api').toBe('x:1');
    expect(turns.next('shop/none', []), 'a backend without addresses').toBeUndefined();
  });
});
