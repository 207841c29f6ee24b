// pods/log: only the node has a container's log, so the API server passes the request on to the
// kubelet API of the pod's node (chapter 06 writes that kubelet) and streams its answer back, as
// kube-apiserver's pod log REST (a "connecter": pkg/registry/core/pod/rest/log.go) does. The
// server serves it as a subresource of its own: createApiServer registers serveLog for pods/log.
//
// The streams into a pod go to the node too: pods/exec, pods/attach and pods/portforward upgrade
// the connection, and chapter 10b's connecters hand it on to the kubelet. The server's part of
// that is given below, complete (chapter 10b's lesson explains it): an upgrade request goes
// through the app like any other (serveUpgrade), and each connecter is a subresource handler
// (connecterHandler). pods/ephemeralcontainers (kubectl debug) is answered honestly: kata runs none.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Request, Response } from 'express';
import { ApiError } from '../../harness/api/errors.ts';
import type { PodConnecter, UpgradeRequest } from '../../harness/contracts/pod-streams.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import { coreResource, type ServerContext } from './context.ts';
import type { RequestInfo } from './paths.ts';
import { badRequest, methodNotAllowed } from './status.ts';
import type { SubresourceHandler } from './subresource-handlers.ts';

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
 *   client goes away, stop reading from the kubelet. The connection: context.options.kubeletDial
 *   (TLS with the server's client certificate in a cluster over TLS), else plainKubeletDial
 *   (harness/api/kubelet-dial.ts); http.get takes it as `createConnection: () => socket`.
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

/** Upgrade requests being served: what a connecter that takes one needs besides the request. */
const upgrades = new WeakMap<http.IncomingMessage, UpgradeRequest>();

/**
 * A request to switch protocols (kubectl exec, attach, port-forward) goes through the app like
 * any other, with a response on its socket, so a refusal is an ordinary Status. A connecter
 * that takes the request over finds its socket through `upgrades`.
 */
export function serveUpgrade(
  context: ServerContext,
  request: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  const response = new http.ServerResponse(request);
  response.assignSocket(socket as Socket);
  response.shouldKeepAlive = false;
  response.on('finish', () => socket.end());
  const hijack = () => {
    response.detachSocket(socket as Socket);
    return socket;
  };
  upgrades.set(request, { request, head, hijack });
  context.app(request, response);
}

/**
 * pods/exec, pods/attach, pods/portforward (chapter 10b's connecters): the pod and its node, the
 * connecter's location on that node's kubelet, then the upgraded connection handed on to it.
 */
export function connecterHandler(connecter: PodConnecter): SubresourceHandler {
  return async (context, request, _response, info, query) => {
    if (request.method !== 'GET' && request.method !== 'POST') throw methodNotAllowed();
    const pod = await context.storage.get(info.resource, info.namespace, info.name!);
    const nodeName = (pod.spec as { nodeName?: string }).nodeName;
    const nodes = coreResource(context, 'nodes');
    const node = nodeName ? await context.storage.get(nodes, undefined, nodeName) : undefined;
    const location = connecter.location(pod, node, query);
    const upgrade = upgrades.get(request);
    if (!upgrade) throw badRequest('Upgrade request required');
    await connecter.connect(upgrade, location);
  };
}

/**
 * pods/ephemeralcontainers (`kubectl debug`): kata runs none. The 404 has empty details, as
 * kube-apiserver's when the feature is off, which kubectl reads as "ephemeral containers are
 * disabled for this cluster" (without details it would fail reading them).
 */
export async function serveEphemeralContainers(): Promise<void> {
  const message =
    'the server could not find the requested resource (kata runs no ephemeral containers)';
  throw new ApiError(404, 'NotFound', message, {});
}
