// What the API server does to a new Job or CronJob before it stores it (chapter 13a): the
// defaults kube-apiserver fills in (k/k pkg/apis/batch/v1/defaults.go) and, for a Job, the
// selector it generates (pkg/registry/batch/job/strategy.go). A Job's pods are found by a label
// that holds the Job's uid, which no other object can have: two Jobs of the same name, one
// deleted and one new, never claim each other's pods.
//
// Chapter 03a's server applies them through its extension point (builtinExtensions in
// strategy.ts, as a beginCreate hook: the uid is known by then). They live here because both the
// chapter 03a stub and its solution use them, and the chapter 13a controller reads the labels.
import type { CronJob, Job, KubeObject } from './types.ts';

/** The label that holds the uid of a pod's Job: the generated selector matches it. */
export const controllerUidLabel = 'batch.kubernetes.io/controller-uid';
/** The label that holds the name of a pod's Job, for people and `kubectl logs job/x`. */
export const jobNameLabel = 'batch.kubernetes.io/job-name';
/** On an Indexed Job's pods: which index this pod completes. An annotation and a label. */
export const completionIndexAnnotation = 'batch.kubernetes.io/job-completion-index';
/** On a Job a CronJob made: when it was scheduled to run (RFC 3339). */
export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/**
 * A Job's defaults, in place: parallelism 1, completions 1 when neither is set, backoffLimit 6,
 * completionMode NonIndexed, suspend false, manualSelector false and, unless the selector was
 * written by hand, the generated one: the uid label, which the template's labels carry too (with
 * the Job's name, and the older unprefixed pair kubectl still shows).
 */
export function defaultJob(object: KubeObject): KubeObject {
  const job = object as Job;
  const spec = job.spec;
  if (typeof spec !== 'object' || spec === null) return object;
  if (spec.completions === undefined && spec.parallelism === undefined) spec.completions = 1;
  spec.parallelism ??= 1;
  spec.backoffLimit ??= 6;
  spec.completionMode ??= 'NonIndexed';
  spec.suspend ??= false;
  if (spec.manualSelector === true || typeof spec.template !== 'object' || !spec.template) {
    return object;
  }
  const uid = job.metadata.uid!;
  const name = job.metadata.name!;
  spec.selector = { matchLabels: { [controllerUidLabel]: uid } };
  spec.template.metadata ??= {};
  spec.template.metadata.labels = {
    ...spec.template.metadata.labels,
    [controllerUidLabel]: uid,
    [jobNameLabel]: name,
    'controller-uid': uid,
    'job-name': name,
  };
  return object;
}

/** A CronJob's defaults, in place: Allow, not suspended, 3 succeeded and 1 failed Job kept. */
export function defaultCronJob(object: KubeObject): KubeObject {
  const spec = (object as CronJob).spec;
  if (typeof spec !== 'object' || spec === null) return object;
  spec.concurrencyPolicy ??= 'Allow';
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  return object;
}
