// A gRPC server for the store, written straight on the connection: HTTP/2's frames for what gRPC
// clients send, and each call handed to a service handler written for @grpc/grpc-js (the same
// `(call, callback)` unary handlers and `call.on('data')`/`call.write` streams).
//
// Why not @grpc/grpc-js's own server: a unary call there passes through Node's HTTP/2 (nghttp2 and a
// stream object per call), then grpc-js's interceptors, metadata, decoders and a stream object of
// its own. Per call that costs more CPU than the store's whole work (a put, its log record, the
// fdatasync), so the kata store spent more CPU per operation than etcd. gRPC asks little of HTTP/2:
// a call is one stream, opened by a HEADERS frame naming the method (:path), carrying
// length-prefixed messages in DATA frames, and closed by the server with trailers (grpc-status).
// Here that is read and written directly, and everything one pass of the event loop answers goes
// out in one write, so many concurrent calls share a system call.
//
// What is and is not spoken:
//   - frames: DATA, HEADERS (+CONTINUATION), RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE;
//     PRIORITY and unknown types are ignored, as RFC 9113 allows;
//   - flow control both ways: the server's receive windows are opened wide and topped up; what it
//     sends waits for the client's windows (a snapshot stream is larger than a default window);
//   - header blocks are read with the client's HPACK table (hpack.ts) and written as literals;
//   - messages are not compressed (grpc-encoding identity); a compressed one is refused.
// Any :authority is taken, etcdctl's "http://127.0.0.1:2379" included (its endpoint commands send
// the endpoint as written), as etcd's Go server takes it; Node's own HTTP/2 refused it.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type * as grpc from '@grpc/grpc-js';
import { frameAt, frameBytes, type Frame } from './http2-frames.ts';
import { encodeLiterals, HpackDecoder, type HeaderField } from './hpack.ts';

/** Frame types (RFC 9113, section 6). */
const DATA = 0x0;
const HEADERS = 0x1;
const RST_STREAM = 0x3;
const SETTINGS = 0x4;
const PING = 0x6;
const GOAWAY = 0x7;
const WINDOW_UPDATE = 0x8;
const CONTINUATION = 0x9;
/** Frame flags. */
const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY = 0x20;
/** SETTINGS parameters. */
const SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
const SETTINGS_MAX_FRAME_SIZE = 0x5;
/** Error codes for RST_STREAM and GOAWAY. */
const NO_ERROR = 0x0;
const PROTOCOL_ERROR = 0x1;
const REFUSED_STREAM = 0x7;
const COMPRESSION_ERROR = 0x9;

/** The client's connection preface. */
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** Every window starts at this size until SETTINGS or WINDOW_UPDATE change it. */
const DEFAULT_WINDOW = 65_535;
/** The receive window this server opens, for the connection and each stream. */
const RECEIVE_WINDOW = 1 << 30;
/** gRPC status codes used here. */
const OK = 0;
const UNKNOWN = 2;
const INTERNAL = 13;
const UNIMPLEMENTED = 12;

// ---------------------------------------------------------------------------------------------
// Header blocks the server sends: always the same response headers, and trailers with a status.

const RESPONSE_HEADERS: HeaderField[] = [
  [':status', '200'],
  ['content-type', 'application/grpc'],
];
const responseHeaderBlock = encodeLiterals(RESPONSE_HEADERS);
const okTrailerBlock = encodeLiterals([['grpc-status', '0']]);

/** A status as a handler gives it: a code and its message (grpc-js's StatusObject, partly). */
export type CallStatus = Partial<Pick<grpc.StatusObject, 'code' | 'details'>>;

/** grpc-message is percent-encoded: bytes outside printable ASCII, and "%" itself. */
export function percentEncoded(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out +=
      byte >= 0x20 && byte <= 0x7e && byte !== 0x25
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function trailerBlock(status: CallStatus, withHeaders: boolean): Buffer {
  const code = status.code ?? UNKNOWN;
  if (code === OK && !withHeaders) return okTrailerBlock;
  const fields: HeaderField[] = withHeaders ? [...RESPONSE_HEADERS] : [];
  fields.push(['grpc-status', String(code)]);
  if (status.details) fields.push(['grpc-message', percentEncoded(status.details)]);
  return encodeLiterals(fields);
}

// ---------------------------------------------------------------------------------------------
// Methods: what a :path names.

/** One method of a service: how its messages are read and written, and who answers it. */
interface Method {
  requestStream: boolean;
  responseStream: boolean;
  deserialize(bytes: Buffer): unknown;
  serialize(message: unknown): Buffer;
  handler: (...args: any[]) => void;
}

/** The methods of services, by their paths ("/etcdserverpb.KV/Put"). */
export type MethodTable = Map<string, Method>;

/** Adds a service's methods that its implementation answers; the others stay Unimplemented. */
export function addService(
  table: MethodTable,
  definition: grpc.ServiceDefinition,
  implementation: grpc.UntypedServiceImplementation,
): void {
  for (const [name, method] of Object.entries(definition)) {
    const handler = implementation[name] ?? implementation[method.originalName ?? ''];
    if (!handler) continue;
    table.set(method.path, {
      requestStream: method.requestStream,
      responseStream: method.responseStream,
      deserialize: method.requestDeserialize,
      serialize: method.responseSerialize,
      handler: handler as Method['handler'],
    });
  }
}

// ---------------------------------------------------------------------------------------------
// A call, as a handler sees it.

/**
 * One call, shaped like grpc-js's server call objects as far as handlers use them: `request`
 * (unary and server streaming), 'data' and 'end' events (client streaming), `write`, `end`,
 * `emit('error', status)` to fail it, 'cancelled' when the client gives up, 'close' once done.
 */
export class ServerCall extends EventEmitter {
  request: unknown;
  cancelled = false;
  private done = false;
  private readonly stream: CallStream;

  constructor(stream: CallStream) {
    super();
    this.stream = stream;
  }

  write(message: unknown): boolean {
    if (this.done) return false;
    let bytes: Buffer;
    try {
      bytes = this.stream.method.serialize(message);
    } catch (error) {
      this.finish({ code: INTERNAL, details: `cannot serialize the response: ${error}` });
      return false;
    }
    this.stream.connection.sendMessage(this.stream, bytes);
    return true;
  }

  end(): void {
    this.finish({ code: OK });
  }

  /** Ends the call with `status` (once); the stream's trailers carry it. */
  finish(status: CallStatus): void {
    if (this.done) return;
    this.done = true;
    this.stream.connection.sendStatus(this.stream, status);
    this.emit('finish');
    this.emit('close');
  }

  /** The client went away or reset the stream. */
  cancel(): void {
    if (this.done) return;
    this.done = true;
    this.cancelled = true;
    this.emit('cancelled');
    this.emit('close');
  }

  /** As in grpc-js, a handler fails a call by emitting 'error' with a status. */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'error') return super.emit(event, ...args);
    const error = args[0] as CallStatus & { message?: string };
    this.finish({ code: error?.code ?? UNKNOWN, details: error?.details ?? error?.message });
    return this.listenerCount('error') > 0 ? super.emit(event, ...args) : true;
  }

  getPeer(): string {
    return this.stream.connection.peer;
  }
}

// ---------------------------------------------------------------------------------------------
// Streams and the connection.

/** One HTTP/2 stream carrying one call. */
interface CallStream {
  id: number;
  connection: GrpcConnection;
  method: Method;
  call?: ServerCall;
  /** Message bytes received and not yet a whole message. */
  inbound: Buffer;
  /** The unary request, once read. */
  request?: unknown;
  remoteClosed: boolean;
  /** What may still be sent on it (the client's window for it). */
  sendWindow: number;
  /** DATA bytes waiting for a window, in order. */
  outbound: Buffer[];
  headersSent: boolean;
  /** Trailers waiting behind `outbound`. */
  trailers?: Buffer;
  /** Bytes received since the last WINDOW_UPDATE for it. */
  received: number;
}

/** A header block being gathered from HEADERS and CONTINUATION frames. */
interface PendingBlock {
  streamId: number;
  flags: number;
  fragments: Buffer[];
}

/** One client connection: reads frames, dispatches calls, writes what they answer. */
export class GrpcConnection {
  readonly peer: string;
  private input: Buffer = Buffer.alloc(0);
  private prefaceRead = false;
  private readonly decoder = new HpackDecoder();
  private readonly streams = new Map<number, CallStream>();
  private block?: PendingBlock;
  private lastStreamId = 0;
  private sendWindow = DEFAULT_WINDOW;
  private peerInitialWindow = DEFAULT_WINDOW;
  private peerMaxFrame = 16_384;
  private received = 0;
  private outgoing: Buffer[] = [];
  private closing = false;
  private readonly socket: Duplex;
  private readonly methods: MethodTable;
  private readonly onClose: () => void;

  constructor(socket: Duplex, methods: MethodTable, onClose: () => void) {
    this.socket = socket;
    this.methods = methods;
    this.onClose = onClose;
    const remote = socket as Partial<net.Socket>;
    this.peer = `${remote.remoteAddress ?? 'unknown'}:${remote.remotePort ?? 0}`;
    const settings = Buffer.alloc(6);
    settings.writeUInt16BE(SETTINGS_INITIAL_WINDOW_SIZE, 0);
    settings.writeUInt32BE(RECEIVE_WINDOW, 2);
    this.send(frameBytes(SETTINGS, 0, 0, settings));
    this.send(windowUpdate(0, RECEIVE_WINDOW - DEFAULT_WINDOW));
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.closed());
    socket.resume();
  }

  /** Takes the client's bytes: the preface first, then whole frames. */
  private read(chunk: Buffer): void {
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    if (!this.prefaceRead) {
      if (this.input.length < PREFACE.length) return;
      if (!this.input.subarray(0, PREFACE.length).equals(PREFACE)) return this.fail(PROTOCOL_ERROR);
      this.prefaceRead = true;
      this.input = this.input.subarray(PREFACE.length);
    }
    let at = 0;
    for (let frame = frameAt(this.input, at); frame; frame = frameAt(this.input, at)) {
      at += frame.bytes.length;
      try {
        this.frame(frame);
      } catch (error) {
        return this.fail(error instanceof HpackError ? COMPRESSION_ERROR : PROTOCOL_ERROR);
      }
      if (this.socket.destroyed) return;
    }
    this.input = at === this.input.length ? Buffer.alloc(0) : this.input.subarray(at);
  }

  private frame(frame: Frame): void {
    if (this.block && frame.type !== CONTINUATION) throw new Error('expected CONTINUATION');
    switch (frame.type) {
      case DATA:
        return this.data(frame);
      case HEADERS:
        return this.headers(frame);
      case CONTINUATION:
        if (!this.block || frame.streamId !== this.block.streamId) throw new Error('CONTINUATION');
        this.block.fragments.push(frame.payload);
        if (frame.flags & END_HEADERS) this.headerBlockDone();
        return;
      case RST_STREAM:
        return this.reset(frame.streamId);
      case SETTINGS:
        return this.settings(frame);
      case PING:
        if (!(frame.flags & ACK)) this.send(frameBytes(PING, ACK, 0, frame.payload));
        return;
      case WINDOW_UPDATE:
        return this.windowUpdate(frame);
      default:
        return; // PRIORITY, GOAWAY (the client opens no more streams) and unknown types
    }
  }

  private headers(frame: Frame): void {
    const padded = (frame.flags & PADDED) !== 0;
    const start = (padded ? 1 : 0) + (frame.flags & PRIORITY ? 5 : 0);
    const end = frame.payload.length - (padded ? frame.payload[0]! : 0);
    this.block = {
      streamId: frame.streamId,
      flags: frame.flags,
      fragments: [frame.payload.subarray(start, end)],
    };
    if (frame.flags & END_HEADERS) this.headerBlockDone();
  }

  /** A whole header block: a new call, or the client's trailers on one already open. */
  private headerBlockDone(): void {
    const { streamId, flags, fragments } = this.block!;
    this.block = undefined;
    let fields: HeaderField[];
    try {
      fields = this.decoder.decode(
        fragments.length === 1 ? fragments[0]! : Buffer.concat(fragments),
      );
    } catch (error) {
      throw new HpackError(String(error));
    }
    const open = this.streams.get(streamId);
    if (open) {
      if (flags & END_STREAM) this.remoteEnd(open);
      return;
    }
    if (streamId <= this.lastStreamId || streamId % 2 === 0) return;
    this.lastStreamId = streamId;
    if (this.closing) return this.send(rstStream(streamId, REFUSED_STREAM));
    const path = fields.find(([name]) => name === ':path')?.[1] ?? '';
    this.open(streamId, path);
    const stream = this.streams.get(streamId);
    if (stream && flags & END_STREAM) this.remoteEnd(stream);
  }

  /** Opens the call a HEADERS frame asked for; an unknown method is answered Unimplemented. */
  private open(id: number, path: string): void {
    const method = this.methods.get(path);
    const stream: CallStream = {
      id,
      connection: this,
      method: method ?? UNKNOWN_METHOD,
      inbound: Buffer.alloc(0),
      remoteClosed: false,
      sendWindow: this.peerInitialWindow,
      outbound: [],
      headersSent: false,
      received: 0,
    };
    this.streams.set(id, stream);
    if (!method) {
      return this.sendStatus(stream, {
        code: UNIMPLEMENTED,
        details: `The server does not implement the method ${path}`,
      });
    }
    if (method.requestStream) this.startCall(stream);
  }

  /** Hands the call to its handler: streaming requests at once, unary ones with their message. */
  private startCall(stream: CallStream): void {
    const call = new ServerCall(stream);
    stream.call = call;
    const { method } = stream;
    try {
      if (!method.requestStream) {
        call.request = stream.request;
        if (method.responseStream) method.handler(call);
        else
          method.handler(call, (error: unknown, response: unknown) => {
            if (error) return call.emit('error', error);
            call.write(response);
            call.end();
          });
      } else method.handler(call);
    } catch (error) {
      call.finish({ code: UNKNOWN, details: `handler failed: ${(error as Error)?.message}` });
    }
  }

  private data(frame: Frame): void {
    const size = frame.payload.length;
    this.received += size;
    if (this.received >= RECEIVE_WINDOW / 2) {
      this.send(windowUpdate(0, this.received));
      this.received = 0;
    }
    const stream = this.streams.get(frame.streamId);
    if (!stream || stream.remoteClosed) return;
    stream.received += size;
    if (stream.received >= RECEIVE_WINDOW / 2) {
      this.send(windowUpdate(stream.id, stream.received));
      stream.received = 0;
    }
    const padded = (frame.flags & PADDED) !== 0;
    const body = frame.payload.subarray(padded ? 1 : 0, size - (padded ? frame.payload[0]! : 0));
    stream.inbound = stream.inbound.length === 0 ? body : Buffer.concat([stream.inbound, body]);
    this.messages(stream);
    if (frame.flags & END_STREAM && this.streams.has(stream.id)) this.remoteEnd(stream);
  }

  /** Takes every whole length-prefixed message out of the stream's inbound bytes. */
  private messages(stream: CallStream): void {
    while (stream.inbound.length >= 5) {
      const length = stream.inbound.readUInt32BE(1);
      if (stream.inbound.length < 5 + length) break;
      if (stream.inbound[0] !== 0) {
        return this.sendStatus(stream, {
          code: UNIMPLEMENTED,
          details: 'compressed messages are not supported (send grpc-encoding identity)',
        });
      }
      // A copy: what the store keeps of a message must not hold on to the whole read buffer.
      const bytes = Buffer.from(stream.inbound.subarray(5, 5 + length));
      stream.inbound = stream.inbound.subarray(5 + length);
      let message: unknown;
      try {
        message = stream.method.deserialize(bytes);
      } catch (error) {
        return this.sendStatus(stream, {
          code: INTERNAL,
          details: `cannot deserialize the request: ${(error as Error).message}`,
        });
      }
      if (stream.method.requestStream) stream.call?.emit('data', message);
      else stream.request = message;
    }
    if (stream.inbound.length === 0) stream.inbound = Buffer.alloc(0);
  }

  /** The client sent its last frame: a unary call now runs; a streaming one hears 'end'. */
  private remoteEnd(stream: CallStream): void {
    if (stream.remoteClosed) return;
    stream.remoteClosed = true;
    if (stream.method.requestStream) {
      stream.call?.emit('end');
      return;
    }
    if (stream.call) return;
    if (stream.request === undefined) {
      return this.sendStatus(stream, { code: INTERNAL, details: 'the request carried no message' });
    }
    this.startCall(stream);
  }

  private reset(id: number): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    this.streams.delete(id);
    stream.call?.cancel();
  }

  private settings(frame: Frame): void {
    if (frame.flags & ACK) return;
    for (let at = 0; at + 6 <= frame.payload.length; at += 6) {
      const id = frame.payload.readUInt16BE(at);
      const value = frame.payload.readUInt32BE(at + 2);
      if (id === SETTINGS_INITIAL_WINDOW_SIZE) {
        const delta = value - this.peerInitialWindow;
        this.peerInitialWindow = value;
        for (const stream of this.streams.values()) stream.sendWindow += delta;
      } else if (id === SETTINGS_MAX_FRAME_SIZE) this.peerMaxFrame = value;
    }
    this.send(frameBytes(SETTINGS, ACK, 0, Buffer.alloc(0)));
    this.flushAll();
  }

  private windowUpdate(frame: Frame): void {
    const increment = frame.payload.readUInt32BE(0) & 0x7fffffff;
    if (frame.streamId === 0) {
      this.sendWindow += increment;
      this.flushAll();
      return;
    }
    const stream = this.streams.get(frame.streamId);
    if (!stream) return;
    stream.sendWindow += increment;
    this.flush(stream);
  }

  // What the server sends.

  /** A message of a call: headers first if none went yet, then its DATA when windows allow. */
  sendMessage(stream: CallStream, message: Buffer): void {
    if (!this.streams.has(stream.id)) return;
    this.sendHeaders(stream);
    const size = 5 + message.length;
    const fits = Math.min(stream.sendWindow, this.sendWindow, this.peerMaxFrame) >= size;
    // The usual case, a message that fits every window: one DATA frame, built in one buffer.
    const at = fits && stream.outbound.length === 0 ? 9 : 0;
    const bytes = Buffer.allocUnsafe(at + size);
    if (at > 0) {
      bytes.writeUIntBE(size, 0, 3);
      bytes[3] = DATA;
      bytes[4] = 0;
      bytes.writeUInt32BE(stream.id, 5);
    }
    bytes[at] = 0;
    bytes.writeUInt32BE(message.length, at + 1);
    message.copy(bytes, at + 5);
    if (at === 0) return this.queue(stream, bytes);
    stream.sendWindow -= size;
    this.sendWindow -= size;
    this.send(bytes);
  }

  private queue(stream: CallStream, framed: Buffer): void {
    stream.outbound.push(framed);
    this.flush(stream);
  }

  /** Ends a call with its status: trailers after its DATA, or headers and status in one. */
  sendStatus(stream: CallStream, status: CallStatus): void {
    if (!this.streams.has(stream.id) || stream.trailers) return;
    if (!stream.headersSent && stream.outbound.length === 0) {
      stream.headersSent = true;
      stream.trailers = trailerBlock(status, true);
    } else {
      this.sendHeaders(stream);
      stream.trailers = trailerBlock(status, false);
    }
    this.flush(stream);
  }

  private sendHeaders(stream: CallStream): void {
    if (stream.headersSent) return;
    stream.headersSent = true;
    this.send(frameBytes(HEADERS, END_HEADERS, stream.id, responseHeaderBlock));
  }

  /** Sends as much of a stream's DATA as the windows allow, then its trailers once all went. */
  private flush(stream: CallStream): void {
    while (stream.outbound.length > 0) {
      const next = stream.outbound[0]!;
      const size = Math.min(next.length, stream.sendWindow, this.sendWindow, this.peerMaxFrame);
      if (size <= 0) return;
      this.send(frameBytes(DATA, 0, stream.id, next.subarray(0, size)));
      stream.sendWindow -= size;
      this.sendWindow -= size;
      if (size === next.length) stream.outbound.shift();
      else stream.outbound[0] = next.subarray(size);
    }
    if (!stream.trailers) return;
    this.send(frameBytes(HEADERS, END_HEADERS | END_STREAM, stream.id, stream.trailers));
    this.streams.delete(stream.id);
    // The call is over; a client still sending is told to stop, as gRPC servers do.
    if (!stream.remoteClosed) this.send(rstStream(stream.id, NO_ERROR));
    if (!stream.call) return;
    stream.call.finish({ code: OK }); // no-op when the call itself ended; marks it done otherwise
  }

  private flushAll(): void {
    for (const stream of this.streams.values()) {
      if (stream.outbound.length > 0) this.flush(stream);
    }
  }

  /**
   * Everything sent in one turn of the event loop goes out in one write: the frames of all the
   * calls answered meanwhile, joined into one buffer.
   */
  private send(bytes: Buffer): void {
    if (this.socket.destroyed) return;
    this.outgoing.push(bytes);
    if (this.outgoing.length === 1) process.nextTick(() => this.writeOutgoing());
  }

  private writeOutgoing(): void {
    const frames = this.outgoing;
    if (frames.length === 0 || this.socket.destroyed || this.socket.writableEnded) return;
    this.outgoing = [];
    this.socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }

  /** A protocol error: GOAWAY with its code, then the connection ends. */
  private fail(code: number): void {
    this.goAway(code);
    this.writeOutgoing();
    this.socket.end();
    setImmediate(() => this.socket.destroy());
  }

  private goAway(code: number): void {
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(this.lastStreamId, 0);
    payload.writeUInt32BE(code, 4);
    this.send(frameBytes(GOAWAY, 0, 0, payload));
  }

  /** Stops taking calls and ends the connection; calls still open are cancelled. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.goAway(NO_ERROR);
    this.writeOutgoing();
    this.socket.end();
    this.socket.destroy();
  }

  private closed(): void {
    this.closing = true;
    for (const stream of this.streams.values()) stream.call?.cancel();
    this.streams.clear();
    this.onClose();
  }
}

/** A header block the client's table could not read: the connection's HPACK state is lost. */
class HpackError extends Error {}

/** Stands in for a method the server does not have, so such a stream can still be answered. */
const UNKNOWN_METHOD: Method = {
  requestStream: false,
  responseStream: false,
  deserialize: () => undefined,
  serialize: () => Buffer.alloc(0),
  handler: () => undefined,
};

function windowUpdate(streamId: number, increment: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(increment, 0);
  return frameBytes(WINDOW_UPDATE, 0, streamId, payload);
}

function rstStream(streamId: number, code: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(code, 0);
  return frameBytes(RST_STREAM, 0, streamId, payload);
}

// ---------------------------------------------------------------------------------------------
// The server: the services' methods and the connections it serves.

export interface GrpcServer {
  /** Serves one connection whose first bytes (the preface) are still to be read. */
  serveConnection(connection: Duplex): void;
  /** Listens on its own port for gRPC alone; resolves with http://host:port. */
  listen(port: number, host: string): Promise<string>;
  /** Ends every connection (their calls are cancelled) and stops listening. */
  close(): Promise<void>;
}

export function createGrpcServer(methods: MethodTable): GrpcServer {
  const connections = new Set<GrpcConnection>();
  const listeners: net.Server[] = [];
  const serveConnection = (socket: Duplex) => {
    const connection: GrpcConnection = new GrpcConnection(socket, methods, () =>
      connections.delete(connection),
    );
    connections.add(connection);
  };
  return {
    serveConnection,
    listen(port, host) {
      const listener = net.createServer((socket) => {
        socket.setNoDelay(true);
        serveConnection(socket);
      });
      listeners.push(listener);
      return new Promise((resolve, reject) => {
        listener.once('error', reject);
        listener.listen(port, host, () => {
          listener.off('error', reject);
          resolve(`http://${host}:${(listener.address() as net.AddressInfo).port}`);
        });
      });
    },
    async close() {
      for (const connection of [...connections]) connection.close();
      await Promise.all(
        listeners.map((listener) => new Promise((done) => listener.close(() => done(undefined)))),
      );
    },
  };
}
