// What a learner's `kata` and the room say to each other (harness/kata/room/): the report a joined
// learner sends after each test run, watch run and goto, the room's position the instructor sets,
// and how each is checked on arrival. A report holds only course positions and test names: never
// code, never the contents of a file. The room reads every report strictly (an unknown field, a
// chapter the course lacks, a count out of range is a BadReport), so nothing else rides along.
import { findChapter } from '../../course.ts';

/** A chapter's tests passing, as the learner's last runs of it recorded them. */
export interface ChapterTally {
  passed: number;
  total: number;
}

/** Where the room is, or a learner: a chapter id and, optionally, one of its stages from 1. */
export interface RoomPosition {
  chapter: string;
  stage?: number;
}

export interface LearnerReport {
  /** A random id made at `kata room join`, so two learners called Ada stay two rows. */
  learner: string;
  /** The name the learner gave at join. */
  name: string;
  /** The chapter the learner works on, and its current stage (none once every stage passes). */
  chapter: string;
  stage?: number;
  /** Chapter id → tests passing of the chapter's total, for each chapter the learner has run. */
  chapters: Record<string, ChapterTally>;
  /** The full name of the first test of the current stage that does not pass yet. */
  nextFailing?: string;
}

/** What the room answers a learner's report or question: the instructor's position, if set. */
export interface RoomReply {
  position?: RoomPosition;
}

/** A report or position the room cannot take; its message says what is wrong, in one line. */
export class BadReport extends Error {
  override name = 'BadReport';
}

/** The largest body the room reads, in bytes: a report of every chapter fits many times over. */
export const bodyLimitBytes = 16 * 1024;

const learnerIdPattern = /^[0-9a-f]{8,64}$/;
const longestName = 40;
const longestTestName = 400;

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadReport(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function onlyFields(object: Record<string, unknown>, allowed: string[], what: string): void {
  const unknown = Object.keys(object).find((key) => !allowed.includes(key));
  if (unknown !== undefined)
    throw new BadReport(
      `${what} has an unknown field "${unknown}"; it takes ${allowed.join(', ')}`,
    );
}

function count(value: unknown, what: string, most: number): number {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > most)
    throw new BadReport(`${what} must be a whole number from 0 to ${most}`);
  return value as number;
}

/** A learner's name: printable, at most 40 characters, not blank. */
export function checkName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new BadReport('the name must be a non-empty string');
  const name = value.trim();
  if (name.length > longestName || /[\p{Cc}\p{Cf}]/u.test(name))
    throw new BadReport(
      `the name must be at most ${longestName} printable characters, not "${name.slice(0, 60)}"`,
    );
  return name;
}

/** A chapter of the course and, optionally, one of its stages. */
export function readPosition(value: unknown, what = 'the position'): RoomPosition {
  const object = record(value, what);
  onlyFields(object, ['chapter', 'stage'], what);
  const chapter = typeof object.chapter === 'string' ? findChapter(object.chapter) : undefined;
  if (!chapter || chapter.id !== object.chapter)
    throw new BadReport(`${what}: "${String(object.chapter)}" is not a chapter id of the course`);
  if (object.stage === undefined) return { chapter: chapter.id };
  const stages = chapter.stages.length;
  const stage = object.stage as number;
  if (!Number.isInteger(stage) || stage < 1 || stage > stages)
    throw new BadReport(
      `${what}: chapter ${chapter.id} has stages 1 to ${stages}, not ${JSON.stringify(stage)}`,
    );
  return { chapter: chapter.id, stage };
}

function readChapters(value: unknown): Record<string, ChapterTally> {
  const object = record(value, 'chapters');
  const chapters: Record<string, ChapterTally> = {};
  for (const [id, entry] of Object.entries(object)) {
    if (findChapter(id)?.id !== id)
      throw new BadReport(`chapters: "${id}" is not a chapter id of the course`);
    const tally = record(entry, `chapters.${id}`);
    onlyFields(tally, ['passed', 'total'], `chapters.${id}`);
    const total = count(tally.total, `chapters.${id}.total`, 10_000);
    const passed = count(tally.passed, `chapters.${id}.passed`, total);
    chapters[id] = { passed, total };
  }
  return chapters;
}

/** Reads a learner's report as it arrived; a BadReport says what is wrong with it. */
export function readReport(value: unknown): LearnerReport {
  const object = record(value, 'the report');
  const fields = ['learner', 'name', 'chapter', 'stage', 'chapters', 'nextFailing'];
  onlyFields(object, fields, 'the report');
  if (typeof object.learner !== 'string' || !learnerIdPattern.test(object.learner))
    throw new BadReport('learner must be the id kata room join made (8 to 64 hex digits)');
  const position = readPosition({ chapter: object.chapter, stage: object.stage }, 'the report');
  const { nextFailing } = object;
  if (
    nextFailing !== undefined &&
    (typeof nextFailing !== 'string' || nextFailing.length > longestTestName)
  )
    throw new BadReport(`nextFailing must be a test's name, at most ${longestTestName} characters`);
  return {
    learner: object.learner,
    name: checkName(object.name),
    ...position,
    chapters: readChapters(object.chapters ?? {}),
    ...(nextFailing !== undefined && { nextFailing }),
  };
}
