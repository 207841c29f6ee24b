// Chapter 10b's module, as the harness uses it: the kubelet's streaming server (exec, attach,
// port-forward over upgraded connections) and the API server's pods/exec, pods/attach and
// pods/portforward, which pass a client's upgraded connection on to that server.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../api/types.ts';
import type { ContainerRuntime } from '../runtime/cri.ts';
import type { KubeletDial } from '../api/kubelet-dial.ts';

/** An HTTP request asking to switch protocols (WebSocket, SPDY), with its connection. */
export interface UpgradeRequest {
  request: IncomingMessage;
  /** The bytes that came after the request's head, already read off the socket. */
  head: Buffer;
  /**
   * Takes the connection over (Go's Hijack): from then on the taker writes the answer, and the
   * server that read the request lets the socket be.
   */
  hijack(): Duplex;
}

/**
 * A pod subresource that connects a client to the pod's node, as kube-apiserver's connecters
 * (pods/exec, pods/attach, pods/portforward) do.
 */
export interface PodConnecter {
  /** exec, attach or portforward. */
  subresource: string;
  /**
   * Where on the pod's node (`node`: undefined while the pod has none) this request goes, e.g.
   * http://127.0.0.1:10250/exec/default/web/app?command=env&... Throws an ApiError (400) for a
   * request the pod cannot take: a container it lacks, a pod that has ended or has no node.
   */
  location(pod: KubeObject, node: KubeObject | undefined, query: URLSearchParams): URL;
  /**
   * Passes the upgraded connection on to `location`, and pipes the two together until either
   * ends. Rejects, before taking the connection, when the kubelet cannot be reached.
   */
  connect(upgrade: UpgradeRequest, location: URL): Promise<void>;
}

/** The kubelet's streaming routes, served on its port 10250 beside /containerLogs. */
export interface StreamingServer {
  /** Takes an upgrade request whose path is one of its routes; false for any other path. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Ends every session it runs. */
  close(): void;
}

/** The chapter's modules the harness loads. */
export interface StreamingServerModule {
  createStreamingServer(runtime: ContainerRuntime): StreamingServer;
}

export interface ConnectModule {
  /** `dial`: how to reach a kubelet (TLS in a cluster over TLS); a plain TCP connection without. */
  podConnecters(dial?: KubeletDial): PodConnecter[];
}
