// The mock exam: its tasks with their weights (shares of 100, heavier where the CKA weighs the
// domain more: troubleshooting), and the record of a running exam in .kata/exam.json (when it
// started, on which cluster). The verbs that use them are in commands.ts.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../paths.ts';
import type { Task } from '../tasks/task.ts';
import {
  configTask,
  disruptionBudgetTask,
  drainTask,
  exposeNodePortTask,
  labelsTask,
  namespaceTask,
  nodeSelectorTask,
  taintTask,
} from './cluster-tasks.ts';
import {
  brokenImageTask,
  createDeploymentTask,
  readinessProbeTask,
  requestsTask,
  rolloutUndoTask,
  scaleTask,
  serviceEndpointsTask,
} from './workload-tasks.ts';

export interface ExamTask {
  task: Task;
  /** Its share of the score, in percent: the weights add up to 100. */
  weight: number;
}

/** The exam, in the order it is printed and scored. */
export const examTasks: ExamTask[] = [
  { task: createDeploymentTask, weight: 6 },
  { task: exposeNodePortTask, weight: 8 },
  { task: scaleTask, weight: 4 },
  { task: rolloutUndoTask, weight: 9 },
  { task: labelsTask, weight: 4 },
  { task: taintTask, weight: 8 },
  { task: drainTask, weight: 8 },
  { task: requestsTask, weight: 5 },
  { task: readinessProbeTask, weight: 8 },
  { task: configTask, weight: 5 },
  { task: nodeSelectorTask, weight: 7 },
  { task: disruptionBudgetTask, weight: 6 },
  { task: namespaceTask, weight: 5 },
  { task: brokenImageTask, weight: 8 },
  { task: serviceEndpointsTask, weight: 9 },
];

/** What `kata exam start` records. */
export interface ExamRecord {
  /** ISO time of the start. */
  startedAt: string;
  /** The cluster's data directory, as given to `kata exam start`. */
  dataDir: string;
  /** The tasks set, by name. */
  tasks: string[];
}

export const defaultExamFile = path.join(repoRoot, '.kata', 'exam.json');

export function readExamRecord(file: string): ExamRecord | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ExamRecord;
}

export function writeExamRecord(file: string, record: ExamRecord): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
}

export function removeExamRecord(file: string): void {
  rmSync(file, { force: true });
}
