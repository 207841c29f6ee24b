// A Raft node's stable storage on disk: its hard state (term, vote, commit) and its log, in one
// append-only file, each record a line of JSON written and synced before the node answers anyone.
// As etcd's WAL, it syncs only what a promise rests on: new entries, a new term or a new vote. The
// write is immediate and the sync (fdatasync) runs in the background: save answers a promise of it.
// A record of entries replaces the log from its first index on, as a new leader's entries replace
// a follower's conflicting ones; a torn last line (a crash mid-write) is dropped when read back.
// This is what etcd's WAL holds for raft (raftpb.HardState and raftpb.Entry records).
import { NotImplemented } from '../../harness/not-implemented.ts';
import {
  closeSync,
  fdatasync,
  mkdirSync,
  openSync,
  readFileSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import type { Entry, HardState, RaftStorage } from '../../harness/contracts/raft.ts';

/** One line of the file: a new hard state, or entries from an index on. */
export type StorageRecord = { hardState: HardState } | { entries: Entry[] };

/**
 * Replays records in order: the last hard state wins, and each record of entries cuts the log at
 * its first index before appending. A line that is not whole JSON ends the replay (a torn write).
 */
export function replayRecords(lines: string[]): { hardState: HardState; entries: Entry[] } {
  throw new NotImplemented('replayRecords', '§ Raft storage');
}

/** The storage of one member, in <data dir>/member/raft/log.jsonl. */
export class FileRaftStorage implements RaftStorage {
  private readonly file: number;
  private state: HardState;
  private readonly log: Entry[];
  /** Syncs not yet finished; close waits for them. */
  private syncing = 0;
  private closing = false;

  /** Opens (or creates) the file and reads back what it holds. */
  constructor(dataDir: string) {
    const dir = path.join(dataDir, 'member', 'raft');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'log.jsonl');
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
    this.log = replayed.entries;
    this.file = openSync(file, 'a');
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

  /** Closes the file, once the syncs under way are done. */
  close(): void {
    this.closing = true;
    if (this.syncing === 0) closeSync(this.file);
  }
}
