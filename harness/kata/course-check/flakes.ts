// `kata check --repeat N [--load] [--harness] [NN...]`: the flake hunt.
//
// A test that passes once may still fail one run in thirty, on a slower laptop or a busy CI
// runner, and a learner who meets that failure cannot tell it from a mistake of their own. The hunt
// runs the chapters' tests against the reference N times in a row (with --harness, the harness's
// own tests too) and counts every test that failed even once. With --load it keeps every core busy
// for the whole hunt, so deadlines that only hold on an idle machine show themselves.
//
// What it prints: a line per round, then each test that failed at least once with how often and its
// first failure's message, then exactly "N passed, N failed" (test runs, all rounds) alone on the
// last line, as `kata check` does. Exit code 1 when anything failed.
import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import { course as manifest, type Chapter } from '../../course.ts';
import { indent, type Paint, plural, symbols, UsageError } from '../output.ts';
import type { RunResult } from '../course/runner.ts';

export interface HuntOptions {
  rounds: number;
  /** Keep every core busy while the tests run. */
  load: boolean;
  /** Run the harness's own tests too (slow: they include whole clusters of processes). */
  harness: boolean;
  /** The chapters whose tests to run; every chapter when none is named. */
  chapters: Chapter[];
}

/** The hunt's options from `kata check`'s flags; a bad count is a usage error (exit code 2). */
export function huntOptions(
  flags: Record<string, string | boolean | undefined>,
  chapters: Chapter[],
): HuntOptions {
  if (flags.only !== undefined) {
    throw new UsageError('--only and --repeat do not go together: --repeat runs the tests only');
  }
  const text = String(flags.repeat ?? '');
  const rounds = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(rounds >= 1)) {
    throw new UsageError(`--repeat takes a number of rounds, 1 or more, not "${text}"`);
  }
  return { rounds, load: flags.load === true, harness: flags.harness === true, chapters };
}

// ---------------------------------------------------------------------------------------------
// The tally: every round's results, folded into counts and the tests that failed at least once.

/** A test that failed at least once, and how the first failure read. */
export interface Flake {
  /** "chapters/08-deployments/02-rollout.test.ts > Rollout > a rollout ...": file and full name. */
  test: string;
  failures: number;
  firstRound: number;
  firstMessage: string;
}

export interface HuntTally {
  rounds: number;
  /** Test runs, over all rounds. Skipped tests (a missing etcd) count as neither. */
  passed: number;
  failed: number;
  /** By test, in the order they first failed. */
  flakes: Map<string, Flake>;
}

export interface RoundCount {
  round: number;
  passed: number;
  failed: number;
}

export function newTally(): HuntTally {
  return { rounds: 0, passed: 0, failed: 0, flakes: new Map() };
}

/** What failed in one run, as (test, message) pairs: failing tests, broken files, stray errors. */
function failuresOf(run: RunResult): Array<{ test: string; message: string }> {
  const tests = run.tests
    .filter((test) => test.state === 'failed')
    .map((test) => ({
      test: `${test.file} > ${test.fullName}`,
      message: firstLine(test.failure?.message ?? 'failed', test.failure?.location),
    }));
  const files = run.files
    .filter((file) => file.error)
    .map((file) => ({ test: `${file.file} (the file)`, message: firstLine(file.error!) }));
  // An error outside any test (a timer that fired after its test ended) belongs to no test name.
  const strays = run.errors.map((error) => ({
    test: 'outside any test',
    message: firstLine(error),
  }));
  const nothing =
    run.tests.length === 0 && files.length === 0
      ? [{ test: 'the whole run', message: `no tests ran in target ${run.target}` }]
      : [];
  return [...tests, ...files, ...strays, ...nothing];
}

function firstLine(message: string, location?: string): string {
  const line = message.trim().split('\n')[0] ?? '';
  return location ? `${line} (${location})` : line;
}

/** Folds one round's runs into the tally and answers that round's counts. */
export function recordRound(tally: HuntTally, runs: RunResult[]): RoundCount {
  tally.rounds += 1;
  const count: RoundCount = { round: tally.rounds, passed: 0, failed: 0 };
  for (const run of runs) {
    count.passed += run.tests.filter((test) => test.state === 'passed').length;
    for (const { test, message } of failuresOf(run)) {
      count.failed += 1;
      const flake = tally.flakes.get(test) ?? {
        test,
        failures: 0,
        firstRound: count.round,
        firstMessage: message,
      };
      flake.failures += 1;
      tally.flakes.set(test, flake);
    }
  }
  tally.passed += count.passed;
  tally.failed += count.failed;
  return count;
}

// ---------------------------------------------------------------------------------------------
// The report.

/** "round 2 of 5: 676 passed, 1 failed, 48.3s" */
export function roundLine(count: RoundCount, rounds: number, seconds: number): string {
  return `round ${count.round} of ${rounds}: ${count.passed} passed, ${count.failed} failed, ${seconds.toFixed(1)}s`;
}

/** The end of the hunt: each test that failed, most often first, then the closing count. */
export function huntReport(tally: HuntTally, load: boolean, colour: Paint): string {
  const conditions = load ? ' under load' : '';
  const lines: string[] = [];
  if (tally.flakes.size === 0) {
    lines.push(colour.green(`no test failed in ${plural(tally.rounds, 'round')}${conditions}`));
  } else {
    const flakes = [...tally.flakes.values()].sort((a, b) => b.failures - a.failures);
    lines.push(
      colour.red(
        `${plural(flakes.length, 'test')} failed at least once in ${plural(tally.rounds, 'round')}${conditions}:`,
      ),
    );
    for (const flake of flakes) {
      lines.push(`  ${colour.red(symbols.fail)} ${flake.test}`);
      lines.push(
        indent(
          `failed ${plural(flake.failures, 'time')} in ${plural(tally.rounds, 'round')}; first, in round ${flake.firstRound}: ${flake.firstMessage}`,
          6,
        ),
      );
    }
  }
  lines.push(`${tally.passed} passed, ${tally.failed} failed`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// The load: one busy child process per core, for as long as the hunt runs.

// Each child spins in slices of 50 ms and yields between them, so it hears its parent go away: when
// the hunt ends in any way, even killed outright, the IPC channel closes and the child exits.
const spinner = `
process.on('disconnect', () => process.exit(0));
const spin = () => { const until = Date.now() + 50; while (Date.now() < until); setImmediate(spin); };
spin();
`;

export interface Load {
  pids: number[];
  stop(): void;
}

export function startLoad(processes = os.availableParallelism()): Load {
  const children: ChildProcess[] = [];
  for (let i = 0; i < processes; i += 1) {
    children.push(
      spawn(process.execPath, ['-e', spinner], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }),
    );
  }
  const stop = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    process.off('exit', stop);
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  };
  const interrupted = (signal: NodeJS.Signals) => {
    stop();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('exit', stop);
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  return { pids: children.map((child) => child.pid!), stop };
}

// ---------------------------------------------------------------------------------------------
// The hunt.

async function runRound(options: HuntOptions): Promise<RunResult[]> {
  const { chapterTestPath, runTests } = await import('../course/runner.ts');
  const chapters = options.chapters.length ? options.chapters : manifest;
  const runs = [await runTests({ target: 'solutions', paths: chapters.map(chapterTestPath) })];
  // The harness's tests run on the learner's target, as `kata check` runs them.
  if (options.harness) runs.push(await runTests({ target: 'chapters', paths: ['harness/'] }));
  return runs;
}

function description(options: HuntOptions, load: Load | undefined): string {
  const chapters = options.chapters.length
    ? `${options.chapters.length === 1 ? 'chapter' : 'chapters'} ${options.chapters.map((chapter) => chapter.id).join(', ')}`
    : 'every chapter';
  const harness = options.harness ? " and the harness's tests" : '';
  const under = load
    ? `, under load (${plural(load.pids.length, 'busy process', 'busy processes')})`
    : '';
  return `Hunting flakes: ${chapters} on solutions/${harness}, ${plural(options.rounds, 'round')}${under}`;
}

export async function hunt(options: HuntOptions, colour: Paint): Promise<number> {
  const load = options.load ? startLoad() : undefined;
  try {
    console.log(colour.bold(description(options, load)));
    const tally = newTally();
    for (let round = 1; round <= options.rounds; round += 1) {
      const started = performance.now();
      const count = recordRound(tally, await runRound(options));
      const line = roundLine(count, options.rounds, (performance.now() - started) / 1000);
      console.log(count.failed ? colour.red(line) : line);
    }
    console.log(`\n${huntReport(tally, options.load, colour)}`);
    return tally.failed ? 1 : 0;
  } finally {
    load?.stop();
  }
}
