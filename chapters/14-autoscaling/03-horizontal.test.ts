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
  createHorizontalController,
  setCondition,
  targetResource,
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
 * and Ready for ten minutes; a running controller on a FakeClock whose metrics say each pod uses
 * `usage.milliCpu` (a test changes it, or makes `usage.failure` throw).
 */
async function setUp(replicas: number) {
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
  const sawEvent = (line: string) =>
    waitFor(async () => (await events()).includes(line), `the Event "${line}"`);
  return {
    client,
    clock,
    usage,
    autoscalers,
    deployments,
    condition,
    replicasNow,
    events,
    sawEvent,
  };
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
