import { describe, expect, test } from 'vitest';
import type { Chapter } from '../../course.ts';
import { fixtureChapter, tallyChapter } from '../course/fixture.ts';
import { paint, stripColour } from '../output.ts';
import type { Progress } from '../../progress.ts';
import type { TestResult } from '../course/runner.ts';
import type { ChapterFigures, ListedTest, StageFigures, Unit } from '../course/stages.ts';
import {
  courseOverview,
  currentStage,
  overviewLine,
  passingIn,
  progressBar,
  stageDone,
  stageLines,
  whereToEdit,
} from './where.ts';

const plain = paint(false);

function listed(fullName: string): ListedTest {
  return {
    file: 'chapters/02-tally/01-adding.test.ts',
    section: fullName.split(' > ')[0]!,
    fullName,
    line: 1,
  };
}

function unit(name: string, stubLine: number): Unit {
  return {
    file: 'chapters/02-tally/tally.ts',
    key: name,
    name,
    section: 'Adding',
    logicLines: 2,
    uses: new Set(),
    stubLine,
  };
}

function stage(
  chapter: Chapter,
  number: number,
  title: string,
  tests: string[],
  minutes: number,
  functions: Unit[] = [],
): StageFigures {
  return {
    id: `${chapter.id}.${number}`,
    number,
    title,
    tests: tests.map(listed),
    sections: [...new Set(tests.map((name) => name.split(' > ')[0]!))],
    functions,
    helpers: [],
    logicLines: 0,
    lessonWords: 0,
    minutes,
  };
}

/** The tally chapter in three stages of 2, 1 and 2 tests. */
const tally: ChapterFigures = {
  chapter: tallyChapter,
  stages: [
    stage(tallyChapter, 1, 'Adding up', ['Adding > zero', 'Adding > two'], 10, [
      unit('Tally.add', 9),
      unit('Tally.total', 13),
    ]),
    stage(tallyChapter, 2, 'Undo', ['Adding > undo'], 5, [unit('Tally.undo', 17)]),
    stage(tallyChapter, 3, 'History', ['History > last', 'History > words'], 50),
  ],
  minutes: 65,
  problems: [],
};

/** The counter chapter in one stage of 1 test. */
const counter: ChapterFigures = {
  chapter: fixtureChapter,
  stages: [stage(fixtureChapter, 1, 'Counting', ['Counting > zero'], 20)],
  minutes: 20,
  problems: [],
};

const run = (passed: number, total: number, passing: string[], done = false) => ({
  passed,
  total,
  done,
  passing,
  firstRunAt: '2025-01-31T10:00:00.000Z',
  lastRunAt: '2025-01-31T11:00:00.000Z',
});

function failing(message: string, thrownAt?: string): TestResult {
  return {
    file: 'chapters/02-tally/01-adding.test.ts',
    section: 'Adding',
    name: 'undo',
    fullName: 'Adding > undo',
    state: 'failed',
    failure: { message, ...(thrownAt && { thrownAt }) },
    logs: [],
  };
}

describe('Where the learner stands', () => {
  test('the tests passing in a chapter are read from its recorded runs', () => {
    const progress: Progress = { '02': run(1, 5, ['Adding > zero']) };
    expect([...passingIn(tallyChapter, progress)], 'passing in chapter 02').toEqual([
      'Adding > zero',
    ]);
    expect(passingIn(fixtureChapter, progress).size, 'passing in chapter 01, never run').toBe(0);
  });

  test('a stage is done when every one of its tests passes, and a stage without tests never is', () => {
    const [first] = tally.stages;
    expect(stageDone(first!, new Set(['Adding > zero'])), 'stage 02.1 with 1 of 2 passing').toBe(
      false,
    );
    expect(
      stageDone(first!, new Set(['Adding > zero', 'Adding > two', 'History > last'])),
      'stage 02.1 with both passing',
    ).toBe(true);
    expect(
      stageDone({ ...first!, tests: [] }, new Set(['Adding > zero'])),
      'a stage without tests',
    ).toBe(false);
  });

  test('the current stage is the first not done', () => {
    const passing = new Set(['Adding > zero', 'Adding > two']);
    expect(currentStage(tally, passing)?.id, 'current stage with 02.1 done').toBe('02.2');
    expect(currentStage(tally, new Set())?.id, 'current stage with nothing passing').toBe('02.1');
    const all = new Set(tally.stages.flatMap((entry) => entry.tests.map((t) => t.fullName)));
    expect(currentStage(tally, all), 'current stage with every test passing').toBeUndefined();
  });

  test('after kata goto, the current stage counts from the stage gone to, in that chapter only', () => {
    expect(
      currentStage(tally, new Set(), { chapter: '02', stage: 3 })?.id,
      'current stage after kata goto 02.3, nothing passing',
    ).toBe('02.3');
    expect(
      currentStage(tally, new Set(['History > last', 'History > words']), {
        chapter: '02',
        stage: 2,
      })?.id,
      'current stage after kata goto 02.2, with 02.3 done',
    ).toBe('02.2');
    expect(
      currentStage(tally, new Set(), { chapter: '01', stage: 3 })?.id,
      'current stage of chapter 02 after kata goto 01.3',
    ).toBe('02.1');
    expect(
      currentStage(tally, new Set(), { chapter: '02' })?.id,
      'current stage after kata goto 02',
    ).toBe('02.1');
  });

  test('the course overview counts passing tests of all, and the minutes of the stages not done', () => {
    const progress: Progress = {
      '01': run(1, 1, ['Counting > zero'], true),
      '02': run(2, 5, ['Adding > zero', 'Adding > two']),
    };
    expect(courseOverview([counter, tally], progress), 'chapter 01 done, 02.1 done').toEqual({
      passed: 3,
      total: 6,
      minutesLeft: 55,
    });
    expect(courseOverview([counter, tally], {}), 'nothing run yet').toEqual({
      passed: 0,
      total: 6,
      minutesLeft: 85,
    });
  });

  test('a recorded count above the stages it can fill is capped, and a done chapter counts whole', () => {
    const progress: Progress = {
      '01': run(7, 7, [], true),
      '02': run(9, 9, []),
    };
    expect(courseOverview([counter, tally], progress), 'counts of 7 and 9 recorded').toEqual({
      passed: 6,
      total: 6,
      minutesLeft: 65,
    });
  });

  test('the progress bar fills in proportion, and an empty course shows an empty bar', () => {
    expect(progressBar(0, 10, 10), '0 of 10').toBe('[----------]');
    expect(progressBar(5, 10, 10), '5 of 10').toBe('[#####-----]');
    expect(progressBar(10, 10, 10), '10 of 10').toBe('[##########]');
    expect(progressBar(1, 3), '1 of 3, 24 wide').toBe(`[${'#'.repeat(8)}${'-'.repeat(16)}]`);
    expect(progressBar(0, 0, 4), '0 of 0').toBe('[----]');
  });

  test('the overview line says the tests passing, the percentage and the time left', () => {
    expect(
      overviewLine({ passed: 1, total: 3, minutesLeft: 95 }),
      'the overview of 1 of 3 passing, 95 minutes left',
    ).toBe(
      `Course: 1 of 3 tests passing  [${'#'.repeat(8)}${'-'.repeat(16)}] 33%  about 1 h 35 min left`,
    );
    expect(
      overviewLine({ passed: 0, total: 0, minutesLeft: 0 }),
      'the overview of an empty course',
    ).toContain(' 0%  about 0 min left');
  });

  test('stage lines tick the done stages, mark the current one and count the others', () => {
    const passing = new Set(['Adding > zero', 'Adding > two', 'History > last']);
    const lines = stageLines(tally, passing, tally.stages[1], plain);
    expect(lines, 'the stage lines of chapter 02, 02.1 done, 02.2 current').toEqual([
      '  ✓ 02.1   Adding up        10 min',
      '  › 02.2   Undo              5 min  0 of 1',
      '    02.3   History          50 min  1 of 2',
    ]);
  });

  test('in colour, only the current stage is bold and the done one green', () => {
    const lines = stageLines(
      tally,
      new Set(['Adding > zero', 'Adding > two']),
      tally.stages[1],
      paint(true),
    );
    expect(lines[0], 'the line of 02.1, done').toContain('\u001b[32m✓\u001b[39m');
    expect(lines[1], 'the line of 02.2, current').toContain('\u001b[1m02.2');
    expect(lines[2], 'the line of 02.3').not.toContain('\u001b[1m');
    expect(lines.map(stripColour), 'the lines without colour, as without a terminal').toEqual(
      stageLines(tally, new Set(['Adding > zero', 'Adding > two']), tally.stages[1], plain),
    );
  });

  test('where to edit is where the NotImplemented was thrown, when it is known', () => {
    expect(
      whereToEdit(
        failing(
          'Tally.undo is not implemented yet (lesson: § Adding)',
          'chapters/02-tally/tally.ts:18',
        ),
        tally.stages[1],
      ),
      'a failure thrown at tally.ts:18',
    ).toBe('chapters/02-tally/tally.ts:18 (Tally.undo)');
  });

  test("otherwise it is the stub's line of the function the NotImplemented names", () => {
    expect(
      whereToEdit(failing('Tally.undo is not implemented yet (lesson: § Adding)'), tally.stages[1]),
      'a NotImplemented of Tally.undo, a function of the stage',
    ).toBe('chapters/02-tally/tally.ts:17 (Tally.undo)');
  });

  test("a failure that names no function points at the stage's functions, the first three", () => {
    const wide = {
      ...tally.stages[0]!,
      functions: ['a', 'b', 'c', 'd', 'e'].map((name) => unit(name, 1)),
    };
    expect(
      whereToEdit(failing('expected 2 to be 5'), tally.stages[0]),
      'an assertion failing in stage 02.1',
    ).toBe(
      "this stage's functions: Tally.add in chapters/02-tally/tally.ts, Tally.total in chapters/02-tally/tally.ts",
    );
    expect(
      whereToEdit(failing('expected 2 to be 5'), wide),
      'an assertion failing in a stage of five functions',
    ).toBe(
      "this stage's functions: a in chapters/02-tally/tally.ts, b in chapters/02-tally/tally.ts, c in chapters/02-tally/tally.ts, and 2 more",
    );
    expect(
      whereToEdit(failing('expected 2 to be 5'), tally.stages[2]),
      'an assertion failing in a stage without functions',
    ).toBeUndefined();
    expect(whereToEdit(failing('expected 2 to be 5'), undefined), 'no stage').toBeUndefined();
  });
});
