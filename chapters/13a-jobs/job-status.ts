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
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = "§ A Job's status";

/** Whether the Job has a condition of `type` whose status is True. */
export function hasCondition(job: Job, type: string): boolean {
  throw new NotImplemented('hasCondition', section);
}

/** Whether the Job has ended: Complete or Failed. */
export function isFinished(job: Job): boolean {
  throw new NotImplemented('isFinished', section);
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
  throw new NotImplemented('failureOf', section);
}

/**
 * Whether enough pods succeeded: `completions` of them (or, Indexed, one for each index); with
 * no completions set, one success and no pod still running.
 */
export function isComplete(job: Job, pods: Pod[], counts: PodCounts): boolean {
  throw new NotImplemented('isComplete', section);
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
  throw new NotImplemented('withCondition', section);
}

/**
 * The counters of a Job's status from its pods: active, ready, succeeded and failed (left out
 * when 0, ready always there) and, for an Indexed Job, completedIndexes.
 */
export function podStatus(job: Job, pods: Pod[]): JobStatus {
  throw new NotImplemented('podStatus', section);
}

/** When a finished Job with ttlSecondsAfterFinished is due to be deleted (milliseconds), if ever. */
export function expiresAt(job: Job): number | undefined {
  throw new NotImplemented('expiresAt', section);
}
