// The HorizontalPodAutoscaler controller: every sync period (15 s, --horizontal-pod-autoscaler-
// sync-period), for each autoscaler, read the target's scale, read its pods' metrics, compute the
// replicas they ask for, tame the answer with the behavior, and write it to the scale
// subresource. Because it goes through `scale`, it scales anything that has one (Deployments,
// ReplicaSets, StatefulSets) without knowing what they are.
//
// reconcile(key), one pass for one autoscaler:
//   1. the target's scale: its replicas now, and its pods' selector as text;
//   2. the desired count: 0 if the target was scaled to 0 by hand (autoscaling is then off);
//      maxReplicas or minReplicas if the current count is outside them; otherwise the largest
//      count any metric asks for (replica-calculator.ts), stabilized and rate-limited
//      (scaling-behavior.ts);
//   3. a rescale through the scale subresource when the count changes, with an Event;
//   4. the status: current and desired replicas, the metrics read, the conditions AbleToScale,
//      ScalingActive and ScalingLimited, lastScaleTime.
// The recommendations and scale events behind the behavior live in memory, per autoscaler, as in
// kube-controller-manager: a restarted controller starts its windows afresh.
import { resourceForKind, type ResourceType } from '../../harness/api/resources.ts';
import type {
  ConditionStatus,
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerCondition,
  HorizontalPodAutoscalerStatus,
  MetricSpec,
  MetricStatus,
  Pod,
} from '../../harness/api/types.ts';
import { recordEvent, type EventNote } from '../../harness/client/events.ts';
import type {
  ApiClient,
  ClientConfig,
  Controller,
  Informer,
  Toolkit,
} from '../../harness/client/types.ts';
import { rfc3339, systemClock, type TimerClock } from '../../harness/clock.ts';
import {
  resourceReplicas,
  type PodMetrics,
  type ReplicaRecommendation,
} from './replica-calculator.ts';
import {
  limitRate,
  remember,
  stabilize,
  withDefaults,
  type ScaleHistory,
  type TimedRecommendation,
} from './scaling-behavior.ts';

/** Where the controller reads the pods' resource metrics: the metrics API, or a fake in tests. */
export interface ResourceMetricsSource {
  /** The samples of `resource` of the pods in `namespace` that `selector` (text) matches, by pod name. */
  podMetrics(namespace: string, selector: string, resource: string): Promise<PodMetrics>;
}

export interface HorizontalControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  metrics: ResourceMetricsSource;
  clock?: TimerClock;
  /** How often each autoscaler is looked at again: 15 s (--horizontal-pod-autoscaler-sync-period). */
  syncPeriodMs?: number;
  /** 0.1 (--horizontal-pod-autoscaler-tolerance). */
  tolerance?: number;
}

/** The component name Events carry. */
export const component = 'horizontal-pod-autoscaler';

/** The metric an autoscaler without metrics follows: CPU at 80% of the request. */
export const defaultMetrics: MetricSpec[] = [
  {
    type: 'Resource',
    resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
  },
];

/** How a metric is named in reasons and messages: "cpu resource utilization (percentage of request)". */
export function metricName(metric: MetricSpec): string {
  return `${metric.resource?.name} resource utilization (percentage of request)`;
}

/**
 * `conditions` with one condition set: replaced in place, its lastTransitionTime kept when its
 * status did not change, and set to `now` when it did (or when it is new).
 */
export function setCondition(
  conditions: HorizontalPodAutoscalerCondition[],
  type: HorizontalPodAutoscalerCondition['type'],
  status: ConditionStatus,
  reason: string,
  message: string,
  now: number,
): HorizontalPodAutoscalerCondition[] {
  const old = conditions.find((condition) => condition.type === type);
  const lastTransitionTime =
    old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now);
  const updated = { type, status, lastTransitionTime, reason, message };
  return old
    ? conditions.map((condition) => (condition.type === type ? updated : condition))
    : [...conditions, updated];
}

/** The resource a scaleTargetRef names ("apps/v1" Deployment → deployments); throws for an unknown kind. */
export function targetResource(hpa: HorizontalPodAutoscaler): ResourceType {
  const { apiVersion = 'apps/v1', kind } = hpa.spec.scaleTargetRef;
  const found = resourceForKind(apiVersion, kind);
  if (!found || !found.subresources.includes('scale')) {
    throw new Error(
      `the server could not find the requested resource ${kind} in ${apiVersion} with a scale subresource`,
    );
  }
  return found;
}

/** Sets one condition of the autoscaler being reconciled. */
export type ConditionSetter = (
  type: HorizontalPodAutoscalerCondition['type'],
  status: ConditionStatus,
  reason: string,
  message: string,
) => void;

/** What one pass decided: the count, and why it changes. */
export interface Decision {
  desired: number;
  /** "cpu resource utilization (percentage of request) above target". */
  reason: string;
}

/**
 * The count a target must have whatever its metrics say, or undefined when the metrics decide:
 * 0 when it was scaled to 0 by hand and minReplicas is not 0 (autoscaling is off: `disabled`);
 * maxReplicas above it, minReplicas below it.
 */
export function boundsDecision(
  hpa: HorizontalPodAutoscaler,
  current: number,
): (Decision & { disabled?: boolean }) | undefined {
  const minReplicas = hpa.spec.minReplicas ?? 1;
  if (current === 0 && minReplicas !== 0) return { desired: 0, reason: '', disabled: true };
  if (current > hpa.spec.maxReplicas) {
    return {
      desired: hpa.spec.maxReplicas,
      reason: 'Current number of replicas above Spec.MaxReplicas',
    };
  }
  if (current < minReplicas) {
    return { desired: minReplicas, reason: 'Current number of replicas below Spec.MinReplicas' };
  }
  return undefined;
}

/** A resource metric's status: the utilization, and the average (cpu in millicores, "90m"; memory in bytes). */
export function resourceMetricStatus(
  resource: string,
  recommendation: ReplicaRecommendation,
): MetricStatus {
  const average = recommendation.rawAverage;
  const averageValue =
    resource === 'cpu' ? `${Math.round(average)}m` : `${Math.round(average / 1000)}`;
  return {
    type: 'Resource',
    resource: {
      name: resource,
      current: { averageUtilization: recommendation.utilization, averageValue },
    },
  };
}

/** Why a metric changes the count: "<metric> above target" going up, "All metrics below target" down. */
export function rescaleReason(metric: string, desired: number, current: number): string {
  return desired > current ? `${metric} above target` : 'All metrics below target';
}

export class HorizontalController {
  private readonly options: HorizontalControllerOptions;
  private readonly clock: TimerClock;
  private readonly syncPeriodMs: number;
  private readonly autoscalers: Informer<HorizontalPodAutoscaler>;
  private readonly controller: Controller;
  /** Each autoscaler's recent recommendations, for the stabilization windows. */
  private readonly recommendations = new Map<string, TimedRecommendation[]>();
  /** Each autoscaler's recent rescales, for the rate policies. */
  private readonly scaleEvents = new Map<string, ScaleHistory>();

  constructor(options: HorizontalControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.syncPeriodMs = options.syncPeriodMs ?? 15_000;
    const { toolkit, client } = options;
    this.autoscalers = toolkit.createInformer(
      client.resource<HorizontalPodAutoscaler>('horizontalpodautoscalers'),
      { clock: this.clock },
    );
    this.controller = toolkit.createController({
      name: 'horizontal-pod-autoscaler',
      reconcile: (key) => this.reconcile(key),
      queue: toolkit.createWorkQueue({ clock: this.clock }),
    });
    // A new or deleted autoscaler, or a changed spec, is looked at now; the controller's own
    // status writes are not (each autoscaler comes back every sync period anyway).
    const enqueue = (hpa: HorizontalPodAutoscaler) => this.controller.queue.add(toolkit.keyOf(hpa));
    this.autoscalers.addEventHandlers({
      add: enqueue,
      update: (old, hpa) => {
        if (old.metadata.generation !== hpa.metadata.generation) enqueue(hpa);
      },
      delete: enqueue,
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    this.autoscalers.run(signal);
    try {
      await this.autoscalers.waitForSync(signal);
    } catch {
      return;
    }
    await this.controller.run(signal);
  }

  /**
   * The metrics' count through the behavior: stabilized over the windows (AbleToScale says whether
   * it was held back), then rate-limited and bounded (ScalingLimited says whether it was).
   */
  normalize(
    key: string,
    hpa: HorizontalPodAutoscaler,
    current: number,
    desired: number,
    set: ConditionSetter,
  ): number {
    const { scaleUp, scaleDown } = withDefaults(hpa.spec.behavior);
    const now = this.clock.now();
    // An autoscaler seen for the first time starts with the current count in its window, so a
    // restarted controller does not scale down at once.
    const history = this.recommendations.get(key) ?? [{ replicas: current, timestamp: now }];
    const stable = stabilize(current, desired, history, scaleUp, scaleDown, now);
    this.recommendations.set(
      key,
      remember(history, { replicas: desired, timestamp: now }, scaleUp, scaleDown),
    );
    if (stable.replicas !== desired) set('AbleToScale', 'True', stable.reason, stable.message);
    else set('AbleToScale', 'True', 'ReadyForNewScale', 'recommended size matches current size');
    const limited = limitRate({
      current,
      desired: stable.replicas,
      minReplicas: hpa.spec.minReplicas ?? 1,
      maxReplicas: hpa.spec.maxReplicas,
      events: this.scaleEvents.get(key) ?? { up: [], down: [] },
      up: scaleUp,
      down: scaleDown,
      now,
    });
    set(
      'ScalingLimited',
      limited.replicas === stable.replicas ? 'False' : 'True',
      limited.reason,
      limited.message,
    );
    return limited.replicas;
  }

  /** Remembers a rescale for the rate policies, forgetting those older than the longest period. */
  storeScaleEvent(key: string, hpa: HorizontalPodAutoscaler, from: number, to: number): void {
    const { scaleUp, scaleDown } = withDefaults(hpa.spec.behavior);
    const periods = [...scaleUp.policies, ...scaleDown.policies].map(
      (policy) => policy.periodSeconds,
    );
    const now = this.clock.now();
    const cutoff = now - Math.max(0, ...periods) * 1000;
    const history = this.scaleEvents.get(key) ?? { up: [], down: [] };
    const recent = (events: ScaleHistory['up']) =>
      events.filter((event) => event.timestamp > cutoff);
    const event = { change: Math.abs(to - from), timestamp: now };
    this.scaleEvents.set(key, {
      up: to > from ? [...recent(history.up), event] : recent(history.up),
      down: to < from ? [...recent(history.down), event] : recent(history.down),
    });
  }

  /**
   * The largest count any of the autoscaler's metrics asks for, with that metric's name, and every
   * metric's status. The pods are those the scale's selector matches.
   */
  async metricReplicas(hpa: HorizontalPodAutoscaler, current: number, selector: string) {
    if (!selector) throw new Error('selector is required');
    const namespace = hpa.metadata.namespace!;
    const pods = this.options.client.resource<Pod>('pods', namespace);
    const items = (await pods.list({ labelSelector: selector })).items;
    let best: { replicas: number; metric: string } | undefined;
    const statuses: MetricStatus[] = [];
    for (const metric of hpa.spec.metrics ?? defaultMetrics) {
      const target = metric.resource?.target;
      if (metric.type !== 'Resource' || target?.type !== 'Utilization') {
        throw new Error(
          `unsupported metric ${metric.type} ${target?.type ?? ''}: only Resource metrics with a Utilization target are followed`,
        );
      }
      const resource = metric.resource!.name;
      const recommendation = resourceReplicas({
        currentReplicas: current,
        targetUtilization: target.averageUtilization ?? 80,
        resource,
        pods: items,
        metrics: await this.options.metrics.podMetrics(namespace, selector, resource),
        now: this.clock.now(),
        tolerance: this.options.tolerance,
      });
      statuses.push(resourceMetricStatus(resource, recommendation));
      if (!best || recommendation.replicas > best.replicas) {
        best = { replicas: recommendation.replicas, metric: metricName(metric) };
      }
    }
    return { ...best!, statuses };
  }

  /** One pass over the autoscaler under `key`, then another one sync period later. */
  async reconcile(key: string): Promise<void> {
    const hpa = this.autoscalers.get(key);
    if (!hpa) {
      this.recommendations.delete(key);
      this.scaleEvents.delete(key);
      return;
    }
    try {
      await this.reconcileAutoscaler(key, structuredClone(hpa));
    } finally {
      this.controller.queue.addAfter(key, this.syncPeriodMs);
    }
  }

  /** The pass: read the scale, decide, rescale, write the status. */
  private async reconcileAutoscaler(key: string, hpa: HorizontalPodAutoscaler): Promise<void> {
    const before = JSON.stringify(hpa.status ?? {});
    const status: HorizontalPodAutoscalerStatus = { desiredReplicas: 0, ...hpa.status };
    const set: ConditionSetter = (type, value, reason, message) => {
      status.conditions = setCondition(
        status.conditions ?? [],
        type,
        value,
        reason,
        message,
        this.clock.now(),
      );
    };
    const write = () => this.writeStatus(hpa, before, status);
    const name = hpa.spec.scaleTargetRef.name;
    let scales;
    let scale;
    try {
      scales = this.options.client.resource(targetResource(hpa).resource, hpa.metadata.namespace);
      scale = await scales.getScale(name);
    } catch (error) {
      const message = (error as Error).message;
      set(
        'AbleToScale',
        'False',
        'FailedGetScale',
        `the HPA controller was unable to get the target's current scale: ${message}`,
      );
      await this.event(hpa, 'Warning', 'FailedGetScale', message);
      return write();
    }
    const current = scale.spec.replicas ?? 0;
    Object.assign(status, {
      observedGeneration: hpa.metadata.generation,
      currentReplicas: scale.status.replicas,
      desiredReplicas: current,
    });
    const decision = await this.decide(key, hpa, current, scale.status.selector ?? '', status, set);
    if (!decision || decision.desired === current) return write();
    try {
      await scales.scale(name, decision.desired);
    } catch (error) {
      const message = (error as Error).message;
      set(
        'AbleToScale',
        'False',
        'FailedUpdateScale',
        `the HPA controller was unable to update the target scale: ${message}`,
      );
      await this.event(
        hpa,
        'Warning',
        'FailedRescale',
        `New size: ${decision.desired}; reason: ${decision.reason}; error: ${message}`,
      );
      return write();
    }
    set(
      'AbleToScale',
      'True',
      'SucceededRescale',
      `the HPA controller was able to update the target scale to ${decision.desired}`,
    );
    await this.event(
      hpa,
      'Normal',
      'SuccessfulRescale',
      `New size: ${decision.desired}; reason: ${decision.reason}`,
    );
    this.storeScaleEvent(key, hpa, current, decision.desired);
    Object.assign(status, {
      desiredReplicas: decision.desired,
      lastScaleTime: rfc3339(this.clock.now()),
    });
    return write();
  }

  /**
   * The count this pass wants, and why: the bounds first, then the metrics through the behavior.
   * Undefined when the metrics could not be read (the count then stays).
   */
  async decide(
    key: string,
    hpa: HorizontalPodAutoscaler,
    current: number,
    selector: string,
    status: HorizontalPodAutoscalerStatus,
    set: ConditionSetter,
  ): Promise<Decision | undefined> {
    const bounded = boundsDecision(hpa, current);
    if (bounded?.disabled) {
      set(
        'ScalingActive',
        'False',
        'ScalingDisabled',
        'scaling is disabled since the replica count of the target is zero',
      );
    }
    if (bounded) return bounded;
    let proposal;
    try {
      proposal = await this.metricReplicas(hpa, current, selector);
    } catch (error) {
      const message = (error as Error).message;
      set(
        'ScalingActive',
        'False',
        'FailedGetResourceMetric',
        `the HPA was unable to compute the replica count: ${message}`,
      );
      await this.event(hpa, 'Warning', 'FailedGetResourceMetric', message);
      return undefined;
    }
    status.currentMetrics = proposal.statuses;
    set(
      'ScalingActive',
      'True',
      'ValidMetricFound',
      `the HPA was able to successfully calculate a replica count from ${proposal.metric}`,
    );
    const desired = this.normalize(key, hpa, current, proposal.replicas, set);
    return { desired, reason: rescaleReason(proposal.metric, proposal.replicas, current) };
  }

  /** Writes the status when it changed. */
  private async writeStatus(
    hpa: HorizontalPodAutoscaler,
    before: string,
    status: HorizontalPodAutoscalerStatus,
  ): Promise<void> {
    if (JSON.stringify(status) === before) return;
    const autoscalers = this.options.client.resource<HorizontalPodAutoscaler>(
      'horizontalpodautoscalers',
      hpa.metadata.namespace,
    );
    await autoscalers.updateStatus({ ...hpa, status });
  }

  private event(
    hpa: HorizontalPodAutoscaler,
    type: EventNote['type'],
    reason: string,
    message: string,
  ): Promise<void> {
    const object = { ...hpa, apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' };
    return recordEvent(
      this.options.client,
      component,
      object,
      { type, reason, message },
      this.clock,
    );
  }
}

/** The controller, as the controller-manager builds it. */
export function createHorizontalController(
  options: HorizontalControllerOptions,
): HorizontalController {
  return new HorizontalController(options);
}
