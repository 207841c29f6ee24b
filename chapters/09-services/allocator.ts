// Service address allocation: which ClusterIP and which node ports a Service gets.
//
// A Service's ClusterIP is a virtual address: no interface carries it, kube-proxy on every node
// catches traffic to it. The API server hands it out from the service range
// (--service-cluster-ip-range) when the Service is created, and a NodePort Service also gets a port
// from --service-node-port-range (30000-32767) that every node listens on. Two Services must never
// share either, so the allocator keeps what is taken, honours a requested address or port when it
// is free, answers 422 Invalid (with Kubernetes' messages) when it is not, releases on delete or on
// a change of type, and can be rebuilt from the Services that exist: after an API server restart
// the stored Services, not memory, say what is taken.
import type { Service } from '../../harness/api/types.ts';
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

/** Hands out ClusterIPs and node ports, and takes them back. */
export class ServiceAllocator {
  readonly serviceCidr: Cidr;
  readonly nodePorts: PortRange;

  constructor(options: ServiceAllocatorOptions = {}) {
    this.serviceCidr = parseCidr(options.serviceCidr ?? defaultServiceCidr);
    this.nodePorts = { first: 30000, last: 32767 };
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
   * A Service being created: returns a copy with spec.clusterIP, spec.clusterIPs and each port's
   * nodePort filled in. Throws a 422 ApiError (and keeps nothing) if a request cannot be honoured.
   */
  onCreate(service: Service): Service {
    throw new NotImplemented('ServiceAllocator.onCreate', section);
  }

  /**
   * A Service being updated: the ClusterIP stays (it may not change once set); a change of type
   * takes or gives back node ports, and a NodePort Service keeps its ports unless it asks for
   * others. Returns the new object with the fields filled in.
   */
  onUpdate(old: Service, service: Service): Service {
    throw new NotImplemented('ServiceAllocator.onUpdate', section);
  }

  /** A Service deleted: its address and ports are free again. */
  onDelete(service: Service): void {
    throw new NotImplemented('ServiceAllocator.onDelete', section);
  }
}
