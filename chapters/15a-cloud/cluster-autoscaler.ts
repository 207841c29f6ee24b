// The cluster autoscaler, in small. The horizontal autoscaler (chapter 14) adds pods; when the
// nodes are full, the scheduler leaves the new ones Pending with PodScheduled=False, reason
// Unschedulable. The cluster autoscaler watches for exactly that: it works out how many machines
// of a node group would hold the pending pods and asks the cloud for them, within the group's
// maximum. The other way round, a node whose pods request less than half of what it offers, and
// whose pods would fit on the other nodes, is unneeded; once it has been unneeded for a while
// (--scale-down-unneeded-time, 10 minutes), it is tainted, drained and its machine deleted, never
// below the group's minimum. The drain evicts, as `kubectl drain` does: a pod whose
// PodDisruptionBudget allows no disruption now is refused (429), and the node stays, its taint
// taken off again. Every --scan-interval (10 s) one pass looks at the whole cluster.
import type { Node, Pod } from '../../harness/api/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import type { ClusterAutoscalerOptions, NodeGroup } from '../../harness/contracts/cloud.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

export type { ClusterAutoscalerOptions, NodeGroup };

const sizing = '§ What pods ask and nodes offer';
const passes = '§ The cluster autoscaler';

/** The taint on a node being scaled down: the scheduler keeps new pods off it. */
export const toBeDeletedTaint = 'ToBeDeletedByClusterAutoscaler';

/** What a pod asks for, or a node offers: millicores and bytes. */
export interface Resources {
  cpu: number;
  memory: number;
}

/**
 * Whether the scheduler found no node for `pod`: no nodeName, not being deleted, and its
 * PodScheduled condition False with reason Unschedulable.
 */
export function isUnschedulable(pod: Pod): boolean {
  throw new NotImplemented('isUnschedulable', sizing);
}

/** The pod's cpu (milliCpu) and memory (quantityValue) requests, its containers' added up. */
export function podRequests(pod: Pod): Resources {
  throw new NotImplemented('podRequests', sizing);
}

/** What the node offers to pods: status.allocatable's cpu and memory (0 when missing). */
export function nodeAllocatable(node: Node): Resources {
  throw new NotImplemented('nodeAllocatable', sizing);
}

/**
 * First fit: each request, in order, goes into the first bin (of `bins`, then of those opened)
 * with room for both its cpu and memory; with none, a new bin of `capacity` is opened if the
 * request fits an empty one (and if there is a capacity); otherwise the request is left out.
 * Returns every bin's free space after (the given ones first; `bins` is left as it was) and how
 * many requests were placed.
 */
export function firstFit(
  requests: Resources[],
  bins: Resources[],
  capacity?: Resources,
): { free: Resources[]; placed: number } {
  throw new NotImplemented('firstFit', sizing);
}

/** How many new nodes like `template` (its allocatable) hold the pending pods, packed first fit. */
export function nodesNeeded(pending: Pod[], template: Node): number {
  throw new NotImplemented('nodesNeeded', sizing);
}

/** The larger of the cpu and memory shares the pods request of the node's allocatable (0 of 0 is 0). */
export function utilization(node: Node, pods: Pod[]): number {
  throw new NotImplemented('utilization', sizing);
}

/** Pods that must move for the node to go: all but those a DaemonSet owns, and those Succeeded or Failed. */
export function podsToMove(pods: Pod[]): Pod[] {
  throw new NotImplemented('podsToMove', sizing);
}

/**
 * Why the pods of a node cannot go elsewhere, or undefined when they can: "pod <ns>/<name> is not
 * replicated" for the first one without a controller ownerReference; else "no place for its pods
 * on the other nodes" unless every pod fits, first fit, into what the other nodes have free
 * (allocatable less their pods' requests).
 */
export function blockedScaleDown(
  moving: Pod[],
  others: { node: Node; pods: Pod[] }[],
): string | undefined {
  throw new NotImplemented('blockedScaleDown', sizing);
}

export class ClusterAutoscaler {
  private readonly options: ClusterAutoscalerOptions;
  private readonly clock: TimerClock;
  /** Node name → when it was first seen unneeded, in this run of unneededness. */
  readonly unneededSince = new Map<string, number>();

  constructor(options: ClusterAutoscalerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /** Until `signal` aborts: runOnce (a failed pass is tried again next time), then scanIntervalMs (10 s) on the clock. */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('ClusterAutoscaler.run', passes);
  }

  /**
   * One pass over the nodes and pods (listed from the API server): with unschedulable pods, forget
   * every unneeded node and scaleUp; with none, scaleDown.
   */
  async runOnce(): Promise<void> {
    throw new NotImplemented('ClusterAutoscaler.runOnce', passes);
  }

  /**
   * For the first node group, in cloud.nodeGroups()'s order, that has room: the nodes the pending
   * pods need (nodesNeeded on its template) less those it is already starting (its targetSize less
   * the nodes it owns), capped at maxSize - targetSize. Nothing is needed: 0, and no other group is
   * tried; a full group: the next. Grows it with increaseSize and records a Normal Event
   * TriggeredScaleUp "pod triggered scale-up: [{<group> <size>-><new size> (max: <max>)}]" on each
   * pending pod, from "cluster-autoscaler". Returns how many machines it asked for.
   */
  async scaleUp(pending: Pod[], nodes: Node[]): Promise<number> {
    throw new NotImplemented('ClusterAutoscaler.scaleUp', passes);
  }

  /**
   * A node of a group is unneeded when the utilization of its podsToMove is under the threshold
   * (0.5) and blockedScaleDown says nothing against moving them to the other schedulable nodes;
   * unneededSince keeps when each was first seen so (a node no longer unneeded is forgotten). The
   * first one unneeded for scaleDownUnneededMs (10 min) whose group is above its minSize is
   * drained and its machine deleted (the group's deleteNodes). Returns its name. When the drain
   * reports a refusal, the node keeps its machine: untaint it, record a Warning Event
   * ScaleDownFailed "failed to drain the node, aborting ScaleDown: <refusal>" on the Node, and
   * return undefined.
   */
  async scaleDown(nodes: Node[], pods: Pod[]): Promise<string | undefined> {
    throw new NotImplemented('ClusterAutoscaler.scaleDown', passes);
  }

  /**
   * Adds the NoSchedule taint ToBeDeletedByClusterAutoscaler (its value: the clock's seconds) to
   * the node, once, then evicts each pod of `moving` (evictPod, harness/client/eviction.ts) for
   * its controller to place elsewhere. A pod already gone (404) is fine; a 429 (its budget
   * forbids it) stops the drain and is returned as "pod <namespace>/<name>: <message>".
   */
  async drain(node: Node, moving: Pod[]): Promise<string | undefined> {
    throw new NotImplemented('ClusterAutoscaler.drain', passes);
  }

  /** Takes the ToBeDeletedByClusterAutoscaler taint off the node again (if it has it). */
  async untaint(name: string): Promise<void> {
    throw new NotImplemented('ClusterAutoscaler.untaint', passes);
  }
}

export function createClusterAutoscaler(options: ClusterAutoscalerOptions): ClusterAutoscaler {
  return new ClusterAutoscaler(options);
}
