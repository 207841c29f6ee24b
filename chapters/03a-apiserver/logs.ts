// pods/log: only the node has a container's log, so the API server passes the request on to the
// kubelet API of the pod's node (chapter 06 writes that kubelet) and streams its answer back, as
// kube-apiserver's pod log REST (a "connecter": pkg/registry/core/pod/rest/log.go) does. The
// server serves it as a subresource of its own: createApiServer registers serveLog for pods/log.
import type { Request, Response } from 'express';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ServerContext } from './context.ts';
import type { RequestInfo } from './paths.ts';

/**
 * pods/log: pass the request on to the kubelet of the pod's node and stream its answer back.
 * Only GET (405 otherwise).
 * - The container: ?container, or the pod's only one; none (400 `a container name must be
 *   specified for pod <pod>, choose one of: [<names, space separated>]`) or one the pod does not
 *   have (400 `container <name> is not valid for pod <pod>`).
 * - A pod on no node: 400 `container "<name>" in pod "<pod>" is waiting to start: not scheduled`.
 * - The node's status.addresses InternalIP (400 `node "<node>" has no InternalIP to reach its
 *   kubelet` without one) and status.daemonEndpoints.kubeletEndpoint.Port (10250 by default).
 * - GET http://<ip>:<port>/containerLogs/<namespace>/<pod>/<container>?<follow, tailLines,
 *   previous, sinceSeconds, sinceTime, timestamps, limitBytes from the query, when given>. A 200
 *   is piped back as text/plain; any other answer is a 400 whose message is the kubelet's text
 *   (trimmed); a kubelet that cannot be reached is a 500 (internalError naming it). When the
 *   client goes away, stop reading from the kubelet.
 * Helpers of your own keep it short: the container, the kubelet's address, the streaming.
 */
export async function serveLog(
  context: ServerContext,
  request: Request,
  response: Response,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<void> {
  throw new NotImplemented('serveLog', '§ Collaborators');
}
