// `kata exam start|status|score|end|reset`, the mock exam on the running `kata up` cluster
// (commands.ts dispatches here).
// start sets every task's scene and starts the two-hour clock; status shows the clock and the
// tasks; score runs every verify and prints the score (end does the same and ends the exam); reset
// undoes every scene and forgets the exam.
import path from 'node:path';
import { defaultDataDir } from '../../cluster/options.ts';
import { processAlive, readClusterState } from '../../cluster/state.ts';
import { toolkit } from '../../components/reference-toolkit.ts';
import { KataError, UsageError } from '../output.ts';
import { dataDirOf, sceneFrom } from '../tasks/scene.ts';
import type { TaskScene, Verdict } from '../tasks/task.ts';
import { clockLine, examMinutes, readClock } from './clock.ts';
import {
  defaultExamFile,
  examTasks,
  readExamRecord,
  removeExamRecord,
  writeExamRecord,
  type ExamRecord,
  type ExamTask,
} from './exam.ts';
import { outcomeLine, scoreExam, scoreLine, type ExamScore, type TaskOutcome } from './score.ts';

type Flags = Record<string, string | boolean | undefined>;

/** What the verbs need besides their flags; the tests give their own. */
export interface ExamOptions {
  examFile?: string;
  now?: () => Date;
  print?: (line: string) => void;
}

export const examActions = ['start', 'status', 'score', 'end', 'reset'] as const;

/** The nodes the tasks use: node-1 for placement, node-2 for a taint, node-3 for a drain. */
export const examNodes = ['node-1', 'node-2', 'node-3'];

/** Why a cluster with these nodes cannot hold the exam, or undefined when it can. */
export function nodesProblem(present: string[]): string | undefined {
  const missing = examNodes.filter((name) => !present.includes(name));
  if (missing.length === 0) return undefined;
  return `the exam needs the nodes ${examNodes.join(', ')}; this cluster has no ${missing.join(', ')} (start it with \`npx kata up --nodes 3\`)`;
}

/** The tasks, numbered, with weight, minutes, domain and statement. */
function printTasks(print: (line: string) => void): void {
  examTasks.forEach(({ task, weight }, index) => {
    print(
      `${String(index + 1).padStart(2)}. ${task.name} (${weight}%, ${task.minutes} min, ${task.domain})`,
    );
    print(`    ${task.statement}`);
  });
}

function recordOf(file: string): ExamRecord {
  const record = readExamRecord(file);
  if (!record) throw new KataError('no exam is running; start one with `npx kata exam start`');
  return record;
}

/** Runs every verify; a verify that throws counts as failed, with its error as the reason. */
export async function verifyAll(
  scene: TaskScene,
  tasks: ExamTask[] = examTasks,
): Promise<TaskOutcome[]> {
  const outcomes: TaskOutcome[] = [];
  for (const { task, weight } of tasks) {
    let verdict: Verdict;
    try {
      verdict = await task.verify(scene);
    } catch (error) {
      verdict = { passed: false, reasons: [`could not check: ${(error as Error).message}`] };
    }
    outcomes.push({ name: task.name, weight, verdict });
  }
  return outcomes;
}

async function start(flags: Flags, file: string, now: Date, print: (line: string) => void) {
  const running = readExamRecord(file);
  if (running)
    throw new KataError(
      `an exam is running since ${running.startedAt}; \`npx kata exam end\` scores it, \`npx kata exam reset\` forgets it`,
    );
  const dataDir = dataDirOf(flags);
  const scene = sceneFrom(dataDir);
  const nodes = await scene.client.resource('nodes').list();
  const problem = nodesProblem(nodes.items.map((node) => node.metadata.name!));
  if (problem) throw new KataError(problem);
  print(`setting the scene of ${examTasks.length} tasks...`);
  for (const { task } of examTasks) await task.prepare(scene);
  writeExamRecord(file, {
    startedAt: now.toISOString(),
    dataDir,
    tasks: examTasks.map(({ task }) => task.name),
  });
  print(
    `the exam has started: ${examMinutes} minutes from now (${now.toISOString()}); the pass mark is 66%`,
  );
  printTasks(print);
  print(
    '`npx kata exam status` shows the clock; `npx kata exam score` checks your work; `npx kata exam end` ends the exam',
  );
}

/** Scores the running exam and prints it; `end` forgets the exam afterwards. */
async function score(
  file: string,
  now: Date,
  print: (line: string) => void,
  end: boolean,
): Promise<ExamScore> {
  const record = recordOf(file);
  const outcomes = await verifyAll(sceneFrom(record.dataDir));
  print(clockLine(readClock(new Date(record.startedAt), now)));
  for (const outcome of outcomes) print(outcomeLine(outcome));
  const result = scoreExam(outcomes);
  print(scoreLine(result));
  if (end) {
    removeExamRecord(file);
    print('the exam has ended; `npx kata exam reset` clears its objects from the cluster');
  }
  return result;
}

async function reset(flags: Flags, file: string, print: (line: string) => void) {
  const record = readExamRecord(file);
  const scene = sceneFrom(record?.dataDir ?? dataDirOf(flags));
  for (const { task } of examTasks) await task.cleanUp(scene);
  removeExamRecord(file);
  print(
    `the exam's objects are gone from the cluster${record ? ' and the exam is forgotten' : ''}`,
  );
}

/** `kata exam ACTION`: returns the exit code. */
export async function exam(
  action: string | undefined,
  flags: Flags,
  options: ExamOptions = {},
): Promise<number> {
  const file = options.examFile ?? defaultExamFile;
  const now = (options.now ?? (() => new Date()))();
  const print = options.print ?? ((line: string) => console.log(line));
  switch (action ?? 'status') {
    case 'start':
      await start(flags, file, now, print);
      return 0;
    case 'status': {
      const record = recordOf(file);
      print(clockLine(readClock(new Date(record.startedAt), now)));
      printTasks(print);
      return 0;
    }
    case 'score':
    case 'end':
      await score(file, now, print, action === 'end');
      return 0;
    case 'reset':
      await reset(flags, file, print);
      return 0;
    default:
      throw new UsageError(`unknown exam action "${action}": use ${examActions.join(', ')}`);
  }
}
