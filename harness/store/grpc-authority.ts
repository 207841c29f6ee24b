// Why `etcdctl endpoint status --endpoints http://127.0.0.1:2379` needs this file, and what it does.
//
// etcdctl 3.4 dials each endpoint of `endpoint status` (and `endpoint health`, `snapshot save`)
// on its own, through gRPC's "passthrough" resolver with the endpoint as written, so its HTTP/2
// requests carry the pseudo-header `:authority: http://127.0.0.1:2379`, scheme and all. etcd's Go
// server takes any authority. Node's HTTP/2 server is nghttp2, which checks an :authority on the
// server side against the characters of RFC 3986's authority, finds the "/", and resets the
// stream with PROTOCOL_ERROR before Node (or gRPC) sees the request; Node has no option to relax
// the check. Written without the scheme (`--endpoints 127.0.0.1:2379`) every command works.
//
// So the store looks at the first request of each gRPC connection before Node's HTTP/2 does:
//
//   1. It sends the server's first SETTINGS frame itself (empty: the defaults), since a gRPC
//      client sends no request before it has the server's settings.
//   2. It reads the client's frames until it has the client's SETTINGS ACK and the first header
//      block (a HEADERS frame and its CONTINUATIONs), and decodes that block (hpack.ts).
//   3. It takes the ACK out (Node's HTTP/2 sent no SETTINGS yet: an ACK it did not ask for would be
//      a connection error) and hands the connection on. Node then sends its own SETTINGS, which
//      the client takes as new values and acknowledges.
//      - An :authority nghttp2 accepts (every client but etcdctl's endpoint commands): the socket
//        itself, with the bytes read put back. From here on nothing of kata's is in the way.
//      - Otherwise a stream in between that rewrites every header block of the connection:
//        decoded with the client's dynamic table, :authority repaired (the scheme and any path
//        taken off), and written again as plain literals, which use no table on Node's side.
//        Other frames pass as they are.
import { Duplex } from 'node:stream';
import { encodeLiterals, HpackDecoder, type HeaderField } from './hpack.ts';

/** The client's connection preface, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n": 24 bytes. */
const PREFACE_LENGTH = 24;
/** Frame types (RFC 9113, section 6) and the flags used here. */
export const HEADERS = 0x1;
export const SETTINGS = 0x4;
export const CONTINUATION = 0x9;
const END_STREAM = 0x1;
const ACK = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY = 0x20;
/** The largest frame payload a peer takes until it says otherwise (SETTINGS_MAX_FRAME_SIZE). */
const MAX_FRAME_PAYLOAD = 16_384;
/** Bytes read before giving up on seeing a first request: then the socket goes on untouched. */
const MAX_FIRST_BYTES = 1 << 20;

/** One frame: its 9-byte header's fields, its payload, and all its bytes. */
export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
  bytes: Buffer;
}

/** The frame starting at `at`, or undefined while it has not all arrived. */
export function frameAt(buffer: Buffer, at: number): Frame | undefined {
  if (buffer.length - at < 9) return undefined;
  const end = at + 9 + buffer.readUIntBE(at, 3);
  if (buffer.length < end) return undefined;
  return {
    type: buffer[at + 3]!,
    flags: buffer[at + 4]!,
    streamId: buffer.readUInt32BE(at + 5) & 0x7fffffff,
    payload: buffer.subarray(at + 9, end),
    bytes: buffer.subarray(at, end),
  };
}

/** A frame's bytes. */
export function frameBytes(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(9 + payload.length);
  frame.writeUIntBE(payload.length, 0, 3);
  frame[3] = type;
  frame[4] = flags;
  frame.writeUInt32BE(streamId, 5);
  payload.copy(frame, 9);
  return frame;
}

/** A HEADERS frame's header block fragment: its payload without padding and priority fields. */
function fragmentOf(frame: Frame): Buffer {
  const padded = (frame.flags & PADDED) !== 0;
  const start = (padded ? 1 : 0) + (frame.type === HEADERS && frame.flags & PRIORITY ? 5 : 0);
  const end = frame.payload.length - (padded ? frame.payload[0]! : 0);
  return frame.payload.subarray(start, end);
}

/** Whether nghttp2, as a server, takes this :authority (RFC 3986's characters; no "/", no "@"). */
export function acceptedAuthority(value: string): boolean {
  return /^[A-Za-z0-9!$%&'()*+,.:;=[\]_~-]*$/.test(value);
}

/**
 * The fields with the :authority made acceptable: "http://127.0.0.1:2379" becomes
 * "127.0.0.1:2379" (scheme and path taken off); one that is still not acceptable is left out
 * (an HTTP/2 request may go without it).
 */
export function repairAuthority(fields: HeaderField[]): HeaderField[] {
  return fields.flatMap(([name, value]): HeaderField[] => {
    if (name !== ':authority' || acceptedAuthority(value)) return [[name, value]];
    const bare = value.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').replace(/\/.*$/, '');
    return acceptedAuthority(bare) ? [[name, bare]] : [];
  });
}

/** A header block being gathered: its HEADERS frame and the fragments so far. */
interface Block {
  first: Frame;
  fragments: Buffer[];
}

/**
 * The client-to-server half of a rewritten connection: every header block decoded with the
 * client's table and written again as literals with its :authority repaired; other frames, and
 * the preface, as they come.
 */
export class HeaderRewriter {
  private readonly decoder = new HpackDecoder();
  private pending = Buffer.alloc(0);
  private prefaceLeft = PREFACE_LENGTH;
  private block?: Block;

  /** Takes the client's next bytes; returns the bytes to hand to the server. */
  push(chunk: Buffer): Buffer {
    let buffer = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    if (this.prefaceLeft > 0) {
      const taken = Math.min(this.prefaceLeft, buffer.length);
      out.push(buffer.subarray(0, taken));
      buffer = buffer.subarray(taken);
      this.prefaceLeft -= taken;
    }
    let at = 0;
    for (let frame = frameAt(buffer, at); frame; frame = frameAt(buffer, at)) {
      at += frame.bytes.length;
      if (frame.type === HEADERS) this.block = { first: frame, fragments: [fragmentOf(frame)] };
      else if (frame.type === CONTINUATION && this.block) this.block.fragments.push(frame.payload);
      else {
        out.push(frame.bytes);
        continue;
      }
      if (frame.flags & END_HEADERS) {
        out.push(this.rewrite(this.block));
        this.block = undefined;
      }
    }
    this.pending = Buffer.from(buffer.subarray(at));
    return Buffer.concat(out);
  }

  /** One header block as a HEADERS frame (and CONTINUATIONs) of literals, authority repaired. */
  private rewrite({ first, fragments }: Block): Buffer {
    const fields = repairAuthority(this.decoder.decode(Buffer.concat(fragments)));
    const priority =
      first.flags & PRIORITY
        ? first.payload.subarray(first.flags & PADDED ? 1 : 0, (first.flags & PADDED ? 1 : 0) + 5)
        : Buffer.alloc(0);
    const block = Buffer.concat([priority, encodeLiterals(fields)]);
    const frames: Buffer[] = [];
    for (let at = 0; at < block.length || at === 0; at += MAX_FRAME_PAYLOAD) {
      const piece = block.subarray(at, at + MAX_FRAME_PAYLOAD);
      const last = at + MAX_FRAME_PAYLOAD >= block.length;
      const flags =
        (at === 0 ? first.flags & (END_STREAM | PRIORITY) : 0) | (last ? END_HEADERS : 0);
      frames.push(frameBytes(at === 0 ? HEADERS : CONTINUATION, flags, first.streamId, piece));
    }
    return Buffer.concat(frames);
  }
}

/** What the first bytes of a connection showed: where the client's SETTINGS ACK is, and the first request's fields. */
export interface FirstExchange {
  ack: { start: number; end: number };
  fields: HeaderField[];
}

/**
 * Reads the client's first bytes (preface, then frames): the first SETTINGS ACK and the first
 * whole header block, decoded; undefined until both have arrived.
 */
export function firstExchange(buffer: Buffer): FirstExchange | undefined {
  let ack: FirstExchange['ack'] | undefined;
  let block: Block | undefined;
  let fields: HeaderField[] | undefined;
  let at = PREFACE_LENGTH;
  for (let frame = frameAt(buffer, at); frame && !(ack && fields); frame = frameAt(buffer, at)) {
    const start = at;
    at += frame.bytes.length;
    if (frame.type === SETTINGS && frame.flags & ACK) ack ??= { start, end: at };
    if (fields) continue;
    if (frame.type === HEADERS) block = { first: frame, fragments: [fragmentOf(frame)] };
    else if (frame.type === CONTINUATION && block) block.fragments.push(frame.payload);
    else continue;
    if (frame.flags & END_HEADERS)
      fields = new HpackDecoder().decode(Buffer.concat(block.fragments));
  }
  return ack && fields ? { ack, fields } : undefined;
}

/**
 * Takes a gRPC connection whose preface is waiting to be read (put back and paused, as the client
 * port hands it over) and gives `serve` the socket itself, or a rewriting stream when its first
 * request's :authority is one nghttp2 refuses. See the top of this file.
 */
export function admitGrpcConnection(socket: Duplex, serve: (connection: Duplex) => void): void {
  socket.write(frameBytes(SETTINGS, 0, 0, Buffer.alloc(0)));
  let seen = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    seen = Buffer.concat([seen, chunk]);
    const first = firstExchange(seen);
    if (!first && seen.length < MAX_FIRST_BYTES) return;
    socket.off('data', onData);
    socket.pause();
    const rest = first
      ? Buffer.concat([seen.subarray(0, first.ack.start), seen.subarray(first.ack.end)])
      : seen;
    const authority = first?.fields.find(([name]) => name === ':authority')?.[1] ?? '';
    if (acceptedAuthority(authority)) {
      socket.unshift(rest);
      serve(socket);
    } else serve(rewritingConnection(socket, rest));
  };
  socket.on('data', onData);
  socket.resume();
}

/** A stream over `socket` whose reads are the client's frames rewritten, starting with `first`. */
function rewritingConnection(socket: Duplex, first: Buffer): Duplex {
  const rewriter = new HeaderRewriter();
  const connection = new Duplex({
    read: () => void socket.resume(),
    write: (chunk: Buffer, _encoding, done) => void socket.write(chunk, done),
    final: (done) => {
      socket.end();
      done();
    },
    destroy: (error, done) => {
      socket.destroy(error ?? undefined);
      done(error);
    },
  });
  const pass = (chunk: Buffer) => {
    let rewritten: Buffer;
    try {
      rewritten = rewriter.push(chunk);
    } catch (error) {
      return connection.destroy(error as Error); // a header block that does not decode
    }
    if (rewritten.length > 0 && !connection.push(rewritten)) socket.pause();
  };
  pass(first);
  socket.on('data', pass);
  socket.on('end', () => connection.push(null));
  socket.on('close', () => connection.destroy());
  socket.resume();
  return connection;
}
