// A Raft node's stable storage on disk: its hard state (term, vote, commit) and its log, in one
// append-only file, each record a line of JSON written and synced before the node answers anyone.
// As etcd's WAL, it syncs only what a promise rests on: new entries, a new term or a new vote. The
// write is immediate and the sync (fdatasync) runs in the background: save answers a promise of it,
// and calls closeIdle once no sync runs.
// A record of entries replaces the log from its first index on, as a new leader's entries replace
// a follower's conflicting ones; a torn last line (a crash mid-write) is dropped when read back.
// This is what etcd's WAL holds for raft (raftpb.HardState and raftpb.Entry records). A snapshot
// goes in a file of its own, <data dir>/member/snap/snapshot.json (etcd's member/snap/*.snap), and
// the log is then written again without the entries it covers: log compaction on disk.
import { NotImplemented } from '../../harness/not-implemented.ts';
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

/**
 * Replays records in order: the last hard state wins, and each record of entries cuts the log at
 * its first index before appending (a compacted log starts after index 1). A line that is not whole
 * JSON ends the replay (a torn write).
 */
export function replayRecords(lines: string[]): { hardState: HardState; entries: Entry[] } {
  throw new NotImplemented('replayRecords', '§ Raft storage');
}

/**
 * What a snapshot leaves of a log: all of it if it starts just after the snapshot (written again
 * after it), the entries after its index if the log holds that index with its term (the log agrees
 * with it), none otherwise.
 */
export function entriesAfter(log: Entry[], snapshot: Snapshot): Entry[] {
  throw new NotImplemented('entriesAfter', '§ Snapshots');
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
   * A log file a sync under way still writes to goes in this.retired (closeIdle closes it later);
   * otherwise it is closed at once.
   */
  saveSnapshot(snapshot: Snapshot): void {
    throw new NotImplemented('FileRaftStorage.saveSnapshot', '§ Snapshots');
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
    throw new NotImplemented('FileRaftStorage.save', '§ Raft storage');
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
