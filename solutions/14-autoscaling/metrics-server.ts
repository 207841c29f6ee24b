// The metrics server: scrapes every node's kubelet (/stats/summary on 10250) on a period, keeps the
// latest sample of each node and pod, and answers the resource metrics API, metrics.k8s.io/v1beta1,
// from memory. Nothing is stored: metrics are a view of now, gone when the server restarts.
//
//   GET /apis/metrics.k8s.io/v1beta1                                 discovery: nodes and pods
//   GET /apis/metrics.k8s.io/v1beta1/nodes[/<name>]                   NodeMetrics
//   GET /apis/metrics.k8s.io/v1beta1/[namespaces/<ns>/]pods[/<name>]  PodMetrics (?labelSelector=)
//
// It is reached through the API server (API aggregation), which authenticates the caller and
// proxies the request here; `kubectl top` and the HPA never know where it runs.
import type { NodeMetrics, PodMetrics, ResourceUsage } from '../../harness/api/types.ts';
import type { Summary, UsageStats } from './stats.ts';

export const metricsGroupVersion = 'metrics.k8s.io/v1beta1';

/** A usage as quantities: cpu in nanocores ("12500000n"), memory in kibibytes ("20148Ki"). */
export function usageOf(stats: UsageStats): ResourceUsage {
  return {
    cpu: `${Math.round(stats.cpu.usageNanoCores)}n`,
    memory: `${Math.round(stats.memory.workingSetBytes / 1024)}Ki`,
  };
}

/** A duration as Go writes it in whole seconds: "15s". */
const seconds = (ms: number) => `${Math.round(ms / 1000)}s`;

/** The NodeMetrics of a kubelet's summary, over `windowMs`. */
export function nodeMetricsOf(summary: Summary, windowMs: number): NodeMetrics {
  return {
    kind: 'NodeMetrics',
    apiVersion: metricsGroupVersion,
    metadata: { name: summary.node.nodeName },
    timestamp: summary.node.cpu.time.replace(/\.\d+Z$/, 'Z'),
    window: seconds(windowMs),
    usage: usageOf(summary.node),
  };
}

/**
 * The PodMetrics of a summary's pods, each with the labels `labelsOf` gives (the pod's, for label
 * selectors). A pod with no container sampled yet has no metrics.
 */
export function podMetricsOf(
  summary: Summary,
  windowMs: number,
  labelsOf: (namespace: string, name: string) => Record<string, string> | undefined = () =>
    undefined,
): PodMetrics[] {
  return summary.pods
    .filter((pod) => pod.containers.length > 0)
    .map((pod) => {
      const { name, namespace } = pod.podRef;
      const labels = labelsOf(namespace, name);
      return {
        kind: 'PodMetrics',
        apiVersion: metricsGroupVersion,
        metadata: { name, namespace, ...(labels ? { labels } : {}) },
        timestamp: pod.cpu.time.replace(/\.\d+Z$/, 'Z'),
        window: seconds(windowMs),
        containers: pod.containers.map((container) => ({
          name: container.name,
          usage: usageOf(container),
        })),
      };
    });
}

/** Discovery of the group version: what `kubectl api-resources` lists for metrics.k8s.io. */
export function metricsResourceList(): object {
  const resource = (name: string, kind: string, namespaced: boolean) => ({
    name,
    singularName: '',
    namespaced,
    kind,
    verbs: ['get', 'list'],
  });
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: metricsGroupVersion,
    resources: [resource('nodes', 'NodeMetrics', false), resource('pods', 'PodMetrics', true)],
  };
}

/** An answer: an HTTP code and a JSON body. */
export interface MetricsAnswer {
  code: number;
  body: object;
}

const notFound = (what: string, name: string): MetricsAnswer => ({
  code: 404,
  body: {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `${what}.metrics.k8s.io "${name}" not found`,
    reason: 'NotFound',
    details: { name, group: 'metrics.k8s.io', kind: what },
    code: 404,
  },
});

/**
 * Answers a GET of the metrics API from the latest metrics: discovery, a list (nodes, pods in a
 * namespace or in all, narrowed by `matches` on the labels), or one object (404 Status when there
 * is none). Undefined for a path outside the API.
 */
export function answerMetrics(
  path: string,
  latest: { nodes: NodeMetrics[]; pods: PodMetrics[] },
  matches: (labels: Record<string, string>) => boolean = () => true,
): MetricsAnswer | undefined {
  const prefix = `/apis/${metricsGroupVersion}`;
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length).replace(/\/+$/, '');
  if (rest === '') return { code: 200, body: metricsResourceList() };
  const list = (kind: string, items: object[]) => ({
    code: 200,
    body: { kind, apiVersion: metricsGroupVersion, metadata: {}, items },
  });
  const nodes = /^\/nodes(?:\/([^/]+))?$/.exec(rest);
  if (nodes) {
    const items = latest.nodes.filter((node) => matches(node.metadata.labels ?? {}));
    if (!nodes[1]) return list('NodeMetricsList', items);
    const node = items.find((each) => each.metadata.name === nodes[1]);
    return node ? { code: 200, body: node } : notFound('nodemetrics', nodes[1]);
  }
  const pods = /^(?:\/namespaces\/([^/]+))?\/pods(?:\/([^/]+))?$/.exec(rest);
  if (!pods) return undefined;
  const [, namespace, name] = pods;
  const items = latest.pods.filter(
    (pod) =>
      (!namespace || pod.metadata.namespace === namespace) && matches(pod.metadata.labels ?? {}),
  );
  if (!name) return list('PodMetricsList', items);
  const found = items.find((pod) => pod.metadata.name === name);
  return found ? { code: 200, body: found } : notFound('podmetrics', name);
}
