// Runs tests through Vitest's Node API and answers with plain results the CLI can print and count.
//
// A *target* says which code a chapter's tests exercise: `chapters` (the learner's), `solutions`
// (the reference) or an absolute directory (the pristine stubs). The kata target plugin in
// vitest.config.ts reads KATA_TARGET when the configuration loads, and a few tests read it too
// (chapter 02 starts its own server process), so the runner sets it for the length of one run.
//
// Results come back in the order a learner works: test files by name, tests in the order written.
import path from 'node:path';
import { createVitest, type Reporter, type TestCase, type TestModule } from 'vitest/node';
import type { Chapter } from '../../course.ts';
import { folderOf } from '../../course.ts';
import { repoRoot } from '../../paths.ts';
import { shown, stripColour } from '../output.ts';

export type TestState = 'passed' | 'failed' | 'skipped';

export interface TestFailure {
  /** The assertion's message, including the description the test gave it. */
  message: string;
  /** Expected against received, as "- Expected / + Received" lines, when the assertion has one. */
  diff?: string;
  /** Where in the test file it failed: "chapters/01-store/01-revisions.test.ts:27". */
  location?: string;
  /** Where it was thrown, when that is in the chapter's own code: "chapters/01-store/store.ts:77". */
  thrownAt?: string;
  stack?: string;
}

export interface TestResult {
  /** The chapter folder the test belongs to ("01-store"), or undefined for harness tests. */
  chapter?: string;
  /** The test file, relative to the repository: "chapters/01-store/01-revisions.test.ts". */
  file: string;
  /** The file's top-level `describe`: the lesson section the test belongs to. */
  section: string;
  name: string;
  /** "Section > test name", through any nested describes: the key of the test's hint. */
  fullName: string;
  state: TestState;
  failure?: TestFailure;
  /** What the test printed with console.log and friends. */
  logs: string[];
}

/** One test file: its top-level blocks (the integrity check wants exactly one `describe`). */
export interface FileResult {
  file: string;
  chapter?: string;
  topLevelSuites: string[];
  topLevelTests: string[];
  /** Set when the file could not run at all: a syntax error, an import that does not exist. */
  error?: string;
  logs: string[];
  /** How long its tests and hooks took, all together. */
  milliseconds: number;
}

export interface FileCoverage {
  file: string;
  lines: number;
  covered: number;
  uncoveredLines: number[];
}

export interface RunResult {
  target: string;
  files: FileResult[];
  tests: TestResult[];
  /** Errors raised outside any test (an unhandled rejection in a timer, a crashed worker). */
  errors: string[];
  coverage?: FileCoverage[];
  milliseconds: number;
}

export interface RunRequest {
  /** `chapters`, `solutions` or an absolute directory holding NN-slug folders. */
  target: string;
  /** Repository-relative folders or files whose tests to run: ["chapters/01-store/"]. */
  paths: string[];
  /** Measure line coverage of these globs and write an HTML report to `reportsDirectory`. */
  coverage?: { include: string[]; reportsDirectory: string };
  /** Run only these tests, by full name ("Section > test"): one stage's. */
  only?: string[];
  /** How many test files at once (Vitest's default: one fewer than the cores). */
  workers?: number;
}

/**
 * A pattern Vitest matches against its "Section test" names, choosing exactly the tests named.
 * Vitest joins describe and test names with a space; a name may itself hold " > ", so each " > "
 * of a full name matches either.
 */
export function namePattern(fullNames: string[]): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const one = (name: string) => name.split(' > ').map(escape).join('(?: | > )');
  return new RegExp(`^(?:${fullNames.map(one).join('|')})$`);
}

/** The folder of a chapter's tests, as a path filter for the runner. */
export function chapterTestPath(chapter: Chapter): string {
  return `chapters/${folderOf(chapter)}/`;
}

// Threads without per-file isolation start in a fraction of the time of the default forks: the
// difference between a one-second and a three-second feedback loop. Each test builds its own
// store or server, so files do not share state through the modules they import.
const speed = { pool: 'threads', isolate: false } as const;

export async function runTests(request: RunRequest): Promise<RunResult> {
  const started = performance.now();
  const logs = new Map<string, string[]>();
  let coverageMap: CoverageMap | undefined;
  const collector: Reporter = {
    onUserConsoleLog(log) {
      const key = log.taskId ?? '';
      logs.set(key, [...(logs.get(key) ?? []), log.content]);
    },
    onCoverage(coverage) {
      coverageMap = coverage as CoverageMap;
    },
  };

  const previousTarget = process.env.KATA_TARGET;
  const previousExitCode = process.exitCode;
  process.env.KATA_TARGET = request.target;
  try {
    const vitest = await createVitest('test', {
      root: repoRoot,
      config: path.join(repoRoot, 'vitest.config.ts'),
      watch: false,
      reporters: [collector],
      ...speed,
      ...(request.workers && { maxWorkers: request.workers }),
      ...(request.only && { testNamePattern: namePattern(request.only) }),
      ...(request.coverage && {
        coverage: {
          enabled: true,
          provider: 'v8',
          include: request.coverage.include,
          reportsDirectory: request.coverage.reportsDirectory,
          reporter: [
            ['html', {}],
            ['json-summary', {}],
          ],
          clean: true,
        },
      }),
    });
    try {
      await vitest.start(request.paths).catch((error: { code?: string }) => {
        // No test file matched: an empty result, which the caller reports in its own words.
        if (error.code !== 'VITEST_FILES_NOT_FOUND') throw error;
      });
      const modules = [...vitest.state.getTestModules()].sort((a, b) =>
        a.moduleId < b.moduleId ? -1 : 1,
      );
      return {
        target: request.target,
        files: modules.map((module) => fileResult(module, logs)),
        tests: modules
          .flatMap((module) =>
            [...module.children.allTests()].map((test) => testResult(test, logs)),
          )
          .filter((test) => !request.only || request.only.includes(test.fullName)),
        errors: vitest.state.getUnhandledErrors().map(describeUnknownError),
        coverage: coverageMap && coverageOf(coverageMap),
        milliseconds: Math.round(performance.now() - started),
      };
    } finally {
      await vitest.close();
    }
  } finally {
    if (previousTarget === undefined) delete process.env.KATA_TARGET;
    else process.env.KATA_TARGET = previousTarget;
    // Vitest marks the process as failed when a test fails; the CLI decides its own exit code.
    process.exitCode = previousExitCode;
  }
}

/** "chapters/01-store/01-revisions.test.ts" → "01-store"; harness tests have no chapter. */
function chapterOf(file: string): string | undefined {
  const match = /^chapters\/([^/]+)\//.exec(file);
  return match?.[1];
}

function fileResult(module: TestModule, logs: Map<string, string[]>): FileResult {
  const file = shown(module.moduleId);
  const children = [...module.children];
  const errors = module.errors();
  return {
    file,
    chapter: chapterOf(file),
    topLevelSuites: children.filter((child) => child.type === 'suite').map((child) => child.name),
    topLevelTests: children.filter((child) => child.type === 'test').map((child) => child.name),
    error: errors.length
      ? errors.map((error) => stripColour(error.message).trim()).join('\n')
      : undefined,
    logs: logs.get(module.id) ?? [],
    milliseconds: Math.round(module.diagnostic().duration),
  };
}

function testResult(test: TestCase, logs: Map<string, string[]>): TestResult {
  const file = shown(test.module.moduleId);
  const result = test.result();
  // A test that never ran because its file failed, or was filtered, counts as not passing.
  const state: TestState =
    result.state === 'passed' ? 'passed' : result.state === 'skipped' ? 'skipped' : 'failed';
  let section = test.name;
  for (let parent = test.parent; parent.type === 'suite'; parent = parent.parent) {
    section = parent.name;
  }
  const error = result.state === 'failed' ? result.errors[0] : undefined;
  return {
    chapter: chapterOf(file),
    file,
    section,
    name: test.name,
    fullName: test.fullName,
    state,
    failure: error
      ? failureOf(error, file)
      : state === 'failed'
        ? { message: 'did not run' }
        : undefined,
    logs: logs.get(test.id) ?? [],
  };
}

interface SerializedTestError {
  message: string;
  diff?: string;
  stack?: string;
  stacks?: { file: string; line: number; column: number }[];
}

function failureOf(error: SerializedTestError, testFile: string): TestFailure {
  const frames = (error.stacks ?? []).map((frame) => ({ ...frame, file: shown(frame.file) }));
  const inTest = frames.find((frame) => frame.file === testFile);
  // The top frame is worth showing when it is the learner's code, not the test or a library.
  const top = frames[0];
  const thrownInCode =
    top &&
    top.file !== testFile &&
    !top.file.startsWith('..') &&
    !top.file.includes('node_modules/');
  return {
    message: stripColour(error.message),
    diff: error.diff ? stripColour(error.diff) : undefined,
    location: inTest && `${inTest.file}:${inTest.line}`,
    thrownAt: thrownInCode ? `${top.file}:${top.line}` : undefined,
    stack: error.stack,
  };
}

function describeUnknownError(error: unknown): string {
  if (error && typeof error === 'object' && 'message' in error) {
    return stripColour(String((error as { message: unknown }).message)).trim();
  }
  return String(error);
}

/** The little of istanbul's CoverageMap that the runner reads. */
interface CoverageMap {
  files(): string[];
  fileCoverageFor(file: string): {
    getLineCoverage(): Record<string, number>;
    getUncoveredLines(): Array<number | string>;
  };
}

function coverageOf(map: CoverageMap): FileCoverage[] {
  return map
    .files()
    .sort()
    .map((file) => {
      const fileCoverage = map.fileCoverageFor(file);
      const hits = Object.values(fileCoverage.getLineCoverage());
      return {
        file: shown(file),
        lines: hits.length,
        covered: hits.filter((count) => count > 0).length,
        uncoveredLines: fileCoverage.getUncoveredLines().map(Number),
      };
    });
}
