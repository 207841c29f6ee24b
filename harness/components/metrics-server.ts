// `npx kata run metrics-server`: chapter 14's metrics server as a program, with metrics-server's
// flag names. Every --metric-resolution (15 s) it reads each Ready node's kubelet summary
// (/stats/summary on the port the Node advertises) and keeps the newest; it answers the resource
// metrics API from memory on --bind-address:--secure-port (4443; plain HTTP here), with /healthz,
// /livez and /readyz beside it. At start it registers itself with the API server as API
// aggregation expects: the Service kube-system/metrics-server, its Endpoints (this address), and
// the APIService v1beta1.metrics.k8s.io that points at the Service. `kubectl top` then works.
//
// When its kubeconfig holds a client certificate (a cluster over TLS), kubelets are scraped over
// HTTPS with that certificate, its user system:metrics-server allowed get on nodes/stats, and
// their serving certificates checked with the kubeconfig's CA (metrics-server's
// --kubelet-certificate-authority, here the cluster's one CA).
//
//   npx kata run metrics-server --kubeconfig .kata/kubeconfig [--secure-port 4443]
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIService } from '../api/aggregation.ts';
import { credentialsFor, presentCredentials, type TlsCredentials } from '../client/tls.ts';
import type {
  Endpoints,
  KubeObject,
  Node,
  NodeMetrics,
  Pod,
  PodMetrics,
  Service,
} from '../api/types.ts';
import { clientConfigFromFlags } from '../client/kubeconfig.ts';
import { isNotFound } from '../client/errors.ts';
import type { ApiClient } from '../client/types.ts';
import { clientFlagKinds, clientFlags, connect, type ClientFlags } from './api-client.ts';
import { parseComponentFlags, parseDuration, UsageError } from './flags.ts';
import { servingFlagKinds, servingFlags, type ServingFlags } from './health.ts';
import type { MetricsServerModule } from '../contracts/autoscaling.ts';
import { chapterSource, describeSource, loadModule } from './implementation.ts';
import { serveUntilSignal } from './process.ts';
import { loadToolkit } from './toolkit.ts';

const USAGE = `usage: kata run metrics-server (--kubeconfig FILE | --master URL)
                               [--secure-port 4443] [--bind-address 127.0.0.1]
                               [--metric-resolution 15s] [--use solutions|mine|auto]`;

export interface MetricsServerFlags extends ClientFlags, ServingFlags {
  metricResolutionMs: number;
}

export function parseFlags(argv: string[]): MetricsServerFlags {
  const values = parseComponentFlags(argv, {
    ...clientFlagKinds,
    ...servingFlagKinds,
    'metric-resolution': 'string',
  });
  const resolution = (values.get('metric-resolution') as string | undefined) ?? '15s';
  const metricResolutionMs = parseDuration(resolution, 'metric-resolution');
  if (metricResolutionMs < 1000) throw new UsageError('--metric-resolution must be at least 1s');
  return {
    ...clientFlags(values),
    ...servingFlags(values, 4443),
    bindAddress: (values.get('bind-address') as string | undefined) ?? '127.0.0.1',
    metricResolutionMs,
  };
}

/**
 * The address and port a Node's kubelet API listens on, from its status: https:// presenting
 * `credentials` (../client/tls.ts) when given, else http://.
 */
function kubeletUrl(node: Node, credentials?: TlsCredentials): string | undefined {
  const ip = node.status?.addresses?.find((address) => address.type === 'InternalIP')?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!ip || !port) return undefined;
  if (!credentials?.cert) return `http://${ip}:${port}`;
  presentCredentials(`https://${ip}:${port}`, credentials);
  return `https://${ip}:${port}`;
}

/** Creates or replaces one object, so a restarted metrics server points everything at itself. */
async function apply<T extends KubeObject>(client: ApiClient, resource: string, object: T) {
  const objects = client.resource<T>(resource, object.metadata.namespace);
  try {
    const current = await objects.get(object.metadata.name!);
    await objects.update({
      ...object,
      metadata: { ...object.metadata, resourceVersion: current.metadata.resourceVersion },
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await objects.create(object);
  }
}

/** The Service, Endpoints and APIService through which the API server reaches this server. */
async function register(client: ApiClient, address: string, port: number): Promise<void> {
  const metadata = {
    name: 'metrics-server',
    namespace: 'kube-system',
    labels: { 'k8s-app': 'metrics-server' },
  };
  await apply<Service>(client, 'services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      clusterIP: 'None',
      ports: [{ name: 'https', port, protocol: 'TCP', targetPort: port }],
    },
  });
  await apply<Endpoints>(client, 'endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata,
    subsets: [{ addresses: [{ ip: address }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  });
  await apply<APIService>(client, 'apiservices', {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1beta1.metrics.k8s.io', labels: { 'k8s-app': 'metrics-server' } },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      service: { namespace: 'kube-system', name: 'metrics-server', port },
      insecureSkipTLSVerify: true,
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
  });
}

/**
 * One scrape: every node's kubelet summary at once, turned into NodeMetrics and PodMetrics by
 * chapter 14's metrics-server.ts. A node that cannot be read is logged and left out.
 */
export async function scrapeKubelets(
  nodes: Node[],
  metrics: MetricsServerModule,
  windowMs: number,
  labelsOf: (namespace: string, name: string) => Record<string, string> | undefined,
  log: (line: string) => void,
  credentials?: TlsCredentials,
): Promise<{ nodes: NodeMetrics[]; pods: PodMetrics[] }> {
  const found: { nodes: NodeMetrics[]; pods: PodMetrics[] } = { nodes: [], pods: [] };
  await Promise.all(
    nodes.map(async (node) => {
      const url = kubeletUrl(node, credentials);
      if (!url) return;
      try {
        const response = await fetch(`${url}/stats/summary`, {
          signal: AbortSignal.timeout(10_000),
        });
        if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
        const summary = (await response.json()) as never;
        found.nodes.push(metrics.nodeMetricsOf(summary, windowMs));
        found.pods.push(...metrics.podMetricsOf(summary, windowMs, labelsOf));
      } catch (error) {
        log(`cannot scrape node ${node.metadata.name} at ${url}: ${(error as Error).message}`);
      }
    }),
  );
  return found;
}

export async function startMetricsServer(flags: MetricsServerFlags, log: (line: string) => void) {
  const config = clientConfigFromFlags(flags);
  const toolkit = await loadToolkit(flags.use, log);
  const folder = chapterSource('14', flags.use);
  const metrics = await loadModule('14', 'metrics-server.ts', folder);
  log(`chapter 14, the metrics server: ${describeSource(folder)}`);
  const selectors = (
    await loadModule('03b', 'selectors.ts', chapterSource('03b', flags.use))
  ).createSelectors();
  const client = await connect(toolkit, config, 'kata-metrics-server', {
    timeoutMs: flags.kubeApiWaitTimeoutMs,
    log,
  });
  const nodes = toolkit.createInformer(client.resource<Node>('nodes'));
  const pods = toolkit.createInformer(client.resource<Pod>('pods'));
  const stop = new AbortController();
  nodes.run(stop.signal);
  pods.run(stop.signal);
  await Promise.all([nodes.waitForSync(stop.signal), pods.waitForSync(stop.signal)]);
  const latest: { nodes: NodeMetrics[]; pods: PodMetrics[] } = { nodes: [], pods: [] };
  const labelsOf = (namespace: string, name: string) =>
    pods.get(`${namespace}/${name}`)?.metadata.labels;
  const scrape = async () => {
    const found = await scrapeKubelets(
      nodes.list(),
      metrics,
      flags.metricResolutionMs,
      labelsOf,
      log,
      credentialsFor(config.server),
    );
    Object.assign(latest, found);
  };
  await scrape();
  const timer = setInterval(() => void scrape(), flags.metricResolutionMs);
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://metrics-server');
    if (['/healthz', '/livez', '/readyz'].includes(url.pathname)) {
      response.writeHead(200, { 'content-type': 'text/plain' });
      return response.end('ok');
    }
    let matches = (_labels: Record<string, string>) => true;
    const selector = url.searchParams.get('labelSelector');
    try {
      if (selector) {
        const predicate = selectors.labelSelector(selector);
        matches = (labels) => predicate({ metadata: { labels } } as KubeObject);
      }
      const answer =
        request.method === 'GET' ? metrics.answerMetrics(url.pathname, latest, matches) : undefined;
      response.writeHead(answer?.code ?? 404, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          answer?.body ?? {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'NotFound',
            code: 404,
            message: 'the server could not find the requested resource',
          },
        ),
      );
    } catch (error) {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'BadRequest',
          code: 400,
          message: (error as Error).message,
        }),
      );
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(flags.securePort, flags.bindAddress, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  await register(client, flags.bindAddress, port);
  log(
    `serving metrics.k8s.io/v1beta1 on http://${flags.bindAddress}:${port}, scraping every ${flags.metricResolutionMs / 1000}s`,
  );
  return {
    close: async () => {
      clearInterval(timer);
      stop.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => console.log(`kata metrics-server: ${line}`);
  let flags: MetricsServerFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    console.error(`kata metrics-server: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    return await serveUntilSignal('metrics-server', await startMetricsServer(flags, log), log);
  } catch (error) {
    console.error(`kata metrics-server: ${(error as Error).message}`);
    return 1;
  }
}

// Run directly (node --import tsx harness/components/metrics-server.ts ...), not imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
