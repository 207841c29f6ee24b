// HTTP/2 frames (RFC 9113, section 4.1) as bytes: the nine-byte header (payload length, type,
// flags, stream id) and the payload. kata's gRPC server (grpc-server.ts) reads and writes its
// connections with these two functions.

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
