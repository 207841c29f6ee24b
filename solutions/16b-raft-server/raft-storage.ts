// A Raft node's stable storage on disk: its hard state (term, vote, commit) and its log, in one
// append-only file, each record a line of JSON written and synced before the node answers anyone.
// As etcd's WAL, it syncs only what a promise rests on: new entries, a new term or a new vote. A
// commit index alone is written but not synced; a crash may lose it, and the leader tells it again.
// The write is immediate and the sync (fdatasync) runs in the background, on libuv's thread pool:
// save answers a promise of it, so the member goes on serving while the disk works.
// A record of entries replaces the log from its first index on, as a new leader's entries replace
// a follower's conflicting ones; a torn last line (a crash mid-write) is dropped when read back.
// This is what etcd's WAL holds for raft (raftpb.HardState and raftpb.Entry records). A snapshot
// goes in a file of its own, <data dir>/member/snap/snapshot.json (etcd's member/snap/*.snap), and
// the log is then written again without the entries it covers: log compaction on disk.
import {
  closeSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { Entry, HardState, RaftStorage, Snapshot } from '../../harness/contracts/raft.ts';

/** One line of the file: a new hard state, or entries from an index on. */
export type StorageRecord = { hardState: HardState } | { entries: Entry[] };

/** Cuts `log` (entries of consecutive indexes) to those before `index`. */
function cutFrom(log: Entry[], index: number): void {
  log.length = Math.max(0, index - (log[0]?.index ?? index));
}

/**
 * Replays records in order: the last hard state wins, and each record of entries cuts the log at
 * its first index before appending (a compacted log starts after index 1). A line that is not whole
 * JSON ends the replay (a torn write).
 */
export function replayRecords(lines: string[]): { hardState: HardState; entries: Entry[] } {
  let hardState: HardState = { term: 0, vote: 0, commit: 0 };
  const entries: Entry[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    let record: StorageRecord;
    try {
      record = JSON.parse(line) as StorageRecord;
    } catch {
      break;
    }
    if ('hardState' in record) {
      hardState = record.hardState;
      continue;
    }
    const first = record.entries[0];
    if (!first) continue;
    cutFrom(entries, first.index);
    entries.push(...record.entries);
  }
  return { hardState, entries };
}

/**
 * What a snapshot leaves of a log: all of it if it starts just after the snapshot (written again
 * after it), the entries after its index if the log holds that index with its term (the log agrees
 * with it), none otherwise.
 */
export function entriesAfter(log: Entry[], snapshot: Snapshot): Entry[] {
  const first = log[0]?.index;
  if (first === snapshot.index + 1) return log;
  if (first === undefined || first > snapshot.index) return [];
  return log[snapshot.index - first]?.term === snapshot.term
    ? log.slice(snapshot.index - first + 1)
    : [];
}

/** The storage of one member, in <data dir>/member/raft/log.jsonl and member/snap/snapshot.json. */
export class FileRaftStorage implements RaftStorage {
  private file: number;
  private state: HardState;
  private log: Entry[];
  private saved: Snapshot | undefined;
  private readonly logPath: string;
  private readonly snapPath: string;
  /** Syncs not yet finished; close waits for them. */
  private syncing = 0;
  private closing = false;
  /** Log files a snapshot replaced while syncs on them ran: closed once those are done. */
  private retired: number[] = [];

  /** Opens (or creates) the files and reads back what they hold. */
  constructor(dataDir: string) {
    const dir = path.join(dataDir, 'member', 'raft');
    mkdirSync(dir, { recursive: true });
    mkdirSync(path.join(dataDir, 'member', 'snap'), { recursive: true });
    this.snapPath = path.join(dataDir, 'member', 'snap', 'snapshot.json');
    this.saved = readSnapshot(this.snapPath);
    const file = path.join(dir, 'log.jsonl');
    this.logPath = file;
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // Every record ends with a newline: anything after the last one is a torn write, cut off.
    const whole = text.lastIndexOf('\n') + 1;
    if (whole < text.length) truncateSync(file, whole);
    const replayed = replayRecords(text.slice(0, whole).split('\n'));
    this.state = replayed.hardState;
    this.log = this.saved ? entriesAfter(replayed.entries, this.saved) : replayed.entries;
    this.file = openSync(file, 'a');
  }

  snapshot(): Snapshot | undefined {
    return this.saved && { ...this.saved, peers: [...this.saved.peers] };
  }

  /**
   * Writes the snapshot (to a new file, fsynced, then renamed over the old: a crash leaves one or
   * the other whole), then writes the log again with only the hard state and the entries after it.
   */
  saveSnapshot(snapshot: Snapshot): void {
    if (this.saved && snapshot.index <= this.saved.index) return;
    writeWhole(this.snapPath, JSON.stringify(snapshot));
    this.saved = { ...snapshot, peers: [...snapshot.peers] };
    this.log = entriesAfter(this.log, snapshot);
    let lines = `${JSON.stringify({ hardState: this.state })}\n`;
    if (this.log.length > 0) lines += `${JSON.stringify({ entries: this.log })}\n`;
    // The entries a sync under way covers are in the new file too, which writeWhole syncs.
    if (this.syncing > 0) this.retired.push(this.file);
    else closeSync(this.file);
    writeWhole(this.logPath, lines);
    this.file = openSync(this.logPath, 'a');
  }

  hardState(): HardState {
    return { ...this.state };
  }

  entries(): Entry[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  /**
   * Appends the records at once and syncs them once (fdatasync, as etcd): the promise settles when
   * they are durable, and the caller sends nothing before. A record of nothing but a new commit
   * index is not synced (etcd's raft.MustSync), and save answers no promise then.
   */
  save(hardState: HardState | undefined, entries: Entry[]): Promise<void> | undefined {
    const mustSync =
      entries.length > 0 ||
      (hardState !== undefined &&
        (hardState.term !== this.state.term || hardState.vote !== this.state.vote));
    let lines = '';
    if (entries.length > 0) {
      lines += `${JSON.stringify({ entries })}\n`;
      cutFrom(this.log, entries[0]!.index);
      this.log.push(...entries.map((entry) => ({ ...entry })));
    }
    if (hardState) {
      lines += `${JSON.stringify({ hardState })}\n`;
      this.state = { ...hardState };
    }
    if (lines === '') return undefined;
    writeSync(this.file, lines);
    if (!mustSync) return undefined;
    this.syncing++;
    return new Promise((resolve, reject) => {
      fdatasync(this.file, (error) => {
        if (--this.syncing === 0) this.closeIdle();
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** Once no sync runs: closes the files a snapshot replaced, and this one if asked to. */
  private closeIdle(): void {
    for (const file of this.retired.splice(0)) closeSync(file);
    if (this.closing) closeSync(this.file);
  }

  /** Closes the file, once the syncs under way are done. */
  close(): void {
    this.closing = true;
    if (this.syncing === 0) this.closeIdle();
  }
}

/** The snapshot file's snapshot, if there is one. */
function readSnapshot(file: string): Snapshot | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Replaces `file` with `text` whole: written to a temporary file, fsynced, renamed over it. */
function writeWhole(file: string, text: string): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, text);
  const handle = openSync(temporary, 'r');
  fsyncSync(handle);
  closeSync(handle);
  renameSync(temporary, file);
}
