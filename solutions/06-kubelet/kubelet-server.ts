// The kubelet's own API, on the node's IP, port 10250. The API server comes here for what only the
// node has: a container's log (`kubectl logs` is the API server's pods/log, passed on to this). A
// log is read from the runtime's log file, the last `tailLines` lines or all of them, and with
// `follow` it keeps coming until the container exits or the client goes away. The rest of kube's
// log options are honoured here too: `previous` (the run that ended last, whose log the runtime
// keeps), `sinceSeconds` or `sinceTime`, `timestamps` and `limitBytes`.
//
//   GET /containerLogs/<namespace>/<pod>/<container>?tailLines=N&follow=true   the log, plain text
//   GET /healthz                                                               "ok"
//
// Later chapters add GET paths through `routes` (chapter 14's /stats/summary).
// With a streaming server (chapter 10b), upgrade requests go to it: /exec, /attach, /portForward.
// With `serving` (a cluster over TLS: port 10250 as kubeadm sets it up), the server is the one it
// makes: HTTPS, every request and upgrade admitted before it reaches these handlers.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  containerNameLabel,
  podNameLabel,
  podNamespaceLabel,
  type ContainerRuntime,
  type ContainerStatus as RuntimeContainerStatus,
} from '../../harness/runtime/cri.ts';
import type { PodSpec } from '../../harness/api/types.ts';
import type { StreamingServer } from '../../harness/contracts/pod-streams.ts';
import type { KubeletRoute, KubeletServing } from '../../harness/contracts/kubelet.ts';
import { newestAttempt } from './containers.ts';
import { shouldRestart } from './restarts.ts';

export type { StreamingServer } from '../../harness/contracts/pod-streams.ts';

/** The restartPolicy of a pod on this node, as the kubelet knows it (Always when unknown). */
export type RestartPolicyOf = (namespace: string, pod: string) => PodSpec['restartPolicy'];

export interface KubeletServer {
  /** http://<address>:<port>, https:// with `serving` */
  url: string;
  close(): Promise<void>;
}

function answer(response: http.ServerResponse, code: number, text: string): void {
  response.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}

/**
 * Serves the kubelet API for `runtime` on `address`:`port` (port 0: any free one); the kubelet
 * tells it each pod's restartPolicy, which decides what `previous` reads.
 */
export async function serveKubeletApi(
  runtime: ContainerRuntime,
  address: string,
  port = 10250,
  restartPolicyOf: RestartPolicyOf = () => undefined,
  streaming?: StreamingServer,
  routes: KubeletRoute[] = [],
  serving?: KubeletServing,
): Promise<KubeletServer> {
  const handler = (request: http.IncomingMessage, response: http.ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://kubelet');
    // A later chapter's route comes first: the harness serves /healthz?verbose with its checks.
    const route = routes.find((each) => each.path === url.pathname);
    if (route && request.method === 'GET') return route.serve(request, response);
    if (url.pathname === '/healthz') return answer(response, 200, 'ok');
    const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!match || request.method !== 'GET') return answer(response, 404, 'not found');
    const [namespace, pod, container] = match.slice(1).map(decodeURIComponent) as [
      string,
      string,
      string,
    ];
    const which = { namespace, pod, container };
    const policy = restartPolicyOf(namespace, pod);
    void streamLog(runtime, response, which, url.searchParams, policy).catch((error: Error) => {
      if (!response.headersSent) answer(response, 500, error.message);
      else response.end();
    });
  };
  // exec, attach, port-forward: upgraded connections, for the streaming server when there is one.
  const upgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!streaming?.upgrade(request, socket, head))
      socket.end(
        'HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found',
      );
  };
  const server = serving
    ? serving.createServer(handler, upgrade)
    : http.createServer(handler).on('upgrade', upgrade);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `${serving ? 'https' : 'http'}://${address}:${bound}`,
    close: () =>
      new Promise((resolve) => {
        streaming?.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** What a log request asks for (kube's PodLogOptions, as the API server passes them on). */
export interface LogRequest {
  /** The attempt before the newest: the container that ran before this restart. */
  previous: boolean;
  follow: boolean;
  tailLines?: number;
  /** Only lines written at or after this time (ms since the epoch): sinceSeconds or sinceTime. */
  since?: number;
  /** Each line prefixed with its time, RFC 3339 with nanoseconds, and a space. */
  timestamps: boolean;
  /** At most this many bytes of log. */
  limitBytes?: number;
}

/** The log request in a query; sinceSeconds counts back from `now` (ms). */
export function logRequest(query: URLSearchParams, now: number): LogRequest {
  const number = (name: string) => (query.has(name) ? Number(query.get(name)) : undefined);
  const sinceSeconds = number('sinceSeconds');
  const sinceTime = query.get('sinceTime');
  return {
    previous: query.get('previous') === 'true',
    follow: query.get('follow') === 'true',
    tailLines: number('tailLines'),
    since:
      sinceSeconds !== undefined
        ? now - sinceSeconds * 1000
        : sinceTime
          ? Date.parse(sinceTime)
          : undefined,
    timestamps: query.get('timestamps') === 'true',
    limitBytes: number('limitBytes'),
  };
}

/**
 * A CRI log time as kube prints it (Go's RFC3339Nano): the fraction of a second without its
 * trailing zeros, and no dot at all for a whole second.
 */
export function rfc3339Nano(time: string): string {
  return time.replace(/\.(\d*?)0*Z$/, (_, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

/**
 * The attempt a request reads: the newest, or with `previous` the pod status's lastState: the
 * newest itself when it exited and waits to run again (its restartPolicy restarts it), else the
 * one before it. None: undefined.
 */
export function attemptToRead(
  attempts: RuntimeContainerStatus[],
  previous: boolean,
  restartPolicy?: PodSpec['restartPolicy'],
): RuntimeContainerStatus | undefined {
  const newest = newestAttempt(attempts);
  if (!previous || !newest) return newest;
  const exited = newest.state === 'CONTAINER_EXITED';
  if (exited && shouldRestart(restartPolicy, newest.exitCode)) return newest;
  return newestAttempt(attempts.filter((attempt) => attempt !== newest));
}

/**
 * Answers a GET /containerLogs request: the log of the newest attempt of one container (or with
 * `previous` the one that ended last), as plain lines, the last `tailLines` of them or all, those since a
 * time, each with its time when asked, up to limitBytes; with `follow`, new lines as they come,
 * until the container exits or the client goes away.
 */
export async function streamLog(
  runtime: ContainerRuntime,
  response: http.ServerResponse,
  which: { namespace: string; pod: string; container: string },
  query: URLSearchParams,
  restartPolicy?: PodSpec['restartPolicy'],
): Promise<void> {
  const options = logRequest(query, Date.now());
  const attempts = await runtime.listContainers({
    labelSelector: {
      [podNamespaceLabel]: which.namespace,
      [podNameLabel]: which.pod,
      [containerNameLabel]: which.container,
    },
  });
  const attempt = attemptToRead(attempts, options.previous, restartPolicy);
  if (!attempt) {
    const { container, pod } = which;
    if (options.previous && attempts.length > 0) {
      return answer(
        response,
        400,
        `previous terminated container "${container}" in pod "${pod}" not found`,
      );
    }
    return answer(
      response,
      404,
      `container "${container}" in pod "${pod}" is not running on this node`,
    );
  }
  const stop = new AbortController();
  response.on('close', () => stop.abort());
  response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  let budget = options.limitBytes ?? Infinity;
  for await (const line of runtime.readLogs(attempt.id, {
    tailLines: options.tailLines,
    follow: options.follow,
    signal: stop.signal,
  })) {
    if (options.since !== undefined && Date.parse(line.time) < options.since) continue;
    const stamp = options.timestamps ? `${rfc3339Nano(line.time)} ` : '';
    const text = Buffer.from(`${stamp}${line.content}${line.partial ? '' : '\n'}`);
    response.write(text.subarray(0, budget));
    budget -= text.length;
    if (budget <= 0) break;
  }
  response.end();
}
