// The waiting every component does for what it needs (waiting.ts), on a clock of the test's own:
// time moves only when the helper sleeps, so no real timer runs and a five-minute deadline takes
// no time at all.
import { describe, expect, test } from 'vitest';
import { ApiError } from '../api/errors.ts';
import { formatDuration, parseDuration, UsageError } from './flags.ts';
import {
  backOff,
  GaveUpWaiting,
  notThereYet,
  waitForDependency,
  type Dependency,
  type WaitClock,
} from './waiting.ts';

/** A clock whose sleeps return at once, moving its time on; it remembers every pause. */
function fakeClock(): WaitClock & { pauses: number[]; time: number } {
  const clock = {
    time: 1_000_000,
    pauses: [] as number[],
    now: () => clock.time,
    sleep: async (milliseconds: number) => {
      clock.pauses.push(milliseconds);
      clock.time += milliseconds;
    },
  };
  return clock;
}

/** A refused connection, as fetch reports it: a TypeError whose cause carries the code. */
function refused(): Error {
  const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2379'), {
    code: 'ECONNREFUSED',
  });
  return new TypeError('fetch failed', { cause });
}

/** An attempt that fails `failures` times as given, then answers "up". */
function answersAfter(failures: number, failure: () => unknown = refused) {
  let tries = 0;
  const attempt = async () => {
    tries++;
    if (tries <= failures) throw failure();
    return 'up';
  };
  return { attempt, tries: () => tries };
}

function dependency(clock: WaitClock, lines: string[], timeoutMs = 300_000): Dependency {
  return {
    what: 'the store',
    address: 'http://127.0.0.1:2379',
    hint: 'start it with `npx kata run store`',
    timeoutMs,
    timeoutFlag: '--storage-initialization-timeout',
    log: (line) => lines.push(line),
    clock,
  };
}

describe('Waiting for a dependency', () => {
  test('a dependency that answers at once is used at once, without a word', async () => {
    const clock = fakeClock();
    const lines: string[] = [];
    const { attempt } = answersAfter(0);
    const value = await waitForDependency(attempt, dependency(clock, lines));
    expect(value, 'the attempt answered "up" at the first try: its value is returned').toBe('up');
    expect(lines, 'nothing was waited for, so nothing is said').toEqual([]);
    expect(clock.pauses, 'nothing was waited for, so no pause is taken').toEqual([]);
  });

  test('while it waits it says what it waits for, where, and why the last try failed', async () => {
    const clock = fakeClock();
    const lines: string[] = [];
    const { attempt } = answersAfter(3);
    await waitForDependency(attempt, dependency(clock, lines));
    expect(lines[0], 'the first refusal is said in one line naming the store').toContain(
      'waiting for the store at http://127.0.0.1:2379 (connection refused',
    );
    expect(lines[0], 'the line says what to do and which flag sets the deadline').toMatch(
      /start it with `npx kata run store`.*up to 5m0s \(--storage-initialization-timeout\)/,
    );
    expect(lines.at(-1), 'once it answers, the wait is said to be over').toMatch(
      /^the store at http:\/\/127\.0\.0\.1:2379 answered after/,
    );
    expect(lines, 'three quick retries make two lines, not one per retry').toHaveLength(2);
  });

  test('the waiting line comes again at a calm interval, not at every retry', async () => {
    const clock = fakeClock();
    const lines: string[] = [];
    const { attempt, tries } = answersAfter(40);
    await waitForDependency(attempt, dependency(clock, lines));
    const again = lines.filter((line) => line.startsWith('still waiting for the store'));
    const waited = clock.pauses.reduce((sum, pause) => sum + pause, 0);
    expect(tries(), 'the attempt was retried until its 41st try answered').toBe(41);
    expect(
      again.length,
      'one more line per sayAgainEveryMs of waiting, no more',
    ).toBeLessThanOrEqual(Math.ceil(waited / backOff.sayAgainEveryMs));
    expect(
      again.length,
      'a long wait is said again, so the operator sees it still waits',
    ).toBeGreaterThan(1);
    expect(again[0], 'the repeated line says how long it has waited').toMatch(/, \d+s so far$/);
  });

  test('the pauses between tries grow, up to the longest back-off', async () => {
    const clock = fakeClock();
    const { attempt } = answersAfter(10);
    await waitForDependency(attempt, dependency(clock, []));
    expect(clock.pauses.slice(0, 3), 'the pauses double from the first').toEqual([
      backOff.firstMs,
      backOff.firstMs * 2,
      backOff.firstMs * 4,
    ]);
    expect(Math.max(...clock.pauses), 'no pause is longer than the longest back-off').toBe(
      backOff.longestMs,
    );
  });

  test('past the deadline it gives up with one line naming the flag that sets it', async () => {
    const clock = fakeClock();
    const lines: string[] = [];
    const { attempt } = answersAfter(Infinity);
    const waiting = waitForDependency(attempt, dependency(clock, lines, 60_000));
    await expect(waiting, 'a store that never answers is given up on').rejects.toThrow(
      GaveUpWaiting,
    );
    await expect(waiting, 'the line says what, where, how long, why, and the flag').rejects.toThrow(
      /^gave up waiting for the store at http:\/\/127\.0\.0\.1:2379 after 1m0s \(connection refused.*--storage-initialization-timeout$/,
    );
    expect(clock.time - 1_000_000, 'it waited the whole minute, and no longer').toBe(60_000);
  });

  test('a deadline of 0 tries once and gives up', async () => {
    const clock = fakeClock();
    const { attempt, tries } = answersAfter(1);
    await expect(
      waitForDependency(attempt, dependency(clock, [], 0)),
      'with no time to wait, the first refusal gives up',
    ).rejects.toThrow(GaveUpWaiting);
    expect(tries(), 'one try, no retry').toBe(1);
  });

  test('a failure other than "not there yet" is thrown at once, without waiting', async () => {
    const clock = fakeClock();
    const broken = new Error('the learner’s server threw');
    const { attempt, tries } = answersAfter(1, () => broken);
    await expect(
      waitForDependency(attempt, dependency(clock, [])),
      'a real failure is the failure, not a reason to wait',
    ).rejects.toBe(broken);
    expect(tries(), 'it was not retried').toBe(1);
  });

  test('an answer of 503 or 429 is waited out; 404 is a real answer', () => {
    expect(notThereYet(refused()), 'a refused connection is "not there yet"').toMatch(
      /connection refused/,
    );
    expect(
      notThereYet(new ApiError(503, 'ServiceUnavailable', 'the store is not ready')),
      'a 503 means the server is there but not ready: wait',
    ).toMatch(/answered 503/);
    expect(
      notThereYet(new ApiError(429, 'TooManyRequests', 'slow down')),
      'a 429 asks the client to come back later: wait',
    ).toMatch(/answered 429/);
    expect(
      notThereYet(new ApiError(404, 'NotFound', 'namespaces "kube-system" not found')),
      'a 404 is an answer: nothing to wait for',
    ).toBeUndefined();
  });
});

describe('Durations on the command line', () => {
  test('durations are read as Kubernetes flags write them', () => {
    expect(parseDuration('5m', 'x'), '5m is five minutes').toBe(300_000);
    expect(parseDuration('1m30s', 'x'), '1m30s adds its parts').toBe(90_000);
    expect(parseDuration('300ms', 'x'), 'milliseconds are a unit of their own').toBe(300);
    expect(parseDuration('0', 'x'), '0 needs no unit').toBe(0);
    expect(() => parseDuration('5 minutes', 'kube-api-wait-timeout'), 'prose is refused').toThrow(
      UsageError,
    );
  });

  test('durations are written as Go writes them', () => {
    expect(formatDuration(300_000), 'five minutes').toBe('5m0s');
    expect(formatDuration(90_000), 'a minute and a half').toBe('1m30s');
    expect(formatDuration(12_000), 'under a minute').toBe('12s');
  });
});
