// The resource metrics API as the autoscaler reads it: metrics.k8s.io/v1beta1 PodMetrics, served
// by the metrics server through the API server (API aggregation), turned into one number per pod
// for one resource. A pod's number is the sum of its containers', in milli-units (millicores for
// cpu, thousandths of a byte for memory, so both are whole numbers of the same scale).
import type { PodMetrics as PodMetricsObject } from '../../harness/api/types.ts';
import type { ClientConfig } from '../../harness/client/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ResourceMetricsSource } from './horizontal.ts';
import type { PodMetrics } from './replica-calculator.ts';

/** The API path of the pods' metrics in a namespace. */
export const podMetricsPath = (namespace: string) =>
  `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`;

const section = '§ Resource metrics';

/** Each pod's sample of `resource`: the sum of its containers' usage, in milli-units, with the sample's time and window. */
export function podMetricsFrom(items: PodMetricsObject[], resource: string): PodMetrics {
  throw new NotImplemented('podMetricsFrom', section);
}

/**
 * A source that asks the API server, as the controller-manager's autoscaler does: GET
 * podMetricsPath(namespace) with the labelSelector (and the config's bearer token), read with
 * podMetricsFrom. An answer other than 2xx throws "unable to get metrics for resource <resource>:
 * unable to fetch metrics from resource metrics API: <the Status's message>".
 */
export function metricsApiSource(config: ClientConfig): ResourceMetricsSource {
  throw new NotImplemented('metricsApiSource', section);
}
