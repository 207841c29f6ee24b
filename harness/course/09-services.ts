// Chapter 09's entry in the course manifest (harness/course.ts): its stages and the hint for every test.
import type { Chapter } from '../course.ts';

export const chapter9: Chapter = {
  id: '09',
  slug: 'services',
  title: 'Services and kube-proxy',
  builds:
    'ClusterIP and NodePort allocation, and kube-proxy in userspace mode: real TCP listeners on Service addresses, each connection piped to a ready pod',
  stages: [
    {
      title: 'Port ranges, Service kinds and the search for a free slot',
      from: 'Allocation > a port range reads as first-last',
      functions: [
        'parsePortRange',
        'wantsClusterIp',
        'wantsNodePorts',
        'findFree',
        'invalidService',
      ],
    },
    {
      title: 'ClusterIPs from the range',
      from: 'Allocation > a Service that gets no node ports may not name one; nodePort 0 means none',
      functions: [
        'forbidNodePorts',
        'ServiceAllocator.kubernetesIp',
        'ServiceAllocator.isIpAllocated',
        'ServiceAllocator.assignIp',
        'ServiceAllocator.onCreate',
      ],
    },
    {
      title: 'Asking for a ClusterIP, and giving it back',
      from: 'Allocation > a requested free ClusterIP is honoured',
      functions: ['requestedIpError', 'ServiceAllocator.onDelete'],
    },
    {
      title: 'Node ports',
      from: 'Allocation > a NodePort Service gets a port from 30000-32767 for each of its ports',
      functions: ['ServiceAllocator.assignPorts', 'ServiceAllocator.isPortAllocated'],
    },
    {
      title: 'Updates, and an allocator rebuilt after a restart',
      from: 'Allocation > an update keeps the ClusterIP, which may not change once set',
      functions: ['ServiceAllocator.onUpdate', 'ServiceAllocator.rebuild'],
    },
    {
      title: 'Traffic policies: the healthCheckNodePort',
      from: 'Allocation > a LoadBalancer Service with externalTrafficPolicy Local gets a healthCheckNodePort from the node port range',
      functions: [
        'wantsHealthCheckPort',
        'externallyAccessible',
        'ServiceAllocator.assignHealthCheckPort',
      ],
    },
    {
      title: 'Which addresses to serve, and which endpoint to pick',
      from: "The proxy > a port's ready endpoints are the subsets' addresses, with the port of the same name",
      functions: [
        'listenAddress',
        'readyEndpoints',
        'endpointsFromSlices',
        'serviceListeners',
        'pickEndpoint',
        'staysOnNode',
      ],
    },
    {
      title: 'Listening on an address',
      from: 'The proxy > listenTcp listens on the address and hands each connection over paused, half-open allowed',
      functions: ['listenTcp'],
    },
    {
      title: 'Piping bytes both ways',
      from: 'The proxy > pipe carries bytes both ways',
      functions: ['pipe'],
    },
    {
      title: 'Listeners that follow the Services',
      from: 'The proxy > the proxy listens on the ClusterIP port of each Service',
      functions: ['Proxy.run', 'Proxy.sync', 'Proxy.listening', 'Proxy.servedByPeer'],
    },
    {
      title: 'Connections carried to the pods',
      from: 'The proxy > two proxies on one host: a peer serving an address counts as served; the other takes over later',
      functions: ['Proxy.accept', 'Proxy.openSockets', 'Proxy.close'],
    },
  ],
  hints: {
    'Allocation > a port range reads as first-last':
      'A regular expression /^(\\d+)-(\\d+)$/, then check 1 <= first <= last <= 65535; anything else throws an Error starting "invalid port range". Lesson: § Allocation.',
    'Allocation > headless and ExternalName Services get no ClusterIP; NodePort and LoadBalancer ones get node ports':
      "wantsClusterIp: type not ExternalName and clusterIP not 'None' (the constant `headless`). wantsNodePorts: type NodePort or LoadBalancer; no type means ClusterIP. Lesson: § Allocation.",
    'Allocation > findFree starts at a random offset and wraps around to the first free one':
      'count = to - from + 1; start = Math.floor(random() * count); try from + ((start + i) % count) for i = 0 .. count - 1. Lesson: § Allocation.',
    'Allocation > findFree answers undefined when every offset is taken':
      'After trying all count offsets, return undefined; a count of 0 or less is an empty range: undefined at once. Lesson: § Allocation.',
    'Allocation > a 422 Invalid names the Service, each field and its message, with one cause each':
      'new ApiError(422, \'Invalid\', message, { name, kind: \'Service\', causes }) from harness/api/errors.ts; the message joins "field: message" lines, wrapped in [ ] and joined by ", " when there are several. Lesson: § Allocation.',
    'Allocation > a Service that gets no node ports may not name one; nodePort 0 means none':
      'Walk spec.ports with their index: a nodePort other than undefined or 0 is a FieldValueForbidden error on spec.ports[i].nodePort; delete nodePort from every port; throw invalidService if any. Lesson: § Allocation.',
    'Allocation > a Service gets a ClusterIP from the range, in spec.clusterIP and spec.clusterIPs':
      'Keep taken addresses as numbers in a Set (parseIp from harness/network.ts). onCreate works on structuredClone(service); assignIp picks an offset with findFree and writes formatIp(base + offset) into both fields. Lesson: § Allocation.',
    'Allocation > the search starts at a random place in the range':
      'The candidates are offsets 2 .. cidrSize - 2 (not the network address, not the kubernetes one, not the last): findFree(2, size - 2, ...) with the random source of the options. Lesson: § Allocation.',
    "Allocation > the first address is never handed out: it is the kubernetes Service's":
      "kubernetesIp is formatIp(base + 1). When findFree finds nothing, throw new ApiError(500, 'InternalError', 'range is full: no ClusterIP left to allocate'). Lesson: § Allocation.",
    'Allocation > clusterIP None is a headless Service: nothing is allocated':
      "In onCreate, only a Service that wantsClusterIp gets assignIp; a headless one gets clusterIPs ['None'], an ExternalName one nothing at all. Lesson: § Allocation.",
    'Allocation > a requested free ClusterIP is honoured':
      'assignIp: the request is spec.clusterIP, or else spec.clusterIPs[0]. When requestedIpError answers undefined, mark parseIp(requested) taken, even the kubernetes address. Lesson: § Allocation.',
    "Allocation > a ClusterIP already taken is 422 Invalid on spec.clusterIPs, in Kubernetes' words":
      'requestedIpError: invalidService with one FieldValueInvalid error on spec.clusterIPs; Go prints the value as []string{"ip"} (JSON.stringify each string). Lesson: § Allocation.',
    'Allocation > a ClusterIP outside the range is 422 Invalid, naming the range':
      'cidrContains(range, requested) false: the same 422, saying the IP is not in the valid range and naming the range with formatCidr. Lesson: § Allocation.',
    'Allocation > a ClusterIP that is not an IP at all is 422 Invalid on spec.clusterIPs[0]':
      'parseIp throws on "banana": catch it first, and answer a 422 on spec.clusterIPs[0] whose value is the plain quoted string, not []string{...}. Lesson: § Allocation.',
    'Allocation > deleting a Service frees its ClusterIP for the next one to ask':
      'onDelete: if the Service wanted a ClusterIP and has one, delete parseIp(clusterIP) from the taken set. Lesson: § Allocation.',
    'Allocation > a NodePort Service gets a port from 30000-32767 for each of its ports':
      'assignPorts: for each port without a nodePort, findFree(0, last - first, ...) over the port range; mark first + offset taken and write it into the port. Lesson: § Allocation.',
    'Allocation > a requested free nodePort is honoured; a taken one is 422 naming spec.ports[i].nodePort':
      "A port that names a nodePort: check the range first, then whether it is taken; the 422 names the field with the port's index, spec.ports[i].nodePort. Lesson: § Allocation.",
    'Allocation > a nodePort outside the range is 422, naming the range':
      'Out of range: "Invalid value: <port>: provided port is not in the valid range. The range of valid ports is <first>-<last>". Lesson: § Allocation.',
    'Allocation > a failed create keeps nothing it allocated on the way':
      'Every allocation pushes an undo function onto the list onCreate passes down; on any error onCreate runs them all before rethrowing. Lesson: § Allocation.',
    'Allocation > deleting a NodePort Service frees its node ports':
      'onDelete: for a Service that wantsNodePorts, delete every port.nodePort from the taken ports. Lesson: § Allocation.',
    'Allocation > an update keeps the ClusterIP, which may not change once set':
      'onUpdate: when the old Service had a ClusterIP, copy it into the result; a different spec.clusterIP asked for is a 422 on spec.clusterIPs[0], "may not change once set". Lesson: § Allocation.',
    'Allocation > changing type to NodePort allocates node ports; back to ClusterIP releases them':
      'onUpdate: keep the old nodePort of a port with the same number when none is asked for; release old ports the new object does not keep. Lesson: § Allocation.',
    'Allocation > changing to ExternalName releases the ClusterIP; leaving it allocates one':
      'A Service that no longer wantsClusterIp gives its old address back, but only after everything else succeeded; one that had none gets assignIp. Lesson: § Allocation.',
    'Allocation > a failed update changes nothing':
      'Use the same undo list as onCreate, and release old addresses and ports only once nothing can fail any more. Lesson: § Allocation.',
    'Allocation > rebuilt from the Services that exist, it never hands out an address twice':
      'rebuild clears both sets, then adds every ClusterIP (not None, inside the range) and every in-range nodePort of NodePort Services. Lesson: § Allocation.',
    'Allocation > a LoadBalancer Service with externalTrafficPolicy Local gets a healthCheckNodePort from the node port range':
      'wantsHealthCheckPort: type LoadBalancer and externalTrafficPolicy Local. assignHealthCheckPort takes a port from the same taken set as nodePorts (findFree over the range, or the requested one when free), and onCreate calls it only when the Service sets externalTrafficPolicy or a healthCheckNodePort. Lesson: § Allocation.',
    "Allocation > healthCheckNodePort only with LoadBalancer and Local, externalTrafficPolicy only from outside: 422 in Kubernetes' words":
      'Check before allocating: externalTrafficPolicy on a Service that is not externallyAccessible (no node ports, no externalIPs) is a 422 on spec.externalTrafficPolicy; a healthCheckNodePort where wantsHealthCheckPort is false is a 422 on spec.healthCheckNodePort. Copy the messages from the stub. Lesson: § Allocation.',
    'Allocation > an update keeps the healthCheckNodePort, which may not change; leaving Local frees it':
      "Pass the old Service to assignHealthCheckPort: a port it had is kept (another one asked for: 'field is immutable'); a value copied over from the old object onto a Service that no longer wants one is dropped, not refused. onUpdate frees the old port when the result no longer holds it. Lesson: § Allocation.",
    'Allocation > deleting a Service frees its healthCheckNodePort; a rebuild counts it taken':
      'onDelete and rebuild: a stored Service carries spec.healthCheckNodePort only when it needs one, so free it, or mark it taken, whenever it is there. Lesson: § Allocation.',
    'Allocation > plugged into the API server: Services get addresses, and the kubernetes Service the first':
      'Nothing new to write: the API server calls onCreate, onUpdate, onDelete and rebuild. If this fails alone, compare the ClusterIP range and what kubernetesIp answers. Lesson: § Allocation.',
    "The proxy > a port's ready endpoints are the subsets' addresses, with the port of the same name":
      "For each subset, find the port whose name equals the Service port's name ('' when missing); then every address of the subset with that port, as listenAddress(ip, port). Lesson: § The proxy.",
    "The proxy > a Service's EndpointSlices read as Endpoints: ready endpoints as addresses, other Services' slices left out":
      'Keep the slices in the namespace whose kubernetes.io/service-name label is the name (none: undefined), addressType IPv4. One subset a slice: each endpoint\'s addresses go to addresses unless conditions.ready is false (then notReadyAddresses); the ports as { name: name ?? "", port, protocol: protocol ?? "TCP" }. Lesson: § The proxy.',
    'The proxy > no Endpoints, or no port of that name in them, means no endpoints':
      'Guard every optional list with ?? []: no Endpoints, no subsets, no ports, no addresses. A subset without a matching port contributes nothing. Lesson: § The proxy.',
    'The proxy > externalTrafficPolicy Local keeps a connection from outside on the endpoints of its node':
      "staysOnNode: external and externalTrafficPolicy 'Local'. endpointsFromSlices copies each endpoint's nodeName onto its addresses; readyEndpoints with a nodeName keeps only the addresses whose nodeName is that one. Lesson: § The proxy.",
    'The proxy > a Service is served on its ClusterIP, once per TCP port':
      'A Map from listenAddress(clusterIP, port.port) to the port, for every port whose protocol is TCP (the default); a Map keeps insertion order. Lesson: § The proxy.',
    "The proxy > a NodePort Service is also served on the node's IP and its nodePort, when the proxy knows that IP":
      'Add listenAddress(nodeIp, port.nodePort) only when nodeIp is given, the port has a nodePort, and the type is NodePort or LoadBalancer. Lesson: § The proxy.',
    'The proxy > headless and ExternalName Services get no listener':
      "ExternalName: return the empty Map at once. A clusterIP of 'None' (or none) gets no ClusterIP listener. Lesson: § The proxy.",
    'The proxy > a connection goes to a random endpoint, or to the one its client had while it stays ready':
      'If remembered is among the candidates, return it; otherwise candidates[Math.floor(random() * candidates.length)]. Lesson: § The proxy.',
    'The proxy > listenTcp listens on the address and hands each connection over paused, half-open allowed':
      "createServer({ allowHalfOpen: true, pauseOnConnect: true }, onConnection), then wrap server.listen(port, host) in a Promise that resolves on listening and rejects on 'error'. Split the address at its last colon. Lesson: § The proxy.",
    'The proxy > an address already listened on answers null: a peer proxy serves it':
      "Catch the listen's error: code EADDRINUSE resolves null instead of rejecting. Lesson: § The proxy.",
    'The proxy > an address on no interface cannot be listened on':
      'Any other error is rethrown as it is (EADDRNOTAVAIL here); only EACCES below port 1024 gets a message of its own. Lesson: § The proxy.',
    'The proxy > pipe carries bytes both ways':
      "Forward each direction on its own: from.on('data', chunk => to.write(chunk)); then the same from the other side. Lesson: § The proxy.",
    "The proxy > half-close: a side that ends its writing ends the other's, and the answer still comes back":
      "from.once('end', () => to.end()) in each direction. Both sockets allow half-open, so ending one direction leaves the other open. Lesson: § The proxy.",
    'The proxy > a side reset by its peer takes the other down too':
      "On 'error' on either socket, destroy both; on 'close' of one, end the other and destroy it once its writes are flushed (end's callback). Lesson: § The proxy.",
    'The proxy > a large transfer arrives whole':
      "Respect back-pressure: when to.write returns false, pause `from` until `to` emits 'drain'. Lesson: § The proxy.",
    'The proxy > the proxy listens on the ClusterIP port of each Service':
      'Constructor: informers on services and endpointslices (the slices with an index "service" by "namespace/<kubernetes.io/service-name label>"). run: a controller whose reconcile is sync, watching both informers (a slice mapped to its Service\'s key). sync: listenTcp each address of serviceListeners, keep the servers in a Map by address. Lesson: § The proxy.',
    'The proxy > a NodePort Service is listened on at the node IP and its nodePort':
      'Pass options.nodeIp to serviceListeners; listening() answers the addresses whose server is not null. Lesson: § The proxy.',
    'The proxy > a proxy that does not know its node IP serves a NodePort Service on its ClusterIP only':
      'Pass options.nodeIp as it is to serviceListeners: without it, no node port address is wanted, so sync opens none. Lesson: § The proxy.',
    'The proxy > listeners follow a Service created, updated and deleted':
      'In sync, first close (server.close) the listeners of this key whose address is no longer wanted, or all of them when the Service is gone from the informer. Lesson: § The proxy.',
    "The proxy > an address that cannot be listened on does not keep the Service's others away":
      "In sync, catch each listen's error, forget that listener, go on with the next; throw one Error joining the messages after the loop, and the controller retries the key. Lesson: § The proxy.",
    'The proxy > two proxies on one host: a peer serving an address counts as served; the other takes over later':
      'Keep an entry with server null when listenTcp answers null (servedByPeer lists them), and try again at the next sync. close() closes every server and destroys every socket; run calls it when the signal aborts. Lesson: § The proxy.',
    'The proxy > a connection to the ClusterIP reaches the pod behind it':
      'accept: readyEndpoints of endpointsFromSlices of the Service\'s slices (byIndex("service", key)), pickEndpoint, createConnection({ host, port, allowHalfOpen: true }); on connect, pipe and resume the client (it was handed over paused). Lesson: § The proxy.',
    'The proxy > a NodePort Service answers on the node IP and its nodePort':
      "sync hands every listener's connections to accept with the Service's key and port, whichever address they arrived on. Lesson: § The proxy.",
    'The proxy > 300 connections spread over 3 endpoints, each getting 20% to 47%':
      'Read the ready endpoints from the EndpointSlice informer at each new connection and pick with the random source, not round robin from a fixed start. Lesson: § The proxy.',
    'The proxy > sessionAffinity ClientIP keeps each client on one endpoint':
      'With sessionAffinity ClientIP, remember the endpoint under "serviceKey|portName|client.remoteAddress" once connected, and pass it to pickEndpoint next time. Lesson: § The proxy.',
    'The proxy > an endpoint that refuses the connection is skipped for another':
      "An 'error' before 'connect' is a refused connection: destroy that socket and try again with the other candidates; none left, destroy the client. Lesson: § The proxy.",
    'The proxy > an endpoint removed from Endpoints gets no new connections':
      'Never cache the endpoints in the listener: ask the EndpointSlice informer at every accept (the test deletes the slices and writes new ones). Lesson: § The proxy.',
    'The proxy > half-close: a client that ends its side still gets the whole answer':
      'Both sockets need allowHalfOpen: the server (listenTcp) and the connection to the pod (createConnection). Lesson: § The proxy.',
    'The proxy > no sockets are left open once the clients are done, and close() stops everything':
      'Track every socket in a Set, removed on close; when one side closes, end the other, then destroy it once its writes are flushed. Lesson: § The proxy.',
    "The proxy > externalTrafficPolicy Local: a nodePort connection reaches this node's pod from the client's address, and none elsewhere":
      "sync tells accept whether the listener is the node IP's (external). accept: when staysOnNode, readyEndpoints with this proxy's nodeName, and createConnection with localAddress set to the client's remoteAddress; no candidate left means destroying the client, as before. Lesson: § The proxy.",
  },
};
