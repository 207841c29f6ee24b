// Waiting in tests: on a condition, with a generous deadline, never a fixed sleep. And work a test
// starts in the background (a reflector's run loop, a controller's workers): when it fails, the
// next wait fails at once with that error, instead of waiting out its deadline for a condition
// that can no longer come true.

const backgroundFailures: unknown[] = [];
/** Which test's background work counts: failures of work started before endTest are ignored. */
let generation = 0;

/** Starts watching a background promise: if it rejects, the next waitFor throws its error. */
export function inBackground(work: Promise<unknown>): void {
  const started = generation;
  work.catch((error: unknown) => {
    if (started === generation) backgroundFailures.push(error);
  });
}

/**
 * A test has ended: what it left running in the background may fail as it is stopped, and that
 * is no failure of the next test. (testScope calls this after each test.)
 */
export function endTest(): void {
  generation++;
  backgroundFailures.length = 0;
}

/** Polls `condition` until it holds, or fails after `timeoutMs` with `what` in the message. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    if (backgroundFailures.length > 0) throw backgroundFailures.splice(0)[0];
    if (await condition()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
