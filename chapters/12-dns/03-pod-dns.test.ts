// The kubelet's half: the resolver configuration of each pod's sandbox, from its dnsPolicy and
// dnsConfig. Pure functions over pod objects.
import { describe, expect, test } from 'vitest';
import type { Pod, PodSpec } from '../../harness/api/types.ts';
import {
  clusterSearches,
  effectivePolicy,
  maxNameservers,
  mergeDnsConfig,
  podDnsConfig,
  type ClusterDnsSettings,
} from './pod-dns.ts';

/** Pod `client` in namespace `shop` with the given spec fields. */
function pod(spec: Partial<PodSpec> = {}): Pod {
  return {
    metadata: { name: 'client', namespace: 'shop' },
    spec: { containers: [{ name: 'curl', image: 'kata/curl' }], ...spec },
  };
}

/** A kubelet with --cluster-dns 127.96.0.10 on a node whose resolver is 192.0.2.53, search lab.example. */
const settings: ClusterDnsSettings = {
  clusterDns: ['127.96.0.10'],
  clusterDomain: 'cluster.local',
  host: { servers: ['192.0.2.53'], searches: ['lab.example'], options: ['timeout:2'] },
};

describe('Pod DNS', () => {
  test('the search domains of a namespace: <ns>.svc, svc, then the cluster domain', () => {
    expect(
      clusterSearches('shop', 'cluster.local'),
      'the search domains of namespace shop',
    ).toEqual(['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local']);
  });

  test('ClusterFirst by default; on the host network it is Default, unless ClusterFirstWithHostNet', () => {
    const cases: Array<[Partial<PodSpec>, string[], string]> = [
      [{}, ['127.96.0.10'], 'ClusterFirst'],
      [{ dnsPolicy: 'Default' }, ['127.96.0.10'], 'Default'],
      [{ dnsPolicy: 'None' }, ['127.96.0.10'], 'None'],
      [{ hostNetwork: true }, ['127.96.0.10'], 'Default'],
      [
        { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' },
        ['127.96.0.10'],
        'ClusterFirst',
      ],
      [{}, [], 'Default'],
    ];
    for (const [spec, clusterDns, policy] of cases)
      expect(
        effectivePolicy(pod(spec), clusterDns),
        `a pod with ${JSON.stringify(spec)}, cluster DNS ${JSON.stringify(clusterDns)}`,
      ).toBe(policy);
  });

  test("a pod's dnsConfig is appended, each entry once; its options replace those of the same name", () => {
    const merged = mergeDnsConfig(
      {
        servers: ['127.96.0.10'],
        searches: ['shop.svc.cluster.local'],
        options: ['ndots:5', 'edns0'],
      },
      {
        nameservers: ['127.96.0.10', '192.0.2.1'],
        searches: ['corp.example'],
        options: [{ name: 'ndots', value: '2' }, { name: 'single-request' }],
      },
    );
    expect(merged, 'ClusterFirst settings merged with a dnsConfig').toEqual({
      servers: ['127.96.0.10', '192.0.2.1'],
      searches: ['shop.svc.cluster.local', 'corp.example'],
      options: ['ndots:2', 'edns0', 'single-request'],
    });
    const many = mergeDnsConfig(
      { servers: ['a', 'b'], searches: [], options: [] },
      { nameservers: ['c', 'd'] },
    );
    expect(many.servers.length, 'four name servers: a resolv.conf keeps three').toBe(
      maxNameservers,
    );
  });

  test("ClusterFirst: the cluster DNS, the cluster search domains then the node's, and ndots:5", () => {
    expect(podDnsConfig(pod(), settings), 'pod client in namespace shop, dnsPolicy unset').toEqual({
      servers: ['127.96.0.10'],
      searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'lab.example'],
      options: ['ndots:5'],
    });
  });

  test("Default is the node's resolver; None is the pod's dnsConfig alone", () => {
    expect(podDnsConfig(pod({ dnsPolicy: 'Default' }), settings), 'dnsPolicy Default').toEqual(
      settings.host,
    );
    const none = pod({
      dnsPolicy: 'None',
      dnsConfig: {
        nameservers: ['192.0.2.1'],
        searches: ['corp.example'],
        options: [{ name: 'ndots', value: '1' }],
      },
    });
    expect(podDnsConfig(none, settings), 'dnsPolicy None with a dnsConfig').toEqual({
      servers: ['192.0.2.1'],
      searches: ['corp.example'],
      options: ['ndots:1'],
    });
  });
});
