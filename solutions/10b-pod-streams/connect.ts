// Passing the connection on: the API server's pods/exec, pods/attach and pods/portforward.
//
// kubectl never reaches a node: it asks the API server, whose connecters (kube-apiserver's
// pkg/registry/core/pod/rest/subresources.go) check the request against the pod and work out
// where on the pod's node it goes, then hand the upgraded connection to the kubelet on 10250 and
// pipe the two together, bytes unchanged (an "upgrade-aware proxy"). The WebSocket, or SPDY, is
// spoken end to end between kubectl and the kubelet; the API server only carries it.
//
//   pods/exec         GET|POST .../pods/<name>/exec?command=..&container=..&stdin=..&tty=..
//                     -> /exec/<namespace>/<name>/<container>?<the same query>
//   pods/attach       -> /attach/<namespace>/<name>/<container>?<query>
//   pods/portforward  -> /portForward/<namespace>/<name>
import type { IncomingMessage } from 'node:http';
import { ApiError } from '../../harness/api/errors.ts';
import { plainKubeletDial, type KubeletDial } from '../../harness/api/kubelet-dial.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type { PodConnecter, UpgradeRequest } from '../../harness/contracts/pod-streams.ts';

export type { PodConnecter } from '../../harness/contracts/pod-streams.ts';

function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** The pod's phase and container names, as the connecters read them. */
function podFacts(pod: KubeObject) {
  const spec = pod.spec as { containers: { name: string }[] };
  const status = pod.status as { phase?: string } | undefined;
  return { phase: status?.phase, names: spec.containers.map((c) => c.name) };
}

/**
 * The container an exec or attach is for: ?container, or the pod's only one. A pod that has
 * ended cannot take one (400), nor can a container it does not have.
 */
export function streamContainer(pod: KubeObject, query: URLSearchParams, verb: string): string {
  const name = pod.metadata.name!;
  const { phase, names } = podFacts(pod);
  if (phase === 'Succeeded' || phase === 'Failed')
    throw badRequest(
      `cannot ${verb} into a container in a completed pod; current phase is ${phase}`,
    );
  const container = query.get('container') ?? (names.length === 1 ? names[0] : undefined);
  if (!container)
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`,
    );
  if (!names.includes(container))
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  return container;
}

/**
 * Where a node's kubelet listens: http://<its InternalIP>:<its daemonEndpoints port, 10250
 * unless it says>. A pod on no node, or a node with no address, cannot be reached (400).
 */
export function kubeletUrl(pod: KubeObject, node: KubeObject | undefined): URL {
  if (!node) throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const status = node.status as
    | {
        addresses?: { type: string; address: string }[];
        daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
      }
    | undefined;
  const address = status?.addresses?.find((entry) => entry.type === 'InternalIP')?.address;
  const port = status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250;
  if (!address)
    throw badRequest(`node "${node.metadata.name}" has no InternalIP to reach its kubelet`);
  return new URL(`http://${address}:${port}`);
}

/**
 * The kubelet's URL for a pod's subresource: /<route>/<namespace>/<name>[/<container>], and the
 * client's query as it came.
 */
export function kubeletLocation(
  base: URL,
  route: string,
  pod: KubeObject,
  query: URLSearchParams,
  container?: string,
): URL {
  const parts = [route, pod.metadata.namespace!, pod.metadata.name!];
  if (container !== undefined) parts.push(container);
  const location = new URL(`/${parts.map(encodeURIComponent).join('/')}`, base);
  location.search = query.toString();
  return location;
}

/**
 * The request's head as the kubelet gets it: the same method and headers (the upgrade ones
 * included), the kubelet's path, its own Host, and no credentials of the client's.
 */
export function requestHead(request: IncomingMessage, location: URL): string {
  const path = `${location.pathname}${location.search}`;
  const lines = [`${request.method} ${path} HTTP/1.1`, `Host: ${location.host}`];
  const raw = request.rawHeaders;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index]!;
    if (['host', 'authorization'].includes(name.toLowerCase())) continue;
    lines.push(`${name}: ${raw[index + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Connects to the kubelet with `dial` (TLS in a cluster over TLS; a 500 when it cannot be
 * reached, before the client's connection is taken), sends it the request, then pipes the two
 * connections together until either ends.
 */
export async function proxyUpgrade(
  upgrade: UpgradeRequest,
  location: URL,
  dial: KubeletDial = plainKubeletDial,
): Promise<void> {
  const upstream = await dial(location.hostname, Number(location.port)).catch((error: Error) => {
    throw new ApiError(500, 'InternalError', `error dialing backend: ${error.message}`);
  });
  const client = upgrade.hijack();
  upstream.write(requestHead(upgrade.request, location));
  if (upgrade.head.length > 0) upstream.write(upgrade.head);
  client.pipe(upstream);
  upstream.pipe(client);
  const end = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const side of [client, upstream]) {
    side.on('close', end);
    side.on('error', end);
  }
}

/** The three connecters, as the API server registers them; `dial` reaches the kubelets. */
export function podConnecters(dial: KubeletDial = plainKubeletDial): PodConnecter[] {
  const connect = (upgrade: UpgradeRequest, location: URL) => proxyUpgrade(upgrade, location, dial);
  const stream = (subresource: string): PodConnecter => ({
    subresource,
    location: (pod, node, query) => {
      const container = streamContainer(pod, query, subresource);
      return kubeletLocation(kubeletUrl(pod, node), subresource, pod, query, container);
    },
    connect,
  });
  return [
    stream('exec'),
    stream('attach'),
    {
      subresource: 'portforward',
      location: (pod, node, query) =>
        kubeletLocation(kubeletUrl(pod, node), 'portForward', pod, query),
      connect,
    },
  ];
}
