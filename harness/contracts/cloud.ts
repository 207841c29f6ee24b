// The cloud, as Kubernetes sees one: the interface a cloud provider implements for the
// cloud-controller-manager (kube's k8s.io/cloud-provider: InstancesV2 and LoadBalancer) and for the
// cluster autoscaler (its cloudprovider.NodeGroup). The kata cloud (harness/cloud/) implements it
// over kata nodes and TCP load balancers on loopback addresses; chapter 15a's controllers call it
// and its tests hand them a fake. Chapter 15a's modules, as the harness uses them, follow.
import type { TimerClock } from '../clock.ts';
import type {
  KubeObject,
  Node,
  NodeAddress,
  PodDisruptionBudget,
  PodDisruptionBudgetStatus,
  Service,
} from '../api/types.ts';
import type { ControllerOptions, ReconcileLoop, RunningController } from './controllers.ts';

/** What the cloud knows of the machine under a node (kube's InstanceMetadata). */
export interface InstanceMetadata {
  /** "kata://node-4": set as the Node's spec.providerID. */
  providerID: string;
  /** "kata.small": the node.kubernetes.io/instance-type label. */
  instanceType: string;
  /** InternalIP (and Hostname) addresses of the machine. */
  nodeAddresses: NodeAddress[];
  /** topology.kubernetes.io/zone and /region. */
  zone: string;
  region: string;
}

/** Machines, looked up by the Node that runs on them (kube's InstancesV2). */
export interface Instances {
  /** Whether the machine under `node` still exists; a deleted machine's Node is deleted. */
  instanceExists(node: Node): Promise<boolean>;
  /** The machine's metadata; throws when the cloud does not know the node. */
  instanceMetadata(node: Node): Promise<InstanceMetadata>;
}

/** Load balancers for Services of type LoadBalancer (kube's LoadBalancer interface). */
export interface LoadBalancers {
  /**
   * Creates or updates the load balancer of `service`, spreading each of its ports over `nodes`
   * at that port's nodePort. Returns the addresses to write in status.loadBalancer.ingress.
   */
  ensureLoadBalancer(service: Service, nodes: Node[]): Promise<{ ip: string }[]>;
  /** Deletes the load balancer of `service`, if there is one, and frees its address. */
  ensureLoadBalancerDeleted(service: Service): Promise<void>;
}

/** A group of alike machines the autoscaler may grow and shrink (cluster-autoscaler's NodeGroup). */
export interface NodeGroup {
  id: string;
  minSize: number;
  maxSize: number;
  /** How many machines the group has, or is starting. */
  targetSize(): Promise<number>;
  /** Starts `delta` more machines. */
  increaseSize(delta: number): Promise<void>;
  /** Deletes the machines under these nodes. */
  deleteNodes(nodes: Node[]): Promise<void>;
  /** Whether `node` runs on a machine of this group. */
  owns(node: Node): boolean;
  /** What a new machine of this group offers: its allocatable cpu and memory, as a Node says them. */
  template(): Node;
}

export interface Cloud {
  /** "kata": the scheme of the providerIDs. */
  providerName: string;
  instances: Instances;
  loadBalancers: LoadBalancers;
  nodeGroups(): NodeGroup[];
}

// ---------------------------------------------------------------------------------------------
// Chapter 15a's modules
// ---------------------------------------------------------------------------------------------

/** address-pool.ts: external addresses for load balancers. */
export interface AddressPoolLike {
  allocate(owner: string): string;
  release(owner: string): void;
  addressOf(owner: string): string | undefined;
}

export interface AddressPoolModule {
  AddressPool: new (cidr: string) => AddressPoolLike;
}

/** One backend of a load balancer: a node's address and the Service's nodePort there. */
export interface Backend {
  host: string;
  port: number;
  /**
   * With externalTrafficPolicy Local: the Service's healthCheckNodePort on this node, where
   * kube-proxy answers GET /healthz with 200 while the node has a pod of the Service, 503 when not.
   */
  healthCheckPort?: number;
}

export interface TcpLoadBalancerOptions {
  /** The address and port it listens on. */
  host: string;
  port: number;
  backends: Backend[];
  /** How often each backend is health-checked (a TCP connect). 5 s. */
  healthCheckIntervalMs?: number;
}

export interface TcpLoadBalancerLike {
  start(): Promise<void>;
  port(): number;
  setBackends(backends: Backend[]): void;
  healthyBackends(): Backend[];
  checkHealth(): Promise<void>;
  close(): Promise<void>;
}

/** load-balancer.ts. */
export interface LoadBalancerModule {
  TcpLoadBalancer: new (options: TcpLoadBalancerOptions) => TcpLoadBalancerLike;
}

export interface CloudControllerOptions extends ControllerOptions {
  cloud: Cloud;
  clock?: TimerClock;
}

/** service-controller.ts. */
export interface ServiceControllerModule {
  createServiceController: (options: CloudControllerOptions) => RunningController;
}

export interface NodeLifecycleCloudOptions extends CloudControllerOptions {
  /** --node-monitor-period: how often NotReady nodes are checked against the cloud. 5 s. */
  monitorPeriodMs?: number;
}

/** node-controller.ts. */
export interface CloudNodeModule {
  createCloudNodeController: (options: CloudControllerOptions) => RunningController;
  createCloudNodeLifecycleController: (options: NodeLifecycleCloudOptions) => RunningController;
}

export interface ClusterAutoscalerOptions extends CloudControllerOptions {
  /** --scan-interval: 10 s. */
  scanIntervalMs?: number;
  /** --scale-down-unneeded-time: how long a node must stay under the threshold. 10 min. */
  scaleDownUnneededMs?: number;
  /** --scale-down-utilization-threshold: 0.5. */
  utilizationThreshold?: number;
}

export interface ClusterAutoscalerLike extends RunningController {
  runOnce(): Promise<void>;
}

/** cluster-autoscaler.ts. */
export interface ClusterAutoscalerModule {
  createClusterAutoscaler: (options: ClusterAutoscalerOptions) => ClusterAutoscalerLike;
}

/**
 * A budget's status worked out from the pods of its namespace at `now` (chapter 03b's
 * budgetStatus, which the eviction subresource uses too).
 */
export type BudgetStatusFunction = (
  budget: PodDisruptionBudget,
  pods: KubeObject[],
  now: number,
) => PodDisruptionBudgetStatus;

export interface DisruptionControllerOptions extends ControllerOptions {
  budgetStatus: BudgetStatusFunction;
  clock?: TimerClock;
}

/** disruption.ts: kube-controller-manager's disruption controller (PodDisruptionBudget status). */
export interface DisruptionModule {
  createDisruptionController: (options: DisruptionControllerOptions) => ReconcileLoop;
}
