// What a cluster is started with: how many nodes, where its files go, whose code each component
// runs, the ports it listens on, and its network mode (../network.ts). `kata up` reads them from its
// flags (harness/kata/cluster/up.ts); the end-to-end tests and the cluster benchmark write them out.
import path from 'node:path';
import { componentChapters, componentKinds, type ComponentKind } from '../course.ts';
import { chapterSource, isLearnerSource, type Use } from '../components/implementation.ts';
import type { Paint } from '../kata/output.ts';
import type { NetworkChoice } from '../network.ts';
import { repoRoot } from '../paths.ts';

export type { ComponentKind } from '../course.ts';

export interface ClusterOptions {
  nodes: number;
  dataDir: string;
  fresh: boolean;
  /** Whose code each kind of component runs. */
  use: Record<ComponentKind, Use>;
  /** An etcd (or kata store) to use instead of starting the store. */
  etcdServers?: string;
  /** The store's port; 0 for any free one. */
  storePort: number;
  /**
   * Members of the store: more than one runs a replicated store (chapter 16b), member i on the
   * store port + 2i for clients and the port after it for peers.
   */
  storeReplicas?: number;
  /** The API server's port; 0 for any free one. */
  apiserverPort: number;
  /** The kubelets' API port, on each node's own IP; 0 for any free one. */
  kubeletPort: number;
  /** Node i is the (base + i)th node of the address plan: two clusters on one machine differ. */
  nodeIndexBase: number;
  serviceClusterIpRange?: string;
  nodeMonitorGracePeriod?: string;
  /**
   * How often the autoscaler looks at each HorizontalPodAutoscaler (the controller-manager's
   * --horizontal-pod-autoscaler-sync-period, 15 s) and how often metrics-server scrapes the
   * kubelets (its --metric-resolution, 15 s). Shorter in tests.
   */
  autoscalerSyncPeriod?: string;
  metricResolution?: string;
  /**
   * The cluster autoscaler's node group beyond the first nodes, "MIN:MAX" (its --nodes without the
   * group's name; no autoscaler without it), and how long a node stays unneeded before it goes
   * ("10m").
   */
  autoscaleNodes?: string;
  scaleDownUnneededTime?: string;
  /** loopback, single (everything on 127.0.0.1), or auto (single where loopback cannot bind). */
  network?: NetworkChoice;
  /**
   * Plain HTTP, everyone allowed (`kata up --insecure`), as before chapter 11; by default the API
   * server serves TLS with authentication, RBAC, the Node authorizer and admission on.
   */
  insecure?: boolean;
  /**
   * Whether each component records spans to <data dir>/traces (harness/trace/): `kata up` says
   * yes unless --no-tracing; off when unset (the tests, the benchmarks).
   */
  tracing?: boolean;
  /**
   * Components of these kinds are not started: the end-to-end suites leave out the add-ons they do
   * not exercise (the ingress controller, the cloud-controller-manager), as a small cluster would.
   */
  skip?: ComponentKind[];
  /**
   * The control plane (store, API server, controller-manager, scheduler) as static pods of the
   * first node's kubelet, as kubeadm runs it (`kata up --kubeadm`, ./kubeadm.ts).
   */
  kubeadm?: boolean;
  /** kube-proxy's mode on every node: userspace (chapter 09, the default) or iptables (09b). */
  proxyMode?: 'userspace' | 'iptables';
  /** Where component lines go (the terminal), besides their log files. */
  print?: (line: string) => void;
  /** Stops the cluster when it aborts, while it starts too. */
  signal?: AbortSignal;
  /** Colours for the banner and the component names before their lines; plain text without. */
  paint?: Paint;
}

/** Why a cluster could not start, in one line that says what to do. */
export class ClusterError extends Error {
  override name = 'ClusterError';
}

/** Where `kata up` keeps a cluster's store, nodes and logs unless told otherwise. */
export const defaultDataDir = path.join(repoRoot, '.kata', 'cluster');

/** The same choice of code for every kind of component. */
export function useEverywhere(use: Use): Record<ComponentKind, Use> {
  return Object.fromEntries(componentKinds.map((kind) => [kind, use])) as Record<
    ComponentKind,
    Use
  >;
}

/** The chapters a component runs (harness/course.ts), each marked when it is the learner's code. */
export function chaptersRun(kind: ComponentKind, use: Use): { id: string; yours: boolean }[] {
  return componentChapters[kind].map((id) => ({
    id,
    yours: isLearnerSource(chapterSource(id, use)),
  }));
}
