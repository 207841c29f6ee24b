// What a joined learner's `kata` tells the room, made from what `kata` already records: the
// chapter worked on and its current stage (as `kata status` works them out), each chapter's tests
// passing from .kata/progress.json, and the first test of the stage not passing yet. Only course
// positions and test names: nothing here reads a line of the learner's code.
import { course, type Chapter } from '../../course.ts';
import { loadPosition, loadProgress, type Position, type Progress } from '../../progress.ts';
import { chapterFigures, type ChapterFigures } from '../course/stages.ts';
import { defaultChapter } from '../learn/learner.ts';
import { currentStage, passingIn } from '../learn/where.ts';
import type { ChapterTally, LearnerReport } from './wire.ts';

/** The report, from the chapter worked on, its stages, the recorded progress and position. */
export function reportFrom(
  learner: { learner: string; name: string },
  figures: ChapterFigures,
  progress: Progress,
  position: Position | undefined,
): LearnerReport {
  const { chapter } = figures;
  const passing = passingIn(chapter, progress);
  const stage = currentStage(figures, passing, position);
  // A chapter never run has no failing test yet, only untried ones.
  const ran = progress[chapter.id] !== undefined;
  const next = ran ? stage?.tests.find((test) => !passing.has(test.fullName)) : undefined;
  const chapters: Record<string, ChapterTally> = {};
  for (const entry of course) {
    const tally = progress[entry.id];
    if (tally)
      chapters[entry.id] = { passed: Math.min(tally.passed, tally.total), total: tally.total };
  }
  return {
    learner: learner.learner,
    name: learner.name,
    chapter: chapter.id,
    ...(stage && { stage: stage.number }),
    chapters,
    ...(next && { nextFailing: next.fullName }),
  };
}

/** The report now: about `chapter` (the one the verb worked on), or the current chapter. */
export function learnerReport(
  learner: { learner: string; name: string },
  chapter?: Chapter,
): LearnerReport {
  const chosen = chapter ?? defaultChapter() ?? course[course.length - 1]!;
  return reportFrom(learner, chapterFigures(chosen), loadProgress(), loadPosition());
}
