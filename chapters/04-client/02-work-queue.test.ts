// The work queue on its own, with a fake clock: no HTTP, no real time.
import { describe, expect, test } from 'vitest';
import { FakeClock } from '../../harness/clock.ts';
import { createWorkQueue } from './workqueue.ts';

/** Whether a promise has settled yet, without waiting for it. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  const result = await Promise.race([
    promise,
    new Promise((resolve) => setImmediate(() => resolve(pending))),
  ]);
  return result !== pending;
}

describe('The work queue', () => {
  test('keys come out in the order they went in', async () => {
    const queue = createWorkQueue();
    queue.add('default/a');
    queue.add('default/b');
    expect(await queue.get(), 'the first get after add a, add b').toBe('default/a');
    expect(await queue.get(), 'the second get').toBe('default/b');
  });

  test('a key that is already waiting is not added twice', async () => {
    const queue = createWorkQueue();
    queue.add('default/a');
    queue.add('default/b');
    queue.add('default/a');
    expect(queue.length(), 'add a, b, a').toBe(2);
  });

  test('get waits for a key when the queue is empty', async () => {
    const queue = createWorkQueue();
    const next = queue.get();
    expect(await settled(next), 'get() on an empty queue').toBe(false);
    queue.add('default/a');
    expect(await next, 'the waiting get, after add a').toBe('default/a');
  });

  test('a key being processed is not handed to a second worker', async () => {
    const queue = createWorkQueue();
    queue.add('default/a');
    const key = await queue.get();
    queue.add('default/a');
    expect(queue.length(), 'the busy key added again does not wait in line yet').toBe(0);
    const second = queue.get();
    expect(await settled(second), 'a second worker asking meanwhile').toBe(false);
    queue.done(key!);
    expect(await second, 'after done, the key comes back once').toBe('default/a');
  });

  test('a processed key that was not added again does not come back', async () => {
    const queue = createWorkQueue();
    queue.add('default/a');
    queue.done((await queue.get())!);
    expect(queue.length(), 'done without a new add leaves nothing').toBe(0);
  });

  test('a flood of updates to one key collapses to one reconcile per idle moment', async () => {
    const queue = createWorkQueue();
    let reconciles = 0;
    queue.add('default/web');
    const key = await queue.get();
    for (let update = 0; update < 10_000; update++) queue.add('default/web');
    reconciles++;
    queue.done(key!);
    while (queue.length() > 0) {
      queue.done((await queue.get())!);
      reconciles++;
    }
    expect(reconciles, '10,000 adds while one reconcile ran').toBe(2);
  });

  test('addAfter holds a key back until its time has come', async () => {
    const clock = new FakeClock();
    const queue = createWorkQueue({ clock });
    queue.addAfter('default/a', 1000);
    expect(queue.length(), 'right after addAfter(1000)').toBe(0);
    clock.advance(999);
    expect(queue.length(), 'after 999 ms').toBe(0);
    clock.advance(1);
    expect(queue.length(), 'after 1000 ms').toBe(1);
  });

  test('addAfter keeps the earlier time when a key is already due sooner', async () => {
    const clock = new FakeClock();
    const queue = createWorkQueue({ clock });
    queue.addAfter('default/a', 100);
    queue.addAfter('default/a', 5000);
    clock.advance(100);
    expect(queue.length(), 'due at 100 ms, asked again for 5000 ms').toBe(1);
    queue.addAfter('default/b', 5000);
    queue.addAfter('default/b', 10);
    clock.advance(10);
    expect(queue.length(), 'due at 5000 ms, asked again for 10 ms').toBe(2);
  });

  test('each failure doubles the wait: 5, 10, 20, 40 ms, until forget', async () => {
    const clock = new FakeClock();
    const queue = createWorkQueue({ clock });
    const waits: number[] = [];
    for (let failure = 0; failure < 4; failure++) {
      queue.addRateLimited('default/a');
      const start = clock.now();
      while (queue.length() === 0) clock.advance(1);
      waits.push(clock.now() - start);
      queue.done((await queue.get())!);
    }
    expect(waits, 'waits after four failures in a row').toEqual([5, 10, 20, 40]);
    expect(queue.numRequeues('default/a'), 'numRequeues after four failures').toBe(4);
    queue.forget('default/a');
    expect(queue.numRequeues('default/a'), 'after forget').toBe(0);
  });

  test('the back-off never exceeds its maximum', async () => {
    const clock = new FakeClock();
    const queue = createWorkQueue({ clock, baseDelayMs: 100, maxDelayMs: 1000 });
    for (let failure = 0; failure < 10; failure++) queue.addRateLimited('default/a');
    clock.advance(1000);
    expect(queue.length(), 'ten failures, then the maximum of 1000 ms').toBe(1);
  });

  test('shutDown makes waiting workers and later gets answer undefined', async () => {
    const clock = new FakeClock();
    const queue = createWorkQueue({ clock });
    const waiting = queue.get();
    queue.addAfter('default/later', 10);
    queue.shutDown();
    expect(await waiting, 'a worker waiting when the queue shut down').toBeUndefined();
    expect(await queue.get(), 'a get after shutDown').toBeUndefined();
    expect(queue.isShuttingDown(), 'isShuttingDown after shutDown').toBe(true);
    clock.advance(10);
    queue.add('default/new');
    expect(queue.length(), 'nothing is taken after shutDown').toBe(0);
    expect(clock.pendingTimers, 'delayed keys are dropped with their timers').toBe(0);
  });

  test('shutDownWithDrain lets the work in hand finish before it resolves', async () => {
    const queue = createWorkQueue();
    queue.add('default/a');
    queue.add('default/b');
    const first = (await queue.get())!;
    const drained = queue.shutDownWithDrain();
    queue.add('default/c');
    expect(await settled(drained), 'while a key is in progress and one waits').toBe(false);
    const second = (await queue.get())!;
    queue.done(first);
    expect(await settled(drained), 'while the second is still in progress').toBe(false);
    queue.done(second);
    await drained;
    expect([first, second], 'keys handed out while draining').toEqual(['default/a', 'default/b']);
    expect(await queue.get(), 'after the drain').toBeUndefined();
  });
});
