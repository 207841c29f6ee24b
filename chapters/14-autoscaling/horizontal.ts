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
import type { ResourceType } from '../../harness/api/resources.ts';
import type {
  ConditionStatus,
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerCondition,
  HorizontalPodAutoscalerStatus,
  MetricSpec,
  MetricStatus,
  Pod,
} from '../../harness/api/types.ts';
import type {
  ApiClient,
  ClientConfig,
  Controller,
  Informer,
  Toolkit,
} from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { PodMetrics, ReplicaRecommendation } from './replica-calculator.ts';

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

const section = '§ The autoscaler controller';

/** The metric an autoscaler without metrics follows: CPU at 80% of the request. */
export const defaultMetrics: MetricSpec[] = [
  {
    type: 'Resource',
    resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
  },
];

/** How a metric is named in reasons and messages: "cpu resource utilization (percentage of request)". */
export function metricName(metric: MetricSpec): string {
  throw new NotImplemented('metricName', section);
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
  throw new NotImplemented('setCondition', section);
}

/** The resource a scaleTargetRef names ("apps/v1" Deployment → deployments); throws for an unknown kind. */
export function targetResource(hpa: HorizontalPodAutoscaler): ResourceType {
  throw new NotImplemented('targetResource', section);
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
 * { desired: 0, reason: '', disabled: true } when it was scaled to 0 by hand and minReplicas is
 * not 0 (autoscaling is off); maxReplicas above it, with the reason "Current number of replicas
 * above Spec.MaxReplicas"; minReplicas below it ("... below Spec.MinReplicas").
 */
export function boundsDecision(
  hpa: HorizontalPodAutoscaler,
  current: number,
): (Decision & { disabled?: boolean }) | undefined {
  throw new NotImplemented('boundsDecision', section);
}

/**
 * A resource metric's status: type Resource, the utilization, and the average as a quantity (cpu
 * in millicores rounded, "90m"; memory in bytes, the milli-bytes divided by 1000 and rounded).
 */
export function resourceMetricStatus(
  resource: string,
  recommendation: ReplicaRecommendation,
): MetricStatus {
  throw new NotImplemented('resourceMetricStatus', section);
}

/** Why a metric changes the count: "<metric> above target" going up, "All metrics below target" down. */
export function rescaleReason(metric: string, desired: number, current: number): string {
  throw new NotImplemented('rescaleReason', section);
}

export class HorizontalController {
  private readonly options: HorizontalControllerOptions;
  private readonly clock: TimerClock;

  /**
   * Make here, once, with this.clock: an informer on horizontalpodautoscalers (all namespaces) and
   * a controller (toolkit.createController, with a work queue on this.clock) whose reconcile is
   * `reconcile`. Feed its queue from the informer by hand: an added or deleted autoscaler, or one
   * whose metadata.generation changed, is queued at once; the controller's own status writes are
   * not (each autoscaler comes back every sync period anyway). Keep, per autoscaler key, its recent
   * recommendations (TimedRecommendation[]) and its recent rescales (ScaleHistory).
   */
  constructor(options: HorizontalControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * The metrics' count through the behavior (withDefaults of the spec's): stabilize against the
   * key's history (a key seen for the first time starts it with { current, now }), then remember
   * the new recommendation. AbleToScale True with stabilize's reason and message when it held the
   * count back, else ReadyForNewScale "recommended size matches current size". Then limitRate with
   * the key's rescales: ScalingLimited True with its reason when it changed the count, else False.
   */
  normalize(
    key: string,
    hpa: HorizontalPodAutoscaler,
    current: number,
    desired: number,
    set: ConditionSetter,
  ): number {
    throw new NotImplemented('HorizontalController.normalize', section);
  }

  /**
   * Remembers a rescale of the key from `from` to `to` at the clock's time, in `up` or `down` by its
   * direction, as a positive change; events older than the longest policy period are dropped.
   */
  storeScaleEvent(key: string, hpa: HorizontalPodAutoscaler, from: number, to: number): void {
    throw new NotImplemented('HorizontalController.storeScaleEvent', section);
  }

  /**
   * The largest count any metric asks for (spec.metrics, or defaultMetrics), with that metric's
   * name (metricName), and every metric's status (resourceMetricStatus). The pods are listed with
   * `selector` as labelSelector; each metric's samples come from options.metrics; resourceReplicas
   * does the rest with the clock's time and options.tolerance. Throws "selector is required" for an
   * empty selector, and "unsupported metric <type> <target type>: ..." for anything but a Resource
   * metric with a Utilization target.
   */
  async metricReplicas(
    hpa: HorizontalPodAutoscaler,
    current: number,
    selector: string,
  ): Promise<{ replicas: number; metric: string; statuses: MetricStatus[] }> {
    throw new NotImplemented('HorizontalController.metricReplicas', section);
  }

  /**
   * The count this pass wants, and why. boundsDecision first (disabled: ScalingActive False
   * ScalingDisabled "scaling is disabled since the replica count of the target is zero"); then
   * metricReplicas: on failure ScalingActive False FailedGetResourceMetric "the HPA was unable to
   * compute the replica count: <error>", a Warning Event FailedGetResourceMetric with the error's
   * message, and undefined; on success status.currentMetrics set, ScalingActive True
   * ValidMetricFound "the HPA was able to successfully calculate a replica count from <metric>",
   * and the count through normalize, with rescaleReason of the metrics' own count.
   */
  async decide(
    key: string,
    hpa: HorizontalPodAutoscaler,
    current: number,
    selector: string,
    status: HorizontalPodAutoscalerStatus,
    set: ConditionSetter,
  ): Promise<Decision | undefined> {
    throw new NotImplemented('HorizontalController.decide', section);
  }

  /** Runs the informer, waits for its sync (returns if `signal` aborts first), then runs the controller. */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('HorizontalController.run', section);
  }

  /**
   * One pass over the autoscaler under `key` (a deleted one: forget its recommendations and
   * rescales), always followed by another one syncPeriodMs later (queue.addAfter), even when the
   * pass failed. A pass:
   *   1. getScale of the target (targetResource): on failure AbleToScale False FailedGetScale, a
   *      Warning FailedGetScale Event, and the status written;
   *   2. the desired count: 0 with ScalingActive False ScalingDisabled when the scale is 0 and
   *      minReplicas is not; maxReplicas or minReplicas when the count is outside them ("Current
   *      number of replicas above Spec.MaxReplicas" / "below Spec.MinReplicas"); otherwise the
   *      largest resourceReplicas of the metrics (defaultMetrics when none; only Resource metrics
   *      with a Utilization target; the pods listed by the scale's status.selector), with
   *      ScalingActive True ValidMetricFound, or, when they cannot be read, ScalingActive False
   *      FailedGetResourceMetric, a Warning Event of the same reason, and no change;
   *   3. the metrics' count through the behavior (withDefaults): stabilize (a key seen for the
   *      first time starts its history with the current count), AbleToScale True with stabilize's
   *      reason when it held the count back, else ReadyForNewScale; then limitRate, ScalingLimited
   *      True with its reason when it changed the count, else False;
   *   4. a changed count: scale(); AbleToScale True SucceededRescale, a Normal SuccessfulRescale
   *      Event "New size: N; reason: R" (R: "<metric> above target" or "All metrics below
   *      target"), the rescale remembered for the policies, lastScaleTime now; a failed scale:
   *      AbleToScale False FailedUpdateScale and a Warning FailedRescale Event;
   *   5. the status (observedGeneration, currentReplicas, desiredReplicas, currentMetrics,
   *      conditions) written with updateStatus when it changed.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('HorizontalController.reconcile', section);
  }
}

/** The controller, as the controller-manager builds it. */
export function createHorizontalController(
  options: HorizontalControllerOptions,
): HorizontalController {
  return new HorizontalController(options);
}
