// Chapter 09's kube-proxy, as the harness uses it: `kata run proxy` builds one per node.
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
