// Allocation on its own: a ServiceAllocator over Service objects, no server.
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import type { Service, ServiceSpec } from '../../harness/api/types.ts';
import { startApiServer } from '../../harness/testing/apiserver.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { ServiceAllocator, parsePortRange } from './allocator.ts';

/** A Service named `name` in default with one port 80 and the given spec fields. */
function service(name: string, spec: Partial<ServiceSpec> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { ports: [{ port: 80, targetPort: 8080 }], ...spec },
  };
}

/** The 422 an allocation threw, or a failure saying nothing was thrown. */
function rejection(allocate: () => unknown, what: string): ApiError {
  try {
    allocate();
  } catch (error) {
    expect(error, `${what}: should throw an ApiError`).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error(`${what}: expected a 422 Invalid, but it was allocated`);
}

/** A random source that always answers the same number. */
const fixed = (value: number) => () => value;

describe('Allocation', () => {
  test('a port range reads as first-last', () => {
    expect(parsePortRange('30000-32767'), 'parse 30000-32767').toEqual({
      first: 30000,
      last: 32767,
    });
    expect(() => parsePortRange('32767-30000'), 'parse a range backwards').toThrow();
    expect(() => parsePortRange('many'), 'parse "many"').toThrow();
  });

  test('a Service gets a ClusterIP from the range, in spec.clusterIP and spec.clusterIPs', () => {
    const allocator = new ServiceAllocator({ serviceCidr: '127.96.0.0/24', random: fixed(0) });
    const created = allocator.onCreate(service('web'));
    expect(created.spec.clusterIP, 'create web in 127.96.0.0/24 with random 0').toBe('127.96.0.2');
    expect(created.spec.clusterIPs, 'clusterIPs of web').toEqual(['127.96.0.2']);
    expect(allocator.isIpAllocated('127.96.0.2'), 'is 127.96.0.2 taken after').toBe(true);
  });

  test('the search starts at a random place in the range', () => {
    const allocator = new ServiceAllocator({ serviceCidr: '127.96.0.0/24', random: fixed(0.5) });
    // Offsets 2..254 are 253 candidates; half way is the 126th, 127.96.0.128.
    expect(allocator.onCreate(service('web')).spec.clusterIP, 'random 0.5').toBe('127.96.0.128');
  });

  test("the first address is never handed out: it is the kubernetes Service's", () => {
    const allocator = new ServiceAllocator({ serviceCidr: '127.96.0.0/29', random: Math.random });
    expect(allocator.kubernetesIp(), 'kubernetes IP of 127.96.0.0/29').toBe('127.96.0.1');
    const ips = ['a', 'b', 'c', 'd', 'e'].map(
      (name) => allocator.onCreate(service(name)).spec.clusterIP,
    );
    expect(ips.sort(), 'five Services in a /29').toEqual([
      '127.96.0.2',
      '127.96.0.3',
      '127.96.0.4',
      '127.96.0.5',
      '127.96.0.6',
    ]);
    const kubernetes = allocator.onCreate(service('kubernetes', { clusterIP: '127.96.0.1' }));
    expect(kubernetes.spec.clusterIP, 'kubernetes asks for the first address').toBe('127.96.0.1');
    const full = rejection(() => allocator.onCreate(service('f')), 'a sixth Service in a /29');
    expect(full.code, 'a full range').toBe(500);
  });

  test('a requested free ClusterIP is honoured', () => {
    const allocator = new ServiceAllocator();
    const created = allocator.onCreate(service('dns', { clusterIP: '127.96.0.10' }));
    expect(created.spec.clusterIPs, 'create dns asking for 127.96.0.10').toEqual(['127.96.0.10']);
  });

  test("a ClusterIP already taken is 422 Invalid on spec.clusterIPs, in Kubernetes' words", () => {
    const allocator = new ServiceAllocator();
    allocator.onCreate(service('dns', { clusterIP: '127.96.0.10' }));
    const error = rejection(
      () => allocator.onCreate(service('other', { clusterIP: '127.96.0.10' })),
      'create a second Service asking for 127.96.0.10',
    );
    expect({ code: error.code, reason: error.reason, message: error.message }).toEqual({
      code: 422,
      reason: 'Invalid',
      message:
        'Service "other" is invalid: spec.clusterIPs: Invalid value: []string{"127.96.0.10"}: ' +
        'failed to allocate IP 127.96.0.10: provided IP is already allocated',
    });
    expect(error.details?.causes?.[0]?.field, 'the cause names the field').toBe('spec.clusterIPs');
  });

  test('a ClusterIP outside the range is 422 Invalid, naming the range', () => {
    const allocator = new ServiceAllocator();
    const error = rejection(
      () => allocator.onCreate(service('web', { clusterIP: '10.0.0.1' })),
      'create web asking for 10.0.0.1',
    );
    expect(error.message).toBe(
      'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.1"}: failed to ' +
        'allocate IP 10.0.0.1: the provided IP (10.0.0.1) is not in the valid range. The range of ' +
        'valid IPs is 127.96.0.0/12',
    );
    const garbage = rejection(
      () => allocator.onCreate(service('web', { clusterIP: 'banana' })),
      'create web asking for "banana"',
    );
    expect(garbage.details?.causes?.[0]?.field, 'a ClusterIP that is no IP').toBe(
      'spec.clusterIPs[0]',
    );
  });

  test('clusterIP None is a headless Service: nothing is allocated', () => {
    const allocator = new ServiceAllocator({ serviceCidr: '127.96.0.0/30' });
    const created = allocator.onCreate(service('db', { clusterIP: 'None' }));
    expect(created.spec, 'create db with clusterIP None').toMatchObject({
      clusterIP: 'None',
      clusterIPs: ['None'],
    });
    const external = allocator.onCreate(
      service('ext', { type: 'ExternalName', externalName: 'example.com' }),
    );
    expect(external.spec.clusterIP, 'an ExternalName Service').toBeUndefined();
  });

  test('a NodePort Service gets a port from 30000-32767 for each of its ports', () => {
    const allocator = new ServiceAllocator({ random: fixed(0) });
    const created = allocator.onCreate(
      service('web', { type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] }),
    );
    expect(created.spec.ports, 'create a NodePort Service with ports 80 and 443').toEqual([
      { port: 80, nodePort: 30000 },
      { port: 443, nodePort: 30001 },
    ]);
    expect(allocator.isPortAllocated(30001), 'is 30001 taken').toBe(true);
  });

  test('a requested free nodePort is honoured; a taken one is 422 naming spec.ports[i].nodePort', () => {
    const allocator = new ServiceAllocator();
    const first = allocator.onCreate(
      service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }),
    );
    expect(first.spec.ports?.[0]?.nodePort, 'create a asking for 30080').toBe(30080);
    const error = rejection(
      () =>
        allocator.onCreate(
          service('b', { type: 'NodePort', ports: [{ port: 81 }, { port: 80, nodePort: 30080 }] }),
        ),
      'create b asking for 30080 too',
    );
    expect(error.message).toBe(
      'Service "b" is invalid: spec.ports[1].nodePort: Invalid value: 30080: provided port is ' +
        'already allocated',
    );
    expect(error.details?.causes?.[0]?.field).toBe('spec.ports[1].nodePort');
  });

  test('a nodePort outside the range is 422, naming the range', () => {
    const allocator = new ServiceAllocator({ nodePortRange: '30000-30010' });
    const error = rejection(
      () =>
        allocator.onCreate(service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })),
      'create a asking for nodePort 80',
    );
    expect(error.message).toBe(
      'Service "a" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in ' +
        'the valid range. The range of valid ports is 30000-30010',
    );
  });

  test('a failed create keeps nothing it allocated on the way', () => {
    const allocator = new ServiceAllocator({ random: fixed(0) });
    allocator.onCreate(service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30005 }] }));
    rejection(
      () =>
        allocator.onCreate(
          service('b', {
            clusterIP: '127.96.0.20',
            type: 'NodePort',
            ports: [{ port: 81 }, { port: 80, nodePort: 30005 }],
          }),
        ),
      'create b whose second nodePort is taken',
    );
    expect(allocator.isIpAllocated('127.96.0.20'), "b's ClusterIP after the failure").toBe(false);
    expect(allocator.isPortAllocated(30000), "b's first nodePort after the failure").toBe(false);
  });

  test('a ClusterIP Service may not name a nodePort', () => {
    const allocator = new ServiceAllocator();
    const error = rejection(
      () => allocator.onCreate(service('a', { ports: [{ port: 80, nodePort: 30080 }] })),
      'create a ClusterIP Service with nodePort 30080',
    );
    expect(error.message).toBe(
      'Service "a" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is \'ClusterIP\'',
    );
  });

  test('deleting a Service frees its ClusterIP and node ports', () => {
    const allocator = new ServiceAllocator();
    const created = allocator.onCreate(
      service('a', {
        clusterIP: '127.96.0.10',
        type: 'NodePort',
        ports: [{ port: 80, nodePort: 30080 }],
      }),
    );
    allocator.onDelete(created);
    expect(allocator.isIpAllocated('127.96.0.10'), 'the IP after delete').toBe(false);
    expect(allocator.isPortAllocated(30080), 'the port after delete').toBe(false);
    const again = allocator.onCreate(
      service('b', {
        clusterIP: '127.96.0.10',
        type: 'NodePort',
        ports: [{ port: 80, nodePort: 30080 }],
      }),
    );
    expect(again.spec.clusterIP, 'a new Service asking for the freed IP').toBe('127.96.0.10');
  });

  test('an update keeps the ClusterIP, which may not change once set', () => {
    const allocator = new ServiceAllocator();
    const created = allocator.onCreate(service('a'));
    const updated = allocator.onUpdate(created, service('a', { sessionAffinity: 'ClientIP' }));
    expect(updated.spec.clusterIP, 'update without a clusterIP').toBe(created.spec.clusterIP);
    const error = rejection(
      () => allocator.onUpdate(created, service('a', { clusterIP: '127.96.0.99' })),
      'update asking for another ClusterIP',
    );
    expect(error.details?.causes?.[0]?.field).toBe('spec.clusterIPs[0]');
    expect(error.message).toContain('may not change once set');
  });

  test('changing type to NodePort allocates node ports; back to ClusterIP releases them', () => {
    const allocator = new ServiceAllocator({ random: fixed(0) });
    const created = allocator.onCreate(service('a'));
    const nodePort = allocator.onUpdate(created, {
      ...created,
      spec: { ...created.spec, type: 'NodePort' },
    });
    expect(nodePort.spec.ports?.[0]?.nodePort, 'ClusterIP -> NodePort').toBe(30000);
    const again = allocator.onUpdate(nodePort, structuredClone(nodePort));
    expect(again.spec.ports?.[0]?.nodePort, 'NodePort -> NodePort keeps the port').toBe(30000);
    const kept = allocator.onUpdate(nodePort, {
      ...nodePort,
      spec: { ...nodePort.spec, ports: [{ port: 80, targetPort: 9090 }] },
    });
    expect(kept.spec.ports?.[0]?.nodePort, 'an update that leaves nodePort out').toBe(30000);
    const back = allocator.onUpdate(kept, { ...kept, spec: { ...kept.spec, type: 'ClusterIP' } });
    expect(back.spec.ports?.[0]?.nodePort, 'NodePort -> ClusterIP').toBeUndefined();
    expect(allocator.isPortAllocated(30000), 'the port after going back to ClusterIP').toBe(false);
    expect(allocator.isIpAllocated(created.spec.clusterIP!), 'the ClusterIP is still taken').toBe(
      true,
    );
  });

  test('changing to ExternalName releases the ClusterIP; leaving it allocates one', () => {
    const allocator = new ServiceAllocator();
    const created = allocator.onCreate(service('a', { clusterIP: '127.96.0.10' }));
    const external = allocator.onUpdate(
      created,
      service('a', { type: 'ExternalName', externalName: 'example.com' }),
    );
    expect(allocator.isIpAllocated('127.96.0.10'), 'after ClusterIP -> ExternalName').toBe(false);
    const back = allocator.onUpdate(external, service('a', { clusterIP: '127.96.0.11' }));
    expect(back.spec.clusterIP, 'ExternalName -> ClusterIP asking for .11').toBe('127.96.0.11');
  });

  test('a failed update changes nothing', () => {
    const allocator = new ServiceAllocator({ random: fixed(0) });
    allocator.onCreate(service('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30050 }] }));
    const created = allocator.onCreate(service('a'));
    rejection(
      () =>
        allocator.onUpdate(created, {
          ...created,
          spec: {
            ...created.spec,
            type: 'NodePort',
            ports: [{ port: 80 }, { port: 81, nodePort: 30050 }],
          },
        }),
      "update a to NodePort asking for b's port",
    );
    expect(allocator.isPortAllocated(30000), 'the first port a would have had').toBe(false);
  });

  test('rebuilt from the Services that exist, it never hands out an address twice', () => {
    const existing = [
      service('a', { clusterIP: '127.96.0.2', clusterIPs: ['127.96.0.2'] }),
      service('b', {
        clusterIP: '127.96.0.3',
        type: 'NodePort',
        ports: [{ port: 80, nodePort: 30000 }],
      }),
      service('c', { clusterIP: 'None' }),
    ];
    const allocator = new ServiceAllocator({ serviceCidr: '127.96.0.0/29', random: fixed(0) });
    allocator.onCreate(service('stale', { clusterIP: '127.96.0.6' }));
    allocator.rebuild(existing);
    expect(allocator.isIpAllocated('127.96.0.6'), 'what memory held before the rebuild').toBe(
      false,
    );
    const next = allocator.onCreate(service('d', { type: 'NodePort' }));
    expect(next.spec.clusterIP, 'a new Service after a restart').toBe('127.96.0.4');
    expect(next.spec.ports?.[0]?.nodePort, 'its nodePort').toBe(30001);
  });

  test('plugged into the API server: Services get addresses, and the kubernetes Service the first', async () => {
    const server = await startApiServer({
      serviceAllocator: new ServiceAllocator({ random: () => 0 }),
    });
    try {
      const client = toolkit.createClient({ server: server.url });
      const services = client.resource<Service>('services', 'default');
      const kubernetes = await services.get('kubernetes');
      expect(kubernetes.spec.clusterIP, 'the kubernetes Service').toBe('127.96.0.1');
      const web = await services.create(service('web', { type: 'NodePort' }));
      expect(web.spec.clusterIP, 'a ClusterIP from the range').toMatch(
        /^127\.(9[6-9]|10[0-9]|11[01])\./,
      );
      expect(web.spec.ports?.[0]?.nodePort, 'a node port').toBeGreaterThanOrEqual(30000);
      const taken = await services
        .create(service('copy', { clusterIP: web.spec.clusterIP }))
        .catch((error: unknown) => error as ApiError);
      expect((taken as ApiError).code, "a create asking for web's address").toBe(422);
      await services.delete('web');
      const again = await services.create(service('again', { clusterIP: web.spec.clusterIP }));
      expect(again.spec.clusterIP, "web's address, once web is gone").toBe(web.spec.clusterIP);
    } finally {
      await server.close();
    }
  });
});
