import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  forgetChapter,
  loadPosition,
  loadProgress,
  progressFile,
  recordRun,
  saveProgress,
  savePosition,
} from './progress.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kata-progress-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('Progress', () => {
  test('a missing progress file reads as no progress, silently', () => {
    const warnings: string[] = [];
    expect(
      loadProgress(path.join(dir, 'nowhere'), (line) => warnings.push(line)),
      'progress from a folder without progress.json',
    ).toEqual({});
    expect(warnings, 'warnings for a missing file').toEqual([]);
  });

  test('a run is recorded with its counts and times, and read back', () => {
    const first = new Date('2025-01-31T10:00:00Z');
    const later = new Date('2025-01-31T11:00:00Z');
    recordRun('01', { passed: 3, total: 10, done: false }, first, dir);
    const entry = recordRun('01', { passed: 10, total: 10, done: true }, later, dir);
    const expected = {
      passed: 10,
      total: 10,
      done: true,
      firstRunAt: first.toISOString(),
      lastRunAt: later.toISOString(),
      doneAt: later.toISOString(),
    };
    expect(entry, 'two runs of chapter 01, the second all passing').toEqual(expected);
    expect(loadProgress(dir), 'progress.json read back').toEqual({ '01': expected });
  });

  for (const [what, content] of [
    ['not JSON', '{"version": 1, "chap'],
    ['JSON of the wrong shape', '{"version": 1, "chapters": {"01": {"passed": "many"}}}'],
    ['another version', '{"version": 7, "chapters": {}}'],
  ]) {
    test(`a corrupt file (${what}) is moved aside to progress.json.bad, said in one line, and started afresh`, () => {
      writeFileSync(progressFile(dir), content!);
      const warnings: string[] = [];
      expect(
        loadProgress(dir, (line) => warnings.push(line)),
        `progress from ${what}`,
      ).toEqual({});
      expect(readFileSync(`${progressFile(dir)}.bad`, 'utf8'), 'the file moved aside').toBe(
        content,
      );
      expect(existsSync(progressFile(dir)), 'progress.json after moving it aside').toBe(false);
      expect(warnings.length, 'warnings').toBe(1);
      expect(warnings[0], 'the warning').toMatch(/moved it to progress\.json\.bad/);
      recordRun('01', { passed: 1, total: 2, done: false }, new Date(), dir);
      expect(loadProgress(dir)['01']?.passed, 'a run recorded after the rebuild').toBe(1);
    });
  }

  test('forgetting a chapter leaves the others', () => {
    saveProgress(
      {
        '01': { passed: 1, total: 1, done: true, firstRunAt: 'a', lastRunAt: 'b' },
        '02': { passed: 0, total: 5, done: false, firstRunAt: 'c', lastRunAt: 'd' },
      },
      dir,
    );
    forgetChapter('01', dir);
    expect(Object.keys(loadProgress(dir)), 'chapters left after forgetting 01').toEqual(['02']);
  });
});

describe('Passing tests and the position', () => {
  test('the names of the passing tests are recorded with a run, and kept out when not given', () => {
    const at = new Date('2025-01-31T10:00:00Z');
    recordRun('02', { passed: 1, total: 5, done: false, passing: ['Adding > zero'] }, at, dir);
    expect(loadProgress(dir)['02']?.passing, 'passing tests read back').toEqual(['Adding > zero']);
    recordRun('02', { passed: 1, total: 5, done: false }, at, dir);
    expect(
      Object.keys(loadProgress(dir)['02']!),
      'the fields of a run recorded without passing tests',
    ).not.toContain('passing');
  });

  test('passing tests that are not a list of names make the file corrupt', () => {
    const entry = {
      passed: 1,
      total: 1,
      done: true,
      firstRunAt: 'a',
      lastRunAt: 'b',
      passing: [3],
    };
    writeFileSync(progressFile(dir), JSON.stringify({ version: 1, chapters: { '01': entry } }));
    const warnings: string[] = [];
    expect(
      loadProgress(dir, (line) => warnings.push(line)),
      'progress whose passing holds a number',
    ).toEqual({});
    expect(warnings.length, 'warnings').toBe(1);
  });

  test('no position is set until kata goto sets one', () => {
    expect(loadPosition(dir), 'the position in a fresh folder').toBeUndefined();
  });

  test('a position is saved and read back, with or without a stage', () => {
    savePosition({ chapter: '07', stage: 3 }, dir);
    expect(loadPosition(dir), 'the position after kata goto 07.3').toEqual({
      chapter: '07',
      stage: 3,
    });
    savePosition({ chapter: '02' }, dir);
    expect(loadPosition(dir), 'the position after kata goto 02').toEqual({ chapter: '02' });
    expect(existsSync(path.join(dir, 'position.json.tmp')), 'the temporary file left').toBe(false);
  });

  for (const [what, content] of [
    ['not JSON', '{"chapter": "0'],
    ['null', 'null'],
    ['a chapter that is not a string', '{"chapter": 7}'],
    ['a stage that is not a whole number', '{"chapter": "07", "stage": 2.5}'],
  ]) {
    test(`an unreadable position (${what}) counts as none`, () => {
      writeFileSync(path.join(dir, 'position.json'), content!);
      expect(loadPosition(dir), `the position from ${what}`).toBeUndefined();
    });
  }
});
