// What a program registers with endsWithProgram runs however it ends: on its normal way out when
// it asks, on an error, on a signal. Each case is a small program of its own (the endings act on
// the process's own signals and exit), which writes a line to a file when its ending runs.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { waitFor } from './testing/wait.ts';
import { repoRoot } from './paths.ts';

const folder = mkdtempSync(path.join(os.tmpdir(), 'kata-lifetime-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let programs = 0;

/**
 * Runs a program whose first line registers an ending that appends "ended" to a file, followed by
 * `body`. Returns the child, a promise of its exit code, and how many times the ending ran.
 */
function program(body: string) {
  const name = `program-${++programs}`;
  const file = path.join(folder, `${name}.mts`);
  const log = path.join(folder, `${name}.log`);
  const lifetime = path.join(repoRoot, 'harness', 'lifetime.ts');
  writeFileSync(
    file,
    [
      `import { appendFileSync } from 'node:fs';`,
      `import { endsWithProgram } from ${JSON.stringify(lifetime)};`,
      `const end = endsWithProgram(() => appendFileSync(${JSON.stringify(log)}, 'ended\\n'));`,
      `console.log('started');`,
      body,
    ].join('\n'),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const endings = () =>
    existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
  return { child, exited, endings, started: () => output.includes('started') };
}

describe('What a program starts ends with it', () => {
  test('on the normal way out, the ending runs once when the program calls it', async () => {
    const run = program('await end(); await end();');
    expect(await run.exited, 'the program ends well').toBe(0);
    expect(run.endings(), 'called twice, the ending ran once').toBe(1);
  });

  test('on an error, the endings run and the program exits 1', async () => {
    const run = program(`throw new Error('the benchmark broke');`);
    expect(await run.exited, 'an error is exit code 1').toBe(1);
    expect(run.endings(), 'the ending ran before the exit').toBe(1);
  });

  test('on SIGTERM, the endings run and the program exits 143', async () => {
    const run = program('setInterval(() => {}, 1000);');
    await waitFor(run.started, 'the program to start', 20_000);
    run.child.kill('SIGTERM');
    expect(await run.exited, 'stopped by SIGTERM: 128 + 15').toBe(143);
    expect(run.endings(), 'the ending ran before the exit').toBe(1);
  });
});
