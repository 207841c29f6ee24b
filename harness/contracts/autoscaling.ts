// Chapter 14's modules, as the harness uses them: `kata run controller-manager` builds the
// HorizontalPodAutoscaler controller on the toolkit, a client and a source of pod metrics that
// reads the resource metrics API (metrics.k8s.io) through the API server; `kata run kubelet`
// serves the StatsCollector's summary on /stats/summary.
import type { NodeMetrics, PodMetrics } from '../api/types.ts';
import type { VersionConversion } from '../api/versions.ts';
import type { ClientConfig } from '../client/types.ts';
import type { ContainerRuntime } from '../runtime/cri.ts';
import type { ControllerOptions, RunningController } from './controllers.ts';

/** One pod's sample of one resource, in milli-units, with when its window ended and how long it was (ms). */
export interface PodMetricSample {
  value: number;
  timestamp: number;
  windowMs: number;
}

/** Where the autoscaler reads the pods' resource metrics. */
export interface PodMetricsSource {
  podMetrics(
    namespace: string,
    selector: string,
    resource: string,
  ): Promise<Map<string, PodMetricSample>>;
}

export interface HorizontalControllerOptions extends ControllerOptions {
  metrics: PodMetricsSource;
  /** --horizontal-pod-autoscaler-sync-period: 15 s. */
  syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-tolerance: 0.1. */
  tolerance?: number;
}

/** horizontal.ts. */
export interface HorizontalModule {
  createHorizontalController: (options: HorizontalControllerOptions) => RunningController;
}

/** resource-metrics.ts. */
export interface ResourceMetricsModule {
  metricsApiSource: (config: ClientConfig) => PodMetricsSource;
}

/** The kubelet's summary collector (stats.ts): each summary() is /stats/summary's JSON. */
export interface StatsCollectorLike {
  summary(): Promise<unknown>;
}

/** stats.ts. */
export interface StatsModule {
  StatsCollector: new (runtime: ContainerRuntime, nodeName: string) => StatsCollectorLike;
}

/** metrics-server.ts: metrics objects from kubelet summaries, and the metrics API's answers. */
export interface MetricsServerModule {
  nodeMetricsOf: (summary: never, windowMs: number) => NodeMetrics;
  podMetricsOf: (
    summary: never,
    windowMs: number,
    labelsOf?: (namespace: string, name: string) => Record<string, string> | undefined,
  ) => PodMetrics[];
  answerMetrics: (
    path: string,
    latest: { nodes: NodeMetrics[]; pods: PodMetrics[] },
    matches?: (labels: Record<string, string>) => boolean,
  ) => { code: number; body: object } | undefined;
}

/** versions.ts: autoscaling/v1 HorizontalPodAutoscalers, served by the API server beside v2. */
export interface VersionsModule {
  autoscalingV1Conversion: () => VersionConversion;
}
