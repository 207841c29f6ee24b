// `kata drill` without a cluster: the list, and each mistake a learner can make answered in one
// line (an unknown drill, verify with no drill started, start with no cluster running). The drills
// themselves run on a real cluster in harness/e2e/drills.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { repoRoot } from '../../paths.ts';
import { defaultDataDir } from '../../cluster/options.ts';
import { pace } from '../tasks/clock.ts';
import { recordFile } from '../tasks/record.ts';
import { setScene } from './drill.ts';
import { drills } from './drills/index.ts';
import type { Task, TaskScene } from '../tasks/task.ts';

const workspace = mkdtempSync(path.join(os.tmpdir(), 'kata-drill-cli-'));
const dataDir = path.join(workspace, 'cluster');
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

function kata(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'harness/bin/kata.mjs'), 'drill', ...args, '--data-dir', dataDir],
    { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, input: '' },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr.trim() };
}

describe('kata drill', () => {
  test('list shows at least twelve drills, each named once, with easy and hard ones', () => {
    const result = kata('list');
    expect(result.code, 'kata drill list: exit code').toBe(0);
    const names = drills.map((drill) => drill.name);
    expect(names.length, 'drills').toBeGreaterThanOrEqual(12);
    expect(new Set(names).size, 'distinct drill names').toBe(names.length);
    for (const name of names) expect(result.stdout, 'kata drill list').toContain(name);
    expect(drills.map((drill) => drill.difficulty)).toEqual(
      expect.arrayContaining(['easy', 'medium', 'hard']),
    );
  });

  test('an unknown drill exits 2 with one line naming the drills', () => {
    const result = kata('start', 'no-such-drill');
    expect(result.code, 'exit code').toBe(2);
    expect(result.stderr.split('\n')).toEqual([
      expect.stringMatching(/^kata: unknown drill "no-such-drill"; choose one of missing-image, /),
    ]);
  });

  test('an unknown action exits 2 with the actions there are', () => {
    const result = kata('frobnicate');
    expect(result.code, 'exit code').toBe(2);
    expect(result.stderr).toMatch(/^kata: unknown drill action "frobnicate"; choose one of list, /);
  });

  test('verify, hint and reset without a started drill say how to start one', () => {
    for (const action of ['verify', 'hint', 'status', 'reveal', 'reset']) {
      const result = kata(action);
      expect(result.code, `kata drill ${action}: exit code`).toBe(1);
      expect(result.stderr, `kata drill ${action}`).toBe(
        'kata: no drill is under way; start one with `kata drill start NAME`',
      );
    }
  });

  test('start with no cluster running says how to start one', () => {
    const result = kata('start', 'service-selector');
    expect(result.code, 'exit code').toBe(1);
    expect(
      result.stderr,
      'kata drill start with no cluster record: one line saying how to start one',
    ).toMatch(/^kata: no cluster runs from .*; start one with `npm start`$/);
  });
});

describe('a drill that cannot set its scene', () => {
  const scene = {} as TaskScene;
  function failingDrill(cleanUp: () => Promise<void>): Task & { made: string[] } {
    const made: string[] = [];
    return {
      ...drills[0]!,
      name: 'half-set',
      made,
      async prepare() {
        made.push('namespace');
        throw new Error('the API server refused the Deployment');
      },
      async cleanUp() {
        await cleanUp();
        made.length = 0;
      },
    };
  }

  test('undoes what it had set up, and says why it could not start', async () => {
    const drill = failingDrill(async () => {});
    await expect(
      setScene(drill, scene),
      'a prepare that fails after creating a namespace',
    ).rejects.toThrow(
      'drill half-set could not start: the API server refused the Deployment; what it had set up is removed',
    );
    expect(drill.made, 'what the half-set scene left behind').toEqual([]);
  });

  test('says so when the clean-up fails too', async () => {
    const drill = failingDrill(async () => {
      throw new Error('no cluster answers');
    });
    await expect(setScene(drill, scene), 'a prepare and a clean-up that both fail').rejects.toThrow(
      'the API server refused the Deployment; and its clean-up failed too (no cluster answers)',
    );
  });
});

describe("the exam's pace", () => {
  const started = new Date('2026-01-01T10:00:00Z');
  test('counts whole minutes against the minutes a drill has', () => {
    expect(pace(started, 8, new Date('2026-01-01T10:07:59Z'))).toBe('7 of 8 minutes');
  });
  test('says when the pace is over', () => {
    expect(pace(started, 8, new Date('2026-01-01T10:11:00Z'))).toBe(
      "11 of 8 minutes: over the exam's pace",
    );
  });
});

test('the drill under way is recorded in .kata/drill.json, beside the default data directory', () => {
  expect(recordFile(defaultDataDir)).toBe(path.join(repoRoot, '.kata', 'drill.json'));
});
