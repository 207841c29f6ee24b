// The runtimes' streaming exec (the CRI's Exec, behind kubectl exec): on the process runtime a
// real `node busybox.mjs <command>` with the container's environment, stdin, a tty's merged
// output, and kill; on the fake runtime, its in-memory `cat` and execHandler. No process is left.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { podCidrForNode } from '../network.ts';
import type { ExecSession } from './cri.ts';
import { FakeRuntime } from './fake-runtime.ts';
import { ProcessRuntime } from './process-runtime.ts';
import { waitFor } from '../testing/wait.ts';

// A podCIDR of its own, so pods of this file never share an IP with pods of other test files.
const podCidr = podCidrForNode(203);
let runtime: ProcessRuntime | undefined;
let stateDir: string | undefined;

afterEach(async () => {
  await runtime?.close({ stopAll: true });
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  runtime = undefined;
  stateDir = undefined;
});

/** A running busybox container (sleep infinity) with the env GREETING=hi. */
async function busyboxContainer(): Promise<{ runtime: ProcessRuntime; id: string }> {
  stateDir = mkdtempSync(join(tmpdir(), 'kata-exec-stream-'));
  runtime = new ProcessRuntime({ stateDir, podCidr });
  const sandbox = await runtime.runPodSandbox({
    metadata: { name: 'bb', namespace: 'default', uid: 'uid-bb', attempt: 0 },
  });
  const id = await runtime.createContainer(sandbox, {
    metadata: { name: 'bb', attempt: 0 },
    image: 'busybox',
    args: ['sleep', 'infinity'],
    env: [{ name: 'GREETING', value: 'hi' }],
  });
  await runtime.startContainer(id);
  return { runtime, id };
}

/** Everything a session writes on stdout and stderr (until both end), and its exit code. */
async function outcome(session: ExecSession) {
  let stdout = '';
  let stderr = '';
  session.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  session.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const ended = (stream: NodeJS.ReadableStream) =>
    new Promise((resolve) => stream.once('end', resolve));
  const [exitCode] = await Promise.all([
    session.exited,
    ended(session.stdout),
    ended(session.stderr),
  ]);
  return { stdout, stderr, exitCode };
}

describe('A streaming exec', () => {
  test("runs the command as a busybox applet with the container's environment", async () => {
    const { runtime, id } = await busyboxContainer();
    const session = await runtime.execStream(id, ['env'], { tty: false, stdin: false });
    const { stdout, exitCode } = await outcome(session);
    expect({ exitCode, greeting: /^GREETING=hi$/m.test(stdout) }, 'env in the container').toEqual({
      exitCode: 0,
      greeting: true,
    });
  });

  test('passes stdin until it ends, and keeps stderr apart without a tty', async () => {
    const { runtime, id } = await busyboxContainer();
    const cat = await runtime.execStream(id, ['cat'], { tty: false, stdin: true });
    cat.stdin!.end('typed\n');
    expect(await outcome(cat), 'cat with "typed" on stdin').toEqual({
      stdout: 'typed\n',
      stderr: '',
      exitCode: 0,
    });
    const failing = await runtime.execStream(id, ['sh', '-c', 'echo oops >&2; exit 4'], {
      tty: false,
      stdin: false,
    });
    expect(await outcome(failing), 'sh -c "echo oops >&2; exit 4"').toEqual({
      stdout: '',
      stderr: 'oops\n',
      exitCode: 4,
    });
  });

  test('with a tty, stderr joins stdout; kill ends the command and what it started', async () => {
    const { runtime, id } = await busyboxContainer();
    const both = await runtime.execStream(id, ['sh', '-c', 'echo a; echo b >&2'], {
      tty: true,
      stdin: false,
    });
    const merged = await outcome(both);
    expect(merged.stdout.split('\n').sort(), 'the one output of a tty').toEqual(['', 'a', 'b']);
    const sleeping = await runtime.execStream(id, ['sh', '-c', 'sleep 60'], {
      tty: false,
      stdin: false,
    });
    sleeping.kill('SIGKILL');
    expect((await outcome(sleeping)).exitCode, 'the exit code of a killed command').toBe(137);
  });

  test('a container that is not running takes no exec', async () => {
    const { runtime, id } = await busyboxContainer();
    await runtime.stopContainer(id, 0);
    await expect(
      runtime.execStream(id, ['true'], { tty: false, stdin: false }),
      'exec in a stopped container',
    ).rejects.toThrow(/is not running/);
  });

  test("on the fake runtime, cat copies stdin; other commands answer execHandler's result", async () => {
    const fake = new FakeRuntime();
    const sandbox = await fake.runPodSandbox({
      metadata: { name: 'p', namespace: 'default', uid: 'u', attempt: 0 },
    });
    await fake.pullImage('busybox');
    const id = await fake.createContainer(sandbox, {
      metadata: { name: 'c', attempt: 0 },
      image: 'busybox',
    });
    await fake.startContainer(id);
    const cat = await fake.execStream(id, ['cat'], { tty: false, stdin: true });
    cat.stdin!.end('x');
    expect(await outcome(cat), 'cat of "x"').toEqual({ stdout: 'x', stderr: '', exitCode: 0 });
    fake.execHandler = () => ({ exitCode: 2, stdout: 'o', stderr: 'e', timedOut: false });
    const other = await fake.execStream(id, ['ls'], { tty: true, stdin: false });
    expect(await outcome(other), 'ls with a tty').toEqual({
      stdout: 'oe',
      stderr: '',
      exitCode: 2,
    });
  });
});

/** A running busybox container `args` with a stdin (stdinOnce, tty as asked), on a runtime of its own. */
async function withStdin(args: string[], stdinOnce: boolean, tty = false) {
  stateDir = mkdtempSync(join(tmpdir(), 'kata-stdin-'));
  runtime = new ProcessRuntime({ stateDir, podCidr });
  const sandbox = await runtime.runPodSandbox({
    metadata: { name: 'in', namespace: 'default', uid: 'uid-in', attempt: 0 },
  });
  const id = await runtime.createContainer(sandbox, {
    metadata: { name: 'in', attempt: 0 },
    image: 'busybox',
    args,
    stdin: true,
    stdinOnce,
    tty,
  });
  await runtime.startContainer(id);
  return { runtime, id, stateDir };
}

/** The container's log so far, its lines joined. */
async function logOf(runtime: ProcessRuntime, id: string): Promise<string> {
  let text = '';
  for await (const line of runtime.readLogs(id)) text += `${line.content}\n`;
  return text;
}

/** Writes `text` to the container's stdin as one attach, and ends that attach's input. */
async function attachWrite(runtime: ProcessRuntime, id: string, text: string): Promise<void> {
  const stdin = await runtime.openStdin(id);
  await new Promise((resolve) => stdin.end(text, () => resolve(undefined)));
}

describe("A container's stdin", () => {
  test('stays open between attaches without stdinOnce: cat gets what each writes', async () => {
    const { runtime, id } = await withStdin(['cat'], false);
    await attachWrite(runtime, id, 'one\n');
    await attachWrite(runtime, id, 'two\n');
    await waitFor(async () => (await logOf(runtime, id)) === 'one\ntwo\n', 'cat echoing both');
    expect((await runtime.containerStatus(id)).state, 'cat after two attaches ended').toBe(
      'CONTAINER_RUNNING',
    );
  });

  test('ends with the first attach with stdinOnce: sh runs the script it was fed, then exits', async () => {
    const { runtime, id } = await withStdin(['sh'], true);
    await attachWrite(runtime, id, 'echo fed-$((1 + 2))\nexit 3\n');
    await waitFor(
      async () => (await runtime.containerStatus(id)).state === 'CONTAINER_EXITED',
      'sh to exit',
    );
    expect(
      [(await runtime.containerStatus(id)).exitCode, await logOf(runtime, id)],
      "sh's exit code and output after the script on stdin",
    ).toEqual([3, 'fed-3\n']);
    await expect(runtime.openStdin(id), 'a second attach to the ended sh').rejects.toThrow(
      /not running|closed/,
    );
  });

  test('reads end of input once a stdinOnce attach ends, and a later attach is refused', async () => {
    const { runtime, id } = await withStdin(['sh', '-c', 'cat; echo done; sleep 60'], true);
    await attachWrite(runtime, id, 'last\n');
    await waitFor(async () => (await logOf(runtime, id)) === 'last\ndone\n', 'cat to end');
    await expect(runtime.openStdin(id), 'a second attach with stdinOnce').rejects.toThrow(
      /is closed/,
    );
  });

  test("is the shim's: a runtime opened after a restart writes to the same program", async () => {
    const first = await withStdin(['cat'], false);
    await first.runtime.close();
    runtime = new ProcessRuntime({ stateDir: first.stateDir, podCidr });
    await attachWrite(runtime, first.id, 'after restart\n');
    const again = runtime;
    await waitFor(async () => (await logOf(again, first.id)) === 'after restart\n', 'cat echoing');
  });

  test('with a tty, sh is interactive: its prompt is in the log before a line is typed', async () => {
    const { runtime, id } = await withStdin(['sh'], true, true);
    // The prompt is what the log ends with: a partial line, as sh waits for input after it.
    const prompt = async () => {
      let last: { partial: boolean; content: string } | undefined;
      for await (const line of runtime.readLogs(id)) last = line;
      return last?.partial ? last.content : undefined;
    };
    await waitFor(async () => /[#$] $/.test((await prompt()) ?? ''), "sh's prompt, a partial line");
    await attachWrite(runtime, id, 'echo typed\n');
    await waitFor(async () => /^typed$/m.test(await logOf(runtime, id)), 'the echo of the line');
  });

  test('with a tty, interrupt is ^C: the running command ends and sh takes the next line', async () => {
    const { runtime, id } = await withStdin(['sh'], false, true);
    await attachWrite(runtime, id, 'echo started; sleep 30\n');
    await waitFor(async () => /^started$/m.test(await logOf(runtime, id)), 'sleep to start');
    // ^C until sh prompts again: one that comes before sleep has started is ignored by sh, as
    // it would be on a terminal.
    await waitFor(async () => {
      await runtime.interrupt(id);
      return /started\n[\s\S]*[#$] \n/.test(await logOf(runtime, id));
    }, "sh's prompt after ^C ended sleep");
    await attachWrite(runtime, id, 'echo alive\n');
    await waitFor(async () => /^alive$/m.test(await logOf(runtime, id)), 'sh after ^C');
    expect((await runtime.containerStatus(id)).state, 'sh after ^C').toBe('CONTAINER_RUNNING');
  });

  test('a container without stdin refuses an attach that writes', async () => {
    const { runtime, id } = await busyboxContainer();
    await expect(runtime.openStdin(id), 'openStdin of sleep infinity').rejects.toThrow(
      /has no stdin/,
    );
    await expect(runtime.interrupt(id), 'interrupt of sleep infinity').rejects.toThrow(
      /has no tty/,
    );
  });
});
