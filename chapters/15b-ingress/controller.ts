// The ingress controller: informers on Ingresses, IngressClasses, Services, EndpointSlices and
// Secrets feed the proxy's routes and certificates, and a reconcile loop writes each served
// Ingress's status: the address clients reach it at. That address is not the controller's own
// listening socket but the Service in front of it (--publish-service, as ingress-nginx names the
// flag): its load balancer's addresses once a cloud gives it some, else its cluster IP.
import type { KeyPair } from '../../harness/api/certificates.ts';
import type {
  EndpointSlice,
  Ingress,
  IngressLoadBalancerIngress,
  Service,
} from '../../harness/api/types.ts';
import type {
  IngressControllerOptions,
  RunningIngressController,
} from '../../harness/contracts/ingress.ts';
import type { ProxyTable } from './proxy.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ The ingress controller';

/**
 * The addresses a Service publishes for the Ingresses behind it, as ingress-nginx reads them: a
 * LoadBalancer's ingress addresses and external IPs; a NodePort's external IPs, else its cluster
 * IP; a ClusterIP Service's cluster IP; an ExternalName's name. None while a load balancer is
 * pending.
 */
export function publishedAddresses(service: Service): IngressLoadBalancerIngress[] {
  throw new NotImplemented('publishedAddresses', section);
}

/** Whether an Ingress's status already lists exactly these addresses, in this order. */
export function sameAddresses(ingress: Ingress, addresses: IngressLoadBalancerIngress[]): boolean {
  throw new NotImplemented('sameAddresses', section);
}

/**
 * The proxy's table for the served Ingresses: their routes, the oldest one's default backend, and
 * endpoints looked up through `serviceOf` and `slicesIn` (a namespace's EndpointSlices).
 */
export function proxyTableOf(
  served: Ingress[],
  serviceOf: (namespace: string, name: string) => Service | undefined,
  slicesIn: (namespace: string) => EndpointSlice[],
): ProxyTable {
  throw new NotImplemented('proxyTableOf', section);
}

/** The proxy's servers: where they listen, and close() to stop both. */
export interface ProxyServers {
  httpUrl: string;
  httpsUrl: string;
  close(): Promise<void>;
}

/**
 * Serves the proxy over `table()` on an HTTP and an HTTPS server, the HTTPS one choosing each
 * client's certificate from `certificates()` by SNI (the default certificate for names it lacks).
 */
export async function serveProxy(
  addresses: Pick<IngressControllerOptions, 'http' | 'https' | 'defaultCertificate'>,
  table: () => ProxyTable,
  certificates: () => Map<string, KeyPair>,
): Promise<ProxyServers> {
  throw new NotImplemented('serveProxy', section);
}

/**
 * Starts the controller: its informers and status loop, then (once they have synced) the HTTP and
 * HTTPS servers of the proxy, whose routes and certificates are rebuilt after any change.
 */
export async function startIngressController(
  options: IngressControllerOptions,
): Promise<RunningIngressController> {
  throw new NotImplemented('startIngressController', section);
}
