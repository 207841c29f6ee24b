// The real kubectl, for the suites that check what it sends and prints (chapters 03b and 08). Each
// suite's kubectl gets a home of its own (its config and discovery cache), so nothing on the
// machine leaks in and nothing leaks out. Without kubectl on PATH the suites skip, and say why.
import {
  execFile,
  spawn,
  spawnSync,
  type ChildProcessWithoutNullStreams,
} from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kubeconfigFor } from '../client/kubeconfig.ts';
import { credentialsFor } from '../client/tls.ts';

export const hasKubectl =
  spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

/** The name of the one test a suite shows when kubectl is missing. */
export const noKubectl = 'skipped: kubectl is not on PATH (install kubectl 1.32 to run this suite)';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  /** Its home folder: manifests for `apply -f` can go here too. */
  readonly home: string;
  /** Runs kubectl with these arguments until it exits (or after `timeoutMs`, killed). */
  run(...args: string[]): Promise<KubectlResult>;
  /** Runs kubectl and resolves with what it printed; rejects with its stderr if it exits non-zero. */
  output(...args: string[]): Promise<string>;
  /** Starts kubectl and leaves it running (`get --watch`): the caller kills it. */
  start(...args: string[]): ChildProcessWithoutNullStreams;
  /** Removes its home. */
  close(): void;
}

/**
 * kubectl for the API server at `server`. Over TLS it uses what this process presents there (the
 * cluster's CA and the admin's certificate, which startCluster registers, ../client/tls.ts): its
 * home's kubeconfig holds them.
 */
export function kubectlFor(server: string, timeoutMs = 20_000): Kubectl {
  const home = mkdtempSync(path.join(os.tmpdir(), 'kata-kubectl-'));
  const credentials = credentialsFor(server);
  if (credentials)
    writeFileSync(path.join(home, 'config'), kubeconfigFor(server, 'kata', credentials), {
      mode: 0o600,
    });
  const argv = (args: string[]) => [
    '--server',
    server,
    '--cache-dir',
    path.join(home, 'cache'),
    ...args,
  ];
  const env = { ...process.env, KUBECONFIG: path.join(home, 'config'), HOME: home };
  const run = (...args: string[]) =>
    new Promise<KubectlResult>((resolve) => {
      execFile('kubectl', argv(args), { env, timeout: timeoutMs }, (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        }),
      );
    });
  return {
    home,
    run,
    output: async (...args) => {
      const result = await run(...args);
      if (result.code !== 0)
        throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return result.stdout;
    },
    start: (...args) => spawn('kubectl', argv(args), { env }),
    close: () => rmSync(home, { recursive: true, force: true }),
  };
}
