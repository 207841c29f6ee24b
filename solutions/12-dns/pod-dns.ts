// A pod's resolver configuration: the kubelet's half of cluster DNS.
//
// The DNS server answers; something must also tell each pod to ask it. The kubelet does, when it
// makes the pod's sandbox: it computes a resolver configuration (the CRI's DNSConfig: name servers,
// search domains, options) and the runtime writes it into the sandbox as /etc/resolv.conf:
//
//   nameserver 10.96.0.10
//   search default.svc.cluster.local svc.cluster.local cluster.local
//   options ndots:5
//
// What goes in depends on the pod's dnsPolicy:
//
// - ClusterFirst (the default): the cluster DNS (kubelet's --cluster-dns), the three cluster search
//   domains of the pod's namespace, then the node's own search domains; ndots:5. A pod on the
//   host's network (hostNetwork: true) gets Default instead, unless it says ClusterFirstWithHostNet.
// - Default: the node's resolver configuration, as it is (the name misleads: it is not the default).
// - None: nothing; everything comes from the pod's dnsConfig.
//
// The pod's dnsConfig is then merged in: its nameservers and searches appended (each once), its
// options replacing options of the same name. The kubelet keeps at most 3 name servers and 32
// search domains, as glibc's resolver reads no more.
import type { Pod, PodDnsConfig } from '../../harness/api/types.ts';
import type { DnsConfig } from '../../harness/runtime/cri.ts';

/** What the kubelet knows about DNS: its flags and the node's own resolver configuration. */
export interface ClusterDnsSettings {
  /** The cluster DNS servers (kubelet's --cluster-dns): ["127.96.0.10"], or with a port. */
  clusterDns: string[];
  /** The cluster domain (kubelet's --cluster-domain): cluster.local. */
  clusterDomain: string;
  /** The node's resolver configuration (its /etc/resolv.conf): what dnsPolicy Default gives. */
  host: DnsConfig;
}

/** How many name servers and search domains a resolv.conf may usefully hold. */
export const maxNameservers = 3;
export const maxSearchDomains = 32;

/** The search domains of a pod in `namespace`: <ns>.svc.<domain>, svc.<domain>, <domain>. */
export function clusterSearches(namespace: string, domain: string): string[] {
  return [`${namespace}.svc.${domain}`, `svc.${domain}`, domain];
}

/**
 * The policy that applies: the pod's dnsPolicy (ClusterFirst when unset); ClusterFirst on the
 * host's network is Default; ClusterFirstWithHostNet is ClusterFirst. ClusterFirst without a
 * cluster DNS to point at falls back to Default, as the kubelet does.
 */
export function effectivePolicy(
  pod: Pod,
  clusterDns: string[],
): 'ClusterFirst' | 'Default' | 'None' {
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'None' || policy === 'Default') return policy;
  if (policy === 'ClusterFirst' && pod.spec.hostNetwork) return 'Default';
  return clusterDns.length > 0 ? 'ClusterFirst' : 'Default';
}

/** "ndots:5" for { name: 'ndots', value: '5' }, "edns0" for { name: 'edns0' }. */
function formatOption(option: { name: string; value?: string }): string {
  return option.value === undefined ? option.name : `${option.name}:${option.value}`;
}

/**
 * `base` with the pod's dnsConfig merged in: nameservers and searches appended, each kept once;
 * options replacing the base's options of the same name (the part before ":"). Then cut to
 * maxNameservers and maxSearchDomains.
 */
export function mergeDnsConfig(base: DnsConfig, pod: PodDnsConfig | undefined): DnsConfig {
  const servers = [...new Set([...base.servers, ...(pod?.nameservers ?? [])])];
  const searches = [...new Set([...base.searches, ...(pod?.searches ?? [])])];
  const options = new Map(base.options.map((option) => [option.split(':')[0]!, option]));
  for (const option of pod?.options ?? []) options.set(option.name, formatOption(option));
  return {
    servers: servers.slice(0, maxNameservers),
    searches: searches.slice(0, maxSearchDomains),
    options: [...options.values()],
  };
}

/** The resolver configuration of a pod's sandbox, by its dnsPolicy and dnsConfig. */
export function podDnsConfig(pod: Pod, settings: ClusterDnsSettings): DnsConfig {
  const policy = effectivePolicy(pod, settings.clusterDns);
  let base: DnsConfig;
  if (policy === 'None') base = { servers: [], searches: [], options: [] };
  else if (policy === 'Default') base = settings.host;
  else
    base = {
      servers: settings.clusterDns,
      searches: [
        ...clusterSearches(pod.metadata.namespace ?? 'default', settings.clusterDomain),
        ...settings.host.searches,
      ],
      options: ['ndots:5'],
    };
  return mergeDnsConfig(base, pod.spec.dnsConfig);
}
