// What a learner reads after a run: the steps that pass, ticked; the first one that does not, with
// what was expected and what came back, its hint and the lesson section that explains it; the rest
// in one line per section. Pure functions from results to text, so they can be tested on their own.
import type { Chapter } from '../../course.ts';
import { folderOf } from '../../course.ts';
import { sectionReference } from '../course/lesson.ts';
import { indent, type Paint, plural, symbols } from '../output.ts';
import type { FileResult, RunResult, TestResult } from '../course/runner.ts';

/** A run counted the way the learner sees it. */
export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  /** Tests that count: passing and failing ones. Skipped tests (a missing etcd) do not. */
  total: number;
  /** Test files that could not run at all. */
  brokenFiles: FileResult[];
  /** The learner's next step: the first failing test in file and definition order. */
  firstFailure?: TestResult;
  done: boolean;
}

export function tally(run: RunResult): Tally {
  const count = (state: TestResult['state']) => run.tests.filter((t) => t.state === state).length;
  const passed = count('passed');
  const failed = count('failed');
  const brokenFiles = run.files.filter((file) => file.error);
  return {
    passed,
    failed,
    skipped: count('skipped'),
    total: passed + failed,
    brokenFiles,
    firstFailure: run.tests.find((test) => test.state === 'failed'),
    done: passed > 0 && failed === 0 && brokenFiles.length === 0 && run.errors.length === 0,
  };
}

/** "12 of 85 tests passing", "done (85 tests)". */
export function progressLine(passed: number, total: number, done: boolean): string {
  return done ? `done (${plural(total, 'test')})` : `${passed} of ${plural(total, 'test')} passing`;
}

/** The next step for a failing test: its hint, if the course has one, and where to read. */
export function nextStep(chapter: Chapter, test: TestResult, colour: Paint): string[] {
  const hint = chapter.hints[test.fullName];
  return [
    ...(hint ? [`${colour.bold('Hint:')} ${hint}`] : []),
    `${colour.bold('Read:')} ${sectionReference(folderOf(chapter), test.section)}`,
  ];
}

/** Colours an expected/received diff the way Vitest does: expected green, received red. */
function colourDiff(diff: string, colour: Paint): string {
  return diff
    .split('\n')
    .map((line) =>
      line.startsWith('-')
        ? colour.green(line)
        : line.startsWith('+')
          ? colour.red(line)
          : line.startsWith('@@')
            ? colour.dim(line)
            : line,
    )
    .join('\n');
}

/** The whole story of one failing test, ready to act on. */
export function failureDetail(chapter: Chapter, test: TestResult, colour: Paint): string {
  const failure = test.failure ?? { message: 'failed' };
  const lines = [colour.red(colour.bold(`${symbols.fail} ${test.fullName}`))];
  if (failure.location) lines.push(`  at ${failure.location}`);
  lines.push('', indent(failure.message, 2));
  if (failure.diff) lines.push('', indent(colourDiff(failure.diff, colour), 2));
  if (failure.thrownAt) lines.push('', `  thrown at ${failure.thrownAt}`);
  if (test.logs.length) {
    lines.push('', '  What the test printed:', indent(test.logs.join('').trimEnd(), 4));
  }
  lines.push('', ...nextStep(chapter, test, colour).map((line) => `  ${line}`));
  return lines.join('\n');
}

function brokenFileDetail(file: FileResult, colour: Paint): string {
  return [
    colour.red(colour.bold(`${symbols.fail} ${file.file} could not run`)),
    '',
    indent(file.error ?? '', 2),
  ].join('\n');
}

/**
 * The report of `kata test`: per section, the passing tests ticked and the failing ones counted;
 * then the first failure in full, and the closing count.
 */
export function formatRun(chapter: Chapter, run: RunResult, colour: Paint): string {
  const counts = tally(run);
  const out: string[] = [];
  const sections = [...new Set(run.tests.map((test) => test.section))];
  for (const section of sections) {
    const tests = run.tests.filter((test) => test.section === section);
    const passing = tests.filter((test) => test.state === 'passed').length;
    out.push(`${colour.bold(section)}  ${colour.dim(`${passing} of ${tests.length}`)}`);
    let notShown = 0;
    let shownCount = 0;
    for (const test of tests) {
      if (test.state !== 'failed' || test === counts.firstFailure) shownCount += 1;
      if (test.state === 'passed') out.push(`  ${colour.green(symbols.pass)} ${test.name}`);
      else if (test === counts.firstFailure) out.push(`  ${colour.red(symbols.fail)} ${test.name}`);
      else if (test.state === 'skipped')
        out.push(`  ${colour.dim(`${symbols.skip} ${test.name} (skipped)`)}`);
      else notShown += 1;
    }
    const more = shownCount ? ' more' : '';
    if (notShown) out.push(colour.dim(`  ${symbols.rest} ${notShown}${more} not passing yet`));
  }
  for (const file of counts.brokenFiles) out.push('', brokenFileDetail(file, colour));
  for (const error of run.errors)
    out.push('', colour.red(`${symbols.fail} outside any test: ${error}`));
  if (counts.firstFailure) out.push('', failureDetail(chapter, counts.firstFailure, colour));
  out.push('', closingLine(counts, colour));
  return out.join('\n');
}

function closingLine(counts: Tally, colour: Paint): string {
  const skipped = counts.skipped ? `, ${counts.skipped} skipped` : '';
  if (counts.done) {
    return colour.green(`${symbols.pass} all ${plural(counts.total, 'test')} pass${skipped}`);
  }
  const broken = counts.brokenFiles.length
    ? `, ${plural(counts.brokenFiles.length, 'test file')} could not run`
    : '';
  return `${counts.passed} of ${plural(counts.total, 'test')} passing${broken}${skipped}`;
}
