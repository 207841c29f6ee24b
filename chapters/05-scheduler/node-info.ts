// What the scheduler knows about one node: the node itself and the pods already placed on it,
// summed up as the scheduler needs them: CPU, memory and pod slots requested so far, and the host
// ports in use. Filters and scores read a NodeInfo; only the cache changes one.
import type { Node, Pod } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Filters';

/** Amounts the scheduler adds up: CPU in millicores, memory in bytes, pods as a count. */
export interface Resources {
  milliCpu: number;
  memory: number;
  pods: number;
}

/**
 * What a pod asks for: the sum of its containers' requests (milliCpu and quantityValue from
 * harness/api/quantity.ts read "250m" and "128Mi"); but init containers run one at a time before
 * them, so each resource is at least the largest init container's request.
 */
export function podRequests(pod: Pod): { milliCpu: number; memory: number } {
  throw new NotImplemented('podRequests', section);
}

/**
 * A pod that requests nothing still uses something. For scoring only, Kubernetes counts such a
 * pod as 100m of CPU and 200 MiB of memory, so that empty-handed pods still spread.
 */
export const DEFAULT_MILLI_CPU = 100;
export const DEFAULT_MEMORY = 200 * 1024 * 1024;

/** A pod's requests for scoring (podRequests), with a zero replaced by the defaults above. */
export function scoringRequests(pod: Pod): { milliCpu: number; memory: number } {
  throw new NotImplemented('scoringRequests', section);
}

/** What the node offers pods: its status.allocatable cpu, memory and pods (0 when missing). */
export function allocatableOf(node: Node): Resources {
  throw new NotImplemented('allocatableOf', section);
}

/** The host ports a pod's containers use, as "TCP/8080" (protocol TCP unless given). */
export function hostPortsOf(pod: Pod): string[] {
  throw new NotImplemented('hostPortsOf', section);
}

/**
 * One node and the pods counted on it, by "namespace/name". The sums are kept up to date as pods
 * come and go, and allocatable is read once per change of the node: filters and scores ask for
 * them for every node and every pod.
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

  /** The node changed: keep it, and read its allocatable again (allocatableOf). */
  setNode(node: Node): void {
    throw new NotImplemented('NodeInfo.setNode', section);
  }

  /**
   * Counts a pod here (a pod counted already is replaced): its requests and its scoring requests,
   * one pod, its host ports.
   */
  addPod(pod: Pod): void {
    throw new NotImplemented('NodeInfo.addPod', section);
  }

  /** Stops counting a pod (by its key): subtracts what it added and frees its ports. */
  removePod(pod: Pod): void {
    throw new NotImplemented('NodeInfo.removePod', section);
  }
}
