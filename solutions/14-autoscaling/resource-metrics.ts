// The resource metrics API as the autoscaler reads it: metrics.k8s.io/v1beta1 PodMetrics, served
// by the metrics server through the API server (API aggregation), turned into one number per pod
// for one resource. A pod's number is the sum of its containers', in milli-units (millicores for
// cpu, thousandths of a byte for memory, so both are whole numbers of the same scale).
import { parseQuantity } from '../../harness/api/quantity.ts';
import type { List, PodMetrics as PodMetricsObject } from '../../harness/api/types.ts';
import type { ClientConfig } from '../../harness/client/types.ts';
import { parseDuration } from '../../harness/components/flags.ts';
import type { ResourceMetricsSource } from './horizontal.ts';
import type { PodMetrics } from './replica-calculator.ts';

/** The API path of the pods' metrics in a namespace. */
export const podMetricsPath = (namespace: string) =>
  `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`;

/** Each pod's sample of `resource`: the sum of its containers' usage, in milli-units, with the sample's time and window. */
export function podMetricsFrom(items: PodMetricsObject[], resource: string): PodMetrics {
  const metrics: PodMetrics = new Map();
  for (const item of items) {
    const value = item.containers.reduce(
      (sum, container) => sum + parseQuantity(container.usage[resource] ?? '0') * 1000,
      0,
    );
    metrics.set(item.metadata.name!, {
      value: Math.round(value),
      timestamp: Date.parse(item.timestamp),
      windowMs: parseDuration(item.window, 'window'),
    });
  }
  return metrics;
}

/** A source that asks the API server, as the controller-manager's autoscaler does. */
export function metricsApiSource(config: ClientConfig): ResourceMetricsSource {
  return {
    async podMetrics(namespace, selector, resource) {
      const url = new URL(config.server + podMetricsPath(namespace));
      if (selector) url.searchParams.set('labelSelector', selector);
      const headers: Record<string, string> = { accept: 'application/json' };
      if (config.token) headers.authorization = `Bearer ${config.token}`;
      const response = await fetch(url, { headers });
      const body = (await response.json().catch(() => ({}))) as List<PodMetricsObject> & {
        message?: string;
      };
      if (!response.ok) {
        throw new Error(
          `unable to get metrics for resource ${resource}: unable to fetch metrics from resource metrics API: ${body.message ?? response.statusText}`,
        );
      }
      return podMetricsFrom(body.items ?? [], resource);
    },
  };
}
