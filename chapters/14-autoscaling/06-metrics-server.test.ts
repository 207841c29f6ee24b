// The metrics server's answers: metrics objects made from kubelet summaries, and the resource
// metrics API's paths answered from the latest of them.
import { describe, expect, test } from 'vitest';
import type { Summary, UsageStats } from './stats.ts';
import {
  answerMetrics,
  metricsResourceList,
  nodeMetricsOf,
  podMetricsOf,
  usageOf,
} from './metrics-server.ts';

const time = '2026-01-01T12:00:00.000Z';
const usage = (nanoCores: number, bytes: number): UsageStats => ({
  cpu: { time, usageNanoCores: nanoCores, usageCoreNanoSeconds: 0 },
  memory: { time, workingSetBytes: bytes, rssBytes: bytes },
});

/** A summary of node-1 with pod web-1 (one container) and pod idle (none sampled yet). */
const summary: Summary = {
  node: { nodeName: 'node-1', startTime: time, ...usage(300_000_000, 64 * 1024 * 1024) },
  pods: [
    {
      podRef: { name: 'web-1', namespace: 'default', uid: 'u1' },
      startTime: time,
      ...usage(12_500_000, 20_480 * 1024),
      containers: [{ name: 'app', startTime: time, ...usage(12_500_000, 20_480 * 1024) }],
    },
    {
      podRef: { name: 'idle', namespace: 'default', uid: 'u2' },
      startTime: time,
      ...usage(0, 0),
      containers: [],
    },
  ],
};

describe('The metrics server', () => {
  test('usage is written in nanocores and kibibytes', () => {
    expect(usageOf(usage(12_500_000.4, 20_480 * 1024)), 'a usage of 12.5m and 20 MiB').toEqual({
      cpu: '12500000n',
      memory: '20480Ki',
    });
  });

  test('a summary gives its node NodeMetrics, and each sampled pod PodMetrics with its labels', () => {
    expect(nodeMetricsOf(summary, 15_000), 'the node of the summary, over 15 s').toEqual({
      kind: 'NodeMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'node-1' },
      timestamp: '2026-01-01T12:00:00Z',
      window: '15s',
      usage: { cpu: '300000000n', memory: '65536Ki' },
    });
    const pods = podMetricsOf(summary, 15_000, () => ({ app: 'web' }));
    expect(pods, 'the pods: idle has no container sampled').toEqual([
      {
        kind: 'PodMetrics',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: { name: 'web-1', namespace: 'default', labels: { app: 'web' } },
        timestamp: '2026-01-01T12:00:00Z',
        window: '15s',
        containers: [{ name: 'app', usage: { cpu: '12500000n', memory: '20480Ki' } }],
      },
    ]);
  });

  test('the API answers discovery, lists and single objects, and 404 for a name it has no metrics of', () => {
    const latest = { nodes: [nodeMetricsOf(summary, 15_000)], pods: podMetricsOf(summary, 15_000) };
    expect(answerMetrics('/apis/metrics.k8s.io/v1beta1', latest), 'discovery').toEqual({
      code: 200,
      body: metricsResourceList(),
    });
    expect(
      answerMetrics('/apis/metrics.k8s.io/v1beta1/nodes', latest)?.body,
      'the nodes',
    ).toMatchObject({ kind: 'NodeMetricsList', items: latest.nodes });
    expect(
      answerMetrics('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web-1', latest),
      'one pod',
    ).toEqual({ code: 200, body: latest.pods[0] });
    expect(
      answerMetrics('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods', latest)?.body,
      'another namespace',
    ).toMatchObject({ items: [] });
    const missing = answerMetrics('/apis/metrics.k8s.io/v1beta1/nodes/node-9', latest);
    expect(missing?.code, 'a node without metrics').toBe(404);
    expect(missing?.body, 'its Status').toMatchObject({
      reason: 'NotFound',
      message: 'nodemetrics.metrics.k8s.io "node-9" not found',
    });
    expect(answerMetrics('/api/v1/pods', latest), 'a path outside the API').toBeUndefined();
  });

  test('lists are narrowed by the label selector', () => {
    const latest = { nodes: [], pods: podMetricsOf(summary, 15_000, () => ({ app: 'web' })) };
    const matchesShop = (labels: Record<string, string>) => labels.app === 'shop';
    expect(
      answerMetrics('/apis/metrics.k8s.io/v1beta1/pods', latest, matchesShop)?.body,
      'pods with app=shop',
    ).toMatchObject({ kind: 'PodMetricsList', items: [] });
  });

  test('a pod without labels has none in its metadata; the list of all namespaces has every pod', () => {
    const pods = podMetricsOf(summary, 15_000);
    expect(pods[0]!.metadata, 'web-1 without labelsOf').toEqual({
      name: 'web-1',
      namespace: 'default',
    });
    const answer = answerMetrics('/apis/metrics.k8s.io/v1beta1/pods', { nodes: [], pods });
    expect(answer?.body, 'every pod').toMatchObject({ kind: 'PodMetricsList', items: pods });
  });

  test('a pod it has no metrics of is a 404 podmetrics Status; an unknown path is not its own', () => {
    const latest = { nodes: [], pods: podMetricsOf(summary, 15_000) };
    expect(
      answerMetrics('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/idle', latest)?.body,
      'pod idle, not sampled yet',
    ).toMatchObject({ code: 404, message: 'podmetrics.metrics.k8s.io "idle" not found' });
    expect(
      answerMetrics('/apis/metrics.k8s.io/v1beta1/services', latest),
      'services',
    ).toBeUndefined();
  });
});
