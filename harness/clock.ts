// Time, injected. Components that care about time (lease expiry, heartbeats, back-off) take a Clock
// instead of calling Date.now(), so tests can move time forward without sleeping. Components that
// also wait (a work queue's back-off, an informer's resync, a leader's renewals) take a TimerClock,
// which sets timers too.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** A timer handle, as setTimeout returns it. Only the clock that made it can clear it. */
export type Timer = unknown;

export interface TimerClock extends Clock {
  /** Calls `callback` once, `milliseconds` from now. */
  setTimeout(callback: () => void, milliseconds: number): Timer;
  clearTimeout(timer: Timer): void;
}

export const systemClock: TimerClock = {
  now: () => Date.now(),
  setTimeout: (callback, milliseconds) => {
    const timer = setTimeout(callback, milliseconds);
    // A pending back-off or resync must not keep a finished program alive.
    timer.unref();
    return timer;
  },
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/** Resolves after `milliseconds` on `clock`, or at once (resolving, not rejecting) when `signal` aborts. */
export function sleep(
  clock: TimerClock,
  milliseconds: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, milliseconds);
    signal?.addEventListener('abort', done, { once: true });
  });
}

interface PendingTimer {
  due: number;
  /** Order of creation, so timers due at the same moment fire in the order they were set. */
  sequence: number;
  callback: () => void;
}

/** A clock that moves only when told to, and fires its timers as it passes them. For tests. */
export class FakeClock implements TimerClock {
  private current: number;
  private readonly timers = new Set<PendingTimer>();
  private sequence = 0;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, milliseconds: number): Timer {
    const timer = {
      due: this.current + Math.max(0, milliseconds),
      sequence: this.sequence++,
      callback,
    };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(timer: Timer): void {
    this.timers.delete(timer as PendingTimer);
  }

  /** How many timers are waiting to fire. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward, firing every timer due on the way in due order, each with the clock set to
   * its due time. A timer set by a callback fires too if it falls within the step.
   */
  advance(milliseconds: number): void {
    const end = this.current + milliseconds;
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.timers.delete(next);
      this.current = next.due;
      next.callback();
    }
    this.current = end;
  }

  private nextDue(end: number): PendingTimer | undefined {
    let next: PendingTimer | undefined;
    for (const timer of this.timers) {
      if (timer.due > end) continue;
      if (
        !next ||
        timer.due < next.due ||
        (timer.due === next.due && timer.sequence < next.sequence)
      )
        next = timer;
    }
    return next;
  }
}

/** A time as Kubernetes writes it in objects (metav1.Time): RFC 3339, UTC, whole seconds. */
export function rfc3339(milliseconds: number): string {
  return new Date(milliseconds).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A time as Kubernetes writes it in Leases and Events (metav1.MicroTime): RFC 3339, UTC, six
 * fractional digits, "2026-01-02T03:04:05.678000Z". A millisecond clock fills the last three with 0.
 */
export function microTime(milliseconds: number): string {
  return new Date(milliseconds).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
