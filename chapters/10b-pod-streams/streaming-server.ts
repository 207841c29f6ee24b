// The kubelet's streaming server: exec, attach and port-forward, on the kubelet's port 10250
// beside /containerLogs. The API server passes kubectl's upgraded connection here unchanged
// (connect.ts), so this is where the WebSocket is accepted:
//
//   /exec/<namespace>/<pod>/<container>?command=...&stdin=&stdout=&stderr=&tty=
//                                  v5.channel.k8s.io: run a command in the container
//   /attach/<namespace>/<pod>/<container>?stdout=...   v5.channel.k8s.io: its output as it runs
//   /portForward/<namespace>/<pod>  SPDY/3.1+portforward.k8s.io (or a plain SPDY/3.1 upgrade)
//
// A request this server cannot take is answered before the upgrade with a plain-text error
// (404 for a container that does not run here), which kubectl prints after
// "unable to upgrade connection:". A real kubelet asks the runtime (CRI Exec, Attach,
// PortForward) for a URL of the runtime's own streaming server; this runtime lives in the
// kubelet's process, so the kubelet streams itself.
import net from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { StreamingServer } from '../../harness/contracts/pod-streams.ts';
import {
  containerNameLabel,
  podNameLabel,
  podNamespaceLabel,
  type ContainerRuntime,
  type ExecSession,
} from '../../harness/runtime/cri.ts';
import {
  closeChannel,
  errorChannel,
  exitStatus,
  frame,
  readFrame,
  remoteCommandProtocol,
  stderrChannel,
  stdinChannel,
  stdoutChannel,
  streamRequest,
  type StreamRequest,
} from './channels.ts';
import { PortForwardSession } from './port-forward.ts';
import { LineDiscipline, terminalOutput } from './terminal.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = "§ The kubelet's streaming server";

export type { StreamingServer } from '../../harness/contracts/pod-streams.ts';

/** port-forward's subprotocol, and the prefix that says "SPDY inside this WebSocket". */
export const portForwardProtocol = 'portforward.k8s.io';
export const spdyTunnelProtocol = `SPDY/3.1+${portForwardProtocol}`;

/** A streaming request's route: what it asks for, in which pod (and container). */
export interface StreamingRoute {
  kind: 'exec' | 'attach' | 'portForward';
  namespace: string;
  pod: string;
  container?: string;
}

/** The route a path names, or undefined for a path that is not a streaming one. */
export function streamingRoute(path: string): StreamingRoute | undefined {
  throw new NotImplemented('streamingRoute', section);
}

/** An error answered before any upgrade, with its HTTP status code. */
export class StreamingError extends Error {
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** Whether a request offers a WebSocket subprotocol. */
export function offers(request: IncomingMessage, protocol: string): boolean {
  throw new NotImplemented('offers', section);
}

/**
 * What an exec or attach request asks for: it must offer v5.channel.k8s.io, and its query must
 * be a stream request (400 otherwise); exec needs a command.
 */
export function parseStreamRequest(request: IncomingMessage, route: StreamingRoute): StreamRequest {
  throw new NotImplemented('parseStreamRequest', section);
}

/** Answers `error` on a socket not upgraded yet, as plain text, and closes it. */
export function refuse(socket: Duplex, error: StreamingError): void {
  throw new NotImplemented('refuse', section);
}

/** The id of the container a route names, running now (its newest attempt), or a 404. */
export async function runningContainer(
  runtime: ContainerRuntime,
  route: StreamingRoute,
): Promise<string> {
  throw new NotImplemented('runningContainer', section);
}

/** The pod's IP, from its ready sandbox, or a 404. */
export async function podAddress(
  runtime: ContainerRuntime,
  route: StreamingRoute,
): Promise<string> {
  throw new NotImplemented('podAddress', section);
}

/**
 * Runs an exec session over a WebSocket: stdout and stderr out on their channels (through the
 * line discipline with a tty), stdin in, and when the command has ended and its output is sent,
 * its exit status on the error channel; then a normal close. The client going away kills it.
 */
export async function serveExec(
  socket: WebSocket,
  session: ExecSession,
  request: StreamRequest,
): Promise<void> {
  throw new NotImplemented('serveExec', section);
}

/**
 * Runs an attach over a WebSocket: the container's output, from its log, as it comes, until the
 * container ends (then Success on the error channel) or the client goes away. With stdin asked
 * for, what the client types goes to the container's stdin (runtime.openStdin; through the line
 * discipline with a tty) until the client ends its input or goes away; a container created with
 * stdinOnce then reads end of input. A container without stdin (its spec does not set stdin)
 * drops the input.
 */
export async function serveAttach(
  socket: WebSocket,
  runtime: ContainerRuntime,
  containerId: string,
  request: StreamRequest,
): Promise<void> {
  throw new NotImplemented('serveAttach', section);
}

/** Serves exec, attach and port-forward over upgraded connections, for one runtime. */
export function createStreamingServer(runtime: ContainerRuntime): StreamingServer {
  throw new NotImplemented('createStreamingServer', section);
}

/** What forwardPorts needs of the server: the request, and how to accept a WebSocket. */
export interface Upgrading {
  request: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  accept(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<WebSocket>;
  sessions: Set<{ close(): void }>;
}

/**
 * Port-forward to the pod at `address`: a SPDY session over the WebSocket's binary messages
 * (kubectl 1.32's way), or over the socket itself after a plain SPDY/3.1 upgrade (its fallback).
 */
export async function forwardPorts(
  upgrading: Upgrading,
  route: StreamingRoute,
  address: string,
): Promise<void> {
  throw new NotImplemented('forwardPorts', section);
}
