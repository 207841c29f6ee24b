// Service address allocation: which ClusterIP and which node ports a Service gets.
//
// A Service's ClusterIP is a virtual address: no interface carries it, kube-proxy on every node
// catches traffic to it. The API server hands it out from the service range
// (--service-cluster-ip-range) when the Service is created, and a NodePort Service also gets a port
// from --service-node-port-range (30000-32767) that every node listens on; a LoadBalancer Service
// with externalTrafficPolicy Local also gets a healthCheckNodePort from that range, where each
// node's kube-proxy answers the cloud's health checks. Two Services must never share an address or
// a port, so the allocator keeps what is taken, honours a requested address or port when it is
// free, answers 422 Invalid (with Kubernetes' messages) when it is not, releases on delete or on a
// change of type, and can be rebuilt from the Services that exist: after an API server restart the
// stored Services, not memory, say what is taken.
import type { ApiError, FieldError } from '../../harness/api/errors.ts';
import type { Service, ServicePort } from '../../harness/api/types.ts';
import { defaultServiceCidr, parseCidr, type Cidr } from '../../harness/network.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Allocation';

/** The port range Kubernetes uses when --service-node-port-range is not given. */
export const defaultNodePortRange = '30000-32767';

/** A clusterIP of "None" makes a headless Service: no virtual address, DNS names the pods. */
export const headless = 'None';

export interface ServiceAllocatorOptions {
  /** The ClusterIP range; its first address is kept for the `kubernetes` Service. */
  serviceCidr?: string;
  /** "first-last", both included. */
  nodePortRange?: string;
  /** Random numbers in [0, 1): where the search for a free address or port starts. */
  random?: () => number;
}

/** A range of node ports, both ends included. */
export interface PortRange {
  first: number;
  last: number;
}

/** Parses "30000-32767"; throws on anything else. */
export function parsePortRange(range: string): PortRange {
  throw new NotImplemented('parsePortRange', section);
}

/** Whether the Service gets a ClusterIP at all: ExternalName Services and headless ones do not. */
export function wantsClusterIp(service: Service): boolean {
  throw new NotImplemented('wantsClusterIp', section);
}

/** Whether the Service gets node ports: NodePort and LoadBalancer Services do. */
export function wantsNodePorts(service: Service): boolean {
  throw new NotImplemented('wantsNodePorts', section);
}

/**
 * Whether the Service gets a healthCheckNodePort: type LoadBalancer with externalTrafficPolicy
 * Local, so that the cloud's load balancer can ask each node's kube-proxy whether it has an endpoint.
 */
export function wantsHealthCheckPort(service: Service): boolean {
  throw new NotImplemented('wantsHealthCheckPort', section);
}

/** Whether traffic reaches the Service from outside: it gets node ports, or has externalIPs. */
export function externallyAccessible(service: Service): boolean {
  throw new NotImplemented('externallyAccessible', section);
}

/**
 * The 422 Invalid the API server answers a Service it cannot accept with (an ApiError from
 * harness/api/errors.ts): code 422, reason 'Invalid', message `Service "<name>" is invalid: ` then
 * "field: message" for each error (one alone as is; several in brackets, joined with ", "), and
 * details { name, kind: 'Service', causes }, one cause per error: { reason: its type, message: the
 * matching one of `messages`, field }.
 */
export function invalidService(
  name: string | undefined,
  errors: FieldError[],
  messages: string[],
): ApiError {
  throw new NotImplemented('invalidService', section);
}

/**
 * The first offset between `from` and `to` (both included) that `isTaken` says is free, searching
 * from offset from + Math.floor(random() * count) and wrapping around to `from` after `to`;
 * undefined when every one is taken (or the range is empty). Random, so Services created together
 * do not all collide on the low end of the range.
 */
export function findFree(
  from: number,
  to: number,
  isTaken: (n: number) => boolean,
  random: () => number,
): number | undefined {
  throw new NotImplemented('findFree', section);
}

/**
 * A Service that gets no node ports may not name one, as Kubernetes' validation says. A nodePort
 * of 0 means "none": it is dropped from the port. Any other is an error: throws invalidService
 * with one cause per such port, type FieldValueForbidden on spec.ports[i].nodePort, message
 * "Forbidden: may not be used when `type` is '<type>'" (ClusterIP when the type is not set).
 */
export function forbidNodePorts(service: Service): void {
  throw new NotImplemented('forbidNodePorts', section);
}

/**
 * Why a Service may not have the ClusterIP it asks for, or undefined when it may. Each is
 * invalidService with one FieldValueInvalid error, in Kubernetes' words:
 * - not an IP at all: on spec.clusterIPs[0], `Invalid value: "<requested>": must be a valid IP
 *   address, (e.g. 10.9.8.7 or 2001:db8::ffff)`;
 * - outside `range`: on spec.clusterIPs, `Invalid value: []string{"<ip>"}: failed to allocate IP
 *   <ip>: the provided IP (<ip>) is not in the valid range. The range of valid IPs is <range>`;
 * - taken (isTaken of parseIp(requested)): on spec.clusterIPs, `Invalid value: []string{"<ip>"}:
 *   failed to allocate IP <ip>: provided IP is already allocated`.
 */
export function requestedIpError(
  service: Service,
  requested: string,
  range: Cidr,
  isTaken: (ip: number) => boolean,
): ApiError | undefined {
  throw new NotImplemented('requestedIpError', section);
}

/**
 * Hands out ClusterIPs and node ports, and takes them back. Suggested state: the taken addresses
 * (as numbers, parseIp) and the taken ports, each in a Set, and the random source of the options
 * (Math.random when none).
 */
export class ServiceAllocator {
  readonly serviceCidr: Cidr;
  readonly nodePorts: PortRange;

  constructor(options: ServiceAllocatorOptions = {}) {
    this.serviceCidr = parseCidr(options.serviceCidr ?? defaultServiceCidr);
    this.nodePorts = parsePortRange(options.nodePortRange ?? defaultNodePortRange);
  }

  /** The address kept for the `default/kubernetes` Service: the range's first usable one. */
  kubernetesIp(): string {
    throw new NotImplemented('ServiceAllocator.kubernetesIp', section);
  }

  isIpAllocated(ip: string): boolean {
    throw new NotImplemented('ServiceAllocator.isIpAllocated', section);
  }

  isPortAllocated(port: number): boolean {
    throw new NotImplemented('ServiceAllocator.isPortAllocated', section);
  }

  /** Forgets everything, then marks taken what the existing Services hold (after a restart). */
  rebuild(services: Service[]): void {
    throw new NotImplemented('ServiceAllocator.rebuild', section);
  }

  /**
   * Gives the Service its ClusterIP, in spec.clusterIP and spec.clusterIPs: the one it asks for
   * (spec.clusterIP, else spec.clusterIPs[0]) unless requestedIpError has something against it
   * (then throw that); when it asks for none, a free one found with findFree among offsets 2 to
   * size - 2 of the range (never the network address, the `kubernetes` one or the last), or a 500
   * InternalError "range is full: no ClusterIP left to allocate". Marks it taken and pushes onto
   * `undo` a function that gives it back.
   */
  assignIp(service: Service, undo: Array<() => void>): void {
    throw new NotImplemented('ServiceAllocator.assignIp', section);
  }

  /**
   * Gives each of the Service's ports its nodePort, marks it taken and pushes onto `undo` a
   * function that gives it back. A port that asks for one: outside the range is a 422 on
   * spec.ports[i].nodePort, `Invalid value: <port>: provided port is not in the valid range. The
   * range of valid ports is <first>-<last>`; one of `oldPorts` (the Service had it) is kept as
   * is; taken is `Invalid value: <port>: provided port is already allocated`. A port that asks for
   * none gets the nodePort the same port number had in `oldPorts`, else a free one (findFree over
   * the range), else a 500 "range is full: no node port left to allocate".
   */
  assignPorts(service: Service, oldPorts: ServicePort[], undo: Array<() => void>): void {
    throw new NotImplemented('ServiceAllocator.assignPorts', section);
  }

  /**
   * The traffic policy fields of `service` (being created, or updated from `old`), checked and
   * filled in; pushes onto `undo` what gives a new port back. 422s (invalidService) in Kubernetes'
   * words:
   * - externalTrafficPolicy on a Service not externallyAccessible: on spec.externalTrafficPolicy,
   *   `Invalid value: "<policy>": may only be set for externally-accessible services`, unless it is
   *   the old object's policy copied over (the Service left NodePort): then it is dropped;
   * - a healthCheckNodePort (0 means none) on a Service that does not wantsHealthCheckPort: on
   *   spec.healthCheckNodePort, ``Invalid value: <port>: may only be set when `type` is
   *   'LoadBalancer' and `externalTrafficPolicy` is 'Local'``, unless it is the old object's
   *   copied over: then it is dropped;
   * - one that had a port keeps it; asking for another is `Invalid value: <port>: field is immutable`;
   * - otherwise the requested port if in range and free (else `Invalid value: <port>: failed to
   *   allocate requested HealthCheck NodePort <port>: provided port is not in the valid range`, or
   *   `... is already allocated`), or a free one from the node port range, the same pool as nodePorts.
   */
  assignHealthCheckPort(service: Service, old: Service | undefined, undo: Array<() => void>): void {
    throw new NotImplemented('ServiceAllocator.assignHealthCheckPort', section);
  }

  /**
   * A Service being created: returns a copy with spec.clusterIP, spec.clusterIPs and each port's
   * nodePort filled in (assignIp when wantsClusterIp; clusterIPs ["None"] for a headless one;
   * assignPorts when wantsNodePorts, else forbidNodePorts; then assignHealthCheckPort when it
   * sets externalTrafficPolicy or a healthCheckNodePort). Throws a 422 ApiError if a request
   * cannot be honoured, after running `undo`: a failed create keeps nothing.
   */
  onCreate(service: Service): Service {
    throw new NotImplemented('ServiceAllocator.onCreate', section);
  }

  /**
   * A Service being updated, from `old` to `service`: returns a copy of `service` with the fields
   * filled in. The ClusterIP stays: asking for another is a 422 on spec.clusterIPs[0],
   * `Invalid value: []string{"<ip>"}: may not change once set`; a Service that had none (it was
   * ExternalName) gets one (assignIp); one that no longer wants one (now ExternalName) gives its
   * back, once nothing can fail any more. A NodePort Service keeps its ports unless it asks for
   * others (assignPorts with the old ports); leaving NodePort drops the ports copied over from the
   * old object (then forbidNodePorts). assignHealthCheckPort when the old Service had a
   * healthCheckNodePort or the new one sets externalTrafficPolicy or a healthCheckNodePort. Old ports (node ports and the
   * healthCheckNodePort) the new object no longer holds are freed. A failed update changes nothing.
   */
  onUpdate(old: Service, service: Service): Service {
    throw new NotImplemented('ServiceAllocator.onUpdate', section);
  }

  /** A Service deleted: its address, ports and healthCheckNodePort are free again. */
  onDelete(service: Service): void {
    throw new NotImplemented('ServiceAllocator.onDelete', section);
  }
}
