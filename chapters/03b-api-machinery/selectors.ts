// Selectors: how a client asks for some objects rather than all of them.
//
// Labels are how Kubernetes groups things: a Service finds its pods, a ReplicaSet counts its
// replicas, `kubectl get pods -l app=web` shows one application, all by label selector. Fields
// are for the few questions every client asks: "pods on my node" (a kubelet:
// spec.nodeName=node-1), "pods not scheduled yet" (the scheduler: spec.nodeName=), "this one
// object" (metadata.name=web, how clients watch a single object).
//
//   labelSelector   app=web,tier!=db,env in (prod,staging),!canary,version>2
//   fieldSelector   spec.nodeName=node-1,status.phase!=Succeeded
//
// Both go in the query string of a list or a watch, and the API server applies them before
// answering, so a client never downloads what it does not want. Kubernetes' grammar is in
// apimachinery pkg/labels/selector.go and pkg/fields/selector.go.
//
// Errors are ApiErrors (harness/api/errors.ts): new ApiError(400, 'BadRequest', message).
import type { Selectors } from '../../harness/api/machinery.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject, LabelSelector } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

// ---------------------------------------------------------------------------------------------
// Label selectors
// ---------------------------------------------------------------------------------------------

export type LabelOperator =
  'Equals' | 'NotEquals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'GreaterThan' | 'LessThan';

/** One condition on one label; a selector is a list of them, all of which must hold. */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/**
 * The words of a label selector, in order, spaces dropped. "==" and "!=" are one word each; "=",
 * "!", "(", ")", ",", "<" and ">" are words of their own even with no space around them; any other
 * run of characters that are not spaces is a name:
 *
 *   "env in (prod, staging),app!=web"  →  env in ( prod , staging ) , app != web
 */
export function tokenizeLabelSelector(text: string): string[] {
  throw new NotImplemented('tokenizeLabelSelector', '§ Label selectors');
}

/**
 * The words of each requirement: `tokens` cut at every "," that is not inside parentheses (the
 * commas of `env in (a,b)` separate values, not requirements). No tokens: no requirements. An
 * empty requirement (a comma first, last or twice in a row) is an ApiError 400 BadRequest whose
 * message quotes `text`, the whole selector.
 */
export function splitRequirements(tokens: string[], text: string): string[][] {
  throw new NotImplemented('splitRequirements', '§ Label selectors');
}

/**
 * One requirement from its words (`text` is the whole selector, for error messages):
 *
 *   key=value, key==value   Equals, values [value] (`key=` is the value "")
 *   key!=value              NotEquals
 *   key in (a, b)           In, values [a, b] (at least one)
 *   key notin (a, b)        NotIn
 *   key                     Exists, values []
 *   !key                    DoesNotExist, values []
 *   key>5, key<5            GreaterThan, LessThan, values ["5"] (an integer)
 *
 * Anything else is an ApiError 400 BadRequest saying what was expected. A name is any word that
 * is not one of the operators or punctuation.
 */
export function parseLabelRequirement(words: string[], text: string): LabelRequirement {
  throw new NotImplemented('parseLabelRequirement', '§ Label selectors');
}

/**
 * Parses a label selector into its requirements, in order: tokenizeLabelSelector, then
 * splitRequirements, then parseLabelRequirement for each. An empty selector has none: it
 * selects everything. Anything that does not parse is an ApiError 400 BadRequest.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  throw new NotImplemented('parseLabelSelector', '§ Label selectors');
}

/**
 * Whether `labels` meet every requirement. Equals and In need the key; NotEquals and NotIn also
 * hold when the key is absent; GreaterThan and LessThan need the key and an integer value.
 */
export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string>,
): boolean {
  throw new NotImplemented('matchesLabels', '§ Label selectors');
}

/**
 * The text form of an object-form selector (a Deployment's spec.selector), as Kubernetes writes
 * it: matchLabels as `key=value`, and matchExpressions as `key in (a,b)`, `key notin (a,b)`
 * (values sorted), `key` or `!key`; all of them sorted by key and joined by ",". The scale
 * subresource reports it in status.selector.
 */
export function labelSelectorText(selector: LabelSelector | undefined): string {
  throw new NotImplemented('labelSelectorText', '§ Label selectors');
}

// ---------------------------------------------------------------------------------------------
// Field selectors
// ---------------------------------------------------------------------------------------------

export interface FieldRequirement {
  field: string;
  operator: 'Equals' | 'NotEquals';
  value: string;
}

/**
 * Parses a field selector: `field=value`, `field==value` or `field!=value`, joined by commas. A
 * backslash escapes ",", "=" and "\" in values (`a\,b` is the value "a,b"): split only on commas
 * that are not escaped, then remove the escapes from the value. An empty selector has no
 * requirements. A term without an operator is an ApiError 400.
 */
export function parseFieldSelector(text: string): FieldRequirement[] {
  throw new NotImplemented('parseFieldSelector', '§ Field selectors');
}

/**
 * The fields each resource can be selected by, beyond metadata.name and metadata.namespace
 * (k/k pkg/apis/core/v1/conversion.go, a subset).
 */
export const selectableFields: Record<string, string[]> = {
  pods: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'status.phase',
    'status.podIP',
  ],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  services: ['spec.type', 'spec.clusterIP'],
  secrets: ['type'],
  // Every field of kube's event strategy: `kubectl events --for pod/web` asks by most of them.
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
};

/**
 * Fields that are not one path in the object: the paths each reads, the first with a value
 * counting. An Event's `source` is its source.component, or else its reportingComponent.
 */
export const derivedFields: Record<string, Record<string, string[]>> = {
  events: { source: ['source.component', 'reportingComponent'] },
};

/**
 * Whether `object` meets every field requirement. A field is read by its dotted path
 * (spec.nodeName); a field that is absent reads as "" (spec.unschedulable as "false"), so
 * `spec.nodeName=` selects pods that are not scheduled yet. Other values compare as strings. A
 * field of derivedFields[resource] reads the first of its paths that has a value.
 */
export function matchesFields(
  requirements: FieldRequirement[],
  object: KubeObject,
  resource = '',
): boolean {
  throw new NotImplemented('matchesFields', '§ Field selectors');
}

/**
 * Checks that a resource can be selected by every field of a selector: metadata.name,
 * metadata.namespace, and its selectableFields. Throws ApiError 400 in Kubernetes' words:
 * `field label not supported: <field>` for a resource listed in selectableFields, `"<field>" is
 * not a known field selector: only "metadata.name", "metadata.namespace"` for one that is not.
 */
export function checkFields(requirements: FieldRequirement[], resource: ResourceType): void {
  throw new NotImplemented('checkFields', '§ Field selectors');
}

/**
 * The selectors the API server is given (harness/api/machinery.ts): labelSelector(text) parses
 * and returns a test of an object's labels (none means {}); fieldSelector(text, resource) parses,
 * checks the fields, and returns a test of the object (matchesFields with resource.resource).
 */
export function createSelectors(): Selectors {
  throw new NotImplemented('createSelectors', '§ Label selectors');
}
