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
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type {
  EndpointAddress,
  EndpointSlice,
  Endpoints,
  EndpointSubset,
  KubeObject,
  Service,
  ServicePort,
} from '../../harness/api/types.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';

export interface ProxyOptions {
  toolkit: Toolkit;
  client: ApiClient;
  nodeName: string;
  /** Where NodePort Services listen on this node; without it, NodePorts are not served. */
  nodeIp?: string;
  /** Random numbers in [0, 1): which endpoint a new connection goes to. */
  random?: () => number;
}

/** One TCP listener: the Service port it serves, and whether this proxy or a peer holds it. */
interface Listener {
  serviceKey: string;
  port: ServicePort;
  /** On a nodePort: traffic from outside the cluster. */
  external: boolean;
  /** null while a peer proxy on this host serves the address. */
  server: Server | null;
}

/** "address:port", the key of a listener. */
export function listenAddress(ip: string, port: number): string {
  return `${ip}:${port}`;
}

/** The label that names an EndpointSlice's Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';

/**
 * The endpoints of Service `namespace/name` from the slices labelled with its name: one subset a
 * slice, with the slice's ports; an endpoint whose ready condition is not false (a missing one
 * counts as ready) among the addresses, the others among the notReadyAddresses. Slices of IPv6 or
 * FQDN addresses are left out: the proxy connects over IPv4. Undefined when the Service has no
 * slice.
 */
export function endpointsFromSlices(
  namespace: string,
  name: string,
  slices: EndpointSlice[],
): Endpoints | undefined {
  const mine = slices.filter(
    (slice) =>
      slice.metadata.namespace === namespace && slice.metadata.labels?.[serviceNameLabel] === name,
  );
  if (mine.length === 0) return undefined;
  const subsets: EndpointSubset[] = [];
  for (const slice of mine) {
    if (slice.addressType !== 'IPv4') continue;
    const addresses: EndpointAddress[] = [];
    const notReadyAddresses: EndpointAddress[] = [];
    for (const endpoint of slice.endpoints ?? []) {
      const ready = endpoint.conditions?.ready !== false;
      const nodeName = endpoint.nodeName;
      for (const ip of endpoint.addresses)
        (ready ? addresses : notReadyAddresses).push(nodeName ? { ip, nodeName } : { ip });
    }
    const ports = (slice.ports ?? []).flatMap(({ name: portName, port, protocol }) =>
      port === undefined ? [] : [{ name: portName ?? '', port, protocol: protocol ?? 'TCP' }],
    );
    subsets.push({ addresses, notReadyAddresses, ports });
  }
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace }, subsets };
}

/** The key of a slice's Service, "namespace/name", from its label; none for a slice without one. */
function sliceService(slice: KubeObject): string[] {
  const name = slice.metadata.labels?.[serviceNameLabel];
  return name ? [`${slice.metadata.namespace}/${name}`] : [];
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
  const result: string[] = [];
  for (const subset of endpoints?.subsets ?? []) {
    const match = (subset.ports ?? []).find((p) => (p.name ?? '') === (port.name ?? ''));
    if (!match) continue;
    for (const address of subset.addresses ?? [])
      if (!nodeName || address.nodeName === nodeName)
        result.push(listenAddress(address.ip, match.port));
  }
  return result;
}

/** The addresses a Service should be served on by the proxy of the node with `nodeIp`. */
export function serviceListeners(service: Service, nodeIp?: string): Map<string, ServicePort> {
  const wanted = new Map<string, ServicePort>();
  const { clusterIP, type } = service.spec;
  if (type === 'ExternalName') return wanted;
  for (const port of service.spec.ports ?? []) {
    if ((port.protocol ?? 'TCP') !== 'TCP') continue;
    if (clusterIP && clusterIP !== 'None') wanted.set(listenAddress(clusterIP, port.port), port);
    if (nodeIp && port.nodePort && (type === 'NodePort' || type === 'LoadBalancer'))
      wanted.set(listenAddress(nodeIp, port.nodePort), port);
  }
  return wanted;
}

/**
 * Whether a connection stays on this node: one from outside (it came in on a nodePort, so through
 * a load balancer too) to a Service with externalTrafficPolicy Local. Its client's address is then
 * kept, and a node with no endpoint of its own drops it.
 */
export function staysOnNode(service: Service | undefined, external: boolean): boolean {
  return external && service?.spec.externalTrafficPolicy === 'Local';
}

/**
 * Which endpoint a new connection goes to: the one this client went to before (`remembered`,
 * with sessionAffinity ClientIP) while it is still a candidate, else one at random.
 */
export function pickEndpoint(
  candidates: string[],
  random: () => number,
  remembered?: string,
): string {
  if (remembered && candidates.includes(remembered)) return remembered;
  return candidates[Math.floor(random() * candidates.length)]!;
}

/** "127.96.0.10:8080" as its host and port. */
function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

/**
 * Listens on "ip:port" for TCP. Each connection is handed to `onConnection` paused (it flows once
 * resumed) and half-open allowed (an end from the client does not end the answer). Resolves with
 * the server, or with null when the address is in use: a peer proxy on this host serves it. Any
 * other failure rejects; a port below 1024 refused for want of privilege says so.
 */
export async function listenTcp(
  address: string,
  onConnection: (socket: Socket) => void,
): Promise<Server | null> {
  const { host, port } = splitAddress(address);
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, onConnection);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') return null;
    if (code === 'EACCES' && port < 1024) {
      throw new Error(
        `cannot listen on ${address}: ports below 1024 need privileges; run the proxy as root, ` +
          'or lower the sysctl net.ipv4.ip_unprivileged_port_start',
      );
    }
    throw error;
  }
  server.on('error', () => {});
  return server;
}

export class Proxy {
  private readonly options: ProxyOptions;
  private readonly random: () => number;
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly listeners = new Map<string, Listener>();
  /** ClientIP affinity: "service key|port name|client ip" -> the endpoint it went to. */
  private readonly affinity = new Map<string, string>();
  /** Every socket open through the proxy, both sides, so close() can end them and tests count them. */
  private readonly sockets = new Set<Socket>();

  constructor(options: ProxyOptions) {
    this.options = options;
    this.random = options.random ?? Math.random;
    const { toolkit, client } = options;
    this.services = toolkit.createInformer(client.resource<Service>('services'));
    this.slices = toolkit.createInformer(client.resource<EndpointSlice>('endpointslices'), {
      indexers: { service: sliceService },
    });
  }

  /** Watches, and keeps the listeners in step, until `signal` aborts; then closes everything. */
  async run(signal: AbortSignal): Promise<void> {
    const { toolkit } = this.options;
    const controller = toolkit.createController({
      name: `kube-proxy-${this.options.nodeName}`,
      reconcile: (key) => this.sync(key),
    });
    controller.watch(this.services);
    // A slice is its Service's: its key is the Service's key, from its label.
    controller.watch(this.slices, sliceService);
    try {
      await controller.run(signal);
    } finally {
      await this.close();
    }
  }

  /** The addresses this proxy listens on itself (not those a peer serves). */
  listening(): string[] {
    return [...this.listeners].filter(([, l]) => l.server).map(([address]) => address);
  }

  /** The addresses this proxy should serve but a peer proxy on this host already does. */
  servedByPeer(): string[] {
    return [...this.listeners].filter(([, l]) => !l.server).map(([address]) => address);
  }

  /** How many sockets (client and endpoint sides) are open through the proxy. */
  openSockets(): number {
    return this.sockets.size;
  }

  /**
   * One Service: open the listeners it needs, close those it no longer has. A listener that fails
   * does not stop the others; throw after trying them all, so the controller retries the key.
   */
  async sync(key: string): Promise<void> {
    const service = this.services.get(key);
    const wanted = service ? serviceListeners(service, this.options.nodeIp) : new Map();
    for (const [address, listener] of this.listeners) {
      if (listener.serviceKey !== key || wanted.has(address)) continue;
      this.listeners.delete(address);
      await closeServer(listener.server);
    }
    const failures: string[] = [];
    for (const [address, port] of wanted) {
      const listener = this.listeners.get(address);
      if (listener?.server) {
        listener.port = port;
        continue;
      }
      const external = address !== listenAddress(service!.spec.clusterIP ?? '', port.port);
      const entry: Listener = { serviceKey: key, port, external, server: null };
      this.listeners.set(address, entry);
      try {
        // The port is read at each connection: a Service updated in place keeps its listener.
        const accept = (socket: Socket) =>
          this.accept(socket, entry.serviceKey, entry.port, entry.external);
        entry.server = await listenTcp(address, accept);
      } catch (error) {
        // Served by nobody: forgotten, so that the retry of this key tries it again.
        this.listeners.delete(address);
        failures.push((error as Error).message);
      }
    }
    // The Service's other ports are served meanwhile; the error makes the controller retry.
    if (failures.length > 0) throw new Error(failures.join('; '));
  }

  /**
   * A new connection to a port of the Service `serviceKey` (`external`: on a nodePort): pick one of
   * its ready endpoints, connect, then pipe both ways; an endpoint that refuses is skipped for
   * another. When it staysOnNode, only this node's endpoints are candidates, and the connection to
   * the pod leaves from the client's own address, so the pod sees who called (on loopback every
   * 127.x address is this host's; where it cannot be bound, the proxy's address is used).
   */
  accept(client: Socket, serviceKey: string, port: ServicePort, external = false): void {
    this.track(client);
    client.on('error', () => client.destroy());
    const [namespace, name] = serviceKey.split('/') as [string, string];
    const slices = this.slices.byIndex('service', serviceKey);
    const service = this.services.get(serviceKey);
    const local = staysOnNode(service, external);
    const nodeName = local ? this.options.nodeName : undefined;
    const endpoints = readyEndpoints(endpointsFromSlices(namespace, name, slices), port, nodeName);
    let source = local ? client.remoteAddress?.replace(/^::ffff:/, '') : undefined;
    const affinityKey = `${serviceKey}|${port.name ?? ''}|${client.remoteAddress}`;
    const sticky = service?.spec.sessionAffinity === 'ClientIP';
    const remembered = sticky ? this.affinity.get(affinityKey) : undefined;
    const tryNext = (candidates: string[]): void => {
      if (candidates.length === 0 || client.destroyed) {
        client.destroy();
        return;
      }
      const endpoint = pickEndpoint(candidates, this.random, remembered);
      const target = { ...splitAddress(endpoint), localAddress: source, allowHalfOpen: true };
      const upstream = createConnection(target);
      this.track(upstream);
      // An error before 'connect' is a failed connect (refused, most often): try another. A
      // client address this host cannot bind: the same endpoint again, from the proxy's address.
      upstream.once('error', (error: NodeJS.ErrnoException) => {
        upstream.destroy();
        if (source && error.code === 'EADDRNOTAVAIL') {
          source = undefined;
          return tryNext(candidates);
        }
        tryNext(candidates.filter((candidate) => candidate !== endpoint));
      });
      upstream.once('connect', () => {
        // Small writes go out at once: Nagle's algorithm would hold a 64-byte answer back until
        // the client's delayed ACK, adding tens of milliseconds per round trip (Go's default too).
        client.setNoDelay(true);
        upstream.setNoDelay(true);
        if (sticky) this.affinity.set(affinityKey, endpoint);
        upstream.removeAllListeners('error');
        pipe(client, upstream);
        client.resume();
      });
    };
    tryNext(endpoints);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** Closes every listener and every connection. */
  async close(): Promise<void> {
    const listeners = [...this.listeners.values()];
    this.listeners.clear();
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(listeners.map((listener) => closeServer(listener.server)));
  }
}

/**
 * Bytes both ways, each direction forwarded on its own; ends, errors and closes are passed across.
 * An error on either side destroys both; a side that closed ends the other once it has flushed.
 */
export function pipe(client: Socket, upstream: Socket): void {
  forward(client, upstream);
  forward(upstream, client);
  const destroyBoth = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', destroyBoth);
  upstream.on('error', destroyBoth);
  client.once('close', () => upstream.end(() => upstream.destroy()));
  upstream.once('close', () => client.end(() => client.destroy()));
}

/** A read this large is part of a bulk transfer, not a request waiting for its answer. */
const BULK_READ = 16 * 1024;

/**
 * One direction, as `from.pipe(to)` would do it, plus batching. A userspace proxy pays per system
 * call, so the large reads of one turn of the event loop are corked and leave in one write (writev);
 * small ones go at once, as a 64-byte request must not wait. Back-pressure: when `to` has more
 * buffered than it wants, `from` is paused until it drains. Half-close: `from` ending ends `to`.
 */
function forward(from: Socket, to: Socket): void {
  let corked = false;
  const waitForDrain = () => {
    from.pause();
    to.once('drain', () => from.resume());
  };
  from.on('data', (chunk: Buffer) => {
    if (chunk.length < BULK_READ && !corked) {
      if (!to.write(chunk)) waitForDrain();
      return;
    }
    if (!corked) {
      corked = true;
      to.cork();
      setImmediate(() => {
        corked = false;
        to.uncork();
        if (to.writableNeedDrain) waitForDrain();
      });
    }
    to.write(chunk);
  });
  from.once('end', () => to.end());
}

function closeServer(server: Server | null): Promise<void> {
  if (!server) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A proxy for one node; `run(signal)` starts it. */
export function createProxy(options: ProxyOptions): Proxy {
  return new Proxy(options);
}
