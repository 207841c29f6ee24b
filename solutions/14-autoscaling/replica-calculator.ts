// The replica calculator: how many pods an autoscaler wants for one resource metric, as the
// HorizontalPodAutoscaler controller computes it. The heart is one line,
//
//   desired = ceil(current replicas × current utilization / target utilization)
//
// and the rest is care for the pods whose numbers cannot be trusted:
//   - a pod being deleted, or failed, is ignored;
//   - a pod without a sample from the metrics server is *missing*;
//   - a pod still starting (CPU only) is *unready*: its CPU is not yet what it will be.
// The ratio is first computed on the pods with good samples. If it says "scale" and pods were
// left out, it is computed again with the left-out pods filled in on the side that damps the
// change (missing pods count as 100% of their request when scaling down and 0% when scaling up;
// unready pods as 0% when scaling up), and the answer is kept only if it still points the same way.
// Within the tolerance (10% by default) of the target nothing changes: that stops flapping.
import type { Pod } from '../../harness/api/types.ts';
import { milliCpu, quantityValue } from '../../harness/api/quantity.ts';

/** How far from 1.0 the usage ratio may be before the replica count changes (0.1: 10%). */
export const defaultTolerance = 0.1;
/** A pod started this recently may still be warming up: its CPU samples are looked at closely. */
export const cpuInitializationPeriodMs = 5 * 60_000;
/** A pod that became ready this soon after it started has never been unready in earnest. */
export const delayOfInitialReadinessStatusMs = 30_000;

/** One pod's sample of one resource: milli-units (millicores, or milli-bytes for memory). */
export interface PodMetric {
  /** Milli-units: 250 is a quarter of a core for cpu. */
  value: number;
  /** When the sample's window ended (ms since the epoch). */
  timestamp: number;
  /** How long the sample was averaged over (ms). */
  windowMs: number;
}

/** Samples by pod name. */
export type PodMetrics = Map<string, PodMetric>;

/** The pods of a target sorted by how far their samples can be trusted. */
export interface PodGroups {
  /** Pods with a sample that counts. */
  readyCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

export interface ReplicaRecommendation {
  replicas: number;
  /** The average utilization the pods with good samples showed, in percent of their requests. */
  utilization: number;
  /** The average raw value those pods showed, in milli-units. */
  rawAverage: number;
  /** The end of the samples' windows: the newest sample's timestamp. */
  timestamp: number;
}

/** The request of `resource` in milli-units a pod makes: the sum over its containers. Throws when a container makes none. */
export function podRequest(pod: Pod, resource: string): number {
  let total = 0;
  for (const container of pod.spec.containers) {
    const text = container.resources?.requests?.[resource];
    if (text === undefined) {
      throw new Error(
        `missing request for ${resource} in container ${container.name} of Pod ${pod.metadata.name}`,
      );
    }
    total += resource === 'cpu' ? milliCpu(text) : quantityValue(text) * 1000;
  }
  return total;
}

/** Whether the Ready condition is True. */
function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((condition) => condition.type === 'Ready');
}

/**
 * Whether a pod's CPU sample is not yet to be trusted at `now`: it has no Ready condition or start
 * time; or it started within the CPU initialization period and is not ready, or its sample's window
 * began before it became ready; or, later, it is not ready and has never been ready since it started.
 */
export function isUnreadyForCpu(pod: Pod, metric: PodMetric, now: number): boolean {
  const condition = readyCondition(pod);
  const started = Date.parse(pod.status?.startTime ?? '');
  if (!condition || Number.isNaN(started)) return true;
  const transition = Date.parse(condition.lastTransitionTime ?? '') || started;
  if (started + cpuInitializationPeriodMs > now) {
    return condition.status === 'False' || metric.timestamp < transition + metric.windowMs;
  }
  return condition.status === 'False' && started + delayOfInitialReadinessStatusMs > transition;
}

/**
 * Sorts a target's pods: deleted and Failed pods are ignored, a pod without a sample is missing,
 * a Pending pod is unready, and for cpu so is a pod isUnreadyForCpu says is warming up.
 */
export function groupPods(
  pods: Pod[],
  metrics: PodMetrics,
  resource: string,
  now: number,
): PodGroups {
  const groups: PodGroups = {
    readyCount: 0,
    unready: new Set(),
    missing: new Set(),
    ignored: new Set(),
  };
  for (const pod of pods) {
    const name = pod.metadata.name!;
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') {
      groups.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      groups.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      groups.missing.add(name);
      continue;
    }
    if (resource === 'cpu' && isUnreadyForCpu(pod, metric, now)) groups.unready.add(name);
    else groups.readyCount += 1;
  }
  return groups;
}

/**
 * The pods' total usage over their total requests, counting only pods that have both: the
 * utilization in whole percent (rounded down), and the usage ratio (utilization / target).
 */
export function utilizationRatio(
  metrics: PodMetrics,
  requests: Map<string, number>,
  targetUtilization: number,
): { ratio: number; utilization: number; rawAverage: number } {
  let usage = 0;
  let requested = 0;
  let counted = 0;
  for (const [name, metric] of metrics) {
    const request = requests.get(name);
    if (request === undefined) continue;
    usage += metric.value;
    requested += request;
    counted += 1;
  }
  if (requested === 0) throw new Error('no metrics returned matched known pods');
  const utilization = Math.floor((usage * 100) / requested);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: usage / counted };
}

export interface ResourceReplicasInput {
  currentReplicas: number;
  /** The target, in percent of the request: 50 for `averageUtilization: 50`. */
  targetUtilization: number;
  resource: string;
  /** The target's pods: those its selector matches. */
  pods: Pod[];
  metrics: PodMetrics;
  now: number;
  tolerance?: number;
}

/**
 * The replicas the pods' usage of `resource` asks for. Throws when there are no pods, when a pod's
 * container has no request for the resource, or when no pod has a sample that counts.
 */
export function resourceReplicas(input: ResourceReplicasInput): ReplicaRecommendation {
  const { currentReplicas, targetUtilization, resource, pods, now } = input;
  const tolerance = input.tolerance ?? defaultTolerance;
  if (pods.length === 0) {
    throw new Error('no pods returned by selector while calculating replica count');
  }
  const groups = groupPods(pods, input.metrics, resource, now);
  const metrics: PodMetrics = new Map(
    [...input.metrics].filter(([name]) => !groups.ignored.has(name) && !groups.unready.has(name)),
  );
  const requests = new Map(pods.map((pod) => [pod.metadata.name!, podRequest(pod, resource)]));
  if (metrics.size === 0) {
    throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  }
  const timestamp = Math.max(...[...metrics.values()].map((metric) => metric.timestamp));
  const first = utilizationRatio(metrics, requests, targetUtilization);
  const result = (replicas: number) => ({
    replicas,
    utilization: first.utilization,
    rawAverage: first.rawAverage,
    timestamp,
  });
  const rebalanceUnready = groups.unready.size > 0 && first.ratio > 1;
  if (!rebalanceUnready && groups.missing.size === 0) {
    if (Math.abs(1 - first.ratio) <= tolerance) return result(currentReplicas);
    return result(Math.ceil(first.ratio * groups.readyCount));
  }
  return result(rebalanced(input, groups, metrics, requests, first.ratio, tolerance));
}

/**
 * The second look, when pods were left out of the first: missing pods counted at 100% of their
 * request when scaling down and 0% when scaling up, unready pods at 0% when scaling up. The
 * current count stays if the new ratio is within tolerance, or points the other way.
 */
function rebalanced(
  input: ResourceReplicasInput,
  groups: PodGroups,
  metrics: PodMetrics,
  requests: Map<string, number>,
  ratio: number,
  tolerance: number,
): number {
  const filler = (value: number): PodMetric => ({ value, timestamp: input.now, windowMs: 0 });
  for (const name of groups.missing) {
    if (ratio < 1) metrics.set(name, filler(requests.get(name)!));
    else if (ratio > 1) metrics.set(name, filler(0));
  }
  if (groups.unready.size > 0 && ratio > 1) {
    for (const name of groups.unready) metrics.set(name, filler(0));
  }
  const next = utilizationRatio(metrics, requests, input.targetUtilization).ratio;
  const current = input.currentReplicas;
  if (Math.abs(1 - next) <= tolerance || (ratio < 1 && next > 1) || (ratio > 1 && next < 1)) {
    return current;
  }
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > current) || (next > 1 && replicas < current)) return current;
  return replicas;
}
