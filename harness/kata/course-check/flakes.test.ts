// The flake hunt's pure parts: its options, the tally over rounds and the report, plus the one
// promise its load makes: stopped, no busy process is left behind.
import { describe, expect, test } from 'vitest';
import { course } from '../../course.ts';
import { waitFor } from '../../testing/wait.ts';
import { parseCommandLine } from '../args.ts';
import { huntOptions, huntReport, newTally, recordRound, roundLine, startLoad } from './flakes.ts';
import { paint, UsageError } from '../output.ts';
import type { RunResult, TestResult } from '../course/runner.ts';

const plain = paint(false);
const file = 'chapters/01-counter/01-counting.test.ts';

function result(
  name: string,
  state: TestResult['state'],
  message = 'expected 1 to be 2',
): TestResult {
  return {
    chapter: '01-counter',
    file,
    section: 'Counting',
    name,
    fullName: `Counting > ${name}`,
    state,
    logs: [],
    ...(state === 'failed' && { failure: { message, location: `${file}:9` } }),
  };
}

function run(tests: TestResult[], errors: string[] = []): RunResult {
  const files = [
    {
      file,
      chapter: '01-counter',
      topLevelSuites: ['Counting'],
      topLevelTests: [],
      logs: [],
      milliseconds: 1,
    },
  ];
  return { target: 'solutions', files, tests, errors, milliseconds: 1 };
}

/** `kata check ...` as the hunt reads it. */
function options(...argv: string[]) {
  const request = parseCommandLine(['check', ...argv]);
  return huntOptions(request.flags, request.chapters);
}

function usageError(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    expect(error, 'the kind of error').toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error('accepted; a usage error was expected');
}

describe('The flake hunt', () => {
  test('--repeat N, --load, --harness and chapters are read from kata check', () => {
    expect(options('--repeat', '3', '--load', '05'), 'kata check --repeat 3 --load 05').toEqual({
      rounds: 3,
      load: true,
      harness: false,
      chapters: [course.find((chapter) => chapter.id === '05')],
    });
    expect(options('--repeat', '50', '--harness'), 'kata check --repeat 50 --harness').toEqual({
      rounds: 50,
      load: false,
      harness: true,
      chapters: [],
    });
  });

  test('a count of rounds that is not a whole number from 1 up is a usage error', () => {
    for (const count of ['0', 'three', '2.5', '']) {
      expect(
        usageError(() => options('--repeat', count)),
        `--repeat "${count}"`,
      ).toBe(`--repeat takes a number of rounds, 1 or more, not "${count}"`);
    }
  });

  test('--load and --harness without --repeat, or --only with it, are usage errors', () => {
    expect(
      usageError(() => parseCommandLine(['check', '--load'])),
      'kata check --load',
    ).toContain('--load and --harness go with --repeat N');
    expect(
      usageError(() => parseCommandLine(['check', '--harness'])),
      'kata check --harness',
    ).toContain('go with --repeat N');
    expect(
      usageError(() => options('--repeat', '2', '--only', 'coverage')),
      'kata check --repeat 2 --only coverage',
    ).toContain('--only and --repeat do not go together');
  });

  test('the tally counts test runs over rounds and keeps each failing test with its first failure', () => {
    const tally = newTally();
    const rounds = [
      [run([result('one', 'passed'), result('two', 'passed'), result('three', 'skipped')])],
      [run([result('one', 'passed'), result('two', 'failed', 'timed out after 10000 ms')])],
      [run([result('one', 'failed'), result('two', 'failed', 'expected 3 to be 4\n- Expected')])],
    ];
    const counts = rounds.map((runs) => recordRound(tally, runs));
    expect(counts, 'each round: passed and failed, skipped counted as neither').toEqual([
      { round: 1, passed: 2, failed: 0 },
      { round: 2, passed: 1, failed: 1 },
      { round: 3, passed: 0, failed: 2 },
    ]);
    expect([tally.rounds, tally.passed, tally.failed], 'rounds, passed, failed').toEqual([3, 3, 3]);
    expect(
      [...tally.flakes.values()],
      'the tests that failed, in the order they first did',
    ).toEqual([
      {
        test: `${file} > Counting > two`,
        failures: 2,
        firstRound: 2,
        firstMessage: `timed out after 10000 ms (${file}:9)`,
      },
      {
        test: `${file} > Counting > one`,
        failures: 1,
        firstRound: 3,
        firstMessage: `expected 1 to be 2 (${file}:9)`,
      },
    ]);
  });

  test('a file that cannot run, an error outside any test and an empty run all count as failures', () => {
    const tally = newTally();
    const broken = run([]);
    broken.files[0]!.error = 'Cannot find module ./counter.ts\n    at import';
    const count = recordRound(tally, [
      broken,
      run([result('one', 'passed')], ['a timer fired after its test ended']),
      { ...run([]), files: [] },
    ]);
    expect(count, 'the round').toEqual({ round: 1, passed: 1, failed: 3 });
    expect([...tally.flakes.keys()], 'what failed').toEqual([
      `${file} (the file)`,
      'outside any test',
      'the whole run',
    ]);
    expect(tally.flakes.get(`${file} (the file)`)!.firstMessage, 'first line only').toBe(
      'Cannot find module ./counter.ts',
    );
  });

  test('a round is one line: its number, its counts and how long it took', () => {
    expect(roundLine({ round: 2, passed: 676, failed: 1 }, 5, 48.26)).toBe(
      'round 2 of 5: 676 passed, 1 failed, 48.3s',
    );
  });

  test('a clean hunt says so and ends with exactly "N passed, 0 failed"', () => {
    const tally = newTally();
    for (let round = 0; round < 3; round += 1) recordRound(tally, [run([result('one', 'passed')])]);
    expect(huntReport(tally, true, plain).split('\n'), 'after 3 clean rounds under load').toEqual([
      'no test failed in 3 rounds under load',
      '3 passed, 0 failed',
    ]);
    expect(huntReport(tally, false, plain).split('\n')[0], 'without load').toBe(
      'no test failed in 3 rounds',
    );
  });

  test('a hunt with failures lists each failing test, most frequent first, with its first message', () => {
    const tally = newTally();
    recordRound(tally, [run([result('one', 'failed', 'first'), result('two', 'passed')])]);
    recordRound(tally, [run([result('one', 'passed'), result('two', 'failed', 'second')])]);
    recordRound(tally, [run([result('one', 'passed'), result('two', 'failed', 'third')])]);
    expect(huntReport(tally, true, plain).split('\n'), 'after 3 rounds').toEqual([
      '2 tests failed at least once in 3 rounds under load:',
      `  ✗ ${file} > Counting > two`,
      `      failed 2 times in 3 rounds; first, in round 2: second (${file}:9)`,
      `  ✗ ${file} > Counting > one`,
      `      failed 1 time in 3 rounds; first, in round 1: first (${file}:9)`,
      '3 passed, 3 failed',
    ]);
  });

  test('the load is one busy process each, and none is left once it stops', async () => {
    const load = startLoad(2);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(load.pids.length, 'busy processes started').toBe(2);
    expect(load.pids.every(alive), 'every busy process runs').toBe(true);
    load.stop();
    await waitFor(() => !load.pids.some(alive), 'the busy processes to exit');
  });
});
