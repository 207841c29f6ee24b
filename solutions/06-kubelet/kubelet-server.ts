// The kubelet's own API, on the node's IP, port 10250. The API server comes here for what only the
// node has: a container's log (`kubectl logs` is the API server's pods/log, passed on to this). A
// log is read from the runtime's log file, the last `tailLines` lines or all of them, and with
// `follow` it keeps coming until the container exits or the client goes away.
//
//   GET /containerLogs/<namespace>/<pod>/<container>?tailLines=N&follow=true   the log, plain text
//   GET /healthz                                                               "ok"
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  containerNameLabel,
  podNameLabel,
  podNamespaceLabel,
  type ContainerRuntime,
} from '../../harness/runtime/cri.ts';
import { newestAttempt } from './containers.ts';

export interface KubeletServer {
  /** http://<address>:<port> */
  url: string;
  close(): Promise<void>;
}

function answer(response: http.ServerResponse, code: number, text: string): void {
  response.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(text);
}

/** Serves the kubelet API for `runtime` on `address`:`port` (port 0: any free one). */
export async function serveKubeletApi(
  runtime: ContainerRuntime,
  address: string,
  port = 10250,
): Promise<KubeletServer> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://kubelet');
    if (url.pathname === '/healthz') return answer(response, 200, 'ok');
    const match = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!match || request.method !== 'GET') return answer(response, 404, 'not found');
    const [namespace, pod, container] = match.slice(1).map(decodeURIComponent) as [
      string,
      string,
      string,
    ];
    void streamLog(runtime, response, { namespace, pod, container }, url.searchParams).catch(
      (error: Error) => {
        if (!response.headersSent) answer(response, 500, error.message);
        else response.end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${bound}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Answers a GET /containerLogs request: the log of the newest attempt of one container, as plain
 * lines, the last `tailLines` of them or all; with `follow`, new lines as they come, until the
 * container exits or the client goes away.
 */
export async function streamLog(
  runtime: ContainerRuntime,
  response: http.ServerResponse,
  which: { namespace: string; pod: string; container: string },
  query: URLSearchParams,
): Promise<void> {
  const attempts = await runtime.listContainers({
    labelSelector: {
      [podNamespaceLabel]: which.namespace,
      [podNameLabel]: which.pod,
      [containerNameLabel]: which.container,
    },
  });
  const latest = newestAttempt(attempts);
  if (!latest) {
    return answer(
      response,
      404,
      `container "${which.container}" in pod "${which.pod}" is not running on this node`,
    );
  }
  const tail = query.get('tailLines');
  const stop = new AbortController();
  response.on('close', () => stop.abort());
  response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  for await (const line of runtime.readLogs(latest.id, {
    tailLines: tail === null ? undefined : Number(tail),
    follow: query.get('follow') === 'true',
    signal: stop.signal,
  })) {
    response.write(line.partial ? line.content : `${line.content}\n`);
  }
  response.end();
}
