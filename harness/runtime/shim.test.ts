// The node's container shim (shim.mjs): one process for every container of a runtime's state
// directory. It keeps the duties a shim per container had: the CRI log format, the exit code and
// reason, containers that outlive a kubelet killed outright, and a new runtime taking over where the
// old one left. And what a shared shim adds: a shim killed from outside ends its containers cleanly
// (recorded as killed), and no shim is left once the runtime stops everything or has nothing left.
//
// Each test gets its own state directory and waits on conditions; every process is ended after it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { podCidrForNode } from '../network.ts';
import { repoRoot } from '../paths.ts';
import { processesOf } from '../testing/processes.ts';
import { waitFor } from '../testing/wait.ts';
import { podUidLabel, type ContainerConfig } from './cri.ts';
import { parseLogLine } from './cri-log.ts';
import { isAlive, ProcessRuntime } from './process-runtime.ts';

// A podCIDR of its own, so pods of this file never share an IP with pods of other test files.
const podCidr = podCidrForNode(202);
const runtimes: ProcessRuntime[] = [];
const stateDirs: string[] = [];
const kubelets: number[] = [];

function openRuntime(stateDir = mkdtempSync(join(tmpdir(), 'kata-shim-'))): ProcessRuntime {
  if (!stateDirs.includes(stateDir)) stateDirs.push(stateDir);
  const runtime = new ProcessRuntime({ stateDir, podCidr });
  runtimes.push(runtime);
  return runtime;
}

afterEach(async () => {
  for (const pid of kubelets.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const runtime of runtimes.splice(0)) await runtime.close({ stopAll: true });
  for (const stateDir of stateDirs.splice(0)) {
    // What no runtime of the test holds (the killed kubelet's containers, if the test failed early).
    await new ProcessRuntime({ stateDir, podCidr }).close({ stopAll: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
});

let podCount = 0;

/** A sandbox for a fresh pod, and one container in it, started; its id. */
async function runPod(
  runtime: ProcessRuntime,
  container: Omit<ContainerConfig, 'metadata'>,
): Promise<string> {
  const uid = `uid-${++podCount}`;
  const sandboxId = await runtime.runPodSandbox({
    metadata: { name: `pod-${podCount}`, namespace: 'default', uid, attempt: 0 },
    labels: { [podUidLabel]: uid },
  });
  const id = await runtime.createContainer(sandboxId, {
    metadata: { name: 'main', attempt: 0 },
    labels: { [podUidLabel]: uid },
    ...container,
  });
  await runtime.startContainer(id);
  return id;
}

/** The shims of a state directory: processes running shim.mjs with it on their command line. */
function shimsOf(stateDir: string): string[] {
  return processesOf(stateDir).filter((line) => line.includes('shim.mjs'));
}

/** What the shim of a state directory wrote of itself: its pid and where it listens. */
function shimFile(stateDir: string): { pid: number; socket: string } {
  return JSON.parse(readFileSync(join(stateDir, 'shim.json'), 'utf8')) as {
    pid: number;
    socket: string;
  };
}

const shimPid = (stateDir: string) => shimFile(stateDir).pid;

async function exited(runtime: ProcessRuntime, id: string): Promise<boolean> {
  return (await runtime.containerStatus(id)).state === 'CONTAINER_EXITED';
}

describe('The node shim', () => {
  test('one shim serves every container of a node', async () => {
    const runtime = openRuntime();
    const stateDir = stateDirs.at(-1)!;
    const ids = [];
    for (let n = 0; n < 4; n++) ids.push(await runPod(runtime, { image: 'kata/sleep' }));
    const states = await Promise.all(ids.map(async (id) => runtime.containerStatus(id)));
    expect(states.map((status) => status.state)).toEqual(Array(4).fill('CONTAINER_RUNNING'));
    expect(shimsOf(stateDir), 'four containers, one shim process').toHaveLength(1);
    expect(shimsOf(stateDir)[0]).toContain(String(shimPid(stateDir)));
  });

  test('stdout and stderr are logged in the CRI format, an unfinished last line too', async () => {
    const runtime = openRuntime();
    const id = await runPod(runtime, {
      image: 'busybox',
      command: ['sh', '-c', 'echo out; echo err >&2; printf "no newline"'],
    });
    await waitFor(() => exited(runtime, id), 'the script to exit');
    const { logPath } = await runtime.containerStatus(id);
    const lines = readFileSync(logPath, 'utf8').trimEnd().split('\n');
    for (const line of lines)
      expect(line, '<RFC3339Nano> <stream> <F|P> <content>').toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z (stdout|stderr) [FP] .*$/,
      );
    const parsed = lines.map((line) => parseLogLine(line)!);
    const of = (stream: string) =>
      parsed.filter((line) => line.stream === stream).map((line) => [line.partial, line.content]);
    expect(of('stdout')).toEqual([
      [false, 'out'],
      [false, 'no newline'],
    ]);
    expect(of('stderr')).toEqual([[false, 'err']]);
  });

  test('a line still growing is written in 16 KiB pieces tagged P before it ends', async () => {
    const runtime = openRuntime();
    // 20 KiB without a newline, then a pause: the first 16 KiB are in the log before the line ends.
    const script = `printf '%20480s' '' | tr ' ' y; sleep 600`;
    const id = await runPod(runtime, { image: 'busybox', command: ['sh', '-c', script] });
    const { logPath } = await runtime.containerStatus(id);
    const pieces = () =>
      readFileSync(logPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => parseLogLine(line)!);
    await waitFor(() => pieces().length > 0, 'the first piece of the long line');
    expect(pieces().map((line) => [line.partial, line.content.length])).toEqual([
      [true, 16 * 1024],
    ]);
    await runtime.stopContainer(id, 0);
    expect(
      pieces().map((line) => [line.partial, line.content.length]),
      'the rest is written, tagged F, when the program ends',
    ).toEqual([
      [true, 16 * 1024],
      [false, 4 * 1024],
    ]);
  });

  test('exit codes and reasons: Completed, Error with the code, killed by a signal', async () => {
    const runtime = openRuntime();
    const completed = await runPod(runtime, { image: 'busybox', command: ['true'] });
    const failed = await runPod(runtime, { image: 'busybox', command: ['sh', '-c', 'exit 42'] });
    const killed = await runPod(runtime, { image: 'kata/sleep' });
    process.kill((await runtime.containerStatus(killed)).pid, 'SIGKILL');
    for (const id of [completed, failed, killed])
      await waitFor(() => exited(runtime, id), `container ${id} to exit`);
    const statuses = await Promise.all(
      [completed, failed, killed].map((id) => runtime.containerStatus(id)),
    );
    expect(
      statuses.map(({ exitCode, reason, message }) => ({ exitCode, reason, message })),
    ).toEqual([
      { exitCode: 0, reason: 'Completed', message: '' },
      { exitCode: 42, reason: 'Error', message: '' },
      { exitCode: 137, reason: 'Error', message: 'killed by SIGKILL' },
    ]);
  });

  test('containers outlive a kubelet killed outright, and are still logged; the next runtime adopts them and the same shim', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'kata-shim-'));
    stateDirs.push(stateDir);
    // A kubelet of its own: a program that starts a container through its runtime and then runs on.
    // The container says "tick N" five times a second.
    const ticking = 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 0.2; done';
    const program = [
      `const { ProcessRuntime } = await import(${JSON.stringify(join(repoRoot, 'harness/runtime/process-runtime.ts'))});`,
      `const runtime = new ProcessRuntime({ stateDir: ${JSON.stringify(stateDir)}, podCidr: ${JSON.stringify(podCidr)} });`,
      `const sandbox = await runtime.runPodSandbox({ metadata: { name: 'p', namespace: 'default', uid: 'u', attempt: 0 } });`,
      `const id = await runtime.createContainer(sandbox, { metadata: { name: 'main', attempt: 0 }, image: 'busybox', command: ['sh', '-c', ${JSON.stringify(ticking)}] });`,
      `await runtime.startContainer(id);`,
      `const { pid, logPath } = await runtime.containerStatus(id);`,
      `console.log(JSON.stringify({ id, pid, logPath }));`,
      `setInterval(() => {}, 60000);`,
    ].join('\n');
    const kubelet = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', program],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    kubelets.push(kubelet.pid!);
    let said = '';
    kubelet.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await waitFor(() => said.includes('\n'), 'the kubelet to start its container', 30_000);
    const { id, pid, logPath } = JSON.parse(said) as { id: string; pid: number; logPath: string };
    const ticks = () =>
      readFileSync(logPath, 'utf8')
        .split('\n')
        .filter((line) => line.includes(' tick ')).length;
    await waitFor(() => ticks() > 0, 'the container to tick');
    const shim = shimPid(stateDir);

    kubelet.kill('SIGKILL');
    await waitFor(() => !isAlive(kubelet.pid!), 'the kubelet to be gone');
    const ticksThen = ticks();
    await waitFor(() => ticks() >= ticksThen + 3, 'the container to go on ticking, into its log');
    expect(isAlive(pid), 'the container runs on without its kubelet').toBe(true);
    expect(isAlive(shim), 'and so does its shim').toBe(true);

    const runtime = openRuntime(stateDir);
    expect(await runtime.containerStatus(id)).toMatchObject({ state: 'CONTAINER_RUNNING', pid });
    const next = await runPod(runtime, { image: 'kata/sleep' });
    expect(shimsOf(stateDir), 'the new runtime uses the shim that runs').toEqual([
      expect.stringContaining(String(shim)),
    ]);
    expect((await runtime.containerStatus(next)).state).toBe('CONTAINER_RUNNING');
    await runtime.stopContainer(id, 10);
    expect(
      await runtime.containerStatus(id),
      'the adopted container, stopped by SIGTERM (its shell has no trap for it)',
    ).toMatchObject({ state: 'CONTAINER_EXITED', exitCode: 143, reason: 'Error' });
    expect(isAlive(pid)).toBe(false);
  }, 60_000);

  test('a shim killed from outside: its containers are ended and recorded as killed; the next start brings a new shim', async () => {
    const runtime = openRuntime();
    const stateDir = stateDirs.at(-1)!;
    const id = await runPod(runtime, { image: 'kata/sleep' });
    const { pid } = await runtime.containerStatus(id);
    const shim = shimPid(stateDir);
    process.kill(shim, 'SIGKILL');
    await waitFor(() => !isAlive(shim), 'the shim to be gone');
    expect(await runtime.containerStatus(id), 'a container without its shim').toMatchObject({
      state: 'CONTAINER_EXITED',
      exitCode: 137,
      reason: 'Error',
      message: expect.stringContaining('its shim'),
    });
    await waitFor(() => !isAlive(pid), `the program ${pid} to be ended`);

    const next = await runPod(runtime, { image: 'kata/sleep' });
    expect((await runtime.containerStatus(next)).state).toBe('CONTAINER_RUNNING');
    expect(shimPid(stateDir), 'a new shim').not.toBe(shim);
  });

  test('a start as the shim is killed goes to a new shim', async () => {
    const runtime = openRuntime();
    const stateDir = stateDirs.at(-1)!;
    await runPod(runtime, { image: 'kata/sleep' });
    const shim = shimPid(stateDir);
    // No wait between: the runtime may not have seen its connection close yet.
    process.kill(shim, 'SIGKILL');
    const next = await runPod(runtime, { image: 'kata/sleep' });
    expect((await runtime.containerStatus(next)).state).toBe('CONTAINER_RUNNING');
    expect(shimPid(stateDir), 'a new shim').not.toBe(shim);
  });

  test('signals a terminal or a process manager sends do not end the shim', async () => {
    const runtime = openRuntime();
    const stateDir = stateDirs.at(-1)!;
    const id = await runPod(runtime, { image: 'kata/sleep' });
    const shim = shimPid(stateDir);
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.kill(shim, signal);
    const job = await runPod(runtime, { image: 'kata/job', args: ['still here'] });
    await waitFor(() => exited(runtime, job), 'a job started after the signals to end');
    expect(isAlive(shim), 'the shim after SIGTERM, SIGINT and SIGHUP').toBe(true);
    expect((await runtime.containerStatus(id)).state).toBe('CONTAINER_RUNNING');
  });

  test('the shim listens in the temporary folder, even for a state directory too deep for a socket path', async () => {
    const base = mkdtempSync(join(tmpdir(), 'kata-shim-'));
    stateDirs.push(base);
    const stateDir = join(base, 'n'.repeat(60), 'runtime', 'x'.repeat(40));
    const runtime = openRuntime(stateDir);
    const id = await runPod(runtime, { image: 'kata/sleep' });
    expect((await runtime.containerStatus(id)).state).toBe('CONTAINER_RUNNING');
    const { socket } = shimFile(stateDir);
    expect(socket, 'the socket path').toMatch(/kata-shim-[0-9a-f]{16}\.sock$/);
    expect(socket.startsWith(tmpdir())).toBe(true);
    await runtime.close({ stopAll: true });
    expect(existsSync(socket), 'the shim takes its socket away as it ends').toBe(false);
  });

  test('a shim still starting when the runtime stops everything does not outlive it', async () => {
    const runtime = openRuntime();
    const stateDir = stateDirs.at(-1)!;
    const starting = runtime.shimProcess();
    await runtime.close({ stopAll: true });
    await starting;
    expect(shimsOf(stateDir), 'no shim left').toEqual([]);
  });

  test('stopping everything leaves no shim and no container; nor does a runtime let go with nothing running', async () => {
    const runtime = openRuntime();
    const stateDir = stateDirs.at(-1)!;
    await runPod(runtime, { image: 'kata/sleep' });
    await runPod(runtime, { image: 'kata/ignore-sigterm' });
    expect(shimsOf(stateDir)).toHaveLength(1);
    // A new runtime on the directory stops everything, as a cluster that stops does.
    await new ProcessRuntime({ stateDir, podCidr }).close({ stopAll: true });
    expect(processesOf(stateDir), 'nothing of the node is left').toEqual([]);

    const quiet = openRuntime(stateDir);
    const job = await runPod(quiet, { image: 'kata/job', args: ['once'] });
    await waitFor(() => exited(quiet, job), 'the job to end');
    await quiet.close();
    await waitFor(
      () => shimsOf(stateDir).length === 0,
      'the shim to end once no container runs and no runtime holds it',
    );
  });
});
