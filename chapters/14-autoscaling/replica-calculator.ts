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
// change, and the answer is kept only if it still points the same way. Within the tolerance (10%
// by default) of the target nothing changes: that stops flapping.
import type { Pod } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ The replica calculator';

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

/**
 * The request of `resource` a pod makes, in milli-units (millicores for cpu with milliCpu; for
 * memory quantityValue × 1000): the sum over its containers. Throws "missing request for <resource>
 * in container <container> of Pod <pod>" when a container makes none.
 */
export function podRequest(pod: Pod, resource: string): number {
  throw new NotImplemented('podRequest', section);
}

/**
 * Whether a pod's CPU sample is not yet to be trusted at `now`: it has no Ready condition or start
 * time; or it started within cpuInitializationPeriodMs and is not ready, or its sample's window
 * began before it became ready (timestamp < Ready's lastTransitionTime + window); or, later, it is
 * not ready and became so within delayOfInitialReadinessStatusMs of its start (it never was ready).
 */
export function isUnreadyForCpu(pod: Pod, metric: PodMetric, now: number): boolean {
  throw new NotImplemented('isUnreadyForCpu', section);
}

/**
 * Sorts a target's pods, by name: deleted (deletionTimestamp) and Failed pods are ignored, Pending
 * pods unready, a pod without a sample missing, and for cpu a pod isUnreadyForCpu says is warming
 * up unready; the rest are counted in readyCount.
 */
export function groupPods(
  pods: Pod[],
  metrics: PodMetrics,
  resource: string,
  now: number,
): PodGroups {
  throw new NotImplemented('groupPods', section);
}

/**
 * The pods' total usage over their total requests, counting only pods that have both: the
 * utilization in whole percent (rounded down), the usage ratio (utilization / target), and the
 * average usage of the pods counted. Throws "no metrics returned matched known pods" when none is.
 */
export function utilizationRatio(
  metrics: PodMetrics,
  requests: Map<string, number>,
  targetUtilization: number,
): { ratio: number; utilization: number; rawAverage: number } {
  throw new NotImplemented('utilizationRatio', section);
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
 * The replicas the pods' usage of `resource` asks for, with the utilization and average of the
 * first look and the newest sample's timestamp. Throws "no pods returned by selector while
 * calculating replica count" without pods, and "did not receive metrics for targeted pods (pods
 * might be unready)" when no pod has a sample that counts.
 */
export function resourceReplicas(input: ResourceReplicasInput): ReplicaRecommendation {
  throw new NotImplemented('resourceReplicas', section);
}
