// kube-proxy in userspace mode: real TCP listeners on each Service address, each connection piped
// to a pod.
//
// A ClusterIP is virtual: nothing answers on it until the proxy does. One proxy runs per node; it
// watches Services and their EndpointSlices and keeps listeners in step with them: <clusterIP>:<port> for each
// Service port, and <node IP>:<nodePort> for NodePort Services. Each new connection goes to a ready
// endpoint chosen at random (as iptables mode does with its probability rules), or to the same one
// as before for a client when the Service asks for sessionAffinity: ClientIP. A refused connection
// is tried on another endpoint. The bytes are piped both ways with back-pressure and half-close.
//
// Shared loopback: every proxy on one host binds the same ClusterIPs, as every node's iptables
// rules would match them. The first proxy to bind an address serves it for the host; a listen
// that fails with EADDRINUSE means a peer already serves it, which counts as served. The proxy
// tries to bind again at its next sync of that Service, so a peer that went away is replaced.
//
// Endpoints or slices: a Service's endpoints were once one Endpoints object (chapter 07), rewritten
// whole at every change; kube-proxy now reads EndpointSlices, parts of at most 100 endpoints
// labelled kubernetes.io/service-name=<service>, each endpoint with a `ready` condition. The proxy
// turns a Service's slices into the shape of Endpoints (endpointsFromSlices), and picks from the
// ready addresses of that (readyEndpoints).
//
// Traffic policy: a Service with externalTrafficPolicy Local asks that a connection from outside
// (on a nodePort, which is where a cloud load balancer sends it) go only to a pod on the node it
// arrived at, from the client's own address (staysOnNode). The pod sees who called, and a node
// without a pod of the Service drops the connection; the cloud learns which nodes have one from
// the health check the proxy component serves on spec.healthCheckNodePort.
import type { Server, Socket } from 'node:net';
import type { EndpointSlice, Endpoints, Service, ServicePort } from '../../harness/api/types.ts';
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ The proxy';

export interface ProxyOptions {
  toolkit: Toolkit;
  client: ApiClient;
  nodeName: string;
  /** Where NodePort Services listen on this node; without it, NodePorts are not served. */
  nodeIp?: string;
  /** Random numbers in [0, 1): which endpoint a new connection goes to. */
  random?: () => number;
}

/** "address:port", the key of a listener. */
export function listenAddress(ip: string, port: number): string {
  throw new NotImplemented('listenAddress', section);
}

/** The label that names an EndpointSlice's Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';

/**
 * The endpoints of Service `namespace/name` from the slices labelled with its name: one subset a
 * slice, with the slice's ports; an endpoint whose ready condition is not false (a missing one
 * counts as ready) among the addresses, the others among the notReadyAddresses, each address with
 * the endpoint's nodeName when it has one (as { ip, nodeName }, else { ip }). Slices of IPv6 or
 * FQDN addresses are left out: the proxy connects over IPv4. Undefined when the Service has no
 * slice.
 */
export function endpointsFromSlices(
  namespace: string,
  name: string,
  slices: EndpointSlice[],
): Endpoints | undefined {
  throw new NotImplemented('endpointsFromSlices', section);
}

/**
 * The ready endpoints (ip:port) of one Service port: the subsets' addresses with its port name;
 * with `nodeName`, only the addresses on that node.
 */
export function readyEndpoints(
  endpoints: Endpoints | undefined,
  port: ServicePort,
  nodeName?: string,
): string[] {
  throw new NotImplemented('readyEndpoints', section);
}

/** The addresses a Service should be served on by the proxy of the node with `nodeIp`. */
export function serviceListeners(service: Service, nodeIp?: string): Map<string, ServicePort> {
  throw new NotImplemented('serviceListeners', section);
}

/**
 * Whether a connection stays on this node: one from outside (`external`: it came in on a nodePort,
 * so through a load balancer too) to a Service with externalTrafficPolicy Local.
 */
export function staysOnNode(service: Service | undefined, external: boolean): boolean {
  throw new NotImplemented('staysOnNode', section);
}

/**
 * Which endpoint a new connection goes to: `remembered` (the endpoint this client went to before,
 * with sessionAffinity ClientIP) while it is still among the candidates, else
 * candidates[Math.floor(random() * candidates.length)].
 */
export function pickEndpoint(
  candidates: string[],
  random: () => number,
  remembered?: string,
): string {
  throw new NotImplemented('pickEndpoint', section);
}

/**
 * Listens on "ip:port" (the port after the last colon) for TCP, with node:net's createServer and
 * the options allowHalfOpen (an end from the client does not end the answer) and pauseOnConnect
 * (each socket is handed to `onConnection` paused; it flows once resumed). Resolves with the
 * server once it listens, or with null when the listen fails with EADDRINUSE: a peer proxy on
 * this host serves the address. Any other failure rejects; EACCES on a port below 1024 rejects
 * with a message saying that such ports need privileges (root, or the sysctl
 * net.ipv4.ip_unprivileged_port_start). A listening server ignores later 'error' events.
 */
export async function listenTcp(
  address: string,
  onConnection: (socket: Socket) => void,
): Promise<Server | null> {
  throw new NotImplemented('listenTcp', section);
}

/**
 * Bytes both ways between two sockets made with allowHalfOpen, with back-pressure (a side whose
 * writes are buffered beyond what it wants pauses the other's reads until 'drain'). Half-close: a
 * side that ends its writing ('end') ends the other's writing, and the reverse direction goes on.
 * An error on either side destroys both; a side that closed ends the other, which is destroyed
 * once its writes are flushed.
 */
export function pipe(client: Socket, upstream: Socket): void {
  throw new NotImplemented('pipe', section);
}

/**
 * One proxy: a Service informer and an EndpointSlice informer (indexed by the Service's key,
 * "namespace/<service-name label>") feeding a controller whose reconcile is sync(key), a slice
 * mapped to its Service's key; net.Server listeners (allowHalfOpen, pauseOnConnect) keyed by "ip:port"; a set of open
 * sockets; a map for ClientIP affinity.
 */
export class Proxy {
  constructor(options: ProxyOptions) {
    void options;
  }

  /** Watches, and keeps the listeners in step, until `signal` aborts; then closes everything. */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('Proxy.run', section);
  }

  /** The addresses this proxy listens on itself (not those a peer serves). */
  listening(): string[] {
    throw new NotImplemented('Proxy.listening', section);
  }

  /** The addresses this proxy should serve but a peer proxy on this host already does. */
  servedByPeer(): string[] {
    throw new NotImplemented('Proxy.servedByPeer', section);
  }

  /** How many sockets (client and endpoint sides) are open through the proxy. */
  openSockets(): number {
    throw new NotImplemented('Proxy.openSockets', section);
  }

  /**
   * One Service, by key: open the listeners it needs (serviceListeners, with listenTcp, each
   * connection handed to accept, `external` true on the node IP's address), close those it no longer has (or all of them when it is gone).
   * A listener already open for an address stays; an address a peer serves (null) is kept as
   * served by a peer, and tried again at the next sync. A listen that fails does not stop the
   * others: forget that address, go on, and throw one Error joining the messages after the loop,
   * so the controller retries the key.
   */
  async sync(key: string): Promise<void> {
    throw new NotImplemented('Proxy.sync', section);
  }

  /**
   * A new connection to a port of the Service `serviceKey` (sync hands each listener's sockets
   * here, paused, with `external` true for a nodePort listener). Count the socket as open until it
   * closes. Its candidates are the ready endpoints for that port of what endpointsFromSlices makes
   * of the Service's slices (when it staysOnNode: only those on this proxy's node, and the
   * connection to the pod is made with localAddress the client's address, "::ffff:" taken off, so
   * the pod sees who called; EADDRNOTAVAIL: the same candidates again without it); pickEndpoint among them (with the
   * endpoint remembered for "<service key>|<port name>|<client address>" when the Service has
   * sessionAffinity ClientIP), connect with allowHalfOpen, and count that socket too. A connection
   * that fails before 'connect' (refused) tries the other candidates; none left (or none at all),
   * destroy the client. Connected: setNoDelay on both, remember the endpoint for affinity, pipe,
   * and resume the client.
   */
  accept(client: Socket, serviceKey: string, port: ServicePort, external = false): void {
    throw new NotImplemented('Proxy.accept', section);
  }

  /** Closes every listener and every connection. */
  async close(): Promise<void> {
    throw new NotImplemented('Proxy.close', section);
  }
}

/** A proxy for one node; `run(signal)` starts it. */
export function createProxy(options: ProxyOptions): Proxy {
  return new Proxy(options);
}
