// The write-ahead log: how an acknowledged write survives a crash.
//
// Before the server answers a write, the write is appended to a file and the file is flushed to
// the disk with fdatasync. A crash may then lose only writes nobody was told had succeeded. On
// start, the log is read back (replayed) to rebuild the store.
//
// Words used below:
//   - record: one logged change, as bytes. This file does not know what a record means; the
//     durable store (durable-store.ts) does.
//   - frame: a record on disk: its length (4 bytes), its CRC-32 checksum (4 bytes), then its bytes,
//     little-endian. A crash in the middle of a write leaves a *torn* frame at the end of the file:
//     too short for its length, or with a checksum that does not match. Replay stops there and
//     cuts the file, so a half-written record is never mistaken for a whole one.
//   - group commit: fdatasync is slow (a disk round trip), so appends that arrive while one flush
//     is running wait and go to disk together in the next one. Many writers share one fdatasync.
//   - segment: the log is a series of files, member/wal/0000000000000001.wal, ...2.wal, ...
//     Each is created at its full size up front (8 MiB, as etcd preallocates its own), and frames
//     are written into that space. A write that makes a file longer changes the file's size, which
//     fdatasync must then flush as well; a write inside it does not. The zeros after the last
//     frame read as "no more records".
//   - snapshot: the whole store in one file, member/snap/<segment>.snap, standing for every
//     segment up to and including <segment>. Once it is safely on disk those segments are deleted,
//     so the log (and the time a restart takes) stays bounded.
//
// The layout echoes etcd's own data directory (member/wal, member/snap), so `ls` looks familiar.
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ The write-ahead log';

/** A record as it is written to disk: length (4 bytes), CRC-32 (4 bytes, zlib's crc32), bytes. */
export function frame(record: Uint8Array): Buffer {
  throw new NotImplemented('frame', section);
}

/**
 * Reads whole frames from the start of `data`. Stops at the first frame that is cut short, whose
 * checksum does not match, or whose length is 0 (records are never empty, so zeros are not one);
 * `validBytes` says where the good part ends.
 */
export function readFrames(data: Uint8Array): { records: Uint8Array[]; validBytes: number } {
  throw new NotImplemented('readFrames', section);
}

/**
 * The name of log file `n`, its number in sixteen digits: "0000000000000001.wal" for segment 1
 * (member/wal), "0000000000000001.snap" for the snapshot that covers segments up to 1 (member/snap).
 */
export function logFileName(n: number, extension: 'wal' | 'snap'): string {
  throw new NotImplemented('logFileName', section);
}

/**
 * The numbers of the log files of this extension among `names` (a directory listing), smallest
 * first. Any other name (a .tmp file, a stray file) is left out.
 */
export function logFileNumbers(names: string[], extension: 'wal' | 'snap'): number[] {
  throw new NotImplemented('logFileNumbers', section);
}

/**
 * Reads a snapshot file written by saveSnapshot: exactly one whole frame, whose record it returns.
 * Anything else (a wrong checksum, bytes after the frame) is an error that names the file and says
 * it is corrupt: a damaged snapshot must stop the open, not be half-read.
 */
export async function readSnapshot(file: string): Promise<Uint8Array> {
  throw new NotImplemented('readSnapshot', section);
}

/**
 * Cuts what a crash tore at the end of a segment: every byte from `validBytes` on becomes zero
 * again (truncate to validBytes, then back to the preallocated size), and the file is synced, so
 * the next frame starts cleanly.
 */
export async function cutTornTail(file: string, validBytes: number): Promise<void> {
  throw new NotImplemented('cutTornTail', section);
}

/** What the log held when it was opened: the newest snapshot and the records written after it. */
export interface Replay {
  snapshot: Uint8Array | undefined;
  records: Uint8Array[];
  /** Bytes cut from the end of the log because the last frame was torn or corrupt. */
  truncatedBytes: number;
}

export class WriteAheadLog {
  /**
   * Opens the log in `dataDir` (creating member/wal and member/snap if needed) and reads back what
   * it holds: the newest snapshot (readSnapshot) and every record in the segments after it, oldest
   * first. After the last whole frame of a segment come zeros; anything else there is a torn or
   * corrupt tail: in the last segment it is cut off (cutTornTail, counted in truncatedBytes), in an
   * earlier one it stops the open with an error that says "corrupt", because skipping it would
   * lose writes. Leftovers of a crash in the middle of a snapshot (*.tmp files, segments a
   * snapshot replaced) are removed. Writing continues after the last whole frame of the last
   * segment, or in a new segment created at its full size (8 MiB of zeros, the file and its
   * directory synced).
   */
  static async open(dataDir: string): Promise<{ log: WriteAheadLog; replay: Replay }> {
    throw new NotImplemented('WriteAheadLog.open', section);
  }

  /** Bytes appended since the last snapshot started: the caller snapshots when this grows. */
  get size(): number {
    throw new NotImplemented('WriteAheadLog.size', section);
  }

  /**
   * Adds a record. It is not yet durable: wait for `synced()` before telling anyone it happened.
   * Appends made in the same turn of the event loop go to disk together, with one fdatasync.
   */
  append(record: Uint8Array): void {
    throw new NotImplemented('WriteAheadLog.append', section);
  }

  /** Resolves once every record appended so far is on disk (written and fdatasync'ed). */
  synced(): Promise<void> {
    throw new NotImplemented('WriteAheadLog.synced', section);
  }

  /**
   * Saves `snapshot`, which holds exactly the state the records appended so far describe. Later
   * records go to a new segment; the snapshot is written to a temporary file, fsynced, renamed
   * into place and its directory fsynced; then the segments it replaces are deleted.
   */
  async saveSnapshot(snapshot: Uint8Array): Promise<void> {
    throw new NotImplemented('WriteAheadLog.saveSnapshot', section);
  }

  /**
   * Closes the current segment, cut down to the frames it holds, and starts the next one at its
   * full size: when a segment is full, and when a snapshot starts.
   */
  async nextSegment(): Promise<void> {
    throw new NotImplemented('WriteAheadLog.nextSegment', section);
  }

  /** Waits for pending records to reach the disk, then closes the file. */
  async close(): Promise<void> {
    throw new NotImplemented('WriteAheadLog.close', section);
  }
}
