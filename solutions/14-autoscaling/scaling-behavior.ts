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
  const fill = (rules: HPAScalingRules | undefined, fallback: ScalingRules): ScalingRules => ({
    stabilizationWindowSeconds:
      rules?.stabilizationWindowSeconds ?? fallback.stabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? fallback.selectPolicy,
    policies: rules?.policies ?? fallback.policies,
  });
  return {
    scaleUp: fill(behavior?.scaleUp, {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    }),
    scaleDown: fill(behavior?.scaleDown, {
      stabilizationWindowSeconds: 300,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    }),
  };
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
  const upCutoff = now - up.stabilizationWindowSeconds * 1000;
  const downCutoff = now - down.stabilizationWindowSeconds * 1000;
  let upLimit = desired;
  let downLimit = desired;
  for (const past of history) {
    if (past.timestamp > upCutoff) upLimit = Math.min(upLimit, past.replicas);
    if (past.timestamp > downCutoff) downLimit = Math.max(downLimit, past.replicas);
  }
  const replicas = Math.min(Math.max(current, upLimit), downLimit);
  return desired >= current
    ? {
        replicas,
        reason: 'ScaleUpStabilized',
        message:
          'recent recommendations were lower than current one, applying the lowest recent recommendation',
      }
    : {
        replicas,
        reason: 'ScaleDownStabilized',
        message:
          'recent recommendations were higher than current one, applying the highest recent recommendation',
      };
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
  const longest = Math.max(up.stabilizationWindowSeconds, down.stabilizationWindowSeconds) * 1000;
  const kept = history.filter((past) => past.timestamp > recommendation.timestamp - longest);
  return [...kept, recommendation];
}

/** The pods added (or removed) by the events within the last `periodSeconds`. */
export function changeInPeriod(events: ScaleEvent[], periodSeconds: number, now: number): number {
  const cutoff = now - periodSeconds * 1000;
  return events.filter((event) => event.timestamp > cutoff).reduce((sum, e) => sum + e.change, 0);
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
  if (rules.selectPolicy === 'Disabled') return current;
  const proposals = rules.policies.map((policy) => {
    const start =
      current -
      changeInPeriod(events.up, policy.periodSeconds, now) +
      changeInPeriod(events.down, policy.periodSeconds, now);
    return policy.type === 'Pods'
      ? start + policy.value
      : Math.ceil(start * (1 + policy.value / 100));
  });
  return rules.selectPolicy === 'Min' ? Math.min(...proposals) : Math.max(...proposals);
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
  if (rules.selectPolicy === 'Disabled') return current;
  const proposals = rules.policies.map((policy) => {
    const start =
      current -
      changeInPeriod(events.up, policy.periodSeconds, now) +
      changeInPeriod(events.down, policy.periodSeconds, now);
    return policy.type === 'Pods'
      ? start - policy.value
      : Math.floor(start * (1 - policy.value / 100));
  });
  return rules.selectPolicy === 'Min' ? Math.max(...proposals) : Math.min(...proposals);
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
  const { current, desired, now } = input;
  if (desired > current) {
    const limit = Math.max(scaleUpLimit(current, input.events, input.up, now), current);
    const [allowed, reason, message] =
      input.maxReplicas > limit
        ? [
            limit,
            'ScaleUpLimit',
            'the desired replica count is increasing faster than the maximum scale rate',
          ]
        : [
            input.maxReplicas,
            'TooManyReplicas',
            'the desired replica count is more than the maximum replica count',
          ];
    if (desired > allowed) return { replicas: allowed, reason, message };
  } else if (desired < current) {
    const limit = Math.min(scaleDownLimit(current, input.events, input.down, now), current);
    const [allowed, reason, message] =
      input.minReplicas < limit
        ? [
            limit,
            'ScaleDownLimit',
            'the desired replica count is decreasing faster than the maximum scale rate',
          ]
        : [
            input.minReplicas,
            'TooFewReplicas',
            'the desired replica count is less than the minimum replica count',
          ];
    if (desired < allowed) return { replicas: allowed, reason, message };
  }
  return {
    replicas: desired,
    reason: 'DesiredWithinRange',
    message: 'the desired count is within the acceptable range',
  };
}
