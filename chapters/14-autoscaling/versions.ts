// Served versions: HorizontalPodAutoscalers at autoscaling/v1 beside autoscaling/v2. The API
// server stores autoscalers at v2; v1, the first version, is a view of the same objects, and a
// client may read and write through either (kubectl 1.32's `autoscale` writes v1). These two
// functions are the conversion, as kube-apiserver converts between its versions; the server calls
// them through its served-versions extension point (harness/api/versions.ts).
//
// v1 has one metric, `targetCPUUtilizationPercentage`. What else v2 holds, the other metrics, the
// current metrics, the conditions and the behavior, has no field in v1, so that a v1 client that
// reads an object and writes it back does not erase them, they travel in annotations:
//
//   autoscaling.alpha.kubernetes.io/metrics          spec.metrics other than CPU utilization
//   autoscaling.alpha.kubernetes.io/current-metrics  status.currentMetrics
//   autoscaling.alpha.kubernetes.io/conditions       status.conditions
//   autoscaling.alpha.kubernetes.io/behavior         spec.behavior
//
// and come back into their fields when a v1 object is converted to v2.
import { ApiError } from '../../harness/api/errors.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerV1,
  MetricSpec,
  MetricStatus,
} from '../../harness/api/types.ts';
import type { VersionConversion } from '../../harness/api/versions.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Served versions';

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';

/** The target a v1 autoscaler without one follows: 80% CPU utilization. */
export const DEFAULT_CPU_UTILIZATION = 80;

/** Whether a metric is the one v1 has a field for: CPU, as a utilization. */
export function isCpuUtilization(metric: MetricSpec): boolean {
  throw new NotImplemented('isCpuUtilization', section);
}

/** A CPU utilization metric with this target, in v2's shape. */
export function cpuUtilization(percent: number): MetricSpec {
  return {
    type: 'Resource',
    resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } },
  };
}

/**
 * The v2 fields v1 has no place for, as annotations (JSON), each only when there is something
 * to keep: the metrics other than CPU utilization, the current metrics, the conditions, the
 * behavior.
 */
export function roundTripAnnotations(hpa: HorizontalPodAutoscaler): Record<string, string> {
  throw new NotImplemented('roundTripAnnotations', section);
}

/**
 * A stored (v2) autoscaler as autoscaling/v1: apiVersion autoscaling/v1; metadata with its
 * annotations and roundTripAnnotations added (no annotations field when there are none); spec
 * with scaleTargetRef, minReplicas, maxReplicas and targetCPUUtilizationPercentage, the
 * averageUtilization of the first metric of type Resource named cpu; a status only when there is
 * one: observedGeneration, lastScaleTime, currentReplicas, desiredReplicas, and
 * currentCPUUtilizationPercentage from the first current metric of type Resource named cpu.
 */
export function toAutoscalingV1(hpa: HorizontalPodAutoscaler): HorizontalPodAutoscalerV1 {
  throw new NotImplemented('toAutoscalingV1', section);
}

/** An annotation's JSON value, or undefined when absent. A value that is not JSON is a 400. */
export function annotationValue<T>(
  annotations: Record<string, string> | undefined,
  key: string,
): T | undefined {
  const text = annotations?.[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(400, 'BadRequest', `the annotation ${key} is not JSON: ${text}`);
  }
}

/**
 * An autoscaling/v1 autoscaler as v2, to store: apiVersion autoscaling/v2; spec.metrics the
 * METRICS_ANNOTATION's metrics, then cpuUtilization(targetCPUUtilizationPercentage) when set,
 * or cpuUtilization(DEFAULT_CPU_UTILIZATION) when that leaves none; spec.behavior from its
 * annotation. A status only when there is one: the counts, currentMetrics from its annotation
 * (else the CPU utilization, as a Resource metric status, when set), conditions from theirs. The
 * four annotations are removed (no annotations field when none is left). Read each annotation
 * with annotationValue.
 */
export function fromAutoscalingV1(v1: HorizontalPodAutoscalerV1): HorizontalPodAutoscaler {
  throw new NotImplemented('fromAutoscalingV1', section);
}

/** What the API server is given: horizontalpodautoscalers served at autoscaling/v1, stored at v2. */
export function autoscalingV1Conversion(): VersionConversion {
  const stored = builtinResources.find(
    (type) => type.group === 'autoscaling' && type.resource === 'horizontalpodautoscalers',
  )!;
  return {
    served: { ...stored, version: 'v1' },
    storedVersion: stored.version,
    toStored: (object) => fromAutoscalingV1(object as HorizontalPodAutoscalerV1),
    fromStored: (object) => toAutoscalingV1(object as HorizontalPodAutoscaler),
  };
}
