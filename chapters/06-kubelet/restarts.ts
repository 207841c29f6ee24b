// When a container that ended starts again. restartPolicy says whether (Always: always; OnFailure:
// after a non-zero exit; Never: never), and the crash back-off says when: the first restart is at
// once, then the kubelet waits 10 s, 20 s, 40 s, ... up to 5 minutes after each exit before the next
// start. While it waits, the container is "waiting" with the reason CrashLoopBackOff, which is all
// `kubectl get pods` shows of a program that keeps failing.
import type { Pod, PodSpec } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ContainerStatus as RuntimeContainerStatus } from '../../harness/runtime/cri.ts';

const section = '§ Restarts';

/** Always (the default): every exit; OnFailure: a non-zero exit; Never: none. */
export function shouldRestart(policy: PodSpec['restartPolicy'], exitCode: number): boolean {
  throw new NotImplemented('shouldRestart', section);
}

export interface BackoffOptions {
  /** The first wait. 10 s. */
  initialMs?: number;
  /** The longest wait. 5 minutes. */
  maxMs?: number;
}

/**
 * Crash back-off per container (key: pod uid and container name), as kubelet's flowcontrol
 * Backoff: `next` is called at each restart with the time the container finished, doubling the
 * wait; a container that then runs well for a long time (twice the maximum) starts over at the
 * initial wait.
 */
export class CrashBackoff {
  private readonly initialMs: number;
  private readonly maxMs: number;

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 10_000;
    this.maxMs = options.maxMs ?? 300_000;
  }

  /**
   * How long from `now` the container that finished at `finishedAt` must still wait: the wait the
   * last `next` set, minus the time since it finished (never below 0); 0 before any `next`.
   */
  remainingMs(key: string, finishedAt: number, now: number): number {
    throw new NotImplemented('CrashBackoff.remainingMs', section);
  }

  /** The wait the last `next` set (0 before any). */
  currentMs(key: string): number {
    throw new NotImplemented('CrashBackoff.currentMs', section);
  }

  /**
   * A restart is happening, for a container that finished at `finishedAt`: the first time, or when
   * it finished more than 2 * maxMs after the last one, the wait is initialMs; otherwise it doubles
   * (at most maxMs). Remember the wait and `finishedAt`.
   */
  next(key: string, finishedAt: number): void {
    throw new NotImplemented('CrashBackoff.next', section);
  }

  forget(key: string): void {
    throw new NotImplemented('CrashBackoff.forget', section);
  }
}

/** What the kubelet does next with one container of a pod. */
export type NextStep =
  /** Create and start this attempt: 0 for a first start, the latest attempt + 1 for a restart. */
  | { action: 'start'; attempt: number }
  /**
   * A restart is due, but not for waitMs more milliseconds (CrashLoopBackOff meanwhile); backoffMs
   * is the whole wait the back-off set, for the message.
   */
  | { action: 'wait'; waitMs: number; backoffMs: number }
  /** Nothing: it runs (or is about to), or it ended for good as its restartPolicy says. */
  | { action: 'none' };

/**
 * The next step for a container, from its latest attempt (none: never started). No attempt yet:
 * start attempt 0. Running or created: none. Exited: none if shouldRestart says no; else, while
 * backoff.remainingMs(key, finishedAt, now) is above 0, wait (with backoff.currentMs(key) as
 * backoffMs); else record the restart (backoff.next(key, finishedAt)) and start attempt + 1.
 * `key`: the pod's uid and the container's name.
 */
export function nextStep(
  policy: PodSpec['restartPolicy'],
  latest: RuntimeContainerStatus | undefined,
  backoff: CrashBackoff,
  key: string,
  now: number,
): NextStep {
  throw new NotImplemented('nextStep', section);
}

/**
 * The message of a container in CrashLoopBackOff, as the kubelet words it:
 * "back-off <backoffMs in whole seconds>s restarting failed container=<container>
 * pod=<pod name>_<namespace>(<uid>)" (one line, one space between the two parts).
 */
export function crashLoopMessage(pod: Pod, container: string, backoffMs: number): string {
  throw new NotImplemented('crashLoopMessage', section);
}
