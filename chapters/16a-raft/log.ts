// The replicated log of one node: its entries, how far they are persisted, committed and applied,
// and the two questions Raft asks of a log: "do we agree up to here?" (the consistency check of an
// append) and "where might we agree?" (the hint a follower gives back when it does not). Pure data:
// the node (raft.ts) decides when to ask. A log can start after a snapshot: the entries up to the
// snapshot's index are gone (compacted), and only that last entry's index and term are kept.
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { Entry } from '../../harness/contracts/raft.ts';

export class RaftLog {
  /** entries[i] is the entry at index offset + i + 1. */
  private readonly entries: Entry[];
  /** The snapshot's index: the entries up to it are compacted away (0 without a snapshot). */
  offset: number;
  /** The term of the entry at offset, the last one the snapshot covers. */
  private offsetTerm: number;
  /** The last index on stable storage: entries after it still have to be persisted. */
  private stable: number;
  /** The highest index known to be committed. */
  committed: number;
  /** The highest index handed out to be applied. */
  applied: number;

  /**
   * A log that starts with what storage holds: every entry of it persisted already, after the
   * snapshot when there is one (its state is applied already: the log applies what follows it).
   */
  constructor(persisted: Entry[] = [], committed = 0, snapshot?: { index: number; term: number }) {
    this.entries = persisted.map((entry) => ({ ...entry }));
    this.offset = snapshot?.index ?? 0;
    this.offsetTerm = snapshot?.term ?? 0;
    this.stable = this.offset + this.entries.length;
    this.committed = Math.max(committed, this.offset);
    this.applied = this.offset;
  }

  /** The index of the last entry: 0 for an empty log, the snapshot's index for one emptied by it. */
  lastIndex(): number {
    throw new NotImplemented('RaftLog.lastIndex', '§ The log');
  }

  /**
   * The term of the entry at `index`: 0 for index 0 (before the log), the snapshot's term at its
   * index, undefined past the end and before the snapshot's index (compacted: unknown).
   */
  term(index: number): number | undefined {
    throw new NotImplemented('RaftLog.term', '§ The log');
  }

  /** The term of the last entry: 0 for an empty log. */
  lastTerm(): number {
    throw new NotImplemented('RaftLog.lastTerm', '§ The log');
  }

  /** The consistency check: does this log hold an entry at `index` with `term`? */
  matchTerm(index: number, term: number): boolean {
    throw new NotImplemented('RaftLog.matchTerm', '§ The log');
  }

  /**
   * The election restriction: is a log ending at (lastIndex, lastTerm) at least as up to date as
   * this one? A later last term wins; with the same last term, the longer log.
   */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    throw new NotImplemented('RaftLog.isUpToDate', '§ The log');
  }

  /** The leader's own entries: appended at the end, not yet persisted. */
  append(entries: Entry[]): void {
    throw new NotImplemented('RaftLog.append', '§ The log');
  }

  /**
   * A follower takes in an append: if it holds prevIndex with prevTerm, it keeps every entry it
   * already has that agrees, drops its own from the first conflict on, appends the rest, and learns
   * the commit index (never past the last entry the leader vouched for). Answers the last index
   * now known to match the leader's, or undefined when the consistency check fails.
   */
  maybeAppend(
    prevIndex: number,
    prevTerm: number,
    commit: number,
    entries: Entry[],
  ): number | undefined {
    throw new NotImplemented('RaftLog.maybeAppend', '§ The log');
  }

  /** Drops the entries from `index` on; what was persisted of them must be written again. */
  private truncateFrom(index: number): void {
    throw new NotImplemented('RaftLog.truncateFrom', '§ The log');
  }

  /**
   * Fast backtracking: the largest index at or below `index` whose term is at most `term`. A
   * follower that refuses an append answers it (with the term there), and the leader asks its own
   * log the same question, so a whole term of disagreeing entries is skipped in one round trip.
   */
  findConflictByTerm(index: number, term: number): number {
    throw new NotImplemented('RaftLog.findConflictByTerm', '§ The log');
  }

  /** The entries from `index` (after the snapshot's index) on, at most `limit` of them. */
  entriesFrom(index: number, limit = Infinity): Entry[] {
    throw new NotImplemented('RaftLog.entriesFrom', '§ The log');
  }

  /** Commit only moves forward. */
  commitTo(index: number): void {
    throw new NotImplemented('RaftLog.commitTo', '§ The log');
  }

  /** The entries not yet persisted; from now on counted as persisted. */
  takeUnstable(): Entry[] {
    throw new NotImplemented('RaftLog.takeUnstable', '§ The log');
  }

  /** The committed entries not yet applied; from now on counted as applied. */
  takeCommitted(): Entry[] {
    throw new NotImplemented('RaftLog.takeCommitted', '§ The log');
  }

  /**
   * Compaction: a snapshot covers the entries up to `index`, so they are dropped; their last index
   * and term stay, for the consistency check of the next append. Only what was handed out to be
   * applied can be compacted.
   */
  compact(index: number): void {
    throw new NotImplemented('RaftLog.compact', '§ Snapshots');
  }

  /**
   * Installing a leader's snapshot: the whole log is replaced by it, committed and applied (the
   * state machine loads the snapshot instead of applying entries), and persisted with it.
   */
  restore(index: number, term: number): void {
    throw new NotImplemented('RaftLog.restore', '§ Snapshots');
  }
}
