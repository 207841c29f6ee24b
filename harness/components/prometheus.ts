// /metrics, as the Kubernetes components serve it: Prometheus' text format, with the upstream
// metric names, through prom-client (a well-kept Prometheus client for Node). One registry per
// process, since each component is a process:
//
//   every component   rest_client_requests_total{code,method,host}   its API requests, as client-go
//                     counts them (./../trace/client-spans.ts sees each), and process_* and
//                     nodejs_* (prom-client's defaults: CPU, memory, the event loop)
//   the API server    apiserver_request_total{verb,resource,subresource,scope,code} and
//                     apiserver_request_duration_seconds (the same labels, without code), in
//                     kube-apiserver's buckets
//   every controller  workqueue_depth{name}: the keys waiting in its work queue (../components/
//                     toolkit.ts reports each controller's queue)
//   the kubelet       kubelet_running_pods, kubelet_running_containers{container_state}, read
//                     from its runtime at each scrape
//   the scheduler     scheduler_schedule_attempts_total{result,profile}: counted from what it sends,
//                     a binding (scheduled, or error when refused) or a PodScheduled=False status
//                     (unschedulable)
//
// The scheduler, the controller-manager, the DNS and kube-proxy serve /metrics beside /healthz
// (./health.ts), the kubelet on its port (./kubelet.ts), the API server beside its API
// (./apiserver-endpoints.ts).
import client from 'prom-client';

/** This process's metrics. */
export const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });

export const restClientRequests = new client.Counter({
  name: 'rest_client_requests_total',
  help: 'Number of HTTP requests, partitioned by status code, method, and host.',
  labelNames: ['code', 'method', 'host'] as const,
  registers: [registry],
});

const requestLabels = ['verb', 'resource', 'subresource', 'scope'] as const;

export const apiserverRequests = new client.Counter({
  name: 'apiserver_request_total',
  help: 'Counter of apiserver requests broken out for each verb, API resource, client, and HTTP response code.',
  labelNames: [...requestLabels, 'code'] as const,
  registers: [registry],
});

export const apiserverRequestDuration = new client.Histogram({
  name: 'apiserver_request_duration_seconds',
  help: 'Response latency distribution in seconds for each verb, resource and subresource.',
  labelNames: requestLabels,
  // kube-apiserver's buckets.
  buckets: [
    0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30,
    45, 60,
  ],
  registers: [registry],
});

export const scheduleAttempts = new client.Counter({
  name: 'scheduler_schedule_attempts_total',
  help: 'Number of attempts to schedule pods, by the result.',
  labelNames: ['result', 'profile'] as const,
  registers: [registry],
});

/** The work queues of this process's controllers, by name, for workqueue_depth. */
const queues = new Map<string, { length(): number }>();

new client.Gauge({
  name: 'workqueue_depth',
  help: 'Current depth of workqueue',
  labelNames: ['name'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [name, queue] of queues) this.set({ name }, queue.length());
  },
});

/** Reports `queue`'s depth under workqueue_depth{name} (the controller's name, as client-go's). */
export function followQueue(name: string, queue: { length(): number }): void {
  queues.set(name, queue);
}

/** A request's labels as kube-apiserver gives them, from its method and path. */
export function requestLabelsOf(method: string, target: string) {
  const [path, query = ''] = target.split('?') as [string, string?];
  const segments = path.split('/').filter((segment) => segment !== '');
  const offset = segments[0] === 'api' ? 2 : segments[0] === 'apis' ? 3 : -1;
  if (offset < 0 || segments.length <= offset) return undefined;
  let rest = segments.slice(offset);
  const namespaced = rest[0] === 'namespaces' && rest.length >= 3;
  if (namespaced) rest = rest.slice(2);
  const [resource = '', name, subresource = ''] = rest;
  const watching = /(^|&)watch=(true|1)/.test(query);
  const verbs: Record<string, string> = {
    POST: 'POST',
    PUT: 'PUT',
    PATCH: 'PATCH',
    DELETE: name === undefined ? 'DELETECOLLECTION' : 'DELETE',
    GET: watching ? 'WATCH' : name === undefined ? 'LIST' : 'GET',
  };
  const scope = name !== undefined ? 'resource' : namespaced ? 'namespace' : 'cluster';
  return { verb: verbs[method] ?? method, resource, subresource, scope };
}

/** The text of /metrics and its content type. */
export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/** What the kubelet's gauges read: its container runtime (harness/runtime/cri.ts). */
export interface RuntimeCounts {
  listPodSandbox(): Promise<{ state: string }[]>;
  listContainers(): Promise<{ state: string }[]>;
}

/**
 * The kubelet's gauges, read from its runtime at each scrape, as kubelet's are: kubelet_running_pods
 * (pods with a ready sandbox) and kubelet_running_containers by container_state.
 */
export function registerKubeletGauges(runtime: RuntimeCounts): void {
  new client.Gauge({
    name: 'kubelet_running_pods',
    help: 'Number of pods that have a running pod sandbox',
    registers: [registry],
    async collect() {
      const sandboxes = await runtime.listPodSandbox();
      this.set(sandboxes.filter((sandbox) => sandbox.state === 'SANDBOX_READY').length);
    },
  });
  new client.Gauge({
    name: 'kubelet_running_containers',
    help: 'Number of containers currently running',
    labelNames: ['container_state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const container of await runtime.listContainers()) {
        const state = container.state.replace(/^CONTAINER_/, '').toLowerCase();
        this.inc({ container_state: state });
      }
    },
  });
}

/** A kubelet route (GET /metrics) answering with this process's metrics. */
export const metricsRoute = {
  path: '/metrics',
  serve(_request: unknown, response: import('node:http').ServerResponse): void {
    metricsText().then(
      ({ contentType, body }) => {
        response.writeHead(200, { 'content-type': contentType });
        response.end(body);
      },
      (error: Error) => {
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`${error.message}\n`);
      },
    );
  },
};
