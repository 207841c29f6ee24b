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
import { ApiError } from '../../harness/api/errors.ts';
import type { KubeObject, Node, Pod } from '../../harness/api/types.ts';
import { milliCpu, quantityValue } from '../../harness/api/quantity.ts';
import { systemClock, sleep, type TimerClock } from '../../harness/clock.ts';
import { evictPod } from '../../harness/client/eviction.ts';
import { recordEvent } from '../../harness/client/events.ts';
import type { ClusterAutoscalerOptions, NodeGroup } from '../../harness/contracts/cloud.ts';

export type { ClusterAutoscalerOptions, NodeGroup };

/** The taint on a node being scaled down: the scheduler keeps new pods off it. */
export const toBeDeletedTaint = 'ToBeDeletedByClusterAutoscaler';

/** What a pod asks for, or a node offers: millicores and bytes. */
export interface Resources {
  cpu: number;
  memory: number;
}

/** Whether the scheduler found no node for `pod`: unbound, with PodScheduled False, Unschedulable. */
export function isUnschedulable(pod: Pod): boolean {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  return (
    !pod.spec.nodeName &&
    !pod.metadata.deletionTimestamp &&
    scheduled?.status === 'False' &&
    scheduled.reason === 'Unschedulable'
  );
}

/** The pod's requests: its containers' added up. */
export function podRequests(pod: Pod): Resources {
  let cpu = 0;
  let memory = 0;
  for (const container of pod.spec.containers) {
    cpu += milliCpu(container.resources?.requests?.cpu);
    memory += quantityValue(container.resources?.requests?.memory);
  }
  return { cpu, memory };
}

/** What the node offers to pods: its allocatable cpu and memory. */
export function nodeAllocatable(node: Node): Resources {
  const allocatable = node.status?.allocatable ?? {};
  return { cpu: milliCpu(allocatable.cpu), memory: quantityValue(allocatable.memory) };
}

/** Whether `request` fits into `free`. */
function fits(request: Resources, free: Resources): boolean {
  return request.cpu <= free.cpu && request.memory <= free.memory;
}

/**
 * Places each request into the first bin with room, opening a new bin of `capacity` when none has
 * it (first fit). Requests bigger than an empty bin are left out. Returns the bins' free space, and
 * how many requests were placed.
 */
export function firstFit(requests: Resources[], bins: Resources[], capacity?: Resources) {
  const free = bins.map((bin) => ({ ...bin }));
  let placed = 0;
  for (const request of requests) {
    let bin = free.find((candidate) => fits(request, candidate));
    if (!bin && capacity && fits(request, capacity)) {
      bin = { ...capacity };
      free.push(bin);
    }
    if (!bin) continue;
    bin.cpu -= request.cpu;
    bin.memory -= request.memory;
    placed++;
  }
  return { free, placed };
}

/** How many new nodes like `template` the pending pods need, packed first fit. */
export function nodesNeeded(pending: Pod[], template: Node): number {
  return firstFit(pending.map(podRequests), [], nodeAllocatable(template)).free.length;
}

/** The larger of the cpu and memory share the node's pods request: 0.4 is 40% of the node. */
export function utilization(node: Node, pods: Pod[]): number {
  const allocatable = nodeAllocatable(node);
  const requested = pods
    .map(podRequests)
    .reduce(
      (sum, request) => ({ cpu: sum.cpu + request.cpu, memory: sum.memory + request.memory }),
      { cpu: 0, memory: 0 },
    );
  const share = (used: number, total: number) => (total > 0 ? used / total : 0);
  return Math.max(
    share(requested.cpu, allocatable.cpu),
    share(requested.memory, allocatable.memory),
  );
}

/** A DaemonSet's pod: it stays with its node, never moved, and is not waited for. */
function isDaemonPod(pod: Pod): boolean {
  return pod.metadata.ownerReferences?.some((owner) => owner.kind === 'DaemonSet') ?? false;
}

/** Pods that must move elsewhere for the node to go: all but DaemonSet pods and finished pods. */
export function podsToMove(pods: Pod[]): Pod[] {
  return pods.filter(
    (pod) =>
      !isDaemonPod(pod) && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed',
  );
}

/**
 * Why the pods of a node cannot go anywhere else, or undefined when they can: a pod no controller
 * owns would be lost ("pod default/x is not replicated"), and every pod must fit, first fit, into
 * what the other nodes have free.
 */
export function blockedScaleDown(moving: Pod[], others: { node: Node; pods: Pod[] }[]) {
  const lonely = moving.find((pod) => !pod.metadata.ownerReferences?.some((o) => o.controller));
  if (lonely) return `pod ${lonely.metadata.namespace}/${lonely.metadata.name} is not replicated`;
  const free = others.map(({ node, pods }) => {
    const allocatable = nodeAllocatable(node);
    const used = pods.map(podRequests);
    return {
      cpu: allocatable.cpu - used.reduce((sum, request) => sum + request.cpu, 0),
      memory: allocatable.memory - used.reduce((sum, request) => sum + request.memory, 0),
    };
  });
  const { placed } = firstFit(moving.map(podRequests), free);
  return placed === moving.length ? undefined : 'no place for its pods on the other nodes';
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

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.runOnce().catch(() => undefined);
      await sleep(this.clock, this.options.scanIntervalMs ?? 10_000, signal);
    }
  }

  /** One pass: scale up for unschedulable pods; with none, look for a node to scale down. */
  async runOnce(): Promise<void> {
    const { client } = this.options;
    const nodes = (await client.resource<Node>('nodes').list()).items;
    const pods = (await client.resource<Pod>('pods').list()).items;
    const pending = pods.filter(isUnschedulable);
    if (pending.length > 0) {
      this.unneededSince.clear();
      await this.scaleUp(pending, nodes);
      return;
    }
    await this.scaleDown(nodes, pods);
  }

  /**
   * Grows the first group with room by the nodes the pending pods need, less the nodes it is
   * already starting (its target size above its registered nodes), up to its maximum.
   */
  async scaleUp(pending: Pod[], nodes: Node[]): Promise<number> {
    for (const group of this.options.cloud.nodeGroups()) {
      const size = await group.targetSize();
      const upcoming = size - nodes.filter((node) => group.owns(node)).length;
      const needed = nodesNeeded(pending, group.template()) - upcoming;
      const delta = Math.min(needed, group.maxSize - size);
      if (needed <= 0) return 0;
      if (delta <= 0) continue;
      await group.increaseSize(delta);
      const message = `pod triggered scale-up: [{${group.id} ${size}->${size + delta} (max: ${group.maxSize})}]`;
      for (const pod of pending) {
        await this.event({ ...pod, kind: 'Pod' }, 'TriggeredScaleUp', message);
      }
      return delta;
    }
    return 0;
  }

  /**
   * Marks the group's nodes under the utilization threshold whose pods could move; deletes one
   * that has been unneeded for --scale-down-unneeded-time, unless its group is at its minimum.
   * Returns the deleted node's name.
   */
  async scaleDown(nodes: Node[], pods: Pod[]): Promise<string | undefined> {
    const now = this.clock.now();
    const threshold = this.options.utilizationThreshold ?? 0.5;
    const podsOn = (node: Node) => pods.filter((pod) => pod.spec.nodeName === node.metadata.name);
    const seen = new Set<string>();
    let victim: { node: Node; group: NodeGroup } | undefined;
    for (const group of this.options.cloud.nodeGroups()) {
      for (const node of nodes.filter((candidate) => group.owns(candidate))) {
        const moving = podsToMove(podsOn(node));
        if (utilization(node, moving) >= threshold) continue;
        const others = nodes.filter((other) => other !== node && !other.spec?.unschedulable);
        if (
          blockedScaleDown(
            moving,
            others.map((o) => ({ node: o, pods: podsOn(o) })),
          )
        )
          continue;
        const name = node.metadata.name!;
        seen.add(name);
        if (!this.unneededSince.has(name)) this.unneededSince.set(name, now);
        const long =
          now - this.unneededSince.get(name)! >= (this.options.scaleDownUnneededMs ?? 600_000);
        if (long && !victim && (await group.targetSize()) > group.minSize) victim = { node, group };
      }
    }
    for (const name of this.unneededSince.keys())
      if (!seen.has(name)) this.unneededSince.delete(name);
    if (!victim) return undefined;
    const refusal = await this.drain(victim.node, podsToMove(podsOn(victim.node)));
    if (refusal) {
      await this.untaint(victim.node.metadata.name!);
      const message = `failed to drain the node, aborting ScaleDown: ${refusal}`;
      await this.event({ ...victim.node, kind: 'Node' }, 'ScaleDownFailed', message, 'Warning');
      return undefined;
    }
    await victim.group.deleteNodes([victim.node]);
    this.unneededSince.delete(victim.node.metadata.name!);
    return victim.node.metadata.name;
  }

  /**
   * Taints the node so nothing new lands on it, then evicts its pods for their owners to replace.
   * Returns why a pod could not be evicted (its budget's refusal), or undefined when all went.
   */
  async drain(node: Node, moving: Pod[]): Promise<string | undefined> {
    const { client, toolkit } = this.options;
    await toolkit.updateWithRetry(
      client.resource<Node>('nodes'),
      node.metadata.name!,
      (current) => {
        const taints = current.spec?.taints ?? [];
        if (taints.some((taint) => taint.key === toBeDeletedTaint)) return false;
        const value = String(Math.floor(this.clock.now() / 1000));
        current.spec = {
          ...current.spec,
          taints: [...taints, { key: toBeDeletedTaint, value, effect: 'NoSchedule' }],
        };
      },
    );
    for (const pod of moving) {
      const { namespace, name } = pod.metadata;
      try {
        await evictPod(client, namespace!, name!);
      } catch (error) {
        if (error instanceof ApiError && error.code === 404) continue;
        if (error instanceof ApiError && error.code === 429) {
          return `pod ${namespace}/${name}: ${error.message}`;
        }
        throw error;
      }
    }
    return undefined;
  }

  /** Takes the scale-down taint off a node whose drain failed, so pods may land there again. */
  async untaint(name: string): Promise<void> {
    const { client, toolkit } = this.options;
    await toolkit.updateWithRetry(client.resource<Node>('nodes'), name, (current) => {
      const taints = current.spec?.taints ?? [];
      if (!taints.some((taint) => taint.key === toBeDeletedTaint)) return false;
      const left = taints.filter((taint) => taint.key !== toBeDeletedTaint);
      current.spec = { ...current.spec, taints: left.length > 0 ? left : undefined };
    });
  }

  private event(
    object: KubeObject,
    reason: string,
    message: string,
    type: 'Normal' | 'Warning' = 'Normal',
  ) {
    const involved = { ...object, apiVersion: 'v1' };
    return recordEvent(
      this.options.client,
      'cluster-autoscaler',
      involved,
      { type, reason, message },
      this.clock,
    );
  }
}

export function createClusterAutoscaler(options: ClusterAutoscalerOptions): ClusterAutoscaler {
  return new ClusterAutoscaler(options);
}
