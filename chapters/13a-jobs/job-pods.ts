// The pods of a Job: which it has, how they count, and which to make next. A Job runs pods until
// `completions` of them have succeeded, at most `parallelism` at a time. In NonIndexed mode any
// successes count; in Indexed mode each index 0..completions-1 needs one success, and a pod knows
// its index from an annotation, which the environment variable JOB_COMPLETION_INDEX reads.
//
// A failed pod is replaced, after a back-off that doubles with each failure (10 s, 20 s, 40 s...,
// at most 10 minutes), until more than backoffLimit pods have failed.
import {
  completionIndexAnnotation,
  controllerUidLabel,
  jobNameLabel,
} from '../../harness/api/batch.ts';
import type { Job, OwnerReference, Pod } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ The pods of a Job';

/** Whether a pod still runs (or will): not finished, and not being deleted. */
export function isActive(pod: Pod): boolean {
  throw new NotImplemented('isActive', section);
}

/** The Job a pod belongs to: its controller ownerReference's uid is the Job's. */
export function isOwnedBy(job: Job, pod: Pod): boolean {
  throw new NotImplemented('isOwnedBy', section);
}

/** How a Job's pods stand. */
export interface PodCounts {
  active: number;
  ready: number;
  succeeded: number;
  failed: number;
}

/**
 * Counts a Job's pods: active ones (and of those, ready ones), succeeded and failed ones. With
 * restartPolicy OnFailure a container that fails restarts in its pod: each restart counts as a
 * failure too, since the back-off limit is about failed tries, whichever way they retry.
 */
export function countPods(pods: Pod[]): PodCounts {
  throw new NotImplemented('countPods', section);
}

/** The completion index a pod of an Indexed Job carries; undefined when it has none or a bad one. */
export function indexOf(pod: Pod): number | undefined {
  throw new NotImplemented('indexOf', section);
}

/** The indexes with a succeeded pod, ascending. */
export function succeededIndexes(pods: Pod[], completions: number): number[] {
  throw new NotImplemented('succeededIndexes', section);
}

/** Indexes as status.completedIndexes writes them: runs of three or more as ranges, "0-2,5,7,8". */
export function formatIndexes(indexes: number[]): string {
  throw new NotImplemented('formatIndexes', section);
}

/**
 * How many more pods a NonIndexed Job needs now: up to parallelism active, and never more than
 * the successes still missing. Without completions, the first success means no new pods.
 */
export function podsWanted(job: Job, counts: PodCounts): number {
  throw new NotImplemented('podsWanted', section);
}

/**
 * The indexes an Indexed Job should start now, lowest first: those neither succeeded nor held by
 * an active pod, as many as parallelism leaves room for.
 */
export function indexesToStart(job: Job, pods: Pod[]): number[] {
  throw new NotImplemented('indexesToStart', section);
}

/** The controller ownerReference a Job puts on its pods. */
export function ownerReferenceTo(job: Job): OwnerReference {
  throw new NotImplemented('ownerReferenceTo', section);
}

/**
 * A new pod from the Job's template: generateName "<job>-" ("<job>-<index>-" when indexed), the
 * template's labels (which hold the Job's uid and name), owned by the Job. An indexed pod also
 * carries its index as an annotation and a label, and every container gets JOB_COMPLETION_INDEX
 * from that annotation through the downward API.
 */
export function podFor(job: Job, index?: number): Pod {
  throw new NotImplemented('podFor', section);
}

/** The first back-off, and the longest: kube's DefaultJobPodFailureBackOff and its cap. */
export const initialBackoffMs = 10_000;
export const maxBackoffMs = 10 * 60_000;

/** How long to wait after the last failure before a new pod: 0, then 10 s doubling, capped. */
export function backoffDelay(failures: number): number {
  throw new NotImplemented('backoffDelay', section);
}

/** When the last of the pods failed: the latest finishedAt of a failed pod's containers. */
export function lastFailureTime(pods: Pod[]): number | undefined {
  throw new NotImplemented('lastFailureTime', section);
}
