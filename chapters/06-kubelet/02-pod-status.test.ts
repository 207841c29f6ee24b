// A pod's status from what the runtime says: pure functions, no server.
import { describe, expect, test } from 'vitest';
import type { ContainerStatus, PodSpec } from '../../harness/api/types.ts';
import type { ContainerStatus as RuntimeStatus } from '../../harness/runtime/cri.ts';
import { containerStatus, podConditions, podPhase, podStatus } from './pod-status.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** A runtime status of attempt `attempt` of container app. */
function runtime(
  state: RuntimeStatus['state'],
  fields: Partial<RuntimeStatus> = {},
): RuntimeStatus {
  return {
    id: 'c1',
    podSandboxId: 's1',
    metadata: { name: 'app', attempt: 0 },
    image: 'kata/echo',
    state,
    createdAt: T0,
    startedAt: T0,
    finishedAt: state === 'CONTAINER_EXITED' ? T0 + 5000 : 0,
    exitCode: 0,
    reason: '',
    message: '',
    pid: state === 'CONTAINER_RUNNING' ? 42 : 0,
    logPath: '',
    labels: {},
    annotations: {},
    ...fields,
  };
}

const spec = (restartPolicy?: PodSpec['restartPolicy']): PodSpec => ({
  containers: [{ name: 'app', image: 'kata/echo' }],
  restartPolicy,
});
const observe = (latest?: RuntimeStatus, waiting?: { reason: string }) => ({
  name: 'app',
  image: 'kata/echo',
  latest,
  waiting,
});

describe('Pod status', () => {
  test('a container not started yet is waiting, ContainerCreating', () => {
    const status = containerStatus(observe());
    expect([status.state, status.ready, status.restartCount]).toEqual([
      { waiting: { reason: 'ContainerCreating' } },
      false,
      0,
    ]);
  });

  test('a running container is running since it started, and ready', () => {
    const status = containerStatus(observe(runtime('CONTAINER_RUNNING')));
    expect([status.state, status.ready, status.started, status.containerID]).toEqual([
      { running: { startedAt: '2026-01-01T00:00:00Z' } },
      true,
      true,
      'kata://c1',
    ]);
  });

  test('an exited container is terminated: Completed for 0, Error otherwise, with its exit code', () => {
    const done = containerStatus(observe(runtime('CONTAINER_EXITED')));
    expect(done.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    const failed = containerStatus(observe(runtime('CONTAINER_EXITED', { exitCode: 3 })));
    expect(failed.state?.terminated).toMatchObject({
      exitCode: 3,
      reason: 'Error',
      finishedAt: '2026-01-01T00:00:05Z',
    });
  });

  test('a container held back shows the reason, its last run in lastState, and its restarts', () => {
    const status = containerStatus(
      observe(runtime('CONTAINER_EXITED', { exitCode: 1, metadata: { name: 'app', attempt: 3 } }), {
        reason: 'CrashLoopBackOff',
      }),
    );
    expect([status.state, status.lastState?.terminated?.exitCode, status.restartCount]).toEqual([
      { waiting: { reason: 'CrashLoopBackOff' } },
      1,
      3,
    ]);
  });

  test('the phase: Pending until every container starts, Running while any runs', () => {
    const waiting: ContainerStatus = containerStatus(observe());
    const running = containerStatus(observe(runtime('CONTAINER_RUNNING')));
    expect(podPhase(spec(), [waiting]), 'one container creating').toBe('Pending');
    expect(podPhase(spec(), [running]), 'one running').toBe('Running');
    expect(podPhase(spec(), [running, waiting]), 'one running, one creating').toBe('Pending');
  });

  test('the phase once all ended: by restartPolicy and exit codes', () => {
    const ok = containerStatus(observe(runtime('CONTAINER_EXITED')));
    const bad = containerStatus(observe(runtime('CONTAINER_EXITED', { exitCode: 1 })));
    const crashLooping = containerStatus(
      observe(runtime('CONTAINER_EXITED', { exitCode: 1 }), { reason: 'CrashLoopBackOff' }),
    );
    expect(
      [
        podPhase(spec('Always'), [ok]),
        podPhase(spec('Never'), [ok]),
        podPhase(spec('Never'), [bad]),
        podPhase(spec('OnFailure'), [bad]),
        podPhase(spec('OnFailure'), [ok]),
        podPhase(spec('Always'), [crashLooping]),
      ],
      'Always+0, Never+0, Never+1, OnFailure+1, OnFailure+0, Always crash-looping',
    ).toEqual(['Running', 'Succeeded', 'Failed', 'Running', 'Succeeded', 'Running']);
  });

  test('Ready and ContainersReady hold when every container is ready, and say which are not', () => {
    const running = containerStatus(observe(runtime('CONTAINER_RUNNING')));
    const creating = containerStatus(observe());
    const ready = podConditions([running], [], '2026-01-01T00:00:00Z');
    expect(ready.map((c) => `${c.type}=${c.status}`)).toEqual([
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    const notReady = podConditions([creating], [], '2026-01-01T00:00:00Z');
    expect(notReady.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [app]',
    });
  });

  test('a condition keeps its lastTransitionTime until its status changes', () => {
    const running = containerStatus(observe(runtime('CONTAINER_RUNNING')));
    const first = podConditions([running], [], '2026-01-01T00:00:00Z');
    const later = podConditions([running], first, '2026-01-01T00:05:00Z');
    expect(later.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe('2026-01-01T00:00:00Z');
    const creating = containerStatus(observe());
    const changed = podConditions([creating], first, '2026-01-01T00:05:00Z');
    expect(changed.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe(
      '2026-01-01T00:05:00Z',
    );
  });

  test("the whole status: phase, conditions, the pod's and the node's IP, the start time", () => {
    const status = podStatus({
      spec: spec(),
      previous: undefined,
      containers: [observe(runtime('CONTAINER_RUNNING'))],
      podIP: '127.244.0.2',
      hostIP: '127.20.0.1',
      now: T0,
    });
    expect(status).toMatchObject({
      phase: 'Running',
      podIP: '127.244.0.2',
      podIPs: [{ ip: '127.244.0.2' }],
      hostIP: '127.20.0.1',
      startTime: '2026-01-01T00:00:00Z',
    });
  });
});
