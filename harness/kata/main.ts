// The `kata` command: reads the command line, runs one verb, exits with its code.
//
// Exit codes: 0 success, 1 failure (a failing test, a failed check, a refused action), 2 usage (an
// unknown verb, chapter or flag). Errors are one line; --verbose adds the stack trace.
//
// Verbs load their modules when they run: Vitest and the TypeScript compiler take a while to import,
// and `kata help` or `kata reset` should not wait for them.
import { course } from '../course.ts';
import { helpText, parseCommandLine, type Request } from './args.ts';
import { colourWanted, exitCodes, KataError, paint, plural, UsageError } from './output.ts';
import {
  drift,
  driftCount,
  hashTree,
  readPristine,
  writePristine,
} from './course-check/pristine.ts';

function pristine(update: boolean): number {
  const before = readPristine();
  const difference = drift(before, hashTree('chapters'));
  if (update) {
    const files = writePristine();
    const changed = driftCount(difference);
    console.log(
      `Recorded ${plural(Object.keys(files).length, 'file')} of chapters/ in harness/pristine.json` +
        (changed
          ? ` (${plural(changed, 'file')} changed since the last record).`
          : ' (no change).'),
    );
    return 0;
  }
  if (driftCount(difference) === 0) {
    console.log('harness/pristine.json matches chapters/.');
    return 0;
  }
  for (const file of difference.changed) console.log(`  changed: ${file}`);
  for (const file of difference.added) console.log(`  not recorded: ${file}`);
  for (const file of difference.missing) console.log(`  missing: ${file}`);
  console.log(
    'chapters/ differs from harness/pristine.json; authors record it with npm run pristine.',
  );
  return 1;
}

async function dispatch(request: Request): Promise<number> {
  const colour = paint(colourWanted());
  const chapter = request.chapters[0];
  const learner = () => import('./learn/learner.ts');
  switch (request.verb) {
    case 'status':
      return (await learner()).status(colour);
    case 'test':
      return (await learner()).test(
        chapter,
        request.flags.solutions === true,
        colour,
        request.stage,
      );
    case 'hint':
      return (await learner()).hint(chapter, colour);
    case 'watch': {
      const { defaultChapter, defaultStage, test } = await learner();
      const { watchChapter } = await import('./learn/watch.ts');
      const chosen = chapter ?? defaultChapter() ?? course[course.length - 1]!;
      // The current stage unless told otherwise: its tests answer faster than the whole chapter's.
      // It is worked out again at every run, so finishing a stage moves the watch to the next.
      const stageNumber = () =>
        request.stage ?? (chapter ? undefined : defaultStage(chosen)?.number);
      return watchChapter(
        chosen,
        async () => {
          if (process.stdout.isTTY) console.clear();
          await test(chosen, false, colour, stageNumber());
        },
        { poll: request.flags.poll === true, colour },
      );
    }
    case 'stages':
      return (await import('./course-check/stage-table.ts')).printStages(request.chapters, colour);
    case 'agendas':
      return (await import('./course-check/agendas.ts')).printAgendas(request.flags.write === true);
    case 'goto':
      return (await learner()).goto(chapter!, request.stage, colour);
    case 'catch-up':
      return (await import('./learn/catch-up.ts')).catchUp(chapter!, request.stage!, colour);
    case 'verify':
      return (await learner()).verify(colour);
    case 'reset':
      return (await import('./learn/reset.ts')).reset(chapter!);
    case 'solution': {
      const { solution } = await import('./learn/solution.ts');
      return solution(chapter!, { yes: request.flags.yes === true, colour: colourWanted() });
    }
    case 'run':
      return (await import('./cluster/programs.ts')).runComponent(request.name!, request.rest);
    case 'bench':
      return (await import('./cluster/programs.ts')).runBenchmarks(request.name, request.rest);
    case 'check':
      if (request.flags.repeat !== undefined) {
        const { hunt, huntOptions } = await import('./course-check/flakes.ts');
        return hunt(huntOptions(request.flags, request.chapters), colour);
      }
      return (await import('./course-check/check.ts')).check({
        chapters: request.chapters,
        only: request.flags.only === 'coverage' ? 'coverage' : undefined,
        colour,
      });
    case 'pristine':
      return pristine(request.flags.update === true);
    case 'logs':
      return (await import('./cluster/cluster-verbs.ts')).logs(request.name!, request.flags);
    case 'get':
      return (await import('./cluster/object-verbs.ts')).get(
        [request.name, ...request.rest],
        request.flags,
      );
    case 'apply':
      return (await import('./cluster/object-verbs.ts')).apply(request.flags);
    case 'delete':
      return (await import('./cluster/object-verbs.ts')).remove(
        [request.name, ...request.rest],
        request.flags,
      );
    case 'describe':
      return (await import('./cluster/object-verbs.ts')).describe(
        [request.name, ...request.rest],
        request.flags,
      );
    case 'scale':
      return (await import('./cluster/object-verbs.ts')).scale(
        [request.name, ...request.rest],
        request.flags,
      );
    case 'up':
      return (await import('../cluster/start.ts')).up(request.flags, colourWanted());
    case 'components':
      return (await import('../cluster/start.ts')).listComponents(request.flags);
    case 'kill':
    case 'restart':
      return (await import('../cluster/start.ts')).controlComponent(
        request.verb,
        request.name!,
        request.flags,
      );
    case 'rollout':
      return (await import('./cluster/cluster-verbs.ts')).rollout(
        request.name!,
        request.rest[0],
        request.flags,
      );
    case 'kubeconfig':
      return (await import('./cluster/cluster-verbs.ts')).writeKubeconfig(request.flags);
    default:
      console.log(helpText(request.name));
      return exitCodes.ok;
  }
}

export async function main(argv: string[]): Promise<number> {
  let request: Request | undefined;
  try {
    request = parseCommandLine(argv);
    if (request.help) {
      console.log(helpText(request.verb));
      return exitCodes.ok;
    }
    return await dispatch(request);
  } catch (error) {
    const wantsStack = request?.verbose ?? argv.includes('--verbose');
    if (error instanceof UsageError) {
      console.error(`kata: ${error.message}`);
      return exitCodes.usage;
    }
    if (error instanceof KataError) {
      console.error(`kata: ${error.message}`);
      if (wantsStack) console.error(error.stack);
      return exitCodes.failure;
    }
    const message = error instanceof Error ? error.message : String(error);
    console.error(`kata: ${message.split('\n')[0]}${wantsStack ? '' : ' (--verbose shows where)'}`);
    if (wantsStack) console.error(error instanceof Error ? error.stack : error);
    return exitCodes.failure;
  }
}

// A reader that stops early (`kata get pods | head`) closes the pipe: that ends the output, as it
// does for any Unix command, and is no error to report.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
