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
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Passing the connection on';

export type { PodConnecter } from '../../harness/contracts/pod-streams.ts';

/**
 * The container an exec or attach is for: ?container, or the pod's only one. A pod that has
 * ended cannot take one (400), nor can a container it does not have.
 */
export function streamContainer(pod: KubeObject, query: URLSearchParams, verb: string): string {
  throw new NotImplemented('streamContainer', section);
}

/**
 * Where a node's kubelet listens: http://<its InternalIP>:<its daemonEndpoints port, 10250
 * unless it says>. A pod on no node, or a node with no address, cannot be reached (400).
 */
export function kubeletUrl(pod: KubeObject, node: KubeObject | undefined): URL {
  throw new NotImplemented('kubeletUrl', section);
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
  throw new NotImplemented('kubeletLocation', section);
}

/**
 * The request's head as the kubelet gets it: the same method and headers (the upgrade ones
 * included), the kubelet's path, its own Host, and no credentials of the client's.
 */
export function requestHead(request: IncomingMessage, location: URL): string {
  throw new NotImplemented('requestHead', section);
}

/**
 * Connects to the kubelet with `dial` (a plain TCP connection unless given; in a cluster over TLS
 * the API server's client certificate: § Passing the connection on) at location's host and port
 * (a 500 "error dialing backend: <why>" when it cannot be reached, before the client's connection
 * is taken), sends it the request, then pipes the two connections together until either ends.
 */
export async function proxyUpgrade(
  upgrade: UpgradeRequest,
  location: URL,
  dial: KubeletDial = plainKubeletDial,
): Promise<void> {
  throw new NotImplemented('proxyUpgrade', section);
}

/** The three connecters, as the API server registers them; each connects through `dial`. */
export function podConnecters(dial: KubeletDial = plainKubeletDial): PodConnecter[] {
  throw new NotImplemented('podConnecters', section);
}
