// Chapter 14's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

const calculator = 'The replica calculator > ';
const behavior = 'Scaling behavior > ';
const controller = 'The autoscaler controller > ';
const versions = 'Served versions > ';

export const chapter14: Chapter = {
  id: '14',
  slug: 'autoscaling',
  title: 'Autoscaling',
  builds:
    "the HorizontalPodAutoscaler controller (autoscaling/v2): the replica algorithm with its tolerance and its care for missing and unready pods, behavior's stabilization windows and rate policies, conditions and Events, scaling through the scale subresource",
  stages: [
    {
      title: 'Requests and utilization',
      from: `${calculator}a pod's request is the sum of its containers'; a container without one is an error`,
      functions: ['podRequest', 'utilizationRatio'],
    },
    {
      title: 'Which samples to trust',
      from: `${calculator}pods are sorted: deleted and failed ignored, without a sample missing, pending unready`,
      functions: ['isUnreadyForCpu', 'groupPods'],
    },
    {
      title: 'The replica count, missing and unready pods',
      from: `${calculator}desired = ceil(ready pods × usage ratio)`,
      functions: ['resourceReplicas'],
    },
    {
      title: 'Stabilization windows',
      from: `${behavior}the defaults: up at once by 4 pods or 100% per 15 s; down after 300 s by 100% per 15 s; a spec's fields win`,
      functions: ['withDefaults', 'stabilize', 'remember'],
    },
    {
      title: 'Rate policies and bounds',
      from: `${behavior}changeInPeriod adds up the events of the last period`,
      functions: ['changeInPeriod', 'scaleUpLimit', 'scaleDownLimit', 'limitRate'],
    },
    {
      title: 'Conditions, bounds and what a metric says',
      from: `${controller}setCondition replaces a condition by type, and moves lastTransitionTime only when its status flips`,
      functions: [
        'setCondition',
        'targetResource',
        'boundsDecision',
        'metricName',
        'resourceMetricStatus',
        'rescaleReason',
      ],
    },
    {
      title: 'The behavior of each autoscaler',
      from: `${controller}normalize stabilizes per autoscaler, starting its window with the current count, and says so in AbleToScale`,
      functions: ['HorizontalController.normalize', 'HorizontalController.storeScaleEvent'],
    },
    {
      title: 'The metrics of the target, and the decision',
      from: `${controller}metricReplicas reads the metrics of the pods the scale's selector matches, and the largest count wins`,
      functions: ['HorizontalController.metricReplicas', 'HorizontalController.decide'],
    },
    {
      title: 'The loop',
      from: `${controller}pods above the target: the Deployment is scaled up through its scale subresource, with an Event and the status`,
      functions: ['HorizontalController.run', 'HorizontalController.reconcile'],
      long: "the loop's first test needs run, reconcile and the whole pass (scale, decision, rescale, Event, status) before anything passes: a pass that stops short writes nothing a test can see",
    },
    {
      title: 'Reading the resource metrics API',
      from: "Resource metrics > a pod's sample is its containers' usage added up, in milli-units, with its time and window",
    },
    {
      title: 'CPU time, memory and a rate, from /proc',
      from: 'Resource usage > CPU time is utime + stime, fields 14 and 15 of /proc/<pid>/stat, in ticks of 1/100 s',
      functions: ['cpuFromStat', 'memoryFromStatm', 'usageNanoCores'],
    },
    {
      title: "The kubelet's summary",
      from: 'Resource usage > usage stats carry the rate, the cumulative CPU and the memory; addUsage sums them',
      functions: ['usageStats', 'addUsage', 'readProcess', 'StatsCollector.summary'],
    },
    {
      title: 'Metrics objects',
      from: 'The metrics server > usage is written in nanocores and kibibytes',
      functions: ['usageOf', 'nodeMetricsOf', 'podMetricsOf'],
    },
    {
      title: 'The metrics API',
      from: 'The metrics server > the API answers discovery, lists and single objects, and 404 for a name it has no metrics of',
      functions: ['metricsResourceList', 'answerMetrics'],
    },
    {
      title: 'autoscaling/v1: the view of a stored autoscaler',
      from: `${versions}isCpuUtilization: only a Resource metric of cpu with a Utilization target`,
      functions: ['isCpuUtilization', 'roundTripAnnotations', 'toAutoscalingV1'],
    },
    {
      title: 'autoscaling/v1: back to the stored version',
      from: `${versions}from v1: the CPU target becomes a metric; none at all is v1's old default of 80%`,
      functions: ['fromAutoscalingV1'],
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
    [`${controller}boundsDecision: a target scaled to 0 is left alone, one outside minReplicas..maxReplicas brought inside`]:
      'minReplicas ?? 1. Check in this order: 0 with a minReplicas not 0, above maxReplicas, below minReplicas; else undefined. Lesson: § The autoscaler controller.',
    [`${controller}a metric's name, its status, and the reason a rescale gives`]:
      'metricName: `${resource.name} resource utilization (percentage of request)`. resourceMetricStatus: averageValue is `${Math.round(rawAverage)}m` for cpu, Math.round(rawAverage / 1000) as text otherwise. Lesson: § The autoscaler controller.',
    [`${controller}normalize stabilizes per autoscaler, starting its window with the current count, and says so in AbleToScale`]:
      "A Map of histories by key; a missing one is [{ replicas: current, timestamp: now }]. stabilize, then set the key's history to remember(...). AbleToScale True: stabilize's reason when it changed the count, else ReadyForNewScale. Lesson: § The autoscaler controller.",
    [`${controller}normalize limits the rate with the rescales storeScaleEvent remembered`]:
      "limitRate with the key's ScaleHistory ({ up: [], down: [] } when none). storeScaleEvent pushes { change: |to − from|, timestamp: now } into up or down, dropping events older than the longest policy period. Lesson: § The autoscaler controller.",
    [`${controller}metricReplicas reads the metrics of the pods the scale's selector matches, and the largest count wins`]:
      'List pods with { labelSelector: selector }; for each metric (spec.metrics ?? defaultMetrics) call options.metrics.podMetrics and resourceReplicas; keep every resourceMetricStatus and the metric with the most replicas. Lesson: § The autoscaler controller.',
    [`${controller}metricReplicas refuses an empty selector and a metric it does not follow`]:
      'Throw before listing when the selector is empty; inside the loop, a type other than Resource or a target other than Utilization throws with the type in the message. Lesson: § The autoscaler controller.',
    [`${controller}decide: a target at 0 is left there, with ScalingActive False ScalingDisabled`]:
      'boundsDecision first; when it says disabled, set ScalingActive False ScalingDisabled; any bounds decision is returned as it is. Lesson: § The autoscaler controller.',
    [`${controller}decide: the metrics through normalize, with the metrics in the status; metrics that fail decide nothing`]:
      "metricReplicas in a try: the catch sets ScalingActive False FailedGetResourceMetric, records a Warning Event and answers undefined. Otherwise status.currentMetrics = statuses, ScalingActive True ValidMetricFound, normalize, and rescaleReason(metric, metrics' count, current). Lesson: § The autoscaler controller.",
    [`${controller}a changed spec is looked at at once, without waiting for the sync period`]:
      "The informer's update handler queues the key when metadata.generation changed (the API server raises it on a spec change, not on a status write). Lesson: § The autoscaler controller.",
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
    "Resource metrics > a pod's sample is its containers' usage added up, in milli-units, with its time and window":
      'For each item: the sum of parseQuantity(usage[resource] ?? "0") × 1000 over its containers, rounded; Date.parse(timestamp); parseDuration(window) from harness/components/flags.ts. Lesson: § Resource metrics.',
    'Resource metrics > the source asks the metrics API for the namespace, with the selector and the token':
      'new URL(config.server + podMetricsPath(namespace)), searchParams labelSelector; fetch with accept application/json and authorization "Bearer <token>" when there is one; podMetricsFrom(body.items). Lesson: § Resource metrics.',
    'Resource metrics > an error from the API is thrown with its message':
      'When !response.ok, read the body as a Status and throw with its message after "unable to get metrics for resource <resource>: unable to fetch metrics from resource metrics API: ". Lesson: § Resource metrics.',
    'Resource usage > CPU time is utime + stime, fields 14 and 15 of /proc/<pid>/stat, in ticks of 1/100 s':
      'Cut after the last ")" (the command may hold spaces and parentheses), split on spaces: utime and stime are the 12th and 13th fields there; (utime + stime) × 1e9 / ticksPerSecond. Lesson: § Resource usage.',
    'Resource usage > resident memory is the second field of /proc/<pid>/statm, in pages of 4096 bytes':
      'Split on spaces, Number of the second field, × pageSize; not a number throws. Lesson: § Resource usage.',
    'Resource usage > the rate between two readings is CPU time over wall time, in nanocores; without an earlier reading, 0':
      'CPU ns between the readings / wall ns between them (ms × 1e6) is cores; × 1e9 nanocores, rounded. No earlier reading, or no time between: 0. Lesson: § Resource usage.',
    'Resource usage > usage stats carry the rate, the cumulative CPU and the memory; addUsage sums them':
      'time is new Date(reading.time).toISOString() for both cpu and memory; workingSetBytes and rssBytes are the resident memory. addUsage adds each number over the parts, at the time given. Lesson: § Resource usage.',
    'Resource usage > readProcess reads a real process from /proc':
      'readFile `${proc}/${pid}/stat` and `statm` (utf8), then cpuFromStat and memoryFromStatm. Lesson: § Resource usage.',
    'Resource usage > the summary lists each running container by pod, with the rate since the previous summary, and the node as their sum':
      'listPodSandbox({ state: SANDBOX_READY }) and listContainers({ state: CONTAINER_RUNNING }); for each sandbox its containers by podSandboxId, each read by pid; a Map of the previous reading by container id. Lesson: § Resource usage.',
    'The metrics server > usage is written in nanocores and kibibytes':
      'cpu: `${Math.round(usageNanoCores)}n`; memory: `${Math.round(workingSetBytes / 1024)}Ki`. Lesson: § The metrics server.',
    'The metrics server > a summary gives its node NodeMetrics, and each sampled pod PodMetrics with its labels':
      'timestamp: the cpu time with its fraction cut (.000Z → Z); window: whole seconds + "s". Leave out pods without containers; put labels in metadata only when labelsOf gives some. Lesson: § The metrics server.',
    'The metrics server > the API answers discovery, lists and single objects, and 404 for a name it has no metrics of':
      'Strip the /apis/metrics.k8s.io/v1beta1 prefix: empty is discovery; /nodes[/name] and [/namespaces/ns]/pods[/name] by regular expressions; a list is { kind: NodeMetricsList or PodMetricsList, apiVersion, metadata: {}, items }. Lesson: § The metrics server.',
    'The metrics server > lists are narrowed by the label selector':
      'Filter the items with matches(metadata.labels ?? {}) before answering. Lesson: § The metrics server.',
    'Resource usage > a container that can no longer be read has ended: it is left out, and its reading forgotten':
      "Catch the reader's rejection and skip the container; after the loop delete from the previous readings every container id not seen this time. Lesson: § Resource usage.",
    'Resource usage > a process whose CPU time went back (a new process under the same container) counts 0, never less':
      'Math.max(0, current − previous) for the CPU between the readings. Lesson: § Resource usage.',
    'The metrics server > a pod without labels has none in its metadata; the list of all namespaces has every pod':
      'Spread labels into metadata only when labelsOf gave some; /pods without a namespace keeps every namespace. Lesson: § The metrics server.',
    'The metrics server > a pod it has no metrics of is a 404 podmetrics Status; an unknown path is not its own':
      'The Status: kind Status, apiVersion v1, status Failure, reason NotFound, code 404, message `podmetrics.metrics.k8s.io "<name>" not found`. A path that is neither nodes nor pods answers undefined. Lesson: § The metrics server.',
    [`${versions}isCpuUtilization: only a Resource metric of cpu with a Utilization target`]:
      "type 'Resource', resource.name 'cpu', resource.target.type 'Utilization' and an averageUtilization. Lesson: § Served versions.",
    [`${versions}to v1: the CPU utilization target and the current CPU utilization get their fields`]:
      'targetCPUUtilizationPercentage: the averageUtilization of the first metric of type Resource named cpu; the status keeps its four counts and takes currentCPUUtilizationPercentage from the first cpu current metric. Lesson: § Served versions.',
    [`${versions}to v1: the target is the first cpu metric, wherever it is; without a status there is none`]:
      "Find the first metric with type 'Resource' and resource.name 'cpu' (not the first metric); give the v1 object a status only when the stored one has one. Lesson: § Served versions.",
    [`${versions}to v1: what v1 has no field for travels in annotations; with nothing to keep there are none`]:
      'roundTripAnnotations: JSON.stringify of the metrics that are not isCpuUtilization, of status.currentMetrics, of status.conditions (each only when not empty) and of spec.behavior (when set). toAutoscalingV1 spreads them over the existing annotations, and deletes the field when the result is empty. Lesson: § Served versions.',
    [`${versions}from v1: the CPU target becomes a metric; none at all is v1's old default of 80%`]:
      "spec.metrics: the METRICS_ANNOTATION's list (annotationValue), then cpuUtilization(targetCPUUtilizationPercentage) when set; an empty list gets cpuUtilization(DEFAULT_CPU_UTILIZATION). apiVersion autoscaling/v2. Lesson: § Served versions.",
    [`${versions}from v1: the annotations go back into their fields and are removed; v2 → v1 → v2 loses nothing`]:
      'Read the four annotations with annotationValue, delete them from a copy of the annotations (and the field when none is left); behavior into spec, currentMetrics (else the CPU percentage as a Resource metric status) and conditions into status. Lesson: § Served versions.',
    [`${versions}from v1: without the current-metrics annotation, the current CPU utilization becomes a metric status`]:
      "currentMetrics: the annotation's list when there is one, else [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: currentCPUUtilizationPercentage } } }] when that is set. Lesson: § Served versions.",
    [`${versions}from v1: an annotation that is not JSON is a 400`]:
      'annotationValue throws the ApiError 400 for you: read every annotation through it. Lesson: § Served versions.',
  },
};
