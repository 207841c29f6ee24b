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
import { PassThrough, type Duplex } from 'node:stream';
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
  const parts = path.split('/').slice(1).map(decodeURIComponent);
  const [kind, namespace, pod, container] = parts;
  if ((kind === 'exec' || kind === 'attach') && parts.length === 4)
    return { kind, namespace: namespace!, pod: pod!, container: container! };
  if (kind === 'portForward' && parts.length === 3)
    return { kind, namespace: namespace!, pod: pod! };
  return undefined;
}

/** An error answered before any upgrade, with its HTTP status code. */
export class StreamingError extends Error {
  readonly code: number;

  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** Answers `error` on a socket not upgraded yet, as plain text, and closes it. */
export function refuse(socket: Duplex, error: StreamingError): void {
  const body = Buffer.from(error.message);
  const reason = error.code === 404 ? 'Not Found' : error.code === 400 ? 'Bad Request' : 'Error';
  socket.end(
    `HTTP/1.1 ${error.code} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** The id of the container a route names, running now (its newest attempt), or a 404. */
export async function runningContainer(
  runtime: ContainerRuntime,
  route: StreamingRoute,
): Promise<string> {
  const attempts = await runtime.listContainers({
    state: 'CONTAINER_RUNNING',
    labelSelector: {
      [podNamespaceLabel]: route.namespace,
      [podNameLabel]: route.pod,
      [containerNameLabel]: route.container!,
    },
  });
  const newest = attempts.sort((a, b) => b.metadata.attempt - a.metadata.attempt)[0];
  if (!newest) throw new StreamingError(404, `container not found ("${route.container}")`);
  return newest.id;
}

/** The pod's IP, from its ready sandbox, or a 404. */
export async function podAddress(
  runtime: ContainerRuntime,
  route: StreamingRoute,
): Promise<string> {
  const [sandbox] = await runtime.listPodSandbox({
    state: 'SANDBOX_READY',
    labelSelector: { [podNamespaceLabel]: route.namespace, [podNameLabel]: route.pod },
  });
  if (!sandbox) throw new StreamingError(404, `pod not found ("${route.pod}_${route.namespace}")`);
  return sandbox.ip;
}

/** Whether a request offers a WebSocket subprotocol. */
export function offers(request: IncomingMessage, protocol: string): boolean {
  const offered = request.headers['sec-websocket-protocol'] ?? '';
  return offered.split(',').some((entry) => entry.trim() === protocol);
}

/** Sends one channel's bytes, while the WebSocket is open. */
function sender(socket: WebSocket): (channel: number, bytes: Uint8Array | string) => void {
  return (channel, bytes) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(frame(channel, bytes));
  };
}

/** Resolves once a stream has given all its data. */
function drained(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

/** A stream a client's input is written to: an exec's stdin, a container's. */
type Writable = NodeJS.WritableStream;

/**
 * Takes the client's stdin channel into `stdin`: as it comes, or through the line discipline
 * with a tty (echo, whole lines, ^C as `interrupt`, ^D as end of input). A close frame for stdin
 * ends it.
 */
function takeInput(socket: WebSocket, tty: boolean, stdin?: Writable, interrupt?: () => void) {
  const terminal = tty ? new LineDiscipline() : undefined;
  socket.on('message', (message: Buffer) => {
    const { channel, bytes } = readFrame(message);
    if (channel === stdinChannel && terminal) {
      const typed = terminal.input(bytes.toString('utf8'));
      if (typed.echo) sender(socket)(stdoutChannel, typed.echo);
      for (const line of typed.lines) stdin?.write(line);
      if (typed.interrupt) interrupt?.();
      if (typed.endOfInput) stdin?.end();
    } else if (channel === stdinChannel) stdin?.write(bytes);
    else if (channel === closeChannel && bytes[0] === stdinChannel) stdin?.end();
  });
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
  const send = sender(socket);
  if (request.tty) session.stdout.setEncoding('utf8');
  session.stdout.on('data', (chunk: string | Buffer) =>
    send(stdoutChannel, request.tty ? terminalOutput(String(chunk)) : chunk),
  );
  session.stderr.on('data', (chunk: Buffer) => send(stderrChannel, chunk));
  takeInput(socket, request.tty, session.stdin, () => session.kill('SIGINT'));
  let ended = false;
  socket.on('close', () => ended || session.kill('SIGKILL'));
  const [exitCode] = await Promise.all([
    session.exited,
    drained(session.stdout),
    drained(session.stderr),
  ]);
  ended = true;
  send(errorChannel, JSON.stringify(exitStatus(exitCode)));
  socket.close(1000);
}

/**
 * Runs an attach over a WebSocket: the container's output, from its log, as it comes, until the
 * container ends (then Success on the error channel) or the client goes away. With stdin asked
 * for, what the client types goes to the container's stdin (through the line discipline with a
 * tty, where ^C interrupts the container) until the client ends its input or goes away; a
 * container created with stdinOnce then reads end of input. A container without stdin (its spec
 * does not set stdin) drops the input.
 */
export async function serveAttach(
  socket: WebSocket,
  runtime: ContainerRuntime,
  containerId: string,
  request: StreamRequest,
): Promise<void> {
  const send = sender(socket);
  const stop = new AbortController();
  // What the client types from the first message on, kept until the container's stdin is open.
  const input = new PassThrough();
  // ^C on a tty is the runtime's to deliver: it stands in for the terminal kata does not have.
  const interrupt = () => void runtime.interrupt(containerId).catch(() => undefined);
  takeInput(socket, request.tty, input, interrupt);
  socket.on('close', () => {
    input.end();
    stop.abort();
  });
  void containerStdin(runtime, containerId, request).then((stdin) =>
    stdin ? input.pipe(stdin) : input.resume(),
  );
  for await (const line of runtime.readLogs(containerId, { follow: true, signal: stop.signal })) {
    const text = `${line.content}${line.partial ? '' : '\n'}`;
    const toStderr = line.stream === 'stderr' && request.stderr;
    send(toStderr ? stderrChannel : stdoutChannel, request.tty ? terminalOutput(text) : text);
  }
  send(errorChannel, JSON.stringify(exitStatus(0)));
  socket.close(1000);
}

/**
 * The container's stdin for an attach that asks for it; undefined when it does not, or when the
 * container has none (its spec does not set stdin, or stdinOnce closed it, or it ended).
 */
async function containerStdin(
  runtime: ContainerRuntime,
  containerId: string,
  request: StreamRequest,
): Promise<NodeJS.WritableStream | undefined> {
  if (!request.stdin) return undefined;
  return runtime.openStdin(containerId).catch(() => undefined);
}

/**
 * ws holds a subprotocol's name to the HTTP token grammar, which has no "/", so it would refuse
 * "SPDY/3.1+portforward.k8s.io" outright. The kubelet checks that offer itself (offers), and
 * hands ws this token in its place; the answer names the real protocol.
 */
const spdyTunnelToken = 'kata-spdy-tunnel';

/** The subprotocol to accept: remote command v5 or tunneled SPDY, whichever is offered. */
function chooseProtocol(protocols: Set<string>): string | false {
  if (protocols.has(remoteCommandProtocol)) return remoteCommandProtocol;
  if (protocols.has(spdyTunnelToken)) return spdyTunnelProtocol;
  return false;
}

/** Serves exec, attach and port-forward over upgraded connections, for one runtime. */
export function createStreamingServer(runtime: ContainerRuntime): StreamingServer {
  const webSockets = new WebSocketServer({ noServer: true, handleProtocols: chooseProtocol });
  const sessions = new Set<{ close(): void }>();
  const accept = (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    new Promise<WebSocket>((resolve) =>
      webSockets.handleUpgrade(request, socket, head, (webSocket) => {
        sessions.add(webSocket);
        webSocket.on('close', () => sessions.delete(webSocket));
        resolve(webSocket);
      }),
    );
  const serve = async (
    route: StreamingRoute,
    request: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ) => {
    if (route.kind === 'portForward') {
      const address = await podAddress(runtime, route);
      return forwardPorts({ request, socket, head, accept, sessions }, route, address);
    }
    const streams = parseStreamRequest(request, route);
    const containerId = await runningContainer(runtime, route);
    if (route.kind === 'attach')
      return serveAttach(await accept(request, socket, head), runtime, containerId, streams);
    const session = await runtime.execStream(containerId, streams.command, streams);
    await serveExec(await accept(request, socket, head), session, streams);
  };
  return {
    upgrade(request, socket, head) {
      const route = streamingRoute(new URL(request.url ?? '/', 'http://kubelet').pathname);
      if (!route) return false;
      serve(route, request, socket, head).catch((error: Error) => {
        const refusal =
          error instanceof StreamingError ? error : new StreamingError(500, error.message);
        if (socket.writable) refuse(socket, refusal);
      });
      return true;
    },
    close() {
      for (const session of sessions) session.close();
      webSockets.close();
    },
  };
}

/**
 * What an exec or attach request asks for: it must offer v5.channel.k8s.io, and its query must
 * be a stream request (400 otherwise); exec needs a command.
 */
export function parseStreamRequest(request: IncomingMessage, route: StreamingRoute): StreamRequest {
  if (!offers(request, remoteCommandProtocol))
    throw new StreamingError(400, `${route.kind} needs a WebSocket with ${remoteCommandProtocol}`);
  let streams: StreamRequest;
  try {
    streams = streamRequest(new URL(request.url ?? '/', 'http://kubelet').searchParams);
  } catch (error) {
    throw new StreamingError(400, (error as Error).message);
  }
  if (route.kind === 'exec' && streams.command.length === 0)
    throw new StreamingError(400, 'you must specify at least one command for the container');
  return streams;
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
  const { request, socket, head } = upgrading;
  const pod = `${route.namespace}/${route.pod} (${address})`;
  const dial = (port: number) => net.connect(port, address);
  if ((request.headers.upgrade ?? '').toLowerCase() === 'websocket') {
    if (!offers(request, spdyTunnelProtocol))
      throw new StreamingError(400, `port-forward needs a WebSocket with ${spdyTunnelProtocol}`);
    request.headers['sec-websocket-protocol'] = spdyTunnelToken;
    const webSocket = await upgrading.accept(request, socket, head);
    const session = new PortForwardSession({ send: (bytes) => webSocket.send(bytes), dial, pod });
    webSocket.on('message', (bytes: Buffer) => session.receive(bytes));
    webSocket.on('close', () => session.close());
    return;
  }
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
      `X-Stream-Protocol-Version: ${portForwardProtocol}\r\n\r\n`,
  );
  const session = new PortForwardSession({ send: (bytes) => socket.write(bytes), dial, pod });
  upgrading.sessions.add({ close: () => socket.destroy() });
  socket.on('data', (bytes: Buffer) => session.receive(bytes));
  socket.on('close', () => session.close());
  socket.on('error', () => session.close());
  if (head.length > 0) session.receive(head);
}
