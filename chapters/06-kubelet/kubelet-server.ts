// The kubelet's own API, on the node's IP, port 10250. The API server comes here for what only the
// node has: a container's log (`kubectl logs` is the API server's pods/log, passed on to this). A
// log is read from the runtime's log file, the last `tailLines` lines or all of them, and with
// `follow` it keeps coming until the container exits or the client goes away.
//
//   GET /containerLogs/<namespace>/<pod>/<container>?tailLines=N&follow=true   the log, plain text
//   GET /healthz                                                               "ok"
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ContainerRuntime } from '../../harness/runtime/cri.ts';

export interface KubeletServer {
  /** http://<address>:<port> */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the kubelet API for `runtime` on `address`:`port` (port 0: any free one), with node's
 * http module; resolves once listening. GET /healthz answers "ok". GET
 * /containerLogs/<ns>/<pod>/<container> finds the newest attempt of that container (labels
 * podNamespaceLabel, podNameLabel, containerNameLabel) and answers 200, text/plain, each line of
 * runtime.readLogs (tailLines and follow from the query; a partial line without its newline),
 * stopping when the client goes away; no such container: 404 with a line saying so. Anything
 * else: 404. close() stops the server and its connections.
 */
export async function serveKubeletApi(
  runtime: ContainerRuntime,
  address: string,
  port = 10250,
): Promise<KubeletServer> {
  throw new NotImplemented('serveKubeletApi', '§ Logs');
}
