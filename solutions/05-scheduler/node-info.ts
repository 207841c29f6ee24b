// What the scheduler knows about one node: the node itself and the pods already placed on it,
// summed up as the scheduler needs them: CPU, memory and pod slots requested so far, and the host
// ports in use. Filters and scores read a NodeInfo; only the cache changes one.
import type { Node, Pod } from '../../harness/api/types.ts';
import { milliCpu, quantityValue } from '../../harness/api/quantity.ts';

/** Amounts the scheduler adds up: CPU in millicores, memory in bytes, pods as a count. */
export interface Resources {
  milliCpu: number;
  memory: number;
  pods: number;
}

/**
 * What a pod asks for: the sum of its containers' requests; but init containers run one at a
 * time before them, so each resource is at least the largest init container's request.
 */
export function podRequests(pod: Pod): { milliCpu: number; memory: number } {
  // Asked for each node the pod is tried on; a pod object never changes, so work it out once.
  const known = requestsOf.get(pod);
  if (known) return known;
  let cpu = 0;
  let memory = 0;
  for (const container of pod.spec.containers) {
    cpu += milliCpu(container.resources?.requests?.cpu);
    memory += quantityValue(container.resources?.requests?.memory);
  }
  for (const container of pod.spec.initContainers ?? []) {
    cpu = Math.max(cpu, milliCpu(container.resources?.requests?.cpu));
    memory = Math.max(memory, quantityValue(container.resources?.requests?.memory));
  }
  const requests = { milliCpu: cpu, memory };
  requestsOf.set(pod, requests);
  return requests;
}

const requestsOf = new WeakMap<Pod, { milliCpu: number; memory: number }>();

/**
 * A pod that requests nothing still uses something. For scoring only, Kubernetes counts such a
 * pod as 100m of CPU and 200 MiB of memory, so that empty-handed pods still spread.
 */
export const DEFAULT_MILLI_CPU = 100;
export const DEFAULT_MEMORY = 200 * 1024 * 1024;

/** A pod's requests for scoring: zero becomes the defaults above. */
export function scoringRequests(pod: Pod): { milliCpu: number; memory: number } {
  const requests = podRequests(pod);
  return {
    milliCpu: requests.milliCpu || DEFAULT_MILLI_CPU,
    memory: requests.memory || DEFAULT_MEMORY,
  };
}

/** What the node offers pods: its status.allocatable (capacity minus what the system keeps). */
export function allocatableOf(node: Node): Resources {
  const allocatable = node.status?.allocatable ?? {};
  return {
    milliCpu: milliCpu(allocatable.cpu),
    memory: quantityValue(allocatable.memory),
    pods: quantityValue(allocatable.pods),
  };
}

/** The host ports a pod uses, as "TCP/8080". */
export function hostPortsOf(pod: Pod): string[] {
  return pod.spec.containers.flatMap((container) =>
    (container.ports ?? [])
      .filter((port) => port.hostPort)
      .map((port) => `${port.protocol ?? 'TCP'}/${port.hostPort}`),
  );
}

const podKey = (pod: Pod) => `${pod.metadata.namespace}/${pod.metadata.name}`;

/**
 * One node and the pods counted on it. The sums are kept up to date as pods come and go, and
 * the node's allocatable is read once per change of the node, because filters and scores ask for
 * them for every node and every pod: thousands of times a second in a big cluster.
 */
export class NodeInfo {
  node: Node;
  allocatable: Resources;
  readonly pods = new Map<string, Pod>();
  readonly requested: Resources = { milliCpu: 0, memory: 0, pods: 0 };
  /** The requests as scores count them (scoringRequests). */
  readonly nonZeroRequested = { milliCpu: 0, memory: 0 };
  readonly usedPorts = new Set<string>();

  constructor(node: Node) {
    this.node = node;
    this.allocatable = allocatableOf(node);
  }

  get name(): string {
    return this.node.metadata.name!;
  }

  /** The node changed (its status, labels, taints): read what it offers again. */
  setNode(node: Node): void {
    this.node = node;
    this.allocatable = allocatableOf(node);
  }

  addPod(pod: Pod): void {
    const key = podKey(pod);
    if (this.pods.has(key)) this.removePod(pod);
    this.pods.set(key, pod);
    this.count(pod, 1);
    for (const port of hostPortsOf(pod)) this.usedPorts.add(port);
  }

  removePod(pod: Pod): void {
    const key = podKey(pod);
    const known = this.pods.get(key);
    if (!known) return;
    this.pods.delete(key);
    this.count(known, -1);
    this.usedPorts.clear();
    for (const other of this.pods.values()) {
      for (const port of hostPortsOf(other)) this.usedPorts.add(port);
    }
  }

  /** Adds (sign 1) or takes away (sign -1) a pod's requests. */
  private count(pod: Pod, sign: 1 | -1): void {
    const requests = podRequests(pod);
    const scoring = scoringRequests(pod);
    this.requested.milliCpu += sign * requests.milliCpu;
    this.requested.memory += sign * requests.memory;
    this.requested.pods += sign;
    this.nonZeroRequested.milliCpu += sign * scoring.milliCpu;
    this.nonZeroRequested.memory += sign * scoring.memory;
  }
}
