import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Chapter } from '../../course.ts';
import { makeFixture, tallyChapter, tallyLesson, type Fixture } from './fixture.ts';
import {
  chapterFigures,
  duration,
  isLogicLine,
  logicLines,
  rates,
  sectionWords,
  stageMinutes,
  testsInFile,
  testsOf,
  unitsOf,
  unitsToWrite,
} from './stages.ts';

describe('Tests listed from their files', () => {
  test('tests are listed in the order written, through nested describes, with their lines', () => {
    const source = `import { describe, expect, test, it } from 'vitest';

describe('Ranges', () => {
  test('an empty range finds nothing', () => {});
  describe('with a limit', () => {
    it('cuts the range', () => {});
    test(\`counts the whole range\`, () => {});
  });
  test.skipIf(process.platform === 'win32')('a range at an old revision', () => {});
});
`;
    expect(testsInFile(source, 'chapters/01-store/02-ranges.test.ts'), 'the listed tests').toEqual([
      {
        file: 'chapters/01-store/02-ranges.test.ts',
        section: 'Ranges',
        fullName: 'Ranges > an empty range finds nothing',
        line: 4,
      },
      {
        file: 'chapters/01-store/02-ranges.test.ts',
        section: 'Ranges',
        fullName: 'Ranges > with a limit > cuts the range',
        line: 6,
      },
      {
        file: 'chapters/01-store/02-ranges.test.ts',
        section: 'Ranges',
        fullName: 'Ranges > with a limit > counts the whole range',
        line: 7,
      },
      {
        file: 'chapters/01-store/02-ranges.test.ts',
        section: 'Ranges',
        fullName: 'Ranges > a range at an old revision',
        line: 9,
      },
    ]);
  });

  test('calls that only look like tests are not listed', () => {
    const source = `describe('Watches', () => {
  expect(received, 'a watch').toEqual(['test']);
  helpers.test('not a test', () => {});
  test(nameOf(3), () => {});
});
`;
    expect(testsInFile(source, 'w.test.ts'), 'tests in a file with none').toEqual([]);
  });

  describe('in a chapter', () => {
    let fixture: Fixture;
    beforeEach(() => {
      fixture = makeFixture({ tally: true });
    });
    afterEach(() => fixture.remove());

    test("a chapter's tests come file by file in name order, and only from test files", () => {
      fixture.write('chapters/02-tally/00-notes.ts', "test('not in a test file', () => {});\n");
      const names = testsOf(tallyChapter, fixture.root).map((entry) => entry.fullName);
      expect(names, "the tally chapter's tests").toEqual([
        'Adding > a new tally is at zero',
        'Adding > amounts add up',
        'Adding > undo takes back the last amount',
        'History > the last total recorded is remembered',
        'History > a total is described in words',
      ]);
      expect(
        testsOf(tallyChapter, fixture.root).map((entry) => entry.file),
        'the files the tests come from',
      ).toEqual([
        ...Array(3).fill('chapters/02-tally/01-adding.test.ts'),
        ...Array(2).fill('chapters/02-tally/02-history.test.ts'),
      ]);
    });

    test('a chapter without a folder has no tests', () => {
      const missing: Chapter = { ...tallyChapter, slug: 'nowhere' };
      expect(testsOf(missing, fixture.root), 'tests of chapters/02-nowhere').toEqual([]);
    });
  });
});

describe('Logic lines', () => {
  test('blank lines, comments, imports and lone closing brackets are not logic lines', () => {
    for (const line of [
      '',
      '    ',
      '// a comment',
      '/* a comment */',
      '   * a doc comment line',
      "import { a } from './a.ts';",
      "import type { B } from './b.ts';",
      '}',
      '  });',
      '],',
      ')',
      '}));',
    ]) {
      expect(isLogicLine(line), `isLogicLine(${JSON.stringify(line)})`).toBe(false);
    }
  });

  test('code is a logic line, brackets with code on them included', () => {
    for (const line of [
      'return 1;',
      '  const a = [1, 2];',
      '} else {',
      '}).toBe(1);',
      'export class Store {',
      'important = true;',
    ]) {
      expect(isLogicLine(line), `isLogicLine(${JSON.stringify(line)})`).toBe(true);
    }
  });

  test('a text counts its logic lines', () => {
    const text = `/** Adds one. */
function next(n: number): number {
  // the easy part
  return n + 1;
}
`;
    expect(logicLines(text), 'logic lines of a three-line function with comments').toBe(2);
  });
});

describe('Units', () => {
  test('a unit is a top-level declaration or a member of a top-level class; imports are none', () => {
    const source = `import { a } from './a.ts';

export const one = 1, two = 2;
export type Key = string;
export function encode(key: Key): string {
  return key;
}
export class Store {
  #index = new Map();
  constructor() {}
  get size(): number {
    return 0;
  }
  set size(value: number) {}
  put(): void {}
}
`;
    expect(
      unitsOf(source, 'store.ts').map((unit) => unit.key),
      'the keys of the units of store.ts',
    ).toEqual([
      'one,two',
      'Key',
      'encode',
      'Store.#index',
      'Store.constructor',
      'Store.get size',
      'Store.set size',
      'Store.put',
    ]);
    expect(
      unitsOf(source, 'store.ts').find((unit) => unit.key === 'Store.put')?.text,
      'the text of Store.put',
    ).toBe('put(): void {}');
  });

  test('the units to write are stub functions, named by their NotImplemented, and helpers', () => {
    const stub = `import { NotImplemented } from '../../not-implemented.ts';

const section = '§ Revisions';

export type Key = string;

export class Store {
  put(key: Key): number {
    throw new NotImplemented('Store.put', section);
  }

  get revision(): number {
    throw new NotImplemented('Store.revision', '§ Revisions');
  }
}
`;
    const reference = `export type Key = string;

export class Store {
  #revision = 1;

  put(key: Key): number {
    this.#revision = bump(this.#revision);
    return this.#revision;
  }

  get revision(): number {
    return this.#revision;
  }
}

function bump(revision: number): number {
  return revision + 1;
}
`;
    const units = unitsToWrite(stub, reference, 'chapters/01-store/store.ts');
    expect(
      units.map(({ key, name, section, logicLines, stubLine }) => ({
        key,
        name,
        section,
        logicLines,
        stubLine,
      })),
      'the units of store.ts, the identical type Key left out',
    ).toEqual([
      { key: 'Store.#revision', name: undefined, section: undefined, logicLines: 1, stubLine: 0 },
      { key: 'Store.put', name: 'Store.put', section: 'Revisions', logicLines: 3, stubLine: 8 },
      {
        key: 'Store.get revision',
        name: 'Store.revision',
        section: 'Revisions',
        logicLines: 2,
        stubLine: 12,
      },
      { key: 'bump', name: undefined, section: undefined, logicLines: 2, stubLine: 0 },
    ]);
    expect(
      units.every((unit) => unit.file === 'chapters/01-store/store.ts'),
      'every unit names the stub file',
    ).toBe(true);
    expect(
      [...units.find((unit) => unit.key === 'Store.put')!.uses].filter((name) =>
        ['bump', '#revision', 'Key'].includes(name),
      ),
      'the names Store.put uses that are units',
    ).toEqual(['Key', '#revision', 'bump']);
  });
  test('a statement without a name is one unit in the stub and the reference', () => {
    const stub = `export type { Event } from './events.ts';
export * from './more.ts';
`;
    const reference = `import { a } from './a.ts';

export type { Event } from './events.ts';
export * from './more.ts';
`;
    expect(
      unitsOf(reference, 'a.ts').map((unit) => unit.key),
      'the keys of a re-export and of an export of everything',
    ).toEqual(['#export type from ./events.ts', '#export from ./more.ts']);
    expect(
      unitsToWrite(stub, reference, 'a.ts'),
      'the units to write where the reference re-exports what the stub does',
    ).toEqual([]);
  });

  test('a getter the stub throws from and a field of that name in the reference are one unit', () => {
    const stub = `export class Counter {
  get value(): number {
    throw new NotImplemented('Counter.value', '§ Counting');
  }
}
`;
    const reference = `export class Counter {
  value = 0;
}
`;
    expect(
      unitsToWrite(stub, reference, 'counter.ts').map(({ key, name, section, stubLine }) => ({
        key,
        name,
        section,
        stubLine,
      })),
      'the units to write of a counter whose getter is a field in the reference',
    ).toEqual([{ key: 'Counter.value', name: 'Counter.value', section: 'Counting', stubLine: 2 }]);
  });
});

describe('Stage figures', () => {
  let fixture: Fixture;
  beforeEach(() => {
    fixture = makeFixture({ tally: true });
    fixture.pristine();
  });
  afterEach(() => fixture.remove());

  const keys = (units: Array<{ key: string }>) => units.map((unit) => unit.key);

  test("stages are cut at each stage's first test and hold the tests up to the next", () => {
    const figures = chapterFigures(tallyChapter, fixture.root);
    expect(figures.problems, 'problems of the tally chapter').toEqual([]);
    expect(
      figures.stages.map((stage) => ({
        id: stage.id,
        number: stage.number,
        tests: stage.tests.map((entry) => entry.fullName),
        sections: stage.sections,
      })),
      'the two stages of the tally chapter',
    ).toEqual([
      {
        id: '02.1',
        number: 1,
        tests: ['Adding > a new tally is at zero', 'Adding > amounts add up'],
        sections: ['Adding'],
      },
      {
        id: '02.2',
        number: 2,
        tests: [
          'Adding > undo takes back the last amount',
          'History > the last total recorded is remembered',
          'History > a total is described in words',
        ],
        sections: ['Adding', 'History'],
      },
    ]);
  });

  test('a stub function goes to the first stage covering its section, or to the stage that lists it', () => {
    const [first, second] = chapterFigures(tallyChapter, fixture.root).stages;
    expect(keys(first!.functions), 'functions of 02.1, by their section Adding').toEqual([
      'Tally.add',
      'Tally.get total',
    ]);
    expect(
      second!.functions.map((unit) => unit.name),
      'functions of 02.2: Tally.undo is listed, the others are in § History',
    ).toEqual(['Tally.undo', 'History.record', 'History.last', 'describeTotal']);
  });

  test('a helper goes to the earliest stage of a unit that uses it', () => {
    const [first, second] = chapterFigures(tallyChapter, fixture.root).stages;
    expect(
      keys(first!.helpers),
      'helpers of 02.1: #amounts (used by add, total and undo) and checked (used by add)',
    ).toEqual(['Tally.#amounts', 'checked']);
    expect(keys(second!.helpers), 'helpers of 02.2').toContain('apples');
  });

  test("a constructor and fields no method names by itself come with their class's first stage", () => {
    const [first, second] = chapterFigures(tallyChapter, fixture.root).stages;
    expect(
      keys(second!.helpers),
      "helpers of 02.2: History's fields and constructor, though the file starts in 02.1",
    ).toEqual(['History.#totals', 'History.#limit', 'History.constructor', 'apples']);
    expect(keys(first!.helpers), 'helpers of 02.1').not.toContain('History.constructor');
  });

  test('logic lines and minutes are added up from the units, the tests and the lesson', () => {
    const figures = chapterFigures(tallyChapter, fixture.root);
    const [first, second] = figures.stages;
    expect(first!.logicLines, 'logic lines of 02.1: add 2, total 2, #amounts 1, checked 3').toBe(8);
    expect(
      second!.logicLines,
      'logic lines of 02.2: four functions of 2, fields 1 and 1, constructor 2, apples 2',
    ).toBe(14);
    const words = sectionWords(tallyLesson);
    const at = (heading: string) => words.get(heading)!;
    expect(first!.lessonWords, 'lesson words of 02.1: the start, and 2 of 3 tests of Adding').toBe(
      Math.round(at('') + at('What you will build') + (at('Adding') * 2) / 3),
    );
    expect(
      first!.lessonWords + second!.lessonWords,
      'lesson words of both stages: the whole lesson, give or take rounding',
    ).toBeCloseTo(
      [...words.values()].reduce((sum, count) => sum + count, 0),
      -1,
    );
    for (const stage of figures.stages) {
      expect(stage.minutes, `minutes of ${stage.id}`).toBe(
        stageMinutes({
          logicLines: stage.logicLines,
          tests: stage.tests.length,
          lessonWords: stage.lessonWords,
        }),
      );
    }
    expect(figures.minutes, 'minutes of the chapter').toBe(first!.minutes + second!.minutes);
  });

  test('a stage starting at no test is a problem, and so is one starting before the stage before it', () => {
    const chapter: Chapter = {
      ...tallyChapter,
      stages: [
        { title: 'Adding and history', from: 'Adding > a new tally is at zero' },
        { title: 'Words', from: 'History > a total is described in words' },
        { title: 'Remembered', from: 'History > the last total recorded is remembered' },
        { title: 'Nowhere', from: 'Adding > a test nobody wrote' },
      ],
    };
    expect(chapterFigures(chapter, fixture.root).problems, 'problems of the stages').toEqual([
      'stage 02.4 starts at "Adding > a test nobody wrote", which names no test',
      'stage 02.3 starts at or before the stage before it',
    ]);
  });

  test("the first stage must start at the chapter's first test", () => {
    const chapter: Chapter = {
      ...tallyChapter,
      stages: [{ title: 'Adding up', from: 'Adding > amounts add up' }],
    };
    expect(chapterFigures(chapter, fixture.root).problems, 'problems of the stages').toEqual([
      'stage 02.1 must start at the chapter\'s first test, "Adding > a new tally is at zero"',
    ]);
  });

  test('a stage listing a function no NotImplemented names is a problem, and one listed twice', () => {
    const chapter: Chapter = {
      ...tallyChapter,
      stages: [
        { ...tallyChapter.stages[0]!, functions: ['Tally.undo', 'Tally.subtract'] },
        tallyChapter.stages[1]!,
      ],
    };
    expect(chapterFigures(chapter, fixture.root).problems, 'problems of the stages').toEqual([
      'stage 02.1 lists "Tally.subtract", which no stub\'s NotImplemented names',
      '"Tally.undo" is listed by two stages',
    ]);
  });

  test('a chapter without stages is a problem, and so is a section no test covers', () => {
    expect(
      chapterFigures({ ...tallyChapter, stages: [] }, fixture.root).problems,
      'problems of a chapter without stages',
    ).toEqual(['chapter 02 has no stages']);
    fixture.write('chapters/02-tally/02-history.test.ts', '');
    expect(
      chapterFigures(tallyChapter, fixture.root).problems,
      'problems once the History tests are gone',
    ).toEqual([
      'chapters/02-tally/tally.ts: History.record names § History, which no test covers',
      'chapters/02-tally/tally.ts: History.last names § History, which no test covers',
      'chapters/02-tally/tally.ts: describeTotal names § History, which no test covers',
    ]);
  });

  test("the stubs are the shipped ones, not the learner's edited files", () => {
    fixture.write('chapters/02-tally/tally.ts', 'export class Tally {}\n');
    expect(
      keys(chapterFigures(tallyChapter, fixture.root).stages[0]!.functions),
      'functions of 02.1 once the learner has rewritten tally.ts',
    ).toEqual(['Tally.add', 'Tally.get total']);
  });
});

describe('Minutes', () => {
  test('minutes are computed at the rates: a line a minute, a test a minute, 200 words a minute', () => {
    expect(
      stageMinutes({ logicLines: 30, tests: 10, lessonWords: 1000 }),
      '30 logic lines, 10 tests and 1000 words',
    ).toBe(45);
    expect(stageMinutes({ logicLines: 0, tests: 0, lessonWords: 99 }), '99 words, rounded').toBe(0);
  });

  test('changing a rate changes the minutes', () => {
    const saved = { ...rates };
    try {
      rates.minutesPerLogicLine = 2;
      rates.wordsPerMinute = 100;
      expect(
        stageMinutes({ logicLines: 30, tests: 10, lessonWords: 1000 }),
        '30 logic lines at 2 minutes, 10 tests, 1000 words at 100 a minute',
      ).toBe(80);
    } finally {
      Object.assign(rates, saved);
    }
  });

  test("a lesson's words are counted section by section, headings inside code fences ignored", () => {
    const lesson = `# The counter
Intro words here.

## Counting

One two three.

\`\`\`
## not a heading
\`\`\`

## Review questions

1. Why?
`;
    expect(Object.fromEntries(sectionWords(lesson)), 'words of each section').toEqual({
      '': 6,
      Counting: 9,
      'Review questions': 2,
    });
  });

  test('a duration reads in hours and minutes', () => {
    expect(duration(0), 'duration(0)').toBe('0 min');
    expect(duration(40), 'duration(40)').toBe('40 min');
    expect(duration(60), 'duration(60)').toBe('1 h');
    expect(duration(95), 'duration(95)').toBe('1 h 35 min');
    expect(duration(600), 'duration(600)').toBe('10 h');
  });
});
