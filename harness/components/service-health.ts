// kube-proxy's per-Service health check: for each LoadBalancer Service with
// externalTrafficPolicy Local, an HTTP server on this node's IP and the Service's
// spec.healthCheckNodePort that says whether this node has a ready endpoint of it. A cloud load
// balancer asks it (GET /healthz) and sends traffic only to nodes answering 200; a node without
// a pod of the Service answers 503, since kube-proxy there would drop the connection.
//
// It answers every path as kube-proxy's does: the status, the headers Content-Type
// application/json, X-Content-Type-Options nosniff and X-Load-Balancing-Endpoint-Weight (the
// count), and {"service":{"namespace","name"},"localEndpoints":N,"serviceProxyHealthy":true}.
// It lives beside the proxy of either mode (harness/components/proxy.ts) rather than in a
// chapter: it reads the same EndpointSlices and counts, and carries no traffic.
import { createServer, type Server } from 'node:http';
import type { EndpointSlice, KubeObject, Service } from '../api/types.ts';
import type { ApiClient, Informer, Toolkit } from '../client/types.ts';

/** The label that names an EndpointSlice's Service. */
const serviceNameLabel = 'kubernetes.io/service-name';

export interface ServiceHealthOptions {
  toolkit: Toolkit;
  client: ApiClient;
  nodeName: string;
  /** The address the health servers listen on: this node's IP. */
  nodeIp: string;
  log: (line: string) => void;
}

/** The port this node answers health checks for `service` on, or undefined when it has none. */
export function healthCheckPort(service: Service | undefined): number | undefined {
  if (service?.spec.type !== 'LoadBalancer') return undefined;
  if (service.spec.externalTrafficPolicy !== 'Local') return undefined;
  return service.spec.healthCheckNodePort || undefined;
}

/**
 * How many endpoints of the slices are on `nodeName` and ready (a missing condition counts as
 * ready), each address once.
 */
export function localEndpoints(slices: EndpointSlice[], nodeName: string): number {
  const addresses = new Set<string>();
  for (const slice of slices)
    for (const endpoint of slice.endpoints ?? [])
      if (endpoint.nodeName === nodeName && endpoint.conditions?.ready !== false)
        for (const address of endpoint.addresses) addresses.add(address);
  return addresses.size;
}

/** The answer to a health check: its status code and its JSON body. */
export function healthAnswer(namespace: string, name: string, count: number) {
  const body = { service: { namespace, name }, localEndpoints: count, serviceProxyHealthy: true };
  return { status: count > 0 ? 200 : 503, body };
}

/** One health server: the Service it answers for, and the port it listens on. */
interface HealthServer {
  port: number;
  server: Server;
}

export class ServiceHealth {
  private readonly options: ServiceHealthOptions;
  private readonly services: Informer<Service>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly servers = new Map<string, HealthServer>();

  constructor(options: ServiceHealthOptions) {
    this.options = options;
    const { toolkit, client } = options;
    this.services = toolkit.createInformer(client.resource<Service>('services'));
    this.slices = toolkit.createInformer(client.resource<EndpointSlice>('endpointslices'), {
      indexers: { service: sliceService },
    });
  }

  /** Keeps a health server for each Service that needs one, until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const controller = this.options.toolkit.createController({
      name: `service-health-${this.options.nodeName}`,
      reconcile: (key) => this.sync(key),
    });
    controller.watch(this.services);
    controller.watch(this.slices, sliceService);
    try {
      await controller.run(signal);
    } finally {
      for (const key of [...this.servers.keys()]) await this.stop(key);
    }
  }

  /** The ports health servers listen on now. */
  ports(): number[] {
    return [...this.servers.values()].map((entry) => entry.port);
  }

  /** One Service: a server on its healthCheckNodePort while it has one, none otherwise. */
  async sync(key: string): Promise<void> {
    const port = healthCheckPort(this.services.get(key));
    const current = this.servers.get(key);
    if (current && current.port === port) return;
    if (current) await this.stop(key);
    if (port === undefined) return;
    const [namespace, name] = key.split('/') as [string, string];
    const server = createServer((request, response) => {
      request.resume();
      const count = localEndpoints(this.slices.byIndex('service', key), this.options.nodeName);
      const { status, body } = healthAnswer(namespace, name, count);
      response.writeHead(status, {
        'Content-Type': 'application/json',
        'X-Content-Type-Options': 'nosniff',
        'X-Load-Balancing-Endpoint-Weight': String(count),
      });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.options.nodeIp, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => {});
    this.servers.set(key, { port, server });
    this.options.log(`health check of Service ${key} on ${this.options.nodeIp}:${port}`);
  }

  private async stop(key: string): Promise<void> {
    const entry = this.servers.get(key);
    this.servers.delete(key);
    if (!entry) return;
    entry.server.closeAllConnections();
    await new Promise<void>((resolve) => entry.server.close(() => resolve()));
  }
}

/** The key of a slice's Service, "namespace/name", from its label. */
function sliceService(slice: KubeObject): string[] {
  const name = slice.metadata.labels?.[serviceNameLabel];
  return name ? [`${slice.metadata.namespace}/${name}`] : [];
}
