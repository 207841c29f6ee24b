// When a container that ended starts again. restartPolicy says whether (Always: always; OnFailure:
// after a non-zero exit; Never: never), and the crash back-off says when: the first restart is at
// once, then the kubelet waits 10 s, 20 s, 40 s, ... up to 5 minutes after each exit before the next
// start. While it waits, the container is "waiting" with the reason CrashLoopBackOff, which is all
// `kubectl get pods` shows of a program that keeps failing.
import type { PodSpec } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

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
