// The `kata` command: reads the command line, runs one verb, exits with its code.
//
// Exit codes: 0 success, 1 failure (a failing test, a failed check, a refused action), 2 usage (an
// unknown verb, chapter or flag). Errors are one line; --verbose adds the stack trace.
//
// The verbs live in rooms, each with its table of commands: the learner loop (learn/), the
// course integrity check (course-check/), the programs and cluster verbs (cluster/), the
// workshop's live view (room/), break-fix drills (drill/) and the mock exam (exam/); what the
// first two both read of the course (lessons, stages, pristine stubs, the runner) is in course/.
// A verb loads its modules when it runs: Vitest and the TypeScript compiler take a while to
// import, and `kata help` or `kata reset` should not wait for them.
import { helpText, parseCommandLine, type Command, type Request } from './args.ts';
import { clusterCommands } from './cluster/commands.ts';
import { courseCheckCommands } from './course-check/commands.ts';
import { doctorCommands } from './doctor/commands.ts';
import { loadCommands } from './load/commands.ts';
import { drillCommands } from './drill/commands.ts';
import { examCommands } from './exam/commands.ts';
import { learnCommands } from './learn/commands.ts';
import { roomCommands } from './room/commands.ts';
import { exitCodes, KataError, UsageError } from './output.ts';

const commands: Record<string, Command> = {
  ...learnCommands,
  ...courseCheckCommands,
  ...doctorCommands,
  ...loadCommands,
  ...clusterCommands,
  ...roomCommands,
  ...drillCommands,
  ...examCommands,
};

/** Prints an error in one line (with its stack under --verbose); returns the exit code. */
function report(error: unknown, wantsStack: boolean): number {
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

export async function main(argv: string[]): Promise<number> {
  let request: Request | undefined;
  try {
    request = parseCommandLine(argv);
    const command = commands[request.verb];
    if (request.help || !command) {
      console.log(helpText(request.help ? request.verb : request.name));
      return exitCodes.ok;
    }
    return await command(request);
  } catch (error) {
    return report(error, request?.verbose ?? argv.includes('--verbose'));
  }
}

// A reader that stops early (`kata get pods | head`) closes the pipe: that ends the output, as it
// does for any Unix command, and is no error to report.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
