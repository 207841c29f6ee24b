// Allocation on its own: a ServiceAllocator over Service objects, no server.
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import type { Service, ServiceSpec } from '../../harness/api/types.ts';
import { startApiServer } from '../../harness/testing/apiserver.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { parseCidr } from '../../harness/network.ts';
import {
  ServiceAllocator,
  findFree,
  forbidNodePorts,
  invalidService,
  parsePortRange,
  requestedIpError,
  wantsClusterIp,
  wantsNodePorts,
} from './allocator.ts';

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
    expect(
      () => parsePortRange('32767-30000'),
      'parsing "32767-30000", a range backwards, should throw "invalid port range"',
    ).toThrow(/invalid port range/);
    expect(
      () => parsePortRange('many'),
      'parsing "many" should throw "invalid port range"',
    ).toThrow(/invalid port range/);
    expect(
      () => parsePortRange('0-100'),
      'parsing "0-100", which starts below 1, should throw "invalid port range"',
    ).toThrow(/invalid port range/);
  });

  test('headless and ExternalName Services get no ClusterIP; NodePort and LoadBalancer ones get node ports', () => {
    const kinds = [
      service('plain'),
      service('headless', { clusterIP: 'None' }),
      service('external', { type: 'ExternalName', externalName: 'example.com' }),
      service('nodeport', { type: 'NodePort' }),
      service('lb', { type: 'LoadBalancer' }),
    ];
    expect(
      kinds.map(wantsClusterIp),
      'wantsClusterIp of a plain, a headless, an ExternalName, a NodePort and a LoadBalancer Service',
    ).toEqual([true, false, false, true, true]);
    expect(kinds.map(wantsNodePorts), 'wantsNodePorts of the same five').toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  test('findFree starts at a random offset and wraps around to the first free one', () => {
    const taken = new Set([12, 13, 14]);
    expect(
      findFree(10, 14, (n) => taken.has(n), fixed(0.4)),
      'offsets 10..14 with 12, 13, 14 taken, random 0.4 (start at 12): wraps to 10',
    ).toBe(10);
    expect(
      findFree(10, 14, (n) => taken.has(n), fixed(0)),
      'the same with random 0 (start at 10)',
    ).toBe(10);
    expect(
      findFree(10, 14, () => false, fixed(0.99)),
      'offsets 10..14 all free, random 0.99: the last',
    ).toBe(14);
  });

  test('findFree answers undefined when every offset is taken', () => {
    expect(
      findFree(0, 3, () => true, fixed(0.5)),
      'offsets 0..3, all taken',
    ).toBeUndefined();
    expect(
      findFree(5, 4, () => false, fixed(0)),
      'an empty range, 5..4',
    ).toBeUndefined();
  });

  test('a 422 Invalid names the Service, each field and its message, with one cause each', () => {
    const one = invalidService(
      'web',
      [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs' }],
      ['Invalid value: x: bad'],
    );
    expect(
      { code: one.code, reason: one.reason, message: one.message },
      'invalidService for web with one error on spec.clusterIPs',
    ).toEqual({
      code: 422,
      reason: 'Invalid',
      message: 'Service "web" is invalid: spec.clusterIPs: Invalid value: x: bad',
    });
    expect(one.details, 'its details').toEqual({
      name: 'web',
      kind: 'Service',
      causes: [
        { reason: 'FieldValueInvalid', message: 'Invalid value: x: bad', field: 'spec.clusterIPs' },
      ],
    });
    const two = invalidService(
      'web',
      [
        { type: 'FieldValueForbidden', field: 'spec.ports[0].nodePort' },
        { type: 'FieldValueForbidden', field: 'spec.ports[1].nodePort' },
      ],
      ['Forbidden: a', 'Forbidden: b'],
    );
    expect(two.message, 'the message of invalidService with two errors').toBe(
      'Service "web" is invalid: [spec.ports[0].nodePort: Forbidden: a, spec.ports[1].nodePort: Forbidden: b]',
    );
  });

  test('a Service that gets no node ports may not name one; nodePort 0 means none', () => {
    const zero = service('a', { ports: [{ port: 80, nodePort: 0 }] });
    forbidNodePorts(zero);
    expect(zero.spec.ports, 'a ClusterIP Service with nodePort 0, after forbidNodePorts').toEqual([
      { port: 80 },
    ]);
    const error = rejection(
      () => forbidNodePorts(service('a', { ports: [{ port: 80, nodePort: 30080 }] })),
      'forbidNodePorts of a ClusterIP Service with nodePort 30080',
    );
    expect(error.message, 'the 422 message').toBe(
      'Service "a" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is \'ClusterIP\'',
    );
    expect(error.details?.causes?.[0]?.reason, 'the cause').toBe('FieldValueForbidden');
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
    expect(ips.sort(), 'the ClusterIPs of five Services in a /29: all but .0, .1 and .7').toEqual([
      '127.96.0.2',
      '127.96.0.3',
      '127.96.0.4',
      '127.96.0.5',
      '127.96.0.6',
    ]);
    const full = rejection(() => allocator.onCreate(service('f')), 'a sixth Service in a /29');
    expect(full.code, 'the code of the answer to a sixth Service: the range is full').toBe(500);
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

  test('a requested free ClusterIP is honoured', () => {
    const allocator = new ServiceAllocator();
    const created = allocator.onCreate(service('dns', { clusterIP: '127.96.0.10' }));
    expect(created.spec.clusterIPs, 'create dns asking for 127.96.0.10').toEqual(['127.96.0.10']);
    const kubernetes = allocator.onCreate(service('kubernetes', { clusterIP: '127.96.0.1' }));
    expect(
      kubernetes.spec.clusterIP,
      'create kubernetes asking for the first address, which only a request can have',
    ).toBe('127.96.0.1');
    expect(allocator.isIpAllocated('127.96.0.10'), 'is 127.96.0.10 taken after').toBe(true);
  });

  test("a ClusterIP already taken is 422 Invalid on spec.clusterIPs, in Kubernetes' words", () => {
    const allocator = new ServiceAllocator();
    allocator.onCreate(service('dns', { clusterIP: '127.96.0.10' }));
    const error = rejection(
      () => allocator.onCreate(service('other', { clusterIP: '127.96.0.10' })),
      'create a second Service asking for 127.96.0.10',
    );
    expect(
      { code: error.code, reason: error.reason, message: error.message },
      'code, reason and message of the answer',
    ).toEqual({
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
    expect(error.message, 'the 422 message').toBe(
      'Service "web" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.1"}: failed to ' +
        'allocate IP 10.0.0.1: the provided IP (10.0.0.1) is not in the valid range. The range of ' +
        'valid IPs is 127.96.0.0/12',
    );
  });

  test('a ClusterIP that is not an IP at all is 422 Invalid on spec.clusterIPs[0]', () => {
    const allocator = new ServiceAllocator();
    const garbage = rejection(
      () => allocator.onCreate(service('web', { clusterIP: 'banana' })),
      'create web asking for "banana"',
    );
    expect(garbage.details?.causes?.[0]?.field, 'the field of the cause').toBe(
      'spec.clusterIPs[0]',
    );
    expect(garbage.message, 'the 422 message').toBe(
      'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: "banana": must be a valid IP ' +
        'address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    );
    expect(
      requestedIpError(service('web'), '127.96.0.10', parseCidr('127.96.0.0/12'), () => false),
      'requestedIpError for a free address in the range',
    ).toBeUndefined();
  });

  test('deleting a Service frees its ClusterIP for the next one to ask', () => {
    const allocator = new ServiceAllocator();
    const created = allocator.onCreate(service('a', { clusterIP: '127.96.0.10' }));
    allocator.onDelete(created);
    expect(allocator.isIpAllocated('127.96.0.10'), 'the IP after delete').toBe(false);
    const again = allocator.onCreate(service('b', { clusterIP: '127.96.0.10' }));
    expect(again.spec.clusterIP, 'a new Service asking for the freed IP').toBe('127.96.0.10');
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
    expect(error.message, 'the 422 message').toBe(
      'Service "b" is invalid: spec.ports[1].nodePort: Invalid value: 30080: provided port is ' +
        'already allocated',
    );
    expect(error.details?.causes?.[0]?.field, 'the field of the cause').toBe(
      'spec.ports[1].nodePort',
    );
  });

  test('a nodePort outside the range is 422, naming the range', () => {
    const allocator = new ServiceAllocator({ nodePortRange: '30000-30010' });
    const error = rejection(
      () =>
        allocator.onCreate(service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })),
      'create a asking for nodePort 80',
    );
    expect(error.message, 'the 422 message').toBe(
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

  test('deleting a NodePort Service frees its node ports', () => {
    const allocator = new ServiceAllocator();
    const created = allocator.onCreate(
      service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }),
    );
    allocator.onDelete(created);
    expect(allocator.isPortAllocated(30080), 'the port after delete').toBe(false);
    const again = allocator.onCreate(
      service('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }),
    );
    expect(again.spec.ports?.[0]?.nodePort, 'a new Service asking for the freed port').toBe(30080);
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
    expect(error.details?.causes?.[0]?.field, 'the field of the cause').toBe('spec.clusterIPs[0]');
    expect(error.message, 'the 422 message').toBe(
      'Service "a" is invalid: spec.clusterIPs[0]: Invalid value: []string{"127.96.0.99"}: may ' +
        'not change once set',
    );
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

  test('a LoadBalancer Service with externalTrafficPolicy Local gets a healthCheckNodePort from the node port range', () => {
    const allocator = new ServiceAllocator({ random: fixed(0) });
    const local = allocator.onCreate(
      service('a', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }),
    );
    expect(local.spec.ports?.[0]?.nodePort, "a's nodePort, the first free").toBe(30000);
    expect(local.spec.healthCheckNodePort, "a's healthCheckNodePort, the next free").toBe(30001);
    const cluster = allocator.onCreate(
      service('b', { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster' }),
    );
    expect(cluster.spec.healthCheckNodePort, 'a LoadBalancer with policy Cluster').toBeUndefined();
    const asked = allocator.onCreate(
      service('c', {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        healthCheckNodePort: 31000,
      }),
    );
    expect(asked.spec.healthCheckNodePort, 'a requested free healthCheckNodePort').toBe(31000);
    const error = rejection(
      () =>
        allocator.onCreate(
          service('d', { type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] }),
        ),
      "a nodePort asking for a's healthCheckNodePort",
    );
    expect(error.message, 'the 422: one pool for both kinds of port').toContain(
      'provided port is already allocated',
    );
  });

  test("healthCheckNodePort only with LoadBalancer and Local, externalTrafficPolicy only from outside: 422 in Kubernetes' words", () => {
    const allocator = new ServiceAllocator();
    const nodePort = rejection(
      () =>
        allocator.onCreate(
          service('a', {
            type: 'NodePort',
            externalTrafficPolicy: 'Local',
            healthCheckNodePort: 31000,
          }),
        ),
      'a NodePort Service naming a healthCheckNodePort',
    );
    expect(nodePort.message, 'the 422 for healthCheckNodePort on a NodePort Service').toBe(
      'Service "a" is invalid: spec.healthCheckNodePort: Invalid value: 31000: may only be set ' +
        "when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
    );
    const clusterIp = rejection(
      () => allocator.onCreate(service('b', { externalTrafficPolicy: 'Local' })),
      'a ClusterIP Service with externalTrafficPolicy',
    );
    expect(clusterIp.details?.causes?.[0]?.field, 'the field of the cause').toBe(
      'spec.externalTrafficPolicy',
    );
    expect(clusterIp.message, 'the 422 for externalTrafficPolicy on a ClusterIP Service').toBe(
      'Service "b" is invalid: spec.externalTrafficPolicy: Invalid value: "Local": may only be ' +
        'set for externally-accessible services',
    );
    expect(allocator.isPortAllocated(31000), 'nothing kept from the refused creates').toBe(false);
  });

  test('an update keeps the healthCheckNodePort, which may not change; leaving Local frees it', () => {
    const allocator = new ServiceAllocator({ random: fixed(0) });
    const created = allocator.onCreate(
      service('a', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }),
    );
    const health = created.spec.healthCheckNodePort!;
    const kept = allocator.onUpdate(created, {
      ...created,
      spec: { ...created.spec, healthCheckNodePort: undefined },
    });
    expect(kept.spec.healthCheckNodePort, 'an update that leaves it out').toBe(health);
    const error = rejection(
      () =>
        allocator.onUpdate(created, {
          ...created,
          spec: { ...created.spec, healthCheckNodePort: 31000 },
        }),
      'an update asking for another healthCheckNodePort',
    );
    expect(error.message, 'the 422').toBe(
      'Service "a" is invalid: spec.healthCheckNodePort: Invalid value: 31000: field is immutable',
    );
    const cluster = allocator.onUpdate(kept, {
      ...kept,
      spec: { ...kept.spec, externalTrafficPolicy: 'Cluster' },
    });
    expect(cluster.spec.healthCheckNodePort, 'Local -> Cluster drops the port').toBeUndefined();
    expect(allocator.isPortAllocated(health), 'the port after Local -> Cluster').toBe(false);
    const local = allocator.onUpdate(cluster, {
      ...cluster,
      spec: { ...cluster.spec, externalTrafficPolicy: 'Local' },
    });
    const plain = allocator.onUpdate(local, {
      ...local,
      spec: { ...local.spec, type: 'ClusterIP' },
    });
    expect(
      [plain.spec.healthCheckNodePort, plain.spec.externalTrafficPolicy],
      'LoadBalancer -> ClusterIP drops both fields copied over',
    ).toEqual([undefined, undefined]);
    expect(allocator.isPortAllocated(local.spec.healthCheckNodePort!), 'its port').toBe(false);
  });

  test('deleting a Service frees its healthCheckNodePort; a rebuild counts it taken', () => {
    const allocator = new ServiceAllocator({ random: fixed(0) });
    const created = allocator.onCreate(
      service('a', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }),
    );
    allocator.onDelete(created);
    expect(allocator.isPortAllocated(30001), 'the healthCheckNodePort after delete').toBe(false);
    allocator.rebuild([created]);
    expect(allocator.isPortAllocated(30001), 'the healthCheckNodePort after a rebuild').toBe(true);
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
