// The health endpoints of kube-scheduler, kube-controller-manager and kube-proxy, so that whoever
// runs them (the composer in harness/cluster/, a kubelet's probe, a learner with curl) can ask
// whether they are up instead of guessing from their output.
//
// The scheduler and the controller-manager answer as every Kubernetes control-plane server does
// (k8s.io/apiserver's healthz package): /healthz, /livez and /readyz each run a list of named checks and
// answer 200 "ok" when all pass, 500 listing the failed ones when not, and every check with
// `?verbose`. /readyz waits for one more check than the others: the component has started its
// loops. kube-proxy answers its own way: /healthz and /livez as a line of JSON saying when its
// rules were last brought up to date. Ours are plain HTTP, like our API server's --secure-port.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rfc3339 } from '../clock.ts';
import { parsePort } from './flags.ts';
import type { Closable } from './process.ts';
import { metricsText } from './prometheus.ts';

/**
 * The scheduler's and the controller-manager's serving flags, as theirs are named: the port
 * (kube-scheduler 10259, kube-controller-manager 10257; 0 for any free one) and the address.
 * On loopback by default, like our API server: plain HTTP is for this machine only.
 */
export const servingFlagKinds = { 'secure-port': 'string', 'bind-address': 'string' } as const;

export interface ServingFlags {
  securePort: number;
  bindAddress: string;
}

export function servingFlags(
  values: Map<string, string | boolean>,
  defaultPort: number,
): ServingFlags {
  const text = (name: string) => values.get(name) as string | undefined;
  return {
    securePort: parsePort(text('secure-port') ?? String(defaultPort), 'secure-port'),
    bindAddress: text('bind-address') ?? '127.0.0.1',
  };
}

/** What one path answers. */
export interface HealthAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** The paths a health server answers, each with its answer now; any other path is a 404. */
export type HealthEndpoints = Record<string, (query: URLSearchParams) => HealthAnswer>;

/** One named check of a control-plane endpoint ("ping", "sched-handler-sync"). */
export interface HealthCheck {
  name: string;
  passes(): boolean;
}

/**
 * A control-plane endpoint (`/healthz`, `/livez`, `/readyz`) over its checks: "ok" when all pass,
 * a 500 naming each failure (the reason withheld, as kube does) when one fails, every check
 * listed with `?verbose`.
 */
export function checksEndpoint(endpoint: string, checks: HealthCheck[]) {
  return (query: URLSearchParams): HealthAnswer => {
    const results = checks.map((check) => ({ name: check.name, passes: check.passes() }));
    const healthy = results.every((result) => result.passes);
    const answer = (status: number, body: string) => ({
      status,
      contentType: 'text/plain; charset=utf-8',
      body,
    });
    if (healthy && !query.has('verbose')) return answer(200, 'ok');
    const lines = results.map(({ name, passes }) =>
      passes ? `[+]${name} ok` : `[-]${name} failed: reason withheld`,
    );
    const verdict = `${endpoint} check ${healthy ? 'passed' : 'failed'}`;
    return answer(healthy ? 200 : 500, `${lines.join('\n')}\n${verdict}\n`);
  };
}

/**
 * The scheduler's and the controller-manager's endpoints; /readyz also asks `readyCheck`
 * ("sched-handler-sync"), which passes once the component has `started` its loops.
 */
export function controlPlaneEndpoints(readyCheck: string, started: () => boolean): HealthEndpoints {
  const ping: HealthCheck = { name: 'ping', passes: () => true };
  const ready: HealthCheck = { name: readyCheck, passes: started };
  return {
    '/healthz': checksEndpoint('healthz', [ping]),
    '/livez': checksEndpoint('livez', [ping]),
    '/readyz': checksEndpoint('readyz', [ping, ready]),
  };
}

/**
 * kube-proxy's endpoints. It is healthy while no change waits for its rules longer than it
 * should; ours applies each change as it comes, so while it runs its rules are as of now.
 * /healthz also says whether the node may carry traffic (kube-proxy's nodeEligible; always here).
 */
export function proxyEndpoints(now: () => number = Date.now): HealthEndpoints {
  const json = (body: object): HealthAnswer => ({
    status: 200,
    contentType: 'application/json',
    body: JSON.stringify(body),
  });
  const times = () => ({ lastUpdated: rfc3339(now()), currentTime: rfc3339(now()) });
  return {
    '/healthz': () => json({ ...times(), nodeEligible: true }),
    '/livez': () => json(times()),
  };
}

/** A health server while it listens. */
export interface HealthServer extends Closable {
  /** http://<address>:<port>, with the port bound when 0 was asked for. */
  url: string;
}

/** Why a listen failed, in one line that names the flag to change. */
export function listenProblem(
  address: string,
  port: number,
  flag: string,
  error: NodeJS.ErrnoException,
): string {
  const where = `cannot serve health on ${address}:${port}`;
  if (error.code === 'EADDRINUSE') return `${where}: the port is already in use; check ${flag}`;
  if (error.code === 'EACCES') return `${where}: ports below 1024 need privileges; check ${flag}`;
  if (error.code === 'EADDRNOTAVAIL') return `${where}: no such local address; check ${flag}`;
  return `${where} (${error.code ?? error.message}); check ${flag}`;
}

/** /metrics: this process's metrics in Prometheus' text format (./prometheus.ts). */
function serveMetrics(response: http.ServerResponse): void {
  metricsText().then(
    ({ contentType, body }) => {
      response.writeHead(200, { 'Content-Type': contentType });
      response.end(body);
    },
    (error: Error) => {
      response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`${error.message}\n`);
    },
  );
}

/** Serves `endpoints` on address:port (0: any free one); rejects with a line naming `flag`. */
export async function serveHealth(options: {
  address: string;
  port: number;
  endpoints: HealthEndpoints;
  /** The flag(s) that chose the address, for the message when it cannot be used. */
  flag: string;
}): Promise<HealthServer> {
  const { address, port, endpoints, flag } = options;
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://health');
    if (url.pathname === '/metrics') return serveMetrics(response);
    const endpoint = endpoints[url.pathname];
    const answer = endpoint
      ? endpoint(url.searchParams)
      : { status: 404, contentType: 'text/plain; charset=utf-8', body: '404 page not found\n' };
    response.writeHead(answer.status, {
      'Content-Type': answer.contentType,
      'Content-Length': Buffer.byteLength(answer.body),
      'X-Content-Type-Options': 'nosniff',
    });
    response.end(request.method === 'HEAD' ? undefined : answer.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(listenProblem(address, port, flag, error))),
    );
    server.listen(port, address, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Serves health while `start` brings the component up, as the real components serve it from
 * their first moment: `started` is false until `start` has resolved. Closing closes both; a
 * failed start closes the health server too.
 */
export async function withHealth(
  serving: {
    address: string;
    port: number;
    flag: string;
    endpoints: (started: () => boolean) => HealthEndpoints;
    log: (line: string) => void;
  },
  start: () => Promise<Closable>,
): Promise<Closable> {
  let started = false;
  const endpoints = serving.endpoints(() => started);
  const health = await serveHealth({ ...serving, endpoints });
  serving.log(`serving ${[...Object.keys(endpoints), '/metrics'].join(', ')} on ${health.url}`);
  let running: Closable;
  try {
    running = await start();
  } catch (error) {
    await health.close();
    throw error;
  }
  started = true;
  return {
    close: async () => {
      await running.close();
      await health.close();
    },
  };
}

/** How long the runtime may go without answering before the kubelet's syncloop check fails. */
export const syncLoopGraceMs = 30_000;

/**
 * The kubelet's /healthz, as kube's kubelet serves it: the checks ping, log and syncloop, each
 * listed with `?verbose`. Kube's syncloop check fails when the sync loop has not run for a while;
 * ours asks the runtime the sync loop relists (every `probeMs`) and fails when it has not answered
 * for `syncLoopGraceMs`. A route of the kubelet API (harness/contracts/kubelet.ts).
 */
export function kubeletHealthRoute(
  runtime: { listPodSandbox(): Promise<unknown> },
  probeMs = 5000,
  now: () => number = Date.now,
) {
  let answered = now();
  const probe = setInterval(() => {
    runtime.listPodSandbox().then(
      () => (answered = now()),
      () => {},
    );
  }, probeMs);
  probe.unref();
  const endpoint = checksEndpoint('healthz', [
    { name: 'ping', passes: () => true },
    { name: 'log', passes: () => true },
    { name: 'syncloop', passes: () => now() - answered < syncLoopGraceMs },
  ]);
  return {
    path: '/healthz',
    serve(request: http.IncomingMessage, response: http.ServerResponse): void {
      const query = new URL(request.url ?? '/', 'http://kubelet').searchParams;
      const { status, contentType, body } = endpoint(query);
      response.writeHead(status, { 'content-type': contentType });
      response.end(body);
    },
    /** Stops the probe. */
    stop: () => clearInterval(probe),
  };
}
