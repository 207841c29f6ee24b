// The replicated log of one node: its entries, how far they are persisted, committed and applied,
// and the two questions Raft asks of a log: "do we agree up to here?" (the consistency check of an
// append) and "where might we agree?" (the hint a follower gives back when it does not). Pure data:
// the node (raft.ts) decides when to ask. A log can start after a snapshot: the entries up to the
// snapshot's index are gone (compacted), and only that last entry's index and term are kept.
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
    this.stable = this.lastIndex();
    this.committed = Math.max(committed, this.offset);
    this.applied = this.offset;
  }

  /** The index of the last entry: 0 for an empty log, the snapshot's index for one emptied by it. */
  lastIndex(): number {
    return this.offset + this.entries.length;
  }

  /**
   * The term of the entry at `index`: 0 for index 0 (before the log), the snapshot's term at its
   * index, undefined past the end and before the snapshot's index (compacted: unknown).
   */
  term(index: number): number | undefined {
    if (index === this.offset) return this.offsetTerm;
    if (index < this.offset) return undefined;
    return this.entries[index - this.offset - 1]?.term;
  }

  /** The term of the last entry: 0 for an empty log. */
  lastTerm(): number {
    return this.term(this.lastIndex())!;
  }

  /** The consistency check: does this log hold an entry at `index` with `term`? */
  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /**
   * The election restriction: is a log ending at (lastIndex, lastTerm) at least as up to date as
   * this one? A later last term wins; with the same last term, the longer log.
   */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    return (
      lastTerm > this.lastTerm() || (lastTerm === this.lastTerm() && lastIndex >= this.lastIndex())
    );
  }

  /** The leader's own entries: appended at the end, not yet persisted. */
  append(entries: Entry[]): void {
    for (const entry of entries) this.entries.push({ ...entry });
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
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNew = prevIndex + entries.length;
    const conflict = entries.find((entry) => !this.matchTerm(entry.index, entry.term));
    if (conflict) {
      if (conflict.index <= this.committed) {
        throw new Error(
          `entry ${conflict.index} conflicts with the committed log (committed ${this.committed})`,
        );
      }
      this.truncateFrom(conflict.index);
      this.append(entries.slice(conflict.index - entries[0]!.index));
    }
    this.commitTo(Math.min(commit, lastNew));
    return lastNew;
  }

  /** Drops the entries from `index` on; what was persisted of them must be written again. */
  private truncateFrom(index: number): void {
    this.entries.length = index - this.offset - 1;
    this.stable = Math.min(this.stable, index - 1);
  }

  /**
   * Fast backtracking: the largest index at or below `index` whose term is at most `term`. A
   * follower that refuses an append answers it (with the term there), and the leader asks its own
   * log the same question, so a whole term of disagreeing entries is skipped in one round trip.
   */
  findConflictByTerm(index: number, term: number): number {
    let at = Math.min(index, this.lastIndex());
    while (at > this.offset && this.term(at)! > term) at--;
    return at;
  }

  /** The entries from `index` (after the snapshot's index) on, at most `limit` of them. */
  entriesFrom(index: number, limit = Infinity): Entry[] {
    const start = index - this.offset - 1;
    return this.entries.slice(start, start + limit).map((entry) => ({ ...entry }));
  }

  /** Commit only moves forward. */
  commitTo(index: number): void {
    if (index > this.committed) this.committed = index;
  }

  /** The entries not yet persisted; from now on counted as persisted. */
  takeUnstable(): Entry[] {
    const unstable = this.entriesFrom(this.stable + 1);
    this.stable = this.lastIndex();
    return unstable;
  }

  /** The committed entries not yet applied; from now on counted as applied. */
  takeCommitted(): Entry[] {
    const committed = this.entries
      .slice(this.applied - this.offset, this.committed - this.offset)
      .map((entry) => ({ ...entry }));
    this.applied = this.committed;
    return committed;
  }

  // Snapshots: the state machine's state stands in for the entries up to an index.

  /**
   * Compaction: a snapshot covers the entries up to `index`, so they are dropped; their last index
   * and term stay, for the consistency check of the next append. Only what was handed out to be
   * applied can be compacted.
   */
  compact(index: number): void {
    if (index > this.applied) {
      throw new Error(`cannot compact to ${index}: only ${this.applied} is applied`);
    }
    if (index <= this.offset) return;
    const term = this.term(index)!;
    this.entries.splice(0, index - this.offset);
    this.offset = index;
    this.offsetTerm = term;
  }

  /**
   * Installing a leader's snapshot: the whole log is replaced by it, committed and applied (the
   * state machine loads the snapshot instead of applying entries), and persisted with it.
   */
  restore(index: number, term: number): void {
    this.entries.length = 0;
    this.offset = index;
    this.offsetTerm = term;
    this.committed = index;
    this.applied = index;
    this.stable = index;
  }
}
