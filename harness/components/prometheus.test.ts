// /metrics and the API server's health as kube-apiserver serves them: a request's labels read from
// its method and path as kube gives them, each request counted under apiserver_request_total, and
// /healthz?verbose listing the checks. In-process, on a bare HTTP server: no cluster.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { apiserverChecks, observedListener } from './apiserver-endpoints.ts';
import { followQueue, requestLabelsOf } from './prometheus.ts';

const server = http.createServer(
  observedListener((_request, response) => {
    response.writeHead(201);
    response.end('{}');
  }),
);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the API server as Prometheus sees it', () => {
  test("a request's labels are kube-apiserver's: verb, resource, subresource, scope", () => {
    const cases: [string, string, object | undefined][] = [
      ['GET', '/api/v1/namespaces/d/pods', { verb: 'LIST', resource: 'pods', scope: 'namespace' }],
      ['GET', '/api/v1/pods?watch=true', { verb: 'WATCH', resource: 'pods', scope: 'cluster' }],
      ['PUT', '/api/v1/namespaces/d/pods/web/status', { verb: 'PUT', subresource: 'status' }],
      ['DELETE', '/apis/apps/v1/namespaces/d/deployments', { verb: 'DELETECOLLECTION' }],
      ['GET', '/version', undefined],
    ];
    for (const [method, path, labels] of cases) {
      const found = requestLabelsOf(method, path);
      if (labels === undefined) expect(found, `${method} ${path}`).toBeUndefined();
      else expect(found, `${method} ${path}`).toMatchObject(labels);
    }
  });

  test('each request is counted under apiserver_request_total, and /metrics says so, with queue depths', async () => {
    await fetch(`${base}/api/v1/namespaces/d/pods`, { method: 'POST', body: '{}' });
    followQueue('replicaset-controller', { length: () => 3 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics, 'GET /metrics after one POST of a pod').toMatch(
      /^apiserver_request_total\{verb="POST",resource="pods",subresource="",scope="namespace",code="201"\} [1-9]/m,
    );
    expect(metrics, 'GET /metrics: a controller with 3 keys waiting').toContain(
      'workqueue_depth{name="replicaset-controller"} 3',
    );
    expect(metrics, 'GET /metrics: the latency histogram').toContain(
      'apiserver_request_duration_seconds_bucket{le="0.005",verb="POST",resource="pods"',
    );
  });

  test('/healthz is "ok", and with ?verbose lists each check; a failing one fails it', async () => {
    expect(await (await fetch(`${base}/healthz`)).text(), 'GET /healthz').toBe('ok');
    const verbose = await (await fetch(`${base}/healthz?verbose`)).text();
    // The etcd check is there once an API server of this process has a store (another test's).
    expect(verbose, 'GET /healthz?verbose').toMatch(
      /^\[\+\]ping ok\n\[\+\]log ok\n(\[\+\]etcd ok\n)?healthz check passed\n$/,
    );
    apiserverChecks.push({ name: 'etcd', passes: () => false });
    try {
      const failing = await fetch(`${base}/readyz`);
      expect(failing.status, 'GET /readyz with the store gone').toBe(500);
      expect(await failing.text(), 'its body').toContain('[-]etcd failed: reason withheld');
    } finally {
      apiserverChecks.pop();
    }
  });
});
