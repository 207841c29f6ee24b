// Chapter 06's module, as the harness uses it: `kata run kubelet` builds one kubelet over the
// process runtime; the kubelet benchmark and the cluster benchmark's hollow nodes build many over
// the fake one.
import type { ApiClient, Toolkit } from '../client/types.ts';
import type { ContainerRuntime } from '../runtime/cri.ts';
import type { StreamingServer } from './pod-streams.ts';

export interface KubeletOptions {
  nodeName: string;
  nodeIp: string;
  /** The range this node's pods take their IPs from. */
  podCidr: string;
  /** What the node has: cpu, memory and pods, as quantities. */
  capacity: { cpu: string; memory: string; pods: string };
  /** Where the kubelet's own API (logs) listens: 10250 in a cluster; absent, none is served. */
  port?: number;
  toolkit: Toolkit;
  client: ApiClient;
  runtime: ContainerRuntime;
  /** How often the runtime is listed for containers that changed (kubelet's PLEG). */
  relistMs?: number;
  /** exec, attach and port-forward on the kubelet API (chapter 10b's streaming server). */
  streaming?: StreamingServer;
}

export interface Kubelet {
  /** Registers the node and runs its pods until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}

/** kubelet.ts. */
export interface KubeletModule {
  createKubelet: (options: KubeletOptions) => Kubelet;
}
