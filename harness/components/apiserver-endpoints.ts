// What the API server serves beside the Kubernetes API, as kube-apiserver does: /metrics
// (./prometheus.ts) and /healthz, /livez and /readyz with their named checks (`?verbose` lists
// each: ping, log, etcd), and the count and latency of every request it answers. It wraps the
// server's request listener (harness/api/security.ts), so chapter 03a's pipeline stays as it is.
// /metrics is behind the authorizer, as kube-apiserver's is: the server hands in a guard that
// throws the 401 or 403 (harness/api/security.ts authorizePath; RBAC's nonResourceURL /metrics).
// The health endpoints are open to everyone (system:public-info-viewer grants them anyway).
import type http from 'node:http';
import { ApiError } from '../api/errors.ts';
import { checksEndpoint, type HealthCheck } from './health.ts';
import {
  apiserverRequestDuration,
  apiserverRequests,
  metricsText,
  requestLabelsOf,
} from './prometheus.ts';

/** The API server's checks: ping and log always; harness/components/apiserver.ts adds etcd. */
export const apiserverChecks: HealthCheck[] = [
  { name: 'ping', passes: () => true },
  { name: 'log', passes: () => true },
];

const healthPaths = new Set(['/healthz', '/livez', '/readyz']);

function send(response: http.ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
  });
  response.end(body);
}

/** The listener, counting and timing each API request, and answering /metrics and health. */
export function observedListener(
  listener: http.RequestListener,
  /** Throws an ApiError when the request may not read /metrics. */
  guardMetrics: (request: http.IncomingMessage) => void = () => {},
): http.RequestListener {
  return (request, response) => {
    const target = request.url ?? '/';
    const mark = target.indexOf('?');
    const path = mark < 0 ? target : target.slice(0, mark);
    if (request.method === 'GET' && path === '/metrics') {
      try {
        guardMetrics(request);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return send(response, error.code, 'application/json', JSON.stringify(error.status()));
      }
      metricsText().then(
        ({ contentType, body }) => send(response, 200, contentType, body),
        (error: Error) => send(response, 500, 'text/plain', error.message),
      );
      return;
    }
    if (request.method === 'GET' && healthPaths.has(path)) {
      const query = new URLSearchParams(mark < 0 ? '' : target.slice(mark + 1));
      const answer = checksEndpoint(path.slice(1), apiserverChecks)(query);
      return send(response, answer.status, answer.contentType, answer.body);
    }
    const labels = requestLabelsOf(request.method ?? 'GET', target);
    if (!labels) return listener(request, response);
    const started = performance.now();
    response.once('finish', () => {
      apiserverRequests.inc({ ...labels, code: String(response.statusCode) });
      if (labels.verb !== 'WATCH') {
        apiserverRequestDuration.observe(labels, (performance.now() - started) / 1000);
      }
    });
    listener(request, response);
  };
}
