// The rules as data: the names kube-proxy gives its chains, the probabilities that make the pick
// uniform, which endpoints count, then whole rule sets compared with golden files (the text
// iptables-restore is given, kept in golden/ beside this file), and the chains a sync deletes.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { EndpointSlice, Service, ServiceSpec } from '../../harness/api/types.ts';
import {
  base32,
  chainHash,
  comment,
  endpointChain,
  endpointRules,
  probability,
  proxyRules,
  readyEndpoints,
  restoreText,
  savedChains,
  serviceChain,
  servicePortName,
  servicePortRules,
  type ProxyRules,
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

  test('a comment is quoted only when it has a space, as iptables-save prints it', () => {
    expect(
      [comment('default/web:http'), comment('default/web:http cluster IP')],
      'comment() of a text without and with a space',
    ).toEqual([
      '-m comment --comment default/web:http',
      '-m comment --comment "default/web:http cluster IP"',
    ]);
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

  test('endpointRules: a KUBE-SEP chain per endpoint, and a statistic rule for each but the last', () => {
    const into: ProxyRules = { nat: { chains: [], rules: [] }, filter: { chains: [], rules: [] } };
    const endpoints = ['127.244.0.2:8080', '127.244.0.3:8080', '127.244.0.4:8080'];
    endpointRules(service('web'), { name: 'http', port: 80 }, endpoints, into);
    const svc = serviceChain('default/web:http');
    const seps = endpoints.map((endpoint) => endpointChain('default/web:http', endpoint));
    expect(into.nat.chains, 'the chains: one KUBE-SEP per endpoint').toEqual(seps);
    expect(
      into.nat.rules.filter((rule) => rule.startsWith(`-A ${svc} `)),
      'the rules of the KUBE-SVC chain',
    ).toEqual([
      `-A ${svc} -m comment --comment "default/web:http -> 127.244.0.2:8080" -m statistic --mode random --probability 0.3333333333 -j ${seps[0]}`,
      `-A ${svc} -m comment --comment "default/web:http -> 127.244.0.3:8080" -m statistic --mode random --probability 0.5000000000 -j ${seps[1]}`,
      `-A ${svc} -m comment --comment "default/web:http -> 127.244.0.4:8080" -j ${seps[2]}`,
    ]);
    expect(
      into.nat.rules.filter((rule) => rule.startsWith(`-A ${seps[2]} `)),
      'the rules of the last KUBE-SEP chain',
    ).toEqual([
      `-A ${seps[2]} -m comment --comment default/web:http -s 127.244.0.4 -j KUBE-MARK-MASQ`,
      `-A ${seps[2]} -m comment --comment default/web:http -m tcp -p tcp -j DNAT --to-destination 127.244.0.4:8080`,
    ]);
  });

  test('endpointRules with ClientIP affinity: recent checks first, and the DNAT remembers the client', () => {
    const into: ProxyRules = { nat: { chains: [], rules: [] }, filter: { chains: [], rules: [] } };
    const web = service('web', { sessionAffinity: 'ClientIP' });
    endpointRules(web, { name: 'http', port: 80 }, ['127.244.0.2:8080', '127.244.0.3:8080'], into);
    const svc = serviceChain('default/web:http');
    const [first, second] = ['127.244.0.2:8080', '127.244.0.3:8080'].map((e) =>
      endpointChain('default/web:http', e),
    );
    const svcRules = into.nat.rules.filter((rule) => rule.startsWith(`-A ${svc} `));
    expect(svcRules.slice(0, 2), 'the first two rules of KUBE-SVC').toEqual([
      `-A ${svc} -m comment --comment "default/web:http -> 127.244.0.2:8080" -m recent --name ${first} --rcheck --seconds 10800 --reap -j ${first}`,
      `-A ${svc} -m comment --comment "default/web:http -> 127.244.0.3:8080" -m recent --name ${second} --rcheck --seconds 10800 --reap -j ${second}`,
    ]);
    expect(into.nat.rules, 'the DNAT of the second endpoint').toContain(
      `-A ${second} -m comment --comment default/web:http -m tcp -p tcp -m recent --name ${second} --set -j DNAT --to-destination 127.244.0.3:8080`,
    );
  });

  test('one port with one endpoint: KUBE-SERVICES jumps to its KUBE-SVC chain, which goes to a KUBE-SEP that DNATs', () => {
    const into: ProxyRules = { nat: { chains: [], rules: [] }, filter: { chains: [], rules: [] } };
    servicePortRules(service('web'), { name: 'http', port: 80 }, ['127.244.0.2:8080'], into);
    const svc = serviceChain('default/web:http');
    const sep = endpointChain('default/web:http', '127.244.0.2:8080');
    expect(into.nat.chains, 'the nat chains of web:http with one endpoint').toEqual([svc, sep]);
    expect(into.nat.rules, 'the nat rules of web:http with one endpoint').toEqual([
      `-A KUBE-SERVICES -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 127.96.0.10 --dport 80 -j ${svc}`,
      `-A ${svc} -m comment --comment "default/web:http -> 127.244.0.2:8080" -j ${sep}`,
      `-A ${sep} -m comment --comment default/web:http -s 127.244.0.2 -j KUBE-MARK-MASQ`,
      `-A ${sep} -m comment --comment default/web:http -m tcp -p tcp -j DNAT --to-destination 127.244.0.2:8080`,
    ]);
    expect(into.filter, 'the filter table: nothing for a port with endpoints').toEqual({
      chains: [],
      rules: [],
    });
  });

  test('one port without endpoints: a REJECT in the filter table, and nothing in nat', () => {
    const into: ProxyRules = { nat: { chains: [], rules: [] }, filter: { chains: [], rules: [] } };
    servicePortRules(service('web'), { name: 'http', port: 80 }, [], into);
    expect(into.filter.rules, 'the filter rules of web:http without endpoints').toEqual([
      '-A KUBE-SERVICES -m comment --comment "default/web:http has no endpoints" -m tcp -p tcp -d 127.96.0.10 --dport 80 -j REJECT',
    ]);
    expect(into.nat, 'the nat table').toEqual({ chains: [], rules: [] });
  });

  test('a NodePort port: a KUBE-EXT chain from KUBE-NODEPORTS marks for masquerade, then goes to KUBE-SVC', () => {
    const into: ProxyRules = { nat: { chains: [], rules: [] }, filter: { chains: [], rules: [] } };
    const web = service('web', { type: 'NodePort' });
    servicePortRules(web, { name: 'http', port: 80, nodePort: 30080 }, ['127.244.0.2:8080'], into);
    const svc = serviceChain('default/web:http');
    const ext = svc.replace('KUBE-SVC-', 'KUBE-EXT-');
    const sep = endpointChain('default/web:http', '127.244.0.2:8080');
    expect(into.nat.chains, 'the nat chains').toEqual([svc, ext, sep]);
    expect(into.nat.rules.slice(1, 4), 'the rules after the ClusterIP jump').toEqual([
      `-A KUBE-NODEPORTS -m comment --comment default/web:http -m tcp -p tcp --dport 30080 -j ${ext}`,
      `-A ${ext} -m comment --comment "masquerade traffic for default/web:http external destinations" -j KUBE-MARK-MASQ`,
      `-A ${ext} -j ${svc}`,
    ]);
  });

  test('restoreText: per table, filter then nat, the chains declared, the rules, then COMMIT', () => {
    const rules: ProxyRules = {
      nat: { chains: ['KUBE-A'], rules: ['-A KUBE-A -j RETURN'] },
      filter: { chains: ['KUBE-B', 'KUBE-C'], rules: [] },
    };
    expect(restoreText(rules), 'restoreText of two small tables').toBe(
      [
        '*filter',
        ':KUBE-B - [0:0]',
        ':KUBE-C - [0:0]',
        'COMMIT',
        '*nat',
        ':KUBE-A - [0:0]',
        '-A KUBE-A -j RETURN',
        'COMMIT',
        '',
      ].join('\n'),
    );
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
    const wanted: ProxyRules = {
      nat: { chains: ['KUBE-SERVICES'], rules: [] },
      filter: { chains: [], rules: [] },
    };
    const text = restoreText(wanted, saved);
    expect(
      text.split('\n').filter((line) => line.startsWith('-X')),
      'the -X lines of a sync with no Services left',
    ).toEqual(['-X KATA-NP-IN-OLDOLDOLDOLDOLDO', '-X KUBE-SVC-GONEGONEGONEGONE']);
    expect(text, 'a chain of someone else (DOCKER) is never declared').not.toContain('DOCKER');
    expect(
      savedChains(text, 'nat'),
      'the nat chains the text itself leaves (read back as a saved text)',
    ).toEqual(['KUBE-SERVICES']);
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
});
