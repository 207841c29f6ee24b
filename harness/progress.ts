// The learner's progress: each chapter's last result on their own code, in .kata/progress.json. The
// CLI records it after every run; the implementation loader (harness/components/implementation.ts)
// reads it to pick, chapter by chapter, the learner's code once its tests pass.
//
// The file belongs to the learner and git ignores it. It is only ever a cache of test results, so
// losing it loses nothing: a missing file starts empty, and a corrupt one is moved aside to
// progress.json.bad (kept, in case the learner wants to look) and started afresh.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.ts';

export const stateDir = path.join(repoRoot, '.kata');

/** One chapter's last run on the learner's code. Times are ISO 8601 strings. */
export interface ChapterProgress {
  passed: number;
  total: number;
  done: boolean;
  firstRunAt: string;
  lastRunAt: string;
  /** When every test first passed. */
  doneAt?: string;
  /** The full names of the tests passing on the learner's code, so stages can be marked done. */
  passing?: string[];
}

/** Chapter id ("01") → its progress. */
export type Progress = Record<string, ChapterProgress>;

interface ProgressFile {
  version: 1;
  chapters: Progress;
}

export function progressFile(dir: string = stateDir): string {
  return path.join(dir, 'progress.json');
}

function isChapterProgress(value: unknown): value is ChapterProgress {
  const entry = value as ChapterProgress;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    Number.isInteger(entry.passed) &&
    Number.isInteger(entry.total) &&
    typeof entry.done === 'boolean' &&
    typeof entry.firstRunAt === 'string' &&
    typeof entry.lastRunAt === 'string' &&
    (entry.passing === undefined ||
      (Array.isArray(entry.passing) && entry.passing.every((name) => typeof name === 'string')))
  );
}

function parse(text: string): Progress | undefined {
  try {
    const json = JSON.parse(text) as ProgressFile;
    if (json?.version !== 1 || typeof json.chapters !== 'object' || json.chapters === null) {
      return undefined;
    }
    return Object.values(json.chapters).every(isChapterProgress) ? json.chapters : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the progress file. Never throws for the file's sake: missing means empty; corrupt is moved
 * to progress.json.bad, said in one line through `warn`, and read as empty.
 */
export function loadProgress(dir: string = stateDir, warn = console.warn): Progress {
  const file = progressFile(dir);
  if (!existsSync(file)) return {};
  const progress = parse(readFileSync(file, 'utf8'));
  if (progress) return progress;
  renameSync(file, `${file}.bad`);
  warn(
    `kata: ${path.relative(repoRoot, file)} was unreadable; moved it to ${path.basename(file)}.bad and started afresh`,
  );
  return {};
}

/** Writes the whole file at once (a temporary file, then a rename), so a crash never half-writes it. */
export function saveProgress(progress: Progress, dir: string = stateDir): void {
  mkdirSync(dir, { recursive: true });
  const file = progressFile(dir);
  const json: ProgressFile = { version: 1, chapters: progress };
  writeFileSync(`${file}.tmp`, `${JSON.stringify(json, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** Records one run of a chapter on the learner's code and returns the chapter's new entry. */
export function recordRun(
  chapterId: string,
  result: { passed: number; total: number; done: boolean; passing?: string[] },
  now: Date = new Date(),
  dir: string = stateDir,
): ChapterProgress {
  const progress = loadProgress(dir);
  const previous = progress[chapterId];
  const at = now.toISOString();
  const { done } = result;
  const entry: ChapterProgress = {
    passed: result.passed,
    total: result.total,
    done,
    firstRunAt: previous?.firstRunAt ?? at,
    lastRunAt: at,
    ...(done && { doneAt: previous?.doneAt ?? at }),
    ...(result.passing && { passing: result.passing }),
  };
  saveProgress({ ...progress, [chapterId]: entry }, dir);
  return entry;
}

/** Forgets a chapter (after `kata reset`). */
export function forgetChapter(chapterId: string, dir: string = stateDir): void {
  const progress = loadProgress(dir);
  if (!(chapterId in progress)) return;
  delete progress[chapterId];
  saveProgress(progress, dir);
}

/**
 * Where the learner has chosen to be (`kata goto`): a chapter id and, optionally, a stage of it
 * counted from 1. Kept in .kata/position.json; without it, the course decides from progress.
 */
export interface Position {
  chapter: string;
  stage?: number;
}

function positionFile(dir: string): string {
  return path.join(dir, 'position.json');
}

/** The position set by `kata goto`, or undefined; an unreadable file counts as none. */
export function loadPosition(dir: string = stateDir): Position | undefined {
  const file = positionFile(dir);
  if (!existsSync(file)) return undefined;
  try {
    const position = JSON.parse(readFileSync(file, 'utf8')) as Position;
    if (typeof position?.chapter !== 'string') return undefined;
    if (position.stage !== undefined && !Number.isInteger(position.stage)) return undefined;
    return position;
  } catch {
    return undefined;
  }
}

export function savePosition(position: Position, dir: string = stateDir): void {
  mkdirSync(dir, { recursive: true });
  const file = positionFile(dir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(position)}\n`);
  renameSync(`${file}.tmp`, file);
}
