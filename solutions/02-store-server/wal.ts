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
import { writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';

const FRAME_HEADER_BYTES = 8;

/** The size a segment file is created at. etcd's are 64 MiB; the kata store's records are few. */
const SEGMENT_BYTES = 8 * 1024 * 1024;

/** A record as it is written to disk: length, checksum, bytes. */
export function frame(record: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(FRAME_HEADER_BYTES + record.length);
  framed.writeUInt32LE(record.length, 0);
  framed.writeUInt32LE(crc32(record), 4);
  framed.set(record, FRAME_HEADER_BYTES);
  return framed;
}

/**
 * Reads whole frames from the start of `data`. Stops at the first frame that is cut short or whose
 * checksum does not match; `validBytes` says where the good part ends.
 */
export function readFrames(data: Uint8Array): { records: Uint8Array[]; validBytes: number } {
  const view = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const records: Uint8Array[] = [];
  let offset = 0;
  while (offset + FRAME_HEADER_BYTES <= view.length) {
    const length = view.readUInt32LE(offset);
    const checksum = view.readUInt32LE(offset + 4);
    const start = offset + FRAME_HEADER_BYTES;
    // A record is never empty: a run of zero bytes (a file extended but never written) must not
    // pass for an empty record whose checksum, 0, happens to match.
    if (length === 0 || start + length > view.length) break;
    const record = view.subarray(start, start + length);
    if (crc32(record) !== checksum) break;
    records.push(record);
    offset = start + length;
  }
  return { records, validBytes: offset };
}

/** What the log held when it was opened: the newest snapshot and the records written after it. */
export interface Replay {
  snapshot: Uint8Array | undefined;
  records: Uint8Array[];
  /** Bytes cut from the end of the log because the last frame was torn or corrupt. */
  truncatedBytes: number;
}

const ROTATE = Symbol('start a new segment');

interface Waiter {
  /** Resolve once this many records are durable. */
  through: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

export class WriteAheadLog {
  /**
   * Opens the log in `dataDir` (creating it if needed) and reads back what it holds: the newest
   * snapshot and every record after it. A torn or corrupt tail of the last segment is cut off;
   * damage anywhere else stops the open with an error, because skipping it would lose writes.
   */
  static async open(dataDir: string): Promise<{ log: WriteAheadLog; replay: Replay }> {
    const walDir = path.join(dataDir, 'member', 'wal');
    const snapDir = path.join(dataDir, 'member', 'snap');
    await mkdir(walDir, { recursive: true });
    await mkdir(snapDir, { recursive: true });

    // The newest snapshot says which segments it replaces. Half-written snapshots (*.tmp) and
    // anything it replaces are left-overs of a crash mid-snapshot.
    const covered = logFileNumbers(await readdir(snapDir), 'snap').at(-1) ?? 0;
    const snapshot =
      covered > 0
        ? await readSnapshot(path.join(snapDir, logFileName(covered, 'snap')))
        : undefined;
    await removeFiles(snapDir, (name) => name.endsWith('.tmp') || numberOf(name, 'snap') < covered);

    const segments = logFileNumbers(await readdir(walDir), 'wal');
    await removeFiles(walDir, (name) => numberOf(name, 'wal') <= covered);
    const live = segments.filter((segment) => segment > covered);

    const records: Uint8Array[] = [];
    let truncatedBytes = 0;
    let offset = 0;
    for (const [i, segment] of live.entries()) {
      const file = path.join(walDir, logFileName(segment, 'wal'));
      const data = await readFile(file);
      const read = readFrames(data);
      records.push(...read.records);
      offset = read.validBytes;
      // After the last whole frame comes unused space: zeros. Anything else is a torn write.
      const torn = lastNonZero(data) + 1 - read.validBytes;
      if (torn <= 0) continue;
      if (i !== live.length - 1) {
        throw new Error(
          `${file} is corrupt at byte ${read.validBytes} and later segments exist; ` +
            'the log cannot be replayed past it without losing writes',
        );
      }
      truncatedBytes = torn;
      await cutTornTail(file, read.validBytes);
    }

    const segment = live.at(-1) ?? covered + 1;
    const log = new WriteAheadLog(walDir, snapDir, segment);
    await log.openSegment(segment, offset);
    return { log, replay: { snapshot, records, truncatedBytes } };
  }

  private readonly walDir: string;
  private readonly snapDir: string;
  private segment: number;
  private file: FileHandle | undefined;
  /** Where the next frame goes in the current segment. */
  private offset = 0;
  /** Frames waiting for the next flush, and markers where a new segment starts. */
  private pending: Array<Buffer | typeof ROTATE> = [];
  private appended = 0;
  private durable = 0;
  private waiters: Waiter[] = [];
  private flushing = false;
  private failure: Error | undefined;
  private bytesSinceSnapshot = 0;
  private rotated: Array<() => void> = [];

  private constructor(walDir: string, snapDir: string, segment: number) {
    this.walDir = walDir;
    this.snapDir = snapDir;
    this.segment = segment;
  }

  /** Bytes appended since the last snapshot started: the caller snapshots when this grows. */
  get size(): number {
    return this.bytesSinceSnapshot;
  }

  /**
   * Adds a record. It is not yet durable: wait for `synced()` before telling anyone it happened.
   * Appends made in the same turn of the event loop go to disk together.
   */
  append(record: Uint8Array): void {
    if (this.failure) throw this.failure;
    const framed = frame(record);
    this.pending.push(framed);
    this.appended += 1;
    this.bytesSinceSnapshot += framed.length;
    this.scheduleFlush();
  }

  /** Resolves once every record appended so far is on disk. */
  synced(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.durable === this.appended) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push({ through: this.appended, resolve, reject });
    });
  }

  /**
   * Saves `snapshot`, which must hold exactly the state the records appended so far describe
   * (take it and call this in the same synchronous step). Later records go to a new segment; once
   * the snapshot is on disk, the segments it replaces are deleted.
   */
  async saveSnapshot(snapshot: Uint8Array): Promise<void> {
    const covered = this.segment;
    this.bytesSinceSnapshot = 0;
    const rotated = new Promise<void>((resolve) => this.rotated.push(resolve));
    this.pending.push(ROTATE);
    this.scheduleFlush();
    await rotated;
    if (this.failure) throw this.failure;

    // Write-then-rename: a crash leaves either the old snapshot or the new one, never half of one.
    const file = path.join(this.snapDir, logFileName(covered, 'snap'));
    const handle = await open(`${file}.tmp`, 'w');
    await writeAll(handle, frame(snapshot), 0);
    await handle.sync();
    await handle.close();
    await rename(`${file}.tmp`, file);
    await syncDirectory(this.snapDir);
    await removeFiles(this.walDir, (name) => numberOf(name, 'wal') <= covered);
    await removeFiles(this.snapDir, (name) => numberOf(name, 'snap') < covered);
  }

  /** Waits for pending records to reach the disk, then closes the file. */
  async close(): Promise<void> {
    await this.synced().catch(() => undefined);
    await this.file?.close();
    this.file = undefined;
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    this.flushing = true;
    // setImmediate, not a microtask: requests that arrived in this same turn of the event loop
    // get to append first, so they share this flush.
    setImmediate(() => void this.flushPending());
  }

  private async flushPending(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        const through = this.appended;
        this.pending = [];
        let frames: Buffer[] = [];
        for (const item of batch) {
          if (item !== ROTATE) {
            frames.push(item);
            continue;
          }
          await this.writeFrames(frames);
          frames = [];
          await this.nextSegment();
          for (const resolve of this.rotated.splice(0)) resolve();
        }
        await this.writeFrames(frames);
        this.durable = through;
        this.release();
      }
    } catch (error) {
      this.failForGood(error as Error);
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Writes frames at the end of the log and waits until the disk has them. The write itself only
   * copies bytes into the kernel's page cache, which takes microseconds, less than a round trip
   * through Node's thread pool, so it is done synchronously; the slow part, fdatasync, is not.
   */
  private async writeFrames(frames: Buffer[]): Promise<void> {
    if (frames.length === 0) return;
    const data = frames.length === 1 ? frames[0]! : Buffer.concat(frames);
    if (this.offset > 0 && this.offset + data.length > SEGMENT_BYTES) await this.nextSegment();
    let written = 0;
    while (written < data.length) {
      written += writeSync(
        this.file!.fd,
        data,
        written,
        data.length - written,
        this.offset + written,
      );
    }
    this.offset += data.length;
    await this.file!.datasync();
  }

  /** Closes the current segment, trimmed to what it holds, and starts the next one. */
  async nextSegment(): Promise<void> {
    await this.file!.truncate(this.offset);
    await this.file!.close();
    this.segment += 1;
    await this.openSegment(this.segment, 0);
  }

  /** Opens a segment to write at `offset`; a new one is first created at its full size. */
  private async openSegment(segment: number, offset: number): Promise<void> {
    const file = path.join(this.walDir, logFileName(segment, 'wal'));
    this.file = await open(file, offset === 0 ? 'w' : 'r+');
    this.offset = offset;
    if (offset === 0) {
      await this.file.truncate(SEGMENT_BYTES);
      await this.file.sync();
      // A new file exists only once its directory entry is on disk too.
      await syncDirectory(this.walDir);
    }
  }

  private release(): void {
    let done = 0;
    while (done < this.waiters.length && this.waiters[done]!.through <= this.durable) {
      this.waiters[done]!.resolve();
      done += 1;
    }
    this.waiters.splice(0, done);
  }

  /** A failed write or fsync leaves the log in an unknown state: refuse everything after it. */
  private failForGood(error: Error): void {
    this.failure = new Error(`write-ahead log failed: ${error.message}`);
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure);
    for (const resolve of this.rotated.splice(0)) resolve();
  }
}

/** The index of the last byte that is not zero, or -1. */
function lastNonZero(data: Uint8Array): number {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0) i--;
  return i;
}

/** Writes all of `data` at `position` (a write may take less than all of it). */
async function writeAll(handle: FileHandle, data: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(
      data,
      written,
      data.length - written,
      position + written,
    );
    written += bytesWritten;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The name of log file `n`: member/wal/<n>.wal for a segment, member/snap/<n>.snap for a snapshot. */
export function logFileName(n: number, extension: 'wal' | 'snap'): string {
  return `${String(n).padStart(16, '0')}.${extension}`;
}

/** The number in a log file's name, or NaN for a name that is not one (a .tmp file, say). */
function numberOf(name: string, extension: 'wal' | 'snap'): number {
  const match = new RegExp(`^(\\d{16})\\.${extension}$`).exec(name);
  return match ? Number(match[1]) : Number.NaN;
}

/** The numbers of the log files among `names`, smallest first; other names are left out. */
export function logFileNumbers(names: string[], extension: 'wal' | 'snap'): number[] {
  return names
    .map((name) => numberOf(name, extension))
    .filter((n) => !Number.isNaN(n))
    .sort((a, b) => a - b);
}

/** Reads a snapshot file: one whole frame, or an error that says the file is damaged. */
export async function readSnapshot(file: string): Promise<Uint8Array> {
  const data = await readFile(file);
  const { records, validBytes } = readFrames(data);
  if (records.length !== 1 || validBytes !== data.length) {
    throw new Error(`${file} is corrupt: its checksum does not match; restore from a backup`);
  }
  return records[0]!;
}

/**
 * Cuts what a crash tore at the end of a segment: everything from `validBytes` on becomes zeros
 * again (the file keeps its preallocated size), so the next frame starts cleanly.
 */
export async function cutTornTail(file: string, validBytes: number): Promise<void> {
  const handle = await open(file, 'r+');
  await handle.truncate(validBytes);
  await handle.truncate(Math.max(SEGMENT_BYTES, validBytes));
  await handle.sync();
  await handle.close();
}

async function removeFiles(dir: string, condemned: (name: string) => boolean): Promise<void> {
  for (const name of await readdir(dir)) {
    if (condemned(name)) await rm(path.join(dir, name), { force: true });
  }
}
