// Expectations: what a controller has asked for and not seen yet. A ReplicaSet controller that has
// just created three pods must not count pods again before its informer shows them, or a slow
// watch would make it create three more. So it notes "I expect 3 creations" and waits: each pod
// the informer adds lowers the count, and only at zero does the controller act on that ReplicaSet
// again. A count that never reaches zero (a watch event lost) expires after five minutes.
import type { Clock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ ReplicaSets';

export class Expectations {
  private readonly clock: Clock;
  private readonly timeoutMs: number;

  constructor(clock: Clock, timeoutMs = 5 * 60 * 1000) {
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Whether the controller may act on `key`: nothing expected, everything expected seen, or
   * expected more than timeoutMs ago (on the clock).
   */
  satisfied(key: string): boolean {
    throw new NotImplemented('Expectations.satisfied', section);
  }

  /** Expect `count` creations for `key` (replacing what was expected), from now. */
  expectCreations(key: string, count: number): void {
    throw new NotImplemented('Expectations.expectCreations', section);
  }

  /** Expect the deletion of the pods with these uids (replacing what was expected), from now. */
  expectDeletions(key: string, uids: string[]): void {
    throw new NotImplemented('Expectations.expectDeletions', section);
  }

  creationObserved(key: string): void {
    throw new NotImplemented('Expectations.creationObserved', section);
  }

  deletionObserved(key: string, uid: string): void {
    throw new NotImplemented('Expectations.deletionObserved', section);
  }

  forget(key: string): void {
    throw new NotImplemented('Expectations.forget', section);
  }
}
