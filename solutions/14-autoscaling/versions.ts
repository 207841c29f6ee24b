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

export const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
export const BEHAVIOR_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';

/** The target a v1 autoscaler without one follows: 80% CPU utilization. */
export const DEFAULT_CPU_UTILIZATION = 80;

/** Whether a metric is the one v1 has a field for: CPU, as a utilization. */
export function isCpuUtilization(metric: MetricSpec): boolean {
  return (
    metric.type === 'Resource' &&
    metric.resource?.name === 'cpu' &&
    metric.resource.target.type === 'Utilization' &&
    metric.resource.target.averageUtilization !== undefined
  );
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
  const annotations: Record<string, string> = {};
  const others = (hpa.spec.metrics ?? []).filter((metric) => !isCpuUtilization(metric));
  if (others.length > 0) annotations[METRICS_ANNOTATION] = JSON.stringify(others);
  const current = hpa.status?.currentMetrics ?? [];
  if (current.length > 0) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(current);
  const conditions = hpa.status?.conditions ?? [];
  if (conditions.length > 0) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(conditions);
  if (hpa.spec.behavior) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(hpa.spec.behavior);
  return annotations;
}

/**
 * A stored (v2) autoscaler as autoscaling/v1: the target, the bounds, the first CPU metric's
 * utilization as targetCPUUtilizationPercentage; the status's counts and the current CPU
 * utilization; the rest in roundTripAnnotations.
 */
export function toAutoscalingV1(hpa: HorizontalPodAutoscaler): HorizontalPodAutoscalerV1 {
  const cpu = (hpa.spec.metrics ?? []).find(
    (metric) => metric.type === 'Resource' && metric.resource?.name === 'cpu',
  );
  const annotations = { ...hpa.metadata.annotations, ...roundTripAnnotations(hpa) };
  const v1: HorizontalPodAutoscalerV1 = {
    ...hpa,
    apiVersion: 'autoscaling/v1',
    metadata: { ...hpa.metadata, annotations },
    spec: {
      scaleTargetRef: hpa.spec.scaleTargetRef,
      minReplicas: hpa.spec.minReplicas,
      maxReplicas: hpa.spec.maxReplicas,
      targetCPUUtilizationPercentage: cpu?.resource?.target.averageUtilization,
    },
    status: undefined,
  };
  if (Object.keys(annotations).length === 0) delete v1.metadata.annotations;
  if (hpa.status) {
    const current = hpa.status.currentMetrics?.find(
      (metric) => metric.type === 'Resource' && metric.resource?.name === 'cpu',
    );
    const { observedGeneration, lastScaleTime, currentReplicas, desiredReplicas } = hpa.status;
    v1.status = { observedGeneration, lastScaleTime, currentReplicas, desiredReplicas };
    const percent = current?.resource?.current.averageUtilization;
    if (percent !== undefined) v1.status.currentCPUUtilizationPercentage = percent;
  } else {
    delete v1.status;
  }
  return v1;
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
 * An autoscaling/v1 autoscaler as v2, to store: the annotations' metrics, then the CPU target
 * (80% when there is no metric at all, v1's old default); the annotations' behavior, current
 * metrics and conditions back in their fields, and the four annotations removed.
 */
export function fromAutoscalingV1(v1: HorizontalPodAutoscalerV1): HorizontalPodAutoscaler {
  const annotations = { ...v1.metadata.annotations };
  const read = <T>(key: string) => annotationValue<T>(annotations, key);
  const metrics = read<MetricSpec[]>(METRICS_ANNOTATION) ?? [];
  const cpu = v1.spec.targetCPUUtilizationPercentage;
  if (cpu !== undefined) metrics.push(cpuUtilization(cpu));
  if (metrics.length === 0) metrics.push(cpuUtilization(DEFAULT_CPU_UTILIZATION));
  const behavior = read<HorizontalPodAutoscaler['spec']['behavior']>(BEHAVIOR_ANNOTATION);
  const currentMetrics = read<MetricStatus[]>(CURRENT_METRICS_ANNOTATION);
  const conditions =
    read<NonNullable<HorizontalPodAutoscaler['status']>['conditions']>(CONDITIONS_ANNOTATION);
  for (const key of [METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION]) {
    delete annotations[key];
  }
  delete annotations[BEHAVIOR_ANNOTATION];
  const { scaleTargetRef, minReplicas, maxReplicas } = v1.spec;
  const hpa: HorizontalPodAutoscaler = {
    ...v1,
    apiVersion: 'autoscaling/v2',
    metadata: { ...v1.metadata, annotations },
    spec: { scaleTargetRef, minReplicas, maxReplicas, metrics, ...(behavior ? { behavior } : {}) },
    status: undefined,
  };
  if (Object.keys(annotations).length === 0) delete hpa.metadata.annotations;
  if (v1.status) {
    const { currentCPUUtilizationPercentage: percent, ...counts } = v1.status;
    const fromField: MetricStatus[] | undefined =
      percent === undefined
        ? undefined
        : [
            {
              type: 'Resource',
              resource: { name: 'cpu', current: { averageUtilization: percent } },
            },
          ];
    hpa.status = { ...counts, currentMetrics: currentMetrics ?? fromField, conditions };
  } else {
    delete hpa.status;
  }
  return hpa;
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
