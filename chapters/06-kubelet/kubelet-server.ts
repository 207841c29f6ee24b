// The kubelet's own API, on the node's IP, port 10250. The API server comes here for what only the
// node has: a container's log (`kubectl logs` is the API server's pods/log, passed on to this). A
// log is read from the runtime's log file, the last `tailLines` lines or all of them, and with
// `follow` it keeps coming until the container exits or the client goes away.
//
//   GET /containerLogs/<namespace>/<pod>/<container>?tailLines=N&follow=true   the log, plain text
//   GET /healthz                                                               "ok"
import type http from 'node:http';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ContainerRuntime } from '../../harness/runtime/cri.ts';

export interface KubeletServer {
  /** http://<address>:<port> */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the kubelet API for `runtime` on `address`:`port` (port 0: any free one), with node's
 * http module; resolves once listening, with the url it listens on (the port it really got).
 * GET /healthz answers 200 "ok". GET /containerLogs/<ns>/<pod>/<container> (each part
 * URI-decoded) is answered by streamLog, with the query; an error there before anything was
 * sent: 500 with its message. Anything else: 404, text/plain. close() stops the server and
 * closes its connections (a follow would keep it open otherwise).
 */
export async function serveKubeletApi(
  runtime: ContainerRuntime,
  address: string,
  port = 10250,
): Promise<KubeletServer> {
  throw new NotImplemented('serveKubeletApi', '§ Logs');
}

/**
 * Answers a GET /containerLogs request (serveKubeletApi calls it): finds the newest attempt of
 * `which` container (labels podNamespaceLabel, podNameLabel, containerNameLabel; newestAttempt);
 * none: 404, text/plain, 'container "<container>" in pod "<pod>" is not running on this node'.
 * Else 200, text/plain, and each line of runtime.readLogs(id, { tailLines, follow, signal }) from
 * the query (tailLines=N, follow=true), with a newline after each but a partial one; the signal
 * aborts when the response closes (the client went away). Then ends the response.
 */
export async function streamLog(
  runtime: ContainerRuntime,
  response: http.ServerResponse,
  which: { namespace: string; pod: string; container: string },
  query: URLSearchParams,
): Promise<void> {
  throw new NotImplemented('streamLog', '§ Logs');
}
