// Where a learner stands, in stages: which stages are done, which one is current, and the course as
// a whole (tests passing of all, a progress bar, the time left by the estimate). Pure functions
// from progress and stage figures to answers and text, so `kata status` stays easy to test.
import type { Chapter } from '../../course.ts';
import { symbols, type Paint } from '../output.ts';
import type { Position, Progress } from '../../progress.ts';
import type { TestResult } from '../course/runner.ts';
import { duration, type ChapterFigures, type StageFigures, type Unit } from '../course/stages.ts';

/** The tests passing on the learner's code in a chapter, as far as the recorded runs know. */
export function passingIn(chapter: Chapter, progress: Progress): Set<string> {
  return new Set(progress[chapter.id]?.passing ?? []);
}

/** A stage is done when every one of its tests passed on the learner's code. */
export function stageDone(stage: StageFigures, passing: Set<string>): boolean {
  return stage.tests.length > 0 && stage.tests.every((test) => passing.has(test.fullName));
}

/**
 * The stage to work on: the first not done, counted from the stage `kata goto` named when the
 * learner went to this chapter's stage; undefined when all are done.
 */
export function currentStage(
  figures: ChapterFigures,
  passing: Set<string>,
  position?: Position,
): StageFigures | undefined {
  const from = position?.chapter === figures.chapter.id ? (position.stage ?? 1) - 1 : 0;
  return figures.stages.slice(from).find((stage) => !stageDone(stage, passing));
}

export interface CourseOverview {
  passed: number;
  total: number;
  /** Minutes of the stages not done yet, by the estimate. */
  minutesLeft: number;
}

/** The course as a whole: tests passing of all, and the minutes of every stage not yet done. */
export function courseOverview(all: ChapterFigures[], progress: Progress): CourseOverview {
  let passed = 0;
  let total = 0;
  let minutesLeft = 0;
  for (const figures of all) {
    const passing = passingIn(figures.chapter, progress);
    const entry = progress[figures.chapter.id];
    const tests = figures.stages.reduce((sum, stage) => sum + stage.tests.length, 0);
    total += tests;
    passed += entry?.done ? tests : Math.min(entry?.passed ?? 0, tests);
    for (const stage of figures.stages) {
      if (!entry?.done && !stageDone(stage, passing)) minutesLeft += stage.minutes;
    }
  }
  return { passed, total, minutesLeft };
}

/** "[########------------]" */
export function progressBar(done: number, of: number, width = 24): string {
  const filled = of ? Math.round((width * done) / of) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

export function overviewLine(overview: CourseOverview): string {
  const percent = overview.total ? Math.floor((100 * overview.passed) / overview.total) : 0;
  return (
    `Course: ${overview.passed} of ${overview.total} tests passing  ` +
    `${progressBar(overview.passed, overview.total)} ${percent}%  ` +
    `about ${duration(overview.minutesLeft)} left`
  );
}

/** The current chapter's stages, one line each, done ones ticked and the current one marked. */
export function stageLines(
  figures: ChapterFigures,
  passing: Set<string>,
  current: StageFigures | undefined,
  colour: Paint,
): string[] {
  const width = Math.max(...figures.stages.map((stage) => stage.title.length));
  return figures.stages.map((stage) => {
    const done = stageDone(stage, passing);
    const mark = done ? colour.green(symbols.pass) : stage === current ? colour.bold('›') : ' ';
    const passed = stage.tests.filter((test) => passing.has(test.fullName)).length;
    const count = done ? '' : `  ${passed} of ${stage.tests.length}`;
    const row = `${stage.id.padEnd(6)} ${stage.title.padEnd(width)}  ${duration(stage.minutes).padStart(12)}`;
    return `  ${mark} ${stage === current ? colour.bold(row) : row}${colour.dim(count)}`;
  });
}

/**
 * Where to write the code a failing test wants: the NotImplemented it threw names the function,
 * and where it was thrown is the line; otherwise the functions the stage asks for.
 */
export function whereToEdit(test: TestResult, stage: StageFigures | undefined): string | undefined {
  const named = /^(\S+) is not implemented yet/.exec(test.failure?.message ?? '')?.[1];
  const unit = stage?.functions.find((candidate) => candidate.name === named);
  if (named && test.failure?.thrownAt) return `${test.failure.thrownAt} (${named})`;
  if (named && unit) return `${unit.file}:${unit.stubLine} (${named})`;
  if (!stage?.functions.length) return undefined;
  const place = (candidate: Unit) => `${candidate.name} in ${candidate.file}`;
  const shownFunctions = stage.functions.slice(0, 3).map(place).join(', ');
  const more = stage.functions.length > 3 ? `, and ${stage.functions.length - 3} more` : '';
  return `this stage's functions: ${shownFunctions}${more}`;
}
