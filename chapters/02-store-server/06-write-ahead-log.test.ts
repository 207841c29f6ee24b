import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { frame, logFileName, logFileNumbers, readFrames, WriteAheadLog } from './wal.ts';

const record = (text: string) => Buffer.from(text);
const texts = (records: Uint8Array[]) => records.map((r) => Buffer.from(r).toString());

let dataDir: string;
let opened: WriteAheadLog[] = [];

/** Opens the log in the test's data directory; closed after the test. */
async function openLog() {
  const result = await WriteAheadLog.open(dataDir);
  opened.push(result.log);
  return result;
}

async function segments(): Promise<string[]> {
  return (await readdir(path.join(dataDir, 'member', 'wal'))).sort();
}

/** Overwrites bytes in the middle of a file, as a crash or a bad disk would. */
async function writeAt(file: string, position: number, bytes: Uint8Array): Promise<void> {
  const handle = await open(file, 'r+');
  await handle.write(bytes, 0, bytes.length, position);
  await handle.close();
}

async function lastSegment(): Promise<string> {
  return path.join(dataDir, 'member', 'wal', (await segments()).at(-1)!);
}

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'kata-wal-'));
  opened = [];
});

afterEach(async () => {
  vi.restoreAllMocks();
  for (const log of opened) await log.close().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

describe('The write-ahead log', () => {
  test('a frame is the record length, its CRC-32, then the record, little-endian', () => {
    const framed = frame(record('put foo'));
    const expected = Buffer.alloc(8 + 7);
    expected.writeUInt32LE(7, 0);
    expected.writeUInt32LE(crc32(record('put foo')), 4);
    expected.write('put foo', 8);
    expect(Buffer.from(framed).toString('hex'), 'frame("put foo")').toBe(expected.toString('hex'));
  });

  test('frames read back as the records written, in order', () => {
    const data = Buffer.concat([
      frame(record('one')),
      frame(record('two')),
      frame(record('three')),
    ]);
    const read = readFrames(data);
    expect(texts(read.records), 'read three frames').toEqual(['one', 'two', 'three']);
    expect(read.validBytes, 'every byte belongs to a whole frame').toBe(data.length);
  });

  test('reading stops at a frame cut short, a wrong checksum, or a run of zero bytes', () => {
    const good = frame(record('one'));
    const torn = frame(record('two')).subarray(0, 9);
    const corrupt = Buffer.from(frame(record('two')));
    corrupt[corrupt.length - 1] ^= 0xff;
    const zeros = Buffer.alloc(16);
    for (const [what, tail] of [
      ['a frame cut short', torn],
      ['a flipped bit', corrupt],
      ['zero bytes', zeros],
    ] as const) {
      const read = readFrames(Buffer.concat([good, tail]));
      expect(texts(read.records), `one good frame, then ${what}`).toEqual(['one']);
      expect(read.validBytes, `one good frame, then ${what}: where the good part ends`).toBe(
        good.length,
      );
    }
  });

  test('log files are named by their number in sixteen digits, and listed in number order', () => {
    expect(
      [logFileName(1, 'wal'), logFileName(42, 'snap')],
      "logFileName(1, 'wal') and logFileName(42, 'snap')",
    ).toEqual(['0000000000000001.wal', '0000000000000042.snap']);
    const names = [
      '0000000000000010.wal',
      '0000000000000002.wal',
      '0000000000000001.snap',
      '0000000000000003.wal.tmp',
      'notes.txt',
    ];
    expect(
      [logFileNumbers(names, 'wal'), logFileNumbers(names, 'snap')],
      `logFileNumbers of ${names.join(', ')}: for wal, then for snap`,
    ).toEqual([[2, 10], [1]]);
  });

  test('a new data directory opens empty, with its log under member/wal', async () => {
    const { replay } = await openLog();
    expect(replay, 'open an empty directory').toEqual({
      snapshot: undefined,
      records: [],
      truncatedBytes: 0,
    });
    expect((await segments()).length, 'segment files in member/wal').toBe(1);
  });

  test('a new segment is created at its full size, 8 MiB of zeros', async () => {
    await openLog();
    const data = await readFile(await lastSegment());
    expect(
      [data.length, data.every((byte) => byte === 0)],
      'the segment of a new log: [its size, all zeros?]',
    ).toEqual([8 * 1024 * 1024, true]);
  });

  test('opening the log a second time finds the same segment, and adds none', async () => {
    const { log } = await openLog();
    await log.close();
    const first = await segments();
    const { replay } = await openLog();
    expect(
      { segments: await segments(), records: replay.records },
      'open a new log, close it, open it again',
    ).toEqual({ segments: first, records: [] });
  });

  test('a half-written snapshot (a .tmp file) left by a crash is removed on open', async () => {
    const snapDir = path.join(dataDir, 'member', 'snap');
    await openLog();
    await writeFile(path.join(snapDir, '0000000000000001.snap.tmp'), 'half a snapsh');
    const { replay } = await openLog();
    expect(
      { snapshot: replay.snapshot, files: await readdir(snapDir) },
      'leave 0000000000000001.snap.tmp in member/snap, then open: the snapshot read, and what is left in member/snap',
    ).toEqual({ snapshot: undefined, files: [] });
  });

  test('records appended and synced are replayed, in order, after a restart', async () => {
    const { log } = await openLog();
    log.append(record('put a=1'));
    log.append(record('put b=2'));
    await log.synced();
    log.append(record('delete a'));
    await log.synced();
    await log.close();
    const { replay } = await openLog();
    expect(texts(replay.records), 'append three records, restart').toEqual([
      'put a=1',
      'put b=2',
      'delete a',
    ]);
  });

  test('synced() resolves only once the records are in the file', async () => {
    const { log } = await openLog();
    log.append(record('put a=1'));
    log.append(record('put b=2'));
    await log.synced();
    const onDisk = await readFile(await lastSegment());
    expect(texts(readFrames(onDisk).records), 'the segment file after synced()').toEqual([
      'put a=1',
      'put b=2',
    ]);
  });

  test('appends made together share one fdatasync (group commit)', async () => {
    const { log } = await openLog();
    const probe = await open(path.join(dataDir, 'probe'), 'w');
    const prototype = Object.getPrototypeOf(probe) as {
      datasync(): Promise<void>;
      sync(): Promise<void>;
    };
    await probe.close();
    const datasync = vi.spyOn(prototype, 'datasync');
    const sync = vi.spyOn(prototype, 'sync');
    for (let i = 0; i < 100; i++) log.append(record(`put key${i}`));
    await log.synced();
    const flushes = datasync.mock.calls.length + sync.mock.calls.length;
    expect(
      flushes,
      '100 appends in one turn of the event loop, then synced(): flushes to disk',
    ).toBe(1);
  });

  test('records appended after a restart go after the old ones, in the same segment', async () => {
    const { log } = await openLog();
    log.append(record('put a=1'));
    await log.synced();
    await log.close();
    const { log: reopened } = await openLog();
    reopened.append(record('put b=2'));
    await reopened.synced();
    await reopened.close();
    const { replay } = await openLog();
    expect(
      { records: texts(replay.records), segments: (await segments()).length },
      'append a, restart, append b, restart: the records, and how many segments',
    ).toEqual({ records: ['put a=1', 'put b=2'], segments: 1 });
  });

  test('close() waits for the records appended so far to reach the disk', async () => {
    const { log } = await openLog();
    log.append(record('put a=1'));
    log.append(record('put b=2'));
    await log.close();
    const { replay } = await openLog();
    expect(texts(replay.records), 'append two records, close without synced(), reopen').toEqual([
      'put a=1',
      'put b=2',
    ]);
  });

  test('size counts the bytes of the frames appended since the log was opened', async () => {
    const { log } = await openLog();
    log.append(record('put a=1'));
    log.append(record('put bb=22'));
    expect(log.size, 'append "put a=1" and "put bb=22" to a new log: size').toBe(
      frame(record('put a=1')).length + frame(record('put bb=22')).length,
    );
  });

  test('a torn tail is cut on open: the whole records before it survive', async () => {
    const { log } = await openLog();
    log.append(record('put a=1'));
    log.append(record('put b=2'));
    await log.synced();
    await log.close();
    // A crash in the middle of writing a third frame leaves its first 10 bytes after the others.
    const file = await lastSegment();
    const goodBytes = frame(record('put a=1')).length + frame(record('put b=2')).length;
    await writeAt(file, goodBytes, frame(record('put c=3')).subarray(0, 10));

    const { log: reopened, replay } = await openLog();
    expect(texts(replay.records), 'two records, then 10 bytes of a third').toEqual([
      'put a=1',
      'put b=2',
    ]);
    expect(replay.truncatedBytes, 'bytes cut').toBe(10);
    const after = await readFile(file);
    expect(
      after.subarray(goodBytes, goodBytes + 10).every((b) => b === 0),
      'the cut bytes are zero again',
    ).toBe(true);

    reopened.append(record('put d=4'));
    await reopened.synced();
    await reopened.close();
    const { replay: again } = await openLog();
    expect(texts(again.records), 'append after the cut, restart').toEqual([
      'put a=1',
      'put b=2',
      'put d=4',
    ]);
  });

  test('a corrupt last record is cut, never misread', async () => {
    const { log } = await openLog();
    log.append(record('put a=1'));
    log.append(record('put b=2'));
    await log.synced();
    await log.close();
    const file = await lastSegment();
    const lastByte = frame(record('put a=1')).length + frame(record('put b=2')).length - 1;
    const data = await readFile(file);
    await writeAt(file, lastByte, Buffer.from([data[lastByte]! ^ 0x01])); // "put b=2" becomes "put b=3"
    const { replay } = await openLog();
    expect(texts(replay.records), 'two records, the second with a flipped bit').toEqual([
      'put a=1',
    ]);
  });

  test('a snapshot replaces the segments before it: a restart reads it, then only later records', async () => {
    const { log } = await openLog();
    log.append(record('put a=1'));
    log.append(record('put b=2'));
    await log.synced();
    const before = await segments();
    await log.saveSnapshot(record('snapshot: a=1 b=2'));
    log.append(record('put c=3'));
    await log.synced();
    const after = await segments();
    expect(after, 'segments after the snapshot').not.toContain(before[0]);
    expect(after.length, 'segments after the snapshot').toBe(1);
    expect(
      await readdir(path.join(dataDir, 'member', 'snap')),
      'member/snap after the snapshot',
    ).toHaveLength(1);
    expect(log.size, 'bytes logged since the snapshot').toBe(frame(record('put c=3')).length);
    await log.close();

    const { replay } = await openLog();
    expect(Buffer.from(replay.snapshot!).toString(), 'the snapshot read on restart').toBe(
      'snapshot: a=1 b=2',
    );
    expect(texts(replay.records), 'records read on restart').toEqual(['put c=3']);
  });

  test('records appended while a snapshot is written go after it', async () => {
    const { log } = await openLog();
    log.append(record('put a=1'));
    const saving = log.saveSnapshot(record('snapshot: a=1'));
    log.append(record('put b=2'));
    await Promise.all([saving, log.synced()]);
    await log.close();
    const { replay } = await openLog();
    expect(Buffer.from(replay.snapshot!).toString(), 'the snapshot').toBe('snapshot: a=1');
    expect(texts(replay.records), 'records after it').toEqual(['put b=2']);
  });

  test('a snapshot left half-written by a crash is ignored', async () => {
    const { log } = await openLog();
    log.append(record('put a=1'));
    await log.synced();
    await log.close();
    await writeFile(
      path.join(dataDir, 'member', 'snap', '0000000000000001.snap.tmp'),
      'half a snapsh',
    );
    const { replay } = await openLog();
    expect(replay.snapshot, 'snapshot after a crash mid-snapshot').toBeUndefined();
    expect(texts(replay.records), 'records after a crash mid-snapshot').toEqual(['put a=1']);
  });

  test('damage before the last segment stops the open instead of losing writes', async () => {
    const { log } = await openLog();
    log.append(record('put a=1'));
    await log.synced();
    const first = await lastSegment();
    const saving = log.saveSnapshot(record('snapshot'));
    await saving;
    log.append(record('put b=2'));
    await log.synced();
    await log.close();
    // Put the first segment back, damaged, and drop the snapshot that replaced it.
    await writeFile(first, Buffer.concat([frame(record('put a=1')), Buffer.from('garbage')]));
    await rm(path.join(dataDir, 'member', 'snap'), { recursive: true });
    await expect(
      WriteAheadLog.open(dataDir),
      'opening with a damaged segment before the last should throw an error saying the segment is "corrupt"',
    ).rejects.toThrow(/corrupt/);
  });
});
