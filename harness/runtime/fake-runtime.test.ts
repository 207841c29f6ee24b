// FakeRuntime, the in-memory test double: it moves containers through the same states as the
// process runtime, and its knobs make things happen on command, on an injected clock.
import { describe, expect, test } from 'vitest';
import { FakeClock } from '../clock.ts';
import { ErrImagePull, podUidLabel, type LogLine } from './cri.ts';
import { FakeRuntime } from './fake-runtime.ts';

async function startPod(runtime: FakeRuntime, name = 'web', containerName = 'main') {
  const sandboxId = await runtime.runPodSandbox({
    metadata: { name, namespace: 'default', uid: `uid-${name}`, attempt: 0 },
    labels: { [podUidLabel]: `uid-${name}` },
  });
  const containerId = await runtime.createContainer(sandboxId, {
    metadata: { name: containerName, attempt: 0 },
    image: 'kata/echo',
    labels: { [podUidLabel]: `uid-${name}` },
  });
  await runtime.startContainer(containerId);
  return { sandboxId, containerId };
}

describe('The fake runtime', () => {
  test('a started container is RUNNING with a pid and times from the injected clock', async () => {
    const clock = new FakeClock(1_000);
    const runtime = new FakeRuntime({ clock });
    const { sandboxId, containerId } = await startPod(runtime);
    expect(await runtime.podSandboxStatus(sandboxId)).toMatchObject({
      id: 'sandbox-1',
      state: 'SANDBOX_READY',
      ip: '127.244.0.2',
      hostname: 'web',
      createdAt: 1_000,
    });
    expect(await runtime.containerStatus(containerId)).toMatchObject({
      id: 'container-1',
      state: 'CONTAINER_RUNNING',
      pid: 1000,
      startedAt: 1_000,
    });
  });

  test('exitContainer ends a running container with the given code', async () => {
    const clock = new FakeClock(0);
    const runtime = new FakeRuntime({ clock });
    const { containerId } = await startPod(runtime);
    clock.advance(5_000);
    runtime.exitContainer(containerId, 1);
    expect(await runtime.containerStatus(containerId), 'exitContainer(id, 1)').toMatchObject({
      state: 'CONTAINER_EXITED',
      exitCode: 1,
      reason: 'Error',
      finishedAt: 5_000,
      pid: 0,
    });
  });

  test('failNextStart makes the next start of that container fail once, as a StartError', async () => {
    const runtime = new FakeRuntime({ clock: new FakeClock() });
    runtime.failNextStart('main', 'no such file');
    await expect(startPod(runtime)).rejects.toThrow('no such file');
    expect((await runtime.listContainers())[0]).toMatchObject({
      state: 'CONTAINER_EXITED',
      reason: 'StartError',
      exitCode: 128,
    });
    const second = await startPod(runtime, 'other');
    expect((await runtime.containerStatus(second.containerId)).state).toBe('CONTAINER_RUNNING');
  });

  test('an image made unknown fails to pull with ErrImagePull, with any tag', async () => {
    const runtime = new FakeRuntime();
    runtime.makeImageUnknown('example.com/missing');
    await expect(runtime.pullImage('example.com/missing:2.0')).rejects.toMatchObject({
      reason: ErrImagePull,
    });
    expect(await runtime.pullImage('kata/echo')).toEqual({ ref: 'kata/echo', id: 'kata/echo' });
    expect(await runtime.imageStatus('kata/echo')).toEqual({ ref: 'kata/echo', id: 'kata/echo' });
  });

  test('stop ends a container with 143, or 137 when it ignores SIGTERM', async () => {
    const runtime = new FakeRuntime({ clock: new FakeClock() });
    runtime.ignoresSigterm.add('stubborn');
    const polite = await startPod(runtime, 'a', 'main');
    const stubborn = await startPod(runtime, 'b', 'stubborn');
    await runtime.stopContainer(polite.containerId, 30);
    await runtime.stopContainer(stubborn.containerId, 30);
    expect((await runtime.containerStatus(polite.containerId)).exitCode).toBe(143);
    expect((await runtime.containerStatus(stubborn.containerId)).exitCode).toBe(137);
  });

  test('lists filter by sandbox, state and labels', async () => {
    const runtime = new FakeRuntime({ clock: new FakeClock() });
    const a = await startPod(runtime, 'a');
    const b = await startPod(runtime, 'b');
    runtime.exitContainer(b.containerId, 0);
    const ids = async (filter: Parameters<FakeRuntime['listContainers']>[0]) =>
      (await runtime.listContainers(filter)).map((c) => c.id);
    expect(await ids({ state: 'CONTAINER_RUNNING' })).toEqual([a.containerId]);
    expect(await ids({ podSandboxId: b.sandboxId })).toEqual([b.containerId]);
    expect(await ids({ labelSelector: { [podUidLabel]: 'uid-a' } })).toEqual([a.containerId]);
    const sandboxes = await runtime.listPodSandbox({ labelSelector: { [podUidLabel]: 'uid-b' } });
    expect(sandboxes.map((s) => s.id)).toEqual([b.sandboxId]);
  });

  test('logs: written lines are read back, tailed, and followed until the container exits', async () => {
    const runtime = new FakeRuntime({ clock: new FakeClock() });
    const { containerId } = await startPod(runtime);
    runtime.writeLog(containerId, 'one');
    runtime.writeLog(containerId, 'two', 'stderr');
    const tail: LogLine[] = [];
    for await (const line of runtime.readLogs(containerId, { tailLines: 1 })) tail.push(line);
    expect(tail).toEqual([
      { time: '1970-01-01T00:00:00.000Z', stream: 'stderr', partial: false, content: 'two' },
    ]);
    const followed: string[] = [];
    const following = (async () => {
      for await (const line of runtime.readLogs(containerId, { follow: true }))
        followed.push(line.content);
    })();
    runtime.writeLog(containerId, 'three');
    runtime.exitContainer(containerId, 0);
    await following;
    expect(followed).toEqual(['one', 'two', 'three']);
  });

  test('exec answers from execHandler, and every call is recorded', async () => {
    const runtime = new FakeRuntime({ clock: new FakeClock() });
    const { containerId } = await startPod(runtime);
    runtime.execHandler = (_, command) => ({
      exitCode: command[0] === 'fail' ? 1 : 0,
      stdout: '',
      stderr: '',
      timedOut: false,
    });
    expect((await runtime.exec(containerId, ['fail'], 1)).exitCode).toBe(1);
    expect(runtime.callsTo('exec')).toEqual([{ method: 'exec', args: [containerId, ['fail'], 1] }]);
    expect(runtime.calls.map((call) => call.method)).toEqual([
      'runPodSandbox',
      'createContainer',
      'startContainer',
      'exec',
    ]);
  });

  test('close with stopAll stops every container; remove makes them NotFound', async () => {
    const runtime = new FakeRuntime({ clock: new FakeClock() });
    const { sandboxId, containerId } = await startPod(runtime);
    await runtime.close({ stopAll: true });
    expect((await runtime.containerStatus(containerId)).state).toBe('CONTAINER_EXITED');
    expect((await runtime.podSandboxStatus(sandboxId)).state).toBe('SANDBOX_NOTREADY');
    await runtime.removePodSandbox(sandboxId);
    await expect(runtime.containerStatus(containerId)).rejects.toMatchObject({ code: 'NotFound' });
  });
});
