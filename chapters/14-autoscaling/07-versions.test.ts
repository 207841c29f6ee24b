// Served versions: the conversion between autoscaling/v2, the version autoscalers are stored at,
// and autoscaling/v1, the older view kubectl 1.32's `autoscale` writes. Pure functions over
// objects; the API server calls them through its served-versions extension point.
import { describe, expect, test } from 'vitest';
import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerV1,
} from '../../harness/api/types.ts';
import {
  BEHAVIOR_ANNOTATION,
  CONDITIONS_ANNOTATION,
  CURRENT_METRICS_ANNOTATION,
  METRICS_ANNOTATION,
  fromAutoscalingV1,
  isCpuUtilization,
  roundTripAnnotations,
  toAutoscalingV1,
} from './versions.ts';

const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const cpu50 = {
  type: 'Resource' as const,
  resource: { name: 'cpu', target: { type: 'Utilization' as const, averageUtilization: 50 } },
};
const memory = {
  type: 'Resource' as const,
  resource: { name: 'memory', target: { type: 'AverageValue' as const, averageValue: '64Mi' } },
};

/** A stored autoscaler of web: 1 to 5 replicas, with these metrics. */
function stored(spec: Partial<HorizontalPodAutoscaler['spec']> = {}): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: target, minReplicas: 1, maxReplicas: 5, metrics: [cpu50], ...spec },
  };
}

/** What `kubectl autoscale deployment web --min=1 --max=5` sends, with a CPU target when given. */
function written(percent?: number): HorizontalPodAutoscalerV1 {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: target,
      minReplicas: 1,
      maxReplicas: 5,
      ...(percent === undefined ? {} : { targetCPUUtilizationPercentage: percent }),
    },
  };
}

describe('Served versions', () => {
  test('isCpuUtilization: only a Resource metric of cpu with a Utilization target', () => {
    const averageCpu = {
      type: 'Resource' as const,
      resource: { name: 'cpu', target: { type: 'AverageValue' as const, averageValue: '200m' } },
    };
    expect(
      [cpu50, memory, averageCpu].map(isCpuUtilization),
      'isCpuUtilization of cpu at 50%, memory at 64Mi, cpu at an average of 200m',
    ).toEqual([true, false, false]);
  });

  test('to v1: the CPU utilization target and the current CPU utilization get their fields', () => {
    const hpa: HorizontalPodAutoscaler = {
      ...stored(),
      status: {
        currentReplicas: 2,
        desiredReplicas: 3,
        currentMetrics: [
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 72 } } },
        ],
      },
    };
    const v1 = toAutoscalingV1(hpa);
    expect(
      { apiVersion: v1.apiVersion, spec: v1.spec },
      'toAutoscalingV1 of an autoscaler of web, 1 to 5, CPU at 50%',
    ).toEqual({
      apiVersion: 'autoscaling/v1',
      spec: {
        scaleTargetRef: target,
        minReplicas: 1,
        maxReplicas: 5,
        targetCPUUtilizationPercentage: 50,
      },
    });
    expect(v1.status, 'its status, with the current CPU at 72%').toEqual({
      currentReplicas: 2,
      desiredReplicas: 3,
      currentCPUUtilizationPercentage: 72,
    });
  });

  test('to v1: the target is the first cpu metric, wherever it is; without a status there is none', () => {
    const v1 = toAutoscalingV1(
      stored({
        metrics: [
          memory,
          {
            ...cpu50,
            resource: {
              ...cpu50.resource,
              target: { type: 'Utilization', averageUtilization: 70 },
            },
          },
        ],
      }),
    );
    expect(
      v1.spec.targetCPUUtilizationPercentage,
      'the v1 target of memory at 64Mi, then cpu at 70%',
    ).toBe(70);
    expect(
      'status' in v1 && v1.status !== undefined,
      'a status in the v1 view of an autoscaler without one',
    ).toBe(false);
  });

  test('to v1: what v1 has no field for travels in annotations; with nothing to keep there are none', () => {
    const behavior = { scaleDown: { stabilizationWindowSeconds: 30 } };
    const conditions = [
      { type: 'AbleToScale' as const, status: 'True' as const, reason: 'ReadyForNewScale' },
    ];
    const hpa: HorizontalPodAutoscaler = {
      ...stored({ metrics: [cpu50, memory], behavior }),
      status: { desiredReplicas: 1, conditions },
    };
    expect(
      roundTripAnnotations(hpa),
      'roundTripAnnotations of cpu + memory metrics, a behavior, a condition',
    ).toEqual({
      [METRICS_ANNOTATION]: JSON.stringify([memory]),
      [CONDITIONS_ANNOTATION]: JSON.stringify(conditions),
      [BEHAVIOR_ANNOTATION]: JSON.stringify(behavior),
    });
    expect(
      toAutoscalingV1(hpa).metadata.annotations,
      'the v1 view of it keeps them in its annotations',
    ).toEqual(roundTripAnnotations(hpa));
    expect(
      toAutoscalingV1(stored()).metadata.annotations,
      'the v1 view of an autoscaler with only a CPU target and no status',
    ).toBeUndefined();
  });

  test("from v1: the CPU target becomes a metric; none at all is v1's old default of 80%", () => {
    expect(fromAutoscalingV1(written(50)), 'fromAutoscalingV1 of web, 1 to 5, CPU at 50%').toEqual(
      stored(),
    );
    expect(
      fromAutoscalingV1(written()).spec.metrics,
      'fromAutoscalingV1 of web without a targetCPUUtilizationPercentage',
    ).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
      },
    ]);
  });

  test('from v1: the annotations go back into their fields and are removed; v2 → v1 → v2 loses nothing', () => {
    const behavior = { scaleUp: { stabilizationWindowSeconds: 10 } };
    const hpa: HorizontalPodAutoscaler = {
      ...stored({ metrics: [memory, cpu50], behavior }),
      metadata: { name: 'web', namespace: 'default', annotations: { team: 'web' } },
      status: {
        currentReplicas: 2,
        desiredReplicas: 2,
        currentMetrics: [
          { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40 } } },
        ],
        conditions: [{ type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound' }],
      },
    };
    const back = fromAutoscalingV1(toAutoscalingV1(hpa));
    expect(
      back,
      'an autoscaler with memory and CPU metrics, a behavior and a status, to v1 and back',
    ).toEqual(hpa);
    expect(
      Object.keys(back.metadata.annotations ?? {}),
      `annotations left after the way back (${CURRENT_METRICS_ANNOTATION} and the others removed)`,
    ).toEqual(['team']);
  });

  test('from v1: without the current-metrics annotation, the current CPU utilization becomes a metric status', () => {
    const v1: HorizontalPodAutoscalerV1 = {
      ...written(50),
      status: { currentReplicas: 3, desiredReplicas: 3, currentCPUUtilizationPercentage: 64 },
    };
    expect(fromAutoscalingV1(v1).status, 'the v2 status of a v1 status at 64% CPU').toEqual({
      currentReplicas: 3,
      desiredReplicas: 3,
      currentMetrics: [
        { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 64 } } },
      ],
    });
  });

  test('from v1: an annotation that is not JSON is a 400', () => {
    const broken = written(50);
    broken.metadata.annotations = { [METRICS_ANNOTATION]: '[{' };
    expect(
      () => fromAutoscalingV1(broken),
      `fromAutoscalingV1 with ${METRICS_ANNOTATION}: "[{"`,
    ).toThrow(expect.objectContaining({ code: 400 }));
  });
});
