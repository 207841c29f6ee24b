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

/** The label that ties an EndpointSlice to its Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';

/** The Service's port an Ingress backend names: by number, or by name. */
export function servicePortOf(
  service: Service,
  port: IngressServiceBackend['port'],
): ServicePort | undefined {
  return (service.spec?.ports ?? []).find((candidate) =>
    port?.number !== undefined ? candidate.port === port.number : candidate.name === port?.name,
  );
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
  const servicePort = service && servicePortOf(service, port);
  if (!servicePort) return [];
  const name = servicePort.name ?? '';
  const addresses = new Set<string>();
  for (const slice of slices) {
    if (slice.metadata.labels?.[serviceNameLabel] !== service.metadata.name) continue;
    const number = slice.ports?.find((candidate) => (candidate.name ?? '') === name)?.port;
    if (number === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      if (endpoint.conditions?.ready === false) continue;
      for (const address of endpoint.addresses) addresses.add(`${address}:${number}`);
    }
  }
  return [...addresses].sort();
}

/** Spreads requests over a backend's addresses in turn: one counter per backend. */
export class RoundRobin {
  private readonly turns = new Map<string, number>();

  /** The next address of `addresses` for `backend`, or undefined when there is none. */
  next(backend: string, addresses: string[]): string | undefined {
    if (addresses.length === 0) return undefined;
    const turn = this.turns.get(backend) ?? 0;
    this.turns.set(backend, turn + 1);
    return addresses[turn % addresses.length];
  }
}
