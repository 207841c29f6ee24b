// Validation: the rules an object must keep before it is stored. The server checks every write,
// because every component downstream trusts what it reads: a scheduler should never meet a pod
// without containers, a kubelet never a container without an image.
//
// Each broken rule is one FieldError naming the field by its path (spec.containers[0].image), so
// the 422 answer lists every problem at once, the way Kubernetes does (apimachinery
// pkg/util/validation, k/k pkg/apis/*/validation). The checks here are a subset: names, the
// fields each kind cannot do without, ports, selectors, and the fields an update may not change.
//
// A FieldError is { type, field, value?, detail? } (harness/api/errors.ts); the tests compare
// them with toEqual, so leave out `value` and `detail` where the rules below do not give them.
import type { FieldError } from '../../harness/api/errors.ts';
import type { NameRule, ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject, LabelSelector, PodSpec, Service } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Validation';

// A label key is an optional DNS-subdomain prefix and "/", then a name of at most 63 characters
// matching LABEL_NAME; a value is at most 63 characters matching LABEL_VALUE.
const LABEL_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?';

/**
 * Why `name` breaks `rule`, or undefined when it keeps it: `must be no more than <max>
 * characters` when too long, else the rule's explanation when the whole name does not match its
 * pattern. Each rule's pattern, length and explanation are given in `nameRules`
 * (harness/api/names.ts).
 */
export function checkName(name: string, rule: NameRule): string | undefined {
  throw new NotImplemented('checkName', section);
}

/**
 * Appends to `errors` what is wrong with `labels` (the labels found at `field`, such as
 * "metadata.labels"); nothing when they are undefined.
 * - labels that are not a map (an array, a string, null): one FieldValueInvalid at `field`
 *   (value: the labels, detail "must be a map").
 * - a bad key: FieldValueInvalid at `field` (value: the key). A key is an optional prefix that is
 *   an RFC 1123 subdomain and a "/", then a name of at most 63 characters matching LABEL_NAME.
 * - a bad value: FieldValueInvalid at `<field>[<key>]` (value: the value). A value is a string of
 *   at most 63 characters matching LABEL_VALUE (the empty string is fine).
 * The details are Kubernetes' long explanations; the tests compare types, fields and values.
 */
export function checkLabels(labels: unknown, field: string, errors: FieldError[]): void {
  throw new NotImplemented('checkLabels', section);
}

/**
 * Appends to `errors` what is wrong with a list of containers found at `field`
 * ("spec.containers"). Missing or empty: FieldValueRequired at `field` when `required`, else
 * nothing. Not a list: FieldValueInvalid at `field` (detail "must be a list"). Then for each
 * `<field>[i]`:
 * - not an object: FieldValueInvalid at `<field>[i]` (detail "must be an object"), and nothing
 *   more about it;
 * - name: FieldValueRequired when missing or empty, FieldValueInvalid (value: the name, detail:
 *   checkName's reason) unless an RFC 1123 label, FieldValueDuplicate (value: the name) when an
 *   earlier container has it, at `<field>[i].name`;
 * - image: FieldValueRequired at `<field>[i].image` when missing or empty;
 * - ports: FieldValueInvalid at `<field>[i].ports` (detail "must be a list") unless a list; then
 *   each `<field>[i].ports[j].containerPort` is FieldValueRequired when missing, or
 *   FieldValueInvalid (value: the port, detail "must be between 1 and 65535, inclusive") unless
 *   a whole number in that range.
 */
export function checkContainers(
  containers: unknown,
  field: string,
  errors: FieldError[],
  required: boolean,
): void {
  throw new NotImplemented('checkContainers', section);
}

/**
 * Appends to `errors` what is wrong with a pod spec found at `field` ("spec", or
 * "spec.template.spec" in a workload). No spec (or not an object): FieldValueRequired at
 * `<field>.containers`, and nothing more. Otherwise: `<field>.containers` (required) and
 * `<field>.initContainers` (optional) as checkContainers says, `<field>.tolerations`, when
 * there are any, as checkTolerations says, then `<field>.restartPolicy`:
 * FieldValueNotSupported (value: the policy, detail `supported values: "Always", "OnFailure",
 * "Never"`, listing `allowedRestartPolicies`) unless it is one of them.
 */
export function checkPodSpec(
  spec: PodSpec | undefined,
  field: string,
  errors: FieldError[],
  allowedRestartPolicies: string[] = ['Always', 'OnFailure', 'Never'],
): void {
  throw new NotImplemented('checkPodSpec', section);
}

/**
 * Whether an object-form label selector selects `labels`: every matchLabels pair is present, and
 * every matchExpression holds (In: the key is there with one of the values; NotIn: the key is
 * missing or has none of them; Exists; DoesNotExist).
 */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  throw new NotImplemented('selectorMatches', section);
}

/**
 * Appends to `errors` what is wrong with a Deployment or ReplicaSet, in this order. No spec:
 * FieldValueRequired at spec.selector and at spec.template.spec.containers, and nothing more.
 * - spec.replicas: FieldValueInvalid (value: it, detail "must be greater than or equal to 0")
 *   unless a whole number of at least 0 (or absent).
 * - spec.selector: FieldValueRequired when missing or with neither matchLabels nor
 *   matchExpressions.
 * - spec.template.metadata.labels: checkLabels; then, with a selector, FieldValueInvalid (value:
 *   the labels, {} when none, detail "`selector` does not match template `labels`") unless the
 *   selector selects them.
 * - spec.template.spec: checkPodSpec, where only "Always" is supported: a controller's pods must
 *   come back when they exit.
 */
export function checkWorkload(object: KubeObject, errors: FieldError[]): void {
  throw new NotImplemented('checkWorkload', section);
}

/**
 * Appends to `errors` what is wrong with a Service, in this order. No spec: FieldValueRequired at
 * spec.ports, and nothing more.
 * - spec.type: FieldValueNotSupported (value: it, detail `supported values: "ClusterIP",
 *   "NodePort", "LoadBalancer", "ExternalName"`) unless one of them (or absent). An ExternalName
 *   Service needs nothing more.
 * - spec.ports: FieldValueRequired unless a non-empty list. With more than one port, each
 *   spec.ports[i].name is FieldValueRequired when missing, and FieldValueDuplicate (value: the
 *   name) when an earlier port has it. Each spec.ports[i].port is checked like a containerPort.
 */
export function checkService(object: Service, errors: FieldError[]): void {
  throw new NotImplemented('checkService', section);
}

/**
 * Appends to `errors` what is wrong with a Node's spec.taints (a list; anything else is left
 * alone). For each taint, at `<field>[i]`:
 * - .key is a label key: an empty (or missing) key is FieldValueInvalid (value "", detail "name
 *   part must be non-empty"), and then, like any key that breaks the name rule, gets the
 *   FieldValueInvalid checkLabels reports for a bad key.
 * - .effect: FieldValueRequired when missing or empty; FieldValueNotSupported (value: it, detail
 *   `supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`) unless one of them.
 */
export function checkTaints(taints: unknown, field: string, errors: FieldError[]): void {
  throw new NotImplemented('checkTaints', section);
}

/**
 * Appends to `errors` what is wrong with a pod's tolerations (a list; anything else is left
 * alone). For each toleration, at `<field>[i]`, in this order:
 * - .key, when given, is checked like a taint's key.
 * - .operator (Equal when absent): with no key it must be Exists, else FieldValueInvalid (value:
 *   the operator, detail 'operator must be Exists when `key` is empty, which means "match all
 *   values and all keys"'); with a key, FieldValueNotSupported (detail `supported values:
 *   "Equal", "Exists"`) unless Equal or Exists.
 * - .effect may be empty (any effect); otherwise it is checked like a taint's.
 */
export function checkTolerations(tolerations: unknown, field: string, errors: FieldError[]): void {
  throw new NotImplemented('checkTolerations', section);
}

/**
 * Appends to `errors` what is wrong with a PodDisruptionBudget's spec, in this order:
 * - both minAvailable and maxUnavailable set: FieldValueInvalid at `spec` (no value), detail
 *   "minAvailable and maxUnavailable cannot be both set";
 * - then for spec.minAvailable, then spec.maxUnavailable, when set (FieldValueInvalid, value: it):
 *   a negative number, "must be greater than or equal to 0"; a string that is not digits and "%",
 *   "a valid percent string must be a numeric string followed by an ending '%'"; a percentage
 *   over 100, "must not be greater than 100%".
 */
export function checkDisruptionBudget(object: KubeObject, errors: FieldError[]): void {
  throw new NotImplemented('checkDisruptionBudget', section);
}

/**
 * Every rule `object` breaks as a new object of `resource`, in this order; [] when it is valid.
 * - metadata.name: FieldValueRequired (detail "name or generateName is required") when missing
 *   or empty, else FieldValueInvalid (value: the name, detail: checkName's reason) unless it keeps
 *   the resource's nameRule.
 * - metadata.labels: checkLabels.
 * - then the kind's own rules: pods checkPodSpec(spec, "spec"), deployments and replicasets
 *   checkWorkload, services checkService, nodes with spec.taints checkTaints(them,
 *   "spec.taints"); other kinds have none.
 */
export function validateObject(resource: ResourceType, object: KubeObject): FieldError[] {
  throw new NotImplemented('validateObject', section);
}

/**
 * Every rule an update from `current` to `next` breaks, beyond validateObject(next): the fields
 * that never change once set.
 * - deployments, replicasets: spec.selector Invalid (value: the new selector, detail "field is
 *   immutable") when it changed.
 * - pods: spec Forbidden (detail: which fields may change) when the spec changed in anything but
 *   the containers' and init containers' images, activeDeadlineSeconds, tolerations and
 *   terminationGracePeriodSeconds.
 */
export function validateUpdate(
  resource: ResourceType,
  next: KubeObject,
  current: KubeObject,
): FieldError[] {
  throw new NotImplemented('validateUpdate', section);
}
