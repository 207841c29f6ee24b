// The mock exam without a cluster: the clock, the score, the table of tasks, and the verbs' one-line
// answers when there is no exam or no cluster. The exam on a real cluster is harness/e2e/exam.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { clockLine, formatMinutes, readClock } from './clock.ts';
import { examTasks } from './exam.ts';
import { exam, nodesProblem } from './run.ts';
import { outcomeLine, passMark, scoreExam, scoreLine, type TaskOutcome } from './score.ts';

const start = new Date('2026-12-03T09:00:00Z');
const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);

describe('the clock', () => {
  test('counts whole minutes from the start, and what is left of two hours', () => {
    expect(readClock(start, at(42.9))).toEqual({
      elapsedMinutes: 42,
      remainingMinutes: 78,
      over: false,
    });
    expect(clockLine(readClock(start, at(42)))).toBe('42m of 2h00m gone, 1h18m left');
  });

  test('is over at two hours, and says so', () => {
    expect(readClock(start, at(120)).over).toBe(true);
    expect(readClock(start, at(125)).remainingMinutes).toBe(0);
    expect(clockLine(readClock(start, at(125)))).toBe('time is up (2h05m gone)');
  });

  test("never runs backwards when the machine's clock is behind the start", () => {
    expect(readClock(start, at(-3))).toEqual({
      elapsedMinutes: 0,
      remainingMinutes: 120,
      over: false,
    });
  });

  test('formats minutes as the exam timer does', () => {
    expect(formatMinutes(5)).toBe('5m');
    expect(formatMinutes(65)).toBe('1h05m');
    expect(formatMinutes(120)).toBe('2h00m');
  });
});

const outcome = (name: string, weight: number, passed: boolean): TaskOutcome => ({
  name,
  weight,
  verdict: { passed, reasons: passed ? [] : [`${name} is not done`, 'a second reason'] },
});

describe('the score', () => {
  test('is the weights of the passed tasks over all weights, in percent', () => {
    const score = scoreExam([
      outcome('a', 30, true),
      outcome('b', 20, true),
      outcome('c', 50, false),
    ]);
    expect(score).toEqual({ percent: 50, passed: false, tasksPassed: 2, tasks: 3 });
  });

  test('passes at the CKA mark of 66%, not below', () => {
    expect(passMark).toBe(66);
    expect(scoreExam([outcome('a', 66, true), outcome('b', 34, false)]).passed).toBe(true);
    expect(scoreExam([outcome('a', 65, true), outcome('b', 35, false)]).passed).toBe(false);
  });

  test('rounds down, so 2 of 3 equal tasks is 66%', () => {
    expect(
      scoreExam([outcome('a', 1, true), outcome('b', 1, true), outcome('c', 1, false)]).percent,
    ).toBe(66);
  });

  test('is 0 with no tasks', () => {
    expect(scoreExam([]).percent).toBe(0);
  });

  test('prints each task with ✓, or ✗ and the first reason', () => {
    expect(outcomeLine(outcome('scale', 4, true))).toBe('✓ scale (4%)');
    expect(outcomeLine(outcome('scale', 4, false))).toBe('✗ scale (4%): scale is not done');
    expect(scoreLine(scoreExam([outcome('a', 1, true)]))).toBe(
      'score 100% (1 of 1 tasks); the pass mark is 66%: passed',
    );
  });
});

describe('the exam', () => {
  test('has about fifteen tasks with unique names whose weights add up to 100', () => {
    expect(examTasks.length).toBeGreaterThanOrEqual(14);
    const names = examTasks.map(({ task }) => task.name);
    expect(new Set(names).size).toBe(names.length);
    expect(examTasks.reduce((sum, { weight }) => sum + weight, 0)).toBe(100);
  });

  test('needs three nodes, and says which are missing', () => {
    expect(nodesProblem(['node-1', 'node-2', 'node-3'])).toBeUndefined();
    expect(nodesProblem(['node-1'])).toBe(
      'the exam needs the nodes node-1, node-2, node-3; this cluster has no node-2, node-3 (start it with `npx kata up --nodes 3`)',
    );
  });

  test('fits its tasks in the two hours', () => {
    expect(examTasks.reduce((sum, { task }) => sum + task.minutes, 0)).toBeLessThanOrEqual(120);
  });
});

describe('the verbs without an exam or a cluster', () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'kata-exam-'));
  const examFile = path.join(folder, 'exam.json');
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test('status says no exam is running', async () => {
    await expect(exam('status', {}, { examFile })).rejects.toThrow(
      'no exam is running; start one with `npx kata exam start`',
    );
  });

  test('start says no cluster runs from the data directory', async () => {
    await expect(exam('start', { 'data-dir': folder }, { examFile })).rejects.toThrow(
      /^no cluster runs from .*npm start/,
    );
  });

  test('an unknown action is a usage error', async () => {
    await expect(exam('begin', {}, { examFile })).rejects.toThrow('unknown exam action "begin"');
  });
});
