// Expectations: what a controller has asked for and not seen yet. A ReplicaSet controller that has
// just created three pods must not count pods again before its informer shows them, or a slow
// watch would make it create three more. So it notes "I expect 3 creations" and waits: each pod
// the informer adds lowers the count, and only at zero does the controller act on that ReplicaSet
// again. A count that never reaches zero (a watch event lost) expires after five minutes.
import type { Clock } from '../../harness/clock.ts';

interface Expected {
  creations: number;
  deletions: Set<string>;
  since: number;
}

export class Expectations {
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly byKey = new Map<string, Expected>();

  constructor(clock: Clock, timeoutMs = 5 * 60 * 1000) {
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  /** Whether the controller may act on `key`: nothing pending, or what is pending has expired. */
  satisfied(key: string): boolean {
    const expected = this.byKey.get(key);
    if (!expected) return true;
    const done = expected.creations <= 0 && expected.deletions.size === 0;
    return done || this.clock.now() - expected.since > this.timeoutMs;
  }

  expectCreations(key: string, count: number): void {
    this.byKey.set(key, { creations: count, deletions: new Set(), since: this.clock.now() });
  }

  /** The uids of the pods being deleted. */
  expectDeletions(key: string, uids: string[]): void {
    this.byKey.set(key, { creations: 0, deletions: new Set(uids), since: this.clock.now() });
  }

  creationObserved(key: string): void {
    const expected = this.byKey.get(key);
    if (expected) expected.creations--;
  }

  deletionObserved(key: string, uid: string): void {
    this.byKey.get(key)?.deletions.delete(uid);
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }
}
