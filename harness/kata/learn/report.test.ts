import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Chapter } from '../../course.ts';
import { fixtureChapter, makeFixture, type Fixture } from '../course/fixture.ts';
import { chapterState, currentChapter, formatStatus, type ChapterState } from './learner.ts';
import { sectionReference, sectionsOf } from '../course/lesson.ts';
import { paint } from '../output.ts';
import { formatRun, tally } from './report.ts';
import type { RunResult, TestResult } from '../course/runner.ts';

const plain = paint(false);
const second: Chapter = {
  ...fixtureChapter,
  id: '02',
  slug: 'adder',
  title: 'The adder',
  hints: {},
};

function result(name: string, state: TestResult['state'], section = 'Counting'): TestResult {
  return {
    chapter: '01-counter',
    file: 'chapters/01-counter/01-counting.test.ts',
    section,
    name,
    fullName: `${section} > ${name}`,
    state,
    logs: [],
    ...(state === 'failed' && {
      failure: {
        message: 'new Counter().value: expected undefined to be +0',
        diff: '- Expected\n+ Received\n\n- 0\n+ undefined',
        location: 'chapters/01-counter/01-counting.test.ts:6',
      },
    }),
  };
}

function run(tests: TestResult[]): RunResult {
  return {
    target: 'chapters',
    files: [
      {
        file: 'chapters/01-counter/01-counting.test.ts',
        chapter: '01-counter',
        topLevelSuites: ['Counting'],
        topLevelTests: [],
        logs: [],
        milliseconds: 1,
      },
    ],
    tests,
    errors: [],
    milliseconds: 1,
  };
}

const halfway = run([
  result('a counter can be made', 'passed'),
  result('a new counter is at zero', 'failed'),
  result('counting up adds one', 'failed'),
  result('counting twice adds two', 'failed', 'Adding'),
]);

describe('What the learner reads', () => {
  test('a run is tallied as passing, failing and skipped, with the first failure first', () => {
    const counts = tally(halfway);
    expect(
      { passed: counts.passed, total: counts.total, done: counts.done },
      'one passing test of four',
    ).toEqual({ passed: 1, total: 4, done: false });
    expect(counts.firstFailure?.name, 'the next step').toBe('a new counter is at zero');
  });

  test('kata test ticks the passing steps, details the first failure and counts the rest', () => {
    const text = formatRun(fixtureChapter, halfway, plain);
    expect(text, 'the report').toContain(
      'Counting  1 of 3\n  ✓ a counter can be made\n  ✗ a new counter is at zero\n  · 1 more not passing yet',
    );
    expect(text, 'the report').toContain('Adding  0 of 1\n  · 1 not passing yet');
    expect(text, 'the failure').toContain(
      '✗ Counting > a new counter is at zero\n  at chapters/01-counter/01-counting.test.ts:6',
    );
    expect(text, 'expected against received').toContain('- Expected\n  + Received');
    expect(text, 'the hint').toContain('Hint: Start at 0. Lesson: § Counting.');
    expect(text, 'the lesson section').toContain('Read: chapters/01-counter/README.md');
    expect(text.trimEnd().split('\n').at(-1), 'the last line').toBe('1 of 4 tests passing');
  });

  test('a run where everything passes says so', () => {
    const text = formatRun(fixtureChapter, run([result('a counter can be made', 'passed')]), plain);
    expect(text.trimEnd().split('\n').at(-1), 'the last line').toBe('✓ all 1 test pass');
  });

  test('a test file that cannot run is shown with its error, and the chapter is not done', () => {
    const broken = run([]);
    broken.files[0]!.error = "SyntaxError: Unexpected token ';'";
    const text = formatRun(fixtureChapter, broken, plain);
    expect(text, 'the report').toContain(
      "✗ chapters/01-counter/01-counting.test.ts could not run\n\n  SyntaxError: Unexpected token ';'",
    );
    expect(tally(broken).done, 'done, with a file that cannot run').toBe(false);
  });

  test('a chapter is not started while pristine, then untested, in progress or done', () => {
    const progress = (done: boolean) => ({
      '01': { passed: done ? 4 : 1, total: 4, done, firstRunAt: 'a', lastRunAt: 'b' },
    });
    const state = (pristine: boolean, done?: boolean) =>
      chapterState(fixtureChapter, {}, done === undefined ? {} : progress(done), () => pristine)
        .kind;
    expect(state(true, false), 'pristine files, a run recorded').toBe('not started');
    expect(state(false), 'changed files, no run').toBe('untested');
    expect(state(false, false), 'changed files, failing').toBe('in progress');
    expect(state(false, true), 'changed files, all passing').toBe('done');
  });

  test('the current chapter is the first started and unfinished, else the first not done', () => {
    const states = (...kinds: ChapterState['kind'][]) =>
      kinds.map((kind, i) => ({ chapter: [fixtureChapter, second][i]!, kind }));
    expect(currentChapter(states('done', 'not started'))?.id, 'done, not started').toBe('02');
    expect(currentChapter(states('not started', 'in progress'))?.id, 'not started, begun').toBe(
      '02',
    );
    expect(currentChapter(states('in progress', 'in progress'))?.id, 'both begun').toBe('01');
    expect(currentChapter(states('done', 'done')), 'all done').toBeUndefined();
  });

  test('kata status shows every chapter, the current one and its next failing test', () => {
    const states: ChapterState[] = [
      {
        chapter: fixtureChapter,
        kind: 'in progress',
        progress: { passed: 1, total: 4, done: false, firstRunAt: 'a', lastRunAt: 'b' },
      },
      { chapter: second, kind: 'not started' },
    ];
    const text = formatStatus(states, { chapter: fixtureChapter, run: halfway }, plain);
    expect(text.split('\n').slice(2, 4), 'the chapter table').toEqual([
      ' › 01  The counter   1 of 4 tests passing',
      '   02  The adder     not started',
    ]);
    expect(text, 'the current chapter').toContain(
      'Current chapter: 01 The counter (chapters/01-counter)',
    );
    expect(text, 'the next failing test').toContain(
      'Next failing test: Counting > a new counter is at zero\n  at chapters/01-counter/01-counting.test.ts:6',
    );
    expect(text, 'the hint').toContain('  Hint: Start at 0. Lesson: § Counting.');
    expect(text, 'what to run').toContain('Run npx kata test 01 for the details');
  });

  test('kata status with every chapter done says so', () => {
    const states: ChapterState[] = [
      {
        chapter: fixtureChapter,
        kind: 'done',
        progress: { passed: 4, total: 4, done: true, firstRunAt: 'a', lastRunAt: 'b' },
      },
    ];
    const text = formatStatus(states, undefined, plain);
    expect(text, 'status when all is done').toContain('01  The counter   done (4 tests)');
    expect(text, 'status when all is done').toContain('Every chapter is done');
  });
});

describe('Lesson sections', () => {
  let fixture: Fixture;
  beforeEach(() => {
    fixture = makeFixture();
  });
  afterEach(() => fixture.remove());

  test('## headings are found with their line numbers, not inside code fences', () => {
    expect(
      sectionsOf('# Title\n\n## One\ntext\n```\n## fenced\n```\n## Two ##\n'),
      'headings',
    ).toEqual([
      { heading: 'One', line: 3 },
      { heading: 'Two', line: 8 },
    ]);
  });

  test('a test section is pointed at by path, line and heading', () => {
    expect(sectionReference('01-counter', 'Counting', fixture.root), 'where Counting is').toBe(
      'chapters/01-counter/README.md:9 § Counting',
    );
    expect(sectionReference('01-counter', 'Missing', fixture.root), 'a section not there').toBe(
      'chapters/01-counter/README.md § Missing',
    );
  });
});
