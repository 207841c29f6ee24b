// pods/log: only the node has a container's log, so the API server passes the request on to the
// kubelet API of the pod's node (chapter 06 writes that kubelet) and streams its answer back, as
// kube-apiserver's pod log REST (a "connecter": pkg/registry/core/pod/rest/log.go) does. The
// server serves it as a subresource of its own: createApiServer registers serveLog for pods/log.
//
// The streams into a pod go to the node too: pods/exec, pods/attach and pods/portforward upgrade
// the connection, and chapter 10b's connecters hand it on to the kubelet (its lesson explains
// this part; the stub gives it complete). Here is what the server does for them: an upgrade request goes through the app like any other (serveUpgrade), and each
// connecter is a subresource handler (connecterHandler). pods/ephemeralcontainers (kubectl debug)
// is answered honestly: kata runs none.
import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Request, Response } from 'express';
import { ApiError } from '../../harness/api/errors.ts';
import { plainKubeletDial } from '../../harness/api/kubelet-dial.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type { PodConnecter, UpgradeRequest } from '../../harness/contracts/pod-streams.ts';
import { coreResource, type ServerContext } from './context.ts';
import type { RequestInfo } from './paths.ts';
import { badRequest, internalError, methodNotAllowed } from './status.ts';
import type { SubresourceHandler } from './subresource-handlers.ts';

/** The container whose log is asked for: ?container, or the pod's only one (else 400). */
function containerOf(pod: KubeObject, query: URLSearchParams): string {
  const name = pod.metadata.name;
  const spec = pod.spec as { containers: { name: string }[] };
  const names = spec.containers.map((container) => container.name);
  const container = query.get('container') ?? (names.length === 1 ? names[0] : undefined);
  if (!container) {
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
    );
  }
  if (!names.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  return container;
}

/** Where the kubelet of a node listens: its InternalIP (else 400) and its port, 10250 unless said. */
function kubeletOf(node: KubeObject): { address: string; port: number } {
  const status = node.status as
    | {
        addresses?: { type: string; address: string }[];
        daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
      }
    | undefined;
  const address = status?.addresses?.find((entry) => entry.type === 'InternalIP')?.address;
  const port = status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250;
  if (!address) {
    throw badRequest(`node "${node.metadata.name}" has no InternalIP to reach its kubelet`);
  }
  return { address, port };
}

/**
 * pods/log: the pod's container and node, then GET on the kubelet's /containerLogs with the
 * query's follow, tailLines and the other PodLogOptions the kubelet reads; its answer streams back.
 */
export async function serveLog(
  context: ServerContext,
  request: Request,
  response: Response,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<void> {
  if (request.method !== 'GET') throw methodNotAllowed();
  const pod = await context.storage.get(info.resource, info.namespace, info.name!);
  const container = containerOf(pod, query);
  const nodeName = (pod.spec as { nodeName?: string }).nodeName;
  if (!nodeName) {
    throw badRequest(
      `container "${container}" in pod "${info.name}" is waiting to start: not scheduled`,
    );
  }
  const node = await context.storage.get(coreResource(context, 'nodes'), undefined, nodeName);
  const { address, port } = kubeletOf(node);
  const forward = new URLSearchParams();
  // kube's PodLogOptions the kubelet reads; anything else stays here.
  const passed = ['follow', 'tailLines', 'previous', 'sinceSeconds', 'sinceTime', 'timestamps'];
  for (const name of [...passed, 'limitBytes']) {
    const value = query.get(name);
    if (value !== null) forward.set(name, value);
  }
  const target =
    `http://${address}:${port}/containerLogs/${encodeURIComponent(info.namespace!)}/` +
    `${encodeURIComponent(info.name!)}/${encodeURIComponent(container)}?${forward}`;
  const dial = context.options.kubeletDial ?? plainKubeletDial;
  let socket: Duplex;
  try {
    socket = await dial(address, port);
  } catch (error) {
    throw internalError(
      new Error(`the kubelet at ${address}:${port}: ${(error as Error).message}`),
    );
  }
  await streamFromKubelet(target, socket, response);
}

/**
 * GET `target` on a kubelet over its connection `socket` (TLS in a cluster over TLS) and pipe a
 * 200 answer to `response` as text; any other answer is a 400 with the kubelet's words. When the
 * client goes away (kubectl logs -f, Ctrl-C), stop reading from the node.
 */
function streamFromKubelet(target: string, socket: Duplex, response: Response): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const upstream = http.get(target, { createConnection: () => socket as Socket });
    upstream.on('response', (answerFromNode) => {
      if (answerFromNode.statusCode !== 200) {
        let text = '';
        answerFromNode.setEncoding('utf8');
        answerFromNode.on('data', (chunk: string) => (text += chunk));
        answerFromNode.on('end', () => reject(badRequest(text.trim())));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' });
      answerFromNode.pipe(response);
      answerFromNode.on('end', resolve);
      answerFromNode.on('error', resolve);
    });
    upstream.on('error', (error) =>
      reject(internalError(new Error(`the kubelet at ${new URL(target).host}: ${error.message}`))),
    );
    response.on('close', () => upstream.destroy());
  });
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
