import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { debouncedRunner } from './watch.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Watching', () => {
  test('a burst of saves leads to one run, once the folder is quiet', async () => {
    let runs = 0;
    const runner = debouncedRunner(async () => {
      runs += 1;
    }, 150);
    runner.poke();
    await vi.advanceTimersByTimeAsync(100);
    runner.poke();
    await vi.advanceTimersByTimeAsync(100);
    expect(runs, 'runs 100 ms after the last of two saves').toBe(0);
    await vi.advanceTimersByTimeAsync(50);
    await runner.idle();
    expect(runs, 'runs 150 ms after the last save').toBe(1);
  });

  test('saves during a run lead to exactly one more run after it, never two at once', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    let finish: () => void = () => {};
    const runner = debouncedRunner(async () => {
      runs += 1;
      running += 1;
      most = Math.max(most, running);
      await new Promise<void>((resolve) => (finish = resolve));
      running -= 1;
    }, 150);
    runner.runNow();
    for (let i = 0; i < 3; i += 1) {
      runner.poke();
      await vi.advanceTimersByTimeAsync(200);
    }
    expect(runs, 'runs while the first is still going').toBe(1);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    finish();
    await runner.idle();
    expect({ runs, most }, 'runs in all, and the most at once').toEqual({ runs: 2, most: 1 });
  });
});
