// Port forwarding: one SPDY connection from kubectl, many TCP connections to the pod.
//
// For each connection made to its local port, kubectl opens two SPDY streams that share a
// `requestid` header: an error stream (streamtype: error) and a data stream (streamtype: data),
// both naming the pod's `port`. The kubelet answers each SYN_STREAM with a SYN_REPLY; once it has
// both streams of a request it connects to the pod's IP on that port, and copies bytes both ways
// in data frames. When the pod's side ends, the data stream ends (a data frame with FIN), then the
// error stream, which carries a message first if the connection failed. kubectl resets a data
// stream (RST_STREAM) when it is done with it, and pings the connection now and then.
import type { Duplex } from 'node:stream';
import {
  controlFrame,
  dataFrame,
  flagFin,
  FrameReader,
  frameTypes,
  HeaderCompression,
  readSynStream,
  rstStatus,
  rstStream,
  streamIdOf,
  synReply,
  type SpdyFrame,
  type SpdyHeaders,
} from './spdy.ts';

/** What a session needs of the world: a way to send bytes back, and to reach the pod's ports. */
export interface PortForwardEnds {
  /** Sends bytes to kubectl (a WebSocket message, or a write on the upgraded socket). */
  send(bytes: Buffer): void;
  /** Connects to the pod on `port`. */
  dial(port: number): Duplex;
  /** Names the pod and its address in messages: `default/web (127.244.0.5)`. */
  pod: string;
}

/** The two streams of one forwarded connection, as they arrive. */
interface ForwardRequest {
  port: number;
  errorStream?: number;
  dataStream?: number;
  connection?: Duplex;
}

export class PortForwardSession {
  private readonly reader = new FrameReader();
  private readonly compression = new HeaderCompression();
  private readonly requests = new Map<string, ForwardRequest>();
  /** Each stream's request id, by stream id. */
  private readonly streams = new Map<number, string>();
  /** Frames are handled one after another: a header block's decompression is asynchronous. */
  private work: Promise<void> = Promise.resolve();
  private closed = false;

  private readonly ends: PortForwardEnds;

  constructor(ends: PortForwardEnds) {
    this.ends = ends;
  }

  /** Bytes from kubectl, in any pieces. */
  receive(bytes: Buffer): void {
    let frames: SpdyFrame[];
    try {
      frames = this.reader.push(bytes);
    } catch {
      return this.close();
    }
    for (const frame of frames) this.work = this.work.then(() => this.handle(frame));
    this.work = this.work.catch(() => this.close());
  }

  private async handle(frame: SpdyFrame): Promise<void> {
    if (this.closed) return;
    if (!frame.control) return this.onData(frame.streamId, frame.flags, frame.payload);
    switch (frame.type) {
      case frameTypes.synStream:
        return this.onSynStream(frame.payload);
      case frameTypes.rstStream:
        return this.onReset(streamIdOf(frame.payload));
      case frameTypes.ping:
        return this.ends.send(controlFrame(frameTypes.ping, 0, frame.payload));
      case frameTypes.goAway:
        return this.close();
      default:
      // SETTINGS, WINDOW_UPDATE, HEADERS: nothing to do without flow control.
    }
  }

  /** A new stream: reply, and once both streams of its request are here, connect. */
  private async onSynStream(payload: Buffer): Promise<void> {
    const { streamId, headerBlock } = readSynStream(payload);
    const headers: SpdyHeaders = await this.compression.decompress(headerBlock);
    this.ends.send(synReply(streamId, await this.compression.compress({})));
    const { requestid: requestId, streamtype: type } = headers;
    const port = Number(headers.port);
    const valid = Number.isInteger(port) && port > 0 && port < 65536;
    if (requestId === undefined || !valid || (type !== 'error' && type !== 'data'))
      return this.ends.send(rstStream(streamId, rstStatus.protocolError));
    const request = this.requests.get(requestId) ?? { port };
    request[type === 'error' ? 'errorStream' : 'dataStream'] = streamId;
    this.requests.set(requestId, request);
    this.streams.set(streamId, requestId);
    if (request.errorStream !== undefined && request.dataStream !== undefined)
      this.forward(requestId, request);
  }

  /** Connects to the pod and copies both ways until the pod's side ends. */
  private forward(requestId: string, request: ForwardRequest): void {
    const dataStream = request.dataStream!;
    const connection = this.ends.dial(request.port);
    request.connection = connection;
    let failed = false;
    connection.on('data', (chunk: Buffer) => this.ends.send(dataFrame(dataStream, 0, chunk)));
    connection.on('error', (error: Error) => {
      failed = true;
      const message =
        `error forwarding port ${request.port} to pod ${this.ends.pod}: ` +
        `failed to connect to port ${request.port}: ${error.message}`;
      this.finish(requestId, request, message);
    });
    connection.on('close', () => {
      if (!failed) this.finish(requestId, request);
    });
  }

  /** Ends a request's streams: data first, then error (with a message when there is one). */
  private finish(requestId: string, request: ForwardRequest, message?: string): void {
    if (!this.requests.has(requestId) || this.closed) return;
    this.requests.delete(requestId);
    this.ends.send(dataFrame(request.dataStream!, flagFin, Buffer.alloc(0)));
    this.ends.send(dataFrame(request.errorStream!, flagFin, Buffer.from(message ?? '')));
  }

  /** Bytes for a stream: the data stream's go to the pod; FIN ends the pod's input. */
  private onData(streamId: number, flags: number, payload: Buffer): void {
    const request = this.requests.get(this.streams.get(streamId) ?? '');
    if (!request || streamId !== request.dataStream) return;
    if (payload.length > 0) request.connection?.write(payload);
    if (flags & flagFin) request.connection?.end();
  }

  /** kubectl is done with a stream: drop the pod's connection. */
  private onReset(streamId: number): void {
    const requestId = this.streams.get(streamId);
    if (requestId !== undefined) this.requests.get(requestId)?.connection?.destroy();
  }

  /** Ends every forwarded connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const request of this.requests.values()) request.connection?.destroy();
    this.requests.clear();
    this.compression.close();
  }
}
