// The replica calculator: pure functions from pods and their metric samples to a replica count.
// Pods are written out as the kubelet would leave them (phase, Ready condition, start time); the
// samples are milli-units per pod, as the metrics API gives them after podMetricsFrom.
import { describe, expect, test } from 'vitest';
import type { Pod, PodPhase } from '../../harness/api/types.ts';
import {
  groupPods,
  isUnreadyForCpu,
  podRequest,
  resourceReplicas,
  utilizationRatio,
  type PodMetric,
  type PodMetrics,
} from './replica-calculator.ts';

const now = Date.parse('2026-01-01T12:00:00Z');
const minutes = (count: number) => count * 60_000;
const at = (ms: number) => new Date(ms).toISOString();

/**
 * Pod `name` with one container requesting `cpu` (millicores): Running, Ready since it started
 * ten minutes ago, unless said otherwise.
 */
function pod(
  name: string,
  fields: {
    cpu?: string;
    ready?: boolean;
    startedAgo?: number;
    readySinceAgo?: number;
    phase?: PodPhase;
    deleted?: boolean;
  } = {},
): Pod {
  const started = now - (fields.startedAgo ?? minutes(10));
  return {
    metadata: {
      name,
      namespace: 'default',
      ...(fields.deleted ? { deletionTimestamp: at(now) } : {}),
    },
    spec: {
      containers: [
        {
          name: 'app',
          image: 'kata/cpu-burner',
          resources: fields.cpu === undefined ? {} : { requests: { cpu: fields.cpu } },
        },
      ],
    },
    status: {
      phase: fields.phase ?? 'Running',
      startTime: at(started),
      conditions: [
        {
          type: 'Ready',
          status: fields.ready === false ? 'False' : 'True',
          lastTransitionTime: at(now - (fields.readySinceAgo ?? fields.startedAgo ?? minutes(10))),
        },
      ],
    },
  };
}

/** A sample of `value` milli-units, its 15 s window ending now. */
const sample = (value: number): PodMetric => ({ value, timestamp: now, windowMs: 15_000 });
const samples = (entries: Record<string, number>): PodMetrics =>
  new Map(Object.entries(entries).map(([name, value]) => [name, sample(value)]));

describe('The replica calculator', () => {
  test("a pod's request is the sum of its containers'; a container without one is an error", () => {
    const two = pod('web-1', { cpu: '250m' });
    two.spec.containers.push({
      name: 'sidecar',
      image: 'kata/echo',
      resources: { requests: { cpu: '0.25' } },
    });
    expect(podRequest(two, 'cpu'), 'requests of 250m and 0.25 cores, in millicores').toBe(500);
    expect(
      () => podRequest(pod('web-2'), 'cpu'),
      'a container without a cpu request throws "missing request for cpu in container app of Pod web-2"',
    ).toThrow('missing request for cpu in container app of Pod web-2');
  });

  test('utilization is total usage over total requests, in whole percent; the ratio divides it by the target', () => {
    const requests = new Map([
      ['a', 200],
      ['b', 200],
    ]);
    expect(
      utilizationRatio(samples({ a: 300, b: 101, stranger: 5000 }), requests, 50),
      'pods using 300m and 101m of 200m each (a pod without a request is left out), target 50%',
    ).toEqual({ ratio: 2, utilization: 100, rawAverage: 200.5 });
    expect(
      () => utilizationRatio(samples({ stranger: 1 }), requests, 50),
      'no sample of a known pod throws "no metrics returned matched known pods"',
    ).toThrow('no metrics returned matched known pods');
  });

  test('pods are sorted: deleted and failed ignored, without a sample missing, pending unready', () => {
    const pods = [
      pod('ok', { cpu: '1' }),
      pod('gone', { cpu: '1', deleted: true }),
      pod('failed', { cpu: '1', phase: 'Failed' }),
      pod('pending', { cpu: '1', phase: 'Pending' }),
      pod('silent', { cpu: '1' }),
    ];
    const groups = groupPods(
      pods,
      samples({ ok: 1, gone: 1, failed: 1, pending: 1 }),
      'memory',
      now,
    );
    expect(
      {
        ...groups,
        unready: [...groups.unready],
        missing: [...groups.missing],
        ignored: [...groups.ignored],
      },
      'five pods, one of each kind, grouped for memory',
    ).toEqual({
      readyCount: 1,
      unready: ['pending'],
      missing: ['silent'],
      ignored: ['gone', 'failed'],
    });
  });

  test('a CPU sample is not trusted while the pod warms up: not ready, or sampled from before it became ready', () => {
    const young = (fields: Parameters<typeof pod>[1]) =>
      pod('p', { startedAgo: minutes(2), ...fields });
    expect(
      isUnreadyForCpu(young({ ready: false }), sample(1), now),
      'started 2 min ago, not ready',
    ).toBe(true);
    expect(
      isUnreadyForCpu(young({ readySinceAgo: 5_000 }), sample(1), now),
      'started 2 min ago, ready for 5 s, sampled over the last 15 s',
    ).toBe(true);
    expect(
      isUnreadyForCpu(young({ readySinceAgo: 60_000 }), sample(1), now),
      'ready for a minute',
    ).toBe(false);
    const noCondition = pod('p');
    noCondition.status!.conditions = [];
    expect(isUnreadyForCpu(noCondition, sample(1), now), 'a pod without a Ready condition').toBe(
      true,
    );
  });

  test('after the warm-up a not-ready pod is unready only if it never was ready', () => {
    const old = (readySinceAgo: number) =>
      pod('p', { startedAgo: minutes(10), ready: false, readySinceAgo });
    expect(
      isUnreadyForCpu(old(minutes(10) - 10_000), sample(1), now),
      'not ready since 10 s after its start',
    ).toBe(true);
    expect(
      isUnreadyForCpu(old(minutes(1)), sample(1), now),
      'ready for 9 minutes, not ready for the last one',
    ).toBe(false);
  });

  test('desired = ceil(ready pods × usage ratio)', () => {
    const pods = ['a', 'b', 'c'].map((name) => pod(name, { cpu: '100m' }));
    const up = resourceReplicas({
      currentReplicas: 3,
      targetUtilization: 50,
      resource: 'cpu',
      pods,
      metrics: samples({ a: 90, b: 90, c: 90 }),
      now,
    });
    expect(up, 'three pods at 90% of their request, target 50%: ratio 1.8, 3 × 1.8 = 5.4').toEqual({
      replicas: 6,
      utilization: 90,
      rawAverage: 90,
      timestamp: now,
    });
    const down = resourceReplicas({
      currentReplicas: 3,
      targetUtilization: 50,
      resource: 'cpu',
      pods,
      metrics: samples({ a: 10, b: 10, c: 10 }),
      now,
    });
    expect(down.replicas, 'three pods at 10%, target 50%: 3 × 0.2 = 0.6').toBe(1);
  });

  test('within the tolerance of the target the count stays', () => {
    const pods = ['a', 'b'].map((name) => pod(name, { cpu: '100m' }));
    const input = { currentReplicas: 2, targetUtilization: 50, resource: 'cpu', pods, now };
    expect(
      resourceReplicas({ ...input, metrics: samples({ a: 54, b: 55 }) }).replicas,
      'two pods at 54% and 55%, target 50%: ratio 1.08',
    ).toBe(2);
    expect(
      resourceReplicas({ ...input, metrics: samples({ a: 54, b: 55 }), tolerance: 0.05 }).replicas,
      'the same with a tolerance of 5%',
    ).toBe(3);
  });

  test('no pods, or no pod with a sample that counts, is an error', () => {
    const input = { currentReplicas: 1, targetUtilization: 50, resource: 'cpu', now };
    expect(
      () => resourceReplicas({ ...input, pods: [], metrics: samples({}) }),
      'no pods: "no pods returned by selector while calculating replica count"',
    ).toThrow('no pods returned by selector while calculating replica count');
    expect(
      () =>
        resourceReplicas({
          ...input,
          pods: [pod('a', { cpu: '1', phase: 'Pending' })],
          metrics: samples({ a: 10 }),
        }),
      'only a pending pod: "did not receive metrics for targeted pods (pods might be unready)"',
    ).toThrow('did not receive metrics for targeted pods (pods might be unready)');
  });

  test('scaling up, a pod without a sample counts as using nothing', () => {
    const pods = ['a', 'b', 'c', 'd'].map((name) => pod(name, { cpu: '100m' }));
    const result = resourceReplicas({
      currentReplicas: 4,
      targetUtilization: 50,
      resource: 'cpu',
      pods,
      metrics: samples({ a: 100, b: 100, c: 100 }),
      now,
    });
    expect(
      result.replicas,
      'three pods at 100% and one without a sample, target 50%: (300 + 0) / 400 = 75%, ratio 1.5, 4 × 1.5',
    ).toBe(6);
    expect(result.utilization, 'the utilization reported is that of the pods with samples').toBe(
      100,
    );
  });

  test('scaling down, a pod without a sample counts as using all of its request', () => {
    const pods = ['a', 'b', 'c', 'd'].map((name) => pod(name, { cpu: '100m' }));
    const result = resourceReplicas({
      currentReplicas: 4,
      targetUtilization: 50,
      resource: 'cpu',
      pods,
      metrics: samples({ a: 10, b: 10, c: 10 }),
      now,
    });
    expect(
      result.replicas,
      'three pods at 10% and one without a sample: (30 + 100) / 400 = 32%, ratio 0.64, 4 × 0.64 = 2.56',
    ).toBe(3);
  });

  test('unready pods count as using nothing when scaling up, and the count stays if that turns the ratio around', () => {
    const pods = [
      pod('a', { cpu: '100m' }),
      pod('b', { cpu: '100m' }),
      pod('new', { cpu: '100m', phase: 'Pending' }),
    ];
    const input = { currentReplicas: 3, targetUtilization: 50, resource: 'cpu', pods, now };
    expect(
      resourceReplicas({ ...input, metrics: samples({ a: 150, b: 150 }) }).replicas,
      'two pods at 150% and a pending one: 300 / 300 = 100%, ratio 2, 3 × 2',
    ).toBe(6);
    expect(
      resourceReplicas({ ...input, metrics: samples({ a: 60, b: 60 }) }).replicas,
      'two pods at 60% and a pending one: 120 / 300 = 40% turns a scale-up into a scale-down, so the count stays',
    ).toBe(3);
  });
});
