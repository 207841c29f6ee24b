// `kata drill`: break the running cluster in one realistic way, state the symptom as an exam
// would, and check the learner's fix against the cluster's state.
//
//   list          every drill, easy to hard
//   start NAME    sets the scene, records the drill and its start time, prints the task
//   status        the drill under way and its clock
//   verify        checks the cluster; after a pass, what happened and whose code did it
//   hint          a nudge
//   reveal        what happened, without passing
//   reset         undoes the scene and forgets the drill
//
// The record is .kata/drill.json (beside the cluster's data directory); the clock is the exam's
// pace for the drill ("3 of 6 minutes").
import { pace } from '../tasks/clock.ts';
import { readTaskRecord, recordFile, removeTaskRecord, writeTaskRecord } from '../tasks/record.ts';
import type { TaskRecord } from '../tasks/record.ts';
import { dataDirOf, sceneFrom } from '../tasks/scene.ts';
import type { Task, TaskScene } from '../tasks/task.ts';
import { KataError, UsageError } from '../output.ts';
import { drills, findDrill } from './drills/index.ts';

type Flags = Record<string, string | boolean | undefined>;
type Print = (line: string) => void;

export const drillActions = ['list', 'start', 'status', 'verify', 'hint', 'reveal', 'reset'];

function drillNamed(name: string | undefined): Task {
  if (!name) throw new UsageError('kata drill start needs a drill: `kata drill list` shows them');
  const drill = findDrill(name);
  if (!drill)
    throw new UsageError(
      `unknown drill "${name}"; choose one of ${drills.map((d) => d.name).join(', ')}`,
    );
  return drill;
}

/** The drill under way and its record, or a KataError saying none was started. */
function current(file: string): [Task, TaskRecord] {
  const record = readTaskRecord(file);
  if (!record) throw new KataError('no drill is under way; start one with `kata drill start NAME`');
  const drill = findDrill(record.name);
  if (!drill) throw new KataError(`${file} names an unknown drill "${record.name}"; remove it`);
  return [drill, record];
}

function clockOf(drill: Task, record: TaskRecord): string {
  return pace(new Date(record.startedAt), drill.minutes);
}

function list(print: Print): number {
  const rows = [
    ['NAME', 'LEVEL', 'MINUTES', 'DOMAIN'],
    ...drills.map((d) => [d.name, d.difficulty, String(d.minutes), d.domain]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows)
    print(
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('   ')
        .trimEnd(),
    );
  return 0;
}

async function start(name: string | undefined, dataDir: string, print: Print): Promise<number> {
  const drill = drillNamed(name);
  const under = readTaskRecord(recordFile(dataDir));
  if (under)
    throw new KataError(`drill ${under.name} is under way; \`kata drill reset\` ends it first`);
  await setScene(drill, sceneFrom(dataDir));
  writeTaskRecord(recordFile(dataDir), { name: drill.name, startedAt: new Date().toISOString() });
  print(`Drill ${drill.name} (${drill.difficulty}, ${drill.minutes} minutes at the exam's pace):`);
  print('');
  print(`  ${drill.statement}`);
  print('');
  print('`kata drill verify` when you think it is fixed; `kata drill hint` for a nudge.');
  return 0;
}

/**
 * Prepares a drill's scene. A scene half set is undone at once: no drill is recorded as under way,
 * so `kata drill reset` could not find it later.
 */
export async function setScene(drill: Task, scene: TaskScene): Promise<void> {
  try {
    await drill.prepare(scene);
  } catch (error) {
    const undone = await drill.cleanUp(scene).then(
      () => 'what it had set up is removed',
      (cleanUpError: Error) => `and its clean-up failed too (${cleanUpError.message})`,
    );
    throw new KataError(
      `drill ${drill.name} could not start: ${(error as Error).message}; ${undone}`,
    );
  }
}

async function verify(dataDir: string, print: Print): Promise<number> {
  const [drill, record] = current(recordFile(dataDir));
  const verdict = await drill.verify(sceneFrom(dataDir));
  const clock = clockOf(drill, record);
  if (!verdict.passed) {
    print(`Not yet (${clock}):`);
    for (const reason of verdict.reasons) print(`  - ${reason}`);
    return 1;
  }
  print(`Fixed, in ${clock}.`);
  print('');
  print(drill.explanation);
  print('');
  print('`kata drill reset` cleans up before the next drill.');
  return 0;
}

async function reset(dataDir: string, print: Print): Promise<number> {
  const file = recordFile(dataDir);
  const [drill] = current(file);
  await drill.cleanUp(sceneFrom(dataDir));
  removeTaskRecord(file);
  print(`drill ${drill.name} cleaned up`);
  return 0;
}

/** Runs `kata drill ACTION [NAME]`; returns the exit code. */
export async function drill(
  action: string | undefined,
  name: string | undefined,
  flags: Flags,
  print: Print = console.log,
): Promise<number> {
  const dataDir = dataDirOf(flags);
  switch (action ?? 'list') {
    case 'list':
      return list(print);
    case 'start':
      return start(name, dataDir, print);
    case 'verify':
      return verify(dataDir, print);
    case 'reset':
      return reset(dataDir, print);
  }
  if (!drillActions.includes(action!))
    throw new UsageError(
      `unknown drill action "${action}"; choose one of ${drillActions.join(', ')}`,
    );
  const [drillUnderWay, record] = current(recordFile(dataDir));
  if (action === 'status') {
    print(`Drill ${drillUnderWay.name}: ${clockOf(drillUnderWay, record)}`);
    print(`  ${drillUnderWay.statement}`);
  } else if (action === 'hint') print(drillUnderWay.hint);
  else print(drillUnderWay.explanation);
  return 0;
}
