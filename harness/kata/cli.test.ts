// The `kata` command as a learner runs it: a separate process, its output and exit code. Only
// verbs that do not run tests, so that these stay fast and never touch the learner's progress.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { repoRoot } from '../paths.ts';

function kata(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'harness/bin/kata.mjs'), ...args],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      input: '',
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('The kata command', () => {
  test('an unknown verb exits 2 with one line naming the verbs', () => {
    const result = kata('frobnicate');
    expect(result.code, 'kata frobnicate: exit code').toBe(2);
    expect(result.stderr.trim().split('\n'), 'kata frobnicate: stderr').toEqual([
      expect.stringMatching(/^kata: unknown command "frobnicate"; choose one of status, test/),
    ]);
  });

  test('an unknown chapter exits 2 with one line naming the chapters', () => {
    const result = kata('test', '99');
    expect(result.code, 'kata test 99: exit code').toBe(2);
    expect(result.stderr.trim(), 'kata test 99: stderr').toMatch(
      /^kata: unknown chapter "99"; choose one of 01 \(store\)/,
    );
  });

  test('an unknown component exits 2 with the components there are', () => {
    const result = kata('run', 'nothing');
    expect(result.code, 'kata run nothing: exit code').toBe(2);
    expect(result.stderr.trim(), 'kata run nothing: stderr').toMatch(
      /^kata: unknown component "nothing"; choose one of .*store/,
    );
  });

  test('help exits 0 and lists the verbs, without colour under NO_COLOR', () => {
    const result = kata('help');
    expect(result.code, 'kata help: exit code').toBe(0);
    expect(result.stdout, 'kata help').toContain('kata test [NN[.S]] [--solutions]');
    expect(result.stdout.includes('\u001b['), 'kata help: colour codes').toBe(false);
  });
});
