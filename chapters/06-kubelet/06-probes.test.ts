// Probes: each kind of check on its own against real sockets, the verdict's thresholds, then the
// kubelet acting on them (on the fake runtime, whose exec answers as the test says).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { Container, Pod } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { FakeRuntime } from '../../harness/runtime/fake-runtime.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createKubelet } from './kubelet.ts';
import { probeOnce, ProbeTracker } from './probes.ts';

const scope = testScope();
const container: Container = {
  name: 'app',
  image: 'kata/echo',
  ports: [{ name: 'web', containerPort: 0 }],
};

/** A local HTTP server answering `code`; resolves with its port and a close function. */
async function answering(code: number): Promise<{ port: number; close(): void }> {
  const server = http.createServer((_request, response) => response.writeHead(code).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, close: () => server.close() };
}

const target = (runtime = new FakeRuntime()) => ({
  podIP: '127.0.0.1',
  containerId: 'c1',
  runtime,
});

describe('Probes', () => {
  test('httpGet: 200 to 399 is a success; 500, or nobody listening, a failure', async () => {
    const ok = await answering(204);
    const broken = await answering(500);
    try {
      expect(
        await probeOnce({ httpGet: { port: ok.port, path: '/healthz' } }, container, target()),
      ).toBe(true);
      expect(await probeOnce({ httpGet: { port: broken.port } }, container, target())).toBe(false);
    } finally {
      ok.close();
      broken.close();
    }
    expect(
      await probeOnce({ httpGet: { port: ok.port } }, container, target()),
      'after close',
    ).toBe(false);
  });

  test('tcpSocket: a connection accepted is a success; a port by name is looked up', async () => {
    const server = await answering(200);
    const named = { ...container, ports: [{ name: 'web', containerPort: server.port }] };
    try {
      expect(await probeOnce({ tcpSocket: { port: 'web' } }, named, target())).toBe(true);
    } finally {
      server.close();
    }
    expect(
      await probeOnce({ tcpSocket: { port: server.port } }, container, target()),
      'closed',
    ).toBe(false);
  });

  test('exec: exit code 0 is a success, anything else or a timeout a failure', async () => {
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
    let exitCode = 0;
    runtime.execHandler = () => ({ exitCode, stdout: '', stderr: '', timedOut: false });
    const probe = { exec: { command: ['cat', '/tmp/healthy'] } };
    const at = { ...target(runtime), containerId: id };
    expect(await probeOnce(probe, container, at)).toBe(true);
    exitCode = 1;
    expect(await probeOnce(probe, container, at)).toBe(false);
  });

  test('the verdict turns after failureThreshold failures in a row, and back after successThreshold successes', () => {
    const tracker = new ProbeTracker({ failureThreshold: 3, successThreshold: 2 }, true);
    const changes = [true, false, false, false, true, false, true, true].map((ok) =>
      tracker.record(ok),
    );
    expect(changes, 'ok, fail, fail, fail, ok, fail, ok, ok').toEqual([
      false,
      false,
      false,
      true,
      false,
      false,
      false,
      true,
    ]);
    expect(tracker.healthy).toBe(true);
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
      return { clock, status, runtime, setHealthy: (value: boolean) => (healthy = value) };
    }

    test('a readiness probe decides Ready: false until it passes, true once it does', async () => {
      const { clock, status, setHealthy } = await setUp({
        readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 5 },
      });
      const ready = async () =>
        (await status())?.conditions?.find((c) => c.type === 'Ready')?.status;
      clock.advance(0);
      expect(await ready(), 'before any probe passed').toBe('False');
      setHealthy(true);
      await waitFor(async () => {
        clock.advance(1000);
        return (await ready()) === 'True';
      }, 'Ready once the probe passes');
      expect((await status())?.containerStatuses?.[0]?.ready).toBe(true);
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
