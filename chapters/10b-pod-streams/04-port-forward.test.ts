// Port forwarding: a SPDY session as kubectl drives it, against a real TCP server in the pod's
// place (an echo server on loopback).
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { waitFor } from '../../harness/testing/wait.ts';
import { PortForwardSession } from './port-forward.ts';
import {
  controlFrame,
  flagFin,
  FrameReader,
  frameTypes,
  HeaderCompression,
  dataFrame,
  rstStream,
  type SpdyFrame,
  type SpdyHeaders,
} from './spdy.ts';

/** kubectl's side: its header compression, and what the session sent it, frame by frame. */
class Kubectl {
  readonly compression = new HeaderCompression();
  readonly reader = new FrameReader();
  readonly received: SpdyFrame[] = [];
  readonly send = (bytes: Buffer) => this.received.push(...this.reader.push(bytes));

  async synStream(streamId: number, headers: SpdyHeaders): Promise<Buffer> {
    const ids = Buffer.alloc(10);
    ids.writeUInt32BE(streamId, 0);
    const block = await this.compression.compress(headers);
    return controlFrame(frameTypes.synStream, 0, Buffer.concat([ids, block]));
  }

  /** The bytes sent on a stream so far, and whether it has ended (FIN). */
  stream(streamId: number): { text: string; ended: boolean } {
    const frames = this.received.filter((frame) => !frame.control && frame.streamId === streamId);
    return {
      text: Buffer.concat(frames.map((frame) => frame.payload)).toString(),
      ended: frames.some((frame) => frame.flags & flagFin),
    };
  }

  controlTypes(): number[] {
    return this.received.flatMap((frame) => (frame.control ? [frame.type] : []));
  }
}

let pod: net.Server;
let podPort: number;
let podConnections: net.Socket[];
let kubectl: Kubectl;
let session: PortForwardSession;

beforeEach(async () => {
  podConnections = [];
  pod = net.createServer((socket) => {
    podConnections.push(socket);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => pod.listen(0, '127.0.0.1', resolve));
  podPort = (pod.address() as net.AddressInfo).port;
  kubectl = new Kubectl();
  session = new PortForwardSession({
    send: kubectl.send,
    dial: (port) => net.connect(port, '127.0.0.1'),
    pod: 'default/web (127.0.0.1)',
  });
});

afterEach(async () => {
  session.close();
  kubectl.compression.close();
  for (const socket of podConnections) socket.destroy();
  await new Promise((resolve) => pod.close(resolve));
});

/** Opens request `id`'s error stream (1 + 4 id) and data stream (3 + 4 id) to `port`. */
async function openRequest(id: number, port = podPort): Promise<void> {
  const headers = { port: String(port), requestid: String(id) };
  session.receive(await kubectl.synStream(1 + 4 * id, { ...headers, streamtype: 'error' }));
  session.receive(await kubectl.synStream(3 + 4 * id, { ...headers, streamtype: 'data' }));
}

describe('Port forwarding', () => {
  test('each new stream is answered with a SYN_REPLY', async () => {
    session.receive(
      await kubectl.synStream(1, { port: String(podPort), requestid: '0', streamtype: 'error' }),
    );
    await waitFor(() => kubectl.received.length > 0, 'an answer to SYN_STREAM 1');
    const [reply] = kubectl.received;
    expect(
      reply!.control && { type: reply.type, stream: reply.payload.readUInt32BE(0) },
      'the first frame back',
    ).toEqual({ type: frameTypes.synReply, stream: 1 });
  });

  test("with both streams of a request, bytes reach the pod's port and its answer comes back", async () => {
    await openRequest(0);
    session.receive(dataFrame(3, 0, Buffer.from('ping')));
    await waitFor(() => kubectl.stream(3).text === 'ping', 'the echo on the data stream');
    expect(podConnections.length, 'connections the pod got').toBe(1);
  });

  test('kubectl ending its data stream ends the connection; then both streams end', async () => {
    await openRequest(0);
    session.receive(dataFrame(3, flagFin, Buffer.from('bye')));
    await waitFor(() => kubectl.stream(1).ended, 'the error stream to end');
    expect(kubectl.stream(3), 'the data stream: the echo, then FIN').toEqual({
      text: 'bye',
      ended: true,
    });
    expect(kubectl.stream(1).text, 'no error').toBe('');
  });

  test('a port nothing listens on: the error stream says so, and ends', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await openRequest(0, port);
    await waitFor(() => kubectl.stream(1).ended, 'the error stream to end');
    expect(kubectl.stream(1).text, 'the error stream').toMatch(
      new RegExp(
        `^error forwarding port ${port} to pod default/web \\(127.0.0.1\\): .*ECONNREFUSED`,
      ),
    );
  });

  test('two requests are two connections to the pod', async () => {
    await openRequest(0);
    await openRequest(1);
    session.receive(dataFrame(3, 0, Buffer.from('a')));
    session.receive(dataFrame(7, 0, Buffer.from('b')));
    await waitFor(
      () => kubectl.stream(3).text === 'a' && kubectl.stream(7).text === 'b',
      'each echo on its own data stream',
    );
    expect(podConnections.length, 'connections the pod got').toBe(2);
  });

  test('a PING comes back as it was sent', async () => {
    session.receive(controlFrame(frameTypes.ping, 0, Buffer.from([0, 0, 0, 9])));
    await waitFor(() => kubectl.received.length > 0, 'an answer to the PING');
    const [pong] = kubectl.received;
    expect(pong!.control && [pong.type, [...pong.payload]], 'the answer').toEqual([
      frameTypes.ping,
      [0, 0, 0, 9],
    ]);
  });

  test('a stream with no request id, a bad port or an unknown type is reset', async () => {
    session.receive(await kubectl.synStream(1, { port: '8080', streamtype: 'data' }));
    session.receive(await kubectl.synStream(3, { port: '0', requestid: '1', streamtype: 'data' }));
    session.receive(await kubectl.synStream(5, { port: '80', requestid: '2', streamtype: 'x' }));
    await waitFor(() => kubectl.received.length === 6, 'three replies and three resets');
    expect(kubectl.controlTypes(), 'what came back').toEqual([2, 3, 2, 3, 2, 3]);
  });

  test("kubectl's RST_STREAM drops the pod's connection, and the streams end", async () => {
    await openRequest(0);
    await waitFor(() => podConnections.length === 1, 'the connection to the pod');
    session.receive(rstStream(3, 5));
    await waitFor(() => podConnections[0]!.destroyed, "the pod's side to close");
    await waitFor(() => kubectl.stream(1).ended, 'the error stream to end');
  });

  test('closing the session ends every connection to the pod, and bytes that come after are dropped', async () => {
    await openRequest(0);
    await waitFor(() => podConnections.length === 1, 'the connection to the pod');
    session.close();
    await waitFor(() => podConnections[0]!.destroyed, "the pod's side to close");
    session.receive(dataFrame(3, 0, Buffer.from('late')));
    session.receive(Buffer.from('8002000600000004' + '00000001', 'hex'));
    expect(kubectl.stream(3).text, 'nothing echoed after close').toBe('');
  });
});
