// Chapter 12's modules, as the harness uses them: `kata run dns` builds the cluster DNS server
// (server.ts), and `kata run kubelet` asks pod-dns.ts for each pod's resolver configuration.
import type { Pod } from '../api/types.ts';
import type { ApiClient, Toolkit } from '../client/types.ts';
import type { DnsConfig } from '../runtime/cri.ts';

export interface DnsServerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** The IP it listens on, UDP and TCP: the kube-dns Service's ClusterIP. */
  address: string;
  /** 53 when privileged; 0 for any free port. */
  port: number;
  /** The cluster domain: cluster.local. */
  zone?: string;
  /** "ip:port" of a resolver for names outside the cluster; without one they are REFUSED. */
  upstream?: string;
}

export interface DnsServer {
  /** Syncs its informers, then listens; resolves with the port it listens on. */
  start(): Promise<number>;
  close(): Promise<void>;
}

/** server.ts. */
export interface DnsServerModule {
  createDnsServer: (options: DnsServerOptions) => DnsServer;
}

/** What the kubelet knows about DNS: its --cluster-dns and --cluster-domain, and the node's resolv.conf. */
export interface ClusterDnsSettings {
  clusterDns: string[];
  clusterDomain: string;
  host: DnsConfig;
}

/** pod-dns.ts. */
export interface PodDnsModule {
  podDnsConfig: (pod: Pod, settings: ClusterDnsSettings) => DnsConfig;
}
