import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { lineRanges } from './check.ts';
import { fixtureChapter, makeFixture, type Fixture } from '../course/fixture.ts';
import type { RunResult } from '../course/runner.ts';
import {
  exportedNames,
  folderProblems,
  implementationLoader,
  lessonProblems,
  solutionImportProblems,
  twinProblems,
} from './structure.ts';

let fixture: Fixture;
beforeEach(() => {
  fixture = makeFixture();
});
afterEach(() => fixture.remove());

/** The fixture chapter's run on its solution, as the runner reports it. */
function solutionRun(overrides: Partial<RunResult['files'][number]> = {}): RunResult {
  const file = 'chapters/01-counter/01-counting.test.ts';
  return {
    target: 'solutions',
    files: [
      {
        file,
        topLevelSuites: ['Counting'],
        topLevelTests: [],
        logs: [],
        milliseconds: 1,
        ...overrides,
      },
    ],
    tests: [
      {
        file,
        section: 'Counting',
        name: 'a new counter is at zero',
        fullName: 'Counting > a new counter is at zero',
        state: 'passed',
        logs: [],
      },
    ],
    errors: [],
    milliseconds: 1,
  };
}

describe('Chapter structure', () => {
  test('exported names are read from declarations, lists and re-exports', () => {
    const source = `
      export class Store {}
      export interface Options {}
      export type Key = string;
      export const a = 1, b = 2;
      export function f() {}
      export default 3;
      const hidden = 1;
      export { hidden as shown };
      export * from './other.ts';
    `;
    expect(exportedNames(source), 'the exports').toEqual(
      ['* from ./other.ts', 'Key', 'Options', 'Store', 'a', 'b', 'default', 'f', 'shown'].sort(),
    );
  });

  test('a complete chapter has no problems', () => {
    expect(folderProblems([fixtureChapter], fixture.root), 'folders').toEqual([]);
    expect(twinProblems(fixtureChapter, fixture.root), 'twins').toEqual([]);
    expect(lessonProblems(fixtureChapter, solutionRun(), fixture.root), 'lesson').toEqual([]);
  });

  test('a folder outside the manifest, and a chapter without its solution, are named', () => {
    mkdirSync(path.join(fixture.root, 'chapters', '02-extra'));
    expect(folderProblems([fixtureChapter], fixture.root), 'an extra chapter folder').toEqual([
      'chapters/02-extra is not in the course manifest (harness/course.ts)',
    ]);
    fixture.remove();
    fixture = makeFixture();
    const unsolved = { ...fixtureChapter, slug: 'unsolved' };
    expect(folderProblems([unsolved], fixture.root), 'a chapter with no solution folder').toContain(
      'chapter 01-unsolved has no solution: solutions/01-unsolved is missing',
    );
  });

  test('a stub and its twin must export the same names', () => {
    fixture.write(
      'solutions/01-counter/counter.ts',
      'export class Counter {}\nexport const extra = 1;\n',
    );
    fixture.write('chapters/01-counter/helper.ts', 'export const help = 1;\n');
    expect(twinProblems(fixtureChapter, fixture.root), 'an extra export, a stub alone').toEqual([
      'chapters/01-counter/counter.ts does not export extra (the solution does)',
      'chapters/01-counter/helper.ts has no solution twin: solutions/01-counter/helper.ts is missing',
    ]);
  });

  test('every describe is a lesson section, and every lesson has the required ones', () => {
    fixture.write('chapters/01-counter/README.md', '# The counter\n\n## What you will build\n');
    expect(lessonProblems(fixtureChapter, solutionRun(), fixture.root), 'a short lesson').toEqual([
      'chapters/01-counter/README.md has no "## In Kubernetes" section (every lesson needs one)',
      'chapters/01-counter/README.md has no "## Certification notes" section (every lesson needs one)',
      'chapters/01-counter/README.md has no "## Try it" section (every lesson needs one)',
      'chapters/01-counter/README.md has no "## Review questions" section (every lesson needs one)',
      'chapters/01-counter/01-counting.test.ts: its describe "Counting" is not a "## Counting" section of chapters/01-counter/README.md',
    ]);
  });

  test('a test file needs exactly one top-level describe', () => {
    const run = solutionRun({ topLevelSuites: ['Counting'], topLevelTests: ['stray'] });
    expect(lessonProblems(fixtureChapter, run, fixture.root), 'a stray top-level test').toEqual([
      'chapters/01-counter/01-counting.test.ts has 1 top-level describe blocks and 1 top-level tests; it needs exactly one describe, named after its lesson section',
    ]);
  });

  test('a hint must name a test that exists', () => {
    const chapter = { ...fixtureChapter, hints: { 'Counting > a test nobody wrote': 'hint' } };
    expect(lessonProblems(chapter, solutionRun(), fixture.root), 'a hint for no test').toEqual([
      'the hint for "Counting > a test nobody wrote" names no test of chapter 01',
    ]);
  });

  test('the harness reaches solutions/ only through the implementation loader', () => {
    expect(solutionImportProblems(), 'imports of solutions/ in harness/').toEqual([]);
    fixture.write(
      'harness/bench/direct.ts',
      [
        "import { toolkit } from '../../solutions/04-client/index.ts';",
        "export type Module = typeof import('../../solutions/05-scheduler/scheduler.ts');",
        "export const later = () => import('../../solutions/06-kubelet/kubelet.ts');",
        "import { rfc3339 } from '../clock.ts';",
      ].join('\n'),
    );
    fixture.write(
      implementationLoader,
      "export const m = import('../../solutions/01-counter/counter.ts');",
    );
    fixture.write(
      'harness/bench/direct.test.ts',
      "import '../../solutions/01-counter/counter.ts';",
    );
    const imported = (file: string) =>
      `harness/bench/direct.ts imports ../../solutions/${file}: the harness reaches solutions/ ` +
      `only through ${implementationLoader} (loadModule, loadReference)`;
    expect(solutionImportProblems(fixture.root), 'the loader and tests aside').toEqual([
      imported('04-client/index.ts'),
      imported('05-scheduler/scheduler.ts'),
      imported('06-kubelet/kubelet.ts'),
    ]);
  });

  test('uncovered lines are shown as ranges', () => {
    expect(lineRanges([3, 4, 5, 9, 12, 13]), 'lines 3, 4, 5, 9, 12, 13').toBe('3-5, 9, 12-13');
    expect(lineRanges([]), 'no lines').toBe('');
  });
});
