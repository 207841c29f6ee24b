// Chapter 08's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter8: Chapter = {
  id: '08',
  slug: 'deployments',
  title: 'Deployments',
  builds:
    'the Deployment controller: one ReplicaSet per pod template, rolling updates within maxSurge and maxUnavailable, Recreate, pause, rollback and revision history',
  stages: [
    {
      title: 'The pod-template-hash and the two bounds',
      from: 'The pod-template-hash > FNV-1a gives the published values: "" is 0x811c9dc5, "a" is 0xe40c292c',
    },
    {
      title: 'One rolling step: grow the new, shrink the old',
      from: 'Rollout arithmetic > the new ReplicaSet grows as far as replicas + maxSurge pods allow, and no further',
      functions: ['podsOf', 'availableOf', 'newReplicaSetReplicas', 'oldReplicaSetsScaleDown'],
    },
    {
      title: 'Shares when scaled; which ReplicaSet is new',
      from: 'Rollout arithmetic > scaled in the middle of a rollout, each ReplicaSet keeps its share of replicas + maxSurge',
      functions: ['proportionalSizes', 'newAndOldReplicaSets'],
    },
    {
      title: 'The ReplicaSet for a template, and its revision',
      from: 'The ReplicaSets of a Deployment > the ReplicaSet for a new template is named after its hash and selects only its own pods',
      functions: ['nextRevision', 'sizeAnnotations', 'newReplicaSetFor', 'withNextRevision'],
    },
    {
      title: 'Sizing, scaling events and history',
      from: 'The ReplicaSets of a Deployment > sizing a ReplicaSet sets its replicas and what it was sized for; nothing to write when it already is so',
      functions: ['sizedReplicaSet', 'isScalingEvent', 'scalingSizes', 'historyToDelete'],
    },
    {
      title: 'Counting pods, and Available',
      from: "Status and conditions > status sums the ReplicaSets' pods; updatedReplicas are the new ReplicaSet's",
      functions: ['countReplicas', 'availableCondition'],
    },
    {
      title: 'The story of a rollout: Progressing',
      from: 'Status and conditions > progress is more updated, ready or available pods, or fewer old ones',
      functions: ['madeProgress', 'progressingCondition'],
    },
    {
      title: 'The progress deadline, and the status to write',
      from: "Status and conditions > a deadline passes progressDeadlineSeconds after the condition's lastUpdateTime",
      functions: ['pastDeadline', 'nextStatus', 'progressCheckDelay'],
    },
    {
      title: 'The controller makes the new ReplicaSet',
      from: "Deployments > a Deployment gets a ReplicaSet named after its template's hash, owned by it, whose pods carry the hash",
      functions: [
        'DeploymentController.run',
        'DeploymentController.reconcile',
        'DeploymentController.rolloutRolling',
        'DeploymentController.newReplicaSet',
      ],
    },
    {
      title: 'A rolling update, with Events and status',
      from: "Deployments > the Deployment's revision annotation follows its new ReplicaSet's",
      functions: [
        'DeploymentController.syncRevisionAnnotation',
        'DeploymentController.scaled',
        'DeploymentController.resize',
        'DeploymentController.cleanUp',
        'DeploymentController.writeStatus',
      ],
    },
    {
      title: 'Recreate, scaling, pause, deadlines, rollbacks and kubectl',
      from: 'Deployments > Recreate: every old pod is gone before the first new one is created',
      functions: [
        'DeploymentController.rolloutRecreate',
        'DeploymentController.scale',
        'DeploymentController.nameTaken',
      ],
    },
  ],
  hints: {
    'The pod-template-hash > FNV-1a gives the published values: "" is 0x811c9dc5, "a" is 0xe40c292c':
      'let hash = 0x811c9dc5; for each byte of new TextEncoder().encode(text): hash ^= byte; hash = Math.imul(hash, 0x01000193) >>> 0. Lesson: § The pod-template-hash.',
    'The pod-template-hash > a template hashes the same every time, whatever order its fields are in':
      'Hash canonicalJson(withoutHash(template)): keys sorted at every level, so field order does not matter. Lesson: § The pod-template-hash.',
    'The pod-template-hash > the hash is spelled in the safe alphabet: no vowels, no 0, 1 or 3':
      '[...String(fnv1a32(text))].map((digit) => alphabet[digit.charCodeAt(0) % 27]).join(""). Lesson: § The pod-template-hash.',
    'The pod-template-hash > another template, or another collision count, gives another hash':
      'Append String(collisionCount) to the canonical text before hashing, but only when it is not 0, so the first hash stays the plain one. Lesson: § The pod-template-hash.',
    "The pod-template-hash > a ReplicaSet's copy, with the hash label, is the same template as its Deployment's":
      'withoutHash: structuredClone, delete labels["pod-template-hash"], and drop labels when it is left empty. Lesson: § The pod-template-hash.',
    'The pod-template-hash > null, {} and [] count as absent, at every depth, as they do in Go':
      'withoutEmptyFields: map lists element by element; for an object, clean each field first, then keep it only when it is not null, undefined, an empty list or an object with no keys (setField, given). semanticTemplate is withoutHash, then that. Lesson: § The pod-template-hash.',
    'The pod-template-hash > a template sent back by kubectl rollout undo (creationTimestamp: null, resources: {}) is the one first stored':
      'Hash canonicalJson(semanticTemplate(template)) instead of withoutHash alone, and compare semanticTemplate(a) with semanticTemplate(b). Lesson: § The pod-template-hash.',
    'Rollout arithmetic > a percentage of replicas: maxSurge rounds up, maxUnavailable rounds down':
      '/^(\\d+)%$/ gives the percentage; percent * total / 100, then Math.ceil for roundUp, Math.floor otherwise. Lesson: § Rollout arithmetic.',
    'Rollout arithmetic > both zero could never progress, so one pod may be unavailable; Recreate takes all down':
      'Recreate first: { maxSurge: 0, maxUnavailable: replicas }. Otherwise resolve both ("25%" when unset) and make maxUnavailable 1 when both are 0. Lesson: § Rollout arithmetic.',
    'Rollout arithmetic > the new ReplicaSet grows as far as replicas + maxSurge pods allow, and no further':
      'room = replicas + maxSurge - sum(podsOf); no room: the current size; else current + min(room, replicas - current). Lesson: § Rollout arithmetic.',
    'Rollout arithmetic > old pods still going count against the bound: status.replicas above spec':
      'podsOf is Math.max(spec.replicas, status.replicas): a ReplicaSet scaled down still has its pods until they are gone. Lesson: § Rollout arithmetic.',
    'Rollout arithmetic > old ReplicaSets shrink as far as replicas - maxUnavailable stay available, oldest first':
      'Two budgets, oldest ReplicaSet first: unavailable old pods (sum of replicas - minAvailable - new ones not available yet), then available ones (sum of availableOf - minAvailable). Lesson: § Rollout arithmetic.',
    'Rollout arithmetic > old pods that are not available go first: losing them costs no capacity':
      'Spend the first budget on replicasOf(rs) - availableOf(rs) of each old ReplicaSet before touching available pods; availableOf never counts more than spec.replicas. Lesson: § Rollout arithmetic.',
    'Rollout arithmetic > scaled in the middle of a rollout, each ReplicaSet keeps its share of replicas + maxSurge':
      'Math.round(size * allowed / current) - size for each, largest first, capped by what is left to add; the remainder to the largest. Lesson: § Rollout arithmetic.',
    'Rollout arithmetic > what rounding leaves over goes to the largest: the newest on a tie when growing, the oldest when shrinking':
      'Sort by replicas, largest first; on a tie, newest first when adding and oldest first when removing (byCreation); give the largest what the shares left over, and return only the sizes that change. Lesson: § Rollout arithmetic.',
    'The ReplicaSets of a Deployment > the new ReplicaSet is the one it controls that runs its template; the others it controls are old':
      "Keep the ReplicaSets whose controllerOf(rs)?.uid is the Deployment's and that have no deletionTimestamp; the new one is the first by byCreation of those with sameTemplate; the rest, in the order given, are old. Lesson: § The ReplicaSets of a Deployment.",
    'The ReplicaSets of a Deployment > the ReplicaSet for a new template is named after its hash and selects only its own pods':
      "hash = podTemplateHash(template, status.collisionCount ?? 0); copy the template and selector (structuredClone) and add pod-template-hash to the template labels, the selector's matchLabels and the ReplicaSet's own labels. Lesson: § The ReplicaSets of a Deployment.",
    "The ReplicaSets of a Deployment > it is controlled by the Deployment, and carries the Deployment's annotations (not the rollout's), the next revision and what it was sized for":
      "ownerReferences: one, controller and blockOwnerDeletion true; annotations: the Deployment's filtered by rolloutAnnotations, then revision = nextRevision(oldRSs), then sizeAnnotations. Lesson: § The ReplicaSets of a Deployment.",
    'The ReplicaSets of a Deployment > it starts as large as maxSurge allows beside the old pods':
      'spec.replicas = newReplicaSetReplicas(deployment, oldRSs, undefined): all replicas for the first one, what the surge leaves beside old pods otherwise. Lesson: § The ReplicaSets of a Deployment.',
    'The ReplicaSets of a Deployment > an old template that comes back (a rollback) gets the next revision; the newest keeps its own':
      "revision = nextRevision(oldRSs); if revisionOf(newRS) >= revision there is nothing to write; else a structuredClone with that revision and the Deployment's own annotations. Lesson: § The ReplicaSets of a Deployment.",
    'The ReplicaSets of a Deployment > sizing a ReplicaSet sets its replicas and what it was sized for; nothing to write when it already is so':
      "Compare size with replicasOf(rs) and every sizeAnnotations(deployment) entry with the ReplicaSet's annotations; only when one differs, return a structuredClone with both set. Lesson: § The ReplicaSets of a Deployment.",
    'The ReplicaSets of a Deployment > a ReplicaSet running pods that was sized for other replicas means the Deployment was scaled':
      'Some ReplicaSet with replicasOf(rs) > 0 whose desired-replicas annotation exists and is not String(spec.replicas). Lesson: § The ReplicaSets of a Deployment.',
    'The ReplicaSets of a Deployment > scaled with one ReplicaSet running, that one takes all replicas; once the new one is saturated, old ones go to 0':
      'active = the ReplicaSets with replicasOf > 0, new one first. At most one: (active[0] ?? newRS) gets replicas. New one at replicas with all available: every old one 0. Lesson: § The ReplicaSets of a Deployment.',
    'The ReplicaSets of a Deployment > scaled with several running, each keeps its share; every running ReplicaSet is written':
      'Otherwise take proportionalSizes(deployment, active), then add every active ReplicaSet it left out at its current size, so its annotations get rewritten. Lesson: § The ReplicaSets of a Deployment.',
    'The ReplicaSets of a Deployment > history keeps the newest revisionHistoryLimit idle old ReplicaSets and gives up the rest, lowest revision first':
      'Idle: replicasOf 0 and status.replicas 0. Sort them by revisionOf, then slice(0, Math.max(0, idle.length - limit)) with limit revisionHistoryLimit ?? 10. Lesson: § The ReplicaSets of a Deployment.',
    "Status and conditions > status sums the ReplicaSets' pods; updatedReplicas are the new ReplicaSet's":
      'Sum status.replicas, readyReplicas and availableReplicas over [newRS, ...oldRSs]; updatedReplicas is newRS.status.replicas; unavailableReplicas is the sum of replicasOf less the available ones. Lesson: § Status and conditions.',
    'Status and conditions > zeros are left out, and unavailableReplicas never goes below 0':
      'Math.max(0, ...) for unavailableReplicas; then Object.fromEntries of the entries whose value is neither 0 nor undefined. Lesson: § Status and conditions.',
    'Status and conditions > Available is True while at least replicas - maxUnavailable pods are available':
      "Compare status.availableReplicas ?? 0 with replicas - resolveFenceposts(deployment).maxUnavailable; the reasons and messages are Kubernetes' own, copy them from the doc comment. Lesson: § Status and conditions.",
    'Status and conditions > progress is more updated, ready or available pods, or fewer old ones':
      'Old pods are replicas - updatedReplicas: a new pod that disappears lowers both, which is no progress. Missing counters are 0. Lesson: § Status and conditions.',
    'Status and conditions > paused, Progressing is Unknown DeploymentPaused; resumed, DeploymentResumed':
      'Find the current Progressing condition in deployment.status.conditions; check spec.paused first, then a current reason DeploymentPaused, before anything else. Lesson: § Status and conditions.',
    'Status and conditions > a rollout says NewReplicaSetCreated, then ReplicaSetUpdated at each step, then NewReplicaSetAvailable, and stays so':
      'In this order: finished and nothing new (current NewReplicaSetAvailable, replicas === updatedReplicas, not created): undefined; rolloutComplete; created; madeProgress against deployment.status. Lesson: § Status and conditions.',
    'Status and conditions > a new ReplicaSet found with no Progressing condition yet: FoundNewReplicaSet':
      'After the progress check: no current condition and a newRS name gives FoundNewReplicaSet. It comes before the deadline check, which needs a condition to count from. Lesson: § Status and conditions.',
    "Status and conditions > a deadline passes progressDeadlineSeconds after the condition's lastUpdateTime":
      'Date.parse(condition.lastUpdateTime) + (progressDeadlineSeconds ?? 600) * 1000 <= now; no condition: false. Lesson: § Status and conditions.',
    "Status and conditions > a deadline never counts from a finished rollout's NewReplicaSetAvailable; a timeout is said once":
      "pastDeadline: NewReplicaSetAvailable gives false (that time is the last rollout's), ProgressDeadlineExceeded gives true; progressingCondition asks pastDeadline last. Lesson: § Status and conditions.",
    'Status and conditions > nextStatus: the counters, Available and Progressing set with their times':
      'conditions = [...(deployment.status?.conditions ?? [])]; setCondition(conditions, availableCondition(...), rfc3339(now)), then the Progressing one if progressingCondition gives one; return { ...countReplicas(...), conditions }. Lesson: § Status and conditions.',
    'Status and conditions > a rollout under way is looked at again a second after its deadline; a finished, failed or paused one is not':
      'Math.max(1, lastUpdateTime + deadline - now + 1000) for a Progressing condition that is not False, NewReplicaSetAvailable or DeploymentPaused; undefined otherwise. Lesson: § Status and conditions.',
    "Deployments > a Deployment gets a ReplicaSet named after its template's hash, owned by it, whose pods carry the hash":
      'The constructor makes the informers and the controller, as in chapter 07; run watches through the controller; reconcile: newAndOldReplicaSets of the ownerUid index, then rolloutRolling, whose newReplicaSet creates newReplicaSetFor(deployment, oldRSs) when none was found. Lesson: § Deployments.',
    'Deployments > two Deployments side by side: each counts only its own ReplicaSets (the first of each is revision 1)':
      "Take the ReplicaSets from the replicasets informer's ownerUid index with the Deployment's uid, not the whole list: another Deployment's ReplicaSet is not an old one of yours. Lesson: § Deployments.",
    'Deployments > a Deployment in another namespace gets its ReplicaSet in that namespace':
      'Informers watch every namespace; write with client.resource("replicasets", deployment.metadata.namespace), and a ReplicaSet\'s key is "<its namespace>/<owner name>". Lesson: § Deployments.',
    'Deployments > its ReplicaSet deleted by hand is made again':
      "Watch the replicasets informer with a keysFor mapping each ReplicaSet to its controller Deployment's key (kind Deployment): a delete event then reconciles the Deployment, which finds no ReplicaSet and creates one. Lesson: § Deployments.",
    'Deployments > a new template gets a second ReplicaSet, at revision 2, beside the first':
      'No ReplicaSet runs the new template, so newReplicaSet creates one; newReplicaSetFor(deployment, oldRSs) gives it revision 2 and what the surge allows beside the old pods. Lesson: § Deployments.',
    "Deployments > the Deployment's revision annotation follows its new ReplicaSet's":
      'syncRevisionAnnotation after creating (and after finding) the new ReplicaSet: a merge patch { metadata: { annotations: { [revisionAnnotation]: revision } } } when they differ. Lesson: § Deployments.',
    'Deployments > each size given to a ReplicaSet is a ScalingReplicaSet Event on the Deployment':
      'scaled(): recordEvent(client, "deployment-controller", deployment, { type: "Normal", reason: "ScalingReplicaSet", message }). Call it on create (0 to its replicas) and in resize when a size changed. Lesson: § Deployments.',
    'Deployments > status counts the pods, with Available and Progressing (NewReplicaSetAvailable) once all are up':
      'resize (even with no size to write) and writeStatus: nextStatus, written with updateWithRetry on the status subresource when it differs from the cached status. Lesson: § Deployments.',
    'Deployments > a rolling update never exceeds replicas + maxSurge pods nor drops below replicas - maxUnavailable ready':
      'Scale the new ReplicaSet up by newReplicaSetReplicas; only when that changes nothing, scale old ones down by oldReplicaSetsScaleDown. Write each with update() on the object you read, so a stale cache gets a Conflict. Lesson: § Deployments.',
    'Deployments > Recreate: every old pod is gone before the first new one is created':
      'Old ReplicaSets to 0 first; then look for their pods (pods informer, ownerUid index) and create the new ReplicaSet only when none is left. The pods informer must map pods to Recreate Deployments, or nothing wakes you when they go. Lesson: § Deployments.',
    'Deployments > scaled in the middle of a rollout, both ReplicaSets grow in proportion':
      "reconcile: isScalingEvent over all the Deployment's ReplicaSets means scale(): resize by scalingSizes, no rollout step, then writeStatus. Lesson: § Deployments.",
    'Deployments > a rollout whose pods never become ready passes its progress deadline: Progressing False':
      'writeStatus: queue.addAfter(key, progressCheckDelay(...)) so the key comes back when the deadline passes; nextStatus then says ProgressDeadlineExceeded. Lesson: § Deployments.',
    'Deployments > paused: a new template waits; resumed, it rolls out':
      'spec.paused: scale() (size, but never create a ReplicaSet or roll, and no cleanUp); Progressing Unknown DeploymentPaused. Lesson: § Deployments.',
    "Deployments > undo to a revision: that ReplicaSet's template comes back, as the newest revision":
      "After undo the Deployment's template matches an old ReplicaSet: that one is found as the new one. Write withNextRevision's copy, and follow it with the Deployment's annotation. Lesson: § Deployments.",
    'Deployments > old ReplicaSets beyond revisionHistoryLimit are deleted, oldest first':
      'When a rolling step has nothing to size and every old ReplicaSet is at 0, cleanUp deletes historyToDelete(deployment, olds); one already gone (NotFound) is fine. Lesson: § Deployments.',
    'Deployments > a name taken by another template: collisionCount counts up, and the ReplicaSet gets the next name':
      'create() answers AlreadyExists: nameTaken reads that ReplicaSet; not yours (controller uid, sameTemplate): write status.collisionCount + 1 and throw, so the retry hashes to another name. Lesson: § Deployments.',
    'Rollouts with kubectl > kubectl create deployment, then rollout status waits for it':
      'kubectl rollout status reads observedGeneration, updatedReplicas, replicas and availableReplicas: write all of them. Lesson: § Rollouts with kubectl.',
    'Rollouts with kubectl > kubectl set image starts a rollout; rollout history lists both revisions':
      'rollout history lists the ReplicaSets the Deployment controls, by their revision annotation: revision 1 kept at 0 replicas, revision 2 running. Lesson: § Rollouts with kubectl.',
    'Rollouts with kubectl > kubectl rollout undo --to-revision=1 puts the first template back, on its first ReplicaSet':
      "kubectl finds the ReplicaSets by selector and keeps those whose controller ownerReference uid is the Deployment's, then reads their revision annotations; it sends the old template back with creationTimestamp: null and resources: {}, which sameTemplate must see as the same. Lesson: § Rollouts with kubectl.",
    'Rollouts with kubectl > kubectl rollout pause, scale and resume':
      'Paused, kubectl scale is a scaling event (scale(), no rollout); resumed, the Progressing reason goes DeploymentPaused, DeploymentResumed, and the rollout completes. Lesson: § Rollouts with kubectl.',
  },
};
