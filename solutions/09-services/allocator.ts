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
import { ApiError, type FieldError } from '../../harness/api/errors.ts';
import type { Service, ServicePort } from '../../harness/api/types.ts';
import {
  cidrContains,
  cidrSize,
  defaultServiceCidr,
  formatCidr,
  formatIp,
  parseCidr,
  parseIp,
  type Cidr,
} from '../../harness/network.ts';

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
  const match = /^(\d+)-(\d+)$/.exec(range);
  const first = Number(match?.[1]);
  const last = Number(match?.[2]);
  if (!match || first < 1 || last > 65535 || first > last)
    throw new Error(`invalid port range "${range}": expected first-last within 1-65535`);
  return { first, last };
}

/** Whether the Service gets a ClusterIP at all: ExternalName Services and headless ones do not. */
export function wantsClusterIp(service: Service): boolean {
  return service.spec.type !== 'ExternalName' && service.spec.clusterIP !== headless;
}

/** Whether the Service gets node ports: NodePort and LoadBalancer Services do. */
export function wantsNodePorts(service: Service): boolean {
  return service.spec.type === 'NodePort' || service.spec.type === 'LoadBalancer';
}

/**
 * Whether the Service gets a healthCheckNodePort: a LoadBalancer whose externalTrafficPolicy is
 * Local, so that the cloud's load balancer can ask each node's kube-proxy whether it has an endpoint.
 */
export function wantsHealthCheckPort(service: Service): boolean {
  return service.spec.type === 'LoadBalancer' && service.spec.externalTrafficPolicy === 'Local';
}

/** Whether traffic reaches the Service from outside: node ports, or externalIPs. */
export function externallyAccessible(service: Service): boolean {
  return wantsNodePorts(service) || (service.spec.externalIPs?.length ?? 0) > 0;
}

/** Whether the Service sets a field of the traffic policies that assignHealthCheckPort checks. */
function usesTrafficPolicy(service: Service): boolean {
  return Boolean(service.spec.externalTrafficPolicy || service.spec.healthCheckNodePort);
}

/**
 * The 422 Invalid the API server answers a Service it cannot accept with: one cause per field
 * error, its reason the error's type and its message the matching one of `messages`, and a
 * message naming the Service and each "field: message" (several in brackets, comma-separated).
 */
export function invalidService(
  name: string | undefined,
  errors: FieldError[],
  messages: string[],
): ApiError {
  const lines = errors.map((error, i) => `${error.field}: ${messages[i]}`);
  const joined = lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`;
  return new ApiError(422, 'Invalid', `Service "${name ?? ''}" is invalid: ${joined}`, {
    name,
    kind: 'Service',
    causes: errors.map((error, i) => ({
      reason: error.type,
      message: messages[i]!,
      field: error.field,
    })),
  });
}

/** Go prints a list of strings as []string{"a", "b"}; Kubernetes' message quotes it so. */
function goStrings(values: string[]): string {
  return `[]string{${values.map((value) => JSON.stringify(value)).join(', ')}}`;
}

/**
 * The first offset between `from` and `to` (both included) that is not taken, searching from a
 * random start and wrapping around; undefined when every one is taken. Random, so Services created
 * together do not all collide on the low end of the range.
 */
export function findFree(
  from: number,
  to: number,
  isTaken: (n: number) => boolean,
  random: () => number,
): number | undefined {
  const count = to - from + 1;
  if (count <= 0) return undefined;
  const start = Math.floor(random() * count);
  for (let i = 0; i < count; i++) {
    const n = from + ((start + i) % count);
    if (!isTaken(n)) return n;
  }
  return undefined;
}

/**
 * A Service that gets no node ports may not name one, as Kubernetes' validation says: throws a
 * 422 with one Forbidden cause per port that does. A nodePort of 0 means "none" and is dropped.
 */
export function forbidNodePorts(service: Service): void {
  const errors: FieldError[] = [];
  (service.spec.ports ?? []).forEach((port, i) => {
    if (port.nodePort !== undefined && port.nodePort !== 0)
      errors.push({ type: 'FieldValueForbidden', field: `spec.ports[${i}].nodePort` });
    delete port.nodePort;
  });
  if (errors.length > 0)
    throw invalidService(
      service.metadata.name,
      errors,
      errors.map(
        () => `Forbidden: may not be used when \`type\` is '${service.spec.type ?? 'ClusterIP'}'`,
      ),
    );
}

/**
 * Why a Service may not have the ClusterIP it asks for, as a 422 in Kubernetes' words, or
 * undefined when it may: not an IP at all (on spec.clusterIPs[0]), outside the range, or taken
 * (both on spec.clusterIPs).
 */
export function requestedIpError(
  service: Service,
  requested: string,
  range: Cidr,
  isTaken: (ip: number) => boolean,
): ApiError | undefined {
  const fail = (detail: string, field = 'spec.clusterIPs', value = goStrings([requested])) =>
    invalidService(
      service.metadata.name,
      [{ type: 'FieldValueInvalid', field }],
      [`Invalid value: ${value}: ${detail}`],
    );
  let ip: number;
  try {
    ip = parseIp(requested);
  } catch {
    const detail = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';
    return fail(detail, 'spec.clusterIPs[0]', JSON.stringify(requested));
  }
  if (!cidrContains(range, requested))
    return fail(
      `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the ` +
        `valid range. The range of valid IPs is ${formatCidr(range)}`,
    );
  if (isTaken(ip))
    return fail(`failed to allocate IP ${requested}: provided IP is already allocated`);
  return undefined;
}

/** Hands out ClusterIPs and node ports, and takes them back. */
export class ServiceAllocator {
  readonly serviceCidr: Cidr;
  readonly nodePorts: PortRange;
  private readonly random: () => number;
  /** Taken addresses (as numbers) and ports. */
  private readonly ips = new Set<number>();
  private readonly ports = new Set<number>();

  constructor(options: ServiceAllocatorOptions = {}) {
    this.serviceCidr = parseCidr(options.serviceCidr ?? defaultServiceCidr);
    this.nodePorts = parsePortRange(options.nodePortRange ?? defaultNodePortRange);
    this.random = options.random ?? Math.random;
  }

  /** The address kept for the `default/kubernetes` Service: the range's first usable one. */
  kubernetesIp(): string {
    return formatIp(this.serviceCidr.base + 1);
  }

  isIpAllocated(ip: string): boolean {
    return this.ips.has(parseIp(ip));
  }

  isPortAllocated(port: number): boolean {
    return this.ports.has(port);
  }

  /** Forgets everything, then marks taken what the existing Services hold (after a restart). */
  rebuild(services: Service[]): void {
    this.ips.clear();
    this.ports.clear();
    for (const service of services) {
      const ip = service.spec.clusterIP;
      if (wantsClusterIp(service) && ip && cidrContains(this.serviceCidr, ip))
        this.ips.add(parseIp(ip));
      const health = service.spec.healthCheckNodePort;
      if (health !== undefined && this.inPortRange(health)) this.ports.add(health);
      if (!wantsNodePorts(service)) continue;
      for (const port of service.spec.ports ?? [])
        if (port.nodePort !== undefined && this.inPortRange(port.nodePort))
          this.ports.add(port.nodePort);
    }
  }

  /**
   * Gives the Service its ClusterIP, in spec.clusterIP and spec.clusterIPs: the one it asks for
   * (spec.clusterIP, else spec.clusterIPs[0]) if requestedIpError has nothing against it, else a
   * random free one, never the network address, the `kubernetes` one or the last. Pushes onto
   * `undo` what gives the address back.
   */
  assignIp(service: Service, undo: Array<() => void>): void {
    const requested = service.spec.clusterIP || service.spec.clusterIPs?.[0];
    let ip: number;
    if (requested) {
      const error = requestedIpError(service, requested, this.serviceCidr, (n) => this.ips.has(n));
      if (error) throw error;
      ip = parseIp(requested);
    } else {
      // Offsets 2 .. size-2: not the network address, not the `kubernetes` one, not broadcast.
      const size = cidrSize(this.serviceCidr);
      const isTaken = (n: number) => this.ips.has(this.serviceCidr.base + n);
      const offset = findFree(2, size - 2, isTaken, this.random);
      if (offset === undefined)
        throw new ApiError(500, 'InternalError', 'range is full: no ClusterIP left to allocate');
      ip = this.serviceCidr.base + offset;
    }
    this.ips.add(ip);
    undo.push(() => this.ips.delete(ip));
    service.spec.clusterIP = formatIp(ip);
    service.spec.clusterIPs = [formatIp(ip)];
  }

  /**
   * Gives each port its nodePort: the one it asks for if in range and free (or already this
   * Service's, among `oldPorts`), else the one the same port number had in `oldPorts`, else a
   * random free one. Pushes onto `undo` what gives each new port back.
   */
  assignPorts(service: Service, oldPorts: ServicePort[], undo: Array<() => void>): void {
    const own = new Set(oldPorts.map((port) => port.nodePort));
    const ports = service.spec.ports ?? [];
    ports.forEach((port, i) => {
      let nodePort = port.nodePort;
      if (nodePort !== undefined) {
        const fail = (detail: string) =>
          invalidService(
            service.metadata.name,
            [{ type: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort` }],
            [`Invalid value: ${nodePort}: ${detail}`],
          );
        if (!this.inPortRange(nodePort))
          throw fail(
            'provided port is not in the valid range. The range of valid ports is ' +
              `${this.nodePorts.first}-${this.nodePorts.last}`,
          );
        if (own.has(nodePort)) return;
        if (this.ports.has(nodePort)) throw fail('provided port is already allocated');
      } else {
        const before = oldPorts.find((old) => old.port === port.port && old.nodePort !== undefined);
        if (before) {
          port.nodePort = before.nodePort;
          own.delete(before.nodePort);
          return;
        }
        const { first, last } = this.nodePorts;
        const offset = findFree(0, last - first, (n) => this.ports.has(first + n), this.random);
        if (offset === undefined)
          throw new ApiError(500, 'InternalError', 'range is full: no node port left to allocate');
        nodePort = first + offset;
      }
      const allocated = nodePort;
      this.ports.add(allocated);
      undo.push(() => this.ports.delete(allocated));
      port.nodePort = allocated;
    });
  }

  /**
   * Gives a LoadBalancer Service with externalTrafficPolicy Local its healthCheckNodePort, from the
   * node port range: the one it asks for if free, the one it had before (`old`; it may not change
   * once set), else a free one. Any other Service may neither name one nor set
   * externalTrafficPolicy unless it is reachable from outside. 422 Invalid in Kubernetes' words.
   */
  assignHealthCheckPort(service: Service, old: Service | undefined, undo: Array<() => void>): void {
    const field = 'spec.healthCheckNodePort';
    const requested = service.spec.healthCheckNodePort || undefined;
    const fail = (value: unknown, detail: string) =>
      invalidService(
        service.metadata.name,
        [{ type: 'FieldValueInvalid', field }],
        [`Invalid value: ${value}: ${detail}`],
      );
    const policy = service.spec.externalTrafficPolicy;
    if (policy && !externallyAccessible(service)) {
      // Leaving NodePort or LoadBalancer: a policy copied over from the old object goes.
      if (policy !== old?.spec.externalTrafficPolicy)
        throw invalidService(
          service.metadata.name,
          [{ type: 'FieldValueInvalid', field: 'spec.externalTrafficPolicy' }],
          [`Invalid value: "${policy}": may only be set for externally-accessible services`],
        );
      delete service.spec.externalTrafficPolicy;
    }
    const had = old?.spec.healthCheckNodePort;
    if (!wantsHealthCheckPort(service)) {
      // Leaving Local or LoadBalancer: a port copied over from the old object goes, as in Kubernetes.
      if (requested !== undefined && requested !== had)
        throw fail(
          requested,
          "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
        );
      delete service.spec.healthCheckNodePort;
      return;
    }
    if (had !== undefined) {
      if (requested !== undefined && requested !== had) throw fail(requested, 'field is immutable');
      service.spec.healthCheckNodePort = had;
      return;
    }
    let port = requested;
    if (port !== undefined) {
      const why = !this.inPortRange(port)
        ? 'provided port is not in the valid range'
        : this.ports.has(port) && 'provided port is already allocated';
      if (why)
        throw fail(port, `failed to allocate requested HealthCheck NodePort ${port}: ${why}`);
    } else {
      const { first, last } = this.nodePorts;
      const offset = findFree(0, last - first, (n) => this.ports.has(first + n), this.random);
      if (offset === undefined)
        throw new ApiError(500, 'InternalError', 'range is full: no node port left to allocate');
      port = first + offset;
    }
    const allocated = port;
    this.ports.add(allocated);
    undo.push(() => this.ports.delete(allocated));
    service.spec.healthCheckNodePort = allocated;
  }

  /**
   * A Service being created: returns a copy with spec.clusterIP, spec.clusterIPs and each port's
   * nodePort filled in. Throws a 422 ApiError (and keeps nothing) if a request cannot be honoured.
   */
  onCreate(service: Service): Service {
    const result = structuredClone(service);
    const undo: Array<() => void> = [];
    try {
      if (wantsClusterIp(result)) this.assignIp(result, undo);
      else if (result.spec.clusterIP === headless) result.spec.clusterIPs = [headless];
      if (wantsNodePorts(result)) this.assignPorts(result, [], undo);
      else forbidNodePorts(result);
      if (usesTrafficPolicy(result)) this.assignHealthCheckPort(result, undefined, undo);
    } catch (error) {
      for (const release of undo) release();
      throw error;
    }
    return result;
  }

  /**
   * A Service being updated: the ClusterIP stays (it may not change once set); a change of type
   * takes or gives back node ports, and a NodePort Service keeps its ports unless it asks for
   * others. Returns the new object with the fields filled in.
   */
  onUpdate(old: Service, service: Service): Service {
    const result = structuredClone(service);
    const undo: Array<() => void> = [];
    const released: number[] = [];
    try {
      const hadIp = wantsClusterIp(old) && old.spec.clusterIP;
      if (wantsClusterIp(result)) {
        if (hadIp) {
          const requested = result.spec.clusterIP;
          if (requested && requested !== old.spec.clusterIP) {
            const message = `Invalid value: ${goStrings([requested])}: may not change once set`;
            throw invalidService(
              result.metadata.name,
              [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs[0]' }],
              [message],
            );
          }
          result.spec.clusterIP = old.spec.clusterIP!;
          result.spec.clusterIPs = [old.spec.clusterIP!];
        } else this.assignIp(result, undo);
      } else if (hadIp) released.push(parseIp(old.spec.clusterIP!));

      const oldPorts = wantsNodePorts(old) ? (old.spec.ports ?? []) : [];
      if (wantsNodePorts(result)) this.assignPorts(result, oldPorts, undo);
      else {
        // Leaving NodePort: the ports copied over from the old object go, as in Kubernetes.
        const before = new Set(oldPorts.map((port) => port.nodePort));
        for (const port of result.spec.ports ?? [])
          if (before.has(port.nodePort)) delete port.nodePort;
        forbidNodePorts(result);
      }
      const oldHealth = old.spec.healthCheckNodePort;
      if (oldHealth !== undefined || usesTrafficPolicy(result))
        this.assignHealthCheckPort(result, old, undo);
      const kept = new Set((result.spec.ports ?? []).map((port) => port.nodePort));
      kept.add(result.spec.healthCheckNodePort);
      for (const port of oldPorts)
        if (port.nodePort !== undefined && !kept.has(port.nodePort))
          this.ports.delete(port.nodePort);
      if (oldHealth !== undefined && !kept.has(oldHealth)) this.ports.delete(oldHealth);
    } catch (error) {
      for (const release of undo) release();
      throw error;
    }
    for (const ip of released) this.ips.delete(ip);
    return result;
  }

  /** A Service deleted: its address, ports and healthCheckNodePort are free again. */
  onDelete(service: Service): void {
    if (wantsClusterIp(service) && service.spec.clusterIP)
      this.ips.delete(parseIp(service.spec.clusterIP));
    if (service.spec.healthCheckNodePort !== undefined)
      this.ports.delete(service.spec.healthCheckNodePort);
    if (wantsNodePorts(service))
      for (const port of service.spec.ports ?? [])
        if (port.nodePort !== undefined) this.ports.delete(port.nodePort);
  }

  private inPortRange(port: number): boolean {
    return Number.isInteger(port) && port >= this.nodePorts.first && port <= this.nodePorts.last;
  }
}
