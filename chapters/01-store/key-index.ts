// The key index: every key the store remembers, in byte order, each with its history of versions.
//
// A *version* is one change to a key: its new state, or a deletion (a *tombstone*). Keeping every
// version, not just the latest, is what lets the store answer a read "as of revision 5" (MVCC,
// multi-version concurrency control). Keep a key's versions oldest first, so the newest is at the
// end, where most reads look.
//
// Keep the keys themselves sorted (compareBytes from harness/store/bytes.ts gives etcd's order), so
// that finding a key, or the first key of a range, is a binary search: a range of k keys must cost
// O(log n + k), not a walk over every key. The lesson's "Ranges" section discusses the choice.
import type { KeyValue } from '../../harness/store/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

/**
 * The keys a request covers: from `start` up to, but not including, `end`. Without an `end` the
 * interval holds every key from `start` on.
 */
export interface KeyInterval {
  start: Uint8Array;
  end: Uint8Array | undefined;
}

/**
 * Turns etcd's (key, rangeEnd) pair into an interval:
 * - no rangeEnd (or an empty one): the key alone. Tip: the smallest key after `key` is `key`
 *   followed by one zero byte, so [key, key + \0) holds exactly `key`.
 * - a rangeEnd of one zero byte (ALL_KEYS_FROM): every key from `key` on, no end.
 * - anything else: [key, rangeEnd).
 */
export function keyInterval(key: Uint8Array, rangeEnd?: Uint8Array): KeyInterval {
  throw new NotImplemented('keyInterval', '§ Ranges');
}

/** Is `key` inside the interval? */
export function inInterval(interval: KeyInterval, key: Uint8Array): boolean {
  throw new NotImplemented('inInterval', '§ Ranges');
}

/**
 * A key as a string, one character per byte, for use in a Map or a Set (there a Uint8Array is
 * compared by identity, not by its bytes). Node's Buffer can do it: `toString('latin1')`.
 */
export function keyId(key: Uint8Array): string {
  throw new NotImplemented('keyId', '§ Transactions');
}

/** One change to a key: its state from `modRevision` on, or `undefined` if it was deleted then. */
export interface KeyVersion {
  modRevision: number;
  kv: KeyValue | undefined;
}

/** A key and the versions of it the store still remembers, oldest first. */
export interface KeyHistory {
  key: Uint8Array;
  versions: KeyVersion[];
}

export class KeyIndex {
  /**
   * The key's state at `revision`: its newest version at or before that revision. Undefined if
   * there is none, or if that version is a tombstone (the key was deleted by then).
   */
  get(key: Uint8Array, revision: number): KeyValue | undefined {
    throw new NotImplemented('KeyIndex.get', '§ Revisions');
  }

  /**
   * Every key in the interval that existed at `revision`, in byte order, each with its state then.
   * Start with a binary search for `interval.start`, then walk forward until `interval.end`.
   */
  range(interval: KeyInterval, revision: number): KeyValue[] {
    throw new NotImplemented('KeyIndex.range', '§ Ranges');
  }

  /** Records a new version of `kv.key`, current from `kv.modRevision` on. A new key goes in its sorted place. */
  put(kv: KeyValue): void {
    throw new NotImplemented('KeyIndex.put', '§ Revisions');
  }

  /** Records that `key` was deleted at `revision` (a tombstone). */
  remove(key: Uint8Array, revision: number): void {
    throw new NotImplemented('KeyIndex.remove', '§ Deletes');
  }

  /**
   * Forgets every version no read at `revision` or later can see. Each key keeps the version that
   * was current at `revision` (unless that is a tombstone) and everything newer; a key left with no
   * versions leaves the index.
   */
  compact(revision: number): void {
    throw new NotImplemented('KeyIndex.compact', '§ Compaction');
  }
}
