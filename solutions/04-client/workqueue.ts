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
import { systemClock, type Timer, type TimerClock } from '../../harness/clock.ts';
import type { WorkQueue, WorkQueueOptions } from '../../harness/client/types.ts';

export class RateLimitedQueue implements WorkQueue {
  /** Keys waiting for a worker, oldest first. */
  private readonly waiting: string[] = [];
  /** Keys that need processing: the waiting ones, and busy ones added again meanwhile. */
  private readonly dirty = new Set<string>();
  /** Keys a worker holds right now. */
  private readonly processing = new Set<string>();
  /** Failures since the last forget(), per key. */
  private readonly failures = new Map<string, number>();
  /** Keys due later (addAfter), with their timer and when they are due. */
  private readonly delayed = new Map<string, { timer: Timer; due: number }>();
  /** Workers waiting in get() for a key. */
  private readonly idleWorkers: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;
  private draining: (() => void) | undefined;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly clock: TimerClock;

  constructor(options: WorkQueueOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 1_000_000;
    this.clock = options.clock ?? systemClock;
  }

  add(key: string): void {
    if (this.shuttingDown || this.draining || this.dirty.has(key)) return;
    this.dirty.add(key);
    // A busy key goes back in line when its worker is done, not now.
    if (this.processing.has(key)) return;
    this.hand(key);
  }

  addAfter(key: string, delayMs: number): void {
    if (this.shuttingDown || this.draining) return;
    if (delayMs <= 0) return this.add(key);
    const due = this.clock.now() + delayMs;
    const pending = this.delayed.get(key);
    // A key already due sooner keeps its earlier time.
    if (pending && pending.due <= due) return;
    if (pending) this.clock.clearTimeout(pending.timer);
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.delayed.set(key, { timer, due });
  }

  addRateLimited(key: string): void {
    const failures = this.failures.get(key) ?? 0;
    this.failures.set(key, failures + 1);
    this.addAfter(key, Math.min(this.baseDelayMs * 2 ** failures, this.maxDelayMs));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  get(): Promise<string | undefined> {
    const key = this.waiting.shift();
    if (key !== undefined) return Promise.resolve(this.take(key));
    if (this.shuttingDown) return Promise.resolve(undefined);
    // While draining, a busy key added again may still come back: idle workers wait for it.
    return new Promise((resolve) => this.idleWorkers.push(resolve));
  }

  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) this.hand(key);
    this.finishDrainIfIdle();
  }

  length(): number {
    return this.waiting.length;
  }

  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) this.clock.clearTimeout(timer);
    this.delayed.clear();
    for (const worker of this.idleWorkers.splice(0)) worker(undefined);
  }

  shutDownWithDrain(): Promise<void> {
    return new Promise((resolve) => {
      this.draining = () => {
        this.shutDown();
        resolve();
      };
      this.finishDrainIfIdle();
    });
  }

  isShuttingDown(): boolean {
    return this.shuttingDown || this.draining !== undefined;
  }

  /** Gives a key to an idle worker, or puts it in line. */
  private hand(key: string): void {
    const worker = this.idleWorkers.shift();
    if (worker) worker(this.take(key));
    else this.waiting.push(key);
  }

  /** A worker takes a key: from now on it is busy, and clean until added again. */
  private take(key: string): string {
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private finishDrainIfIdle(): void {
    if (this.draining && this.processing.size === 0 && this.waiting.length === 0) this.draining();
  }
}

export function createWorkQueue(options?: WorkQueueOptions): WorkQueue {
  return new RateLimitedQueue(options);
}
