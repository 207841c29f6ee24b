// When a container that ended starts again. restartPolicy says whether (Always: always; OnFailure:
// after a non-zero exit; Never: never), and the crash back-off says when: the first restart is at
// once, then the kubelet waits 10 s, 20 s, 40 s, ... up to 5 minutes after each exit before the next
// start. While it waits, the container is "waiting" with the reason CrashLoopBackOff, which is all
// `kubectl get pods` shows of a program that keeps failing.
import type { PodSpec } from '../../harness/api/types.ts';

export function shouldRestart(policy: PodSpec['restartPolicy'], exitCode: number): boolean {
  if (policy === 'Never') return false;
  if (policy === 'OnFailure') return exitCode !== 0;
  return true;
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
  private readonly entries = new Map<string, { waitMs: number; lastFinishedAt: number }>();

  constructor(options: BackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 10_000;
    this.maxMs = options.maxMs ?? 300_000;
  }

  /** How long from `now` the container that finished at `finishedAt` must still wait; 0: go. */
  remainingMs(key: string, finishedAt: number, now: number): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    return Math.max(0, entry.waitMs - (now - finishedAt));
  }

  /** The wait the last `next` set (0 before any). For the CrashLoopBackOff message. */
  currentMs(key: string): number {
    return this.entries.get(key)?.waitMs ?? 0;
  }

  /** A restart is happening now, for a container that finished at `finishedAt`. */
  next(key: string, finishedAt: number): void {
    const entry = this.entries.get(key);
    const fresh = !entry || finishedAt - entry.lastFinishedAt > 2 * this.maxMs;
    const waitMs = fresh ? this.initialMs : Math.min(entry.waitMs * 2, this.maxMs);
    this.entries.set(key, { waitMs, lastFinishedAt: finishedAt });
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
