// Streams into a pod with the real kubectl 1.32 (chapter 10b), on a one-node reference cluster:
// `kubectl exec` with its exit code and stdin, `cp` both ways (tar over exec), `port-forward` to a
// pod and to a Service, `run -i --rm` (a command's output, and `sh` fed a script on stdin),
// `attach` (output, and `-i` into a container's stdin), and an honest error from `kubectl debug`.
// Skipped, with the reason, without kubectl.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { waitFor } from '../testing/wait.ts';

/** Whether script(1) is there, to give `kubectl run -it` a terminal. */
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let cluster: KubectlCluster | undefined;
let files: string;

beforeAll(async () => {
  if (!hasKubectl) return;
  files = mkdtempSync(path.join(os.tmpdir(), 'kata-streams-'));
  cluster = await startKubectlCluster(1, suiteNodeIndexBase.streams, '127.107.0.0/24');
  await kubectl('run', 'bb', '--image=busybox', '--', 'sleep', 'infinity');
  await kubectl('run', 'web', '--image=nginx', '--port=8080', '--labels=app=web');
  await kubectl('expose', 'pod', 'web', '--port=8080', '--name=hello');
  await kubectl('wait', '--for=condition=Ready', 'pod/bb', 'pod/web', '--timeout=60s');
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
}, 60_000);

/** kubectl's output; a non-zero exit fails the test with kubectl's stderr. */
const kubectl = (...args: string[]) => cluster!.kubectl.output(...args);

/** Starts kubectl, writes `input` to its stdin and ends it; resolves with its exit and output. */
function withInput(input: string, ...args: string[]): Promise<{ code: number; out: string }> {
  const child = cluster!.kubectl.start(...args);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk));
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, out })));
}

/** Starts `kubectl port-forward <target> :<port>`; resolves with it and the local port it took. */
async function portForward(target: string, port: number) {
  const child: ChildProcessWithoutNullStreams = cluster!.kubectl.start(
    'port-forward',
    target,
    `:${port}`,
  );
  let printed = '';
  child.stdout.on('data', (chunk: Buffer) => (printed += chunk));
  child.stderr.on('data', (chunk: Buffer) => (printed += chunk));
  await waitFor(() => /Forwarding from 127\.0\.0\.1:\d+/.test(printed), `${target}: ${printed}`);
  const local = Number(/Forwarding from 127\.0\.0\.1:(\d+)/.exec(printed)![1]);
  return { child, local };
}

describe.skipIf(!hasKubectl)(
  `kubectl exec, cp, port-forward ${hasKubectl ? '' : noKubectl}`,
  () => {
    test('exec runs the command in the container, and its exit code is kubectl exit code', async () => {
      expect(await kubectl('exec', 'bb', '--', 'env'), 'env in bb').toMatch(/^POD_NAME=bb$/m);
      const failing = await cluster!.kubectl.run(
        'exec',
        'bb',
        '--',
        'sh',
        '-c',
        'echo out; exit 3',
      );
      expect(
        { code: failing.code, stdout: failing.stdout, stderr: failing.stderr.trim() },
        'sh -c "echo out; exit 3"',
      ).toEqual({ code: 3, stdout: 'out\n', stderr: 'command terminated with exit code 3' });
    });

    test('exec -i passes stdin, and its end', async () => {
      const result = await withInput('hello stdin\n', 'exec', '-i', 'bb', '--', 'cat');
      expect(result, 'echo "hello stdin" | kubectl exec -i bb -- cat').toEqual({
        code: 0,
        out: 'hello stdin\n',
      });
    });

    test('cp copies a file into the container and back out (tar over exec)', async () => {
      writeFileSync(path.join(files, 'in.txt'), 'copied in\n');
      const inside = path.join(files, 'inside.txt');
      await kubectl('cp', path.join(files, 'in.txt'), `bb:${inside}`);
      expect(await kubectl('exec', 'bb', '--', 'cat', inside), 'the file in bb').toBe(
        'copied in\n',
      );
      await kubectl('cp', `bb:${inside}`, path.join(files, 'out.txt'));
      expect(readFileSync(path.join(files, 'out.txt'), 'utf8'), 'the file back out').toBe(
        'copied in\n',
      );
    });

    test('port-forward to a pod, and to a Service, answers on the local port', async () => {
      for (const target of ['pod/web', 'svc/hello']) {
        const { child, local } = await portForward(target, 8080);
        const answer = await fetch(`http://127.0.0.1:${local}/through`).then((r) => r.json());
        child.kill();
        expect(answer, `GET /through on ${target}'s local port`).toMatchObject({
          pod: 'web',
          path: '/through',
        });
      }
    });

    test('run -i --rm shows the output of a one-off pod, then deletes it', async () => {
      const output = await kubectl(
      'run', 'once', '--rm', '-i', '--image=busybox', '--restart=Never', '--', 'echo', 'one-off',
    ); // prettier-ignore
      expect(output, 'kubectl run -i --rm once -- echo one-off').toMatch(
        /one-off[\s\S]*pod "once" deleted/,
      );
    });

    test('run -i --rm -- sh runs the script fed on stdin in the pod, then deletes it', async () => {
      const script = 'echo fed $((6 * 7)) from $HOSTNAME\nexit 0\n';
      const result = await withInput(
        script, 'run', 'sh1', '--rm', '-i', '--image=busybox', '--restart=Never', '--', 'sh',
      ); // prettier-ignore
      expect(result, 'a script | kubectl run sh1 -i --rm --image=busybox -- sh').toEqual({
        code: 0,
        out: expect.stringMatching(/fed 42 from sh1[\s\S]*pod "sh1" deleted/),
      });
    });

    // `-t` needs a terminal on kubectl's stdin: script(1) gives it one (util-linux, on every CI image).
    test.skipIf(!hasScript)(
      `run -it --rm -- sh is an interactive shell: a prompt, a line, ^C, ^D${hasScript ? '' : ' (skipped: needs script(1), from util-linux)'}`,
      async () => {
        const command = `kubectl --server ${cluster!.cluster.apiserver} run -it --rm tty1 --image=busybox --restart=Never -- sh`;
        const home = cluster!.kubectl.home;
        const env = { ...process.env, HOME: home, KUBECONFIG: path.join(home, 'config') };
        const child = spawn('script', ['-qfc', command, '/dev/null'], { env });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk));
        const closed = new Promise((resolve) => child.on('close', resolve));
        await waitFor(() => /^[#$] $/m.test(out), `the shell's prompt (so far: ${out})`, 30_000);
        child.stdin.write('echo typed-$((2 + 3))\r');
        await waitFor(() => out.includes('typed-5\r\n'), `the command's output (so far: ${out})`);
        // ^C ends the command running in the shell (repeated: one typed before sleep has started
        // is ignored by sh, as on any terminal), and the shell takes the next line.
        child.stdin.write('echo go; sleep 60\r');
        await waitFor(() => out.includes('go\r\n'), `sleep to start (so far: ${out})`);
        await waitFor(() => {
          child.stdin.write('\x03');
          return /go\r\n[\s\S]*\^C[\s\S]*[#$] /.test(out);
        }, `the prompt after ^C (so far: ${out})`);
        child.stdin.write('echo after-$((1 + 1))\r');
        await waitFor(() => out.includes('after-2\r\n'), `the shell after ^C (so far: ${out})`);
        child.stdin.write('\x04');
        expect(await closed, 'kubectl run -it after ^D').toBe(0);
        expect(out, 'what the terminal showed').toMatch(
          /# echo typed-\$\(\(2 \+ 3\)\)\r\ntyped-5\r\n[\s\S]*pod "tty1" deleted/,
        );
      },
    );

    test("attach -i writes to the container's stdin: cat echoes it and ends with it", async () => {
      await kubectl(
        'run', 'cat', '-i', '--attach=false', '--image=busybox', '--restart=Never', '--', 'cat',
      ); // prettier-ignore
      await kubectl('wait', '--for=condition=Ready', 'pod/cat', '--timeout=60s');
      const result = await withInput('meow\n', 'attach', '-i', 'cat');
      expect(result, 'echo meow | kubectl attach -i cat (stdinOnce)').toEqual({
        code: 0,
        out: 'meow\n',
      });
    });

    test("attach streams a running container's output", async () => {
      const script = 'while true; do echo tick; sleep 1; done';
      await kubectl('run', 'ticker', '--image=busybox', '--', 'sh', '-c', script);
      await kubectl('wait', '--for=condition=Ready', 'pod/ticker', '--timeout=60s');
      const child = cluster!.kubectl.start('attach', 'ticker');
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk));
      await waitFor(() => output.includes('tick\n') || child.exitCode !== null, 'a tick');
      child.kill();
      expect(output, 'what kubectl attach ticker printed').toMatch(/^tick$/m);
    });

    test('kubectl debug gets an honest error from the server, not a panic', async () => {
      const result = await cluster!.kubectl.run(
        'debug',
        'bb',
        '--image=busybox',
        '--profile=general',
      );
      expect({ code: result.code, stderr: result.stderr.trim() }, 'kubectl debug bb').toEqual({
        code: 1,
        stderr: expect.stringMatching(
          /^error: ephemeral containers are disabled for this cluster/m,
        ),
      });
    });
  },
);
