// Chapter 14's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

const calculator = 'The replica calculator > ';
const behavior = 'Scaling behavior > ';
const controller = 'The autoscaler controller > ';

export const chapter14: Chapter = {
  id: '14',
  slug: 'autoscaling',
  title: 'Autoscaling',
  builds:
    "the HorizontalPodAutoscaler controller (autoscaling/v2): the replica algorithm with its tolerance and its care for missing and unready pods, behavior's stabilization windows and rate policies, conditions and Events, scaling through the scale subresource",
  stages: [
    {
      title: 'Requests, utilization and the trust in a sample',
      from: `${calculator}a pod's request is the sum of its containers'; a container without one is an error`,
      functions: ['podRequest', 'utilizationRatio', 'isUnreadyForCpu', 'groupPods'],
    },
    {
      title: 'The replica count, missing and unready pods',
      from: `${calculator}desired = ceil(ready pods × usage ratio)`,
      functions: ['resourceReplicas'],
    },
    {
      title: 'Stabilization windows and rate policies',
      from: `${behavior}the defaults: up at once by 4 pods or 100% per 15 s; down after 300 s by 100% per 15 s; a spec's fields win`,
    },
    {
      title: 'The controller',
      from: `${controller}setCondition replaces a condition by type, and moves lastTransitionTime only when its status flips`,
    },
  ],
  hints: {
    [`${calculator}a pod's request is the sum of its containers'; a container without one is an error`]:
      'Loop over spec.containers; resources?.requests?.[resource] undefined throws the message word for word. cpu goes through milliCpu, anything else quantityValue × 1000 (harness/api/quantity.ts). Lesson: § The replica calculator.',
    [`${calculator}utilization is total usage over total requests, in whole percent; the ratio divides it by the target`]:
      'Add up metric.value and the request of every sampled pod that has a request (skip the others); Math.floor(usage × 100 / requested) is the utilization, utilization / target the ratio, usage / counted the average. No request counted: throw. Lesson: § The replica calculator.',
    [`${calculator}pods are sorted: deleted and failed ignored, without a sample missing, pending unready`]:
      'In this order for each pod: deletionTimestamp or phase Failed → ignored; Pending → unready; no sample → missing; cpu and isUnreadyForCpu → unready; else readyCount + 1. Lesson: § The replica calculator.',
    [`${calculator}a CPU sample is not trusted while the pod warms up: not ready, or sampled from before it became ready`]:
      'No Ready condition or no startTime: true. Started less than cpuInitializationPeriodMs ago: status False, or metric.timestamp < lastTransitionTime + windowMs. Lesson: § The replica calculator.',
    [`${calculator}after the warm-up a not-ready pod is unready only if it never was ready`]:
      'After the initialization period: status False and startTime + delayOfInitialReadinessStatusMs > lastTransitionTime (it turned unready right after starting and stayed so). Lesson: § The replica calculator.',
    [`${calculator}desired = ceil(ready pods × usage ratio)`]:
      'groupPods; drop the ignored and unready pods from a copy of the samples; requests of every pod; utilizationRatio; with no unready pods to rebalance and none missing: Math.ceil(ratio × readyCount). Lesson: § The replica calculator.',
    [`${calculator}within the tolerance of the target the count stays`]:
      'Before the ceil: Math.abs(1 - ratio) <= tolerance (defaultTolerance unless given) answers currentReplicas. Lesson: § The replica calculator.',
    [`${calculator}no pods, or no pod with a sample that counts, is an error`]:
      'Check pods.length first; then, after dropping ignored and unready samples, an empty map throws. Lesson: § The replica calculator.',
    [`${calculator}scaling up, a pod without a sample counts as using nothing`]:
      'With missing pods, look again: ratio > 1 fills each missing pod with 0, then utilizationRatio again, and ceil(new ratio × number of samples). The utilization reported stays the first one. Lesson: § The replica calculator.',
    [`${calculator}scaling down, a pod without a sample counts as using all of its request`]:
      'ratio < 1: fill each missing pod with its own request (100%). Lesson: § The replica calculator.',
    [`${calculator}unready pods count as using nothing when scaling up, and the count stays if that turns the ratio around`]:
      'Unready pods and ratio > 1: fill them with 0 too. Keep currentReplicas when the new ratio is within tolerance or on the other side of 1 from the first, or when the new count moves against it. Lesson: § The replica calculator.',
    [`${behavior}the defaults: up at once by 4 pods or 100% per 15 s; down after 300 s by 100% per 15 s; a spec's fields win`]:
      "Fill each of scaleUp and scaleDown field by field: the spec's value when set (??), else the default. Lesson: § Scaling behavior.",
    [`${behavior}going down, the highest recommendation of the window wins`]:
      'upLimit and downLimit start at desired; each past recommendation newer than now − window lowers upLimit (min) or raises downLimit (max). The answer: current raised to upLimit, then lowered to downLimit. Lesson: § Scaling behavior.',
    [`${behavior}going up, the lowest recommendation of the scale-up window wins; a window of 0 s holds nothing back`]:
      'The same function: a window of 0 s has a cutoff of now, and only recommendations strictly newer count. desired >= current is ScaleUpStabilized. Lesson: § Scaling behavior.',
    [`${behavior}remember keeps the recommendations still inside a window, then the new one`]:
      'Keep those with timestamp > new timestamp − the longer window, then append. Lesson: § Scaling behavior.',
    [`${behavior}changeInPeriod adds up the events of the last period`]:
      'Filter timestamp > now − period × 1000 and sum the changes. Lesson: § Scaling behavior.',
    [`${behavior}scaling up: Pods adds, Percent multiplies (rounded up), from the count the period began with; Max takes the larger`]:
      'For each policy: start = current − added in its period + removed in its period; Pods: start + value; Percent: Math.ceil(start × (1 + value / 100)). Max of the proposals. Lesson: § Scaling behavior.',
    [`${behavior}selectPolicy Min takes the smallest change, Disabled allows none`]:
      'Disabled answers current. Going up Min is the smallest proposal; going down (start − value, or Math.floor(start × (1 − value / 100))) Max is the smallest count and Min the largest. Lesson: § Scaling behavior.',
    [`${behavior}scaling down, what was removed in the period counts: Percent keeps (1 - value/100) of the starting count, rounded down`]:
      'The starting count puts back what the period removed: 4 now after removing 4 started at 8. Lesson: § Scaling behavior.',
    [`${behavior}limitRate bounds the change by the policies, then by maxReplicas and minReplicas, and says which held it`]:
      'Up: limit = max(scaleUpLimit, current); allowed is the smaller of limit and maxReplicas, reason ScaleUpLimit when the limit is smaller, else TooManyReplicas; clamp desired only when it is over. Down mirrors it with TooFewReplicas. Lesson: § Scaling behavior.',
    [`${behavior}limitRate going down: ScaleDownLimit when a policy holds it back`]:
      'Down: limit = min(scaleDownLimit, current); when minReplicas < limit the limit holds it, reason ScaleDownLimit. Lesson: § Scaling behavior.',
    [`${controller}setCondition replaces a condition by type, and moves lastTransitionTime only when its status flips`]:
      'Find the old one by type; keep its lastTransitionTime when the status is the same, else rfc3339(now). Replace it in place, or append. Lesson: § The autoscaler controller.',
    [`${controller}targetResource finds the resource of the scaleTargetRef's kind, which must have a scale subresource`]:
      'resourceForKind(apiVersion ?? "apps/v1", kind) from harness/api/resources.ts; throw when none, or when its subresources lack "scale", naming the kind. Lesson: § The autoscaler controller.',
    [`${controller}pods above the target: the Deployment is scaled up through its scale subresource, with an Event and the status`]:
      "The whole pass (see reconcile's doc comment): getScale, list pods by status.selector, podMetrics, resourceReplicas, stabilize and limitRate, scale(), recordEvent (harness/client/events.ts) with apiVersion and kind set, then updateStatus. Lesson: § The autoscaler controller.",
    [`${controller}a large scale-up is held to the scale-up policies: ScalingLimited True, ScaleUpLimit`]:
      'After stabilize, limitRate with the rescales remembered for this key; ScalingLimited is True with its reason when it changed the count. Lesson: § The autoscaler controller.',
    [`${controller}pods below the target: the scale-down waits for the stabilization window, then happens on a later sync`]:
      "Start a new key's history with { replicas: current, timestamp: now }, remember each recommendation, and queue.addAfter(key, syncPeriodMs) after every pass so the clock brings it back. Lesson: § The autoscaler controller.",
    [`${controller}metrics that cannot be read: ScalingActive False, a Warning Event, and the count stays`]:
      "Catch the metrics step: ScalingActive False FailedGetResourceMetric, a Warning event whose message is the error's, and no rescale. Lesson: § The autoscaler controller.",
    [`${controller}a count outside minReplicas..maxReplicas is brought inside at once, whatever the metrics say`]:
      'Before reading metrics: above maxReplicas the desired count is maxReplicas, reason "Current number of replicas above Spec.MaxReplicas" (and below minReplicas the mirror). Lesson: § The autoscaler controller.',
    [`${controller}a target scaled to zero by hand turns autoscaling off: ScalingActive False, ScalingDisabled`]:
      'scale.spec.replicas 0 with minReplicas not 0: desired 0, no rescale, ScalingActive False ScalingDisabled. Lesson: § The autoscaler controller.',
    [`${controller}a target that does not exist: AbleToScale False, FailedGetScale, and a Warning Event`]:
      'getScale throws 404: set AbleToScale False FailedGetScale, record a Warning FailedGetScale event and write the status. Lesson: § The autoscaler controller.',
  },
};
