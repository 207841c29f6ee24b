// Resource metrics, as the autoscaler reads them: PodMetrics objects turned into one number per
// pod, then the same read over HTTP from a small server that answers as the API server does for
// metrics.k8s.io.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import type { PodMetrics } from '../../harness/api/types.ts';
import { metricsApiSource, podMetricsFrom, podMetricsPath } from './resource-metrics.ts';

/** PodMetrics for `name`: one usage per container, sampled over 15 s up to 12:00:00. */
function podMetrics(name: string, ...containers: Array<Record<string, string>>): PodMetrics {
  return {
    apiVersion: 'metrics.k8s.io/v1beta1',
    kind: 'PodMetrics',
    metadata: { name, namespace: 'default' },
    timestamp: '2026-01-01T12:00:00Z',
    window: '15s',
    containers: containers.map((usage, index) => ({ name: `c${index}`, usage })),
  };
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A server answering every request with `status` and `body`, recording what it was asked. */
async function answering(status: number, body: unknown) {
  const asked: Array<{ url: string; authorization?: string }> = [];
  const server = http.createServer((request, response) => {
    asked.push({ url: request.url ?? '', authorization: request.headers.authorization });
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, asked };
}

describe('Resource metrics', () => {
  test("a pod's sample is its containers' usage added up, in milli-units, with its time and window", () => {
    const samples = podMetricsFrom(
      [
        podMetrics('web-1', { cpu: '250m', memory: '64Mi' }, { cpu: '0.5', memory: '1Ki' }),
        podMetrics('web-2', { cpu: '12500000n' }),
      ],
      'cpu',
    );
    expect(samples.get('web-1'), 'web-1: 250m and half a core').toEqual({
      value: 750,
      timestamp: Date.parse('2026-01-01T12:00:00Z'),
      windowMs: 15_000,
    });
    expect(samples.get('web-2')?.value, 'web-2: 12500000 nanocores').toBe(13);
    expect(
      podMetricsFrom([podMetrics('web-1', { memory: '1Ki' })], 'memory').get('web-1')?.value,
      'memory: 1Ki in thousandths of a byte',
    ).toBe(1_024_000);
  });

  test('the source asks the metrics API for the namespace, with the selector and the token', async () => {
    const list = {
      kind: 'PodMetricsList',
      apiVersion: 'metrics.k8s.io/v1beta1',
      items: [podMetrics('web-1', { cpu: '90m' })],
    };
    const { url, asked } = await answering(200, list);
    const source = metricsApiSource({ server: url, token: 'secret' });
    const samples = await source.podMetrics('shop', 'app=web', 'cpu');
    expect(samples.get('web-1')?.value, 'the sample of web-1').toBe(90);
    expect(asked, 'what the server was asked').toEqual([
      { url: `${podMetricsPath('shop')}?labelSelector=app%3Dweb`, authorization: 'Bearer secret' },
    ]);
  });

  test('an error from the API is thrown with its message', async () => {
    const { url } = await answering(503, {
      kind: 'Status',
      status: 'Failure',
      message: 'the server is currently unable to handle the request',
      code: 503,
    });
    await expect(
      metricsApiSource({ server: url }).podMetrics('default', 'app=web', 'cpu'),
      'a 503 Status from the metrics API',
    ).rejects.toThrow(
      'unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request',
    );
  });
});
