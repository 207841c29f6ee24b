// The autoscaler controller: its two small helpers, then the whole loop against the reference API
// server. Nothing runs pods here: the test writes a Deployment and its pods as a kubelet would
// leave them, and hands the controller a fake metrics source whose numbers it sets. Time is a
// FakeClock: each sync period comes when the test moves the clock.
import { describe, expect, test } from 'vitest';
import { exampleDeployment } from '../../harness/api/examples.ts';
import type {
  Deployment,
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerCondition,
  KubeEvent,
  Pod,
} from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  boundsDecision,
  createHorizontalController,
  metricName,
  rescaleReason,
  resourceMetricStatus,
  setCondition,
  targetResource,
  type ConditionSetter,
  type ResourceMetricsSource,
} from './horizontal.ts';

const scope = testScope();
const start = Date.parse('2026-01-01T12:00:00Z');
const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An autoscaler of Deployment `web` on CPU at 50% of the request, with the given spec fields. */
function autoscaler(spec: Partial<HorizontalPodAutoscaler['spec']> = {}): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } },
        },
      ],
      ...spec,
    },
  };
}

/**
 * An API server holding Deployment `web` with `replicas` pods, each requesting 100m CPU, Running
 * and Ready for ten minutes; a controller on a FakeClock, not running, whose metrics say each pod
 * uses `usage.milliCpu` (a test changes it, or makes `usage.failure` throw); and a recorder of the
 * conditions normalize sets.
 */
async function unstarted(replicas = 1) {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const clock = new FakeClock(start);
  const deployments = client.resource<Deployment>('deployments', 'default');
  const deployment = exampleDeployment('web', replicas);
  deployment.spec.template.spec.containers[0]!.resources = { requests: { cpu: '100m' } };
  const created = await deployments.create(deployment);
  await deployments.updateStatus({ ...created, status: { replicas } });
  const pods = client.resource<Pod>('pods', 'default');
  for (let index = 1; index <= replicas; index++) {
    const pod = await pods.create({
      metadata: { name: `web-${index}`, labels: { app: 'web' } },
      spec: { ...structuredClone(deployment.spec.template.spec), nodeName: 'node-1' },
    });
    const since = at(start - 600_000);
    await pods.updateStatus({
      ...pod,
      status: {
        phase: 'Running',
        startTime: since,
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: since }],
      },
    });
  }
  const usage: { milliCpu: number; failure?: string } = { milliCpu: 50 };
  const metrics: ResourceMetricsSource = {
    async podMetrics() {
      if (usage.failure) throw new Error(usage.failure);
      const names = Array.from({ length: replicas }, (_, index) => `web-${index + 1}`);
      return new Map(
        names.map((name) => [
          name,
          { value: usage.milliCpu, timestamp: clock.now(), windowMs: 15_000 },
        ]),
      );
    },
  };
  const controller = createHorizontalController({ toolkit, client, metrics, clock });
  const last = new Map<string, string[]>();
  const set: ConditionSetter = (type, status, reason) => last.set(type, [status, reason]);
  return { client, clock, usage, deployments, pods, controller, conditions: { set, last } };
}

/** The same, with the controller running, and readers of what it did. */
async function setUp(replicas: number) {
  const world = await unstarted(replicas);
  const { client, controller, deployments } = world;
  inBackground(controller.run(scope.stopper().signal));
  const autoscalers = client.resource<HorizontalPodAutoscaler>(
    'horizontalpodautoscalers',
    'default',
  );
  const condition = async (type: HorizontalPodAutoscalerCondition['type']) =>
    (await autoscalers.get('web')).status?.conditions?.find((c) => c.type === type);
  const replicasNow = async () => (await deployments.get('web')).spec.replicas;
  const events = async () =>
    (await client.resource<KubeEvent>('events', 'default').list()).items
      .filter((event) => event.involvedObject.kind === 'HorizontalPodAutoscaler')
      .map((event) => `${event.type} ${event.reason}: ${event.message}`);
  return { ...world, autoscalers, condition, replicasNow, events };
}

describe('The autoscaler controller', () => {
  test('setCondition replaces a condition by type, and moves lastTransitionTime only when its status flips', () => {
    const first = setCondition([], 'AbleToScale', 'True', 'ReadyForNewScale', 'ok', start);
    const same = setCondition(
      first,
      'AbleToScale',
      'True',
      'SucceededRescale',
      'scaled',
      start + 15_000,
    );
    expect(same, 'AbleToScale True, then True again 15 s later with another reason').toEqual([
      {
        type: 'AbleToScale',
        status: 'True',
        lastTransitionTime: at(start),
        reason: 'SucceededRescale',
        message: 'scaled',
      },
    ]);
    const flipped = setCondition(
      same,
      'AbleToScale',
      'False',
      'FailedGetScale',
      'no',
      start + 30_000,
    );
    expect(flipped[0]!.lastTransitionTime, 'then False 30 s after the start').toBe(
      at(start + 30_000),
    );
  });

  test("targetResource finds the resource of the scaleTargetRef's kind, which must have a scale subresource", () => {
    expect(targetResource(autoscaler()).resource, 'a Deployment of apps/v1').toBe('deployments');
    const pods = autoscaler({ scaleTargetRef: { apiVersion: 'v1', kind: 'Pod', name: 'web' } });
    expect(
      () => targetResource(pods),
      'a Pod has no scale subresource: the error names the kind',
    ).toThrow('Pod');
  });

  test('boundsDecision: a target scaled to 0 is left alone, one outside minReplicas..maxReplicas brought inside', () => {
    const hpa = autoscaler({ minReplicas: 2, maxReplicas: 5 });
    expect(boundsDecision(hpa, 0), 'a target at 0').toEqual({
      desired: 0,
      reason: '',
      disabled: true,
    });
    expect(boundsDecision(hpa, 7), 'a target at 7, max 5').toEqual({
      desired: 5,
      reason: 'Current number of replicas above Spec.MaxReplicas',
    });
    expect(boundsDecision(hpa, 1), 'a target at 1, min 2').toEqual({
      desired: 2,
      reason: 'Current number of replicas below Spec.MinReplicas',
    });
    expect(boundsDecision(hpa, 3), 'a target at 3: the metrics decide').toBeUndefined();
  });

  test("a metric's name, its status, and the reason a rescale gives", () => {
    const cpu = autoscaler().spec.metrics![0]!;
    expect(metricName(cpu), 'the name of a cpu Resource metric').toBe(
      'cpu resource utilization (percentage of request)',
    );
    const recommendation = { replicas: 4, utilization: 90, rawAverage: 90.4, timestamp: start };
    expect(
      resourceMetricStatus('cpu', recommendation),
      'the status of cpu at 90%, 90.4m a pod',
    ).toEqual({
      type: 'Resource',
      resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '90m' } },
    });
    expect(
      resourceMetricStatus('memory', { ...recommendation, rawAverage: 64_000_000 }).resource
        ?.current.averageValue,
      'memory at 64000 bytes a pod, in milli-bytes',
    ).toBe('64000');
    expect(rescaleReason('cpu', 4, 2), 'from 2 to 4').toBe('cpu above target');
    expect(rescaleReason('cpu', 1, 2), 'from 2 to 1').toBe('All metrics below target');
  });

  test('normalize stabilizes per autoscaler, starting its window with the current count, and says so in AbleToScale', async () => {
    const { controller, clock, conditions } = await unstarted();
    const hpa = autoscaler({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } });
    expect(
      controller.normalize('default/web', hpa, 4, 1, conditions.set),
      'from 4, 1 wanted, first seen',
    ).toBe(4);
    expect(conditions.last.get('AbleToScale'), 'AbleToScale').toEqual([
      'True',
      'ScaleDownStabilized',
    ]);
    clock.advance(61_000);
    expect(
      controller.normalize('default/web', hpa, 4, 1, conditions.set),
      '61 s later, 1 wanted again',
    ).toBe(1);
    expect(conditions.last.get('AbleToScale'), 'AbleToScale').toEqual(['True', 'ReadyForNewScale']);
    expect(conditions.last.get('ScalingLimited'), 'ScalingLimited').toEqual([
      'False',
      'DesiredWithinRange',
    ]);
    expect(
      controller.normalize('default/other', hpa, 4, 1, conditions.set),
      'another autoscaler has its own window',
    ).toBe(4);
  });

  test('normalize limits the rate with the rescales storeScaleEvent remembered', async () => {
    const { controller, clock, conditions } = await unstarted();
    const hpa = autoscaler({
      behavior: { scaleUp: { policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] } },
    });
    expect(
      controller.normalize('default/web', hpa, 2, 9, conditions.set),
      'from 2, 9 wanted, 2 pods a minute',
    ).toBe(4);
    expect(conditions.last.get('ScalingLimited'), 'ScalingLimited').toEqual([
      'True',
      'ScaleUpLimit',
    ]);
    controller.storeScaleEvent('default/web', hpa, 2, 4);
    clock.advance(30_000);
    expect(
      controller.normalize('default/web', hpa, 4, 9, conditions.set),
      '30 s after adding 2, from 4',
    ).toBe(4);
    clock.advance(31_000);
    expect(
      controller.normalize('default/web', hpa, 4, 9, conditions.set),
      'a minute after adding 2, from 4',
    ).toBe(6);
  });

  test("metricReplicas reads the metrics of the pods the scale's selector matches, and the largest count wins", async () => {
    const { controller, usage, pods } = await unstarted(2);
    usage.milliCpu = 90;
    await pods.create({
      metadata: { name: 'other', labels: { app: 'other' } },
      spec: { containers: [{ name: 'app', image: 'kata/echo:1.0' }] },
    });
    const hpa = autoscaler();
    hpa.spec.metrics!.push({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
    });
    expect(
      await controller.metricReplicas(hpa, 2, 'app=web'),
      'two pods at 90%, targets of 50% and 80%',
    ).toEqual({
      replicas: 4,
      metric: 'cpu resource utilization (percentage of request)',
      statuses: [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '90m' } },
        },
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '90m' } },
        },
      ],
    });
  });

  test('metricReplicas refuses an empty selector and a metric it does not follow', async () => {
    const { controller } = await unstarted(1);
    await expect(
      controller.metricReplicas(autoscaler(), 1, ''),
      'an empty selector: "selector is required"',
    ).rejects.toThrow('selector is required');
    const pods = autoscaler({ metrics: [{ type: 'Pods' }] });
    await expect(
      controller.metricReplicas(pods, 1, 'app=web'),
      'a Pods metric: the error names it',
    ).rejects.toThrow('unsupported metric Pods');
  });

  test('decide: a target at 0 is left there, with ScalingActive False ScalingDisabled', async () => {
    const { controller, conditions } = await unstarted(1);
    const status = { desiredReplicas: 0 };
    const decision = await controller.decide(
      'default/web',
      autoscaler(),
      0,
      'app=web',
      status,
      conditions.set,
    );
    expect(decision, 'the decision for a target at 0').toEqual({
      desired: 0,
      reason: '',
      disabled: true,
    });
    expect(conditions.last.get('ScalingActive'), 'ScalingActive').toEqual([
      'False',
      'ScalingDisabled',
    ]);
  });

  test('decide: the metrics through normalize, with the metrics in the status; metrics that fail decide nothing', async () => {
    const { controller, conditions, usage } = await unstarted(2);
    usage.milliCpu = 90;
    const status: HorizontalPodAutoscaler['status'] = { desiredReplicas: 2 };
    const decision = await controller.decide(
      'default/web',
      autoscaler(),
      2,
      'app=web',
      status!,
      conditions.set,
    );
    expect(decision, 'two pods at 90%, target 50%').toEqual({
      desired: 4,
      reason: 'cpu resource utilization (percentage of request) above target',
    });
    expect(status!.currentMetrics?.length, 'the metric read, in the status').toBe(1);
    expect(conditions.last.get('ScalingActive'), 'ScalingActive').toEqual([
      'True',
      'ValidMetricFound',
    ]);
    usage.failure = 'no metrics yet';
    expect(
      await controller.decide('default/web', autoscaler(), 2, 'app=web', status!, conditions.set),
      'metrics failing',
    ).toBeUndefined();
    expect(conditions.last.get('ScalingActive'), 'ScalingActive').toEqual([
      'False',
      'FailedGetResourceMetric',
    ]);
  });

  test('pods above the target: the Deployment is scaled up through its scale subresource, with an Event and the status', async () => {
    const { usage, autoscalers, replicasNow, events, condition } = await setUp(2);
    usage.milliCpu = 90;
    await autoscalers.create(autoscaler());
    await waitFor(async () => (await replicasNow()) === 4, 'Deployment web scaled to 4');
    await waitFor(
      async () => (await autoscalers.get('web')).status?.desiredReplicas === 4,
      'the status says 4',
    );
    expect(await events(), 'two pods at 90% of their request, target 50%: 2 × 1.8 = 3.6').toContain(
      'Normal SuccessfulRescale: New size: 4; reason: cpu resource utilization (percentage of request) above target',
    );
    const status = (await autoscalers.get('web')).status!;
    expect(status.currentMetrics, 'the metric the controller read').toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', current: { averageUtilization: 90, averageValue: '90m' } },
      },
    ]);
    expect(status.lastScaleTime, "the rescale happened at the clock's time").toBe(at(start));
    expect((await condition('AbleToScale'))?.reason, 'AbleToScale after a rescale').toBe(
      'SucceededRescale',
    );
    expect((await condition('ScalingActive'))?.reason, 'ScalingActive with metrics read').toBe(
      'ValidMetricFound',
    );
    expect(
      (await condition('ScalingLimited'))?.status,
      'ScalingLimited when 4 is within 1..10',
    ).toBe('False');
  });

  test('a large scale-up is held to the scale-up policies: ScalingLimited True, ScaleUpLimit', async () => {
    const { usage, autoscalers, replicasNow, condition } = await setUp(1);
    usage.milliCpu = 500;
    await autoscalers.create(autoscaler());
    await waitFor(async () => (await replicasNow()) === 5, 'Deployment web scaled to 5');
    await waitFor(
      async () => (await condition('ScalingLimited')) !== undefined,
      'a ScalingLimited condition',
    );
    expect(
      await condition('ScalingLimited'),
      'one pod at 500%, target 50%: 10 wanted, 1 + 4 allowed',
    ).toMatchObject({
      status: 'True',
      reason: 'ScaleUpLimit',
    });
  });

  test('pods below the target: the scale-down waits for the stabilization window, then happens on a later sync', async () => {
    const { clock, usage, autoscalers, replicasNow, events, condition } = await setUp(4);
    usage.milliCpu = 10;
    await autoscalers.create(
      autoscaler({ behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }),
    );
    await waitFor(
      async () => (await condition('AbleToScale'))?.reason === 'ScaleDownStabilized',
      'AbleToScale ScaleDownStabilized',
    );
    expect(await replicasNow(), 'four pods at 10%, at once: the window holds the count').toBe(4);
    await waitFor(async () => {
      clock.advance(15_000);
      return (await autoscalers.get('web')).status?.desiredReplicas === 1;
    }, 'the autoscaler scaled down to 1 as the clock moves');
    expect(await replicasNow(), 'Deployment web after the scale-down').toBe(1);
    const scaled = Date.parse((await autoscalers.get('web')).status?.lastScaleTime ?? '');
    expect(
      scaled - start,
      'the scale-down came a 60 s window after the first recommendation, or later',
    ).toBeGreaterThanOrEqual(60_000);
    expect(await events(), 'the Event of the scale-down').toContain(
      'Normal SuccessfulRescale: New size: 1; reason: All metrics below target',
    );
  });

  test('metrics that cannot be read: ScalingActive False, a Warning Event, and the count stays', async () => {
    const { usage, autoscalers, replicasNow, events, condition } = await setUp(2);
    usage.failure =
      'unable to fetch metrics from resource metrics API: the server is currently unable to handle the request';
    await autoscalers.create(autoscaler());
    await waitFor(
      async () => (await condition('ScalingActive'))?.status === 'False',
      'ScalingActive False',
    );
    expect((await condition('ScalingActive'))?.reason, 'the reason').toBe(
      'FailedGetResourceMetric',
    );
    expect(await events(), 'the Warning event').toContain(
      `Warning FailedGetResourceMetric: ${usage.failure}`,
    );
    expect(await replicasNow(), 'the Deployment keeps its 2 replicas').toBe(2);
  });

  test('a count outside minReplicas..maxReplicas is brought inside at once, whatever the metrics say', async () => {
    const { autoscalers, replicasNow, events } = await setUp(3);
    await autoscalers.create(autoscaler({ maxReplicas: 2 }));
    await waitFor(
      async () => (await autoscalers.get('web')).status?.desiredReplicas === 2,
      'the autoscaler scaled to maxReplicas',
    );
    expect(await replicasNow(), 'Deployment web').toBe(2);
    expect(await events(), 'the reason given').toContain(
      'Normal SuccessfulRescale: New size: 2; reason: Current number of replicas above Spec.MaxReplicas',
    );
  });

  test('a changed spec is looked at at once, without waiting for the sync period', async () => {
    const { usage, autoscalers, replicasNow } = await setUp(2);
    usage.milliCpu = 90;
    await autoscalers.create(autoscaler());
    await waitFor(async () => (await replicasNow()) === 4, 'Deployment web scaled to 4');
    await autoscalers.patch('web', { spec: { maxReplicas: 3 } }, 'merge');
    await waitFor(
      async () => (await replicasNow()) === 3,
      'Deployment web scaled to the new maxReplicas, 3',
    );
  });

  test('a target scaled to zero by hand turns autoscaling off: ScalingActive False, ScalingDisabled', async () => {
    const { deployments, autoscalers, replicasNow, condition } = await setUp(2);
    await deployments.scale('web', 0);
    await autoscalers.create(autoscaler());
    await waitFor(
      async () => (await condition('ScalingActive'))?.reason === 'ScalingDisabled',
      'ScalingActive ScalingDisabled',
    );
    expect(await replicasNow(), 'the Deployment stays at 0').toBe(0);
  });

  test('a target that does not exist: AbleToScale False, FailedGetScale, and a Warning Event', async () => {
    const { autoscalers, condition, events } = await setUp(1);
    await autoscalers.create(
      autoscaler({
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'missing' },
      }),
    );
    await waitFor(
      async () => (await condition('AbleToScale'))?.reason === 'FailedGetScale',
      'AbleToScale FailedGetScale',
    );
    expect(
      (await events()).some((line) => line.startsWith('Warning FailedGetScale: ')),
      'a Warning FailedGetScale event',
    ).toBe(true);
  });
});
