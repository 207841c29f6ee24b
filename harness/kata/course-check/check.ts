// `kata check`, which is `npm test`: the repository's own checks, in one command.
//
//   a. types: tsc --noEmit -p .
//   b. format: prettier --check .
//   c. for each chapter: every test passes on solutions/, whose lines the tests cover at least
//      90%; and every test fails on the pristine stubs (bar the manifest's listed exceptions)
//   d. structure: folders and manifest agree, stubs have twins, lessons have their sections,
//      hints name real tests; the chapter's anatomy (anatomy.ts): stages that cut its tests and
//      that each pass on the reference up to them, a hint for every test, a message on every
//      expect, at most 15 logic lines a test, a lesson with its diagram, links and answers
//   e. the harness's own tests, in a child process started before step c (./harness-child.ts):
//      its end-to-end suites mostly wait on their clusters while the chapters keep the cores busy
//   f. the documentation: links, commands in the guides, the certification map (docs-check.ts)
//
// Each check prints one line as it finishes, with the details of a failure below it, and the last
// line is exactly "N passed, N failed": CI reads it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { course as manifest, folderOf, type Chapter } from '../../course.ts';
import { repoRoot } from '../../paths.ts';
import { indent, type Paint, plural, symbols } from '../output.ts';
import {
  drift,
  driftCount,
  hashTree,
  materialise,
  readPristine,
  type PristineRecord,
} from '../course/pristine.ts';
import { stateDir } from '../../progress.ts';
import { chapterTestPath, runTests, type RunResult, type TestResult } from '../course/runner.ts';
import { runInChild } from './in-child.ts';
import { folderProblems, lessonProblems, twinProblems } from './structure.ts';
import {
  hintProblems,
  lessonAnatomyProblems,
  messageProblems,
  sittingProblems,
  stageProblems,
} from './anatomy.ts';
import { writeCaughtUpStubs } from '../learn/catch-up.ts';
import { chapterFigures, maxLogicLinesPerTest } from '../course/stages.ts';

export const coverageThreshold = 90;

/** Prints each check as it finishes and counts them. */
class Checklist {
  passed = 0;
  failed = 0;
  private colour: Paint;

  constructor(colour: Paint) {
    this.colour = colour;
  }

  step(title: string) {
    console.log(`\n${this.colour.bold(title)}`);
  }

  record(name: string, problems: string[], note = '') {
    const ok = problems.length === 0;
    if (ok) this.passed += 1;
    else this.failed += 1;
    const mark = ok ? this.colour.green(symbols.pass) : this.colour.red(symbols.fail);
    console.log(`  ${mark} ${name}${note ? this.colour.dim(`  ${note}`) : ''}`);
    const shown = problems.slice(0, 20);
    for (const problem of shown) console.log(indent(problem, 6));
    if (problems.length > shown.length) console.log(`      ... and ${problems.length - 20} more`);
  }

  /** Counts checks that ran elsewhere (a chapter checked in a child process). */
  add(passed: number, failed: number) {
    this.passed += passed;
    this.failed += failed;
  }

  warn(line: string) {
    console.log(`  ${this.colour.yellow('!')} ${line}`);
  }
}

const require = createRequire(import.meta.url);

/** Runs a Node program from node_modules and collects its output. */
function runProgram(bin: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [require.resolve(bin), ...args], { cwd: repoRoot });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
    child.on('error', (error) => resolve({ code: 1, output: error.message }));
  });
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)}s`;
}

function isCI(env = process.env): boolean {
  return Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
}

/** "3-5, 9, 12-13": a file's uncovered lines, shortened to ranges. */
export function lineRanges(lines: number[]): string {
  const ranges: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j += 1;
    ranges.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return ranges.join(', ');
}

function failures(tests: TestResult[]): string[] {
  return tests.map(
    (test) => `${test.fullName}: ${test.failure?.message.split('\n')[0] ?? 'failed'}`,
  );
}

function brokenFiles(run: RunResult): string[] {
  return [
    ...run.files
      .filter((file) => file.error)
      .map((file) => `${file.file} could not run: ${file.error!.split('\n')[0]}`),
    ...run.errors.map((error) => `outside any test: ${error.split('\n')[0]}`),
  ];
}

/** c, first half: the solutions pass every test, with enough of their lines covered. */
async function checkSolutions(
  chapter: Chapter,
  list: Checklist,
  showTable: boolean,
): Promise<RunResult> {
  const folder = folderOf(chapter);
  const started = performance.now();
  const reportsDirectory = path.join(repoRoot, 'coverage', folder);
  const run = await runTests({
    target: 'solutions',
    paths: [chapterTestPath(chapter)],
    coverage: { include: [`solutions/${folder}/**`], reportsDirectory },
  });
  const failing = run.tests.filter((test) => test.state === 'failed');
  const skipped = run.tests.filter((test) => test.state === 'skipped').length;
  const problems = [...brokenFiles(run), ...failures(failing)];
  if (run.tests.length === 0) problems.push(`no tests ran in ${chapterTestPath(chapter)}`);
  const passedCount = run.tests.length - failing.length - skipped;
  list.record(
    `${chapter.id} every test passes on solutions/${folder}`,
    problems,
    `${passedCount} passed${skipped ? `, ${skipped} skipped` : ''}, ${seconds(started)}`,
  );

  const files = run.coverage ?? [];
  const lines = files.reduce((sum, file) => sum + file.lines, 0);
  const covered = files.reduce((sum, file) => sum + file.covered, 0);
  const percent = lines ? (100 * covered) / lines : 0;
  const report = `${path.relative(repoRoot, reportsDirectory)}/index.html`;
  const coverageProblems =
    percent >= coverageThreshold
      ? []
      : [
          `${percent.toFixed(1)}% of ${lines} lines, below ${coverageThreshold}%; lines no test reaches:`,
          ...files
            .filter((file) => file.uncoveredLines.length)
            .map((file) => `  ${file.file}: ${lineRanges(file.uncoveredLines)}`),
          `report: ${report}`,
        ];
  list.record(
    `${chapter.id} tests cover at least ${coverageThreshold}% of the solution's lines`,
    coverageProblems,
    `${percent.toFixed(1)}% of ${lines} lines`,
  );
  if (showTable) {
    for (const file of files) {
      const filePercent = file.lines ? (100 * file.covered) / file.lines : 100;
      const uncovered = file.uncoveredLines.length
        ? `  uncovered: ${lineRanges(file.uncoveredLines)}`
        : '';
      console.log(`      ${filePercent.toFixed(1).padStart(5)}%  ${file.file}${uncovered}`);
    }
    console.log(`      report: ${report}`);
  }
  return run;
}

/** Where the pristine stubs are written for the tests to run against. */
const pristineDir = path.join(stateDir, 'pristine');

/**
 * c, second half: on the pristine stubs every test fails, except those listed with a reason.
 * Answers whether the stubs could be written out (to .kata/pristine/NN-slug/).
 */
async function checkStubs(
  chapter: Chapter,
  record: PristineRecord,
  list: Checklist,
): Promise<boolean> {
  const folder = folderOf(chapter);
  const started = performance.now();
  const name = `${chapter.id} every test fails on the pristine stubs`;
  try {
    materialise(folder, record, pristineDir);
  } catch (error) {
    list.record(name, [(error as Error).message]);
    return false;
  }
  const run = await runTests({ target: pristineDir, paths: [chapterTestPath(chapter)] });
  const allowed = chapter.passOnStubs ?? {};
  const passing = run.tests.filter(
    (test) => test.state === 'passed' && !(test.fullName in allowed),
  );
  const problems = [
    ...brokenFiles(run).map((line) => `the stubs do not load: ${line}`),
    ...passing.map((test) => `${test.fullName} passes on the stubs, so it checks nothing`),
  ];
  const needless = Object.keys(allowed).filter((fullName) =>
    run.tests.some((test) => test.fullName === fullName && test.state !== 'passed'),
  );
  list.record(name, problems, `${run.tests.length} tests, ${seconds(started)}`);
  for (const fullName of needless) {
    list.warn(`"${fullName}" is listed in passOnStubs but fails on the stubs; the entry can go`);
  }
  return true;
}

async function checkChapter(
  chapter: Chapter,
  record: PristineRecord,
  list: Checklist,
  withStructure: boolean,
  showTable: boolean,
) {
  list.step(`${withStructure ? 'c, d' : 'c'}. Chapter ${chapter.id}: ${chapter.title}`);
  const run = await checkSolutions(chapter, list, showTable);
  await checkStubs(chapter, record, list);
  if (withStructure) {
    list.record(
      `${chapter.id} every stub has a solution twin with the same exports`,
      twinProblems(chapter),
    );
    list.record(
      `${chapter.id} the lesson, test files and hints agree`,
      lessonProblems(chapter, run),
    );
    const stages = [...stageProblems(chapter), ...sittingProblems(chapter)];
    list.record(
      `${chapter.id} stages cut the tests, each a sitting, at most ${maxLogicLinesPerTest} logic lines a test`,
      stages,
    );
    if (stages.length === 0) await checkCaughtUp(chapter, list);
    list.record(`${chapter.id} every test has a hint and every expect a message`, [
      ...hintProblems(chapter),
      ...messageProblems(chapter),
    ]);
    list.record(
      `${chapter.id} the lesson has its diagram, links to the real thing and review answers`,
      lessonAnatomyProblems(chapter),
    );
  }
}

/** Where each stage's caught-up stubs are written for its tests to run against. */
const caughtUpDir = path.join(stateDir, 'caught-up');

/**
 * Each stage passes with the reference for it and the stages before it, and stubs for the rest:
 * what `kata catch-up` leaves a learner. A failure means the stage needs a function that a later
 * stage lists, or that no stage lists where it is first needed.
 */
async function checkCaughtUp(chapter: Chapter, list: Checklist): Promise<void> {
  const started = performance.now();
  const problems: string[] = [];
  for (const stage of chapterFigures(chapter).stages) {
    writeCaughtUpStubs(chapter, stage.number + 1, caughtUpDir);
    const only = stage.tests.map((test) => test.fullName);
    // Only the files holding the stage's tests: loading the chapter's other files costs a run
    // more than the stage's few tests do.
    const paths = [...new Set(stage.tests.map((test) => test.file))];
    const run = await runTests({ target: caughtUpDir, paths, only });
    const failing = run.tests.filter((test) => test.state === 'failed');
    problems.push(
      ...brokenFiles(run).map((line) => `stage ${stage.id}: ${line}`),
      ...failing.map(
        (test) =>
          `stage ${stage.id}, with the reference up to it: ${test.fullName}: ${test.failure?.message.split('\n')[0] ?? 'failed'} (list what it needs in the stage's functions)`,
      ),
    );
  }
  list.record(
    `${chapter.id} each stage passes on the reference for it and the stages before (catch-up)`,
    problems,
    seconds(started),
  );
}

/**
 * The pristine record must describe chapters/. In CI a difference is an author's mistake; in a
 * learner's clone it is their work in progress, and the recorded stubs are used as they are.
 */
function checkFreshness(record: PristineRecord, list: Checklist): void {
  const difference = drift(record, hashTree('chapters'));
  const count = driftCount(difference);
  if (count === 0) {
    list.record('harness/pristine.json matches chapters/', []);
    return;
  }
  const detail = [
    ...difference.changed.map((file) => `changed: ${file}`),
    ...difference.added.map((file) => `not recorded: ${file}`),
    ...difference.missing.map((file) => `missing: ${file}`),
  ];
  if (isCI()) {
    list.record('harness/pristine.json matches chapters/', [
      'pristine.json is stale: run npm run pristine',
      ...detail,
    ]);
  } else {
    list.warn(
      `${plural(count, 'file')} under chapters/ ${count === 1 ? 'differs' : 'differ'} from harness/pristine.json (your work in progress?); checking against the recorded stubs`,
    );
  }
}

/** The last line of every `kata check`: "N passed, N failed". */
const countsLine = /^(\d+) passed, (\d+) failed$/;

/** `kata check NN` in a child process: its output, and its counts from its last line. */
async function checkInChild(
  chapter: Chapter,
  colour: boolean,
): Promise<{ output: string; passed: number; failed: number }> {
  const kata = path.join(repoRoot, 'harness', 'bin', 'kata.mjs');
  const env = { ...process.env, ...(colour && { FORCE_COLOR: '1' }) };
  const { code, output } = await runInChild([kata, 'check', chapter.id], env);
  const lines = output.trimEnd().split('\n');
  const counts = countsLine.exec(lines.at(-1) ?? '');
  if (!counts) {
    const reason = `kata check ${chapter.id} ended (exit code ${code}) without its counts`;
    return { output: `${output}\n  ${reason}`, passed: 0, failed: 1 };
  }
  // The child's own timing line gives way to the whole run's (ANSI codes aside, "in 39.1s").
  const plainText = (line: string) => line.replace(/\u001b\[\d+m/g, '').trim();
  const body = lines.slice(0, -1);
  while (body.length && /^(in \d.*)?$/.test(plainText(body.at(-1)!))) body.pop();
  return { output: body.join('\n'), passed: Number(counts[1]), failed: Number(counts[2]) };
}

/**
 * Steps c and d for many chapters, `concurrency` at a time, each in a child process of its own (one
 * chapter's tests keep about one core busy; on a machine with two, two chapters take little longer
 * than one). Each chapter's lines are printed whole and in course order; chapters write to folders
 * of their own (.kata/pristine/NN-slug, .kata/caught-up/NN-slug, coverage/NN-slug), so they do not
 * meet.
 */
async function checkChaptersAlongside(
  chapters: Chapter[],
  list: Checklist,
  concurrency: number,
  colour: boolean,
): Promise<void> {
  const results = new Array<ReturnType<typeof checkInChild> | undefined>(chapters.length);
  let next = 0;
  const startNext = () => {
    if (next < chapters.length) results[next] = checkInChild(chapters[next++]!, colour);
  };
  for (let i = 0; i < concurrency; i += 1) startNext();
  for (let i = 0; i < chapters.length; i += 1) {
    const result = await results[i]!;
    startNext();
    console.log(result.output.replace(/^\n+/, '\n'));
    list.add(result.passed, result.failed);
  }
}

/** How many chapter checks run at once: one per core, at most two (the tests use the rest). */
export function chapterConcurrency(cores = os.availableParallelism()): number {
  return Math.max(1, Math.min(2, cores));
}

/**
 * How many harness test files run at once. Its end-to-end suites spend most of their time waiting
 * on their clusters (about a quarter of two cores busy), and each has node addresses, a Service
 * range and a data directory of its own (suiteNodeIndexBase), so two run side by side even on two
 * cores, where Vitest would run one.
 */
export function harnessWorkers(cores = os.availableParallelism()): number {
  return Math.max(2, cores - 1);
}

/** The three files that took longest, for whoever watches CI's time: "drills 150s, …". */
function slowestFiles(run: RunResult): string {
  return [...run.files]
    .sort((a, b) => b.milliseconds - a.milliseconds)
    .slice(0, 3)
    .map(
      (file) => `${path.basename(file.file, '.test.ts')} ${(file.milliseconds / 1000).toFixed(0)}s`,
    )
    .join(', ');
}

/** Step e: every test under harness/, `harnessWorkers()` files at a time, and how long it took. */
export async function runHarness() {
  const started = performance.now();
  const run = await runTests({
    target: 'chapters',
    paths: ['harness/'],
    workers: harnessWorkers(),
  });
  return { run, took: seconds(started) };
}

/** What step e has to say: its failures (none when it passed) and its summary. */
interface HarnessOutcome {
  problems: string[];
  note: string;
}

/** Step e in a child process of its own (./harness-child.ts), started now and read when it ends. */
async function runHarnessInChild(): Promise<HarnessOutcome> {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'kata-check-harness-'));
  const resultFile = path.join(folder, 'result.json');
  const script = path.join(repoRoot, 'harness', 'kata', 'course-check', 'harness-child.ts');
  try {
    const { code, output } = await runInChild(['--import', 'tsx', script, resultFile], process.env);
    if (!existsSync(resultFile)) {
      const last = output.trimEnd().split('\n').slice(-20);
      return {
        problems: [`the harness run ended (exit code ${code}) without its results`, ...last],
        note: '',
      };
    }
    const { run, took } = JSON.parse(readFileSync(resultFile, 'utf8')) as {
      run: RunResult;
      took: string;
    };
    const failing = run.tests.filter((test) => test.state === 'failed');
    return {
      problems: [...brokenFiles(run), ...failures(failing)],
      note: `${run.tests.length} tests, ${took}; slowest: ${slowestFiles(run)}`,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export interface CheckOptions {
  /** Only these chapters in steps c and d (default: every chapter). */
  chapters: Chapter[];
  only?: 'coverage';
  colour: Paint;
}

export async function check(options: CheckOptions): Promise<number> {
  const list = new Checklist(options.colour);
  const started = performance.now();
  const chapters = options.chapters.length ? options.chapters : manifest;
  const record = readPristine();
  // Naming chapters narrows the run to their steps c and d; the repository-wide steps need none.
  const whole = options.only === undefined && options.chapters.length === 0;
  const withStructure = options.only === undefined;

  if (whole) {
    list.step('a, b. Types and format');
    const [types, format] = await Promise.all([
      runProgram('typescript/bin/tsc', ['--noEmit', '-p', '.']),
      runProgram('prettier/bin/prettier.cjs', ['--check', '.']),
    ]);
    const lines = (output: string) => output.trim().split('\n').filter(Boolean);
    list.record('a. types: tsc --noEmit -p .', types.code ? lines(types.output) : []);
    // Prettier lists each badly formatted file as "[warn] <file>", between two lines of chatter.
    const unformatted = lines(format.output)
      .filter((line) => line.startsWith('[warn] ') && !line.includes('Code style issues'))
      .map((line) => line.slice('[warn] '.length));
    list.record(
      'b. format: prettier --check .',
      format.code
        ? [
            ...(unformatted.length ? unformatted : lines(format.output)),
            'fix: npx prettier --write <file>',
          ]
        : [],
    );
    list.step('The pristine stubs');
    checkFreshness(record, list);
  }

  // Step e starts now, beside the chapters, and is reported in its place below.
  const harness = whole ? runHarnessInChild() : undefined;
  const concurrency = chapterConcurrency();
  if (whole && concurrency > 1) {
    await checkChaptersAlongside(chapters, list, concurrency, options.colour.bold('x') !== 'x');
  } else {
    for (const chapter of chapters) {
      await checkChapter(chapter, record, list, withStructure, options.only === 'coverage');
    }
  }

  if (whole) {
    list.step('d. Structure');
    list.record('chapter folders and the course manifest agree', folderProblems(manifest));
    list.step('e. The harness');
    const { problems, note } = await harness!;
    list.record('the harness tests pass', problems, note);
    list.step('f. The documentation');
    list.record(
      'links, commands and the certification map hold',
      (await import('./docs-check.ts')).documentationProblems(),
    );
  }

  console.log(options.colour.dim(`\nin ${seconds(started)}`));
  console.log(`${list.passed} passed, ${list.failed} failed`);
  return list.failed ? 1 : 0;
}
