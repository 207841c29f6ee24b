// restartPolicy and the crash back-off, on their own; then the decision they make together.
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { ContainerStatus as RuntimeStatus } from '../../harness/runtime/cri.ts';
import { CrashBackoff, crashLoopMessage, nextStep, shouldRestart } from './restarts.ts';

/** The runtime's status of attempt `attempt` of container app, in `state`. */
function attemptOf(
  state: RuntimeStatus['state'],
  attempt: number,
  fields: Partial<RuntimeStatus> = {},
): RuntimeStatus {
  return {
    id: `c${attempt}`,
    podSandboxId: 's1',
    metadata: { name: 'app', attempt },
    image: 'kata/echo',
    state,
    createdAt: 0,
    startedAt: 0,
    finishedAt: state === 'CONTAINER_EXITED' ? 1000 : 0,
    exitCode: state === 'CONTAINER_EXITED' ? 1 : 0,
    reason: '',
    message: '',
    pid: 0,
    logPath: '',
    labels: {},
    annotations: {},
    ...fields,
  };
}

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
    expect(waits, 'remainingMs right after each of 5 exits, a second apart').toEqual([
      0, 10_000, 20_000, 40_000, 80_000,
    ]);
  });

  test('the wait counts from the exit: what is left of it shrinks as time passes', () => {
    const backoff = new CrashBackoff();
    backoff.next('pod/app', 0);
    expect(
      [
        backoff.remainingMs('pod/app', 5_000, 5_000),
        backoff.remainingMs('pod/app', 5_000, 11_000),
        backoff.remainingMs('pod/app', 5_000, 15_000),
        backoff.remainingMs('pod/app', 5_000, 60_000),
      ],
      'with a 10 s wait, for an exit at 5 s: remainingMs at 5 s, 11 s, 15 s and 60 s',
    ).toEqual([10_000, 4_000, 0, 0]);
    expect(
      backoff.remainingMs('pod/other', 5_000, 5_000),
      'remainingMs of a key the back-off never saw',
    ).toBe(0);
  });

  test('the wait never exceeds 5 minutes', () => {
    const backoff = new CrashBackoff();
    for (let crash = 0; crash < 20; crash++) backoff.next('pod/app', crash * 1000);
    expect(backoff.currentMs('pod/app'), 'currentMs after 20 restarts a second apart').toBe(
      300_000,
    );
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
    expect(
      backoff.currentMs('k'),
      'currentMs after 4 restarts, with initialMs 100, maxMs 400',
    ).toBe(400);
    backoff.forget('k');
    expect(backoff.remainingMs('k', 0, 0), 'remainingMs after forget').toBe(0);
    expect(backoff.currentMs('k'), 'currentMs after forget').toBe(0);
  });

  test('a container never started is started as attempt 0; one that runs is left alone', () => {
    const backoff = new CrashBackoff();
    expect(
      nextStep('Always', undefined, backoff, 'u1/app', 0),
      'nextStep with no attempt yet',
    ).toEqual({ action: 'start', attempt: 0 });
    expect(
      nextStep('Always', attemptOf('CONTAINER_RUNNING', 2), backoff, 'u1/app', 0),
      'nextStep with attempt 2 running',
    ).toEqual({ action: 'none' });
    expect(
      nextStep('Always', attemptOf('CONTAINER_CREATED', 2), backoff, 'u1/app', 0),
      'nextStep with attempt 2 created, not yet started',
    ).toEqual({ action: 'none' });
  });

  test('an exited container is left alone when its restartPolicy says so', () => {
    const backoff = new CrashBackoff();
    const failed = attemptOf('CONTAINER_EXITED', 0, { exitCode: 1 });
    const succeeded = attemptOf('CONTAINER_EXITED', 0, { exitCode: 0 });
    expect(
      [
        nextStep('Never', failed, backoff, 'u1/app', 5_000).action,
        nextStep('OnFailure', succeeded, backoff, 'u1/app', 5_000).action,
        nextStep('OnFailure', failed, backoff, 'u1/app', 5_000).action,
      ],
      'the action for Never after exit 1, OnFailure after exit 0, OnFailure after exit 1',
    ).toEqual(['none', 'none', 'start']);
  });

  test('an exited container restarts as the next attempt, and the restart is recorded in the back-off', () => {
    const backoff = new CrashBackoff();
    const exited = attemptOf('CONTAINER_EXITED', 0, { finishedAt: 1000 });
    expect(
      nextStep('Always', exited, backoff, 'u1/app', 1000),
      'nextStep for attempt 0, exited at 1 s, the first restart',
    ).toEqual({ action: 'start', attempt: 1 });
    expect(backoff.currentMs('u1/app'), 'the back-off wait once that restart is decided').toBe(
      10_000,
    );
    const again = attemptOf('CONTAINER_EXITED', 1, { finishedAt: 3000 });
    expect(
      nextStep('Always', again, backoff, 'u1/app', 4000),
      'nextStep for attempt 1, exited at 3 s, looked at 4 s',
    ).toEqual({ action: 'wait', waitMs: 9_000, backoffMs: 10_000 });
    expect(
      nextStep('Always', again, backoff, 'u1/app', 13_000),
      'nextStep for attempt 1 once its 10 s have passed',
    ).toEqual({ action: 'start', attempt: 2 });
    expect(backoff.currentMs('u1/app'), 'the back-off wait after that second restart').toBe(20_000);
  });

  test("the CrashLoopBackOff message names the wait, the container and the pod, in the kubelet's words", () => {
    const pod = examplePod('crashy');
    pod.metadata.namespace = 'default';
    pod.metadata.uid = '1f2e';
    expect(
      crashLoopMessage(pod, 'app', 20_000),
      'crashLoopMessage(pod default/crashy with uid 1f2e, container app, 20 000 ms)',
    ).toBe('back-off 20s restarting failed container=app pod=crashy_default(1f2e)');
  });
});
