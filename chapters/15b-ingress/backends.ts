// Backends: from "Service web, port 80" to the addresses a request can go to. An Ingress names a
// Service and one of its ports; the controller does not send to the ClusterIP (kube-proxy would
// pick a pod again, and connections could not be spread by request) but straight to the pods, as
// ingress-nginx does: it reads the Service's EndpointSlices, takes the ready endpoints, and the
// port number the slices give for the Service port's name (its targetPort, resolved per pod).
import type {
  EndpointSlice,
  IngressServiceBackend,
  Service,
  ServicePort,
} from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Backends';

/** The label that ties an EndpointSlice to its Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';

/** The Service's port an Ingress backend names: by number, or by name. */
export function servicePortOf(
  service: Service,
  port: IngressServiceBackend['port'],
): ServicePort | undefined {
  throw new NotImplemented('servicePortOf', section);
}

/**
 * The "ip:port" addresses a backend's requests may go to: the ready endpoints of the Service's
 * slices (ready unset counts as ready), on the slice port whose name is the Service port's ("" for
 * an unnamed one). None when the Service or its port does not exist.
 */
export function endpointsOf(
  service: Service | undefined,
  slices: EndpointSlice[],
  port: IngressServiceBackend['port'],
): string[] {
  throw new NotImplemented('endpointsOf', section);
}

/** Spreads requests over a backend's addresses in turn: one counter per backend. */
export class RoundRobin {
  /** The next address of `addresses` for `backend`, or undefined when there is none. */
  next(backend: string, addresses: string[]): string | undefined {
    throw new NotImplemented('RoundRobin.next', section);
  }
}
