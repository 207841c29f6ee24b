// restartPolicy and the crash back-off, on their own.
import { describe, expect, test } from 'vitest';
import { CrashBackoff, shouldRestart } from './restarts.ts';

describe('Restarts', () => {
  test('Always restarts every exit, OnFailure only failures, Never none', () => {
    expect(
      [
        shouldRestart('Always', 0),
        shouldRestart('Always', 1),
        shouldRestart(undefined, 0),
        shouldRestart('OnFailure', 0),
        shouldRestart('OnFailure', 2),
        shouldRestart('Never', 1),
      ],
      'Always 0, Always 1, (default) 0, OnFailure 0, OnFailure 2, Never 1',
    ).toEqual([true, true, true, false, true, false]);
  });

  test('the first restart is at once; then 10 s, 20 s, 40 s ... after each exit', () => {
    const backoff = new CrashBackoff();
    const waits: number[] = [];
    let now = 0;
    for (let crash = 0; crash < 5; crash++) {
      const finishedAt = now;
      const wait = backoff.remainingMs('pod/app', finishedAt, now);
      waits.push(wait);
      now += wait;
      backoff.next('pod/app', finishedAt);
      now += 1000; // it runs a second, then crashes again
    }
    expect(waits).toEqual([0, 10_000, 20_000, 40_000, 80_000]);
  });

  test('the wait never exceeds 5 minutes', () => {
    const backoff = new CrashBackoff();
    for (let crash = 0; crash < 20; crash++) backoff.next('pod/app', crash * 1000);
    expect(backoff.currentMs('pod/app')).toBe(300_000);
  });

  test('a container that ran well for a long time starts over at 10 s', () => {
    const backoff = new CrashBackoff();
    for (let crash = 0; crash < 5; crash++) backoff.next('pod/app', crash * 1000);
    backoff.next('pod/app', 11 * 60 * 1000);
    expect(backoff.currentMs('pod/app'), 'after running for 11 minutes').toBe(10_000);
  });

  test('waits are scaled by configuration, for tests and impatient demos', () => {
    const backoff = new CrashBackoff({ initialMs: 100, maxMs: 400 });
    for (let crash = 0; crash < 4; crash++) backoff.next('k', crash);
    expect(backoff.currentMs('k')).toBe(400);
    backoff.forget('k');
    expect(backoff.remainingMs('k', 0, 0), 'after forget').toBe(0);
  });
});
