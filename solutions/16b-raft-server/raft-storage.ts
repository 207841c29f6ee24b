// A Raft node's stable storage on disk: its hard state (term, vote, commit) and its log, in one
// append-only file, each record a line of JSON written and synced before the node answers anyone.
// As etcd's WAL, it syncs only what a promise rests on: new entries, a new term or a new vote. A
// commit index alone is written but not synced; a crash may lose it, and the leader tells it again.
// The write is immediate and the sync (fdatasync) runs in the background, on libuv's thread pool:
// save answers a promise of it, so the member goes on serving while the disk works.
// A record of entries replaces the log from its first index on, as a new leader's entries replace
// a follower's conflicting ones; a torn last line (a crash mid-write) is dropped when read back.
// This is what etcd's WAL holds for raft (raftpb.HardState and raftpb.Entry records).
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
    entries.length = first.index - 1;
    entries.push(...record.entries);
  }
  return { hardState, entries };
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
    const mustSync =
      entries.length > 0 ||
      (hardState !== undefined &&
        (hardState.term !== this.state.term || hardState.vote !== this.state.vote));
    let lines = '';
    if (entries.length > 0) {
      lines += `${JSON.stringify({ entries })}\n`;
      this.log.length = entries[0]!.index - 1;
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
        if (--this.syncing === 0 && this.closing) closeSync(this.file);
        if (error) reject(error);
        else resolve();
      });
    });
  }

  /** Closes the file, once the syncs under way are done. */
  close(): void {
    this.closing = true;
    if (this.syncing === 0) closeSync(this.file);
  }
}
