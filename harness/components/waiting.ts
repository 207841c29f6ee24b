// Waiting for what a component needs, so the components of a cluster start in any order: the API
// server waits for the store, every other component for the API server, as Kubernetes' own do
// (kube-apiserver keeps dialling etcd; a kubelet keeps trying the API server). While it waits, a
// component says so in one line: what it waits for, at which address, why the last try failed,
// and what to do. The line comes again at a calm interval, not at every retry; tries come closer
// at first and then further apart (back-off). Past a generous deadline, which a flag sets, the
// component gives up with one readable line, and its program exits with a non-zero code.
//
// Only "not there yet" is waited for (nothing listens, the connection drops, the server answers
// 5xx or 429): any other failure is a real one, and is thrown at once.
import { formatDuration } from './flags.ts';

/** Time as the waiting sees it; tests bring their own, so no real timer runs. */
export interface WaitClock {
  now(): number;
  sleep(milliseconds: number): Promise<void>;
}

/** Real time. Its timers keep the program alive: a component that waits has nothing else to do. */
export const realWaitClock: WaitClock = {
  now: () => Date.now(),
  sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
};

export interface Dependency {
  /** What is waited for, as a sentence names it: "the store", "the API server". */
  what: string;
  /** Where it is looked for: a URL. */
  address: string;
  /** What the operator can do about it: "start it with `npx kata run store`". */
  hint: string;
  /** How long to wait in all; 0 tries once. */
  timeoutMs: number;
  /** The flag that sets timeoutMs, named in the line that gives up: "--kube-api-wait-timeout". */
  timeoutFlag: string;
  log: (line: string) => void;
  clock?: WaitClock;
}

/** Giving up: the one line a component prints before it exits. */
export class GaveUpWaiting extends Error {}

/** The first pause between tries, the longest, and how often the waiting line comes again. */
export const backOff = { firstMs: 100, longestMs: 2000, sayAgainEveryMs: 10_000 };

/**
 * Calls `attempt` until it succeeds, while its failures say the dependency is not there yet;
 * returns what it returned. Throws GaveUpWaiting past the deadline, and any other failure at once.
 */
export async function waitForDependency<T>(
  attempt: () => Promise<T>,
  dependency: Dependency,
): Promise<T> {
  const { what, address, log } = dependency;
  const clock = dependency.clock ?? realWaitClock;
  const started = clock.now();
  let pause = backOff.firstMs;
  let saidAt: number | undefined;
  for (;;) {
    try {
      const value = await attempt();
      if (saidAt !== undefined)
        log(`${what} at ${address} answered after ${formatDuration(clock.now() - started)}`);
      return value;
    } catch (error) {
      const reason = notThereYet(error);
      if (reason === undefined) throw error;
      const waited = clock.now() - started;
      if (waited >= dependency.timeoutMs) {
        throw new GaveUpWaiting(
          `gave up waiting for ${what} at ${address} after ${formatDuration(waited)} (${reason}); ` +
            `${dependency.hint}, or wait longer with ${dependency.timeoutFlag}`,
        );
      }
      if (saidAt === undefined) {
        log(
          `waiting for ${what} at ${address} (${reason}); ${dependency.hint}. Retrying with ` +
            `back-off for up to ${formatDuration(dependency.timeoutMs)} (${dependency.timeoutFlag})`,
        );
        saidAt = clock.now();
      } else if (clock.now() - saidAt >= backOff.sayAgainEveryMs) {
        log(
          `still waiting for ${what} at ${address} (${reason}), ${formatDuration(waited)} so far`,
        );
        saidAt = clock.now();
      }
      await clock.sleep(Math.min(pause, dependency.timeoutMs - waited));
      pause = Math.min(pause * 2, backOff.longestMs);
    }
  }
}

/** What a connection failure's code means, in words. */
const connectionProblems: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens there yet',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name did not resolve',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_SOCKET: 'the connection was closed',
};

/**
 * Why a failure means "not there yet", in words; undefined when it is a real failure. A failed
 * connection (its code on the error or on a cause) and an answer of 5xx or 429 are waited out.
 */
export function notThereYet(error: unknown): string | undefined {
  for (let cause = error, depth = 0; cause && depth < 5; depth++) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && code in connectionProblems) return connectionProblems[code];
    if (typeof code === 'number' && (code >= 500 || code === 429))
      return `it answered ${code}: ${String(message)}`;
    if (typeof message === 'string' && /other side closed|socket hang up/.test(message))
      return 'the connection was closed';
    cause = (cause as { cause?: unknown }).cause;
  }
  return undefined;
}
