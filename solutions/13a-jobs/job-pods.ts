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

/** Whether a pod still runs (or will): not finished, and not being deleted. */
export function isActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

/** The Job a pod belongs to: its controller ownerReference's uid is the Job's. */
export function isOwnedBy(job: Job, pod: Pod): boolean {
  return (
    pod.metadata.ownerReferences?.some((o) => o.controller && o.uid === job.metadata.uid) ?? false
  );
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
  const counts: PodCounts = { active: 0, ready: 0, succeeded: 0, failed: 0 };
  for (const pod of pods) {
    if (pod.status?.phase === 'Succeeded') counts.succeeded++;
    else if (pod.status?.phase === 'Failed') counts.failed++;
    else if (isActive(pod)) {
      counts.active++;
      const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      if (ready) counts.ready++;
    }
    if (pod.spec.restartPolicy === 'OnFailure') {
      counts.failed += (pod.status?.containerStatuses ?? []).reduce(
        (n, c) => n + c.restartCount,
        0,
      );
    }
  }
  return counts;
}

/** The completion index a pod of an Indexed Job carries; undefined when it has none or a bad one. */
export function indexOf(pod: Pod): number | undefined {
  const text = pod.metadata.annotations?.[completionIndexAnnotation];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/** The indexes with a succeeded pod, ascending. */
export function succeededIndexes(pods: Pod[], completions: number): number[] {
  const done = new Set<number>();
  for (const pod of pods) {
    const index = indexOf(pod);
    if (pod.status?.phase === 'Succeeded' && index !== undefined && index < completions) {
      done.add(index);
    }
  }
  return [...done].sort((a, b) => a - b);
}

/** Indexes as status.completedIndexes writes them: runs of three or more as ranges, "0-2,5,7,8". */
export function formatIndexes(indexes: number[]): string {
  const parts: string[] = [];
  for (let start = 0; start < indexes.length;) {
    let end = start;
    while (end + 1 < indexes.length && indexes[end + 1] === indexes[end]! + 1) end++;
    if (end === start) parts.push(String(indexes[start]));
    else if (end === start + 1) parts.push(`${indexes[start]},${indexes[end]}`);
    else parts.push(`${indexes[start]}-${indexes[end]}`);
    start = end + 1;
  }
  return parts.join(',');
}

/**
 * How many more pods a NonIndexed Job needs now: up to parallelism active, and never more than
 * the successes still missing. Without completions, the first success means no new pods.
 */
export function podsWanted(job: Job, counts: PodCounts): number {
  const parallelism = job.spec.parallelism ?? 1;
  const completions = job.spec.completions;
  const missing =
    completions === undefined
      ? counts.succeeded > 0
        ? 0
        : parallelism
      : completions - counts.succeeded;
  return Math.max(0, Math.min(parallelism, missing) - counts.active);
}

/**
 * The indexes an Indexed Job should start now, lowest first: those neither succeeded nor held by
 * an active pod, as many as parallelism leaves room for.
 */
export function indexesToStart(job: Job, pods: Pod[]): number[] {
  const completions = job.spec.completions ?? 1;
  const taken = new Set(succeededIndexes(pods, completions));
  const active = pods.filter(isActive);
  for (const pod of active) taken.add(indexOf(pod) ?? -1);
  const room = Math.max(0, (job.spec.parallelism ?? 1) - active.length);
  const free: number[] = [];
  for (let index = 0; index < completions && free.length < room; index++) {
    if (!taken.has(index)) free.push(index);
  }
  return free;
}

/** The controller ownerReference a Job puts on its pods. */
export function ownerReferenceTo(job: Job): OwnerReference {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: job.metadata.name!,
    uid: job.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * A new pod from the Job's template: generateName "<job>-" ("<job>-<index>-" when indexed), the
 * template's labels (which hold the Job's uid and name), owned by the Job. An indexed pod also
 * carries its index as an annotation and a label, and every container gets JOB_COMPLETION_INDEX
 * from that annotation through the downward API.
 */
export function podFor(job: Job, index?: number): Pod {
  const template = structuredClone(job.spec.template);
  const metadata = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...metadata,
      labels: {
        ...metadata.labels,
        [controllerUidLabel]: job.metadata.uid!,
        [jobNameLabel]: job.metadata.name!,
      },
      generateName: `${job.metadata.name}-${index === undefined ? '' : `${index}-`}`,
      namespace: job.metadata.namespace,
      ownerReferences: [ownerReferenceTo(job)],
    },
    spec: template.spec,
  };
  if (index === undefined) return pod;
  pod.metadata.annotations = {
    ...pod.metadata.annotations,
    [completionIndexAnnotation]: String(index),
  };
  pod.metadata.labels![completionIndexAnnotation] = String(index);
  for (const container of pod.spec.containers) {
    const fieldPath = `metadata.annotations['${completionIndexAnnotation}']`;
    container.env = [
      ...(container.env ?? []).filter((variable) => variable.name !== 'JOB_COMPLETION_INDEX'),
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath } } },
    ];
  }
  return pod;
}

/** The first back-off, and the longest: kube's DefaultJobPodFailureBackOff and its cap. */
export const initialBackoffMs = 10_000;
export const maxBackoffMs = 10 * 60_000;

/** How long to wait after the last failure before a new pod: 0, then 10 s doubling, capped. */
export function backoffDelay(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(maxBackoffMs, initialBackoffMs * 2 ** (failures - 1));
}

/** When the last of the pods failed: the latest finishedAt of a failed pod's containers. */
export function lastFailureTime(pods: Pod[]): number | undefined {
  let last: number | undefined;
  for (const pod of pods) {
    const statuses = pod.status?.containerStatuses ?? [];
    for (const status of statuses) {
      const terminated = status.state?.terminated ?? status.lastState?.terminated;
      if (!terminated?.finishedAt || terminated.exitCode === 0) continue;
      const at = Date.parse(terminated.finishedAt);
      if (!Number.isNaN(at) && (last === undefined || at > last)) last = at;
    }
  }
  return last;
}
