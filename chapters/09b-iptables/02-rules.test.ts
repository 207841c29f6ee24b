// The rules as data: the names kube-proxy gives its chains, the probabilities that make the pick
// uniform, which endpoints count, then whole rule sets compared with golden files (the text
// iptables-restore is given, kept in golden/ beside this file), and the chains a sync deletes.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { EndpointSlice, Service, ServiceSpec } from '../../harness/api/types.ts';
import {
  base32,
  chainHash,
  endpointChain,
  probability,
  proxyRules,
  readyEndpoints,
  restoreText,
  savedChains,
  serviceChain,
  servicePortName,
} from './rules.ts';

/** A Service in default with ClusterIP 127.96.0.10 and port 80 named http, plus `spec`. */
function service(name: string, spec: Partial<ServiceSpec> = {}): Service {
  return {
    metadata: { name, namespace: 'default' },
    spec: { clusterIP: '127.96.0.10', ports: [{ name: 'http', port: 80 }], ...spec },
  };
}

/** A slice of the Service `name`: port http 8080, one endpoint per address (ready unless listed). */
function slice(name: string, addresses: string[], notReady: string[] = []): EndpointSlice {
  return {
    metadata: {
      name: `${name}-abcde`,
      namespace: 'default',
      labels: { 'kubernetes.io/service-name': name },
    },
    addressType: 'IPv4',
    ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    endpoints: [
      ...addresses.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
      ...notReady.map((ip) => ({ addresses: [ip], conditions: { ready: false } })),
    ],
  };
}

const golden = (file: string) => readFileSync(new URL(`golden/${file}`, import.meta.url), 'utf8');

describe('The rules', () => {
  test('base32 encodes as Go does, with padding', () => {
    expect(base32(new TextEncoder().encode('foobar')), 'base32("foobar")').toBe('MZXW6YTBOI======');
    expect(base32(new Uint8Array([0xff])), 'base32 of one byte 0xff').toBe('74======');
  });

  test("chain names hash the Service port's name as kube-proxy does", () => {
    expect(chainHash('ns1/svc1:p80tcp'), 'chainHash("ns1/svc1:p80tcp")').toBe('XPGD46QRK7WJZT7O');
    expect(serviceChain('ns1/svc1:p80'), 'serviceChain("ns1/svc1:p80")').toBe(
      'KUBE-SVC-XPGD46QRK7WJZT7O',
    );
    expect(
      endpointChain('ns1/svc1:p80', '10.180.0.1:80'),
      'endpointChain("ns1/svc1:p80", "10.180.0.1:80")',
    ).toBe('KUBE-SEP-SXIVWICOYRO3J4NJ');
    expect(
      [
        servicePortName(service('web'), { port: 80 }),
        servicePortName(service('web'), { name: 'http', port: 80 }),
      ],
      'the names of an unnamed and a named port',
    ).toEqual(['default/web', 'default/web:http']);
  });

  test('the probabilities are 1/n, 1/(n-1), ... and none for the last', () => {
    expect(
      [0, 1, 2, 3].map((i) => probability(i, 4)),
      'probability(i, 4) for i = 0..3',
    ).toEqual(['0.2500000000', '0.3333333333', '0.5000000000', undefined]);
    expect(probability(0, 1), 'the one endpoint of one').toBeUndefined();
  });

  test("a port's ready endpoints come from its Service's slices, with the port of the same name", () => {
    const other = { ...slice('other', ['127.244.0.9']) };
    const slices = [slice('web', ['127.244.0.3', '127.244.0.2'], ['127.244.0.4']), other];
    expect(
      readyEndpoints(service('web'), { name: 'http', port: 80 }, slices),
      'the ready endpoints of web:http',
    ).toEqual(['127.244.0.2:8080', '127.244.0.3:8080']);
    expect(
      readyEndpoints(service('web'), { name: 'metrics', port: 90 }, slices),
      'a port name no slice has',
    ).toEqual([]);
    const noCondition = slice('web', []);
    noCondition.endpoints = [{ addresses: ['127.244.0.5'] }];
    expect(
      readyEndpoints(service('web'), { name: 'http', port: 80 }, [noCondition]),
      'an endpoint without conditions counts as ready',
    ).toEqual(['127.244.0.5:8080']);
  });

  test('a ClusterIP Service with two endpoints: golden/two-endpoints.rules', () => {
    const rules = proxyRules([service('web')], [slice('web', ['127.244.0.2', '127.244.0.3'])]);
    expect(restoreText(rules), 'restoreText for web with two endpoints').toBe(
      golden('two-endpoints.rules'),
    );
  });

  test('a NodePort Service with ClientIP affinity and three endpoints: golden/nodeport-affinity.rules', () => {
    const web = service('web', {
      type: 'NodePort',
      sessionAffinity: 'ClientIP',
      ports: [{ name: 'http', port: 80, nodePort: 30080 }],
    });
    const rules = proxyRules([web], [slice('web', ['127.244.0.2', '127.244.0.3', '127.244.1.2'])]);
    expect(restoreText(rules), 'restoreText for the NodePort Service web').toBe(
      golden('nodeport-affinity.rules'),
    );
  });

  test('a Service without ready endpoints is rejected: golden/no-endpoints.rules', () => {
    const web = service('web', {
      type: 'NodePort',
      ports: [{ name: 'http', port: 80, nodePort: 30080 }],
    });
    const rules = proxyRules([web], [slice('web', [], ['127.244.0.2'])]);
    expect(restoreText(rules), 'restoreText for web whose one endpoint is not ready').toBe(
      golden('no-endpoints.rules'),
    );
  });

  test('headless, ExternalName and UDP ports get no rules', () => {
    const services = [
      service('headless', { clusterIP: 'None' }),
      service('external', { type: 'ExternalName', externalName: 'example.com' }),
      service('dns', { ports: [{ name: 'http', port: 53, protocol: 'UDP' }] }),
    ];
    const slices = services.map((s) => slice(s.metadata.name!, ['127.244.0.2']));
    expect(
      proxyRules(services, slices),
      'the rules of three Services the proxy does not serve',
    ).toEqual(proxyRules([], []));
  });

  test('a sync deletes the chains of ours that are no longer wanted, and only those', () => {
    const saved = [
      '*nat',
      ':OUTPUT ACCEPT [0:0]',
      ':KUBE-SERVICES - [0:0]',
      ':KUBE-SVC-GONEGONEGONEGONE - [0:0]',
      ':DOCKER - [0:0]',
      'COMMIT',
      '*filter',
      ':KATA-NP-IN-OLDOLDOLDOLDOLDO - [0:0]',
      'COMMIT',
    ].join('\n');
    expect(savedChains(saved, 'nat'), 'the nat chains of the saved tables').toEqual([
      'OUTPUT',
      'KUBE-SERVICES',
      'KUBE-SVC-GONEGONEGONEGONE',
      'DOCKER',
    ]);
    const text = restoreText(proxyRules([], []), saved);
    expect(
      text.split('\n').filter((line) => line.startsWith('-X')),
      'the -X lines of a sync with no Services left',
    ).toEqual(['-X KATA-NP-IN-OLDOLDOLDOLDOLDO', '-X KUBE-SVC-GONEGONEGONEGONE']);
    expect(text, 'a chain of someone else (DOCKER) is never declared').not.toContain('DOCKER');
  });
});
