// Chapter 07's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter7: Chapter = {
  id: '07',
  slug: 'controllers',
  title: 'The controllers',
  builds:
    'the reconcile loops of kube-controller-manager: ReplicaSets (with expectations and adoption), Endpoints, garbage collection, node lifecycle, taint eviction',
  stages: [
    {
      title: 'Label selectors and the pods that count',
      from: "ReplicaSets > a selector's matchLabels hold when the labels have every pair",
      functions: ['matchesSelector', 'isActive', 'isReady', 'controllerOf', 'selectorOf'],
    },
    {
      title: 'Owner references, new pods and the order of deletion',
      from: "ReplicaSets > a ReplicaSet's pods carry a controller ownerReference to it, with its name and uid",
      functions: ['ownerReferenceTo', 'podFromTemplate', 'deletionOrder'],
    },
    {
      title: 'Expectations and status',
      from: 'ReplicaSets > with nothing expected, a controller may act',
      functions: [
        'Expectations.satisfied',
        'Expectations.expectCreations',
        'Expectations.expectDeletions',
        'Expectations.creationObserved',
        'Expectations.deletionObserved',
        'Expectations.forget',
        'isAvailable',
        'replicaSetStatus',
      ],
    },
    {
      title: 'Status written, pods claimed',
      from: 'ReplicaSets > writeStatus writes the counts to the status, and nothing when they have not changed',
      functions: [
        'ReplicaSetController.writeStatus',
        'claimAction',
        'ReplicaSetController.claimPods',
      ],
    },
    {
      title: "Pods created in batches and deleted; a pod's change mapped to its ReplicaSets",
      from: 'ReplicaSets > pods are created in batches of 1, 2, 4, ..., the last one what is left',
      functions: [
        'slowStartBatches',
        'ReplicaSetController.createPods',
        'ReplicaSetController.deletePods',
        'replicaSetKeysFor',
      ],
    },
    {
      title: 'A ReplicaSet that heals itself',
      from: 'ReplicaSets > a new ReplicaSet gets its pods: named after it, owned by it, counted in its status',
      functions: ['ReplicaSetController.run', 'ReplicaSetController.reconcile'],
    },
    {
      title: "Target ports, a pod's ports and its address",
      from: 'Endpoints > a targetPort is a number, the name of a container port, or the service port itself',
      functions: ['resolveTargetPort', 'endpointPorts', 'endpointAddress'],
    },
    {
      title: 'Subsets, written only when they change',
      from: 'Endpoints > ready pods are addresses, others notReadyAddresses; pods whose named port differs get their own subset',
      functions: ['endpointSubsets', 'EndpointsController.writeEndpoints'],
    },
    {
      title: 'Endpoints that follow their pods',
      from: 'Endpoints > a Service selects the pods of its namespace that carry its labels; one without a selector, none',
      functions: ['selects', 'EndpointsController.run', 'EndpointsController.reconcile'],
    },
    {
      title: 'Owners that exist, dependents collected',
      from: 'Garbage collection > an object is orphaning while it is being deleted and still has the finalizer "orphan"',
      functions: ['isOrphaning', 'GarbageCollector.ownerExists', 'GarbageCollector.collect'],
    },
    {
      title: 'Dependents let go',
      from: "Garbage collection > orphanDependents takes the owner's reference off each dependent, then its finalizer off the owner",
      functions: ['GarbageCollector.orphanDependents'],
    },
    {
      title: 'The garbage collector',
      from: "Garbage collection > deleting an owner deletes its dependents; others' stay",
      functions: ['GarbageCollector.run', 'GarbageCollector.reconcile'],
    },
    {
      title: 'Heartbeats and the verdict on a node',
      from: "Node lifecycle > heartbeats: a node is heard when its Lease's renewTime changes, on the controller's clock",
      functions: [
        'Heartbeats.leaseSeen',
        'Heartbeats.nodeSeen',
        'Heartbeats.lastHeard',
        'unknownConditions',
        'nodeAction',
      ],
    },
    {
      title: 'Nodes marked and cleared',
      from: 'Node lifecycle > markUnreachable makes every condition Unknown and adds the unreachable taint, once',
      functions: [
        'NodeLifecycleController.markUnreachable',
        'NodeLifecycleController.clearUnreachable',
      ],
    },
    {
      title: 'The node lifecycle controller',
      from: 'Node lifecycle > a node whose Lease stops for 50 s becomes Unknown and is tainted unreachable',
      functions: ['NodeLifecycleController.run', 'NodeLifecycleController.monitor'],
    },
    {
      title: 'Taints, tolerations and how long a pod may stay',
      from: 'Taint eviction > only NoExecute taints evict',
      functions: ['noExecuteTaints', 'toleratesTaint', 'secondsToStay'],
    },
    {
      title: 'A pod evicted',
      from: 'Taint eviction > evict records TaintManagerEviction, marks the pod DisruptionTarget, and deletes it',
      functions: ['disruptionTarget', 'TaintEvictionController.evict'],
    },
    {
      title: 'The taint eviction controller',
      from: 'Taint eviction > a NoExecute taint evicts at once the pods that do not tolerate it, and only those',
      functions: [
        'TaintEvictionController.run',
        'TaintEvictionController.reconcile',
        'TaintEvictionController.cancel',
      ],
    },
    {
      title: 'Namespaces emptied',
      from: 'Namespaces > reconcile of a namespace that is gone deletes every namespaced object left in it',
    },
  ],
  hints: {
    "ReplicaSets > a selector's matchLabels hold when the labels have every pair":
      'matchesSelector: for each [key, value] of Object.entries(selector.matchLabels ?? {}), labels[key] must equal value; treat missing labels as {}. Lesson: § ReplicaSets.',
    'ReplicaSets > matchExpressions In and NotIn compare the value with a list; a missing key is NotIn':
      'For each expression, read value = labels[key]. In: defined and values.includes(value). NotIn: undefined, or not included. Every expression must hold. Lesson: § ReplicaSets.',
    'ReplicaSets > matchExpressions Exists and DoesNotExist look at the key alone':
      'Exists: labels[key] !== undefined (an empty string is a value); DoesNotExist: the opposite. No values list is read. Lesson: § ReplicaSets.',
    'ReplicaSets > an empty selector matches every pod, even one without labels':
      'With no matchLabels and no matchExpressions nothing can fail: return true. Use `selector?.matchLabels ?? {}` and `labels ?? {}` so undefined is fine. Lesson: § ReplicaSets.',
    'ReplicaSets > a label selector: every matchLabels pair, and every expression':
      'Check matchLabels pairs first, then each expression: In (present and listed), NotIn (absent or not listed), Exists, DoesNotExist. Lesson: § ReplicaSets.',
    'ReplicaSets > a pod counts while it is neither being deleted nor finished':
      'isActive: no metadata.deletionTimestamp, and status?.phase neither "Succeeded" nor "Failed" (a pod with no status yet counts). Lesson: § ReplicaSets.',
    'ReplicaSets > a pod is ready when its Ready condition is True':
      'isReady: status?.conditions?.some(c => c.type === "Ready" && c.status === "True") ?? false. Lesson: § ReplicaSets.',
    'ReplicaSets > the controller of an object is its ownerReference marked controller: true':
      'controllerOf: metadata.ownerReferences?.find(owner => owner.controller). An object may have several owners but at most one controller. Lesson: § ReplicaSets.',
    "ReplicaSets > a ReplicaSet's selector is spec.selector; a ReplicationController's plain map reads as matchLabels":
      'selectorOf: kind "ReplicationController" has spec.selector as a plain map: wrap it, { matchLabels: selector ?? template labels }. Anything else: spec.selector as it is. Lesson: § ReplicaSets.',
    "ReplicaSets > a ReplicaSet's pods carry a controller ownerReference to it, with its name and uid":
      'ownerReferenceTo: { apiVersion: rs.apiVersion ?? "apps/v1", kind: rs.kind ?? "ReplicaSet", name, uid, controller: true, blockOwnerDeletion: true }. Lesson: § ReplicaSets.',
    "ReplicaSets > a ReplicationController's ownerReference names v1 ReplicationController":
      'Take apiVersion and kind from the owner object itself, not constants: a ReplicationController is v1, kind ReplicationController. Lesson: § ReplicaSets.',
    'ReplicaSets > a pod from the template: generateName "<rs>-", its namespace and labels, owned by it':
      'podFromTemplate: { apiVersion: "v1", kind: "Pod", metadata: { ...template.metadata, generateName: `${name}-`, namespace, ownerReferences: [ownerReferenceTo(rs)] }, spec: template.spec }. Lesson: § ReplicaSets.',
    'ReplicaSets > a pod from the template is a copy: changing the pod leaves the ReplicaSet alone':
      'Spreading copies one level only: labels and containers are still shared. Start from structuredClone(rs.spec.template). Lesson: § ReplicaSets.',
    'ReplicaSets > surplus pods go in order: unscheduled, pending, not ready, then the newest':
      'A comparison that returns the first non-zero difference: scheduled, phase rank, ready, restarts (reversed), creation time (reversed). Lesson: § ReplicaSets.',
    'ReplicaSets > between two ready pods of the same age, the one restarted more often goes first':
      'Sum restartCount over status.containerStatuses; compare b - a (more restarts sorts first), after readiness and before creationTimestamp. Equal pods give 0. Lesson: § ReplicaSets.',
    'ReplicaSets > with nothing expected, a controller may act':
      'Keep a Map from key to { creations, deletions: Set of uids, since }. satisfied(key): no entry, or creations <= 0 and no deletions left. Lesson: § ReplicaSets.',
    'ReplicaSets > expectations: a controller waits until what it asked for has been seen':
      'expectCreations stores the count and since = clock.now(); creationObserved lowers it; satisfied is also true once clock.now() - since > timeoutMs. Lesson: § ReplicaSets.',
    'ReplicaSets > expected deletions count by uid: the deletion of another pod does not count':
      'expectDeletions stores new Set(uids); deletionObserved deletes that uid from the set (an unknown uid changes nothing); a key with no entry stays untouched. Lesson: § ReplicaSets.',
    'ReplicaSets > a new expectation replaces the old one, forget drops it, and keys are apart':
      'expectCreations and expectDeletions set a fresh entry (map.set), they do not add to the old one; forget(key) is map.delete(key). Lesson: § ReplicaSets.',
    'ReplicaSets > a ready pod is available once it has been ready for minReadySeconds':
      "isAvailable: not ready, false; minReadySeconds 0, true; else now - Date.parse(Ready condition's lastTransitionTime) >= minReadySeconds * 1000. Lesson: § ReplicaSets.",
    'ReplicaSets > status counts the pods, the fully labelled, the ready and the available, at the observed generation':
      'replicaSetStatus: replicas = pods.length; fullyLabeledReplicas: pods having every template label (extra labels are fine); readyReplicas; availableReplicas with spec.minReadySeconds ?? 0; observedGeneration = metadata.generation. Lesson: § ReplicaSets.',
    'ReplicaSets > writeStatus writes the counts to the status, and nothing when they have not changed':
      "Compute replicaSetStatus(rs, pods, clock.now()); if every field equals rs.status's, return; else toolkit.updateWithRetry(replicasets client, name, current => { current.status = { ...current.status, ...status } }, { status: true }). Lesson: § ReplicaSets.",
    'ReplicaSets > claiming keeps an owned pod that matches and releases one that no longer does':
      'claimAction: if controllerOf(pod)?.uid is the rs\'s uid, return matchesSelector(selectorOf(rs), labels) ? "keep" : "release". Lesson: § ReplicaSets.',
    'ReplicaSets > claiming adopts an active orphan that matches, and leaves alone what another controls':
      'Only an orphan (no controller at all) that matches, isActive, and whose ReplicaSet has no deletionTimestamp is "adopt"; everything else is "ignore". Lesson: § ReplicaSets.',
    'ReplicaSets > claimPods adopts a matching orphan with a patch that adds its ownerReference':
      'claimPods: for each candidate, claimAction; "adopt": pods.patch(name, { metadata: { uid, ownerReferences: [...existing, ownerReferenceTo(rs)] } }) and push the patched pod; "keep": push it. Lesson: § ReplicaSets.',
    'ReplicaSets > claimPods releases a pod that no longer matches: it keeps running, owned by nobody':
      '"release": patch metadata.ownerReferences to the list without the rs\'s uid (a merge patch replaces the whole list), and do not count the pod; never delete it. Lesson: § ReplicaSets.',
    'ReplicaSets > pods are created in batches of 1, 2, 4, ..., the last one what is left':
      'slowStartBatches: size starts at 1 and doubles; push Math.min(size, left), subtract it, stop when nothing is left. Lesson: § ReplicaSets.',
    'ReplicaSets > createPods makes the pods from the template and expects them until the informer sees them':
      'expectations.expectCreations(key, count) BEFORE the first request, then for each batch Promise.allSettled of size pods.create(podFromTemplate(rs)). Lesson: § ReplicaSets.',
    'ReplicaSets > a batch that fails stops the creating: one request, not one per pod, and nothing left expected':
      "After each batch, if any result is rejected: call creationObserved once per failure and once per pod of the batches not sent, then throw the first failure's reason. Lesson: § ReplicaSets.",
    'ReplicaSets > deletePods deletes the victims and expects their deletions by uid':
      "expectations.expectDeletions(key, victims' uids) first, then delete each by name (Promise.all); a NotFound means it is gone already: deletionObserved(key, uid). Lesson: § ReplicaSets.",
    'ReplicaSets > a deletion that fails counts as seen at once, and its error is thrown for a retry':
      "A delete that fails in any other way will never be seen by the informer: call deletionObserved(key, uid) for it as well, then throw the error so the work queue retries. Otherwise the ReplicaSet waits out the expectations' five minutes. Lesson: § ReplicaSets.",
    "ReplicaSets > a pod's change concerns its controller; an orphan's, every ReplicaSet of its namespace that selects it":
      'replicaSetKeysFor: with a controller, [`${pod namespace}/${owner.name}`] if owner.kind === kind, else []; an orphan: the replicaSets of its namespace whose selectorOf matches, as keys. Lesson: § ReplicaSets.',
    'ReplicaSets > a new ReplicaSet gets its pods: named after it, owned by it, counted in its status':
      'The constructor makes the informers on replicasets and pods; run: createController with reconcile, watch both. reconcile: claimPods, keep isActive, createPods for the missing, then writeStatus. Lesson: § ReplicaSets.',
    'ReplicaSets > a pod that is deleted is replaced':
      "Map pod events to the owner's key (controller.watch(pods, pod => replicaSetKeysFor(...))), and lower expectations in the pod informer's add and delete handlers, or the ReplicaSet waits five minutes. Lesson: § ReplicaSets.",
    'ReplicaSets > scaling down deletes the pod that is not ready first':
      'Too many active pods: sort a copy with deletionOrder, take the first (active - wanted, at most burstReplicas) and deletePods them. Lesson: § ReplicaSets.',
    'ReplicaSets > a matching orphan is adopted instead of a new pod created; a pod relabelled away is released':
      'Claim before counting: reconcile counts only what claimPods returns, so an adopted orphan is one of the replicas, and a released pod is not. Lesson: § ReplicaSets.',
    'ReplicaSets > a ReplicationController, with its plain selector, keeps its pods as a ReplicaSet does':
      "The same loop with options.kind: read replicationcontrollers, use selectorOf (a plain map is matchLabels), and make ownerReferences with the owner's own apiVersion and kind. Lesson: § ReplicaSets.",
    'Endpoints > a targetPort is a number, the name of a container port, or the service port itself':
      "resolveTargetPort: target = targetPort ?? port; a number, or a string of digits (/^\\d+$/), is the port; a name is looked up in every container's ports by name; not found: undefined. Lesson: § Endpoints.",
    "Endpoints > a pod's ports: one for each Service port that resolves on it, with its name and protocol":
      'endpointPorts: for each Service port, resolveTargetPort; skip undefined; push { name only if the Service port has one, port: the number, protocol: port.protocol ?? "TCP" }. Lesson: § Endpoints.',
    "Endpoints > an address: the pod's IP, its node, and a targetRef to the pod":
      'endpointAddress: { ip: status.podIP, nodeName only when spec.nodeName is set, targetRef: { kind: "Pod", namespace, name, uid } }. Lesson: § Endpoints.',
    'Endpoints > a pod whose subdomain names the Service is reached by its hostname too':
      "endpointAddress(pod, service) adds hostname: pod.spec.hostname when the pod has one and its spec.subdomain is the Service's name; endpointSubsets passes the Service. Lesson: § Endpoints.",
    'Endpoints > ready pods are addresses, others notReadyAddresses; pods whose named port differs get their own subset':
      'Group pods in a Map keyed by JSON.stringify(endpointPorts(...)); push endpointAddress to addresses when isReady, else notReadyAddresses; leave a list out when it stays empty. Lesson: § Endpoints.',
    'Endpoints > pods without an IP, being deleted, or with no port that resolves are left out; addresses sort by IP as numbers':
      'Skip pods without status.podIP, with a deletionTimestamp, or with no endpointPorts. Sort with a.ip.localeCompare(b.ip, "en", { numeric: true }) so .9 comes before .10. Lesson: § Endpoints.',
    "Endpoints > writeEndpoints creates the Endpoints: the Service's name, namespace and labels":
      'GET the Endpoints of the Service\'s name; on NotFound, create { apiVersion: "v1", kind: "Endpoints", metadata: { name, namespace, labels: service labels }, subsets }. Lesson: § Endpoints.',
    'Endpoints > writeEndpoints updates changed subsets, and writes nothing when they are the same':
      'When they exist, compare JSON.stringify(current.subsets ?? []) with JSON.stringify(subsets): equal, return; else update({ ...current, subsets }) (its resourceVersion guards the write). Lesson: § Endpoints.',
    'Endpoints > a Service selects the pods of its namespace that carry its labels; one without a selector, none':
      'selects: false without spec.selector or when namespaces differ; else matchesSelector({ matchLabels: service.spec.selector }, pod.metadata.labels). Lesson: § Endpoints.',
    "Endpoints > a Service's Endpoints list its pods as they start, and follow their readiness":
      'The constructor makes the informers on services and pods; run watches the services, and the pods mapped to the Services that select them; reconcile builds the subsets and calls writeEndpoints. Lesson: § Endpoints.',
    'Endpoints > a Service without a selector keeps the Endpoints written by hand':
      'In reconcile, return before computing anything when the Service has no spec.selector: its Endpoints belong to whoever wrote them. Lesson: § Endpoints.',
    'Endpoints > deleting the Service deletes its Endpoints':
      'reconcile: the informer no longer has the key, so delete the Endpoints of that name in that namespace (split the key on "/"); NotFound is fine. Lesson: § Endpoints.',
    'Garbage collection > an object is orphaning while it is being deleted and still has the finalizer "orphan"':
      'isOrphaning: metadata.deletionTimestamp !== undefined && (metadata.finalizers ?? []).includes("orphan"). Lesson: § Garbage collection.',
    'Garbage collection > an owner exists when a GET finds it with the same uid':
      "ownerExists: resourceForKind(owner.apiVersion, owner.kind) gives the resource; GET owner.name (in the dependent's namespace when namespaced); found: compare uids; NotFound: false. Lesson: § Garbage collection.",
    'Garbage collection > an owner recreated under the same name, with another uid, does not exist':
      'A name is reused; a uid never is. Return found.metadata.uid === owner.uid, not just "the GET worked". Lesson: § Garbage collection.',
    'Garbage collection > an owner of a kind the API server does not serve is taken to exist':
      'When resourceForKind returns nothing, return true before any request: the collector cannot check that owner, and must never delete on a guess. Lesson: § Garbage collection.',
    'Garbage collection > collect deletes a dependent none of whose owners exists, and keeps one with an owner alive':
      'collect: return if no ownerReferences or a deletionTimestamp; return as soon as one ownerExists; else delete with { propagationPolicy: "Background", preconditions: { uid } }. Lesson: § Garbage collection.',
    "Garbage collection > orphanDependents takes the owner's reference off each dependent, then its finalizer off the owner":
      'Patch each dependent\'s metadata.ownerReferences to the list without the owner\'s uid; then updateWithRetry the owner, filtering "orphan" out of its finalizers (return false if it is not there). Lesson: § Garbage collection.',
    'Garbage collection > a dependent with a second owner keeps that reference when the first one orphans it':
      "Filter by uid, do not clear the list: a merge patch replaces ownerReferences whole, so send every reference except the orphaning owner's. Lesson: § Garbage collection.",
    "Garbage collection > deleting an owner deletes its dependents; others' stay":
      "The constructor makes one informer per resource. When an object is deleted, queue what byIndex('ownerUid', its uid) finds in every informer; reconcile finds the object in its informer and calls collect. Lesson: § Garbage collection.",
    'Garbage collection > a dependent whose owner never existed is deleted; one whose owner lives is kept':
      'Queue every object that has ownerReferences when it is added or updated (controller.watch with a mapping that returns "<resource>|<key>" or nothing), not only on an owner\'s deletion. Lesson: § Garbage collection.',
    'Garbage collection > an owner recreated with the same name is not the owner: its uid differs':
      "The old owner's delete event queues its dependents; collect asks ownerExists, which compares uids, so the new ReplicaSet web does not save the old pod. Lesson: § Garbage collection.",
    'Garbage collection > an owner of a resource it does not follow (a ConfigMap) is followed: its deletion collects at once':
      "ownerExists, having found the owner's resource, calls followOwners: an informer on it whose delete events queue the dependents, and which once synced queues every dependent of that kind again. Lesson: § Garbage collection.",
    'Garbage collection > deleting an owner with propagationPolicy Orphan keeps its dependents, without the reference':
      'An owner with a deletionTimestamp and the finalizer "orphan": reconcile calls orphanDependents with the dependents from every informer\'s ownerUid index. Lesson: § Garbage collection.',
    "Node lifecycle > heartbeats: a node is heard when its Lease's renewTime changes, on the controller's clock":
      "Heartbeats: a Map name -> { renewTime, at }. leaseSeen: if an entry exists with the same renewTime, return; else set { renewTime, at: clock.now() }. lastHeard: the entry's at. Lesson: § Node lifecycle.",
    'Node lifecycle > a node with no Lease is heard from when it is first seen, and only then':
      'nodeSeen: set { at: clock.now() } only when the map has no entry for the node; a later Lease (a renewTime different from undefined) is heard. Lesson: § Node lifecycle.',
    'Node lifecycle > a silent node\'s conditions all become Unknown: NodeStatusUnknown, "Kubelet stopped posting node status."':
      'unknownConditions: conditions.map(c => ({ ...c, status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: rfc3339(now) })). Lesson: § Node lifecycle.',
    'Node lifecycle > one look at a node: mark it when silent, once; clear the taint when heard again':
      'nodeAction: silent = now - (lastHeard ?? now) > gracePeriodMs (strictly more); tainted = a taint with key unreachableTaintKey. silent: tainted ? "none" : "mark"; else tainted ? "clear" : "none". Lesson: § Node lifecycle.',
    'Node lifecycle > markUnreachable makes every condition Unknown and adds the unreachable taint, once':
      'Two writes with toolkit.updateWithRetry: the status (status: true) with unknownConditions, then the spec with the NoExecute taint, timeAdded rfc3339(now); return false when the taint is there already. Lesson: § Node lifecycle.',
    'Node lifecycle > clearUnreachable takes the unreachable taint off, and only that one':
      'updateWithRetry the node: spec.taints filtered to those whose key is not unreachableTaintKey. Lesson: § Node lifecycle.',
    'Node lifecycle > a node whose Lease stops for 50 s becomes Unknown and is tainted unreachable':
      'The constructor makes informers on nodes and kube-node-lease leases; run feeds heartbeats from Lease add/update and node add; after sync, clock.setTimeout(tick, monitorPeriodMs), each tick running monitor() and setting the next. Lesson: § Node lifecycle.',
    'Node lifecycle > when the Lease moves again the taint comes off':
      'The Lease informer\'s update handler must call heartbeats.leaseSeen too, not only add: then nodeAction says "clear" and monitor calls clearUnreachable. Lesson: § Node lifecycle.',
    'Node lifecycle > run resolves once its signal aborts':
      'End run with a promise that resolves on the signal\'s "abort" event, clearing the pending timer; set no new timer once signal.aborted. Lesson: § Node lifecycle.',
    'Taint eviction > only NoExecute taints evict':
      'noExecuteTaints: (node?.spec?.taints ?? []).filter on effect "NoExecute". Lesson: § Taint eviction.',
    'Taint eviction > a toleration tolerates a taint: same effect (or none), same key (or none), then Exists, or Equal with the same value':
      'toleratesTaint: a set effect that differs, or a set key that differs, means false; then Exists means true, and anything else compares value ?? "" with the taint\'s value ?? "". Lesson: § Taint eviction.',
    'Taint eviction > a pod that does not tolerate every NoExecute taint must go at once':
      'secondsToStay: for each taint, find the first toleration that tolerates it; none found: return 0. A tolerationSeconds of 0 or less counts as 0 (Math.max). Lesson: § Taint eviction.',
    'Taint eviction > a pod that tolerates them all stays the smallest tolerationSeconds of the tolerations it uses, or for ever':
      'Start from Infinity and take Math.min with the tolerationSeconds of each toleration used (skip those without). Only the first toleration that fits a taint counts. Lesson: § Taint eviction.',
    'Taint eviction > evict records TaintManagerEviction, marks the pod DisruptionTarget, and deletes it':
      'recordEvent(client, component, { ...pod, apiVersion: "v1", kind: "Pod" }, { type: "Normal", reason: "TaintManagerEviction", message }), then updateWithRetry with status: true adding disruptionTarget(clock.now()), then delete; catch NotFound around both. Lesson: § Taint eviction.',
    'Taint eviction > a NoExecute taint evicts at once the pods that do not tolerate it, and only those':
      'The constructor makes the informers (pods with the nodeName index) and a controller with queue createWorkQueue({ clock }); run watches pods, and nodes mapped to pods.byIndex("nodeName", name) keys when they have NoExecute taints. reconcile: secondsToStay 0 means evict now. Lesson: § Taint eviction.',
    "Taint eviction > a pod that tolerates the taint for 30 s goes 30 s later, on the controller's clock":
      'Keep since in scheduled (set it the first time, keep it after); due = since + seconds * 1000; before due, queue.addAfter(key, due - now) and return; at due, evict and mark the entry evicted. Lesson: § Taint eviction.',
    'Taint eviction > a taint taken off in time cancels the eviction: "Cancelling deletion of Pod"':
      'secondsToStay is Infinity once no NoExecute taint is left: cancel(key, pod) deletes the entry and, when it was not evicted yet, records "Cancelling deletion of Pod <key>". Lesson: § Taint eviction.',
    'Taint eviction > a pod that arrives on a node tainted already is evicted too':
      "The pod informer feeds the queue with the pod's own key (controller.watch(pods)); reconcile reads its node from the node informer by spec.nodeName. Lesson: § Taint eviction.",
    'Namespaces > reconcile of a namespace that is gone deletes every namespaced object left in it':
      'reconcile(name): for each of builtinResources with namespaced true, client.resource(type.resource, name).list(), then delete each item by name (NotFound is fine). Lesson: § Namespaces.',
    'Namespaces > deleting a namespace deletes what was in it, and nothing elsewhere':
      "The constructor makes an informer on namespaces; run: a controller watching it, whose reconcile is reconcile(name): the informer's keys of cluster-scoped objects are their names. Lesson: § Namespaces.",
    'Namespaces > a namespace that still exists is left alone':
      'Start reconcile with: if this.namespaces.get(name) exists, return. Only a namespace gone from the informer is emptied. Lesson: § Namespaces.',
  },
};
