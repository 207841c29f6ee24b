// Scaling behavior: what the controller does with a recommendation before it scales. A metric
// says "7 replicas" now and "3" a minute later; acting on each would make pods come and go with
// every spike. autoscaling/v2's `behavior` tames it in two steps:
//
//   stabilize   remember every recommendation for a while (the stabilization window; 300 s when
//               scaling down, 0 s when scaling up, by default) and, going down, take the highest
//               one of the window, going up the lowest: a change must hold for the whole window;
//   limit rate  policies cap the change within a period: "at most 4 pods per 15 s", "at most
//               100% per 15 s"; selectPolicy Max takes the policy allowing the largest change, Min
//               the smallest, Disabled none. What was already scaled in the period counts.
//
// Then minReplicas and maxReplicas bound the result. The conditions AbleToScale and ScalingLimited
// say which step held the count back.
import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Scaling behavior';

/** Rules with every field set, as the API server defaults them. */
export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: Array<{ type: 'Pods' | 'Percent'; value: number; periodSeconds: number }>;
}

/** A recommendation, with when it was made (ms since the epoch). */
export interface TimedRecommendation {
  replicas: number;
  timestamp: number;
}

/** A rescale the controller made: how many pods it added (or removed), and when. */
export interface ScaleEvent {
  change: number;
  timestamp: number;
}

/** Why a step changed the count, as a condition says it. */
export interface Verdict {
  replicas: number;
  reason: string;
  message: string;
}

/** The defaults autoscaling/v2 gives: up at once, by 4 pods or 100% per 15 s; down after 300 s, by 100% per 15 s. */
export function withDefaults(behavior: HorizontalPodAutoscalerBehavior | undefined): {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
} {
  throw new NotImplemented('withDefaults', section);
}

/**
 * The stabilized count: no lower than the lowest recommendation of the scale-up window, no higher
 * than the highest of the scale-down window (the new recommendation is in both), starting from the
 * current count. `history` holds the recommendations made before this one.
 */
export function stabilize(
  current: number,
  desired: number,
  history: TimedRecommendation[],
  up: ScalingRules,
  down: ScalingRules,
  now: number,
): Verdict {
  throw new NotImplemented('stabilize', section);
}

/**
 * The history kept for the next call: the recommendations still inside either window, then the
 * new one. (Kubernetes reuses one old slot instead; what is remembered is the same.)
 */
export function remember(
  history: TimedRecommendation[],
  recommendation: TimedRecommendation,
  up: ScalingRules,
  down: ScalingRules,
): TimedRecommendation[] {
  throw new NotImplemented('remember', section);
}

/** The pods added (or removed) by the events within the last `periodSeconds`. */
export function changeInPeriod(events: ScaleEvent[], periodSeconds: number, now: number): number {
  throw new NotImplemented('changeInPeriod', section);
}

/** The events of the last scale-ups and scale-downs, each change counted as a positive number. */
export interface ScaleHistory {
  up: ScaleEvent[];
  down: ScaleEvent[];
}

/**
 * The most replicas the scale-up policies allow now. Each policy counts from the replicas there
 * were when its period began (what was added since is taken back, what was removed put back):
 * Pods adds its value, Percent multiplies by 1 + value/100, rounded up. Max keeps the largest
 * proposal, Min the smallest; Disabled allows no change at all.
 */
export function scaleUpLimit(
  current: number,
  events: ScaleHistory,
  rules: ScalingRules,
  now: number,
): number {
  throw new NotImplemented('scaleUpLimit', section);
}

/**
 * The fewest replicas the scale-down policies allow now: from each period's starting count, Pods
 * takes its value away, Percent keeps (1 - value/100) of it, rounded down. Max keeps the largest
 * change (the lowest count), Min the smallest; Disabled allows none.
 */
export function scaleDownLimit(
  current: number,
  events: ScaleHistory,
  rules: ScalingRules,
  now: number,
): number {
  throw new NotImplemented('scaleDownLimit', section);
}

export interface RateInput {
  current: number;
  desired: number;
  minReplicas: number;
  maxReplicas: number;
  events: ScaleHistory;
  up: ScalingRules;
  down: ScalingRules;
  now: number;
}

/**
 * The count after the rate limits and the bounds, with the reason ScalingLimited gives: going up,
 * no more than the scale-up limit (ScaleUpLimit) or maxReplicas (TooManyReplicas); going down, no
 * fewer than the scale-down limit (ScaleDownLimit) or minReplicas (TooFewReplicas); otherwise
 * DesiredWithinRange.
 */
export function limitRate(input: RateInput): Verdict {
  throw new NotImplemented('limitRate', section);
}
