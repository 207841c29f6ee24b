// Probes: each kind of check on its own against real sockets, the verdict's thresholds, the
// schedule on a fake clock, then the kubelet acting on them (on the fake runtime, whose exec
// answers as the test says).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { Container, Pod, Probe } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createKubelet } from './kubelet.ts';
import { ContainerProbes, probeOnce, ProbeTracker, runProbe } from './probes.ts';

const scope = testScope();
const container: Container = {
  name: 'app',
  image: 'kata/echo',
  ports: [{ name: 'web', containerPort: 0 }],
};

/** A local HTTP server answering `code`; resolves with its port, the paths asked, and close. */
async function answering(
  code: number,
): Promise<{ port: number; paths: string[]; close(): Promise<void> }> {
  const paths: string[] = [];
  const server = http.createServer((request, response) => {
    paths.push(request.url ?? '');
    response.writeHead(code).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const target = (runtime = new FakeRuntime()) => ({
  podIP: '127.0.0.1',
  containerId: 'c1',
  runtime,
});

/** A fake runtime with one running container; answers it and its id. */
async function runningContainer() {
  const runtime = new FakeRuntime();
  const sandbox = await runtime.runPodSandbox({
    metadata: { name: 'p', namespace: 'n', uid: 'u', attempt: 0 },
  });
  await runtime.pullImage('kata/echo');
  const id = await runtime.createContainer(sandbox, {
    metadata: { name: 'app', attempt: 0 },
    image: 'kata/echo',
  });
  await runtime.startContainer(id);
  return { runtime, id };
}

/**
 * ContainerProbes over exec probes on a fake clock. Each exec's command names its probe; the test
 * says per command whether it passes (`passing`). Counts the runs per command and the events.
 */
async function probed(
  probes: Pick<Container, 'startupProbe' | 'readinessProbe' | 'livenessProbe'>,
) {
  const { runtime, id } = await runningContainer();
  const clock = new FakeClock(0);
  const passing: Record<string, boolean> = {};
  const runs: Record<string, number> = {};
  runtime.execHandler = (_container, command) => {
    runs[command[0]!] = (runs[command[0]!] ?? 0) + 1;
    const ok = passing[command[0]!];
    const stdout = ok ? '' : `${command[0]} failed`;
    return { exitCode: ok ? 0 : 1, stdout, stderr: '', timedOut: false };
  };
  const events = { changes: 0, failures: 0, unhealthy: [] as string[] };
  const subject = new ContainerProbes(
    { name: 'app', image: 'kata/echo', ...probes },
    { podIP: '127.0.0.1', containerId: id, runtime },
    clock,
    {
      onChange: () => events.changes++,
      onFailure: () => events.failures++,
      onUnhealthy: (kind, output) => events.unhealthy.push(`${kind}: ${output}`),
    },
  );
  /** Moves the clock on `ms`, then waits until every probe that ran has set its next run. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await waitFor(() => clock.pendingTimers === pending, 'the probes to set their next runs');
  };
  const pending = Object.keys(probes).length;
  return { subject, clock, passing, runs, events, advance };
}

/** An exec probe whose command is `name`. */
const execProbe = (name: string, fields: Partial<Probe> = {}): Probe => ({
  exec: { command: [name] },
  periodSeconds: 10,
  ...fields,
});

describe('Probes', () => {
  test('httpGet: 200 to 399 is a success', async () => {
    const noContent = await answering(204);
    const moved = await answering(301);
    try {
      expect(
        await probeOnce({ httpGet: { port: noContent.port } }, container, target()),
        'an httpGet probe answered 204',
      ).toBe(true);
      expect(
        await probeOnce({ httpGet: { port: moved.port } }, container, target()),
        'an httpGet probe answered 301',
      ).toBe(true);
    } finally {
      await noContent.close();
      await moved.close();
    }
  });

  test('httpGet: 400 and above, or nobody listening, is a failure', async () => {
    const broken = await answering(500);
    const missing = await answering(404);
    try {
      expect(
        await probeOnce({ httpGet: { port: broken.port } }, container, target()),
        'an httpGet probe answered 500',
      ).toBe(false);
      expect(
        await probeOnce({ httpGet: { port: missing.port } }, container, target()),
        'an httpGet probe answered 404',
      ).toBe(false);
    } finally {
      await broken.close();
      await missing.close();
    }
    expect(
      await probeOnce({ httpGet: { port: broken.port } }, container, target()),
      'an httpGet probe to a port nobody listens on any more (it should answer false, not throw)',
    ).toBe(false);
  });

  test("httpGet asks the pod's IP, at the probe's path, / when it names none", async () => {
    const server = await answering(200);
    try {
      await probeOnce({ httpGet: { port: server.port, path: '/healthz' } }, container, target());
      await probeOnce({ httpGet: { port: server.port } }, container, target());
    } finally {
      await server.close();
    }
    expect(
      server.paths,
      'the paths the server on the pod IP was asked, for path /healthz, then no path',
    ).toEqual(['/healthz', '/']);
  });

  test('tcpSocket: a connection accepted is a success; a port by name is looked up', async () => {
    const server = await answering(200);
    const named = { ...container, ports: [{ name: 'web', containerPort: server.port }] };
    try {
      expect(
        await probeOnce({ tcpSocket: { port: 'web' } }, named, target()),
        "a tcpSocket probe to port 'web', the name of the listening containerPort",
      ).toBe(true);
      expect(
        await probeOnce({ httpGet: { port: 'web' } }, named, target()),
        "an httpGet probe to port 'web'",
      ).toBe(true);
    } finally {
      await server.close();
    }
    expect(
      await probeOnce({ tcpSocket: { port: server.port } }, container, target()),
      'a tcpSocket probe to a closed port',
    ).toBe(false);
  });

  test('exec: exit code 0 is a success, anything else a failure', async () => {
    const { runtime, id } = await runningContainer();
    let exitCode = 0;
    runtime.execHandler = () => ({ exitCode, stdout: '', stderr: '', timedOut: false });
    const probe = { exec: { command: ['cat', '/tmp/healthy'] }, timeoutSeconds: 3 };
    const at = { ...target(runtime), containerId: id };
    expect(await probeOnce(probe, container, at), 'an exec probe whose command exits 0').toBe(true);
    expect(
      runtime.callsTo('exec')[0]?.args,
      'what runtime.exec was called with: the container id, the command, timeoutSeconds',
    ).toEqual([id, ['cat', '/tmp/healthy'], 3]);
    exitCode = 1;
    expect(await probeOnce(probe, container, at), 'an exec probe whose command exits 1').toBe(
      false,
    );
  });

  test('exec: a command that timed out is a failure, whatever its exit code', async () => {
    const { runtime, id } = await runningContainer();
    runtime.execHandler = () => ({ exitCode: 0, stdout: '', stderr: '', timedOut: true });
    const at = { ...target(runtime), containerId: id };
    expect(
      await probeOnce({ exec: { command: ['slow'] } }, container, at),
      'an exec probe whose command ran out of time (timedOut true, exitCode 0)',
    ).toBe(false);
    const stopped = { ...target(runtime), containerId: 'not-running' };
    expect(
      await probeOnce({ exec: { command: ['true'] } }, container, stopped),
      'an exec probe in a container the runtime does not run (it should answer false, not throw)',
    ).toBe(false);
  });

  test("a failed probe says why, in kube's words", async () => {
    const broken = await answering(500);
    try {
      expect(
        await runProbe({ httpGet: { port: broken.port } }, container, target()),
        'runProbe of an httpGet probe answered 500',
      ).toEqual({ success: false, output: 'HTTP probe failed with statuscode: 500' });
    } finally {
      await broken.close();
    }
    expect(
      await runProbe({ tcpSocket: { port: broken.port } }, container, target()),
      'runProbe of a tcpSocket probe to a port nobody listens on',
    ).toEqual({
      success: false,
      output: `dial tcp 127.0.0.1:${broken.port}: connect: connection refused`,
    });
    const { runtime, id } = await runningContainer();
    const at = { ...target(runtime), containerId: id };
    runtime.execHandler = () => ({ exitCode: 1, stdout: 'no ', stderr: 'file', timedOut: false });
    expect(
      await runProbe({ exec: { command: ['cat', '/tmp/ok'] } }, container, at),
      'runProbe of an exec probe that printed "no " and "file" to stderr, and exited 1',
    ).toEqual({ success: false, output: 'no file' });
    runtime.execHandler = () => ({ exitCode: 0, stdout: '', stderr: '', timedOut: true });
    expect(
      await runProbe({ exec: { command: ['sleep', '9'] } }, container, at),
      'runProbe of an exec probe that ran out of time',
    ).toEqual({ success: false, output: 'command "sleep 9" timed out' });
  });

  test('the verdict turns after failureThreshold failures in a row, and back after successThreshold successes', () => {
    const tracker = new ProbeTracker({ failureThreshold: 3, successThreshold: 2 }, true);
    const changes = [true, false, false, false, true, false, true, true].map((ok) =>
      tracker.record(ok),
    );
    expect(changes, 'record(): ok, fail, fail, fail, ok, fail, ok, ok').toEqual([
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      true,
    ]);
    expect(tracker.healthy, 'healthy after those eight results').toBe(true);
  });

  test('by default one success makes the verdict healthy, and three failures in a row unhealthy', () => {
    const tracker = new ProbeTracker({}, false);
    expect(
      [tracker.record(true), tracker.healthy],
      'record(ok) on a tracker that starts unhealthy, then healthy',
    ).toEqual([true, true]);
    expect(
      [tracker.record(false), tracker.record(false), tracker.healthy],
      'two failures: the changes, then healthy',
    ).toEqual([false, false, true]);
    expect(
      [tracker.record(false), tracker.healthy],
      'a third failure in a row: the change, then healthy',
    ).toEqual([true, false]);
  });

  test('a probe that never passed says so once, when it reaches failureThreshold', () => {
    const tracker = new ProbeTracker({ failureThreshold: 2 }, false);
    expect(
      [false, false, false].map((ok) => tracker.record(ok)),
      'record() of three failures, with failureThreshold 2, never healthy',
    ).toEqual([false, true, false]);
    expect(tracker.healthy, 'healthy after them').toBe(false);
  });

  test('before any probe has run: started and ready as the probes a container has', () => {
    const make = (probes: Partial<Container>) =>
      new ContainerProbes(
        { name: 'app', image: 'kata/echo', ...probes },
        target(),
        new FakeClock(),
        {
          onChange: () => {},
          onFailure: () => {},
        },
      );
    const check = (probes: ContainerProbes) => [probes.started, probes.ready];
    expect(
      check(make({ livenessProbe: execProbe('alive') })),
      'started, ready with liveness only',
    ).toEqual([true, true]);
    expect(
      check(make({ readinessProbe: execProbe('ready') })),
      'started, ready with readiness',
    ).toEqual([true, false]);
    expect(
      check(make({ startupProbe: execProbe('started'), livenessProbe: execProbe('alive') })),
      'started, ready with a startup probe and liveness',
    ).toEqual([false, false]);
  });

  test('a probe runs first after initialDelaySeconds, then every periodSeconds', async () => {
    const { subject, clock, runs, advance } = await probed({
      readinessProbe: execProbe('ready', { initialDelaySeconds: 5, periodSeconds: 10 }),
    });
    subject.start();
    clock.advance(4_999);
    expect(runs.ready ?? 0, 'readiness runs 4.999 s after start, with initialDelaySeconds 5').toBe(
      0,
    );
    await advance(1);
    expect(runs.ready, 'readiness runs at 5 s').toBe(1);
    await advance(9_999);
    expect(runs.ready, 'readiness runs at 14.999 s (periodSeconds 10)').toBe(1);
    await advance(1);
    expect(runs.ready, 'readiness runs at 15 s').toBe(2);
    subject.stop();
  });

  test('readiness that turns calls onChange, and ready follows it', async () => {
    const { subject, passing, events, advance } = await probed({
      readinessProbe: execProbe('ready'),
    });
    subject.start();
    await advance(0);
    expect(
      [subject.ready, events.changes],
      'ready and onChange calls after a failing first run',
    ).toEqual([false, 0]);
    passing.ready = true;
    await advance(10_000);
    expect([subject.ready, events.changes], 'ready and onChange calls after a passing run').toEqual(
      [true, 1],
    );
    passing.ready = false;
    for (let run = 0; run < 3; run++) await advance(10_000);
    expect(
      [subject.ready, events.changes],
      'ready and onChange calls after 3 failing runs',
    ).toEqual([false, 2]);
    expect(events.failures, 'onFailure calls: readiness never kills').toBe(0);
    subject.stop();
  });

  test('liveness failing failureThreshold times in a row calls onFailure', async () => {
    const { subject, passing, events, advance, runs } = await probed({
      livenessProbe: execProbe('alive', { failureThreshold: 3 }),
    });
    passing.alive = true;
    subject.start();
    await advance(0);
    passing.alive = false;
    await advance(10_000);
    await advance(10_000);
    expect(
      [runs.alive, events.failures],
      'liveness runs and onFailure calls after 2 failures',
    ).toEqual([3, 0]);
    await advance(10_000);
    expect(events.failures, 'onFailure calls after the third failure in a row').toBe(1);
    subject.stop();
  });

  test('each failed run calls onUnhealthy with the kind of probe and its output', async () => {
    const { subject, passing, events, advance } = await probed({
      livenessProbe: execProbe('alive'),
    });
    passing.alive = true;
    subject.start();
    await advance(0);
    passing.alive = false;
    await advance(10_000);
    await advance(10_000);
    expect(
      events.unhealthy,
      'onUnhealthy calls after one liveness success and two failures (the command prints "alive failed")',
    ).toEqual(['Liveness: alive failed', 'Liveness: alive failed']);
    subject.stop();
  });

  test('readiness and liveness wait until the startup probe has passed', async () => {
    const { subject, passing, runs, events, advance } = await probed({
      startupProbe: execProbe('started', { failureThreshold: 30 }),
      readinessProbe: execProbe('ready'),
      livenessProbe: execProbe('alive'),
    });
    passing.ready = true;
    subject.start();
    await advance(0);
    await advance(10_000);
    expect(
      [runs.started, runs.ready ?? 0, runs.alive ?? 0, subject.started],
      'startup, readiness, liveness runs while startup fails, and started',
    ).toEqual([2, 0, 0, false]);
    passing.started = true;
    await advance(10_000);
    expect(
      [subject.started, events.changes],
      'started, and onChange calls, once startup passed',
    ).toEqual([true, 1]);
    await advance(10_000);
    expect(
      [runs.ready, runs.alive, subject.ready],
      'readiness and liveness runs 10 s after startup passed, and ready',
    ).toEqual([1, 1, true]);
    subject.stop();
  });

  test('a startup probe that never passes calls onFailure once it reaches failureThreshold', async () => {
    const { subject, events, advance } = await probed({
      startupProbe: execProbe('started', { failureThreshold: 2 }),
    });
    subject.start();
    await advance(0);
    expect(events.failures, 'onFailure calls after one failed startup run').toBe(0);
    await advance(10_000);
    expect(events.failures, 'onFailure calls after two (failureThreshold 2)').toBe(1);
    subject.stop();
  });

  test('stop: no probe runs after it, and no timer is left on the clock', async () => {
    const { subject, clock, runs, advance } = await probed({ livenessProbe: execProbe('alive') });
    subject.start();
    await advance(0);
    subject.stop();
    expect(clock.pendingTimers, 'timers left on the clock after stop()').toBe(0);
    clock.advance(60_000);
    expect(runs.alive, 'liveness runs in the minute after stop()').toBe(1);
  });

  describe('the kubelet', () => {
    async function setUp(containerSpec: Partial<Container>) {
      const server = await scope.apiServer();
      const client = toolkit.createClient({ server: server.url });
      const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
      const runtime = new FakeRuntime({ clock });
      let healthy = false;
      runtime.execHandler = () => ({
        exitCode: healthy ? 0 : 1,
        stdout: '',
        stderr: '',
        timedOut: false,
      });
      inBackground(
        createKubelet({
          nodeName: 'node-1',
          nodeIp: '127.20.0.1',
          podCidr: '127.244.0.0/24',
          capacity: { cpu: '4', memory: '8Gi', pods: '110' },
          toolkit,
          client,
          runtime,
          clock,
        }).run(scope.stopper().signal),
      );
      const pods = client.resource<Pod>('pods', 'default');
      const pod = examplePod('probed');
      pod.spec.nodeName = 'node-1';
      Object.assign(pod.spec.containers[0]!, containerSpec);
      await pods.create(pod);
      const status = async () => (await pods.get('probed')).status;
      await waitFor(async () => (await status())?.phase === 'Running', 'Running');
      const ready = async () =>
        (await status())?.conditions?.find((c) => c.type === 'Ready')?.status;
      return { clock, status, ready, runtime, setHealthy: (value: boolean) => (healthy = value) };
    }

    test('a readiness probe decides Ready: false until it passes, true once it does', async () => {
      const { clock, status, ready, setHealthy } = await setUp({
        readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 5 },
      });
      clock.advance(0);
      expect(await ready(), 'the Ready condition before any probe passed').toBe('False');
      setHealthy(true);
      await waitFor(async () => {
        clock.advance(1000);
        return (await ready()) === 'True';
      }, 'Ready once the probe passes');
      expect(
        (await status())?.containerStatuses?.[0]?.ready,
        "the container's ready once its readiness probe passed",
      ).toBe(true);
    });

    test('a readiness probe that starts failing takes the pod out of Ready, without a restart', async () => {
      const { clock, status, ready, setHealthy, runtime } = await setUp({
        readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 5 },
      });
      setHealthy(true);
      await waitFor(async () => {
        clock.advance(1000);
        return (await ready()) === 'True';
      }, 'Ready once the probe passes');
      setHealthy(false);
      await waitFor(async () => {
        clock.advance(1000);
        return (await ready()) === 'False';
      }, 'Ready False after three failed probes');
      expect(
        [
          runtime.callsTo('stopContainer').length,
          (await status())?.containerStatuses?.[0]?.restartCount,
        ],
        'containers stopped and restartCount: a failing readiness probe kills nothing',
      ).toEqual([0, 0]);
    });

    test('a liveness probe that fails three times in a row kills the container, which restarts', async () => {
      const { clock, status, setHealthy, runtime } = await setUp({
        livenessProbe: { exec: { command: ['alive'] }, periodSeconds: 10, failureThreshold: 3 },
      });
      setHealthy(false);
      // Time moves a second per look: each probe runs after the one before has finished.
      await waitFor(() => {
        clock.advance(1000);
        return runtime.callsTo('stopContainer').length === 1;
      }, 'three failed probes, then the container killed');
      const killed = runtime.callsTo('stopContainer')[0]!.args[0];
      expect(
        runtime.callsTo('exec').filter((call) => call.args[0] === killed).length,
        'probes of the killed container',
      ).toBe(3);
      await waitFor(async () => {
        clock.advance(1000);
        return (await status())?.containerStatuses?.[0]?.restartCount === 1;
      }, 'the container restarted');
    });
  });
});
