// HPACK (RFC 7541), the header compression of HTTP/2, in the two halves kata's gRPC server
// (grpc-server.ts) needs: reading any header block a client sends, and writing header fields in
// the plainest form.
//
// A header block is a list of instructions: "field N of the table" (indexed), "this name and value,
// and add them to the table" (literal with incremental indexing), "this name and value, not added"
// (literal without indexing, or never indexed), and "the table's size is now S". The table is the
// static table (61 fields every HTTP/2 party knows) followed by a dynamic table each side keeps
// per connection, newest first, evicted oldest first past its size (a field counts its name's and
// value's bytes plus 32). Strings are raw or Huffman-coded with a fixed canonical code.
//
// Written for the store's one use: a call's header block is a few dozen bytes, mostly indexed after
// the first call of a connection, so the Huffman decoder reads a bit at a time.

/** The static table (RFC 7541, Appendix A): index 1 is :authority. Values only where it has one. */
const staticTable: Array<[string, string]> = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ...[
    'accept-charset',
    'accept-encoding',
    'accept-language',
    'accept-ranges',
    'accept',
    'access-control-allow-origin',
    'age',
    'allow',
    'authorization',
    'cache-control',
    'content-disposition',
    'content-encoding',
    'content-language',
    'content-length',
    'content-location',
    'content-range',
    'content-type',
    'cookie',
    'date',
    'etag',
    'expect',
    'expires',
    'from',
    'host',
    'if-match',
    'if-modified-since',
    'if-none-match',
    'if-range',
    'if-unmodified-since',
    'last-modified',
    'link',
    'location',
    'max-forwards',
    'proxy-authenticate',
    'proxy-authorization',
    'range',
    'referer',
    'refresh',
    'retry-after',
    'server',
    'set-cookie',
    'strict-transport-security',
    'transfer-encoding',
    'user-agent',
    'vary',
    'via',
    'www-authenticate',
  ].map((name): [string, string] => [name, name === 'accept-encoding' ? 'gzip, deflate' : '']),
];

/**
 * The Huffman code's length in bits for each symbol, 0 to 255 and 256 (EOS, end of string), from
 * RFC 7541 Appendix B, sixteen symbols a row. The code is canonical: codes are handed out in
 * order of length, then of symbol, so the lengths alone define it.
 */
const huffmanLengths = [
  [13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28],
  [28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  [6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6],
  [5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10],
  [13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7],
  [7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6],
  [15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5],
  [6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28],
  [20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23],
  [24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24],
  [22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23],
  [21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23],
  [26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25],
  [19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27],
  [20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23],
  [26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26],
  [30],
].flat();

/** For each code length: the first code of that length, and where its symbols start in `sorted`. */
interface CanonicalCode {
  sorted: number[];
  firstCode: number[];
  firstIndex: number[];
  count: number[];
}

/** The canonical code from the lengths: symbols sorted by (length, symbol), codes counted up. */
function canonicalCode(lengths: number[]): CanonicalCode {
  const sorted = lengths
    .map((_, symbol) => symbol)
    .sort((a, b) => lengths[a]! - lengths[b]! || a - b);
  const count = new Array<number>(31).fill(0);
  for (const length of lengths) count[length]!++;
  const firstCode = new Array<number>(31).fill(0);
  const firstIndex = new Array<number>(31).fill(0);
  let code = 0;
  let index = 0;
  for (let length = 1; length <= 30; length++) {
    code = (code + count[length - 1]!) << 1;
    firstCode[length] = code;
    firstIndex[length] = index;
    index += count[length]!;
  }
  return { sorted, firstCode, firstIndex, count };
}

const huffman = canonicalCode(huffmanLengths);

/** The code of one symbol, for tests: [code, length]. */
export function huffmanCodeOf(symbol: number): [number, number] {
  const length = huffmanLengths[symbol]!;
  const position = huffman.sorted.indexOf(symbol) - huffman.firstIndex[length]!;
  return [huffman.firstCode[length]! + position, length];
}

/** Decodes a Huffman-coded string. The padding must be fewer than 8 one bits (EOS's start). */
export function huffmanDecode(bytes: Uint8Array): Buffer {
  const out: number[] = [];
  let code = 0;
  let length = 0;
  for (const byte of bytes) {
    for (let bit = 7; bit >= 0; bit--) {
      code = (code << 1) | ((byte >> bit) & 1);
      length++;
      const offset = code - huffman.firstCode[length]!;
      if (offset >= 0 && offset < huffman.count[length]!) {
        const symbol = huffman.sorted[huffman.firstIndex[length]! + offset]!;
        if (symbol === 256) throw new Error('HPACK: EOS inside a Huffman string');
        out.push(symbol);
        code = 0;
        length = 0;
      } else if (length >= 30) throw new Error('HPACK: not a Huffman code');
    }
  }
  if (length >= 8 || code !== (1 << length) - 1) throw new Error('HPACK: bad Huffman padding');
  return Buffer.from(out);
}

/** A header field as HPACK carries it: name and value. */
export type HeaderField = [name: string, value: string];

/** Where a reader is in a header block. */
interface Cursor {
  bytes: Uint8Array;
  at: number;
}

/** An integer with an N-bit prefix (RFC 7541, section 5.1). */
function readInteger(cursor: Cursor, prefixBits: number): number {
  const max = (1 << prefixBits) - 1;
  let value = cursor.bytes[cursor.at++]! & max;
  if (value < max) return value;
  let shift = 0;
  for (;;) {
    if (cursor.at >= cursor.bytes.length) throw new Error('HPACK: integer cut short');
    const byte = cursor.bytes[cursor.at++]!;
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return value;
    if (shift > 28) throw new Error('HPACK: integer too large');
  }
}

/** A string literal: its H bit says Huffman, then a 7-bit-prefix length, then the bytes. */
function readString(cursor: Cursor): string {
  const huffmanCoded = (cursor.bytes[cursor.at]! & 0x80) !== 0;
  const length = readInteger(cursor, 7);
  const end = cursor.at + length;
  if (end > cursor.bytes.length) throw new Error('HPACK: string cut short');
  const raw = cursor.bytes.subarray(cursor.at, end);
  cursor.at = end;
  return (huffmanCoded ? huffmanDecode(raw) : Buffer.from(raw)).toString('latin1');
}

/** Reads header blocks in order, keeping the dynamic table the sender's encoder keeps. */
export class HpackDecoder {
  private dynamic: HeaderField[] = [];
  private size = 0;
  /** The table's most size, as the sender set it (4096 until a size update says otherwise). */
  private maxSize = 4096;

  /** The fields of one whole header block (a HEADERS frame's and its CONTINUATIONs' fragments). */
  decode(block: Uint8Array): HeaderField[] {
    const cursor: Cursor = { bytes: block, at: 0 };
    const fields: HeaderField[] = [];
    while (cursor.at < block.length) {
      const first = block[cursor.at]!;
      if (first & 0x80) {
        fields.push(this.field(readInteger(cursor, 7)));
      } else if ((first & 0xe0) === 0x20) {
        this.maxSize = readInteger(cursor, 5);
        this.evict(0);
      } else {
        const indexing = (first & 0xc0) === 0x40;
        const nameIndex = readInteger(cursor, indexing ? 6 : 4);
        const name = nameIndex === 0 ? readString(cursor) : this.field(nameIndex)[0];
        const field: HeaderField = [name, readString(cursor)];
        fields.push(field);
        if (indexing) this.add(field);
      }
    }
    return fields;
  }

  private field(index: number): HeaderField {
    const found =
      index <= staticTable.length
        ? staticTable[index - 1]
        : this.dynamic[index - staticTable.length - 1];
    if (index === 0 || !found) throw new Error(`HPACK: no field at index ${index}`);
    return found;
  }

  private add(field: HeaderField): void {
    const size = field[0].length + field[1].length + 32;
    this.evict(size);
    if (size > this.maxSize) return; // larger than the table: it empties it and is not kept
    this.dynamic.unshift(field);
    this.size += size;
  }

  /** Evicts the oldest fields until `room` more bytes fit. */
  private evict(room: number): void {
    while (this.dynamic.length > 0 && this.size + room > this.maxSize) {
      const [name, value] = this.dynamic.pop()!;
      this.size -= name.length + value.length + 32;
    }
  }
}

/** An integer with an N-bit prefix, the prefix's other bits set to `flags`. */
function writeInteger(value: number, prefixBits: number, flags: number): number[] {
  const max = (1 << prefixBits) - 1;
  if (value < max) return [flags | value];
  const out = [flags | max];
  let rest = value - max;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}

/**
 * A header block of every field as a literal without indexing, with a literal name and raw
 * strings: it neither reads nor changes the receiver's dynamic table, whatever that holds.
 */
export function encodeLiterals(fields: HeaderField[]): Buffer {
  const out: number[] = [];
  for (const [name, value] of fields) {
    out.push(0x00);
    for (const text of [name, value]) {
      const bytes = Buffer.from(text, 'latin1');
      out.push(...writeInteger(bytes.length, 7, 0x00), ...bytes);
    }
  }
  return Buffer.from(out);
}
