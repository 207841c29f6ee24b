// The kubelet's own API, on the node's IP, port 10250. The API server comes here for what only the
// node has: a container's log (`kubectl logs` is the API server's pods/log, passed on to this). A
// log is read from the runtime's log file, the last `tailLines` lines or all of them, and with
// `follow` it keeps coming until the container exits or the client goes away. The rest of kube's
// log options are honoured here too: `previous` (the attempt before this restart, kept by the
// runtime), `sinceSeconds` or `sinceTime`, `timestamps` and `limitBytes`.
//
//   GET /containerLogs/<namespace>/<pod>/<container>?tailLines=N&follow=true   the log, plain text
//   GET /healthz                                                               "ok"
import type http from 'node:http';
import type { PodSpec } from '../../harness/api/types.ts';
import type { StreamingServer } from '../../harness/contracts/pod-streams.ts';
import type { KubeletRoute, KubeletServing } from '../../harness/contracts/kubelet.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type {
  ContainerRuntime,
  ContainerStatus as RuntimeContainerStatus,
} from '../../harness/runtime/cri.ts';

export type { StreamingServer } from '../../harness/contracts/pod-streams.ts';

/** The restartPolicy of a pod on this node, as the kubelet knows it (Always when unknown). */
export type RestartPolicyOf = (namespace: string, pod: string) => PodSpec['restartPolicy'];

export interface KubeletServer {
  /** http://<address>:<port>, https:// with `serving` */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the kubelet API for `runtime` on `address`:`port` (port 0: any free one), with node's
 * http module; resolves once listening, with the url it listens on (the port it really got).
 * GET /healthz answers 200 "ok". GET /containerLogs/<ns>/<pod>/<container> (each part
 * URI-decoded) is answered by streamLog, with the query and restartPolicyOf(namespace, pod); an
 * error there before anything was sent: 500 with its message. Anything else: 404, text/plain. close() stops the server and
 * closes its connections (a follow would keep it open otherwise).
 * For later chapters: a GET of a path in `routes` is answered by that route's serve, before any
 * path of your own; an upgrade request goes to streaming.upgrade (404 when there is none or it
 * says no); with `serving` the server is serving.createServer(handler, upgrade) and the url
 * https://, without it http.createServer (§ Logs).
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
  throw new NotImplemented('serveKubeletApi', '§ Logs');
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

/**
 * The log request in a query: previous=true, follow=true, tailLines=N, sinceSeconds=N (counted
 * back from `now`, in ms) or sinceTime=<RFC 3339>, timestamps=true, limitBytes=N.
 */
export function logRequest(query: URLSearchParams, now: number): LogRequest {
  throw new NotImplemented('logRequest', '§ Logs');
}

/**
 * A CRI log time as kube prints it (Go's RFC3339Nano): the fraction of a second without its
 * trailing zeros, and no dot at all for a whole second (2026-01-01T00:00:01.500Z is
 * 2026-01-01T00:00:01.5Z, 2026-01-01T00:00:00.000Z is 2026-01-01T00:00:00Z).
 */
export function rfc3339Nano(time: string): string {
  throw new NotImplemented('rfc3339Nano', '§ Logs');
}

/**
 * The attempt a request reads: the newest (newestAttempt), or with `previous` the one the pod's
 * status shows as lastState: the newest itself when it exited and will run again (shouldRestart of
 * the restartPolicy and its exit code: it waits out a back-off), else the newest of the others
 * (the one before it). None: undefined.
 */
export function attemptToRead(
  attempts: RuntimeContainerStatus[],
  previous: boolean,
  restartPolicy?: PodSpec['restartPolicy'],
): RuntimeContainerStatus | undefined {
  throw new NotImplemented('attemptToRead', '§ Logs');
}

/**
 * Answers a GET /containerLogs request (serveKubeletApi calls it), as logRequest(query, now) asks:
 * finds the attempt to read among those of `which` container (labels podNamespaceLabel,
 * podNameLabel, containerNameLabel; attemptToRead with the restartPolicy). None: with previous
 * and some attempt, 400 'previous terminated container "<container>" in pod "<pod>" not found'; else 404,
 * 'container "<container>" in pod "<pod>" is not running on this node' (both text/plain).
 * Else 200, text/plain, and each line of runtime.readLogs(id, { tailLines, follow, signal }) that
 * is not older than `since`, with rfc3339Nano(time) and a space first when timestamps is asked,
 * and a newline after each but a partial one; no more than limitBytes bytes in all (the last line
 * cut if need be). The signal aborts when the response closes (the client went away). Then ends
 * the response.
 */
export async function streamLog(
  runtime: ContainerRuntime,
  response: http.ServerResponse,
  which: { namespace: string; pod: string; container: string },
  query: URLSearchParams,
  restartPolicy?: PodSpec['restartPolicy'],
): Promise<void> {
  throw new NotImplemented('streamLog', '§ Logs');
}
