// The work queue: the keys of objects that need reconciling. It is what turns a stream of events
// into a set of chores. A hundred updates to one Deployment while a worker is busy leave one key
// waiting, not a hundred: the worker reads the newest state when it gets there, so the updates in
// between do not matter. Three rules make that safe:
//
// - a key waits at most once (adding a waiting key does nothing);
// - a key being processed is never handed to a second worker; added meanwhile, it is marked
//   "dirty" and queued again when the first worker calls done();
// - a key that failed comes back after a back-off that doubles with each failure (5 ms, 10 ms,
//   20 ms, ... up to 1000 s, client-go's defaults) until forget() clears it.
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import type { WorkQueue, WorkQueueOptions } from '../../harness/client/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ The work queue';

/**
 * Suggested state (add your own fields): the keys waiting, in order (an array); the "dirty" set
 * (waiting, or busy and added again); the "processing" set; failures per key; the delayed keys with
 * their timer and due time; the workers waiting in get() (their resolve functions).
 */
export class RateLimitedQueue implements WorkQueue {
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly clock: TimerClock;

  constructor(options: WorkQueueOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 1_000_000;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Does nothing if the queue is shutting down or draining, or if the key is dirty already. A busy
   * key is only marked dirty; any other goes to an idle worker or to the end of the line.
   */
  add(key: string): void {
    throw new NotImplemented('RateLimitedQueue.add', section);
  }

  /**
   * Adds the key once `delayMs` have passed on the clock (at once when delayMs <= 0). If the key is
   * already due sooner, keep that time; if it is due later, replace the timer.
   */
  addAfter(key: string, delayMs: number): void {
    throw new NotImplemented('RateLimitedQueue.addAfter', section);
  }

  /** Counts a failure and adds after min(baseDelayMs * 2^(failures before this one), maxDelayMs). */
  addRateLimited(key: string): void {
    throw new NotImplemented('RateLimitedQueue.addRateLimited', section);
  }

  forget(key: string): void {
    throw new NotImplemented('RateLimitedQueue.forget', section);
  }

  numRequeues(key: string): number {
    throw new NotImplemented('RateLimitedQueue.numRequeues', section);
  }

  /**
   * The first waiting key, now busy and no longer dirty; or undefined once shut down; or, when none
   * waits, a promise that a later add (or shutDown) resolves.
   */
  get(): Promise<string | undefined> {
    throw new NotImplemented('RateLimitedQueue.get', section);
  }

  /** The key is no longer busy; if it was added meanwhile (dirty), it goes back in line. */
  done(key: string): void {
    throw new NotImplemented('RateLimitedQueue.done', section);
  }

  length(): number {
    throw new NotImplemented('RateLimitedQueue.length', section);
  }

  /** Stops everything: delayed keys and their timers are dropped, waiting workers get undefined. */
  shutDown(): void {
    throw new NotImplemented('RateLimitedQueue.shutDown', section);
  }

  /**
   * Takes no more keys, but hands out those waiting; resolves (and shuts down) once nothing waits
   * and nothing is busy.
   */
  shutDownWithDrain(): Promise<void> {
    throw new NotImplemented('RateLimitedQueue.shutDownWithDrain', section);
  }

  isShuttingDown(): boolean {
    throw new NotImplemented('RateLimitedQueue.isShuttingDown', section);
  }
}

export function createWorkQueue(options?: WorkQueueOptions): WorkQueue {
  return new RateLimitedQueue(options);
}
