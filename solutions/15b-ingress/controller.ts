// The ingress controller: informers on Ingresses, IngressClasses, Services, EndpointSlices and
// Secrets feed the proxy's routes and certificates, and a reconcile loop writes each served
// Ingress's status: the address clients reach it at. That address is not the controller's own
// listening socket but the Service in front of it (--publish-service, as ingress-nginx names the
// flag): its load balancer's addresses once a cloud gives it some, else its cluster IP.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KeyPair } from '../../harness/api/certificates.ts';
import type {
  EndpointSlice,
  Ingress,
  IngressClass,
  IngressLoadBalancerIngress,
  Secret,
  Service,
} from '../../harness/api/types.ts';
import type { Informer } from '../../harness/client/types.ts';
import type {
  IngressControllerOptions,
  ListenAddress,
  RunningIngressController,
} from '../../harness/contracts/ingress.ts';
import { endpointsOf } from './backends.ts';
import { createIngressProxy, type ProxyTable } from './proxy.ts';
import { routesOf, servesIngress } from './routes.ts';
import { certificatesOf, sniCallback } from './tls.ts';

/**
 * The addresses a Service publishes for the Ingresses behind it, as ingress-nginx reads them: a
 * LoadBalancer's ingress addresses and external IPs; a NodePort's external IPs, else its cluster
 * IP; a ClusterIP Service's cluster IP; an ExternalName's name. None while a load balancer is
 * pending.
 */
export function publishedAddresses(service: Service): IngressLoadBalancerIngress[] {
  const external = (service.spec?.externalIPs ?? []).map((ip) => ({ ip }));
  const clusterIp = service.spec?.clusterIP;
  const cluster = clusterIp && clusterIp !== 'None' ? [{ ip: clusterIp }] : [];
  switch (service.spec?.type ?? 'ClusterIP') {
    case 'ExternalName':
      return [{ hostname: service.spec?.externalName ?? '' }];
    case 'NodePort':
      return external.length > 0 ? external : cluster;
    case 'LoadBalancer': {
      const balancer = (service.status?.loadBalancer?.ingress ?? []).map((entry) =>
        entry.ip ? { ip: entry.ip } : { hostname: entry.hostname ?? '' },
      );
      return [...balancer, ...external];
    }
    default:
      return cluster;
  }
}

/** Whether an Ingress's status already lists exactly these addresses, in this order. */
export function sameAddresses(ingress: Ingress, addresses: IngressLoadBalancerIngress[]): boolean {
  const current = ingress.status?.loadBalancer?.ingress ?? [];
  return JSON.stringify(current) === JSON.stringify(addresses);
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
  const oldestFirst = [...served].sort((a, b) =>
    (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
  );
  const withDefault = oldestFirst.find((ingress) => ingress.spec?.defaultBackend?.service);
  return {
    routes: oldestFirst.flatMap(routesOf),
    defaultBackend: withDefault && {
      namespace: withDefault.metadata.namespace ?? 'default',
      backend: withDefault.spec.defaultBackend!.service!,
    },
    endpoints: (namespace, backend) =>
      endpointsOf(serviceOf(namespace, backend.name), slicesIn(namespace), backend.port),
  };
}

/** Listens on `address`, resolving with the port chosen. */
function listen(server: http.Server, address: ListenAddress): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
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
  const proxy = createIngressProxy(table);
  const fallback = addresses.defaultCertificate;
  const plain = http.createServer(proxy.handle);
  const secure = https.createServer(
    { ...fallback, SNICallback: sniCallback(certificates, fallback) },
    proxy.handle,
  );
  const httpPort = await listen(plain, addresses.http);
  const httpsPort = await listen(secure, addresses.https);
  const close = async () => {
    for (const server of [plain, secure]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    proxy.close();
  };
  return {
    httpUrl: `http://${addresses.http.host}:${httpPort}`,
    httpsUrl: `https://${addresses.https.host}:${httpsPort}`,
    close,
  };
}

/** The five informers the controller reads, all namespaces. */
function informersOf(options: IngressControllerOptions) {
  const { toolkit, client } = options;
  return {
    ingresses: toolkit.createInformer(client.resource<Ingress>('ingresses')),
    classes: toolkit.createInformer(client.resource<IngressClass>('ingressclasses')),
    services: toolkit.createInformer(client.resource<Service>('services')),
    slices: toolkit.createInformer(client.resource<EndpointSlice>('endpointslices')),
    secrets: toolkit.createInformer(client.resource<Secret>('secrets')),
  };
}

/**
 * Starts the controller: its informers and status loop, then (once they have synced) the HTTP and
 * HTTPS servers of the proxy, whose routes and certificates are rebuilt after any change.
 */
export async function startIngressController(
  options: IngressControllerOptions,
): Promise<RunningIngressController> {
  const { toolkit, client } = options;
  const informers = informersOf(options);
  const served = () =>
    informers.ingresses
      .list()
      .filter((ingress) => servesIngress(ingress, informers.classes.list(), options.controller));
  const everyIngress = () => informers.ingresses.list().map(toolkit.keyOf);
  const reconcile = async (key: string) => {
    const ingress = informers.ingresses.get(key);
    if (!ingress || !options.publishService) return;
    if (!servesIngress(ingress, informers.classes.list(), options.controller)) return;
    const service = informers.services.get(options.publishService);
    const addresses = service ? publishedAddresses(service) : [];
    if (sameAddresses(ingress, addresses)) return;
    await client
      .resource<Ingress>('ingresses', ingress.metadata.namespace)
      .updateStatus({ ...ingress, status: { loadBalancer: { ingress: addresses } } });
  };
  const status = toolkit.createController({
    name: 'ingress-status',
    reconcile,
    onError: (key, error) => options.log?.(`status of ${key}: ${(error as Error).message}`),
  });
  status.watch(informers.ingresses);
  status.watch(informers.classes, everyIngress);
  status.watch(informers.services, (service) =>
    toolkit.keyOf(service) === options.publishService ? everyIngress() : [],
  );
  status.watch(informers.slices, () => []);
  status.watch(informers.secrets, () => []);
  const stop = new AbortController();
  const running = status.run(stop.signal);
  await Promise.all(Object.values(informers).map((informer: Informer) => informer.waitForSync()));
  // The table and certificates are rebuilt after a change, not per request.
  let current: { table: ProxyTable; certificates: Map<string, KeyPair> } | undefined;
  const changed = () => (current = undefined);
  for (const informer of Object.values(informers) as Informer[])
    informer.addEventHandlers({ add: changed, update: changed, delete: changed });
  const build = () =>
    (current ??= {
      table: proxyTableOf(
        served(),
        (namespace, name) => informers.services.get(`${namespace}/${name}`),
        (namespace) => informers.slices.byIndex('namespace', namespace),
      ),
      certificates: certificatesOf(served(), (namespace, name) =>
        informers.secrets.get(`${namespace}/${name}`),
      ),
    });
  const servers = await serveProxy(
    options,
    () => build().table,
    () => build().certificates,
  );
  const close = async () => {
    await servers.close();
    stop.abort();
    await running;
  };
  return { httpUrl: servers.httpUrl, httpsUrl: servers.httpsUrl, close };
}
