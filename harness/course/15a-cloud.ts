// Chapter 15a's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

const pool = 'External addresses > ';
const balancer = 'A TCP load balancer > ';
const service = 'The service controller > ';
const nodes = 'The cloud node controllers > ';
const sizing = 'What pods ask and nodes offer > ';
const autoscaler = 'The cluster autoscaler > ';
const disruption = 'The disruption controller > ';

export const chapter15A: Chapter = {
  id: '15a',
  slug: 'cloud',
  title: 'The cloud: load balancers and machines on demand',
  builds:
    "the cloud-controller-manager's controllers over the kata cloud: external addresses and a TCP load balancer with health checks for Services of type LoadBalancer, the service controller, the cloud node and node lifecycle controllers, a small cluster autoscaler that asks the cloud for nodes when pods cannot be scheduled and gives idle ones back by eviction, and the disruption controller that keeps PodDisruptionBudgets' status",
  stages: [
    {
      title: 'External addresses and choosing a backend',
      from: `${pool}allocate hands out the lowest free address, and the same one again to the same owner`,
    },
    {
      title: 'The load balancer',
      from: `${balancer}each connection is piped to the next backend in turn`,
      functions: [
        'TcpLoadBalancer.start',
        'TcpLoadBalancer.port',
        'TcpLoadBalancer.setBackends',
        'TcpLoadBalancer.healthyBackends',
        'TcpLoadBalancer.checkHealth',
        'TcpLoadBalancer.forward',
        'TcpLoadBalancer.close',
      ],
    },
    {
      title: "Local Services' health checks, and which nodes serve a load balancer",
      from: `${balancer}a backend with a healthCheckPort stays only while GET /healthz there answers 200, and sees the client's address`,
    },
    {
      title: 'The service controller',
      from: `${service}a LoadBalancer Service gets a load balancer over the Ready nodes, its address in the status, and the finalizer`,
      functions: ['ServiceController.run', 'ServiceController.reconcile'],
    },
    {
      title: 'Nodes from the cloud',
      from: `${nodes}a node needs initializing while it has the uninitialized taint or no providerID`,
    },
    {
      title: 'What pods ask and nodes offer',
      from: `${sizing}a pod is unschedulable when unbound with PodScheduled False, reason Unschedulable`,
    },
    {
      title: 'Nodes on demand',
      from: `${autoscaler}pending pods grow the group by the nodes they need, up to its maximum, with an Event on each pod`,
    },
    {
      title: 'Giving idle nodes back, by eviction',
      from: `${autoscaler}an idle node goes after --scale-down-unneeded-time: tainted, drained, its machine deleted`,
      functions: [
        'ClusterAutoscaler.scaleDown',
        'ClusterAutoscaler.drain',
        'ClusterAutoscaler.untaint',
      ],
    },
    {
      title: 'Disruption budgets',
      from: `${disruption}budgetsFor: the budgets of the pod’s namespace whose selector selects its labels`,
    },
  ],
  hints: {
    [`${pool}allocate hands out the lowest free address, and the same one again to the same owner`]:
      'Keep two things: owner → address (a Map) and the addresses in use (a Set). allocate returns the held one if any, else walks usableAddresses(cidr) from harness/network.ts to the first not in use. Lesson: § External addresses.',
    [`${pool}release gives the address back for the next owner; releasing nothing is harmless`]:
      'Delete the owner from the map and its address from the set; an owner with nothing held returns at once. Lesson: § External addresses.',
    [`${pool}a full pool says so; a range that is no CIDR is refused at once`]:
      'When the walk over usableAddresses ends without a free one, throw `no addresses left in ${cidr}`. The constructor already calls parseCidr, which refuses a bad range. Lesson: § External addresses.',
    [`${balancer}a backend is keyed host:port`]:
      'A template string of the two fields. Lesson: § A TCP load balancer.',
    [`${balancer}nextBackend takes the backends in turn, starting over after the last`]:
      'Try (last + step) % backends.length for step 1..length and return the first index whose key is healthy. Lesson: § A TCP load balancer.',
    [`${balancer}nextBackend skips the unhealthy, and finds none when none is healthy`]:
      'The same loop: an unhealthy key is skipped; after a full turn without one, undefined. Lesson: § A TCP load balancer.',
    [`${balancer}probe is true for a port that accepts a connection, false for one that refuses`]:
      "net.connect; resolve true on 'connect', false on 'error' or setTimeout(timeoutMs); destroy the socket either way. Lesson: § A TCP load balancer.",
    [`${balancer}each connection is piped to the next backend in turn`]:
      'start listens (server.listen(port, host)); forward picks nextBackend, remembers the index, net.connect to it, and pipes both ways: client.pipe(upstream), upstream.pipe(client). port() reads server.address(). Lesson: § A TCP load balancer.',
    [`${balancer}checkHealth takes a backend that refuses out of the rotation, and back once it answers`]:
      'Probe every backend at once (Promise.all) and make the healthy set the keys of those that answered; healthyBackends filters the backends by that set. Lesson: § A TCP load balancer.',
    [`${balancer}setBackends keeps what it knew of old backends; a new one starts healthy`]:
      'A key the old list had keeps its health; a key it did not have goes into the healthy set. Start the rotation over (last = -1). Lesson: § A TCP load balancer.',
    [`${balancer}with no healthy backend a connection is closed at once`]:
      'nextBackend undefined: client.destroy() and return. Lesson: § A TCP load balancer.',
    [`${balancer}close stops listening`]:
      'clearInterval the checks, destroy every open socket (keep them in a Set as they open), then server.close. Lesson: § A TCP load balancer.',
    [`${balancer}a backend with a healthCheckPort stays only while GET /healthz there answers 200, and sees the client's address`]:
      "probe: with backend.healthCheckPort, http.get the /healthz path there (agent: false, a timeout) and resolve statusCode === 200; any error is false. forward: net.connect with localAddress set to the client's remoteAddress when it is a 127.x address on Linux. Lesson: § A TCP load balancer.",
    [`${service}a Service wants a load balancer when it is of type LoadBalancer, of no other class, and not being deleted`]:
      'spec.type === "LoadBalancer", no spec.loadBalancerClass and no metadata.deletionTimestamp. Lesson: § The service controller.',
    [`${service}loadBalancerNodes: Ready nodes, without the exclude label or the autoscaler taint, by name`]:
      'Filter on the Ready condition being True, the label key being absent, no taint with the key toBeDeletedTaint; then sort by metadata.name. Lesson: § The service controller.',
    [`${service}backendChanged: a node that became Ready changes the backends, a heartbeat does not`]:
      'Compare loadBalancerNodes([old]).length with loadBalancerNodes([node]).length. Lesson: § The service controller.',
    [`${service}a LoadBalancer Service gets a load balancer over the Ready nodes, its address in the status, and the finalizer`]:
      "reconcile reads the informer's Service; wanting a load balancer: updateWithRetry to add the finalizer, ensureLoadBalancer with loadBalancerNodes(this.nodes.list()), updateWithRetry with { status: true } for status.loadBalancer.ingress, and the two Events around it (recordEvent). Lesson: § The service controller.",
    [`${service}a ClusterIP Service is left alone`]:
      'A Service that does not want a load balancer and has no finalizer: return without calling the cloud. Lesson: § The service controller.',
    [`${service}a node joining updates the load balancer with the new nodes`]:
      "In run, before the informers start: nodes.addEventHandlers whose add, delete and update (when backendChanged) queue every Service that wants a load balancer. Run the nodes' informer, wait for its sync, then the controller. Lesson: § The service controller.",
    [`${service}a Service that is no longer a LoadBalancer loses its load balancer, its status and the finalizer`]:
      'Not wanted but finalizer present: ensureLoadBalancerDeleted, the status emptied (loadBalancer: {}), then the finalizer filtered out (undefined when none is left). Lesson: § The service controller.',
    [`${service}a deleted Service has its load balancer deleted`]:
      'Remember the last state of every Service you gave a load balancer (a Map by key); when reconcile finds the key gone, call ensureLoadBalancerDeleted with what you remembered. Lesson: § The service controller.',
    [`${nodes}a node needs initializing while it has the uninitialized taint or no providerID`]:
      'Either a taint with key uninitializedTaint or an empty spec.providerID. Lesson: § The cloud node controllers.',
    [`${nodes}initializedNode sets providerID, the zone, region and type labels, the cloud's addresses, and drops the taint`]:
      "structuredClone the node; add the three labels; spec.providerID and taints without the uninitialized one; addresses: the cloud's, then the node's own whose type the cloud did not give. Lesson: § The cloud node controllers.",
    [`${nodes}a node is not Ready unless its Ready condition is True`]:
      "Find the condition of type Ready; anything but status 'True' (or no condition) is not Ready. Lesson: § The cloud node controllers.",
    [`${nodes}the cloud node controller initializes a registered node from the cloud`]:
      'run is this.controller.run(signal). reconcile: the node from the informer; needsInitialization or return; instanceMetadata; updateWithRetry with { status: true } for the addresses, then updateWithRetry for labels and spec. Lesson: § The cloud node controllers.',
    [`${nodes}a node the cloud does not know stays as it is, and its reconcile fails with the cloud's error`]:
      'Ask the cloud before writing anything, and let its error reject reconcile: the work queue retries it with back-off. Lesson: § The cloud node controllers.',
    [`${nodes}the lifecycle pass deletes a NotReady node whose machine is gone, and only that one`]:
      'run: the informer, waitForSync, then a loop of monitorNodes and sleep(clock, period, signal). monitorNodes: for each notReady node, instanceExists false → delete the Node. Lesson: § The cloud node controllers.',
    [`${sizing}a pod is unschedulable when unbound with PodScheduled False, reason Unschedulable`]:
      'No spec.nodeName, no deletionTimestamp, and the PodScheduled condition with status False and reason Unschedulable. Lesson: § What pods ask and nodes offer.',
    [`${sizing}a pod's requests add up its containers'; a node offers its allocatable`]:
      "milliCpu and quantityValue from harness/api/quantity.ts on each container's resources.requests; the node's status.allocatable through the same two. Lesson: § What pods ask and nodes offer.",
    [`${sizing}firstFit places each request in the first bin with room, opening new bins, skipping the too big`]:
      'Copy the bins; per request find the first copy with room for cpu and memory; none: open { ...capacity } if the request fits it; subtract and count. Lesson: § What pods ask and nodes offer.',
    [`${sizing}nodesNeeded packs the pending pods onto new nodes like the template`]:
      "firstFit of the pods' requests into no bins, with the template's allocatable as the capacity: the number of bins opened. Lesson: § What pods ask and nodes offer.",
    [`${sizing}a node's utilization is the larger of its cpu and memory share`]:
      "Add up the pods' requests; divide by the allocatable (0 when it is 0); Math.max of the two. Lesson: § What pods ask and nodes offer.",
    [`${sizing}only pods that would be lost must move: DaemonSet pods and finished pods stay`]:
      'Filter out pods with an ownerReference of kind DaemonSet and pods whose phase is Succeeded or Failed. Lesson: § What pods ask and nodes offer.',
    [`${sizing}a scale-down is blocked by a pod nobody owns, or by pods that fit nowhere else`]:
      "First a pod with no ownerReference marked controller; then the other nodes' free space (allocatable less their pods' requests) as bins for firstFit without capacity: every pod placed or the second message. Lesson: § What pods ask and nodes offer.",
    [`${autoscaler}pending pods grow the group by the nodes they need, up to its maximum, with an Event on each pod`]:
      'runOnce lists nodes and pods and filters isUnschedulable; scaleUp: per group, needed = nodesNeeded(pending, template) − (targetSize − owned nodes), delta = min(needed, maxSize − targetSize); increaseSize and one TriggeredScaleUp Event a pod. Lesson: § The cluster autoscaler.',
    [`${autoscaler}nodes already starting count: the same pending pods do not ask again`]:
      "The group's targetSize already includes the machines you asked for; subtract the ones not yet registered as Nodes from what the pods need. Lesson: § The cluster autoscaler.",
    [`${autoscaler}an idle node goes after --scale-down-unneeded-time: tainted, drained, its machine deleted`]:
      'scaleDown: for each owned node, podsToMove, utilization under the threshold and no blockedScaleDown → unneeded since the first time seen; unneeded long enough and the group above minSize: drain (the taint, then evictPod for each pod) and deleteNodes. Lesson: § The cluster autoscaler.',
    [`${autoscaler}the drain evicts: a pod its budget protects keeps the node, untainted, with a ScaleDownFailed Event`]:
      "drain: after the taint, evictPod(client, namespace, name) for each pod; catch an ApiError: 404 → next pod, 429 → return `pod ns/name: ${error.message}`. scaleDown: a refusal → untaint (updateWithRetry filtering the taint out, undefined when none is left), a Warning Event ScaleDownFailed on { ...node, kind: 'Node' }, and return before deleteNodes. Lesson: § The cluster autoscaler.",
    [`${disruption}budgetsFor: the budgets of the pod’s namespace whose selector selects its labels`]:
      'Filter: same metadata.namespace, a spec.selector present, and selects(selector, pod labels) from harness/api/workload-validation.ts. Lesson: § The disruption controller.',
    [`${disruption}withCondition: DisruptionAllowed True SufficientPods, or False InsufficientPods, its time kept while unchanged`]:
      "status = disruptionsAllowed > 0 ? 'True' : 'False'; find the previous DisruptionAllowed condition: same status → keep its lastTransitionTime, else rfc3339(now) from harness/clock.ts. Return { ...computed, conditions: [that one condition] }. Lesson: § The disruption controller.",
    [`${disruption}statusChanged compares whole statuses; nextExpiry says when the first disrupted pod stops counting`]:
      'statusChanged: JSON.stringify(current ?? {}) !== JSON.stringify(next). nextExpiry: for each disruptedPods time, Date.parse(at) + disruptionTimeoutMs − now; none → undefined; else Math.max(0, the smallest). Lesson: § The disruption controller.',
    [`${disruption}the controller writes a budget’s status from its pods, and again when a pod stops being Ready`]:
      "Constructor: informers on poddisruptionbudgets and pods, createController with reconcile; controller.watch(budgets); controller.watch(pods, pod => budgetsFor(pod, budgets.byIndex('namespace', ns)).map(toolkit.keyOf)). run: controller.run(signal). reconcile: budgets.get(key), pods.byIndex('namespace', ns), options.budgetStatus, withCondition, updateStatus when statusChanged, queue.addAfter on nextExpiry. Lesson: § The disruption controller.",
    [`${autoscaler}never below the minimum, and a node that is needed again is forgotten`]:
      'Check targetSize() > minSize before choosing a victim; after the pass delete from unneededSince every node not seen unneeded this time. Lesson: § The cluster autoscaler.',
  },
};
