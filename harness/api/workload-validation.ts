// What the API server checks of a Job, a CronJob, a DaemonSet and a StatefulSet before it stores
// one (chapters 13a and 13b), beyond the name and labels every object gets checked for: the rules
// of k/k pkg/apis/batch/validation and pkg/apis/apps/validation, in their words, so a manifest
// kube would refuse with a 422 is refused here with the same field errors. A subset: counts that
// may not be negative, the values a policy may take, the selector against the template's labels,
// the restart policy each kind allows, a CronJob's schedule and time zone, and the fields an update
// may not change. The pod template's own containers are checked only for being there.
//
// Chapter 03a's server applies these through its extension point (builtinExtensions in
// strategy.ts, as an extension's `validate`): they are given here, like the kinds' defaults
// (batch.ts, workload-defaults.ts), because the learner of chapter 03a has not met these kinds.
import type { FieldError } from './errors.ts';
import { isObject, sameJson } from './json.ts';
import type { KubeObject, LabelSelector } from './types.ts';

/** A spec as validation meets it: any shape a client sent. */
type Fields = Record<string, unknown>;

const fieldsOf = (value: unknown): Fields => (isObject(value) ? (value as Fields) : {});

/** kube's ValidateNonnegativeField, for a field that is set. */
function nonNegative(value: unknown, field: string, errors: FieldError[]): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || value < 0)
    errors.push({
      type: 'FieldValueInvalid',
      field,
      value,
      detail: 'must be greater than or equal to 0',
    });
}

/** One of `allowed`, or NotSupported naming them. */
function oneOf(value: unknown, allowed: string[], field: string, errors: FieldError[]): void {
  if (!allowed.includes(value as string))
    errors.push({
      type: 'FieldValueNotSupported',
      field,
      value,
      detail: `supported values: ${allowed.map((each) => `"${each}"`).join(', ')}`,
    });
}

/** Whether a label selector selects `labels` (matchLabels and matchExpressions, all of them). */
export function selects(selector: LabelSelector, labels: Record<string, string>): boolean {
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  if (!matchLabels.every(([key, value]) => labels[key] === value)) return false;
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const has = Object.hasOwn(labels, key);
    if (operator === 'In') return has && values.includes(labels[key]!);
    if (operator === 'NotIn') return !has || !values.includes(labels[key]!);
    return operator === 'Exists' ? has : !has;
  });
}

/**
 * The selector against the template's labels: absent is Required when `required`; empty is
 * invalid for `kind` (a DaemonSet, a StatefulSet); one that does not select the template's labels
 * is the template's labels' error, as kube words it.
 */
function checkSelector(spec: Fields, at: string, kind: string, errors: FieldError[]): void {
  const selector = spec.selector as LabelSelector | undefined;
  const template = fieldsOf(spec.template);
  const labels = (fieldsOf(template.metadata).labels ?? {}) as Record<string, string>;
  if (!selector || !isObject(spec.selector)) {
    errors.push({ type: 'FieldValueRequired', field: `${at}.selector` });
    return;
  }
  const terms =
    Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length;
  if (terms === 0 && kind !== '')
    errors.push({
      type: 'FieldValueInvalid',
      field: `${at}.selector`,
      value: selector,
      detail: `empty selector is invalid for ${kind}`,
    });
  if (!selects(selector, labels))
    errors.push({
      type: 'FieldValueInvalid',
      field: `${at}.template.metadata.labels`,
      value: labels,
      detail: '`selector` does not match template `labels`',
    });
}

/**
 * A pod template: containers there, each with a name and an image; a restart policy among
 * `restartPolicies` (an absent one is Always, as the pod's default makes it).
 */
function checkTemplate(
  template: unknown,
  at: string,
  restartPolicies: string[],
  errors: FieldError[],
): void {
  const spec = fieldsOf(fieldsOf(template).spec);
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) {
    errors.push({ type: 'FieldValueRequired', field: `${at}.spec.containers` });
  } else {
    containers.forEach((container: unknown, i) => {
      const { name, image } = fieldsOf(container);
      if (!name)
        errors.push({ type: 'FieldValueRequired', field: `${at}.spec.containers[${i}].name` });
      if (!image)
        errors.push({ type: 'FieldValueRequired', field: `${at}.spec.containers[${i}].image` });
    });
  }
  oneOf(spec.restartPolicy ?? 'Always', restartPolicies, `${at}.spec.restartPolicy`, errors);
}

/** An Indexed Job's parallelism may be at most this (kube's maxParallelismForIndexedJob). */
const MAX_INDEXED_PARALLELISM = 100_000;

/**
 * A Job's spec at `at` ("spec", or "spec.jobTemplate.spec" in a CronJob): its counts, its
 * completion mode (Indexed needs completions), its selector when it has one (the server makes it
 * after these checks, from the uid), and a template that restarts OnFailure or Never.
 */
export function checkJobSpec(value: unknown, at: string, errors: FieldError[]): void {
  const spec = fieldsOf(value);
  for (const field of [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'backoffLimit',
    'ttlSecondsAfterFinished',
  ])
    nonNegative(spec[field], `${at}.${field}`, errors);
  const mode = spec.completionMode;
  if (mode !== undefined) oneOf(mode, ['NonIndexed', 'Indexed'], `${at}.completionMode`, errors);
  if (mode === 'Indexed') {
    if (spec.completions === undefined || spec.completions === null)
      errors.push({
        type: 'FieldValueRequired',
        field: `${at}.completions`,
        detail: 'when completion mode is Indexed',
      });
    if (typeof spec.parallelism === 'number' && spec.parallelism > MAX_INDEXED_PARALLELISM)
      errors.push({
        type: 'FieldValueInvalid',
        field: `${at}.parallelism`,
        value: spec.parallelism,
        detail: `must be less than or equal to ${MAX_INDEXED_PARALLELISM} when completion mode is Indexed`,
      });
  }
  if (spec.selector !== undefined) checkSelector(spec, at, '', errors);
  checkTemplate(spec.template, `${at}.template`, ['OnFailure', 'Never'], errors);
}

export function validateJob(object: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  checkJobSpec(object.spec, 'spec', errors);
  return errors;
}

/** The descriptors a schedule may be instead of five fields (robfig/cron's, which kube uses). */
const DESCRIPTORS = [
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
];

/**
 * Why a cron schedule cannot be parsed, in the words of the parser kube uses, or undefined. The
 * shape only: five fields of digits, names, `*`, `?`, ranges, steps and lists, or a descriptor.
 * Each field's range (minute 0-59...) is checked where the schedule is read (chapter 13a).
 */
export function scheduleProblem(schedule: string): string | undefined {
  const trimmed = schedule.trim();
  if (trimmed.startsWith('@')) {
    if (DESCRIPTORS.includes(trimmed) || /^@every \S+$/.test(trimmed)) return undefined;
    return `unrecognized descriptor: ${trimmed}`;
  }
  const fields = trimmed.split(/\s+/).filter((field) => field !== '');
  if (fields.length !== 5)
    return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  const bad = fields.find((field) => !/^[0-9A-Za-z*?,/-]+$/.test(field));
  return bad === undefined ? undefined : `failed to parse int from ${bad}: invalid syntax`;
}

/** Whether the runtime's time zone database knows `zone` (as Go's time.LoadLocation would). */
function knownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A CronJob's name leaves room for the 11 characters its Jobs' names add: at most 52. */
const MAX_CRONJOB_NAME = 52;

/**
 * A CronJob: a name of at most 52 characters, a schedule (with no TZ= in it: the timeZone field
 * says that), a time zone the server knows, a concurrency policy, counts that may not be negative,
 * and its Job template as a Job's spec.
 */
export function validateCronJob(object: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const name = object.metadata.name ?? '';
  if (name.length > MAX_CRONJOB_NAME)
    errors.push({
      type: 'FieldValueInvalid',
      field: 'metadata.name',
      value: name,
      detail: `must be no more than ${MAX_CRONJOB_NAME} characters`,
    });
  const spec = fieldsOf(object.spec);
  const schedule = spec.schedule;
  if (typeof schedule !== 'string' || schedule === '') {
    errors.push({ type: 'FieldValueRequired', field: 'spec.schedule' });
  } else if (/^\s*(CRON_)?TZ=/.test(schedule)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.schedule',
      value: schedule,
      detail: 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    });
  } else {
    const problem = scheduleProblem(schedule);
    if (problem)
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.schedule',
        value: schedule,
        detail: problem,
      });
  }
  const zone = spec.timeZone;
  if (zone !== undefined && zone !== null && (typeof zone !== 'string' || !knownTimeZone(zone)))
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.timeZone',
      value: zone,
      detail: `unknown time zone ${String(zone)}`,
    });
  oneOf(
    spec.concurrencyPolicy ?? 'Allow',
    ['Allow', 'Forbid', 'Replace'],
    'spec.concurrencyPolicy',
    errors,
  );
  for (const field of [
    'startingDeadlineSeconds',
    'successfulJobsHistoryLimit',
    'failedJobsHistoryLimit',
  ])
    nonNegative(spec[field], `spec.${field}`, errors);
  checkJobSpec(fieldsOf(spec.jobTemplate).spec, 'spec.jobTemplate.spec', errors);
  return errors;
}

/** The value of an int-or-percent ("25%" is 25), or undefined when it is neither. */
function intOrPercent(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^[0-9]+%$/.test(value)) return Number.parseInt(value, 10);
  return undefined;
}

/** kube's ValidatePositiveIntOrPercent and IsNotMoreThan100Percent, for a field that is set. */
function checkIntOrPercent(value: unknown, field: string, errors: FieldError[]): void {
  if (value === undefined) return;
  if (typeof value === 'number') return nonNegative(value, field, errors);
  if (intOrPercent(value) === undefined) {
    errors.push({
      type: 'FieldValueInvalid',
      field,
      value,
      detail:
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    });
  } else if (intOrPercent(value)! > 100) {
    errors.push({
      type: 'FieldValueInvalid',
      field,
      value,
      detail: 'must not be greater than 100%',
    });
  }
}

/**
 * A DaemonSet: a selector (not empty) that selects its template, a template that restarts Always,
 * counts that may not be negative, and a RollingUpdate by exactly one of maxUnavailable and
 * maxSurge (or OnDelete).
 */
export function validateDaemonSet(object: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = fieldsOf(object.spec);
  checkSelector(spec, 'spec', 'daemonset', errors);
  checkTemplate(spec.template, 'spec.template', ['Always'], errors);
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errors);
  nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', errors);
  const strategy = fieldsOf(spec.updateStrategy);
  const type = strategy.type ?? 'RollingUpdate';
  oneOf(type, ['RollingUpdate', 'OnDelete'], 'spec.updateStrategy', errors);
  if (type !== 'RollingUpdate') return errors;
  const at = 'spec.updateStrategy.rollingUpdate';
  const { maxUnavailable = 1, maxSurge = 0 } = fieldsOf(strategy.rollingUpdate);
  checkIntOrPercent(maxUnavailable, `${at}.maxUnavailable`, errors);
  checkIntOrPercent(maxSurge, `${at}.maxSurge`, errors);
  const unavailable = (intOrPercent(maxUnavailable) ?? 0) !== 0;
  const surge = (intOrPercent(maxSurge) ?? 0) !== 0;
  if (unavailable && surge)
    errors.push({
      type: 'FieldValueInvalid',
      field: `${at}.maxSurge`,
      value: maxSurge,
      detail: 'may not be set when maxUnavailable is non-zero',
    });
  if (!unavailable && !surge)
    errors.push({
      type: 'FieldValueRequired',
      field: `${at}.maxUnavailable`,
      detail: 'cannot be 0 when maxSurge is 0',
    });
  return errors;
}

/**
 * A StatefulSet: a selector (not empty) that selects its template, a template that restarts
 * Always, a pod management policy and an update strategy it knows, counts that may not be
 * negative.
 */
export function validateStatefulSet(object: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = fieldsOf(object.spec);
  const policy = spec.podManagementPolicy ?? 'OrderedReady';
  if (policy !== 'OrderedReady' && policy !== 'Parallel')
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.podManagementPolicy',
      value: policy,
      detail: "must be 'OrderedReady' or 'Parallel'",
    });
  const strategy = fieldsOf(spec.updateStrategy);
  const type = strategy.type ?? 'RollingUpdate';
  if (type !== 'RollingUpdate' && type !== 'OnDelete')
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.updateStrategy',
      value: strategy,
      detail: "must be 'RollingUpdate' or 'OnDelete'",
    });
  nonNegative(
    fieldsOf(strategy.rollingUpdate).partition,
    'spec.updateStrategy.rollingUpdate.partition',
    errors,
  );
  nonNegative(spec.replicas, 'spec.replicas', errors);
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errors);
  checkSelector(spec, 'spec', 'statefulset', errors);
  checkTemplate(spec.template, 'spec.template', ['Always'], errors);
  return errors;
}

/** `field` of `next` equal to `current`'s, or "field is immutable". */
function immutable(next: Fields, current: Fields, name: string, at: string, errors: FieldError[]) {
  if (!sameJson(next[name], current[name]))
    errors.push({
      type: 'FieldValueInvalid',
      field: `${at}.${name}`,
      value: next[name],
      detail: 'field is immutable',
    });
}

/** A Job's update: its selector and completion mode never change, its template only while suspended. */
export function validateJobUpdate(next: KubeObject, current: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const [nextSpec, currentSpec] = [fieldsOf(next.spec), fieldsOf(current.spec)];
  immutable(nextSpec, currentSpec, 'selector', 'spec', errors);
  immutable(nextSpec, currentSpec, 'completionMode', 'spec', errors);
  if (currentSpec.suspend !== true) immutable(nextSpec, currentSpec, 'template', 'spec', errors);
  return errors;
}

/** A DaemonSet's update: its selector never changes. */
export function validateDaemonSetUpdate(next: KubeObject, current: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  immutable(fieldsOf(next.spec), fieldsOf(current.spec), 'selector', 'spec', errors);
  return errors;
}

/** The fields of a StatefulSet's spec an update may change. */
const STATEFULSET_MUTABLE = [
  'replicas',
  'template',
  'updateStrategy',
  'minReadySeconds',
  'ordinals',
  'persistentVolumeClaimRetentionPolicy',
];

/** A StatefulSet's update: nothing of its spec changes but STATEFULSET_MUTABLE. */
export function validateStatefulSetUpdate(next: KubeObject, current: KubeObject): FieldError[] {
  const rest = (spec: unknown) =>
    Object.fromEntries(
      Object.entries(fieldsOf(spec)).filter(([key]) => !STATEFULSET_MUTABLE.includes(key)),
    );
  if (sameJson(rest(next.spec), rest(current.spec))) return [];
  return [
    {
      type: 'FieldValueForbidden',
      field: 'spec',
      detail:
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    },
  ];
}
