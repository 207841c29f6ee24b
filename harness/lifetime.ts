// What a program starts ends with it, however the program ends. A benchmark or a cluster starts
// processes that are not its children in the kernel's eyes (container shims run detached, so that
// a kubelet may stop while its pods run on), and nothing ends those when the program that started
// them returns, throws, or is stopped by Ctrl-C, SIGTERM or a closed terminal (SIGHUP). So such a
// program registers how to end what it started, with endsWithProgram, and calls the function it
// gets back on its normal way out; on an error or a signal, every registered ending runs first,
// newest first, and then the program exits (1 on an error, 128 + the signal's number on a signal).
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';

type Ending = () => Promise<void> | void;

const endings = new Set<Ending>();
let watching = false;
let ending: Promise<void> | undefined;

/** Runs every registered ending, newest first, each once; a failing one does not stop the rest. */
function endAll(): Promise<void> {
  ending ??= (async () => {
    for (const end of [...endings].reverse()) {
      endings.delete(end);
      try {
        await end();
      } catch (error) {
        console.error(`while ending: ${(error as Error).message}`);
      }
    }
  })();
  return ending;
}

function watch(): void {
  if (watching) return;
  watching = true;
  // A second signal while ending (Ctrl-C reaches `kata bench` and its benchmark both, and kata
  // passes it on) changes nothing: the endings have deadlines of their own.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      void endAll().then(() => process.exit(128 + constants.signals[signal]));
    });
  }
  const fail = (error: unknown) => {
    console.error(error);
    void endAll().then(() => process.exit(1));
  };
  process.once('uncaughtException', fail);
  process.once('unhandledRejection', fail);
}

/**
 * Registers `end` to run if the program ends by an error or a signal. Returns the function to call
 * on the normal way out: it runs `end` (once) and takes it off the list.
 */
export function endsWithProgram(end: Ending): () => Promise<void> {
  watch();
  let done: Promise<void> | undefined;
  const once = async () => {
    done ??= Promise.resolve(end());
    return done;
  };
  endings.add(once);
  return async () => {
    endings.delete(once);
    await once();
  };
}

/** endsWithProgram for a child process: its ending sends SIGTERM and waits until it has exited. */
export function childEndsWithProgram(child: ChildProcess): () => Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return endsWithProgram(() => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    return exited;
  });
}
