// Which code a component runs: the reference in solutions/, the learner's in chapters/, or (auto)
// the learner's for every chapter they have finished and the reference for the rest. Each chapter
// is chosen on its own, so a learner's store server can run over the reference store.
import path from 'node:path';
import { findChapter, folderOf } from '../course.ts';
import { loadProgress, type Progress } from '../kata/learn/progress.ts';
import { repoRoot } from '../vitest/target.ts';

export type Use = 'solutions' | 'mine' | 'auto';

export const uses: Use[] = ['solutions', 'mine', 'auto'];

export function isUse(value: string): value is Use {
  return (uses as string[]).includes(value);
}

/**
 * Where the learner's chapters are: chapters/, unless KATA_CHAPTERS_DIR says otherwise (the
 * end-to-end tests point it at a copy, so they never touch the learner's files).
 */
export function learnerChaptersDir(): string {
  return process.env.KATA_CHAPTERS_DIR ?? path.join(repoRoot, 'chapters');
}

/** Whether a folder chapterSource gave is the learner's (not the reference's). */
export function isLearnerSource(folder: string): boolean {
  return !path.relative(repoRoot, folder).startsWith('solutions');
}

/** The folder a chapter's code is loaded from, e.g. solutions/01-store. */
export function chapterSource(
  chapterId: string,
  use: Use,
  progress: () => Progress = () => loadProgress(),
): string {
  const chapter = findChapter(chapterId);
  if (!chapter) throw new Error(`no chapter ${chapterId} in harness/course.ts`);
  const mine = use === 'mine' || (use === 'auto' && progress()[chapter.id]?.done === true);
  return path.join(
    mine ? learnerChaptersDir() : path.join(repoRoot, 'solutions'),
    folderOf(chapter),
  );
}

/** "reference" or "yours", for a component's start-up log. */
export function describeSource(folder: string): string {
  const relative = path.relative(repoRoot, folder);
  return isLearnerSource(folder) ? `yours (${relative})` : `the reference (${relative})`;
}
