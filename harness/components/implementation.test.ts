import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ChapterProgress } from '../progress.ts';
import { chapterSource, describeSource, isUse } from './implementation.ts';

const done: ChapterProgress = {
  passed: 85,
  total: 85,
  done: true,
  firstRunAt: '2026-01-01T00:00:00Z',
  lastRunAt: '2026-01-01T00:00:00Z',
};
const relative = (folder: string) => folder.split(path.sep).slice(-2).join('/');

describe('Choosing a component implementation', () => {
  test('solutions and mine name the reference and the learner folder', () => {
    expect(relative(chapterSource('01', 'solutions', () => ({ '01': done })))).toBe(
      'solutions/01-store',
    );
    expect(relative(chapterSource('01', 'mine', () => ({})))).toBe('chapters/01-store');
  });

  test("auto takes the learner's code only for a chapter whose tests all pass", () => {
    const progress = () => ({ '01': done, '02': { ...done, passed: 3, done: false } });
    expect(relative(chapterSource('01', 'auto', progress))).toBe('chapters/01-store');
    expect(relative(chapterSource('02', 'auto', progress))).toBe('solutions/02-store-server');
  });

  test('an unknown chapter or use is refused', () => {
    expect(() => chapterSource('77', 'auto', () => ({}))).toThrow('no chapter 77');
    expect(isUse('mine')).toBe(true);
    expect(isUse('theirs')).toBe(false);
  });

  test('the start-up log says whose code runs', () => {
    expect(describeSource(chapterSource('01', 'mine', () => ({})))).toMatch(/^yours/);
    expect(describeSource(chapterSource('01', 'solutions', () => ({})))).toMatch(/^the reference/);
  });
});
