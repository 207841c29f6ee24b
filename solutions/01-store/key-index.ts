// The key index: every key the store remembers, in byte order, each with its history of versions.
//
// A *version* is one change to a key: its new state, or a deletion (a *tombstone*). Keeping every
// version, not just the latest, is what lets the store answer a read "as of revision 5" (MVCC,
// multi-version concurrency control). A key's versions are kept oldest first, so the newest is at
// the end, where most reads look.
//
// The keys themselves are kept in a sorted array. Finding a key, or the first key of a range, is a
// binary search (O(log n)); a range then walks forward until it passes the range's end, so reading
// k keys costs O(log n + k) however many keys the store holds. Adding a new key shifts the array
// (O(n) moves, fast in practice because it is one memory copy); etcd uses a B-tree, which keeps both
// costs at O(log n) for a good deal more code.
import { compareBytes, equalBytes } from '../../harness/store/bytes.ts';
import type { KeyValue } from '../../harness/store/types.ts';

/**
 * The keys a request covers: from `start` up to, but not including, `end`. Without an `end` the
 * interval holds every key from `start` on.
 */
export interface KeyInterval {
  start: Uint8Array;
  end: Uint8Array | undefined;
}

/**
 * Turns etcd's (key, rangeEnd) pair into an interval. No rangeEnd means the key alone; a rangeEnd
 * of one zero byte means every key from `key` on; anything else is the end of [key, rangeEnd).
 */
export function keyInterval(key: Uint8Array, rangeEnd?: Uint8Array): KeyInterval {
  if (!rangeEnd || rangeEnd.length === 0) {
    // The smallest key after `key` is `key` followed by a zero byte: [key, key\0) holds key alone.
    const next = new Uint8Array(key.length + 1);
    next.set(key);
    return { start: key, end: next };
  }
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { start: key, end: undefined };
  return { start: key, end: rangeEnd };
}

export function inInterval(interval: KeyInterval, key: Uint8Array): boolean {
  return (
    compareBytes(key, interval.start) >= 0 &&
    (interval.end === undefined || compareBytes(key, interval.end) < 0)
  );
}

/**
 * A key as a string, one character per byte, for use in a Map or a Set (a Uint8Array is compared
 * by identity there, not by its bytes).
 */
export function keyId(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
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
  private readonly histories: KeyHistory[] = [];

  /** The key's state at `revision`, or undefined if it did not exist then. */
  get(key: Uint8Array, revision: number): KeyValue | undefined {
    const history = this.histories[this.position(key)];
    return history && equalBytes(history.key, key) ? stateAt(history, revision) : undefined;
  }

  /** Every key in the interval that existed at `revision`, in byte order, with its state then. */
  range(interval: KeyInterval, revision: number): KeyValue[] {
    const found: KeyValue[] = [];
    for (let i = this.position(interval.start); i < this.histories.length; i++) {
      const history = this.histories[i]!;
      if (interval.end && compareBytes(history.key, interval.end) >= 0) break;
      const kv = stateAt(history, revision);
      if (kv) found.push(kv);
    }
    return found;
  }

  /** Records a new version of `kv.key`, current from `kv.modRevision` on. */
  put(kv: KeyValue): void {
    this.historyOf(kv.key).versions.push({ modRevision: kv.modRevision, kv });
  }

  /** Records that `key` was deleted at `revision` (a tombstone). */
  remove(key: Uint8Array, revision: number): void {
    this.historyOf(key).versions.push({ modRevision: revision, kv: undefined });
  }

  /**
   * Forgets every version no read at `revision` or later can see. Each key keeps the version that
   * was current at `revision` (unless that is a tombstone) and everything newer; a key left with
   * no versions leaves the index.
   */
  compact(revision: number): void {
    let kept = 0;
    for (const history of this.histories) {
      const { versions } = history;
      let current = versions.length - 1;
      while (current >= 0 && versions[current]!.modRevision > revision) current--;
      if (current >= 0) versions.splice(0, versions[current]!.kv ? current : current + 1);
      if (versions.length > 0) this.histories[kept++] = history;
    }
    this.histories.length = kept;
  }

  /** Binary search: the position of `key`, or of the first key after it when it is not there. */
  private position(key: Uint8Array): number {
    let low = 0;
    let high = this.histories.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareBytes(this.histories[middle]!.key, key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The key's history, created in its sorted place if the index does not hold the key yet. */
  private historyOf(key: Uint8Array): KeyHistory {
    const at = this.position(key);
    const found = this.histories[at];
    if (found && equalBytes(found.key, key)) return found;
    const history: KeyHistory = { key, versions: [] };
    this.histories.splice(at, 0, history);
    return history;
  }
}

/** The newest version at or before `revision`: looked for from the end, where reads usually stop. */
function stateAt(history: KeyHistory, revision: number): KeyValue | undefined {
  for (let i = history.versions.length - 1; i >= 0; i--) {
    const version = history.versions[i]!;
    if (version.modRevision <= revision) return version.kv;
  }
  return undefined;
}
