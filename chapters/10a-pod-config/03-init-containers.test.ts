// Init containers and sidecars: which of them the kubelet runs at each sync, and how the pod's
// status shows them. Pure functions over the runtime's newest attempt of each container.
import { describe, expect, test } from 'vitest';
import type { Container, ContainerStatus, Pod, PodStatus } from '../../harness/api/types.ts';
import type { ContainerStatus as RuntimeStatus } from '../../harness/runtime/cri.ts';
import {
  completeStatus,
  initPlan,
  initRestartPolicy,
  stopOrder,
  withSidecarReadiness,
} from './init-containers.ts';

const now = '2026-12-03T10:00:00Z';

function pod(init: Container[], restartPolicy: Pod['spec']['restartPolicy'] = 'Always'): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'u-1' },
    spec: {
      restartPolicy,
      initContainers: init,
      containers: [{ name: 'app', image: 'kata/echo' }],
    },
  };
}

const init = (name: string): Container => ({ name, image: 'kata/job' });
const sidecar = (name: string): Container => ({
  name,
  image: 'kata/echo',
  restartPolicy: 'Always',
});

/** A runtime attempt of `name`: running, or exited with `exitCode`. */
function attempt(name: string, exitCode?: number): RuntimeStatus {
  return {
    id: `id-${name}`,
    podSandboxId: 's1',
    metadata: { name, attempt: 0 },
    image: 'kata/job',
    state: exitCode === undefined ? 'CONTAINER_RUNNING' : 'CONTAINER_EXITED',
    createdAt: 0,
    startedAt: 0,
    finishedAt: 0,
    exitCode: exitCode ?? 0,
    reason: exitCode === undefined ? '' : exitCode === 0 ? 'Completed' : 'Error',
    message: '',
    pid: 0,
    logPath: '',
    labels: {},
    annotations: {},
  };
}

const names = (plan: ReturnType<typeof initPlan>) => plan.sync.map((entry) => entry.container.name);

/** A status as chapter 06 writes it: the app waiting, every condition True. */
function appStatus(): PodStatus {
  const condition = (type: string) => ({
    type,
    status: 'True' as const,
    lastProbeTime: null,
    lastTransitionTime: now,
  });
  return {
    phase: 'Pending',
    conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(condition),
    containerStatuses: [
      {
        name: 'app',
        image: 'kata/echo',
        ready: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
      },
    ],
  };
}

const terminated = (name: string, exitCode: number): ContainerStatus => ({
  name,
  image: 'kata/job',
  ready: false,
  restartCount: 0,
  state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } },
});

describe('Init containers and sidecars', () => {
  test('an init container is restarted OnFailure (Never under Never); a sidecar Always', () => {
    expect(
      [
        initRestartPolicy(init('a'), 'Always'),
        initRestartPolicy(init('a'), 'OnFailure'),
        initRestartPolicy(init('a'), 'Never'),
        initRestartPolicy(sidecar('s'), 'Never'),
      ],
      'initRestartPolicy of an init container under Always, OnFailure, Never, and of a sidecar under Never',
    ).toEqual(['OnFailure', 'OnFailure', 'Never', 'Always']);
  });

  test('init containers run one at a time, in order; the apps wait until the last completed', () => {
    const spec = pod([init('first'), init('second')]);
    const none = initPlan(spec, new Map());
    expect([names(none), none.initialized], 'initPlan before anything ran').toEqual([
      ['first'],
      false,
    ]);
    const running = initPlan(spec, new Map([['first', attempt('first')]]));
    expect([names(running), running.initialized], 'initPlan while first runs').toEqual([
      ['first'],
      false,
    ]);
    const firstDone = initPlan(spec, new Map([['first', attempt('first', 0)]]));
    expect([names(firstDone), firstDone.initialized], 'initPlan once first exited 0').toEqual([
      ['second'],
      false,
    ]);
    const allDone = initPlan(
      spec,
      new Map([
        ['first', attempt('first', 0)],
        ['second', attempt('second', 0)],
      ]),
    );
    expect([names(allDone), allDone.initialized], 'initPlan once both exited 0').toEqual([
      [],
      true,
    ]);
  });

  test('a failed init container is synced again (restarted by its policy), and the next one waits', () => {
    const plan = initPlan(
      pod([init('first'), init('second')], 'Never'),
      new Map([['first', attempt('first', 1)]]),
    );
    expect(plan.sync, 'initPlan after first exited 1, pod restartPolicy Never').toEqual([
      { container: init('first'), restartPolicy: 'Never' },
    ]);
    expect(plan.initialized, 'initialized after first failed').toBe(false);
  });

  test('a sidecar starts before the next init container, and keeps being synced once the apps run', () => {
    const spec = pod([sidecar('proxy'), init('migrate')]);
    const starting = initPlan(spec, new Map());
    expect(
      [names(starting), starting.initialized],
      'initPlan before the sidecar proxy runs',
    ).toEqual([['proxy'], false]);
    const running = initPlan(spec, new Map([['proxy', attempt('proxy')]]));
    expect([names(running), running.initialized], 'initPlan while proxy runs').toEqual([
      ['proxy', 'migrate'],
      false,
    ]);
    const done = initPlan(
      spec,
      new Map([
        ['proxy', attempt('proxy')],
        ['migrate', attempt('migrate', 0)],
      ]),
    );
    expect([names(done), done.initialized], 'initPlan once migrate completed').toEqual([
      ['proxy'],
      true,
    ]);
    expect(done.sync[0]?.restartPolicy, "the sidecar's restart policy").toBe('Always');
  });

  test('a sidecar whose startup probe has not passed holds the next init container back', () => {
    const spec = pod([sidecar('proxy'), init('migrate')]);
    const running = new Map([['proxy', attempt('proxy')]]);
    const probing = initPlan(spec, running, new Set(['proxy']));
    expect(
      [names(probing), probing.initialized],
      'initPlan while proxy runs and its startup probe has not passed',
    ).toEqual([['proxy'], false]);
    const started = initPlan(spec, running, new Set());
    expect(names(started), 'initPlan once it has passed').toEqual(['proxy', 'migrate']);
  });

  test('while initializing: phase Pending, Initialized False naming who is not done, the apps PodInitializing', () => {
    const spec = pod([init('first'), init('second')]);
    const status = completeStatus(
      spec,
      appStatus(),
      [
        terminated('first', 0),
        {
          name: 'second',
          image: 'kata/job',
          ready: false,
          restartCount: 0,
          state: { running: {} },
        },
      ],
      now,
    );
    expect(status.phase, 'the phase while second runs').toBe('Pending');
    expect(
      status.conditions?.find((c) => c.type === 'Initialized'),
      'the Initialized condition while second runs',
    ).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [second]',
    });
    expect(status.containerStatuses?.[0]?.state, "the app container's state").toEqual({
      waiting: { reason: 'PodInitializing' },
    });
    expect(
      status.initContainerStatuses?.map((s) => s.name),
      'initContainerStatuses names',
    ).toEqual(['first', 'second']);
  });

  test('the Initialized condition keeps the time it last changed, and names every init container not done', () => {
    const spec = pod([init('first'), sidecar('proxy')]);
    const earlier = '2026-12-03T09:00:00Z';
    const previous: PodStatus = {
      conditions: [
        { type: 'Initialized', status: 'False', lastProbeTime: null, lastTransitionTime: earlier },
      ],
    };
    const status = completeStatus({ ...spec, status: previous }, appStatus(), [], now);
    expect(
      status.conditions?.find((c) => c.type === 'Initialized'),
      'Initialized when it was already False, nothing run yet',
    ).toMatchObject({
      status: 'False',
      lastTransitionTime: earlier,
      message: 'containers with incomplete status: [first proxy]',
    });
  });

  test('an init container that failed under restartPolicy Never fails the pod; once all are done, Initialized is True', () => {
    const failed = completeStatus(
      pod([init('first')], 'Never'),
      appStatus(),
      [terminated('first', 1)],
      now,
    );
    expect(failed.phase, 'the phase after first exited 1 under Never').toBe('Failed');
    const done = completeStatus(
      pod([init('first')]),
      { ...appStatus(), phase: 'Running' },
      [terminated('first', 0)],
      now,
    );
    expect(done.phase, 'the phase once first completed (as chapter 06 said)').toBe('Running');
    expect(
      done.conditions?.find((c) => c.type === 'Initialized')?.status,
      'Initialized once first completed',
    ).toBe('True');
  });

  test('a running sidecar is started and ready; a pod stops its app containers first, then its sidecars in reverse', () => {
    const running: ContainerStatus = {
      name: 'proxy',
      image: 'kata/echo',
      ready: false,
      restartCount: 0,
      state: { running: {} },
    };
    const status = completeStatus(pod([sidecar('proxy')]), appStatus(), [running], now);
    expect(status.initContainerStatuses?.[0], 'the running sidecar proxy').toMatchObject({
      started: true,
      ready: true,
    });
    const spec = pod([sidecar('log'), sidecar('proxy')]);
    expect(
      stopOrder(spec, ['app', 'log', 'proxy']),
      'stopOrder of app and the sidecars log, proxy',
    ).toEqual([['app'], ['proxy'], ['log']]);
    expect(stopOrder(undefined, ['app', 'log']), 'stopOrder of a pod no longer known').toEqual([
      ['app', 'log'],
    ]);
  });

  test("a sidecar's readiness counts in the pod's Ready condition, as its probes say", () => {
    const spec = pod([sidecar('proxy')]);
    const ready = appStatus();
    ready.containerStatuses = [{ name: 'app', image: 'kata/echo', ready: true, restartCount: 0 }];
    const probed: ContainerStatus = {
      name: 'proxy',
      image: 'kata/echo',
      ready: false,
      started: true,
      restartCount: 0,
      state: { running: {} },
    };
    const status = completeStatus(spec, ready, [probed], '2026-12-03T10:05:00Z');
    expect(
      status.conditions?.find((c) => c.type === 'Ready'),
      'the pod with its app ready and the sidecar proxy running but failing its readiness probe',
    ).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [proxy]',
      lastTransitionTime: '2026-12-03T10:05:00Z',
    });
    expect(
      withSidecarReadiness(spec.spec, ready, [{ ...probed, ready: true }], now),
      'withSidecarReadiness once proxy is ready: the status as it was',
    ).toBe(ready);
  });
});
