// Chapter 09b's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter9B: Chapter = {
  id: '09b',
  slug: 'iptables',
  title: "EndpointSlices, and kube-proxy's iptables mode",
  builds:
    'the EndpointSlice controller, kube-proxy in iptables mode (the rules as data, applied with iptables-restore in a network namespace) and NetworkPolicies as filter rules',
  stages: [
    {
      title: 'An endpoint for each pod, grouped by its ports',
      from: 'EndpointSlices > a ready pod is ready and serving; a terminating one only serving; an unready one neither',
      functions: ['endpointConditions', 'podEndpoint', 'slicePorts', 'endpointGroups'],
    },
    {
      title: 'Slices of at most 100, and few writes',
      from: 'EndpointSlices > 250 endpoints make three new slices of at most 100, labelled with the Service and the controller',
      functions: ['newSlice', 'planSlices'],
    },
    {
      title: 'Writing a plan, and waiting for your own writes',
      from: 'EndpointSlices > a write is pending until the cache shows the slice at that resourceVersion or later',
      functions: [
        'SliceExpectations.expectWritten',
        'SliceExpectations.expectDeleted',
        'SliceExpectations.observe',
        'SliceExpectations.pending',
        'EndpointSliceController.writePlan',
      ],
    },
    {
      title: 'The EndpointSlice controller',
      from: 'EndpointSlices > the controller keeps slices in step with pods coming and going',
      functions: ['EndpointSliceController.run', 'EndpointSliceController.reconcile'],
    },
    {
      title: "kube-proxy's chain names and probabilities",
      from: 'The rules > base32 encodes as Go does, with padding',
      functions: [
        'base32',
        'chainHash',
        'servicePortName',
        'serviceChain',
        'endpointChain',
        'comment',
        'probability',
      ],
    },
    {
      title: 'Ready endpoints, and picking one: statistic and recent',
      from: "The rules > a port's ready endpoints come from its Service's slices, with the port of the same name",
      functions: ['readyEndpoints', 'endpointRules'],
    },
    {
      title: "One Service port's chains",
      from: 'The rules > one port with one endpoint: KUBE-SERVICES jumps to its KUBE-SVC chain, which goes to a KUBE-SEP that DNATs',
      functions: ['servicePortRules'],
    },
    {
      title: 'The restore text, and whole rule sets checked against golden files',
      from: 'The rules > restoreText: per table, filter then nat, the chains declared, the rules, then COMMIT',
      functions: ['savedChains', 'restoreText', 'proxyRules'],
    },
    {
      title: 'Selectors, address blocks, peers and ports',
      from: 'NetworkPolicy > label selectors: matchLabels and the four operators; the empty selector matches all',
      functions: ['matchesSelector', 'policyTypes', 'subtractCidrs', 'peerBlocks', 'portMatches'],
    },
    {
      title: 'A chain for every isolated pod',
      from: 'NetworkPolicy > a default deny isolates every pod of its namespace; pods of other namespaces stay open',
      functions: ['policyRules'],
    },
    {
      title: 'Running the iptables programs, and cleaning up',
      from: 'The iptables proxy > without the iptables programs, or without CAP_NET_ADMIN, it says so in one line',
      functions: [
        'checkIptables',
        'iptablesCommand',
        'ensureJumps',
        'jumpsPresent',
        'isOwnChain',
        'cleanupText',
        'removeRules',
      ],
    },
    {
      title: 'The sync loop, and real TCP through the kernel',
      from: 'The iptables proxy > the proxy writes the rules with iptables-restore --noflush, again on each change, and cleans up on exit',
      functions: ['IptablesProxy.rules', 'IptablesProxy.run', 'IptablesProxy.sync'],
      long: 'run and sync pass nothing until both are written, and the kernel tests that follow need no new code; the stage also carries the closing sections of the lesson (certification notes, Try it, review)',
    },
  ],
  hints: {
    'EndpointSlices > a ready pod is ready and serving; a terminating one only serving; an unready one neither':
      "serving: the pod's Ready condition has status 'True'; terminating: Boolean(metadata.deletionTimestamp); ready: serving && !terminating. Lesson: § EndpointSlices.",
    'EndpointSlices > a pod is an endpoint with its IP, its node and a reference to it':
      "addresses: [status.podIP], conditions from endpointConditions, nodeName only when spec.nodeName is set, targetRef with kind Pod and the pod's namespace, name and uid. Lesson: § EndpointSlices.",
    'EndpointSlices > a pod whose subdomain names the Service is an endpoint with its hostname':
      "podEndpoint(pod, service) adds hostname: the pod's spec.hostname when its spec.subdomain is the Service's name; endpointGroups passes the Service. Lesson: § EndpointSlices.",
    "EndpointSlices > a slice's ports carry the Service ports' names and the numbers they reach on the pod":
      "For each Service port: target = targetPort ?? port; a number as it is, a name looked up in every container's ports (skip the port when none has it). Name '' when the Service port has none; protocol TCP by default. Lesson: § EndpointSlices.",
    'EndpointSlices > endpoints are grouped by their ports and sorted by IP; pods without an IP are left out':
      "Key each pod by JSON.stringify(slicePorts(service, pod)) in a Map; skip pods without status.podIP; sort each group with localeCompare(b, 'en', { numeric: true }) on the first address. Lesson: § EndpointSlices.",
    'EndpointSlices > 250 endpoints make three new slices of at most 100, labelled with the Service and the controller':
      'With no existing slices, cut each group into chunks of max (splice(0, max)) and give each chunk a newSlice(service, group.ports): generateName "<name>-", both labels, an ownerReference with controller: true. Lesson: § EndpointSlices.',
    'EndpointSlices > one pod gone rewrites only its slice; a new pod fills a slice with room':
      "For the slices with the same ports: keep the endpoints still wanted (take them out of a Map of wanted ones by address), then fill slices below max with what is left, then make new slices. Compare each slice's endpoints before and after (JSON) to know if it needs an update. Lesson: § EndpointSlices.",
    'EndpointSlices > a slice left empty, or whose ports no endpoint has any more, is deleted':
      "A slice whose ports (as JSON) are no group's key goes into delete at once; a kept slice that ends with no endpoints too. Lesson: § EndpointSlices.",
    'EndpointSlices > a write is pending until the cache shows the slice at that resourceVersion or later':
      'Keep a Map from Service key (serviceKeyOf) to a Map of slice name -> resourceVersion as a number. observe removes the entry once the version seen is at least the one written. Lesson: § EndpointSlices.',
    'EndpointSlices > a delete is pending until the cache reports the slice deleted':
      'expectDeleted stores -1; observe removes any entry when gone is true, and never because of a version for a -1 entry. Lesson: § EndpointSlices.',
    'EndpointSlices > the controller keeps slices in step with pods coming and going':
      "Informers on services, pods and endpointslices (labelSelector managed-by=controller, an index 'service' by serviceKeyOf). reconcile: planSlices with the Service's selected pods and its indexed slices, then create, update, delete. Tell a SliceExpectations about each write and feed it the slice informer's events; throw while pending(key), or you will write duplicate slices. Lesson: § EndpointSlices.",
    'EndpointSlices > a pod that turns unready stays in its slice, not ready; a Service deleted takes its slices':
      'A pod is watched with the keys of the Services that select it, so a status change reaches reconcile; a Service missing from the informer means: delete every slice in its index. Lesson: § EndpointSlices.',
    'EndpointSlices > five pods with at most two endpoints a slice make three slices, never a duplicate':
      'Pass options.maxEndpointsPerSlice to planSlices. Duplicates come from planning with a cache that has not seen your last create yet: SliceExpectations.pending must stop the reconcile. Lesson: § EndpointSlices.',
    "EndpointSlices > slices written by hand, without the controller's label, are left alone":
      'The slices informer lists only slices with endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io, so planSlices never sees a slice written by hand, and never deletes it. Lesson: § EndpointSlices.',
    'The rules > base32 encodes as Go does, with padding':
      "Keep a bit buffer: add 8 bits per byte, take 5 at a time from the top as an index into 'A'..'Z','2'..'7'; left-over bits are shifted up to 5; pad with '=' to a multiple of 8. Lesson: § The rules.",
    "The rules > chain names hash the Service port's name as kube-proxy does":
      "chainHash: base32(createHash('sha256').update(text).digest()).slice(0, 16). serviceChain hashes portName + protocol; endpointChain portName + protocol + endpoint. The port name: namespace/name, plus :port when the port has a name. Lesson: § The rules.",
    'The rules > a comment is quoted only when it has a space, as iptables-save prints it':
      "'-m comment --comment ' followed by the text, wrapped in double quotes when text.includes(' '). Lesson: § The rules.",
    'The rules > the probabilities are 1/n, 1/(n-1), ... and none for the last':
      '(1 / (n - i)).toFixed(10), and undefined when i is n - 1. Lesson: § The rules.',
    "The rules > a port's ready endpoints come from its Service's slices, with the port of the same name":
      "Keep slices of the same namespace whose kubernetes.io/service-name label is the Service's name; find the slice port with the same name ('' when missing); every address of every endpoint whose conditions.ready is not false, as ip:port, in a Set; sort numerically. Lesson: § The rules.",
    'The rules > one port with one endpoint: KUBE-SERVICES jumps to its KUBE-SVC chain, which goes to a KUBE-SEP that DNATs':
      'Push the KUBE-SVC chain, then the KUBE-SEP chains, into into.nat.chains; the rules in the order the test lists them. Comments: comment() quotes a text with spaces. Lesson: § The rules.',
    'The rules > one port without endpoints: a REJECT in the filter table, and nothing in nat':
      'With no endpoints, return after the REJECT rule(s) in into.filter.rules: no chain, no nat rule. Lesson: § The rules.',
    'The rules > a NodePort port: a KUBE-EXT chain from KUBE-NODEPORTS marks for masquerade, then goes to KUBE-SVC':
      'Only type NodePort or LoadBalancer with a nodePort gets KUBE-EXT-<same hash as KUBE-SVC>, declared after KUBE-SVC and before the KUBE-SEP chains (endpointRules comes last). Lesson: § The rules.',
    'The rules > endpointRules: a KUBE-SEP chain per endpoint, and a statistic rule for each but the last':
      "For endpoint i of n: the rule in KUBE-SVC carries ' -m statistic --mode random --probability ' + probability(i, n) unless that is undefined; then each KUBE-SEP chain's two rules: the hairpin mark and the DNAT. Lesson: § The rules.",
    'The rules > endpointRules with ClientIP affinity: recent checks first, and the DNAT remembers the client':
      'With sessionAffinity ClientIP, first one --rcheck rule per endpoint (list name: its KUBE-SEP chain), then the statistic rules; in the DNAT rule, -m recent --name <SEP> --set after -m tcp -p tcp. Lesson: § The rules.',
    'EndpointSlices > writePlan creates, updates and deletes; a slice already gone is no error':
      'A slice without metadata.name is a create (the API server names it from generateName), one with a name an update; a delete that answers NotFound (isNotFound from harness/client/errors.ts) is fine. Lesson: § EndpointSlices.',
    'The rules > restoreText: per table, filter then nat, the chains declared, the rules, then COMMIT':
      "For filter, then nat: '*' + table, ':' + chain + ' - [0:0]' for each chain, the rules, 'COMMIT'; join with newlines and end with one. Lesson: § The rules.",
    'The rules > a ClusterIP Service with two endpoints: golden/two-endpoints.rules':
      'Open golden/two-endpoints.rules: it is the answer, line by line. proxyRules starts from baseRules(), calls servicePortRules per TCP port, and ends with the KUBE-NODEPORTS jump; restoreText writes filter then nat: *table, :CHAIN - [0:0] lines, the rules, COMMIT. Lesson: § The rules.',
    'The rules > a NodePort Service with ClientIP affinity and three endpoints: golden/nodeport-affinity.rules':
      'Compare with golden/nodeport-affinity.rules: a KUBE-EXT chain (same hash as KUBE-SVC) from KUBE-NODEPORTS, the recent --rcheck rules first in KUBE-SVC, and recent --set in each DNAT rule. Lesson: § The rules.',
    'The rules > a Service without ready endpoints is rejected: golden/no-endpoints.rules':
      'No endpoints: no nat chains for it at all, only the REJECT rules in the filter table (KUBE-SERVICES for the ClusterIP, KUBE-EXTERNAL-SERVICES for the node port). Lesson: § The rules.',
    'The rules > headless, ExternalName and UDP ports get no rules':
      "Skip Services of type ExternalName, and those whose clusterIP is missing or 'None'; skip ports whose protocol is not TCP. Lesson: § The rules.",
    'The rules > a sync deletes the chains of ours that are no longer wanted, and only those':
      "savedChains: track the current table from '*name' lines, collect the names of its ':' lines, and leave out those an '-X NAME' line deletes. In restoreText, stale chains (ours by prefix, not wanted) are declared after the wanted ones and get an -X line before COMMIT. Lesson: § The rules.",
    'NetworkPolicy > label selectors: matchLabels and the four operators; the empty selector matches all':
      'Every matchLabels pair must be present; then each expression: Exists (has the key), DoesNotExist, In (has it with one of the values), NotIn (has it not, or with another value). Lesson: § NetworkPolicy.',
    'NetworkPolicy > a policy is for Ingress unless it says otherwise, and for Egress too when it has egress rules':
      "spec.policyTypes when non-empty; else ['Ingress'], plus 'Egress' when spec.egress is present (even empty). Lesson: § NetworkPolicy.",
    'NetworkPolicy > an ipBlock allows its range minus the excepted blocks':
      'A recursive split: a block inside a hole gives [], a block overlapping no hole gives [block], any other splits into its two halves (prefixLength + 1). Use parseCidr, cidrSize, formatCidr from harness/network.ts. Lesson: § NetworkPolicy.',
    "NetworkPolicy > a peer's pods: podSelector in the policy's namespace, namespaceSelector across namespaces":
      "ipBlock first. Otherwise filter pods: the namespace matches (namespaceSelector against the namespace's labels plus kubernetes.io/metadata.name, or same namespace as the policy without one) and matchesSelector(podSelector ?? {}, labels); answer podIP + '/32'. Lesson: § NetworkPolicy.",
    'NetworkPolicy > ports become --dport matches, a range with endPort; no ports means any':
      "No ports: ['']. Each port: protocol lower case (tcp by default), ` -p tcp -m tcp --dport 8080`, or `30000:30100` with endPort. Lesson: § NetworkPolicy.",
    'NetworkPolicy > a default deny isolates every pod of its namespace; pods of other namespaces stay open':
      'A pod is isolated for a direction when a policy of its namespace with that type selects it. Start the policies chain with the ESTABLISHED ACCEPT, then per isolated pod a jump (-d its IP for ingress) to KATA-NP-IN-<chainHash(namespace/name + type)>, whose last rule is the REJECT. Lesson: § NetworkPolicy.',
    'NetworkPolicy > an allow rule lets the frontend reach the backend on 8080, before the REJECT':
      'For each ingress rule of each selecting policy: for each block of its peers, and each port match, a RETURN rule with the comment namespace/policy and -s block. Lesson: § NetworkPolicy.',
    'NetworkPolicy > an egress policy isolates the source: only the allowed destinations pass':
      'Egress is the mirror image: the jump matches -s the pod IP, into KATA-NP-OUT-..., and the RETURN rules use -d for the allowed blocks (rule.to). Do egress before ingress. Lesson: § NetworkPolicy.',
    'The iptables proxy > without the iptables programs, or without CAP_NET_ADMIN, it says so in one line':
      'checkIptables runs iptables-save -t nat: code 127 means the program is missing; any other non-zero code means no privilege; say the first line of stderr. Lesson: § The iptables proxy.',
    "The iptables proxy > iptablesCommand runs a program (or a backend's) after its prefix, feeding it the input; one that cannot start answers 127":
      "spawn(first, [...rest, program, ...args]), collect stdout and stderr, write input to stdin and end it; resolve on 'close' with the code, and on 'error' with 127 and the error's message. With a backend, replace 'iptables' in the program's name by 'iptables-' + backend. Lesson: § The iptables proxy.",
    'The iptables proxy > the jumps from the built-in chains are inserted only when missing':
      'For each of jumpRules: iptables -w -t table -C chain ...rule; when its code is not 0, the same with -I. Lesson: § The iptables proxy.',
    'The iptables proxy > jumpsPresent reads the jumps from iptables-save output':
      "Split the saved text into lines per table ('*name' starts one); each jump rule needs a line of its table starting with '-A ' + chain + ' ' and ending with ' -j ' + its target (rule.at(-1)). Lesson: § The iptables proxy.",
    "The iptables proxy > on exit, our chains are flushed and deleted; no one else's":
      'isOwnChain knows the fixed names and the prefixes; cleanupText declares each of ours savedChains finds, then -X each, per table, filter first. Lesson: § The iptables proxy.',
    'The iptables proxy > the proxy writes the rules with iptables-restore --noflush, again on each change, and cleans up on exit':
      "One controller, every informer watched with () => ['sync'], queue.add('sync') at the start. sync: proxyRules plus policyRules in the filter table, restoreText (from iptables-save at the first sync, from the text written last after), iptables-restore -w --noflush, ensureJumps at the first sync. run's finally: removeRules. Lesson: § The iptables proxy.",
    'The iptables proxy > the proxy refuses to start, in one line, where iptables cannot run':
      'run calls checkIptables before anything else, and lets its error through. Lesson: § The iptables proxy.',
    'In the kernel > a connection to the ClusterIP reaches the pod, with nothing listening on the ClusterIP':
      'If the rules text is right (the golden files pass) but nothing arrives, check the jumps: nat OUTPUT must lead to KUBE-SERVICES, and ensureJumps runs after the restore that creates the chains. Lesson: § In the kernel.',
    'In the kernel > a NodePort Service answers on a local address and its nodePort':
      'The last rule of KUBE-SERVICES jumps to KUBE-NODEPORTS for local destinations (-m addrtype --dst-type LOCAL). On loopback, masquerading breaks the connection: baseRules returns early for -o lo. Lesson: § In the kernel.',
    'In the kernel > 90 connections spread over 3 endpoints, each getting at least 10':
      'The probabilities must be 1/3, 1/2 and none, in that order; with 1/3 everywhere the last endpoint would get too many. Lesson: § In the kernel.',
    'In the kernel > an endpoint removed from its slice gets no new connections; no endpoints at all is refused':
      'Every change to a slice must lead to a sync (watch the slices informer), and with no endpoints the Service gets its REJECT rule in the filter table, reached from OUTPUT. Lesson: § In the kernel.',
    'In the kernel > sessionAffinity ClientIP keeps a client on one endpoint':
      'The recent --rcheck rules must come before the statistic rules in KUBE-SVC, and the DNAT rule of each KUBE-SEP must --set the same list name (the SEP chain name). Lesson: § In the kernel.',
    'In the kernel > a default-deny NetworkPolicy stops traffic to a pod; an allow rule lets one client back in':
      'The pods and policies informers must trigger syncs too, and the filter OUTPUT jump to KATA-NETWORK-POLICIES must be ensured. An allowed packet RETURNs; only the end of the pod chain REJECTs. Lesson: § In the kernel.',
    'In the kernel > on exit the proxy removes its chains and the jumps into them':
      'run ends with removeRules in a finally: delete each jump rule, then iptables-save and restore cleanupText. Lesson: § In the kernel.',
  },
};
