// etcdctl for tests: Debian's etcd-client (etcdctl 3.4), run against the kata store and a real etcd
// so their answers can be compared. When no `etcdctl` is on PATH, `etcdctlVersion()` says so and
// the suites skip (CI installs etcd-client). Always run asynchronously: the kata store under test
// often lives in the test's own process, and a synchronous run would block it from answering.
import { execFile, spawnSync } from 'node:child_process';
import { spawnTethered, stopTethered } from './tethered.ts';

/** The `etcdctl` on PATH's version ("3.4.23"), or undefined when there is none. */
export function etcdctlVersion(): string | undefined {
  const result = spawnSync('etcdctl', ['version'], {
    encoding: 'utf8',
    env: { ...process.env, ETCDCTL_API: '3' },
  });
  if (result.error || result.status !== 0) return undefined;
  return /etcdctl version: (\S+)/.exec(result.stdout)?.[1];
}

export interface EtcdctlResult {
  stdout: string;
  stderr: string;
  /** The exit code. */
  code: number;
}

const environment = () => ({ ...process.env, ETCDCTL_API: '3' });

/** Runs `etcdctl --endpoints ENDPOINT ARGS...`, with `input` on its stdin, and collects what it says. */
export function etcdctl(endpoint: string, args: string[], input = ''): Promise<EtcdctlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'etcdctl',
      [`--endpoints=${endpoint}`, '--dial-timeout=5s', '--command-timeout=10s', ...args],
      { env: environment(), timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ stdout, stderr, code });
      },
    );
    child.stdin!.end(input);
  });
}

/** A running `etcdctl watch`: what it printed so far, and how to stop it. */
export interface EtcdctlWatch {
  output(): string;
  /** Resolves with the exit code once it ended by itself. */
  exited: Promise<number>;
  stop(): Promise<void>;
}

/** Starts `etcdctl --endpoints ENDPOINT watch ARGS...` in the background. */
export function etcdctlWatch(endpoint: string, args: string[]): EtcdctlWatch {
  const child = spawnTethered('env', [
    'ETCDCTL_API=3',
    'etcdctl',
    `--endpoints=${endpoint}`,
    'watch',
    ...args,
  ]);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  return { output: () => output, exited, stop: () => stopTethered(child) };
}
