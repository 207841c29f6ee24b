// The kubelet's streaming server: exec, attach and port-forward over real WebSockets, on the
// fake runtime (its `cat` copies stdin to stdout; other commands answer what execHandler says).
import http from 'node:http';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import {
  containerNameLabel,
  podNameLabel,
  podNamespaceLabel,
  type ExecSession,
} from '../../harness/runtime/cri.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import {
  createStreamingServer,
  podAddress,
  refuse,
  runningContainer,
  streamingRoute,
  StreamingError,
  type StreamingServer,
} from './streaming-server.ts';
import { controlFrame, FrameReader, frameTypes } from './spdy.ts';

const podLabels = { [podNamespaceLabel]: 'default', [podNameLabel]: 'web' };

let runtime: FakeRuntime;
let streaming: StreamingServer;
let server: http.Server | undefined;
let base: string;
let containerId: string;

/** A running pod default/web with one container, app. */
async function startPod(): Promise<void> {
  const sandbox = await runtime.runPodSandbox({
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', attempt: 0 },
    labels: podLabels,
  });
  await runtime.pullImage('kata/echo');
  containerId = await runtime.createContainer(sandbox, {
    metadata: { name: 'app', attempt: 0 },
    image: 'kata/echo',
    labels: { ...podLabels, [containerNameLabel]: 'app' },
  });
  await runtime.startContainer(containerId);
}

beforeEach(async () => {
  runtime = new FakeRuntime();
  await startPod();
});

/** The streaming server for `runtime`, behind an HTTP server that gives it every upgrade. */
async function startServer(): Promise<void> {
  streaming = createStreamingServer(runtime);
  const listening = http.createServer((_, response) => response.end('not a stream'));
  server = listening;
  listening.on('upgrade', (request, socket, head) => {
    if (!streaming.upgrade(request, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  base = `ws://127.0.0.1:${(listening.address() as net.AddressInfo).port}`;
}

afterEach(async () => {
  const running = server;
  if (!running) return;
  server = undefined;
  streaming.close();
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

/** A client's WebSocket: every message by channel, and how it ended (or why it was refused). */
interface Client {
  socket: WebSocket;
  text(channel: number): string;
  status(): { status?: string; reason?: string } | undefined;
  closed: Promise<number>;
  refused: Promise<{ code: number; body: string }>;
}

function open(path: string, protocol = 'v5.channel.k8s.io'): Client {
  const socket = new WebSocket(`${base}${path}`, [protocol]);
  const messages: Buffer[] = [];
  socket.on('message', (message: Buffer) => messages.push(message));
  const closed = new Promise<number>((resolve) => socket.on('close', resolve));
  const refused = new Promise<{ code: number; body: string }>((resolve) =>
    socket.on('unexpected-response', (_, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk));
      response.on('end', () => resolve({ code: response.statusCode!, body }));
    }),
  );
  socket.on('error', () => {});
  const text = (channel: number) =>
    Buffer.concat(messages.filter((m) => m[0] === channel).map((m) => m.subarray(1))).toString();
  return {
    socket,
    text,
    status: () => (text(3) ? JSON.parse(text(3)) : undefined),
    closed,
    refused,
  };
}

const opened = (client: Client) =>
  new Promise<void>((resolve) => client.socket.once('open', () => resolve()));

describe("The kubelet's streaming server", () => {
  test('its routes: /exec and /attach name a container, /portForward a pod', () => {
    expect(streamingRoute('/exec/default/web/app'), 'exec').toEqual({
      kind: 'exec',
      namespace: 'default',
      pod: 'web',
      container: 'app',
    });
    expect(streamingRoute('/portForward/ns/db'), 'port-forward').toEqual({
      kind: 'portForward',
      namespace: 'ns',
      pod: 'db',
    });
    expect(streamingRoute('/containerLogs/a/b/c'), 'a log: not a stream').toBeUndefined();
    expect(streamingRoute('/exec/default/web'), 'exec without a container').toBeUndefined();
  });

  test('a refusal is a plain-text HTTP answer on the socket, which then closes', async () => {
    const socket = new PassThrough();
    refuse(socket, new StreamingError(404, 'container not found ("x")'));
    const written = String(socket.read());
    expect(written.split('\r\n')[0], 'the status line').toBe('HTTP/1.1 404 Not Found');
    expect(written.endsWith('\r\n\r\ncontainer not found ("x")'), `the body of: ${written}`).toBe(
      true,
    );
  });

  test("a route's container is its newest running attempt; none is a 404", async () => {
    const route = { kind: 'exec' as const, namespace: 'default', pod: 'web', container: 'app' };
    expect(await runningContainer(runtime, route), 'the running app').toBe(containerId);
    const missing = runningContainer(runtime, { ...route, container: 'db' });
    await expect(missing, 'a container the pod lacks').rejects.toMatchObject({
      code: 404,
      message: 'container not found ("db")',
    });
  });

  test("a pod's address is its ready sandbox's IP; no sandbox is a 404", async () => {
    const route = { kind: 'portForward' as const, namespace: 'default', pod: 'web' };
    const [sandbox] = await runtime.listPodSandbox();
    expect(await podAddress(runtime, route), 'the IP of web').toBe(sandbox!.ip);
    await expect(podAddress(runtime, { ...route, pod: 'db' }), 'no such pod').rejects.toMatchObject(
      { code: 404 },
    );
  });

  test('exec: the output on stdout, then Success on the error channel, then a normal close', async () => {
    await startServer();
    runtime.execHandler = (_, command) => ({
      exitCode: 0,
      stdout: `ran ${command.join(' ')}\n`,
      stderr: '',
      timedOut: false,
    });
    const client = open('/exec/default/web/app?command=echo&command=hi&stdout=true&stderr=true');
    expect(await client.closed, 'the close code').toBe(1000);
    expect(client.text(1), 'stdout').toBe('ran echo hi\n');
    expect(client.status(), 'the error channel').toMatchObject({ status: 'Success' });
  });

  test('a failing command: its stderr, and NonZeroExitCode with its code', async () => {
    await startServer();
    runtime.execHandler = () => ({ exitCode: 2, stdout: '', stderr: 'no\n', timedOut: false });
    const client = open('/exec/default/web/app?command=false&stdout=true&stderr=true');
    await client.closed;
    expect(client.text(2), 'stderr').toBe('no\n');
    expect(client.status(), 'the error channel').toMatchObject({
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '2' }] },
    });
  });

  test("stdin: what the client sends reaches the command; close on stdin's channel ends it", async () => {
    await startServer();
    const client = open('/exec/default/web/app?command=cat&stdin=true&stdout=true');
    await opened(client);
    client.socket.send(Buffer.from([0, ...Buffer.from('abc')]));
    client.socket.send(Buffer.from([255, 0]));
    await client.closed;
    expect(client.text(1), 'cat gave back').toBe('abc');
    expect(client.status(), 'the error channel').toMatchObject({ status: 'Success' });
  });

  test('with a tty, keys are echoed, lines reach the command, output ends "\\r\\n"', async () => {
    await startServer();
    const client = open('/exec/default/web/app?command=cat&stdin=true&stdout=true&tty=true');
    await opened(client);
    client.socket.send(Buffer.from([0, ...Buffer.from('hi\r')]));
    await waitFor(() => client.text(1) === 'hi\r\nhi\r\n', 'the echo, then what cat wrote');
    client.socket.send(Buffer.from([0, 4]));
    await client.closed;
    expect(client.status(), 'after ^D').toMatchObject({ status: 'Success' });
  });

  test('a client that goes away kills the command', async () => {
    await startServer();
    let session: ExecSession | undefined;
    const execStream = runtime.execStream.bind(runtime);
    runtime.execStream = async (...args) => (session = await execStream(...args));
    const client = open('/exec/default/web/app?command=cat&stdin=true&stdout=true');
    await opened(client);
    client.socket.close();
    expect(await session!.exited, 'the exit code of the killed cat').toBe(137);
  });

  test('a container not running here, no command, or no v5 protocol: refused before the upgrade', async () => {
    await startServer();
    const missing = open('/exec/default/web/db?command=ls&stdout=true');
    expect(await missing.refused, 'exec in db').toEqual({
      code: 404,
      body: 'container not found ("db")',
    });
    const noCommand = open('/exec/default/web/app?stdout=true');
    expect((await noCommand.refused).code, 'exec without a command').toBe(400);
    const oldProtocol = open('/exec/default/web/app?command=ls&stdout=true', 'v4.channel.k8s.io');
    expect((await oldProtocol.refused).body, 'exec offering v4 only').toMatch(/v5.channel.k8s.io/);
  });

  test("attach: the container's output as it comes, and Success once it ends", async () => {
    await startServer();
    const client = open('/attach/default/web/app?stdout=true&stderr=true');
    await opened(client);
    runtime.writeLog(containerId, 'one');
    runtime.writeLog(containerId, 'oops', 'stderr');
    await waitFor(() => client.text(2) === 'oops\n', 'the stderr line');
    runtime.exitContainer(containerId, 0);
    await client.closed;
    expect([client.text(1), client.status()?.status], 'stdout, then the status').toEqual([
      'one\n',
      'Success',
    ]);
  });

  test("attach with stdin: what the client types reaches the container's stdin", async () => {
    await startServer();
    const sandbox = (await runtime.listPodSandbox())[0]!.id;
    /** A running container `name` of pod web, made with a stdin (stdinOnce, tty as asked). */
    const withStdin = async (name: string, tty: boolean) => {
      const id = await runtime.createContainer(sandbox, {
        metadata: { name, attempt: 0 },
        image: 'kata/echo',
        stdin: true,
        stdinOnce: true,
        tty,
        labels: { ...podLabels, [containerNameLabel]: name },
      });
      await runtime.startContainer(id);
      return id;
    };
    const shell = await withStdin('shell', false);
    const plain = open('/attach/default/web/shell?stdin=true&stdout=true&stderr=true');
    await opened(plain);
    plain.socket.send(Buffer.from([0, ...Buffer.from('echo hi\n')]));
    plain.socket.send(Buffer.from([255, 0]));
    await waitFor(() => runtime.stdinOf(shell).ended, "the shell's stdin to end (stdinOnce)");
    expect(runtime.stdinOf(shell).text, 'stdin after "echo hi\\n" and a close').toBe('echo hi\n');
    const terminal = await withStdin('terminal', true);
    const typed = open('/attach/default/web/terminal?stdin=true&stdout=true&tty=true');
    await opened(typed);
    typed.socket.send(Buffer.from([0, ...Buffer.from('ls\r'), 4]));
    // The echo comes back over the socket: it may arrive after the stdin has ended.
    await waitFor(
      () => runtime.stdinOf(terminal).ended && typed.text(1).length > 0,
      'the terminal to take ^D and its echo to arrive',
    );
    expect(
      [typed.text(1), runtime.stdinOf(terminal).text],
      'the echo, and the stdin after typing "ls", Enter, ^D',
    ).toEqual(['ls\r\n', 'ls\n']);
    runtime.exitContainer(terminal, 0);
    await typed.closed;
  });

  test('attach with a tty: ^C interrupts the container, as its terminal would', async () => {
    await startServer();
    const sandbox = (await runtime.listPodSandbox())[0]!.id;
    const shell = await runtime.createContainer(sandbox, {
      metadata: { name: 'shell', attempt: 0 },
      image: 'kata/echo',
      stdin: true,
      tty: true,
      labels: { ...podLabels, [containerNameLabel]: 'shell' },
    });
    await runtime.startContainer(shell);
    const typed = open('/attach/default/web/shell?stdin=true&stdout=true&tty=true');
    await opened(typed);
    typed.socket.send(Buffer.from([0, ...Buffer.from('sleep 9'), 3]));
    await waitFor(() => runtime.interruptsOf(shell) === 1, 'the runtime to interrupt the shell');
    expect(
      [typed.text(1), runtime.stdinOf(shell).text],
      'the echo and the stdin after typing "sleep 9" then ^C',
    ).toEqual(['sleep 9^C\r\n', '']);
    runtime.exitContainer(shell, 130);
    await typed.closed;
  });

  test('port-forward: SPDY inside a WebSocket with SPDY/3.1+portforward.k8s.io', async () => {
    await startServer();
    // ws's client refuses a subprotocol with a "/", as its server does: this handshake is by hand.
    const request = http.get(`${base.replace('ws:', 'http:')}/portForward/default/web`, {
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.alloc(16, 1).toString('base64'),
        'Sec-WebSocket-Protocol': 'SPDY/3.1+portforward.k8s.io',
      },
    });
    const [response, socket] = await new Promise<[http.IncomingMessage, net.Socket]>((resolve) =>
      request.on('upgrade', (answer, upgraded) => resolve([answer, upgraded])),
    );
    expect(response.headers['sec-websocket-protocol'], 'the accepted subprotocol').toBe(
      'SPDY/3.1+portforward.k8s.io',
    );
    const ping = controlFrame(frameTypes.ping, 0, Buffer.from([0, 0, 0, 1]));
    // One binary WebSocket message from a client: FIN + binary, masked length, a zero mask.
    socket.write(Buffer.concat([Buffer.from([0x82, 0x80 | ping.length, 0, 0, 0, 0]), ping]));
    let answer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (answer = Buffer.concat([answer, chunk])));
    await waitFor(() => answer.length >= 2 + ping.length, 'a message back');
    socket.destroy();
    expect(answer.subarray(2).equals(ping), 'the message: the PING as it was sent').toBe(true);
  });

  test('port-forward: or SPDY on the socket itself, after a plain SPDY/3.1 upgrade', async () => {
    await startServer();
    const socket = net.connect(Number(new URL(base).port), '127.0.0.1');
    let answer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (answer = Buffer.concat([answer, chunk])));
    socket.write(
      'POST /portForward/default/web HTTP/1.1\r\nHost: kubelet\r\nConnection: Upgrade\r\n' +
        'Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\n\r\n',
    );
    socket.write(controlFrame(frameTypes.ping, 0, Buffer.from([0, 0, 0, 3])));
    const reader = new FrameReader();
    await waitFor(() => answer.includes(Buffer.from('\r\n\r\n\x80', 'latin1')), 'a 101, a frame');
    const head = answer.subarray(0, answer.indexOf('\r\n\r\n') + 4).toString();
    const [pong] = reader.push(answer.subarray(head.length));
    socket.destroy();
    expect(head.split('\r\n')[0], 'the status line').toBe('HTTP/1.1 101 Switching Protocols');
    expect(pong?.control && pong.type, 'the PING back').toBe(frameTypes.ping);
  });

  test('other paths are not taken; close() ends every session', async () => {
    await startServer();
    expect(
      streaming.upgrade(
        new http.IncomingMessage(new net.Socket()),
        new PassThrough(),
        Buffer.alloc(0),
      ),
      'an upgrade for /',
    ).toBe(false);
    const client = open('/exec/default/web/app?command=cat&stdin=true&stdout=true');
    await opened(client);
    streaming.close();
    expect(await client.closed, 'the close code a closed server gives').toBeGreaterThan(0);
  });
});
