// A pod's status from what the runtime says: pure functions, no server.
import { describe, expect, test } from 'vitest';
import type { ContainerStatus, PodCondition, PodSpec } from '../../harness/api/types.ts';
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
    expect(
      [status.state, status.ready, status.restartCount],
      'containerStatus with no attempt yet: state, ready, restartCount',
    ).toEqual([{ waiting: { reason: 'ContainerCreating' } }, false, 0]);
    expect(
      [status.name, status.image, status.imageID],
      'name and image from the spec, imageID empty before a start',
    ).toEqual(['app', 'kata/echo', '']);
  });

  test('a running container is running since it started, and ready', () => {
    const status = containerStatus(observe(runtime('CONTAINER_RUNNING')));
    expect(
      [status.state, status.ready, status.started, status.containerID, status.imageID],
      'containerStatus of attempt c1 running since T0: state, ready, started, containerID, imageID',
    ).toEqual([
      { running: { startedAt: '2026-01-01T00:00:00Z' } },
      true,
      true,
      'kata://c1',
      'kata://kata/echo',
    ]);
  });

  test('a running container is ready and started only as its probes say', () => {
    const running = runtime('CONTAINER_RUNNING');
    const starting = containerStatus({ ...observe(running), started: false, ready: false });
    expect(
      [starting.ready, starting.started],
      'ready and started of a running container whose startup probe has not passed',
    ).toEqual([false, false]);
    const warming = containerStatus({ ...observe(running), started: true, ready: false });
    expect(
      [warming.ready, warming.started, warming.state?.running !== undefined],
      'ready, started, and running, of a started container whose readiness probe fails',
    ).toEqual([false, true, true]);
  });

  test('an exited container is terminated: Completed for 0, Error otherwise, with its exit code', () => {
    const done = containerStatus(observe(runtime('CONTAINER_EXITED')));
    expect(done.state?.terminated, 'an attempt that exited 0').toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    const failed = containerStatus(observe(runtime('CONTAINER_EXITED', { exitCode: 3 })));
    expect(failed.state?.terminated, 'an attempt that exited 3 at T0 + 5 s').toMatchObject({
      exitCode: 3,
      reason: 'Error',
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:05Z',
    });
    expect(failed.ready, 'a terminated container is never ready').toBe(false);
  });

  test('a terminated container keeps the reason and message the runtime gave', () => {
    const status = containerStatus(
      observe(
        runtime('CONTAINER_EXITED', {
          exitCode: 128,
          reason: 'StartError',
          message: 'program not found',
        }),
      ),
    );
    expect(
      status.state?.terminated,
      "an attempt the runtime says ended with reason StartError, message 'program not found'",
    ).toMatchObject({ exitCode: 128, reason: 'StartError', message: 'program not found' });
  });

  test('a container held back shows the reason, its last run in lastState, and its restarts', () => {
    const status = containerStatus(
      observe(runtime('CONTAINER_EXITED', { exitCode: 1, metadata: { name: 'app', attempt: 3 } }), {
        reason: 'CrashLoopBackOff',
      }),
    );
    expect(
      [status.state, status.lastState?.terminated?.exitCode, status.restartCount],
      'attempt 3 exited 1, held back as CrashLoopBackOff: state, lastState exit code, restartCount',
    ).toEqual([{ waiting: { reason: 'CrashLoopBackOff' } }, 1, 3]);
  });

  test('a container held back before it ever ran has its reason and message, and no lastState', () => {
    const status = containerStatus({
      ...observe(),
      waiting: { reason: 'ErrImagePull', message: 'image "nope" not found' },
    });
    expect(
      [status.state, status.lastState],
      'no attempt yet, held back as ErrImagePull: state, lastState',
    ).toEqual([
      { waiting: { reason: 'ErrImagePull', message: 'image "nope" not found' } },
      undefined,
    ]);
  });

  test('the phase: Pending until every container starts, Running while any runs', () => {
    const waiting: ContainerStatus = containerStatus(observe());
    const running = containerStatus(observe(runtime('CONTAINER_RUNNING')));
    expect(podPhase(spec(), [waiting]), 'one container creating').toBe('Pending');
    expect(podPhase(spec(), [running]), 'one running').toBe('Running');
    expect(podPhase(spec(), [running, waiting]), 'one running, one creating').toBe('Pending');
    expect(podPhase(spec(), []), 'no container status at all').toBe('Pending');
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

  test('with several containers, the pod is done only when all are, and Succeeded only if all exited 0', () => {
    const ok = containerStatus(observe(runtime('CONTAINER_EXITED')));
    const bad = containerStatus(observe(runtime('CONTAINER_EXITED', { exitCode: 1 })));
    const running = containerStatus(observe(runtime('CONTAINER_RUNNING')));
    expect(
      [
        podPhase(spec('Never'), [ok, running]),
        podPhase(spec('Never'), [ok, bad]),
        podPhase(spec('Never'), [ok, ok]),
        podPhase(spec('OnFailure'), [ok, bad]),
      ],
      'Never: 0 and running, 0 and 1, 0 and 0; OnFailure: 0 and 1',
    ).toEqual(['Running', 'Failed', 'Succeeded', 'Running']);
  });

  test('Ready and ContainersReady hold when every container is ready, and say which are not', () => {
    const running = containerStatus(observe(runtime('CONTAINER_RUNNING')));
    const creating = containerStatus(observe());
    const ready = podConditions([running], [], '2026-01-01T00:00:00Z');
    expect(
      ready.map((c) => `${c.type}=${c.status}`),
      'the conditions, in order, with one running, ready container',
    ).toEqual(['Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    const notReady = podConditions([creating], [], '2026-01-01T00:00:00Z');
    expect(
      notReady.find((c) => c.type === 'Ready'),
      'the Ready condition with container app still creating',
    ).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [app]',
    });
  });

  test('the message names every container that is not ready, in order', () => {
    const web = { ...containerStatus(observe()), name: 'web' };
    const sidecar = { ...containerStatus(observe()), name: 'sidecar' };
    const ready = containerStatus(observe(runtime('CONTAINER_RUNNING')));
    const conditions = podConditions([web, ready, sidecar], [], '2026-01-01T00:00:00Z');
    expect(
      conditions.find((c) => c.type === 'ContainersReady'),
      'ContainersReady with web and sidecar creating, app ready',
    ).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [web sidecar]',
      lastProbeTime: null,
    });
  });

  test('a condition keeps its lastTransitionTime until its status changes', () => {
    const running = containerStatus(observe(runtime('CONTAINER_RUNNING')));
    const first = podConditions([running], [], '2026-01-01T00:00:00Z');
    const later = podConditions([running], first, '2026-01-01T00:05:00Z');
    expect(
      later.find((c) => c.type === 'Ready')?.lastTransitionTime,
      'Ready still True 5 minutes later: its lastTransitionTime',
    ).toBe('2026-01-01T00:00:00Z');
    const creating = containerStatus(observe());
    const changed = podConditions([creating], first, '2026-01-01T00:05:00Z');
    expect(
      changed.find((c) => c.type === 'Ready')?.lastTransitionTime,
      'Ready turned False 5 minutes later: its lastTransitionTime',
    ).toBe('2026-01-01T00:05:00Z');
  });

  test('conditions the kubelet does not own, such as DisruptionTarget, are kept as they were', () => {
    const running = containerStatus(observe(runtime('CONTAINER_RUNNING')));
    const disruption: PodCondition = {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'DeletionByTaintManager',
      lastTransitionTime: '2026-01-01T00:01:00Z',
    };
    const conditions = podConditions([running], [disruption], '2026-01-01T00:05:00Z');
    expect(
      conditions.find((c) => c.type === 'DisruptionTarget'),
      'podConditions with a DisruptionTarget condition in the previous status: it is kept unchanged',
    ).toEqual(disruption);
    expect(
      conditions.map((c) => c.type),
      'podConditions: the four kubelet conditions, then the others',
    ).toEqual(['Initialized', 'Ready', 'ContainersReady', 'PodScheduled', 'DisruptionTarget']);
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
    expect(status, 'podStatus of a pod whose one container runs, at T0').toMatchObject({
      phase: 'Running',
      podIP: '127.244.0.2',
      podIPs: [{ ip: '127.244.0.2' }],
      hostIP: '127.20.0.1',
      startTime: '2026-01-01T00:00:00Z',
    });
    expect(
      status.containerStatuses?.map((c) => c.name),
      'containerStatuses: one per container observed',
    ).toEqual(['app']);
    expect(
      status.conditions?.find((c) => c.type === 'Ready')?.status,
      'the Ready condition of that status',
    ).toBe('True');
  });

  test('the start time is kept from the previous status; a pod with no IP yet shows none', () => {
    const first = podStatus({
      spec: spec(),
      previous: undefined,
      containers: [observe()],
      hostIP: '127.20.0.1',
      now: T0,
    });
    expect(
      [first.podIP, first.podIPs],
      'podIP and podIPs of a status worked out without a pod IP',
    ).toEqual([undefined, undefined]);
    const later = podStatus({
      spec: spec(),
      previous: first,
      containers: [observe(runtime('CONTAINER_RUNNING'))],
      podIP: '127.244.0.2',
      hostIP: '127.20.0.1',
      now: T0 + 60_000,
    });
    expect(later.startTime, 'startTime a minute later, given the first status as previous').toBe(
      '2026-01-01T00:00:00Z',
    );
  });
});
