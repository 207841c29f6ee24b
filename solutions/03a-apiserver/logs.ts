// pods/log: only the node has a container's log, so the API server passes the request on to the
// kubelet API of the pod's node (chapter 06 writes that kubelet) and streams its answer back, as
// kube-apiserver's pod log REST (a "connecter": pkg/registry/core/pod/rest/log.go) does. The
// server serves it as a subresource of its own: createApiServer registers serveLog for pods/log.
import http from 'node:http';
import type { Request, Response } from 'express';
import type { KubeObject } from '../../harness/api/types.ts';
import { coreResource, type ServerContext } from './context.ts';
import type { RequestInfo } from './paths.ts';
import { badRequest, internalError, methodNotAllowed } from './status.ts';

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
  await streamFromKubelet(target, `${address}:${port}`, response);
}

/**
 * GET `target` on a kubelet and pipe a 200 answer to `response` as text; any other answer is a
 * 400 with the kubelet's words, a kubelet that cannot be reached a 500. When the client goes
 * away (kubectl logs -f, Ctrl-C), stop reading from the node.
 */
function streamFromKubelet(target: string, kubelet: string, response: Response): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const upstream = http.get(target, (answerFromNode) => {
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
      reject(internalError(new Error(`the kubelet at ${kubelet}: ${error.message}`))),
    );
    response.on('close', () => upstream.destroy());
  });
}
