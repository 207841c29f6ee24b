// The kubelet benchmark leaves no process behind: a short run (--pods) to its end, and a run
// stopped by SIGTERM while its pods run. Each runs with a temporary folder of its own as TMPDIR, so
// every shim (its command line) and every container (its working directory) of the run is found
// there, and no other test's processes are mistaken for its.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { processesOf } from '../testing/processes.ts';
import { waitFor } from '../testing/wait.ts';
import { repoRoot } from '../paths.ts';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** `kata bench kubelet --pods N` with its own TMPDIR; the exit code once it ends, and the folder. */
function benchKubelet(pods: number) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'kata-bench-test-'));
  folders.push(tmp);
  const child = spawn(
    process.execPath,
    ['harness/bin/kata.mjs', 'bench', 'kubelet', '--pods', String(pods)],
    { cwd: repoRoot, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))),
  );
  return { child, tmp, exited, output: () => output };
}

/** Whether a container of the run's process runtime has started (its shim wrote started.json). */
function aContainerStarted(tmp: string): boolean {
  return readdirSync(tmp)
    .filter((name) => name.startsWith('kata-bench-kubelet-'))
    .map((name) => path.join(tmp, name, 'containers'))
    .filter((containers) => existsSync(containers))
    .some((containers) =>
      readdirSync(containers).some((id) => existsSync(path.join(containers, id, 'started.json'))),
    );
}

describe('The kubelet benchmark', () => {
  test('a short run leaves no process behind', async () => {
    const run = benchKubelet(3);
    expect(await run.exited, `the benchmark ends well; it said:\n${run.output()}`).toBe(0);
    expect(run.output(), 'it ran 3 real pods').toContain('3 kata/echo pods');
    expect(run.output(), "it measured the shim's memory beside the program's").toMatch(
      /memory per pod: kata\/echo's own program [\d.]+ MiB; the node's shim [\d.]+ MiB/,
    );
    expect(processesOf(run.tmp), 'no shim or container of the run is left').toEqual([]);
    // A whole benchmark run (a kubelet, its runtimes, three pods each): minutes on a busy machine.
  }, 180_000);

  test('a run stopped by SIGTERM while its pods run leaves no process behind', async () => {
    const run = benchKubelet(20);
    await waitFor(
      () => aContainerStarted(run.tmp),
      'the first pod of the process runtime to start',
      60_000,
    );
    // `kata bench` passes the signal on to the benchmark, which ends its pods before it exits.
    run.child.kill('SIGTERM');
    expect(await run.exited, 'stopped by SIGTERM: 128 + 15').toBe(143);
    await waitFor(
      () => processesOf(run.tmp).length === 0,
      'every shim and container of the stopped run to be gone',
      30_000,
    );
  }, 90_000);
});
