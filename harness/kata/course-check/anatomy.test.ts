import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  chapterLogicLines,
  hintProblems,
  lessonAnatomyProblems,
  messageProblems,
  silentExpects,
  sittingProblems,
  stageProblems,
} from './anatomy.ts';
import {
  fixtureChapter,
  makeFixture,
  tallyChapter,
  tallyLesson,
  type Fixture,
} from '../course/fixture.ts';

let fixture: Fixture;
beforeEach(() => {
  fixture = makeFixture({ tally: true });
});
afterEach(() => fixture.remove());

/** `count` lines of `export const xN = N;`: that many logic lines. */
const constants = (count: number) =>
  Array.from({ length: count }, (_, n) => `export const x${n} = ${n};\n`).join('');

describe('Chapter anatomy', () => {
  test('a chapter with a hint for every test has no hint problems', () => {
    expect(hintProblems(tallyChapter, fixture.root), 'hint problems of the tally').toEqual([]);
  });

  test('a test without a hint is named with its file and line', () => {
    const hints = { ...tallyChapter.hints };
    delete hints['Adding > amounts add up'];
    expect(
      hintProblems({ ...tallyChapter, hints }, fixture.root),
      'hint problems with the hint of "amounts add up" taken out',
    ).toEqual([
      'chapters/02-tally/01-adding.test.ts:9: "Adding > amounts add up" has no hint in harness/course.ts',
    ]);
  });

  test('an expect without a message is found by its line; helpers on expect are not', () => {
    const source = `test('a', () => {
  expect(one, 'one').toBe(1);
  expect(two).toBe(2);
  expect(three, 'three').toEqual(expect.any(Number));
  expect(
    four,
  ).toBe(4);
});
`;
    expect(silentExpects(source, 'a.test.ts'), 'lines of the expects without a message').toEqual([
      3, 5,
    ]);
  });

  test("the chapter's test files are searched for expects without a message", () => {
    expect(messageProblems(tallyChapter, fixture.root), 'message problems of the tally').toEqual(
      [],
    );
    expect(
      messageProblems(fixtureChapter, fixture.root),
      'message problems of the counter, whose test has no message',
    ).toEqual([
      'chapters/01-counter/01-counting.test.ts:6: an expect without a message (say what was done and what was expected)',
    ]);
  });

  test("the chapter's logic lines are its reference's, imports, comments and tests left out", () => {
    fixture.write(
      'solutions/01-counter/counter.ts',
      `import {
  first,
  second,
} from './names.ts';
import type { Third } from './names.ts';

// The counter.
export class Counter {
  value = 0;
}
`,
    );
    fixture.write('solutions/01-counter/extra.ts', constants(3));
    fixture.write('solutions/01-counter/counter.test.ts', constants(50));
    fixture.write('solutions/01-counter/notes.md', constants(50));
    expect(
      chapterLogicLines(fixtureChapter, fixture.root),
      'logic lines of counter.ts (2, after a three-name import) and extra.ts (3)',
    ).toBe(5);
  });

  test('at most 15 reference logic lines a test are allowed', () => {
    const tally = chapterLogicLines(tallyChapter, fixture.root);
    fixture.write('solutions/02-tally/extra.ts', constants(5 * 15 - tally));
    expect(
      stageProblems(tallyChapter, fixture.root),
      'stage problems of 75 logic lines for 5 tests',
    ).toEqual([]);
    fixture.write('solutions/02-tally/extra.ts', constants(5 * 15 + 1 - tally));
    expect(
      stageProblems(tallyChapter, fixture.root),
      'stage problems of 76 logic lines for 5 tests',
    ).toEqual([
      '76 reference logic lines for 5 tests is 15.2 a test, over 15: add the intermediate tests a learner needs (npx kata stages 02 shows where)',
    ]);
  });

  test('a stage that takes less than 20 or more than 90 minutes is no sitting', () => {
    // The tally's stages are tiny: 10 and 17 minutes by the estimate.
    expect(
      sittingProblems(tallyChapter, fixture.root).map((problem) => problem.split(' takes ')[0]),
      'the stages of the tally, too short',
    ).toEqual(['stage 02.1 Adding up', 'stage 02.2 Undo and history']);
    fixture.write('solutions/02-tally/extra.ts', constants(40));
    expect(
      sittingProblems(tallyChapter, fixture.root),
      'the tally with 40 more logic lines, all in its first stage',
    ).toEqual([
      'stage 02.2 Undo and history takes 17 minutes by the estimate, outside 20 to 90: one sitting is 30 to 60 (move its first test, or split its functions)',
    ]);
  });

  test("the stages' own problems are stage problems too", () => {
    const [first, second] = tallyChapter.stages;
    const chapter = {
      ...tallyChapter,
      stages: [first!, { ...second!, functions: ['Tally.undo', 'Tally.redo'] }],
    };
    expect(
      stageProblems(chapter, fixture.root),
      'stage problems of a stage listing a function the stubs lack',
    ).toEqual(['stage 02.2 lists "Tally.redo", which no stub\'s NotImplemented names']);
  });

  test('a lesson with a diagram, links to the docs and the source, and answers has no problems', () => {
    expect(
      lessonAnatomyProblems(tallyChapter, fixture.root),
      'lesson problems of the tally',
    ).toEqual([]);
  });

  test('a lesson without a diagram, links or review questions has a problem for each', () => {
    expect(
      lessonAnatomyProblems(fixtureChapter, fixture.root),
      "lesson problems of the counter's bare lesson",
    ).toEqual([
      'chapters/01-counter/README.md: "## What you will build" has no concept diagram (a ```mermaid or ```text block)',
      'chapters/01-counter/README.md: "## In Kubernetes" links no documentation on kubernetes.io or etcd.io',
      'chapters/01-counter/README.md: "## In Kubernetes" links no upstream source (github.com/kubernetes or etcd-io)',
      'chapters/01-counter/README.md: "## Review questions" has no numbered questions',
    ]);
  });

  test('the diagram must be under "What you will build", not elsewhere', () => {
    const moved = tallyLesson
      .replace('```text\nadd(2) add(3) -> total 5\n```\n', 'A tally adds.\n')
      .replace('## Adding\n', '## Adding\n\n```mermaid\ngraph LR\n```\n');
    fixture.write('chapters/02-tally/README.md', moved);
    expect(
      lessonAnatomyProblems(tallyChapter, fixture.root),
      'lesson problems with the diagram moved to § Adding',
    ).toEqual([
      'chapters/02-tally/README.md: "## What you will build" has no concept diagram (a ```mermaid or ```text block)',
    ]);
  });

  test('"In Kubernetes" needs a link to the documentation and one to the source', () => {
    fixture.write(
      'chapters/02-tally/README.md',
      tallyLesson.replace(
        '[the source](https://github.com/kubernetes/kubernetes)',
        '[a blog](https://example.com/kubernetes)',
      ),
    );
    expect(
      lessonAnatomyProblems(tallyChapter, fixture.root),
      'lesson problems without the link to the source',
    ).toEqual([
      'chapters/02-tally/README.md: "## In Kubernetes" links no upstream source (github.com/kubernetes or etcd-io)',
    ]);
  });

  test('every review question needs its answer', () => {
    fixture.write(
      'chapters/02-tally/README.md',
      tallyLesson.replace('2. What does undo take back?', '2. What does undo take back?\n3. Why?'),
    );
    expect(
      lessonAnatomyProblems(tallyChapter, fixture.root),
      'lesson problems of 3 questions and 2 answers',
    ).toEqual([
      'chapters/02-tally/README.md: 3 review questions but 2 answers (number them inside <details><summary>Answers</summary>)',
    ]);
  });

  test('a chapter without a lesson has no lesson anatomy problems (the structure check names it)', () => {
    expect(
      lessonAnatomyProblems({ ...fixtureChapter, slug: 'nowhere' }, fixture.root),
      'lesson problems of chapters/01-nowhere',
    ).toEqual([]);
  });
});
