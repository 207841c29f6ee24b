// Chapter 09's kube-proxy, as the harness uses it: `kata run proxy` builds one per node; and
// chapter 09b's iptables mode and EndpointSlice controller.
import type { ApiClient, Toolkit } from '../client/types.ts';

export interface ProxyOptions {
  toolkit: Toolkit;
  client: ApiClient;
  nodeName: string;
  /** Where NodePort Services listen on this node; without it, NodePorts are not served. */
  nodeIp?: string;
}

export interface Proxy {
  /** Serves every Service's ports until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}

/** proxy.ts. */
export interface ProxyModule {
  createProxy: (options: ProxyOptions) => Proxy;
}

/** What one iptables command answered: its exit code (127: it could not start) and its output. */
export interface IptablesResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of iptables' programs with arguments and, for iptables-restore, its input: on the host,
 * or (tests) inside a network namespace of the test's own (harness/testing/netns.ts).
 */
export type Iptables = (
  program: 'iptables' | 'iptables-save' | 'iptables-restore',
  args: string[],
  input?: string,
) => Promise<IptablesResult>;

export interface IptablesProxyOptions {
  toolkit: Toolkit;
  client: ApiClient;
  nodeName: string;
  /** The programs to run; the host's by default. */
  iptables?: Iptables;
  /** A full sync at least this often, changes or not (--iptables-sync-period). 30 s. */
  syncPeriodMs?: number;
  /** Told each restore text once it is in place: tests and the benchmark watch the rules here. */
  onSync?: (text: string) => void;
}

/** 09b's iptables-proxy.ts. */
export interface IptablesProxyModule {
  createIptablesProxy: (options: IptablesProxyOptions) => Proxy;
  /** The host's iptables programs (after `prefix`, when given), or one backend's. */
  iptablesCommand: (prefix?: string[], backend?: 'legacy' | 'nft') => Iptables;
  /** Rejects with one line when the iptables mode cannot run: no programs, no CAP_NET_ADMIN. */
  checkIptables: (iptables: Iptables) => Promise<void>;
}

/** 09b's endpointslices.ts: the controller-manager's endpointslice controller. */
export interface EndpointSliceModule {
  createEndpointSliceController: (options: { toolkit: Toolkit; client: ApiClient }) => {
    run(signal: AbortSignal): Promise<void>;
  };
}
