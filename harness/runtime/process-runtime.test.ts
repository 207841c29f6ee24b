// The process runtime, end to end: real child processes on loopback pod IPs, real log files, a
// second runtime adopting what the first one started. Each test gets its own state directory and
// free ports, waits on conditions, and leaves no process behind.
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { cidrContains, podCidrForNode } from '../network.ts';
import { send } from '../testing/http.ts';
import { waitFor } from '../testing/wait.ts';
import {
  ErrImagePull,
  ImagePullError,
  podUidLabel,
  type ContainerConfig,
  type ContainerRuntime,
  type LogLine,
} from './cri.ts';
import { parseLogLine } from './cri-log.ts';
import { isAlive, ProcessRuntime } from './process-runtime.ts';

// A podCIDR of its own, so pods of this file never share an IP with pods of other test files.
const podCidr = podCidrForNode(201);
const runtimes: ContainerRuntime[] = [];
const stateDirs: string[] = [];

function newStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kata-runtime-'));
  stateDirs.push(dir);
  return dir;
}

function openRuntime(stateDir = newStateDir()): ProcessRuntime {
  const runtime = new ProcessRuntime({ stateDir, podCidr });
  runtimes.push(runtime);
  return runtime;
}

afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close({ stopAll: true });
  for (const dir of stateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

let podCount = 0;

/** A sandbox for a fresh pod, and one container in it, started. */
async function runPod(runtime: ContainerRuntime, container: Omit<ContainerConfig, 'metadata'>) {
  const name = `pod-${++podCount}`;
  const uid = `uid-${podCount}`;
  const sandboxId = await runtime.runPodSandbox({
    metadata: { name, namespace: 'default', uid, attempt: 0 },
    labels: { [podUidLabel]: uid },
  });
  const containerId = await runtime.createContainer(sandboxId, {
    metadata: { name: 'main', attempt: 0 },
    labels: { [podUidLabel]: uid },
    ...container,
  });
  await runtime.startContainer(containerId);
  const { ip } = await runtime.podSandboxStatus(sandboxId);
  return { name, uid, sandboxId, containerId, ip };
}

/** A port that is free on `ip` right now (the kernel picks it). */
function freePort(ip: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, ip, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function logLines(runtime: ContainerRuntime, id: string, tailLines?: number) {
  const lines: LogLine[] = [];
  for await (const line of runtime.readLogs(id, { tailLines })) lines.push(line);
  return lines;
}

async function logged(runtime: ContainerRuntime, id: string, text: string): Promise<boolean> {
  return (await logLines(runtime, id)).some((line) => line.content.includes(text));
}

async function exited(runtime: ContainerRuntime, id: string): Promise<boolean> {
  return (await runtime.containerStatus(id)).state === 'CONTAINER_EXITED';
}

describe('The process runtime', () => {
  test('a sandbox gets a pod IP from the podCIDR, and each READY sandbox a different one', async () => {
    const runtime = openRuntime();
    const config = (name: string) => ({
      metadata: { name, namespace: 'default', uid: name, attempt: 0 },
    });
    const first = await runtime.podSandboxStatus(await runtime.runPodSandbox(config('a')));
    const second = await runtime.podSandboxStatus(await runtime.runPodSandbox(config('b')));
    expect(first.ip, 'the first sandbox skips x.y.z.0 and the bridge address x.y.z.1').toBe(
      '127.244.201.2',
    );
    expect(second.ip).toBe('127.244.201.3');
    expect(cidrContains(podCidr, second.ip)).toBe(true);
    expect(first.state).toBe('SANDBOX_READY');
    await runtime.stopPodSandbox(first.id);
    const third = await runtime.podSandboxStatus(await runtime.runPodSandbox(config('c')));
    expect(third.ip, 'a stopped sandbox gives its IP back').toBe('127.244.201.2');
  });

  test("a pod on the node's network (hostNetwork) gets the node's IP, and takes none of the podCIDR", async () => {
    const runtime = new ProcessRuntime({
      stateDir: newStateDir(),
      podCidr,
      nodeIp: '127.20.0.201',
      hostNetwork: async ({ name }) => name === 'etcd-node-1',
    });
    runtimes.push(runtime);
    const config = (name: string) => ({
      metadata: { name, namespace: 'kube-system', uid: name, attempt: 0 },
    });
    const onHost = await runtime.podSandboxStatus(
      await runtime.runPodSandbox(config('etcd-node-1')),
    );
    const onPods = await runtime.podSandboxStatus(await runtime.runPodSandbox(config('web')));
    expect(onHost.ip, "the hostNetwork pod's IP").toBe('127.20.0.201');
    expect(onPods.ip, 'the next pod, the first address of the podCIDR').toBe('127.244.201.2');
  });

  test('an echo container answers HTTP on its pod IP and containerPort with its pod name', async () => {
    const runtime = openRuntime();
    const ip = '127.244.201.2';
    const port = await freePort(ip);
    const pod = await runPod(runtime, { image: 'kata/echo', ports: [{ containerPort: port }] });
    expect(pod.ip, 'the first pod of the podCIDR').toBe(ip);
    expect((await runtime.containerStatus(pod.containerId)).state).toBe('CONTAINER_RUNNING');
    await waitFor(
      () => logged(runtime, pod.containerId, 'listening on'),
      'the echo server to listen',
    );
    const answer = await send(`http://${ip}:${port}`, 'GET', '/hello');
    expect(answer.status, `GET http://${ip}:${port}/hello`).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({
      pod: pod.name,
      namespace: 'default',
      ip,
      port,
      path: '/hello',
    });
    const health = await send(`http://${ip}:${port}`, 'GET', '/healthz');
    expect(health.status, 'GET /healthz').toBe(200);
  });

  test("a container's mounts are links in its root ($KATA_ROOT); echo answers its env and a file it sees", async () => {
    const runtime = openRuntime();
    const volume = mkdtempSync(join(tmpdir(), 'kata-volume-'));
    stateDirs.push(volume);
    writeFileSync(join(volume, 'greeting'), 'hi');
    const port = await freePort('127.244.201.2');
    const pod = await runPod(runtime, {
      image: 'kata/echo',
      ports: [{ containerPort: port }],
      env: [{ name: 'GREETING', value: 'hi' }],
      mounts: [{ containerPath: '/etc/app', hostPath: volume, readonly: true }],
    });
    const { containerId } = pod;
    await waitFor(() => logged(runtime, containerId, 'listening on'), 'the echo server to listen');
    const env = await send(`http://${pod.ip}:${port}`, 'GET', '/env');
    expect(env.text, 'GET /env of a container with env GREETING=hi').toContain('GREETING=hi\n');
    const root = /^KATA_ROOT=(.*)$/m.exec(env.text)?.[1];
    expect(root && readlinkSync(join(root, 'etc/app')), 'the link at $KATA_ROOT/etc/app').toBe(
      volume,
    );
    const file = await send(`http://${pod.ip}:${port}`, 'GET', '/files/etc/app/greeting');
    expect([file.status, file.text], 'GET /files/etc/app/greeting').toEqual([200, 'hi']);
    const missing = await send(`http://${pod.ip}:${port}`, 'GET', '/files/etc/app/nope');
    expect(missing.status, 'GET /files/etc/app/nope, a file that is not there').toBe(404);
  });

  test('echo writes what it is sent (PUT /files/<path>) into the volume mounted there', async () => {
    const runtime = openRuntime();
    const volume = mkdtempSync(join(tmpdir(), 'kata-volume-'));
    stateDirs.push(volume);
    const port = await freePort('127.244.201.2');
    const pod = await runPod(runtime, {
      image: 'kata/echo',
      ports: [{ containerPort: port }],
      mounts: [{ containerPath: '/data', hostPath: volume, readonly: false }],
    });
    await waitFor(() => logged(runtime, pod.containerId, 'listening on'), 'the echo server');
    const put = await send(`http://${pod.ip}:${port}`, 'PUT', '/files/data/note', 'kept');
    expect(put.status, `PUT /files/data/note: ${put.text}`).toBe(201);
    expect(readFileSync(join(volume, 'note'), 'utf8'), 'the file in the volume at /data').toBe(
      'kept',
    );
    const read = await send(`http://${pod.ip}:${port}`, 'GET', '/files/data/note');
    expect(read.text, 'GET /files/data/note afterwards').toBe('kept');
  });

  test("a sandbox's resolv.conf is at /etc/resolv.conf in each container's root, unless a volume is at /etc", async () => {
    const stateDir = newStateDir();
    const runtime = openRuntime(stateDir);
    const sandboxId = await runtime.runPodSandbox({
      metadata: { name: 'resolving', namespace: 'shop', uid: 'uid-resolving', attempt: 0 },
      dnsConfig: {
        servers: ['127.96.0.10'],
        searches: ['shop.svc.cluster.local'],
        options: ['ndots:5'],
      },
    });
    const rootOf = async (mounts: ContainerConfig['mounts']) => {
      const id = await runtime.createContainer(sandboxId, {
        metadata: { name: `c${mounts?.length ?? 0}`, attempt: 0 },
        image: 'kata/sleep',
        mounts,
      });
      // Where the runtime keeps a container's root (the layout in process-runtime.ts's header).
      return join(stateDir, 'containers', id, 'root');
    };
    const plain = await rootOf([]);
    expect(
      readFileSync(join(plain, 'etc/resolv.conf'), 'utf8'),
      'the resolv.conf a container of a sandbox with a dnsConfig sees',
    ).toContain('nameserver 127.96.0.10\nsearch shop.svc.cluster.local\n');
    const volume = mkdtempSync(join(tmpdir(), 'kata-volume-'));
    stateDirs.push(volume);
    const covered = await rootOf([{ containerPath: '/etc', hostPath: volume }]);
    expect(
      readlinkSync(join(covered, 'etc')),
      'with a volume at /etc: the volume, nothing added',
    ).toBe(volume);
  });

  test('an echo container stops gracefully on SIGTERM and exits 0', async () => {
    const runtime = openRuntime();
    const port = await freePort('127.244.201.2');
    const pod = await runPod(runtime, { image: 'kata/echo', ports: [{ containerPort: port }] });
    await waitFor(() => logged(runtime, pod.containerId, 'listening on'), 'the echo server');
    await runtime.stopContainer(pod.containerId, 10);
    const status = await runtime.containerStatus(pod.containerId);
    expect(status, 'stop kata/echo with a 10 s grace period').toMatchObject({
      state: 'CONTAINER_EXITED',
      exitCode: 0,
      reason: 'Completed',
    });
    expect(status.finishedAt).toBeGreaterThanOrEqual(status.startedAt);
  });

  test("a container's exit is reported at once to whoever watches for exits", async () => {
    const runtime = openRuntime();
    const exits: string[] = [];
    const unwatch = runtime.watchContainerExits((container) =>
      exits.push(`${container.id} ${container.state} ${container.exitCode}`),
    );
    const pod = await runPod(runtime, { image: 'kata/job', args: ['--code=3'] });
    await waitFor(() => exits.length === 1, 'the exit of kata/job is reported');
    expect(exits, 'the exits reported').toEqual([`${pod.containerId} CONTAINER_EXITED 3`]);
    unwatch();
  });

  test('a crash container exits 1 and its status says so', async () => {
    const runtime = openRuntime();
    const pod = await runPod(runtime, { image: 'kata/crash', args: ['--after=0'] });
    await waitFor(() => exited(runtime, pod.containerId), 'kata/crash to exit');
    const status = await runtime.containerStatus(pod.containerId);
    expect(status, 'kata/crash --after=0').toMatchObject({
      state: 'CONTAINER_EXITED',
      exitCode: 1,
      reason: 'Error',
      pid: 0,
    });
    expect(status.startedAt).toBeGreaterThan(0);
  });

  test('stopping a container that ignores SIGTERM escalates to SIGKILL after the timeout', async () => {
    const runtime = openRuntime();
    const pod = await runPod(runtime, { image: 'kata/ignore-sigterm' });
    const { pid } = await runtime.containerStatus(pod.containerId);
    await waitFor(
      () => logged(runtime, pod.containerId, 'SIGTERM will be ignored'),
      'kata/ignore-sigterm to install its handler',
    );
    const started = Date.now();
    await runtime.stopContainer(pod.containerId, 0.5);
    const elapsed = Date.now() - started;
    expect(elapsed, 'stop waited for the timeout before SIGKILL').toBeGreaterThanOrEqual(450);
    expect(elapsed, 'stop with a 0.5 s timeout ended soon after it').toBeLessThan(5000);
    expect(await runtime.containerStatus(pod.containerId), 'after SIGKILL').toMatchObject({
      state: 'CONTAINER_EXITED',
      exitCode: 137,
      reason: 'Error',
    });
    expect(isAlive(pid), `process ${pid} after stop`).toBe(false);
    expect(await logged(runtime, pod.containerId, 'received SIGTERM, ignoring it')).toBe(true);
  });

  test('logs are written in the CRI format, per container, under the state directory', async () => {
    const stateDir = newStateDir();
    const runtime = openRuntime(stateDir);
    const pod = await runPod(runtime, { image: 'kata/job', args: ['one', 'two'] });
    await waitFor(() => exited(runtime, pod.containerId), 'kata/job to exit');
    const status = await runtime.containerStatus(pod.containerId);
    expect(status).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(status.logPath).toBe(
      join(stateDir, 'pods', `default_${pod.name}_${pod.uid}`, 'main', '0.log'),
    );
    const text = readFileSync(status.logPath, 'utf8');
    const lines = text.trimEnd().split('\n');
    for (const line of lines)
      expect(line, 'each line: <RFC3339Nano> <stream> <F|P> <content>').toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z (stdout|stderr) [FP] .*$/,
      );
    expect(lines.map((line) => parseLogLine(line)?.content)).toEqual(['one', 'two', 'done']);
    expect(parseLogLine(lines[0]!)?.stream).toBe('stdout');
  });

  test('a line longer than 16 KiB is logged in pieces tagged P, the last one F', async () => {
    const runtime = openRuntime();
    const long = 'x'.repeat(40 * 1024);
    const pod = await runPod(runtime, { image: 'kata/job', args: [long] });
    await waitFor(() => exited(runtime, pod.containerId), 'kata/job to exit');
    const lines = await logLines(runtime, pod.containerId);
    expect(lines.map((line) => [line.partial, line.content.length])).toEqual([
      [true, 16 * 1024],
      [true, 16 * 1024],
      [false, 8 * 1024],
      [false, 'done'.length],
    ]);
    expect(
      lines
        .slice(0, 3)
        .map((line) => line.content)
        .join(''),
    ).toBe(long);
  });

  test('a slow-start container listens only after its delay', async () => {
    const runtime = openRuntime();
    const port = await freePort('127.244.201.2');
    const pod = await runPod(runtime, {
      image: 'kata/slow-start',
      args: ['--delay=1'],
      ports: [{ containerPort: port }],
    });
    const url = `http://${pod.ip}:${port}`;
    await waitFor(() => logged(runtime, pod.containerId, 'starting in 1 s'), 'the start line');
    await expect(send(url, 'GET', '/healthz'), 'GET /healthz before the delay').rejects.toThrow();
    await waitFor(
      () =>
        send(url, 'GET', '/healthz').then(
          (answer) => answer.status === 200,
          () => false,
        ),
      'kata/slow-start to answer /healthz',
    );
  });

  test('reading logs with tailLines gives only the last lines', async () => {
    const runtime = openRuntime();
    const pod = await runPod(runtime, { image: 'kata/job', args: ['a', 'b', 'c'] });
    await waitFor(() => exited(runtime, pod.containerId), 'kata/job to exit');
    const tail = await logLines(runtime, pod.containerId, 2);
    expect(
      tail.map((line) => line.content),
      'kata/job a b c, tailLines 2',
    ).toEqual(['c', 'done']);
  });

  test('an exited attempt keeps its log after the next attempt ran (what kubectl logs --previous reads)', async () => {
    const runtime = openRuntime();
    const pod = await runPod(runtime, { image: 'kata/job', args: ['first'] });
    await waitFor(() => exited(runtime, pod.containerId), 'attempt 0 to exit');
    const next = await runtime.createContainer(pod.sandboxId, {
      metadata: { name: 'main', attempt: 1 },
      labels: { [podUidLabel]: pod.uid },
      image: 'kata/job',
      args: ['second'],
    });
    await runtime.startContainer(next);
    await waitFor(() => exited(runtime, next), 'attempt 1 to exit');
    const contents = async (id: string) =>
      (await logLines(runtime, id)).map((line) => line.content);
    expect(
      [await contents(pod.containerId), await contents(next)],
      'the logs of attempt 0 (kata/job first) and attempt 1 (kata/job second)',
    ).toEqual([
      ['first', 'done'],
      ['second', 'done'],
    ]);
  });

  test('following logs yields new lines as they come and ends when the container exits', async () => {
    const runtime = openRuntime();
    const port = await freePort('127.244.201.2');
    const pod = await runPod(runtime, { image: 'kata/echo', ports: [{ containerPort: port }] });
    const seen: string[] = [];
    const following = (async () => {
      for await (const line of runtime.readLogs(pod.containerId, { follow: true }))
        seen.push(line.content);
    })();
    await waitFor(() => seen.some((line) => line.startsWith('listening on')), 'the listen line');
    await runtime.stopContainer(pod.containerId, 10);
    await following;
    expect(seen, 'follow, then stop the container').toContain('received SIGTERM, closing');
  });

  test('following logs stops when its signal aborts, though the container runs on', async () => {
    const runtime = openRuntime();
    const pod = await runPod(runtime, { image: 'kata/sleep' });
    const abort = new AbortController();
    const following = (async () => {
      const lines: LogLine[] = [];
      for await (const line of runtime.readLogs(pod.containerId, {
        follow: true,
        signal: abort.signal,
      }))
        lines.push(line);
      return lines;
    })();
    abort.abort();
    expect(await following).toEqual([]);
    expect((await runtime.containerStatus(pod.containerId)).state).toBe('CONTAINER_RUNNING');
  });

  test('a container gets the pod env (POD_NAME, POD_NAMESPACE, POD_IP, HOSTNAME) and its own, and exec sees it', async () => {
    const runtime = openRuntime();
    const pod = await runPod(runtime, {
      image: 'kata/sleep',
      env: [{ name: 'GREETING', value: 'hello' }],
    });
    const script =
      'const e = process.env; console.log([e.POD_NAME, e.POD_NAMESPACE, e.POD_IP, e.HOSTNAME, e.GREETING].join(" "))';
    const result = await runtime.exec(pod.containerId, [process.execPath, '-e', script], 10);
    expect(result, 'exec node -e <print env>').toEqual({
      exitCode: 0,
      stdout: `${pod.name} default ${pod.ip} ${pod.name} hello\n`,
      stderr: '',
      timedOut: false,
    });
    const failing = await runtime.exec(
      pod.containerId,
      [process.execPath, '-e', 'process.exit(3)'],
      10,
    );
    expect(failing.exitCode, 'exec node -e process.exit(3)').toBe(3);
  });

  test('exec past its timeout is killed and says timedOut', async () => {
    const runtime = openRuntime();
    const pod = await runPod(runtime, { image: 'kata/sleep' });
    const result = await runtime.exec(
      pod.containerId,
      [process.execPath, '-e', 'setTimeout(() => {}, 60000)'],
      0.2,
    );
    expect(result.timedOut, 'exec a 60 s program with a 0.2 s timeout').toBe(true);
    const missing = await runtime.exec(pod.containerId, ['kata-no-such-program'], 10);
    expect(missing.exitCode, 'exec of a program that does not exist').toBe(127);
  });

  test('an unknown image fails to pull with ErrImagePull, and cannot be created', async () => {
    const runtime = openRuntime();
    const pull = runtime.pullImage('example.com/no-such-image:1.0');
    await expect(pull, 'pull example.com/no-such-image:1.0').rejects.toBeInstanceOf(ImagePullError);
    await expect(runtime.pullImage('no-such-image')).rejects.toMatchObject({
      reason: ErrImagePull,
      message: expect.stringContaining('Failed to pull image "no-such-image"'),
    });
    expect(await runtime.imageStatus('no-such-image')).toBeUndefined();
    const sandboxId = await runtime.runPodSandbox({
      metadata: { name: 'p', namespace: 'default', uid: 'u', attempt: 0 },
    });
    await expect(
      runtime.createContainer(sandboxId, { metadata: { name: 'c', attempt: 0 }, image: 'nope' }),
    ).rejects.toMatchObject({ reason: ErrImagePull });
  });

  test('known images pull with or without tag, and imageStatus then reports them', async () => {
    const runtime = openRuntime();
    expect(await runtime.imageStatus('nginx:1.27')).toBeUndefined();
    expect(await runtime.pullImage('nginx:1.27')).toEqual({ ref: 'nginx:1.27', id: 'nginx' });
    expect(await runtime.imageStatus('nginx:1.27')).toEqual({ ref: 'nginx:1.27', id: 'nginx' });
    expect((await runtime.pullImage('docker.io/library/busybox:1.36')).id).toBe('busybox');
    expect((await runtime.pullImage('registry.k8s.io/pause:3.10')).id).toBe(
      'registry.k8s.io/pause',
    );
  });

  test('busybox runs `sh -c` scripts and `sleep`', async () => {
    const runtime = openRuntime();
    const pod = await runPod(runtime, {
      image: 'busybox',
      command: ['sh', '-c', 'echo "hi from $POD_NAME"; exit 4'],
    });
    await waitFor(() => exited(runtime, pod.containerId), 'busybox sh -c to exit');
    const status = await runtime.containerStatus(pod.containerId);
    expect(status.exitCode, 'sh -c "...; exit 4"').toBe(4);
    expect((await logLines(runtime, pod.containerId)).map((l) => l.content)).toEqual([
      `hi from ${pod.name}`,
    ]);
  });

  test('a working directory that does not exist is a start error', async () => {
    const runtime = openRuntime();
    const sandboxId = await runtime.runPodSandbox({
      metadata: { name: 'p', namespace: 'default', uid: 'u', attempt: 0 },
    });
    const id = await runtime.createContainer(sandboxId, {
      metadata: { name: 'c', attempt: 0 },
      image: 'kata/sleep',
      workingDir: '/kata/no/such/dir',
    });
    await expect(
      runtime.startContainer(id),
      'start with workingDir /kata/no/such/dir',
    ).rejects.toThrow(/failed to start/);
    expect(await runtime.containerStatus(id)).toMatchObject({
      state: 'CONTAINER_EXITED',
      exitCode: 128,
      reason: 'StartError',
    });
  });

  test('a second runtime on the same state directory lists the running containers and adopts them', async () => {
    const stateDir = newStateDir();
    const first = openRuntime(stateDir);
    const pod = await runPod(first, { image: 'kata/sleep' });
    const { pid } = await first.containerStatus(pod.containerId);
    await first.close();
    expect(isAlive(pid), 'a close without stopAll leaves containers running').toBe(true);

    const second = openRuntime(stateDir);
    const sandboxes = await second.listPodSandbox({ labelSelector: { [podUidLabel]: pod.uid } });
    expect(sandboxes.map((s) => [s.id, s.state, s.ip])).toEqual([
      [pod.sandboxId, 'SANDBOX_READY', pod.ip],
    ]);
    const running = await second.listContainers({
      labelSelector: { [podUidLabel]: pod.uid },
      state: 'CONTAINER_RUNNING',
    });
    expect(
      running.map((c) => [c.id, c.metadata.name, c.pid]),
      'listContainers on a new runtime, same state dir',
    ).toEqual([[pod.containerId, 'main', pid]]);

    await second.stopContainer(pod.containerId, 10);
    const stopped = await second.containerStatus(pod.containerId);
    expect(stopped.state, 'stopped by the new runtime').toBe('CONTAINER_EXITED');
    expect(isAlive(pid), `process ${pid} after the new runtime stopped it`).toBe(false);
  });

  test('remove takes containers and sandboxes away; asking for them is then NotFound, removing again is not an error', async () => {
    const runtime = openRuntime();
    const pod = await runPod(runtime, { image: 'kata/sleep' });
    await runtime.removePodSandbox(pod.sandboxId);
    expect(await runtime.listContainers()).toEqual([]);
    expect(await runtime.listPodSandbox()).toEqual([]);
    await expect(runtime.containerStatus(pod.containerId)).rejects.toMatchObject({
      code: 'NotFound',
    });
    await runtime.removePodSandbox(pod.sandboxId);
    await runtime.stopPodSandbox(pod.sandboxId);
    await runtime.removeContainer(pod.containerId);
  });

  test('no process outlives close({ stopAll: true })', async () => {
    const runtime = openRuntime();
    const pids: number[] = [];
    for (const image of ['kata/sleep', 'kata/ignore-sigterm', 'busybox']) {
      const pod = await runPod(runtime, {
        image,
        ...(image === 'busybox' ? { command: ['sh', '-c', 'sleep 600'] } : {}),
      });
      pids.push((await runtime.containerStatus(pod.containerId)).pid);
    }
    expect(pids.every(isAlive), `processes ${pids.join(', ')} run`).toBe(true);
    await runtime.close({ stopAll: true });
    for (const pid of pids) expect(isAlive(pid), `process ${pid} after close`).toBe(false);
    expect((await runtime.listPodSandbox()).map((s) => s.state)).toEqual([
      'SANDBOX_NOTREADY',
      'SANDBOX_NOTREADY',
      'SANDBOX_NOTREADY',
    ]);
  });
  test('what a container started in the background ends when its main process ends', async () => {
    const runtime = openRuntime();
    const pod = await runPod(runtime, {
      image: 'busybox',
      command: ['sh', '-c', 'sleep 600 & echo "background $!"; exit 0'],
    });
    await waitFor(() => exited(runtime, pod.containerId), 'the main process to exit');
    const line = (await logLines(runtime, pod.containerId)).find((l) =>
      l.content.startsWith('background '),
    );
    const pid = Number(line?.content.split(' ')[1]);
    expect(pid, 'the script logged the pid of its background sleep').toBeGreaterThan(0);
    await waitFor(() => !isAlive(pid), `the background sleep ${pid} to end with its container`);
  });

  test('a container still starting when the runtime closes does not outlive it', async () => {
    const runtime = openRuntime();
    const sandboxId = await runtime.runPodSandbox({
      metadata: { name: 'late', namespace: 'default', uid: 'late', attempt: 0 },
    });
    const containerId = await runtime.createContainer(sandboxId, {
      metadata: { name: 'main', attempt: 0 },
      image: 'kata/sleep',
    });
    const starting = runtime.startContainer(containerId).catch(() => {});
    await runtime.close({ stopAll: true });
    await starting;
    const { pid } = await runtime.containerStatus(containerId);
    expect(pid, 'the container is not left running').toBe(0);
    const started = readFileSync(
      join(stateDirs.at(-1)!, 'containers', containerId, 'started.json'),
      'utf8',
    );
    const programPid = (JSON.parse(started) as { pid: number }).pid;
    expect(isAlive(programPid), `the program ${programPid} after close`).toBe(false);
    await expect(
      runtime.startContainer(containerId),
      'a closed runtime starts nothing more',
    ).rejects.toThrow(/shutting down|already started/);
  });
});
