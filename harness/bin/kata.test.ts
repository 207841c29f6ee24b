// The `kata` command in a fresh clone, before `npm install`: a working copy of the bin and the
// package manifest in a temporary folder, where no node_modules can be found, says in one line to
// run `npm install`, not with a module-resolution stack trace.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { repoRoot } from '../paths.ts';

const clone = mkdtempSync(path.join(os.tmpdir(), 'kata-fresh-clone-'));
afterAll(() => rmSync(clone, { recursive: true, force: true }));

describe('The kata command before npm install', () => {
  test('says in one line to run npm install, without a stack trace', () => {
    mkdirSync(path.join(clone, 'harness', 'bin'), { recursive: true });
    copyFileSync(path.join(repoRoot, 'package.json'), path.join(clone, 'package.json'));
    const bin = path.join(clone, 'harness', 'bin', 'kata.mjs');
    copyFileSync(path.join(repoRoot, 'harness', 'bin', 'kata.mjs'), bin);
    const result = spawnSync(process.execPath, [bin, 'status'], {
      cwd: clone,
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: '' },
    });
    const lines = result.stderr.trim().split('\n');
    expect(result.status, `a missing install is a failure; it said:\n${result.stderr}`).toBe(1);
    expect(lines, 'one line, no stack trace').toHaveLength(1);
    expect(lines[0], 'the line names what is missing and what to do').toMatch(
      /^kata: the dependencies are not installed \(.*tsx.*\): run `npm install` first$/,
    );
  });
});
