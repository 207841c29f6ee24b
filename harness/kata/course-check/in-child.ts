// Parts of `kata check` run in child processes of their own: each chapter's checks, and the harness
// tests, side by side. A child writes its output to a file, never to a pipe: a pipe is only closed
// once every process holding it has ended, so a grandchild that outlived its test (or merely
// inherited the pipe while it started) would keep the check waiting forever. With a file, the child
// is done when its own process exits.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../paths.ts';

export interface ChildOutcome {
  /** The exit code (1 when the child was killed by a signal or could not start). */
  code: number;
  /** Everything it printed, stdout and stderr together. */
  output: string;
}

/** Runs `node <args>` in the repository with `env`, and waits for its process to exit. */
export function runInChild(args: string[], env: NodeJS.ProcessEnv): Promise<ChildOutcome> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'kata-check-'));
  const logFile = path.join(folder, 'output');
  const log = openSync(logFile, 'w');
  return new Promise((resolve) => {
    let ended = false;
    const finish = (code: number, extra = '') => {
      if (ended) return; // a child that fails to start reports both 'error' and 'exit'
      ended = true;
      closeSync(log);
      const output = readFileSync(logFile, 'utf8') + extra;
      rmSync(folder, { recursive: true, force: true });
      resolve({ code, output });
    };
    const child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env,
      stdio: ['ignore', log, log],
    });
    child.once('error', (error) => finish(1, `\ncould not start node: ${error.message}`));
    child.once('exit', (code, signal) => finish(code ?? 1, signal ? `\nended by ${signal}` : ''));
  });
}
