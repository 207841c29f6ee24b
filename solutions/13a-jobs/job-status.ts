// A Job's status: how its pods stand, and how it ended. A Job finishes once, in one of two ways:
//
//   Complete  enough pods succeeded (completions; each index, for an Indexed Job)
//   Failed    more than backoffLimit pods failed (BackoffLimitExceeded), or it ran longer than
//             activeDeadlineSeconds (DeadlineExceeded)
//
// Either is a condition of status True, and a finished Job never runs a pod again: what is
// written here is final. A suspended Job has the condition Suspended; resumed, it says False.
// The reasons and messages are Kubernetes' own, so `kubectl describe` and `kubectl wait
// --for=condition=complete` read them as they would on a real cluster.
import { rfc3339 } from '../../harness/clock.ts';
import type { Job, JobCondition, JobStatus, Pod } from '../../harness/api/types.ts';
import { countPods, formatIndexes, succeededIndexes, type PodCounts } from './job-pods.ts';

/** Whether the Job has a condition of `type` whose status is True. */
export function hasCondition(job: Job, type: string): boolean {
  return job.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

/** Whether the Job has ended: Complete or Failed. */
export function isFinished(job: Job): boolean {
  return hasCondition(job, 'Complete') || hasCondition(job, 'Failed');
}

/** Why a Job fails now, if it does: a reason and a message. */
export interface Failure {
  reason: 'BackoffLimitExceeded' | 'DeadlineExceeded';
  message: string;
}

/**
 * Whether the Job must fail at `now`: more failed pods than backoffLimit (6 by default), or more
 * than activeDeadlineSeconds since `startTime` (milliseconds). The back-off limit is checked first.
 */
export function failureOf(
  job: Job,
  counts: PodCounts,
  startTime: number,
  now: number,
): Failure | undefined {
  if (counts.failed > (job.spec.backoffLimit ?? 6)) {
    return {
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    };
  }
  const deadline = job.spec.activeDeadlineSeconds;
  if (deadline !== undefined && now - startTime >= deadline * 1000) {
    return { reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' };
  }
  return undefined;
}

/**
 * Whether enough pods succeeded: `completions` of them (or, Indexed, one for each index); with
 * no completions set, one success and no pod still running.
 */
export function isComplete(job: Job, pods: Pod[], counts: PodCounts): boolean {
  const completions = job.spec.completions;
  if (completions === undefined) return counts.succeeded > 0 && counts.active === 0;
  if (job.spec.completionMode === 'Indexed') {
    return succeededIndexes(pods, completions).length >= completions;
  }
  return counts.succeeded >= completions;
}

/**
 * `conditions` with `condition` set: it replaces the one of its type, keeping that one's
 * lastTransitionTime when the status did not change. Both times are `now` otherwise.
 */
export function withCondition(
  conditions: JobCondition[] | undefined,
  condition: Omit<JobCondition, 'lastProbeTime' | 'lastTransitionTime'>,
  now: number,
): JobCondition[] {
  const before = conditions?.find((c) => c.type === condition.type);
  const changed = before?.status !== condition.status;
  const next: JobCondition = {
    ...condition,
    lastProbeTime: rfc3339(now),
    lastTransitionTime: changed ? rfc3339(now) : (before?.lastTransitionTime ?? rfc3339(now)),
  };
  return [...(conditions ?? []).filter((c) => c.type !== condition.type), next];
}

/**
 * The counters of a Job's status from its pods: active, ready, succeeded and failed (left out
 * when 0, ready always there) and, for an Indexed Job, completedIndexes.
 */
export function podStatus(job: Job, pods: Pod[]): JobStatus {
  const counts = countPods(pods);
  const status: JobStatus = { ready: counts.ready };
  if (counts.active) status.active = counts.active;
  if (counts.succeeded) status.succeeded = counts.succeeded;
  if (counts.failed) status.failed = counts.failed;
  if (job.spec.completionMode === 'Indexed') {
    const indexes = formatIndexes(succeededIndexes(pods, job.spec.completions ?? 1));
    if (indexes) status.completedIndexes = indexes;
  }
  return status;
}

/** When a finished Job with ttlSecondsAfterFinished is due to be deleted (milliseconds), if ever. */
export function expiresAt(job: Job): number | undefined {
  const ttl = job.spec.ttlSecondsAfterFinished;
  if (ttl === undefined || !isFinished(job)) return undefined;
  const finished =
    job.status?.completionTime ??
    job.status?.conditions?.find(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    )?.lastTransitionTime;
  const at = Date.parse(finished ?? '');
  return Number.isNaN(at) ? undefined : at + ttl * 1000;
}
