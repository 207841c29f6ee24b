// The task under way, as `kata drill start` records it beside the cluster's data directory
// (`.kata/drill.json` for the default `.kata/cluster`): which task, and when it started, so the
// clock keeps running between commands.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KataError } from '../output.ts';

export interface TaskRecord {
  name: string;
  /** ISO 8601. */
  startedAt: string;
}

/** Where the record of a data directory's task is kept: beside the data directory. */
export function recordFile(dataDir: string, kind = 'drill'): string {
  return path.join(path.dirname(dataDir), `${kind}.json`);
}

export function readTaskRecord(file: string): TaskRecord | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TaskRecord;
  } catch (error) {
    throw new KataError(`${file} is no task record (${(error as Error).message}); remove it`);
  }
}

export function writeTaskRecord(file: string, record: TaskRecord): void {
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
}

export function removeTaskRecord(file: string): void {
  rmSync(file, { force: true });
}
