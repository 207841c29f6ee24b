// A Raft node's stable storage: its hard state (term, vote, commit) and its log, kept as records of
// chapter 02's write-ahead log (member/wal/*.wal under the data directory), each record JSON. The
// log frames every record with its length and checksum, cuts a torn tail after a crash, and syncs
// the records appended together with one fdatasync (group commit), on files it sized up front.
// As etcd's WAL, the storage syncs only what a promise rests on: new entries, a new term or a new
// vote. A commit index alone is not written at all: a crash may lose it, and the leader tells it
// again; the next record written carries it.
// A record of entries replaces the log from its first index on, as a new leader's entries replace
// a follower's conflicting ones. This is what etcd's WAL holds for raft (raftpb.HardState and
// raftpb.Entry records). A snapshot is the log's own snapshot (member/snap/*.snap): the Raft
// snapshot, the hard state and the entries after it, standing for every record before it, whose
// segments the log then deletes: log compaction on disk.
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { Entry, HardState, RaftStorage, Snapshot } from '../../harness/contracts/raft.ts';
import type { RecordLog, RecordLogContents } from '../../harness/contracts/raft-server.ts';

/** One record of the log: a new hard state, or entries from an index on. */
export type StorageRecord = { hardState: HardState } | { entries: Entry[] };

/** What the log's snapshot holds: the Raft snapshot, and the hard state and log after it. */
export interface StorageSnapshot {
  snapshot: Snapshot;
  hardState: HardState;
  entries: Entry[];
}

/** A node that never ran: term 0, no vote, nothing committed, an empty log. */
const EMPTY = { hardState: { term: 0, vote: 0, commit: 0 }, entries: [] as Entry[] };

/** Cuts `log` (entries of consecutive indexes) to those before `index`. */
function cutFrom(log: Entry[], index: number): void {
  log.length = Math.max(0, index - (log[0]?.index ?? index));
}

/**
 * Replays records in order, from `start` (a snapshot's hard state and entries, or nothing): the
 * last hard state wins, and each record of entries cuts the log at its first index before
 * appending.
 */
export function replayRecords(
  records: StorageRecord[],
  start: { hardState: HardState; entries: Entry[] } = EMPTY,
): { hardState: HardState; entries: Entry[] } {
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

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const recordOf = (value: unknown) => encoder.encode(JSON.stringify(value));
const valueOf = <T>(record: Uint8Array) => JSON.parse(decoder.decode(record)) as T;

/** The storage of one member, in the write-ahead log the harness opened in its data directory. */
export class FileRaftStorage implements RaftStorage {
  private readonly wal: RecordLog;
  private state: HardState;
  private log: Entry[];
  private saved: Snapshot | undefined;
  /** The last snapshot handed to the log, until it is on disk: syncs wait for it too. */
  private snapshotting: Promise<void> = Promise.resolve();
  private snapshotPending = false;

  /** Reads back what the log held: its snapshot, then the records after it. */
  constructor(wal: RecordLog, contents: RecordLogContents) {
    this.wal = wal;
    const base = contents.snapshot && valueOf<StorageSnapshot>(contents.snapshot);
    this.saved = base?.snapshot;
    const replayed = replayRecords(contents.records.map(valueOf<StorageRecord>), base || EMPTY);
    this.state = replayed.hardState;
    this.log = this.saved ? entriesAfter(replayed.entries, this.saved) : replayed.entries;
  }

  snapshot(): Snapshot | undefined {
    return this.saved && { ...this.saved, peers: [...this.saved.peers] };
  }

  /**
   * Keeps the snapshot and cuts the log behind it (entriesAfter), then hands the log a snapshot of
   * its own: the Raft snapshot, the hard state and the entries left. One snapshot of the log at a
   * time: a later one waits for the one before, and is made when its turn comes, from the state
   * then, which the records appended so far describe. Until it is on disk, the next save waits for
   * it, so nothing the snapshot holds (a leader's, installed) is promised before it is durable.
   */
  saveSnapshot(snapshot: Snapshot): void {
    throw new NotImplemented('FileRaftStorage.saveSnapshot', '§ Snapshots');
  }

  /** The storage's whole state, as the log's snapshot holds it. */
  private whole(): StorageSnapshot {
    return { snapshot: this.saved!, hardState: this.state, entries: this.log };
  }

  hardState(): HardState {
    return { ...this.state };
  }

  entries(): Entry[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  /**
   * Appends the records and answers a promise that settles once they are durable (the log's group
   * commit); the caller sends nothing before. A hard state whose only change is the commit index is
   * kept in memory, not written (etcd's raft.MustSync): save answers no promise then.
   */
  save(hardState: HardState | undefined, entries: Entry[]): Promise<void> | undefined {
    throw new NotImplemented('FileRaftStorage.save', '§ Raft storage');
  }

  /** Closes the log, once what was appended is on disk. */
  async close(): Promise<void> {
    await this.snapshotting.catch(() => undefined);
    await this.wal.close();
  }
}
