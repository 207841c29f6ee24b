// Records on their own: names read into their parts, then the answer to each kind of question,
// from plain lists of Services and endpoints (in the shape of Endpoints, and made from
// EndpointSlices as the server watches them). No sockets, no server.
import type { Answer, Question } from 'dns-packet';
import { describe, expect, test } from 'vitest';
import type { EndpointSlice, Endpoints, Service, ServiceSpec } from '../../harness/api/types.ts';
import {
  answer,
  dashedIp,
  endpointHostname,
  endpointReply,
  endpointsFromSlices,
  isHeadless,
  labelsIn,
  normalize,
  parseClusterName,
  ptrTarget,
  readyAddresses,
  reverseIp,
  schemaVersion,
  serviceReply,
  soaRecord,
  srvReply,
  srvTargets,
  type ClusterObjects,
} from './records.ts';

/** A record's data (an OPT record, the one kind without, has none). */
const dataOf = (record: Answer) => (record as { data?: unknown }).data;

const zone = 'cluster.local';
const ttl = 5;

/** A Service `name` in `namespace` with the given spec fields. */
function service(name: string, spec: Partial<ServiceSpec>, namespace = 'default'): Service {
  return { metadata: { name, namespace }, spec: { ports: [{ port: 80 }], ...spec } };
}

/** The Endpoints of Service `name`: ready and not-ready IPs, with one port named http. */
function endpoints(
  name: string,
  ready: Array<string | { ip: string; hostname: string }>,
  notReady: string[] = [],
): Endpoints {
  return {
    metadata: { name, namespace: 'default' },
    subsets: [
      {
        addresses: ready.map((address) =>
          typeof address === 'string' ? { ip: address } : address,
        ),
        notReadyAddresses: notReady.map((ip) => ({ ip })),
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ],
  };
}

/** ClusterObjects over plain lists, as the server's informers would give them. */
function objectsOf(services: Service[], allEndpoints: Endpoints[] = []): ClusterObjects {
  const find = <T extends Service | Endpoints>(list: T[], namespace: string, name: string) =>
    list.find((o) => o.metadata.namespace === namespace && o.metadata.name === name);
  return {
    service: (namespace, name) => find(services, namespace, name),
    endpoints: (namespace, name) => find(allEndpoints, namespace, name),
    services: () => services,
    allEndpoints: () => allEndpoints,
  };
}

const web = service('web', {
  clusterIP: '127.96.0.20',
  ports: [{ name: 'http', port: 80, protocol: 'TCP' }, { port: 9090 }],
});
const headless = service('db', {
  clusterIP: 'None',
  ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
});
const dbEndpoints = endpoints(
  'db',
  ['127.244.0.5', { ip: '127.244.0.6', hostname: 'db-1' }],
  ['127.244.0.7'],
);
const external = service('search', { type: 'ExternalName', externalName: 'Search.Example.COM.' });
const cluster = objectsOf([web, headless, external], [dbEndpoints]);

/** Asks `cluster` one question. */
const ask = (name: string, type: Question['type'] = 'A') =>
  answer({ name, type }, cluster, { zone, ttl });

describe('Records', () => {
  test('names compare in lower case without the trailing dot; labelsIn gives the labels in front of the zone', () => {
    expect(
      normalize('Web.Default.SVC.cluster.local.'),
      'normalize a mixed-case name with a trailing dot',
    ).toBe('web.default.svc.cluster.local');
    expect(labelsIn('web.default.svc.cluster.local', zone), 'the labels of a Service name').toEqual(
      ['web', 'default', 'svc'],
    );
    expect(labelsIn('Cluster.Local.', zone), 'the zone itself has no labels in front').toEqual([]);
    expect(labelsIn('example.com', zone), 'a name outside the zone').toBeUndefined();
    expect(
      labelsIn('notcluster.local', zone),
      'a name that only ends with the same letters',
    ).toBeUndefined();
  });

  test('parseClusterName reads Services, endpoints, named ports, pods and the version name', () => {
    expect(parseClusterName(['web', 'default', 'svc']), 'web.default.svc').toEqual({
      kind: 'service',
      namespace: 'default',
      service: 'web',
    });
    expect(parseClusterName(['db-1', 'db', 'default', 'svc']), 'db-1.db.default.svc').toEqual({
      kind: 'endpoint',
      namespace: 'default',
      service: 'db',
      endpoint: 'db-1',
    });
    expect(
      parseClusterName(['_http', '_tcp', 'web', 'default', 'svc']),
      '_http._tcp.web.default.svc',
    ).toEqual({
      kind: 'port',
      port: 'http',
      protocol: 'tcp',
      service: 'web',
      namespace: 'default',
    });
    expect(parseClusterName(['10-244-0-5', 'default', 'pod']), '10-244-0-5.default.pod').toEqual({
      kind: 'pod',
      namespace: 'default',
      ip: '10.244.0.5',
    });
    expect(parseClusterName(['dns-version']), 'dns-version').toEqual({ kind: 'version' });
  });

  test('the zone, svc, a namespace and pod exist without records; other shapes do not exist', () => {
    for (const labels of [[], ['svc'], ['default', 'svc'], ['pod']])
      expect(parseClusterName(labels), `${labels.join('.')}: a name that exists`).toEqual({
        kind: 'exists',
      });
    for (const labels of [
      ['web'],
      ['a', 'b', 'c', 'd', 'e', 'svc'],
      ['x-y', 'default', 'pod'],
      ['a', 'b', 'c', 'd', 'svc'],
    ])
      expect(
        parseClusterName(labels),
        `${labels.join('.')}: no name of the schema`,
      ).toBeUndefined();
    expect(dashedIp('127-244-0-5'), 'an IP with dashes').toBe('127.244.0.5');
    expect(dashedIp('1-2-3-256'), 'an octet above 255 is not an IP').toBeUndefined();
  });

  test('a headless Service gives out its ready addresses, each named by its hostname or its dashed IP', () => {
    expect(isHeadless(headless), 'clusterIP None is headless').toBe(true);
    expect(isHeadless(web), 'a Service with a ClusterIP is not').toBe(false);
    expect(isHeadless(external), 'an ExternalName Service is not').toBe(false);
    const ready = readyAddresses(dbEndpoints);
    expect(
      ready.map((address) => address.ip),
      'readyAddresses of Endpoints with two ready and one not-ready address',
    ).toEqual(['127.244.0.5', '127.244.0.6']);
    expect(ready.map(endpointHostname), 'their names: the dashed IP, then the hostname').toEqual([
      '127-244-0-5',
      'db-1',
    ]);
  });

  test("a Service's EndpointSlices read as Endpoints: ready ones as addresses, hostname kept, other Services' slices left out", () => {
    const slice = (
      name: string,
      service: string,
      endpoints: EndpointSlice['endpoints'],
      addressType: EndpointSlice['addressType'] = 'IPv4',
    ): EndpointSlice => ({
      metadata: {
        name,
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': service },
      },
      addressType,
      endpoints,
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    const slices = [
      slice('db-abc', 'db', [
        { addresses: ['127.244.0.5'], conditions: { ready: true } },
        { addresses: ['127.244.0.6'], hostname: 'db-1' },
      ]),
      slice('db-def', 'db', [
        { addresses: ['127.244.0.7'], conditions: { ready: false, serving: true } },
      ]),
      slice('db-v6', 'db', [{ addresses: ['fd00::5'] }], 'IPv6'),
      slice('web-abc', 'web', [{ addresses: ['127.244.0.9'] }]),
      {
        ...slice('db-other', 'db', [{ addresses: ['127.244.0.8'] }]),
        metadata: {
          name: 'db-other',
          namespace: 'other',
          labels: { 'kubernetes.io/service-name': 'db' },
        },
      },
    ];
    const made = endpointsFromSlices('default', 'db', slices);
    expect(
      made?.subsets?.flatMap((subset) => subset.addresses ?? []),
      "db's ready endpoints (one without conditions); web's, other's and the IPv6 slice left out",
    ).toEqual([{ ip: '127.244.0.5' }, { ip: '127.244.0.6', hostname: 'db-1' }]);
    expect(
      made?.subsets?.flatMap((subset) => subset.notReadyAddresses ?? []),
      'the endpoint whose ready condition is false',
    ).toEqual([{ ip: '127.244.0.7' }]);
    expect(made?.subsets?.[0]?.ports, "the slice's ports, as Endpoints name them").toEqual([
      { name: 'http', port: 8080, protocol: 'TCP' },
    ]);
    expect(
      readyAddresses(made).map((address) => address.ip),
      'readyAddresses of what endpointsFromSlices made, as the server answers from it',
    ).toEqual(['127.244.0.5', '127.244.0.6']);
    expect(
      endpointsFromSlices('default', 'cache', slices),
      'a Service with no slice has no endpoints',
    ).toBeUndefined();
  });

  test("a Service's name answers with its ClusterIP; another type is NODATA", () => {
    const reply = serviceReply('web.default.svc.cluster.local', 'A', web, undefined, ttl);
    expect(reply, 'an A question for Service web (ClusterIP 127.96.0.20)').toEqual({
      rcode: 'NOERROR',
      answers: [
        { name: 'web.default.svc.cluster.local', type: 'A', class: 'IN', ttl, data: '127.96.0.20' },
      ],
      additionals: [],
      authoritative: true,
    });
    const aaaa = serviceReply('web.default.svc.cluster.local', 'AAAA', web, undefined, ttl);
    expect(aaaa.rcode, 'an AAAA question for an IPv4 Service: the name exists').toBe('NOERROR');
    expect(aaaa.answers, 'an AAAA question for an IPv4 Service has no answer (NODATA)').toEqual([]);
  });

  test('a headless Service answers with each ready endpoint, and NXDOMAIN while none is ready', () => {
    const reply = serviceReply('db.default.svc.cluster.local', 'A', headless, dbEndpoints, ttl);
    expect(
      reply.answers.map(dataOf),
      'an A question for headless db (two ready endpoints, one not ready)',
    ).toEqual(['127.244.0.5', '127.244.0.6']);
    const none = serviceReply(
      'db.default.svc.cluster.local',
      'A',
      headless,
      endpoints('db', [], ['127.244.0.7']),
      ttl,
    );
    expect(none.rcode, 'headless db with no ready endpoint').toBe('NXDOMAIN');
  });

  test('an ExternalName Service is a CNAME to its external name, whatever the type asked', () => {
    for (const type of ['A', 'CNAME']) {
      const reply = serviceReply(
        'search.default.svc.cluster.local',
        type,
        external,
        undefined,
        ttl,
      );
      expect(reply.answers, `a ${type} question for ExternalName Service search`).toEqual([
        {
          name: 'search.default.svc.cluster.local',
          type: 'CNAME',
          class: 'IN',
          ttl,
          data: 'search.example.com',
        },
      ]);
    }
  });

  test("an endpoint's own name answers with its address; unknown, or in a Service with a ClusterIP, it is NXDOMAIN", () => {
    const byHostname = endpointReply(
      'db-1.db.default.svc.cluster.local',
      'A',
      headless,
      dbEndpoints,
      'db-1',
      ttl,
    );
    expect(byHostname.answers.map(dataOf), 'db-1.db: the endpoint with hostname db-1').toEqual([
      '127.244.0.6',
    ]);
    const byIp = endpointReply('x', 'A', headless, dbEndpoints, '127-244-0-5', ttl);
    expect(byIp.answers.map(dataOf), '127-244-0-5.db: the endpoint by its dashed IP').toEqual([
      '127.244.0.5',
    ]);
    expect(
      endpointReply('x', 'A', headless, dbEndpoints, '127-244-0-7', ttl).rcode,
      'a not-ready endpoint',
    ).toBe('NXDOMAIN');
    expect(
      endpointReply('x', 'A', web, dbEndpoints, 'db-1', ttl).rcode,
      'an endpoint name under a ClusterIP Service',
    ).toBe('NXDOMAIN');
  });

  test("a named port's SRV target is the Service itself; an unnamed port or another protocol has none", () => {
    expect(srvTargets(web, undefined, 'http', 'tcp', zone), '_http._tcp.web').toEqual([
      { port: 80, target: 'web.default.svc.cluster.local', ip: '127.96.0.20' },
    ]);
    expect(
      srvTargets(web, undefined, 'http', 'udp', zone),
      '_http._udp.web: no UDP port named http',
    ).toEqual([]);
    expect(
      srvTargets(web, undefined, '', 'tcp', zone),
      'an unnamed port has no SRV record',
    ).toEqual([]);
  });

  test("a headless Service's named port has one SRV target per ready endpoint, with the endpoints' port", () => {
    expect(srvTargets(headless, dbEndpoints, 'http', 'tcp', zone), '_http._tcp.db').toEqual([
      { port: 8080, target: '127-244-0-5.db.default.svc.cluster.local', ip: '127.244.0.5' },
      { port: 8080, target: 'db-1.db.default.svc.cluster.local', ip: '127.244.0.6' },
    ]);
  });

  test('SRV records carry their targets, and the A records of the targets as additionals', () => {
    const targets = [{ port: 80, target: 'web.default.svc.cluster.local', ip: '127.96.0.20' }];
    const reply = srvReply('_http._tcp.web.default.svc.cluster.local', 'SRV', targets, ttl);
    expect(reply.answers, 'an SRV question for _http._tcp.web').toEqual([
      {
        name: '_http._tcp.web.default.svc.cluster.local',
        type: 'SRV',
        class: 'IN',
        ttl,
        data: { priority: 0, weight: 100, port: 80, target: 'web.default.svc.cluster.local' },
      },
    ]);
    expect(reply.additionals, 'the additional section of that answer').toEqual([
      { name: 'web.default.svc.cluster.local', type: 'A', class: 'IN', ttl, data: '127.96.0.20' },
    ]);
    expect(
      srvReply('x', 'A', targets, ttl).answers,
      'an A question for a port name: NODATA',
    ).toEqual([]);
    expect(srvReply('x', 'SRV', [], ttl).rcode, 'a port with no targets').toBe('NXDOMAIN');
  });

  test('a reverse name reads back as its IP; PTR names the Service of a ClusterIP or the endpoint of a headless one', () => {
    expect(reverseIp('20.0.96.127.in-addr.arpa.'), 'the reverse name of 127.96.0.20').toBe(
      '127.96.0.20',
    );
    expect(reverseIp('0.96.127.in-addr.arpa'), 'three labels are not an address').toBeUndefined();
    expect(ptrTarget('127.96.0.20', cluster, zone), "web's ClusterIP").toBe(
      'web.default.svc.cluster.local',
    );
    expect(ptrTarget('127.244.0.6', cluster, zone), 'the endpoint db-1 of headless db').toBe(
      'db-1.db.default.svc.cluster.local',
    );
    expect(
      ptrTarget('127.244.0.7', cluster, zone),
      'a not-ready endpoint has no name',
    ).toBeUndefined();
  });

  test('answer: a Service asked in any case, answered with the name as asked', () => {
    const reply = ask('WEB.Default.svc.Cluster.Local');
    expect(reply.answers, 'A WEB.Default.svc.Cluster.Local').toEqual([
      { name: 'WEB.Default.svc.Cluster.Local', type: 'A', class: 'IN', ttl, data: '127.96.0.20' },
    ]);
    expect(
      ask('db.default.svc.cluster.local').answers.length,
      'A db.default: the headless Service',
    ).toBe(2);
    expect(
      ask('search.default.svc.cluster.local').answers[0]?.type,
      'A search.default: the ExternalName one',
    ).toBe('CNAME');
  });

  test('answer: NXDOMAIN for a name that does not exist, NODATA for one that does', () => {
    expect(
      ask('nothing.default.svc.cluster.local').rcode,
      'A for a Service that does not exist',
    ).toBe('NXDOMAIN');
    expect(ask('web.other.svc.cluster.local').rcode, 'A for web in another namespace').toBe(
      'NXDOMAIN',
    );
    expect(ask('a.b.c.d.e.cluster.local').rcode, 'A for a name of no known shape').toBe('NXDOMAIN');
    const namespace = ask('default.svc.cluster.local');
    expect(
      [namespace.rcode, namespace.answers],
      'A for default.svc.cluster.local: exists, no records',
    ).toEqual(['NOERROR', []]);
    expect(
      ask('_http._tcp.db-1.db.default.svc.cluster.local', 'SRV').rcode,
      'SRV under an endpoint name',
    ).toBe('NXDOMAIN');
  });

  test('answer: named ports, pods, the schema version and reverse names', () => {
    expect(
      ask('_HTTP._TCP.web.default.svc.cluster.local', 'SRV').answers.length,
      'SRV _HTTP._TCP.web',
    ).toBe(1);
    expect(
      ask('127-244-1-9.default.pod.cluster.local').answers.map(dataOf)[0],
      'A for a pod by its dashed IP',
    ).toBe('127.244.1.9');
    expect(
      ask('dns-version.cluster.local', 'TXT').answers,
      'TXT dns-version.cluster.local',
    ).toEqual([
      { name: 'dns-version.cluster.local', type: 'TXT', class: 'IN', ttl, data: [schemaVersion] },
    ]);
    expect(
      ask('20.0.96.127.in-addr.arpa', 'PTR').answers.map(dataOf)[0],
      "PTR for web's ClusterIP",
    ).toBe('web.default.svc.cluster.local');
  });

  test("answer: names that are not the cluster's are not authoritative: REFUSED outside the zone, NXDOMAIN for an unknown IP", () => {
    const outside = ask('example.com');
    expect([outside.rcode, outside.authoritative], 'A example.com').toEqual(['REFUSED', false]);
    const unknown = ask('1.1.1.1.in-addr.arpa', 'PTR');
    expect(
      [unknown.rcode, unknown.authoritative],
      'PTR for 1.1.1.1, no object of the cluster',
    ).toEqual(['NXDOMAIN', false]);
  });

  test("a negative answer's SOA record tells how long to cache it", () => {
    expect(soaRecord(zone, ttl), 'the SOA of cluster.local with TTL 5').toEqual({
      name: 'cluster.local',
      type: 'SOA',
      class: 'IN',
      ttl,
      data: {
        mname: 'ns.dns.cluster.local',
        rname: 'hostmaster.cluster.local',
        serial: 1,
        refresh: 7200,
        retry: 1800,
        expire: 86400,
        minimum: ttl,
      },
    });
  });
});
