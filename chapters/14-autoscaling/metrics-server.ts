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
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { Summary, UsageStats } from './stats.ts';

const section = '§ The metrics server';

export const metricsGroupVersion = 'metrics.k8s.io/v1beta1';

/** A usage as quantities: cpu in nanocores ("12500000n"), memory in kibibytes ("20148Ki"). */
export function usageOf(stats: UsageStats): ResourceUsage {
  throw new NotImplemented('usageOf', section);
}

/**
 * The NodeMetrics of a kubelet's summary, over `windowMs` (written "15s"): its name, the time of
 * its CPU sample in whole seconds ("2026-01-01T12:00:00Z"), usageOf the node.
 */
export function nodeMetricsOf(summary: Summary, windowMs: number): NodeMetrics {
  throw new NotImplemented('nodeMetricsOf', section);
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
  throw new NotImplemented('podMetricsOf', section);
}

/** Discovery of the group version: what `kubectl api-resources` lists for metrics.k8s.io. */
export function metricsResourceList(): object {
  throw new NotImplemented('metricsResourceList', section);
}

/** An answer: an HTTP code and a JSON body. */
export interface MetricsAnswer {
  code: number;
  body: object;
}

/**
 * Answers a GET of the metrics API (under /apis/metrics.k8s.io/v1beta1) from the latest metrics: discovery, a list (nodes, pods in a
 * namespace or in all, narrowed by `matches` on the labels), or one object (404 Status when there
 * is none: reason NotFound, message `nodemetrics.metrics.k8s.io "<name>" not found`, or
 * podmetrics). Undefined for a path outside the API.
 */
export function answerMetrics(
  path: string,
  latest: { nodes: NodeMetrics[]; pods: PodMetrics[] },
  matches: (labels: Record<string, string>) => boolean = () => true,
): MetricsAnswer | undefined {
  throw new NotImplemented('answerMetrics', section);
}
