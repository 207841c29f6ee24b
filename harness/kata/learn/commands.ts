// The learner loop's verbs, each loading its module when it runs (Vitest takes a while to import,
// and `kata reset` should not wait for it).
import { course, type Chapter } from '../../course.ts';
import type { Command } from '../args.ts';
import { colourWanted, paint } from '../output.ts';

const learner = () => import('./learner.ts');
const colour = () => paint(colourWanted());

/** After a verb: a clone that joined a room tells it where the learner stands (room/tell.ts). */
async function tellRoom(code: number, chapter?: Chapter): Promise<number> {
  await (await import('../room/tell.ts')).tellRoom(chapter);
  return code;
}

/** `kata watch`: the chapter's tests again at every save, the current stage's unless told. */
const watch: Command = async (request) => {
  const chapter = request.chapters[0];
  const { defaultChapter, defaultStage, test } = await learner();
  const { watchChapter } = await import('./watch.ts');
  const chosen = chapter ?? defaultChapter() ?? course[course.length - 1]!;
  // The current stage unless told otherwise: its tests answer faster than the whole chapter's.
  // It is worked out again at every run, so finishing a stage moves the watch to the next.
  const stageNumber = () => request.stage ?? (chapter ? undefined : defaultStage(chosen)?.number);
  return watchChapter(
    chosen,
    async () => {
      if (process.stdout.isTTY) console.clear();
      await tellRoom(await test(chosen, false, colour(), stageNumber()), chosen);
    },
    { poll: request.flags.poll === true, colour: colour() },
  );
};

export const learnCommands: Record<string, Command> = {
  status: async () => tellRoom(await (await learner()).status(colour())),
  test: async ({ chapters, flags, stage }) => {
    const { test } = await learner();
    // A chapter in parts (`kata test 16`) runs each part in turn; the run fails if one does.
    let code = 0;
    for (const chapter of chapters.length > 0 ? chapters : [undefined]) {
      code = Math.max(code, await test(chapter, flags.solutions === true, colour(), stage));
    }
    // A run on the reference says nothing of the learner's own progress.
    return flags.solutions === true ? code : tellRoom(code, chapters.at(-1));
  },
  hint: async ({ chapters }) => (await learner()).hint(chapters[0], colour()),
  watch,
  goto: async ({ chapters, stage }) =>
    tellRoom((await learner()).goto(chapters[0]!, stage, colour()), chapters[0]),
  'catch-up': async ({ chapters, stage }) =>
    (await import('./catch-up.ts')).catchUp(chapters[0]!, stage!, colour()),
  verify: async () => (await learner()).verify(colour()),
  reset: async ({ chapters }) => (await import('./reset.ts')).reset(chapters[0]!),
  solution: async ({ chapters, flags }) =>
    (await import('./solution.ts')).solution(chapters[0]!, {
      yes: flags.yes === true,
      colour: colourWanted(),
    }),
};
