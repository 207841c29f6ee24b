// When a container that ended starts again. restartPolicy says whether (Always: always; OnFailure:
// after a non-zero exit; Never: never), and the crash back-off says when: the first restart is at
// once, then the kubelet waits 10 s, 20 s, 40 s, ... up to 5 minutes after each exit before the next
// start. While it waits, the container is "waiting" with the reason CrashLoopBackOff, which is all
// `kubectl get pods` shows of a program that keeps failing.
import type { Pod, PodSpec } from '../../harness/api/types.ts';
import type { ContainerStatus as RuntimeContainerStatus } from '../../harness/runtime/cri.ts';

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
 * The next step for a container, from its latest attempt. A restart that is due is recorded in
 * the back-off (under `key`: the pod's uid and the container's name) as it is decided, so the
 * next one waits longer.
 */
export function nextStep(
  policy: PodSpec['restartPolicy'],
  latest: RuntimeContainerStatus | undefined,
  backoff: CrashBackoff,
  key: string,
  now: number,
): NextStep {
  if (!latest) return { action: 'start', attempt: 0 };
  if (latest.state === 'CONTAINER_RUNNING' || latest.state === 'CONTAINER_CREATED') {
    return { action: 'none' };
  }
  if (!shouldRestart(policy, latest.exitCode)) return { action: 'none' };
  const waitMs = backoff.remainingMs(key, latest.finishedAt, now);
  if (waitMs > 0) return { action: 'wait', waitMs, backoffMs: backoff.currentMs(key) };
  backoff.next(key, latest.finishedAt);
  return { action: 'start', attempt: latest.metadata.attempt + 1 };
}

/** The message of a container in CrashLoopBackOff, as the kubelet words it. */
export function crashLoopMessage(pod: Pod, container: string, backoffMs: number): string {
  const { name, namespace, uid } = pod.metadata;
  const seconds = Math.round(backoffMs / 1000);
  return (
    `back-off ${seconds}s restarting failed container=${container} ` +
    `pod=${name}_${namespace}(${uid})`
  );
}
