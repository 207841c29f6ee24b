// kube-proxy's per-Service health check: which Services get one, how local endpoints are
// counted, and the answer a cloud load balancer reads.
import { describe, expect, test } from 'vitest';
import type { EndpointSlice, Service } from '../api/types.ts';
import { healthAnswer, healthCheckPort, localEndpoints } from './service-health.ts';

const service = (spec: Service['spec']): Service => ({
  metadata: { name: 'web', namespace: 'default' },
  spec,
});

describe('the health check of a Local Service', () => {
  test('only a LoadBalancer Service with externalTrafficPolicy Local has a port to answer on', () => {
    const local = { type: 'LoadBalancer', externalTrafficPolicy: 'Local' } as const;
    expect(healthCheckPort(service({ ...local, healthCheckNodePort: 31000 })), 'Local').toBe(31000);
    expect(
      healthCheckPort(service({ ...local, externalTrafficPolicy: 'Cluster' })),
      'Cluster',
    ).toBeUndefined();
    expect(healthCheckPort(undefined), 'a Service gone').toBeUndefined();
  });

  test("local endpoints are this node's ready ones, each address once", () => {
    const slices: EndpointSlice[] = [
      {
        metadata: { name: 'web-a', namespace: 'default' },
        addressType: 'IPv4',
        endpoints: [
          { addresses: ['127.244.1.2'], nodeName: 'node-1' },
          { addresses: ['127.244.1.3'], nodeName: 'node-1', conditions: { ready: false } },
          { addresses: ['127.244.2.2'], nodeName: 'node-2' },
        ],
      },
      {
        metadata: { name: 'web-b', namespace: 'default' },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['127.244.1.2'], nodeName: 'node-1' }],
      },
    ];
    expect(localEndpoints(slices, 'node-1'), "node-1's ready endpoints").toBe(1);
    expect(localEndpoints(slices, 'node-3'), "node-3's").toBe(0);
  });

  test('200 with the count while there is a local endpoint, 503 without', () => {
    expect(healthAnswer('default', 'web', 2), 'two local endpoints').toEqual({
      status: 200,
      body: {
        service: { namespace: 'default', name: 'web' },
        localEndpoints: 2,
        serviceProxyHealthy: true,
      },
    });
    expect(healthAnswer('default', 'web', 0).status, 'none').toBe(503);
  });
});
