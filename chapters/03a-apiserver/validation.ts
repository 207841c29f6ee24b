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
import type { KubeObject, LabelSelector } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Defaults and validation';

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
 * Whether an object-form label selector selects `labels`: every matchLabels pair is present, and
 * every matchExpression holds (In: the key is there with one of the values; NotIn: the key is
 * missing or has none of them; Exists; DoesNotExist).
 */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  throw new NotImplemented('selectorMatches', section);
}

/**
 * Every rule `object` breaks as a new object of `resource`, in this order; [] when it is valid.
 *
 * All kinds:
 * - metadata.name: Required (detail "name or generateName is required"), or Invalid (value: the
 *   name, detail: checkName's reason for the resource's nameRule).
 * - metadata.labels: a bad key is Invalid at metadata.labels (value: the key); a bad value is
 *   Invalid at metadata.labels[<key>] (value: the value).
 * Pods (and, under spec.template.spec, the templates of deployments and replicasets):
 * - spec.containers: Required when missing or empty (also when there is no spec).
 * - each spec.containers[i]: name Required, Invalid (not an RFC 1123 label) or Duplicate (value:
 *   the name); image Required; each ports[j].containerPort Required, or Invalid (value: the
 *   port, detail "must be between 1 and 65535, inclusive").
 * - spec.restartPolicy: NotSupported unless Always, OnFailure or Never (detail `supported
 *   values: "Always", "OnFailure", "Never"`). In templates only "Always" is supported.
 * Deployments and replicasets:
 * - spec.replicas: Invalid when negative (detail "must be greater than or equal to 0").
 * - spec.selector: Required when missing or with neither matchLabels nor matchExpressions.
 * - spec.template.metadata.labels: Invalid (value: the labels, detail "`selector` does not match
 *   template `labels`") when the selector does not select them.
 * Services:
 * - spec.type: NotSupported unless ClusterIP, NodePort, LoadBalancer or ExternalName.
 * - spec.ports: Required (not for ExternalName); with several ports each spec.ports[i].name is
 *   Required, and Duplicate when repeated; each port in 1-65535 as for containerPort.
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
