// A whole reference cluster for the kubectl acceptance suites (`harness/e2e/kubectl-*.test.ts`):
// each suite starts its own on ephemeral ports, a temporary data directory and node addresses of
// its own, so suites run side by side and a learner's cluster on the default addresses is never
// disturbed. The suites check that what a real kubectl shows is true (issue #20): each file owns
// one topic and its own `nodeIndexBase`, listed here so no two collide.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClusterOptions } from '../cluster/options.ts';
import { startCluster, useEverywhere, type RunningCluster } from '../cluster/start.ts';
import { kubectlFor, type Kubectl } from '../testing/kubectl.ts';

/**
 * Node address blocks of the suites (the e2e cluster suite uses 200 on, the chaos suite 220 on, the
 * chaos benchmark 240 on).
 */
export const suiteNodeIndexBase = {
  drills: 124,
  exam: 134,
  writes: 150,
  schemas: 160,
  kubelet: 170,
  controllers: 180,
  startOrder: 190,
  podConfig: 250,
  dns: 114,
  /** 10b: exec, attach, cp, port-forward. */
  streams: 104,
  endpointSlices: 116,
  /** 13a: Jobs and CronJobs. */
  jobs: 80,
  /** 13b: DaemonSets (three nodes, a fourth started later) and StatefulSets. */
  workloads: 84,
  /** 13c: PersistentVolumes, claims, the local provisioner. */
  storage: 90,
  /** #25: TLS, authentication, RBAC, the Node authorizer, quota. */
  security: 140,
  /** 11c and 11d: a pod's token and admission webhooks (pod-tokens.test.ts, its own components). */
  podTokens: 144,
  /** 14: `kubectl autoscale` and a Deployment under load scaled out and back in. */
  autoscale: 96,
  /** #33: traces, history, /metrics (trace.test.ts). */
  trace: 50,
  /** 15b: Ingress through the ingress controller, by host and path, with TLS. */
  ingress: 30,
  /** 17: CustomResourceDefinitions and the WebApp operator. */
  operators: 40,
  /** 15a: load balancers and the cluster autoscaler (nodes 20-22, then 23-29 for the cloud's machines). */
  cloud: 20,
  /**
   * 18b: `kata token create` and `kata join` add node 237 through an approved CSR (the brief's
   * block 280 is past the 256 pod ranges; 236-237 are free).
   */
  join: 236,
  /** 18a: `kata up --kubeadm`, the control plane as static pods (one node). */
  kubeadm: 10,
  /** 18a: `kata up --kubeadm --store-replicas 3`, the store as kubeadm's external etcd. */
  kubeadmExternalStore: 226,
} as const;

/** The add-on components a suite's cluster leaves out unless it asks (`more.skip`). */
export const withoutAddons: ClusterOptions['skip'] = ['ingress', 'cloud-controller-manager'];

export interface KubectlCluster {
  cluster: RunningCluster;
  kubectl: Kubectl;
  dataDir: string;
  /** Stops the cluster and removes its folders. */
  stop(): Promise<void>;
}

/**
 * Starts a reference cluster of `nodes` nodes and a kubectl pointed at it; its Services get
 * ClusterIPs from `serviceClusterIpRange`, a range no other suite uses (docs/authoring.md lists
 * them). `more` sets other options (the cloud suite's autoscaler).
 */
export async function startKubectlCluster(
  nodes: number,
  nodeIndexBase: number,
  serviceClusterIpRange: string,
  /** More of the cluster's options (`tracing: true`). */
  more: Partial<ClusterOptions> = {},
): Promise<KubectlCluster> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kata-kubectl-cluster-'));
  const cluster = await startCluster({
    nodes,
    dataDir,
    fresh: true,
    use: useEverywhere('solutions'),
    storePort: 0,
    apiserverPort: 0,
    kubeletPort: 0,
    nodeIndexBase,
    serviceClusterIpRange,
    // Well above the kubelets' 10 s Lease renewal, so healthy nodes never flap.
    nodeMonitorGracePeriod: '20s',
    // The add-ons only their own suites exercise (chapters 15a and 15b) stay off: two processes
    // fewer per cluster. Those suites ask for them through `more`.
    skip: withoutAddons,
    print: () => {},
    ...more,
  });
  const kubectl = kubectlFor(cluster.apiserver, 60_000);
  return {
    cluster,
    kubectl,
    dataDir,
    stop: async () => {
      await cluster.stop();
      kubectl.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
