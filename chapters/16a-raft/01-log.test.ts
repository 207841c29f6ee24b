// The log on its own: the questions Raft asks of it (the term at an index, the consistency check,
// which log is more up to date, where two logs may agree) and what it remembers of itself (how far
// it is persisted, committed and applied). No node, no messages.
import { describe, expect, test } from 'vitest';
import type { Entry } from '../../harness/contracts/raft.ts';
import { RaftLog } from './log.ts';

/** Entries 1, 2, ... with these terms. */
function entries(...terms: number[]): Entry[] {
  return terms.map((term, i) => ({ term, index: i + 1, command: `c${i + 1}` }));
}

/** Entries from `first` on with these terms. */
function entriesFrom(first: number, ...terms: number[]): Entry[] {
  return terms.map((term, i) => ({ term, index: first + i, command: `n${first + i}` }));
}

describe('The log', () => {
  test('an empty log ends at index 0 of term 0; past its end there is no term', () => {
    const log = new RaftLog();
    expect(log.lastIndex(), 'a new log: last index').toBe(0);
    expect(log.term(0), 'a new log: the term at index 0, before the first entry').toBe(0);
    expect(log.lastTerm(), 'a new log: the last term').toBe(0);
    expect(log.term(1), 'a new log: index 1 does not exist yet').toBeUndefined();
  });

  test('a log built from storage answers the term at each index, and its last', () => {
    const log = new RaftLog(entries(1, 1, 2));
    expect(
      [1, 2, 3].map((i) => log.term(i)),
      'entries of terms 1, 1, 2',
    ).toEqual([1, 1, 2]);
    expect(log.lastIndex(), 'three entries: last index').toBe(3);
    expect(log.lastTerm(), 'terms 1, 1, 2: last term').toBe(2);
    expect(log.matchTerm(2, 1), 'index 2 holds term 1').toBe(true);
    expect(log.matchTerm(3, 1), 'index 3 holds term 2, not 1').toBe(false);
    expect(log.matchTerm(4, 2), 'index 4 does not exist').toBe(false);
  });

  test('up to date: a later last term wins; with the same last term, the longer log', () => {
    const log = new RaftLog(entries(1, 2, 2));
    expect(log.isUpToDate(1, 3), 'ours ends (3, term 2); theirs (1, term 3): a later term').toBe(
      true,
    );
    expect(
      log.isUpToDate(5, 1),
      'ours ends (3, term 2); theirs (5, term 1): longer but older',
    ).toBe(false);
    expect(log.isUpToDate(3, 2), 'the same last entry').toBe(true);
    expect(log.isUpToDate(2, 2), 'the same last term, shorter').toBe(false);
  });

  test('the consistency check: an append whose previous entry this log lacks is refused', () => {
    const log = new RaftLog(entries(1, 1));
    expect(
      log.maybeAppend(3, 1, 0, entriesFrom(4, 1)),
      'prevIndex 3 on a log of two',
    ).toBeUndefined();
    expect(
      log.maybeAppend(2, 2, 0, entriesFrom(3, 2)),
      'prevIndex 2 of term 2; ours is term 1',
    ).toBeUndefined();
    expect(log.lastIndex(), 'refused appends change nothing').toBe(2);
    expect(log.maybeAppend(2, 1, 0, entriesFrom(3, 2)), 'prevIndex 2 of term 1 matches').toBe(3);
    expect(log.term(3), 'the new entry of term 2 is at 3').toBe(2);
  });

  test('an append keeps the entries that agree and replaces everything from the first conflict', () => {
    const log = new RaftLog(entries(1, 1, 1, 1));
    expect(
      log.maybeAppend(1, 1, 0, entriesFrom(2, 1)),
      'an old append of an entry already held',
    ).toBe(2);
    expect(log.lastIndex(), 'a late, duplicated append must not cut the entries after it').toBe(4);
    log.maybeAppend(1, 1, 0, entriesFrom(2, 1, 3));
    expect(
      [1, 2, 3].map((i) => log.term(i)),
      'entry 3 of term 3 replaces term 1',
    ).toEqual([1, 1, 3]);
    expect(log.lastIndex(), 'entry 4 came after the conflict: gone').toBe(3);
  });

  test('the commit index follows the leader, no further than the entries it vouched for, never back', () => {
    const log = new RaftLog(entries(1, 1, 1));
    log.maybeAppend(1, 1, 5, []);
    expect(log.committed, 'leader commit 5; the append vouched only up to index 1').toBe(1);
    log.maybeAppend(3, 1, 2, []);
    expect(log.committed, 'leader commit 2, vouched up to 3').toBe(2);
    log.commitTo(1);
    expect(log.committed, 'commitTo never moves back').toBe(2);
    expect(
      () => log.maybeAppend(1, 1, 0, entriesFrom(2, 2)),
      'replacing committed entry 2 throws',
    ).toThrow(/committed/);
  });

  test('findConflictByTerm: the last index at or below one whose term is at most the given term', () => {
    const log = new RaftLog(entries(1, 1, 3, 3, 5, 5));
    expect(log.findConflictByTerm(6, 4), 'terms 1 1 3 3 5 5, from 6 down to a term <= 4').toBe(4);
    expect(log.findConflictByTerm(6, 5), 'index 6 is term 5 already').toBe(6);
    expect(log.findConflictByTerm(9, 2), 'from past the end, down to a term <= 2').toBe(2);
    expect(log.findConflictByTerm(3, 0), 'no term is <= 0: index 0').toBe(0);
  });

  test('entries are handed out to persist once, and again after a conflict replaced them', () => {
    const log = new RaftLog(entries(1, 1));
    expect(log.takeUnstable(), 'entries read from storage are persisted already').toEqual([]);
    log.append(entriesFrom(3, 2, 2));
    expect(
      log.takeUnstable().map((e) => e.index),
      'two new entries',
    ).toEqual([3, 4]);
    expect(log.takeUnstable(), 'handed out once').toEqual([]);
    log.maybeAppend(2, 1, 0, entriesFrom(3, 3));
    expect(log.takeUnstable(), 'entry 3 replaced: persist it again').toEqual(entriesFrom(3, 3));
    expect(
      log.entriesFrom(2, 1).map((e) => e.index),
      'entriesFrom(2, limit 1)',
    ).toEqual([2]);
  });

  test('committed entries are handed out to apply once, in order', () => {
    const log = new RaftLog(entries(1, 1, 1), 2);
    expect(
      log.takeCommitted().map((e) => e.index),
      'a restarted log applies from the start',
    ).toEqual([1, 2]);
    expect(log.takeCommitted(), 'nothing new committed').toEqual([]);
    log.commitTo(3);
    expect(
      log.takeCommitted().map((e) => e.command),
      'entry 3 committed',
    ).toEqual(['c3']);
    expect(log.applied, 'applied follows').toBe(3);
  });
});
