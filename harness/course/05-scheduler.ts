// Chapter 05's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter5: Chapter = {
  id: '05',
  slug: 'scheduler',
  title: 'The scheduler',
  builds:
    'the component that places pods: filters (resources, selectors and affinity, taints, ports), scores, a cache that assumes, and binding',
  stages: [
    {
      title: 'What a pod asks for and what a node offers',
      from: "Filters > a pod's requests are its containers' sum, and at least its largest init container's",
      functions: ['podRequests', 'allocatableOf', 'hostPortsOf', 'scoringRequests'],
    },
    {
      title: 'A node and the pods counted on it',
      from: 'Filters > a NodeInfo adds up the requests of the pods on it',
      functions: ['NodeInfo.addPod', 'NodeInfo.removePod', 'NodeInfo.setNode'],
    },
    {
      title: 'Resources, cordons and taints',
      from: 'Filters > tolerations: Equal needs key and value; Exists only the key; an empty key tolerates all',
      functions: [
        'tolerates',
        'nodeResourcesFit',
        'nodeUnschedulable',
        'nodeReady',
        'taintToleration',
      ],
    },
    {
      title: 'Node selectors and node affinity',
      from: 'Filters > NodeAffinity: every nodeSelector label must match',
      functions: ['nodeAffinity'],
    },
    {
      title: 'Host ports, and why no node fits',
      from: 'Filters > NodePorts: a host port is used once per node',
      functions: ['nodePorts', 'filterNode', 'unschedulableMessage'],
    },
    {
      title: 'Scoring the nodes that fit',
      from: 'Scores > least allocated: the share left free of CPU and memory, averaged, out of 100',
    },
    {
      title: 'The cache and its assumed pods',
      from: 'The scheduling cache > nodes come and go; bound pods are counted on their node',
    },
    {
      title: 'Choosing a node for a pod',
      from: 'Scheduling pods > in a big cluster the search stops once enough nodes fit: from 50% down to 5%',
      functions: [
        'numFeasibleNodesToFind',
        'Scheduler.responsibleFor',
        'Scheduler.findFeasibleNodes',
        'Scheduler.schedulePod',
        'Scheduler.observe',
      ],
    },
    {
      title: 'Bindings, events and the informers feeding the cache',
      from: 'Scheduling pods > a Binding names the pod and targets the node',
      functions: ['bindingFor', 'schedulerEvent', 'Scheduler.addEventHandlers'],
    },
    {
      title: 'Pods bound on a live API server',
      from: 'Scheduling pods > a pod is bound to the node that can take it',
      functions: ['Scheduler.run', 'Scheduler.scheduleOne'],
    },
    {
      title: 'Pods no node can take',
      from: 'Scheduling pods > markUnschedulable sets PodScheduled=False with the message, keeping the other conditions',
      functions: ['markUnschedulable', 'Scheduler.reportUnschedulable'],
    },
  ],
  hints: {
    "Filters > a pod's requests are its containers' sum, and at least its largest init container's":
      "Add milliCpu(...) and quantityValue(...) (harness/api/quantity.ts) of each container's resources.requests; then take the max with each init container's. Lesson: § Filters.",
    'Filters > a node offers its status.allocatable: CPU in millicores, memory in bytes, pods as a count':
      'Read node.status?.allocatable (an empty object when missing) and convert cpu with milliCpu, memory and pods with quantityValue: a missing quantity is 0. Lesson: § Filters.',
    'Filters > host ports read as protocol/port, TCP when no protocol is given':
      'flatMap over the containers, keep only the ports that have a hostPort, and write each as `${protocol ?? "TCP"}/${hostPort}`. Lesson: § Filters.',
    'Filters > for scoring, a request of zero counts as 100m of CPU and 200Mi of memory':
      'Start from podRequests(pod) and replace each zero with DEFAULT_MILLI_CPU or DEFAULT_MEMORY (`||` does it). Lesson: § Filters.',
    'Filters > a NodeInfo adds up the requests of the pods on it':
      'addPod stores the pod under its namespace/name key and adds its podRequests to `requested` (and one pod), its scoringRequests to `nonZeroRequested`, its host ports to usedPorts. Lesson: § Filters.',
    'Filters > a pod removed gives back its requests and its host ports, not the other pods':
      'removePod looks the key up and subtracts what the stored copy added (a pod never counted: do nothing), then frees its host ports while the ports of the pods that stay remain in use. Lesson: § Filters.',
    'Filters > a pod added again replaces its first count instead of adding to it':
      'In addPod, when the key is already in `pods`, removePod it first: an informer update hands you the same pod again. Lesson: § Filters.',
    'Filters > setNode keeps the changed node and reads what it offers again':
      'setNode replaces `node` and recomputes `allocatable` with allocatableOf; the pods counted stay. Lesson: § Filters.',
    'Filters > tolerations: Equal needs key and value; Exists only the key; an empty key tolerates all':
      "Check the effect first (if the toleration names one), then Exists (key or no key) or Equal (key and value, a missing value being ''). Lesson: § Filters.",
    'Filters > NodeResourcesFit: requests beyond what is left are Insufficient cpu or memory':
      "Compare requested + the pod's request with node.allocatable, per resource; list every resource that does not fit. Lesson: § Filters.",
    'Filters > NodeResourcesFit: a node holds no more pods than its allocatable pods':
      'requested.pods + 1 > allocatable.pods is "Too many pods". Lesson: § Filters.',
    'Filters > NodeUnschedulable: a cordoned node takes no pods':
      'node.node.spec?.unschedulable true, and the pod does not tolerate the taint node.kubernetes.io/unschedulable:NoSchedule: answer ["node(s) were unschedulable"]. Lesson: § Filters.',
    'Filters > a node that is not Ready takes no pods, unless they tolerate not-ready':
      "Find the condition of type Ready; anything but status 'True' (missing included) refuses the pod, unless one of its tolerations tolerates node.kubernetes.io/not-ready:NoSchedule. Lesson: § Filters.",
    'Filters > TaintToleration: untolerated NoSchedule and NoExecute taints keep a pod out; PreferNoSchedule does not':
      'Find the first taint whose effect is not PreferNoSchedule and that none of the pod\'s tolerations tolerates; name it as "{key: value}", with an empty value printed as nothing. Lesson: § Filters.',
    'Filters > NodeAffinity: every nodeSelector label must match':
      "Every [key, value] of pod.spec.nodeSelector must equal the node's label; a missing nodeSelector matches every node. Lesson: § Filters.",
    'Filters > NodeAffinity: required terms with In, NotIn, Exists and DoesNotExist':
      'Write one function for one requirement against the labels: a switch on the operator. NotIn and DoesNotExist hold when the label is missing. Lesson: § Filters.',
    'Filters > NodeAffinity: Gt and Lt compare the label as an integer':
      "Parse both the label and values[0] with Number.parseInt(..., 10): as strings, '10' < '9'. A missing label never matches. Lesson: § Filters.",
    'Filters > NodeAffinity: the node needs to match one of the terms, not all':
      'nodeSelectorTerms are ORed (some), the matchExpressions inside one term ANDed (every); no terms at all means no constraint. Lesson: § Filters.',
    'Filters > NodeAffinity: matchFields pick a node by its metadata.name, as DaemonSet pods are pinned':
      "Check a term's matchFields with the same requirement function, against { 'metadata.name': the node's name } instead of its labels; a term holds when its expressions and its fields all do. Lesson: § Filters.",
    'Filters > NodePorts: a host port is used once per node':
      'Any of hostPortsOf(pod) already in node.usedPorts refuses the pod; a pod without host ports always fits. Lesson: § Filters.',
    'Filters > a node fails at the first filter that has reasons':
      'filterNode walks the filters in order and returns the reasons of the first one that has any; none: an empty list. Lesson: § Filters.',
    'Filters > the message counts each reason over the nodes, sorted as Kubernetes prints it':
      'Count each reason in a Map, format "count reason", sort those strings, join with ", ", and wrap as "0/N nodes are available: ... .". Lesson: § Filters.',
    'Filters > with no nodes at all, the message says no nodes are available':
      'With nodeCount 0 there is nothing to count: answer "no nodes available to schedule pods" before anything else. Lesson: § Filters.',
    'Scores > least allocated: the share left free of CPU and memory, averaged, out of 100':
      "Add nonZeroRequested on the node and this pod's scoringRequests, per resource; free share = 1 - used / allocatable (never below 0); average the two, times 100, Math.floor. Lesson: § Scores.",
    'Scores > a pod that requests nothing counts as 100m and 200Mi for scoring':
      'Use scoringRequests, not podRequests, for the pod being scored, and nonZeroRequested, not requested, for the node. Lesson: § Scores.',
    'Scores > balanced allocation: CPU and memory used alike score 100; lopsided use scores lower':
      'Take the two used fractions (capped at 1); the score is (1 - |cpu - memory| / 2) × 100, rounded down. Lesson: § Scores.',
    'Scores > the score is the weighted sum of both':
      'scoreNode = weights.leastAllocated × leastAllocated + weights.balancedAllocation × balancedAllocation, with defaultWeights when none are given. Lesson: § Scores.',
    'Scores > the best score wins; equal scores are broken by the random source':
      'Keep only the entries with the top score, then take index Math.floor(random() * count). Lesson: § Scores.',
    'The scheduling cache > nodes come and go; bound pods are counted on their node':
      'Keep a Map from node name to NodeInfo, a set of the names the informer has shown, and the list nodes() returns; addPod counts a pod on the NodeInfo of its spec.nodeName. Lesson: § The scheduling cache.',
    'The scheduling cache > a pod seen bound before its node is counted once the node arrives':
      'Make a NodeInfo on first need, even for a node the informer has not shown (infoFor), but let node() and nodes() answer only the nodes it has shown; setNode then fills that NodeInfo in. Lesson: § The scheduling cache.',
    'The scheduling cache > an assumed pod counts at once; the watch confirming it does not count it twice':
      'assume counts the pod on the node like addPod and remembers its key; addPod of the same key replaces the count instead of adding, and clears the assumption. Lesson: § The scheduling cache.',
    'The scheduling cache > forgetting an assumption frees what it held':
      'forget removes the pod only if it is still assumed: a pod the watch has confirmed stays. Lesson: § The scheduling cache.',
    'The scheduling cache > a deleted pod frees its node':
      'Remember for each pod key the node it is counted on; removePod takes it off that NodeInfo and forgets the key. Lesson: § The scheduling cache.',
    'Scheduling pods > in a big cluster the search stops once enough nodes fit: from 50% down to 5%':
      'Under 100 nodes: all of them. Otherwise the percentage (when 0: max(5, 50 - nodes / 125)), Math.floor(nodes × share / 100), then at least 100 and at most nodes. Lesson: § Scheduling pods.',
    'Scheduling pods > a scheduler takes the pods that name it, and default-scheduler those that name none':
      "Compare (pod.spec.schedulerName ?? 'default-scheduler') with this scheduler's name. Lesson: § Scheduling pods.",
    'Scheduling pods > findFeasibleNodes answers the nodes that fit and why each other one does not':
      'Walk cache.nodes(), run filterNode (with options.filters or defaultFilters) on each: no reasons, feasible; otherwise push the reasons. Count what you examined. Lesson: § Scheduling pods.',
    'Scheduling pods > in a cluster of 200 nodes, a search stops once 100 fit':
      'Loop while examined < nodes.length and feasible.length < numFeasibleNodesToFind(nodes.length, options.percentageOfNodesToScore). Lesson: § Scheduling pods.',
    'Scheduling pods > each search starts where the last one stopped, so pods go round the nodes':
      'Keep a nextStart field: start at nextStart % nodes.length, take nodes[(start + i) % length], and afterwards set nextStart = start + examined. Lesson: § Scheduling pods.',
    'Scheduling pods > schedulePod picks the feasible node with the best score, and only decides':
      'Map the feasible nodes to { name, score: scoreNode(pod, node, weights) } and return selectHost(scored, this.random). Do not touch the cache here. Lesson: § Scheduling pods.',
    "Scheduling pods > when no node fits, schedulePod throws Unschedulable with Kubernetes' message":
      'No feasible node: throw new Unschedulable(unschedulableMessage(cache.nodes().length, reasons)), counting every node in the cache, not only those examined. Lesson: § Scheduling pods.',
    'Scheduling pods > the cache counts each pod the informer shows with a node, until it finishes':
      'observe: no spec.nodeName, return; phase Succeeded or Failed, cache.removePod; otherwise cache.addPod. Lesson: § Scheduling pods.',
    'Scheduling pods > a Binding names the pod and targets the node':
      "Return a plain object: apiVersion 'v1', kind 'Binding', metadata with the pod's name and namespace, target { apiVersion: 'v1', kind: 'Node', name }. Lesson: § Scheduling pods.",
    'Scheduling pods > an Event names the pod it is about, the scheduler that writes it and the time':
      "metadata.generateName is the pod's name and a dot, so the API server adds a suffix; involvedObject copies the pod's apiVersion v1, kind Pod, namespace, name and uid. Lesson: § Scheduling pods.",
    'Scheduling pods > addEventHandlers: the cache follows the nodes and the bound pods the informers show':
      'pods.addEventHandlers: add and update call observe, delete calls cache.removePod. nodes.addEventHandlers: add and update call cache.setNode, delete cache.removeNode(name). Lesson: § Scheduling pods.',
    'Scheduling pods > addEventHandlers: a node added puts the pods no node could take back in the queue at once':
      'In the node add and update handlers, after setNode, queue.add every key of this.unschedulable and clear the set; skip an update whose old and new objects are the same (a resync). Lesson: § Scheduling pods.',
    'Scheduling pods > a pod is bound to the node that can take it':
      "The constructor makes two informers with the clock; run: a controller (queue with the back-off options, reconcile scheduleOne, 16 workers), addEventHandlers, watch pods keyed only when unbound and this scheduler's. scheduleOne: schedulePod, cache.assume, then client.bind(bindingFor(...)). Lesson: § Scheduling pods.",
    'Scheduling pods > a bound pod gets a Scheduled event that names its node':
      'After a successful bind, create schedulerEvent(pod, "Normal", "Scheduled", `Successfully assigned ${key} to ${node}`, ...) in the pod\'s namespace; do not await it in the way of the next pod, and ignore its errors. Lesson: § Scheduling pods.',
    'Scheduling pods > equal pods spread evenly over equal nodes':
      'Each pod must see the ones placed before it: assume it in the cache before the bind is awaited, so the next decision scores that node as fuller. Lesson: § The scheduling cache.',
    'Scheduling pods > pods for another scheduler are left alone; a scheduler with that name takes them':
      'Key only pods with no nodeName for which responsibleFor holds, and check responsibleFor again in scheduleOne. Lesson: § Scheduling pods.',
    'Scheduling pods > markUnschedulable sets PodScheduled=False with the message, keeping the other conditions':
      "Filter out any old PodScheduled, append the new one (status 'False', reason 'Unschedulable', message, lastProbeTime null, lastTransitionTime now), keep the phase or set Pending; return true. Lesson: § Scheduling pods.",
    'Scheduling pods > markUnschedulable changes nothing when the pod says so already, and replaces an older message':
      "Look for PodScheduled first: status 'False' with the same message means return false before touching the pod, so updateWithRetry sends nothing. Lesson: § Scheduling pods.",
    "Scheduling pods > a pod no node can take gets PodScheduled=False with Kubernetes' message, and an event":
      'scheduleOne catches Unschedulable: add the key to unschedulable, await reportUnschedulable (updateWithRetry on pods with markUnschedulable and { status: true }, then a Warning FailedScheduling event), then throw it again so the queue retries. Lesson: § Scheduling pods.',
    'Scheduling pods > an unschedulable pod is placed as soon as a node that fits is added':
      "The key must be in `unschedulable` before the error reaches the queue, so addEventHandlers' node handler finds it when the new node arrives. Lesson: § Scheduling pods.",
    'Scheduling pods > a burst of pods never puts two on the last free slot of a node':
      "Assume the pod on its node in the cache before you bind: the next pod's filters must already see the slot as taken. Lesson: § The scheduling cache.",
    'Scheduling pods > a pod that has finished frees its place on a full node':
      'The pod update handler goes through observe, which removes a Succeeded or Failed pod from the cache; the next pod then finds the node free. Lesson: § Scheduling pods.',
  },
};
