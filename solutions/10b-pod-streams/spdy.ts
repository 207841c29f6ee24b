// SPDY/3.1 frames: the framing `kubectl port-forward` still speaks, inside a WebSocket.
//
// kubectl 1.32 opens port-forward as a WebSocket with the subprotocol
// "SPDY/3.1+portforward.k8s.io" (client-go's tunneling dialer): the WebSocket's binary messages
// carry a SPDY connection, byte for byte, and kubectl falls back to plain SPDY (an HTTP upgrade to
// SPDY/3.1) when the WebSocket upgrade fails. Either way the streams inside are SPDY's: kubectl
// opens two streams per local connection (an error stream and a data stream) and sends bytes in
// data frames. Only the frames below are needed; kubectl's SPDY library does no flow control, so
// WINDOW_UPDATE and SETTINGS are read and ignored.
//
// Every frame has an 8-byte header. A control frame: 1 bit set, 15 bits version (3), 16 bits
// type, 8 bits flags, 24 bits length. A data frame: 1 bit clear, 31 bits stream id, 8 bits flags,
// 24 bits length. Then `length` bytes.
//
// Header blocks (in SYN_STREAM, SYN_REPLY) are compressed with zlib, primed with a dictionary the
// SPDY/3 specification gives (section 2.6.10.1), one compression stream per direction for the
// whole connection, flushed after each block.
import zlib from 'node:zlib';

export const spdyVersion = 3;

export const frameTypes = {
  synStream: 1,
  synReply: 2,
  rstStream: 3,
  settings: 4,
  ping: 6,
  goAway: 7,
  headers: 8,
  windowUpdate: 9,
} as const;

/** The FIN flag: the sender is done with this stream (in data frames and SYN frames). */
export const flagFin = 0x01;

/** RST_STREAM status codes used here. */
export const rstStatus = { protocolError: 1, invalidStream: 2, cancel: 5 } as const;

/** A frame as read off the wire. */
export type SpdyFrame =
  | { control: true; type: number; flags: number; payload: Buffer }
  | { control: false; streamId: number; flags: number; payload: Buffer };

/** The 8-byte header then the payload. */
export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(0x8000 | spdyVersion, 0);
  header.writeUInt16BE(type, 2);
  header.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([header, payload]);
}

export function dataFrame(streamId: number, flags: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(streamId & 0x7fffffff, 0);
  header.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([header, payload]);
}

/**
 * Cuts a byte stream into frames: bytes arrive in any pieces (WebSocket messages, TCP reads);
 * `push` returns every frame completed so far and keeps the rest for later.
 */
export class FrameReader {
  private pending = Buffer.alloc(0);

  push(bytes: Buffer): SpdyFrame[] {
    this.pending = Buffer.concat([this.pending, bytes]);
    const frames: SpdyFrame[] = [];
    while (this.pending.length >= 8) {
      const length = this.pending.readUInt32BE(4) & 0xffffff;
      if (this.pending.length < 8 + length) break;
      const flags = this.pending[4]!;
      const payload = this.pending.subarray(8, 8 + length);
      const first = this.pending.readUInt32BE(0);
      if (first & 0x80000000) {
        const version = (first >>> 16) & 0x7fff;
        if (version !== spdyVersion) throw new Error(`unsupported SPDY version ${version}`);
        frames.push({ control: true, type: first & 0xffff, flags, payload });
      } else {
        frames.push({ control: false, streamId: first & 0x7fffffff, flags, payload });
      }
      this.pending = this.pending.subarray(8 + length);
    }
    return frames;
  }
}

/** Header names and values: lower-case names, several values joined by NUL as SPDY does. */
export type SpdyHeaders = Record<string, string>;

/** An uncompressed header block: the count of pairs, then each name and value with its length. */
export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [];
  const pairs = Object.entries(headers);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(pairs.length);
  parts.push(count);
  for (const [name, value] of pairs) {
    for (const text of [name.toLowerCase(), value]) {
      const bytes = Buffer.from(text, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      parts.push(length, bytes);
    }
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = {};
  let offset = 4;
  const read = () => {
    const length = block.readUInt32BE(offset);
    const text = block.toString('utf8', offset + 4, offset + 4 + length);
    offset += 4 + length;
    return text;
  };
  for (let pair = block.readUInt32BE(0); pair > 0; pair--) {
    const name = read();
    headers[name] = read();
  }
  return headers;
}

/** The SPDY/3 header dictionary: these names, each after its 4-byte length, then `dictionaryTail`. */
const dictionaryWords = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset',
  'accept-encoding', 'accept-language', 'accept-ranges', 'age', 'allow', 'authorization',
  'cache-control', 'connection', 'content-base', 'content-encoding', 'content-language',
  'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date',
  'etag', 'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match',
  'if-range', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'pragma',
  'proxy-authenticate', 'proxy-authorization', 'range', 'referer', 'retry-after', 'server', 'te',
  'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
  'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public',
  'set-cookie', 'keep-alive', 'origin',
]; // prettier-ignore

const dictionaryTail =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request' +
  '401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented' +
  '503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 ' +
  'Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,' +
  'application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age=' +
  'gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

/** The dictionary both ends prime zlib with: 1423 bytes. */
export function headerDictionary(): Buffer {
  return Buffer.concat([
    ...dictionaryWords.map((word) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(word.length);
      return Buffer.concat([length, Buffer.from(word, 'latin1')]);
    }),
    Buffer.from(dictionaryTail, 'latin1'),
  ]);
}

/** Writes `input` through a zlib stream and collects what a sync flush gives out. */
function throughZlib(stream: zlib.Deflate | zlib.Inflate, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const collect = (chunk: Buffer) => chunks.push(chunk);
    stream.on('data', collect);
    stream.once('error', reject);
    stream.write(input);
    stream.flush(zlib.constants.Z_SYNC_FLUSH, () => {
      stream.off('data', collect);
      stream.off('error', reject);
      resolve(Buffer.concat(chunks));
    });
  });
}

/**
 * One direction's header compression, for the life of a connection: each block goes through the
 * same zlib stream, one after another (the order matters: each block's bytes depend on the ones
 * before).
 */
export class HeaderCompression {
  private readonly deflate = zlib.createDeflate({ dictionary: headerDictionary() });
  private readonly inflate = zlib.createInflate({ dictionary: headerDictionary() });
  private compressing: Promise<unknown> = Promise.resolve();
  private decompressing: Promise<unknown> = Promise.resolve();

  compress(headers: SpdyHeaders): Promise<Buffer> {
    const block = encodeHeaderBlock(headers);
    const next = this.compressing.then(() => throughZlib(this.deflate, block));
    this.compressing = next.catch(() => {});
    return next;
  }

  decompress(bytes: Buffer): Promise<SpdyHeaders> {
    const next = this.decompressing.then(async () =>
      decodeHeaderBlock(await throughZlib(this.inflate, bytes)),
    );
    this.decompressing = next.catch(() => {});
    return next;
  }

  close(): void {
    this.deflate.destroy();
    this.inflate.destroy();
  }
}

/** SYN_STREAM's payload: stream id, associated stream id, priority, slot, then the header block. */
export function readSynStream(payload: Buffer): { streamId: number; headerBlock: Buffer } {
  return { streamId: payload.readUInt32BE(0) & 0x7fffffff, headerBlock: payload.subarray(10) };
}

/** SYN_REPLY: the stream id, then the compressed header block. */
export function synReply(streamId: number, headerBlock: Buffer): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(streamId & 0x7fffffff);
  return controlFrame(frameTypes.synReply, 0, Buffer.concat([id, headerBlock]));
}

export function rstStream(streamId: number, status: number): Buffer {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(streamId & 0x7fffffff, 0);
  payload.writeUInt32BE(status, 4);
  return controlFrame(frameTypes.rstStream, 0, payload);
}

/** The stream id a RST_STREAM (or WINDOW_UPDATE, HEADERS) is about. */
export function streamIdOf(payload: Buffer): number {
  return payload.readUInt32BE(0) & 0x7fffffff;
}
