// Chapter 13b's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter13B: Chapter = {
  id: '13b',
  slug: 'daemonsets-statefulsets',
  title: 'DaemonSets and StatefulSets',
  builds:
    'the DaemonSet controller (a pod pinned to every node that fits, rolling updates with maxUnavailable and maxSurge) and the StatefulSet controller (ordinals, ordered start and reverse stop, a claim per pod, partitioned updates), both keeping ControllerRevisions for rollback',
  stages: [
    {
      title: 'Which nodes a daemon pod belongs on',
      from: 'Daemon pods > a requirement: In, NotIn, Exists, DoesNotExist on a value, Gt and Lt as integers',
      functions: [
        'matchesRequirement',
        'matchesNodeAffinity',
        'tolerates',
        'untoleratedTaints',
        'nodeFit',
      ],
    },
    {
      title: 'The daemon pod: tolerations, pinning and owner',
      from: 'Daemon pods > every daemon pod tolerates the taints of a node in trouble, besides its own tolerations',
      functions: [
        'daemonTolerations',
        'pinToNode',
        'ownerReferenceTo',
        'daemonPod',
        'daemonPodFor',
      ],
    },
    {
      title: 'The hash that names a template',
      from: 'Controller revisions > FNV-1a: offset basis 2166136261, each byte xor-ed in, then times the prime 16777619',
      functions: ['fnv32a', 'templateHash', 'revisionData', 'templateOf'],
    },
    {
      title: 'Revisions, their numbers and a rollback',
      from: 'Controller revisions > a new revision: "<owner>-<hash>", the template\'s labels and the hash, owned, numbered',
      functions: ['newRevision', 'nextRevisionNumber', 'revisionsToPrune', 'syncCurrentRevision'],
    },
    {
      title: 'Node views, and managing them',
      from: 'DaemonSets > a pod counts while active, is ready by its condition, available after minReadySeconds',
      functions: [
        'isActive',
        'isReady',
        'isAvailable',
        'nodeOfPod',
        'scaledValue',
        'nodeViews',
        'manage',
      ],
    },
    {
      title: 'The rolling update, with and without surge, and status',
      from: 'DaemonSets > a rolling update deletes old pods while fewer than maxUnavailable nodes lack an available pod',
      functions: ['rollingUpdate', 'daemonSetStatus'],
    },
    {
      title: 'The DaemonSet controller, step by step',
      from: 'DaemonSets > createPods makes a pod pinned to each node, and expects them until the informer shows them',
      functions: [
        'DaemonSetController.creationsObserved',
        'DaemonSetController.createPods',
        'DaemonSetController.deletePods',
        'DaemonSetController.writeStatus',
        'DaemonSetController.newestOf',
      ],
    },
    {
      title: 'The DaemonSet controller: a pod on every node, a new node too',
      from: "DaemonSets > pods' changes are batched: each hands the queue its DaemonSet's key, due 250 ms later",
      functions: [
        'batchedPodEvents',
        'DaemonSetController.run',
        'DaemonSetController.reconcile',
        'DaemonSetController.pruneRevisions',
      ],
    },
    {
      title: 'Ordinals and claims',
      from: 'Stateful pods > a pod is named "<set>-<ordinal>", and its ordinal read back from the name',
      functions: ['podName', 'ordinalOf', 'claimName', 'ownerReferenceToSet', 'claimsFor'],
    },
    {
      title: "A stateful pod's identity",
      from: 'Stateful pods > a stateful pod: its name, hostname and subdomain, identity labels, and its owner',
      functions: ['statefulPod'],
    },
    {
      title: 'Up in order, down in reverse',
      from: 'StatefulSets > a member is healthy when Running and ready; a finished one must be made again',
      functions: ['isRunningAndReady', 'hasFinished', 'scaleUp', 'scaleDown'],
    },
    {
      title: 'The update down to the partition, and status',
      from: 'StatefulSets > a rolling update replaces the highest ordinal first, down to the partition, one ready step at a time',
      functions: ['rollingUpdateStep', 'planStatefulSet', 'statefulSetStatus'],
    },
    {
      title: 'Creating a stateful pod and writing status',
      from: 'StatefulSets > createPod makes the claims first, then the pod of the revision given; twice is fine',
      functions: ['StatefulSetController.createPod', 'StatefulSetController.writeStatus'],
    },
    {
      title: 'The StatefulSet controller',
      from: 'StatefulSets > a StatefulSet of 3 starts web-0, then web-1, then web-2, each once the one before is ready',
      functions: ['StatefulSetController.run', 'StatefulSetController.reconcile'],
    },
  ],
  hints: {
    'Daemon pods > a requirement: In, NotIn, Exists, DoesNotExist on a value, Gt and Lt as integers':
      'Look the key up once; In and Exists need a value, NotIn and DoesNotExist hold when it is missing; for Gt and Lt parse both sides with Number.parseInt(..., 10) (NaN compares false). Lesson: § Daemon pods.',
    "Daemon pods > node affinity: every nodeSelector label, and one term's expressions and fields":
      "Every nodeSelector pair must equal the node's label; then some term must hold, a term being every matchExpression against the labels and every matchField against { 'metadata.name': the node's name }. Lesson: § Daemon pods.",
    'Daemon pods > tolerations: Equal needs key and value, Exists only the key, and an effect must agree':
      "Check the effect first (only when the toleration names one); Exists: no key tolerates all, else the keys must agree; otherwise key and value (missing value '') must both agree. Lesson: § Daemon pods.",
    'Daemon pods > only NoSchedule and NoExecute taints the pod does not tolerate keep it out':
      "Filter the node's spec.taints: drop PreferNoSchedule, and drop those some toleration of the pod tolerates. Lesson: § Daemon pods.",
    'Daemon pods > a node that does not match gets no pod; NoSchedule stops new pods only; NoExecute stops both':
      'No affinity match: both false. Otherwise shouldRun is "no untolerated taint", shouldContinueRunning is "no untolerated NoExecute taint". Lesson: § Daemon pods.',
    'Daemon pods > every daemon pod tolerates the taints of a node in trouble, besides its own tolerations':
      'Build the six (seven with hostNetwork) Exists tolerations in the order listed, then append those whose key and effect the pod does not already have, after its own. Lesson: § Daemon pods.',
    'Daemon pods > pinning replaces the required node affinity with matchFields metadata.name In [node]':
      'structuredClone the pod, then set spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution to one term with one matchFields requirement, spreading whatever affinity was there. Lesson: § Daemon pods.',
    "Daemon pods > a daemon pod: the template's, named after the DaemonSet, owned by it, labelled with the revision":
      'Copy the template (structuredClone), spread its metadata, add the hash label, generateName, namespace and [ownerReferenceTo(ds)]; then set spec.tolerations = daemonTolerations(pod). daemonPodFor pins it. Lesson: § Daemon pods.',
    'Controller revisions > FNV-1a: offset basis 2166136261, each byte xor-ed in, then times the prime 16777619':
      'Loop over new TextEncoder().encode(text): hash ^= byte; hash = Math.imul(hash, 16777619) >>> 0. Math.imul keeps the product in 32 bits, >>> 0 makes it unsigned. Lesson: § Controller revisions.',
    'Controller revisions > a template hash depends on the template, not on the order of its keys':
      'Write a small canonical JSON (arrays in order, object keys sorted, undefined values left out), hash it with fnv32a, then write the number in the safe alphabet: digit = value % 27, value = Math.floor(value / 27), until 0. Lesson: § Controller revisions.',
    "Controller revisions > a revision's data is a patch that replaces the whole template, and reads back as it":
      "revisionData wraps a copy as { spec: { template: { ...template, $patch: 'replace' } } }; templateOf takes data.spec.template and drops the $patch key. Lesson: § Controller revisions.",
    'Controller revisions > a new revision: "<owner>-<hash>", the template\'s labels and the hash, owned, numbered':
      "apiVersion apps/v1, kind ControllerRevision; the name from templateHash(owner.spec.template); labels: the template's plus the hash label; data: revisionData; revision: number. nextRevisionNumber is Math.max(0, ...numbers) + 1. Lesson: § Controller revisions.",
    'Controller revisions > pruning deletes the oldest revisions past the limit, never one in use':
      'Keep the revisions not in use, sort by revision ascending, and return the first (count - limit) of them (none if that is not positive). Lesson: § Controller revisions.',
    'Controller revisions > syncCurrentRevision makes the revision, finds it again, and renumbers an old one brought back':
      "Build newRevision(owner, reference, nextRevisionNumber(revisions)); look for a revision with its name: none, create it; found and highest, return it; found and lower, patch { revision: highest + 1 } with type 'merge'. Lesson: § Controller revisions.",
    'DaemonSets > a pod counts while active, is ready by its condition, available after minReadySeconds':
      "isActive: no deletionTimestamp and phase neither Succeeded nor Failed; isReady: a Ready condition with status 'True'; isAvailable: ready, and now - Date.parse(lastTransitionTime) >= minReadySeconds * 1000. Lesson: § DaemonSets.",
    'DaemonSets > a daemon pod is on its nodeName, or before it is bound on the node it is pinned to':
      'Return spec.nodeName when set; otherwise walk the required terms for a matchFields entry with key metadata.name, operator In and exactly one value. Lesson: § DaemonSets.',
    'DaemonSets > maxUnavailable and maxSurge: a number, or a percentage of the nodes rounded up':
      'A number is itself; a string ending in % is Math.ceil(percent * total / 100); undefined is 0. Lesson: § DaemonSets.',
    "DaemonSets > each node's view: its fit, and the DaemonSet's pods there; a vanished node's pods go in a view that fits nothing":
      "Compute the fit once from daemonPod(ds, '') per node; then put each pod in the view of nodeOfPod(pod), adding a view with both fits false for a name not among the nodes. Lesson: § DaemonSets.",
    'DaemonSets > manage: a pod where one should run and none does; none where it may not stay; one per revision':
      'Per view: !shouldContinueRunning → delete all; no pods → create if shouldRun; else sort oldest first and delete every pod whose revision hash was already seen. Lesson: § DaemonSets.',
    'DaemonSets > a rolling update deletes old pods while fewer than maxUnavailable nodes lack an available pod':
      'Count the nodes without an available pod first; then, for each node with old pods: delete them if none is available, else only while that count is below maxUnavailable, adding one per deletion. Lesson: § DaemonSets.',
    'DaemonSets > with maxSurge, the new pod starts beside the old one, which goes once the new one is available':
      'Count the nodes already surging (old pod beside a new one not yet available). New pod available: delete the old; no new pod: create one if the old is unavailable or surging < maxSurge (then surging++). Lesson: § DaemonSets.',
    'DaemonSets > status counts the nodes: desired, current, misscheduled, ready, updated, available':
      'desired = views with shouldRun; count among them those with any pod, a ready pod, a pod of hash, an available pod; misscheduled = views without shouldRun that have pods. Lesson: § DaemonSets.',
    'DaemonSets > createPods makes a pod pinned to each node, and expects them until the informer shows them':
      'Set this.expected for the key (a Set and the clock\'s now) before creating; create in batches of 1, 2, 4, ... and add each created pod\'s "namespace/name". creationsObserved drops the keys the pods informer has, and is done when the set is empty or over 30 s old. Lesson: § DaemonSets.',
    'DaemonSets > deletePods deletes the victims, a pod already gone is fine; writeStatus writes only a change':
      'deletePods: Promise.all of the deletes, catching NotFound. writeStatus: compare every field of the new status with ds.status first; only if one differs, updateStatus the cached DaemonSet with the merged status, falling back to updateWithRetry on a Conflict. Lesson: § DaemonSets.',
    'DaemonSets > after its own status write the controller works from what it wrote, until the informer shows newer':
      'writeStatus: after a successful updateStatus, remember per key the resourceVersion written over (add it to a Set kept while the informer lags) and the DaemonSet the server answered. newestOf(cached): the remembered DaemonSet while cached is one of those stale versions; else forget them and answer cached. Lesson: § DaemonSets.',
    "DaemonSets > pods' changes are batched: each hands the queue its DaemonSet's key, due 250 ms later":
      "Return add, update and delete handlers that call queue.addAfter(key, batchMs) for every key keysFor gives; update does it for the old pod and then the new one. The queue keeps a key's earliest due time, so the changes until then share one pass. Lesson: § DaemonSets.",
    'DaemonSets > a new DaemonSet gets one pod on each node, and its status says so':
      'Constructor: four informers (pods and revisions with the ownerUid indexer). run: watch daemonsets and revisions by their controller key, the pods with no keys plus batchedPodEvents(ownerKey, controller.queue, POD_UPDATES_BATCH_MS), nodes as every DaemonSet. reconcile: syncCurrentRevision, nodeViews, manage, create, write status. Lesson: § DaemonSets.',
    'DaemonSets > a node added later gets its pod; a node tainted NoExecute loses it; a deleted pod comes back':
      'The nodes informer must wake every DaemonSet: map a node event to the keys of all of them, and manage does the rest. Lesson: § DaemonSets.',
    'DaemonSets > a template change rolls every node to the new revision; OnDelete waits for pods deleted by hand':
      "When manage has nothing to do and the strategy is RollingUpdate (or unset), plan with rollingUpdate; OnDelete skips it, and manage alone makes the replacement of a deleted pod from today's template. Lesson: § DaemonSets.",
    'Stateful pods > a pod is named "<set>-<ordinal>", and its ordinal read back from the name':
      'Strip the "<set>-" prefix and accept the rest only if it matches /^(0|[1-9][0-9]*)$/; anything else is -1. Lesson: § Stateful pods.',
    'Stateful pods > a claim is named "<template>-<set>-<ordinal>" and copies the template with the set\'s labels':
      "claimName is `${templateName}-${podName(set, ordinal)}`; claimsFor maps volumeClaimTemplates to v1 PersistentVolumeClaims with that name, the set's namespace, labels and a copy of the spec. Lesson: § Stateful pods.",
    'Stateful pods > claims outlive the set unless its retention policy says whenDeleted: Delete':
      'Add ownerReferences: [ownerReferenceToSet(set)] only when persistentVolumeClaimRetentionPolicy?.whenDeleted is Delete; otherwise leave the field out. Lesson: § Stateful pods.',
    'Stateful pods > a stateful pod: its name, hostname and subdomain, identity labels, and its owner':
      "Copy the template, then set metadata (name, namespace, the three labels added to the template's, ownerReferences) and spec.hostname / spec.subdomain (only with a serviceName). Lesson: § Stateful pods.",
    'Stateful pods > a stateful pod mounts its own claim, in place of a template volume of the same name':
      'Make one { name, persistentVolumeClaim: { claimName } } per claim template, drop template volumes of those names, and put the claims after the rest. Lesson: § Stateful pods.',
    'StatefulSets > a member is healthy when Running and ready; a finished one must be made again':
      "isRunningAndReady: no deletionTimestamp, phase Running, a Ready condition 'True'. hasFinished: phase Succeeded or Failed. Lesson: § StatefulSets.",
    'StatefulSets > OrderedReady brings pods up one at a time: each waits for the one before to be ready':
      'Loop ordinals 0..replicas-1: missing → create; finished → delete; with OrderedReady return at once (waiting true) when the pod is missing or not isRunningAndReady. Lesson: § StatefulSets.',
    'StatefulSets > Parallel brings every missing pod up at once':
      'With Parallel the loop never returns early, and waiting stays false. Lesson: § StatefulSets.',
    'StatefulSets > scaling down removes the highest ordinal first, one at a time with OrderedReady':
      'Take the pods with ordinal >= replicas, sorted highest first. Parallel: all not being deleted; OrderedReady: [] while any pod has a deletionTimestamp, else only the first. Lesson: § StatefulSets.',
    'StatefulSets > a rolling update replaces the highest ordinal first, down to the partition, one ready step at a time':
      'OnDelete or any pod not isRunningAndReady: []. Else loop ordinal from replicas-1 down to partition and return [pod] for the first whose revision label is not updateRevision. Lesson: § StatefulSets.',
    'StatefulSets > a pass scales up first, then down, and updates only when neither has work':
      'Map the pods by ordinalOf (skipping -1); scaleUp; if waiting return its plan; then scaleDown (OrderedReady: return with it if it removes one); the update only when nothing was created or removed. Lesson: § StatefulSets.',
    'StatefulSets > status counts the pods of each revision; currentRevision moves once all are updated':
      'Count over the pods without a deletionTimestamp; done when updated === replicas and updated === their number; currentRevision = done ? updateRevision : currentRevision; count currentReplicas with that. Lesson: § StatefulSets.',
    'StatefulSets > createPod makes the claims first, then the pod of the revision given; twice is fine':
      'For each of claimsFor(set, ordinal) create it on persistentvolumeclaims, ignoring AlreadyExists; then create statefulPod(set, templateOf(revision), revision.metadata.name, ordinal), ignoring AlreadyExists too. Lesson: § StatefulSets.',
    'StatefulSets > a StatefulSet of 3 starts web-0, then web-1, then web-2, each once the one before is ready':
      'Constructor: three informers (pods and revisions with ownerUid). reconcile: syncCurrentRevision, planStatefulSet over the pods by owner, createPod for each ordinal, delete, write status. Lesson: § StatefulSets.',
    'StatefulSets > each pod gets its claim; web-1 deleted comes back as web-1 with the same claim':
      'createPod creates each of claimsFor(set, ordinal) first, ignoring AlreadyExists (the claim of a pod made again is already there), then the pod. Nothing ever deletes a claim. Lesson: § StatefulSets.',
    'StatefulSets > scaling 3 to 1 removes web-2 before web-1':
      'scaleDown takes one pod at a time with OrderedReady, and none while one is still being deleted: the informer event of web-2 going wakes the set for web-1. Lesson: § StatefulSets.',
    'StatefulSets > a rolling update with partition 1 updates web-2 and web-1, not web-0, then all once the partition is 0':
      'A pod deleted by the update is created again of the update revision; below the partition, createPod uses the current revision (the one status.currentRevision names). statefulSetStatus moves currentRevision when all are updated. Lesson: § StatefulSets.',
  },
};
