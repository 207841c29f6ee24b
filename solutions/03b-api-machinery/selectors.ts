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
import { ApiError } from '../../harness/api/errors.ts';
import type { Selectors } from '../../harness/api/machinery.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject, LabelSelector } from '../../harness/api/types.ts';

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

function badSelector(kind: 'labelSelector' | 'fieldSelector', text: string, why: string): ApiError {
  return new ApiError(400, 'BadRequest', `unable to parse ${kind} "${text}": ${why}`);
}

/**
 * The words of a label selector, spaces dropped: "==", "!=", "=", "!", "(", ")", ",", "<" and ">"
 * are words of their own, and any other run of characters that are not spaces is a name.
 */
export function tokenizeLabelSelector(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i++;
    } else if (text.startsWith('==', i) || text.startsWith('!=', i)) {
      tokens.push(text.slice(i, i + 2));
      i += 2;
    } else if ('=!(),<>'.includes(char)) {
      tokens.push(char);
      i++;
    } else {
      let end = i;
      while (end < text.length && !/[\s=!(),<>]/.test(text[end]!)) end++;
      tokens.push(text.slice(i, end));
      i = end;
    }
  }
  return tokens;
}

/**
 * The words of each requirement: the selector's words cut at every comma that is not inside
 * parentheses (`env in (a,b)` is one requirement). No words, no requirements; an empty one (a
 * comma first, last or twice) is a 400 BadRequest.
 */
export function splitRequirements(tokens: string[], text: string): string[][] {
  if (tokens.length === 0) return [];
  const requirements: string[][] = [[]];
  let depth = 0;
  for (const token of tokens) {
    if (token === '(') depth++;
    if (token === ')') depth--;
    if (token === ',' && depth === 0) requirements.push([]);
    else requirements.at(-1)!.push(token);
  }
  if (requirements.some((words) => words.length === 0)) {
    throw badSelector('labelSelector', text, 'expected a requirement before and after each ","');
  }
  return requirements;
}

const OPERATOR_TOKENS = new Set(['=', '==', '!=', '!', '(', ')', ',', '<', '>']);
const isName = (token: string | undefined): token is string =>
  token !== undefined && !OPERATOR_TOKENS.has(token);

/**
 * One requirement from its words: `!key`, `key`, `key=value` (also `==`, `!=`; `key=` is the
 * value ""), `key in (a,b)`, `key notin (a,b)`, `key>5`, `key<5`. Anything else is a 400
 * BadRequest that quotes the whole selector, `text`.
 */
export function parseLabelRequirement(words: string[], text: string): LabelRequirement {
  const fail = (why: string) => badSelector('labelSelector', text, why);
  const name = (word: string | undefined, what: string): string => {
    if (isName(word)) return word;
    throw fail(`expected ${what}, found ${word === undefined ? 'the end' : `"${word}"`}`);
  };
  if (words[0] === '!') {
    const key = name(words[1], 'a label key after "!"');
    if (words.length > 2) throw fail(`unexpected "${words[2]}" after "!${key}"`);
    return { key, operator: 'DoesNotExist', values: [] };
  }
  const [first, operator, ...rest] = words;
  const key = name(first, 'a label key');
  if (operator === undefined) return { key, operator: 'Exists', values: [] };
  if (operator === '=' || operator === '==' || operator === '!=') {
    if (rest.length > 1 || (rest.length === 1 && !isName(rest[0]))) {
      throw fail(`expected one value after "${key}${operator}"`);
    }
    return { key, operator: operator === '!=' ? 'NotEquals' : 'Equals', values: [rest[0] ?? ''] };
  }
  if (operator === 'in' || operator === 'notin') {
    const values = valueList(rest, operator, fail);
    return { key, operator: operator === 'in' ? 'In' : 'NotIn', values };
  }
  if (operator === '>' || operator === '<') {
    const number = name(rest[0], 'a number');
    if (rest.length > 1 || !/^-?\d+$/.test(number)) throw fail(`"${number}" is not an integer`);
    return { key, operator: operator === '>' ? 'GreaterThan' : 'LessThan', values: [number] };
  }
  throw fail(`expected an operator after "${key}", found "${operator}"`);
}

/** The values of `in (a,b)`: names in parentheses, separated by commas; a left-out one is "". */
function valueList(words: string[], operator: string, fail: (why: string) => ApiError): string[] {
  if (words[0] !== '(' || words.length < 2 || words.at(-1) !== ')') {
    throw fail(`expected a list of values in parentheses after "${operator}"`);
  }
  const inside = words.slice(1, -1);
  if (inside.length === 0) throw fail(`"${operator}" needs at least one value`);
  const values = [''];
  for (const word of inside) {
    if (word === ',') values.push('');
    else if (isName(word) && values.at(-1) === '') values[values.length - 1] = word;
    else throw fail(`unexpected "${word}" in a list of values`);
  }
  return values;
}

/**
 * Parses a label selector into its requirements, in order: words, then the words of each
 * requirement, then each requirement. An empty selector has no requirements: it selects
 * everything. Throws ApiError 400 (BadRequest) when it does not parse.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const words = splitRequirements(tokenizeLabelSelector(text), text);
  return words.map((requirement) => parseLabelRequirement(requirement, text));
}

/**
 * Whether `labels` meet every requirement. `=`, `==` and `in` need the key; `!=` and `notin` also
 * hold when the key is absent; `>` and `<` need the key and an integer value.
 */
export function matchesLabels(
  requirements: LabelRequirement[],
  labels: Record<string, string>,
): boolean {
  return requirements.every(({ key, operator, values }) => {
    const has = Object.hasOwn(labels, key);
    const value = labels[key];
    switch (operator) {
      case 'Equals':
      case 'In':
        return has && values.includes(value!);
      case 'NotEquals':
      case 'NotIn':
        return !has || !values.includes(value!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      case 'GreaterThan':
      case 'LessThan': {
        if (!has || !/^-?\d+$/.test(value!)) return false;
        const [mine, theirs] = [Number(value), Number(values[0])];
        return operator === 'GreaterThan' ? mine > theirs : mine < theirs;
      }
    }
  });
}

/**
 * The text form of an object-form selector (a Deployment's spec.selector), as Kubernetes writes
 * it: requirements sorted by key, `key=value`, `key in (a,b)`, `key notin (a,b)`, `key`, `!key`.
 * The scale subresource reports it in status.selector.
 */
export function labelSelectorText(selector: LabelSelector | undefined): string {
  const parts: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    parts.push([key, `${key}=${value}`]);
  }
  for (const { key, operator, values = [] } of selector?.matchExpressions ?? []) {
    const list = [...values].sort().join(',');
    const text = {
      In: `${key} in (${list})`,
      NotIn: `${key} notin (${list})`,
      Exists: key,
      DoesNotExist: `!${key}`,
    }[operator];
    parts.push([key, text]);
  }
  return parts
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, text]) => text)
    .join(',');
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
 * backslash escapes ",", "=" and "\" in values. Throws ApiError 400 when a term does not parse.
 */
export function parseFieldSelector(text: string): FieldRequirement[] {
  // Split on commas that are not escaped, keeping the escapes for the next step.
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\' && i + 1 < text.length) {
      current += text[i]! + text[i + 1]!;
      i++;
    } else if (text[i] === ',') {
      terms.push(current);
      current = '';
    } else {
      current += text[i];
    }
  }
  terms.push(current);

  const requirements: FieldRequirement[] = [];
  for (const term of terms) {
    if (term.trim() === '' && terms.length === 1) break;
    const match = /^([^=!\\]+?)\s*(==|!=|=)(.*)$/.exec(term.trim());
    if (!match) throw badSelector('fieldSelector', text, `cannot understand "${term}"`);
    const value = match[3]!.replace(/\\(.)/g, '$1');
    requirements.push({
      field: match[1]!.trim(),
      operator: match[2] === '!=' ? 'NotEquals' : 'Equals',
      value,
    });
  }
  return requirements;
}

/** Reads a field from an object by its dotted path: an absent field reads as "". */
function read(object: unknown, path: string): string {
  let value: unknown = object;
  for (const part of path.split('.')) {
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>)[part]
        : undefined;
  }
  if (value === undefined || value === null) return path === 'spec.unschedulable' ? 'false' : '';
  return String(value);
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

/** Whether `object`, of `resource` (pods, events), meets every field requirement. */
export function matchesFields(
  requirements: FieldRequirement[],
  object: KubeObject,
  resource = '',
): boolean {
  return requirements.every(({ field, operator, value }) => {
    const paths = derivedFields[resource]?.[field] ?? [field];
    const actual = paths.map((path) => read(object, path)).find((text) => text !== '') ?? '';
    return operator === 'Equals' ? actual === value : actual !== value;
  });
}

/**
 * Checks that a resource can be selected by every field of a selector. Throws ApiError 400 in
 * Kubernetes' words: `field label not supported: <field>` for a resource with its own fields,
 * `"<field>" is not a known field selector: only "metadata.name", "metadata.namespace"` for one
 * without.
 */
export function checkFields(requirements: FieldRequirement[], resource: ResourceType): void {
  const own = selectableFields[resource.resource];
  for (const { field } of requirements) {
    if (field === 'metadata.name' || field === 'metadata.namespace' || own?.includes(field))
      continue;
    throw new ApiError(
      400,
      'BadRequest',
      own
        ? `field label not supported: ${field}`
        : `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
    );
  }
}

/** The selectors the API server is given (harness/api/machinery.ts). */
export function createSelectors(): Selectors {
  return {
    labelSelector(text) {
      const requirements = parseLabelSelector(text);
      return (object) => matchesLabels(requirements, object.metadata.labels ?? {});
    },
    fieldSelector(text, resource) {
      const requirements = parseFieldSelector(text);
      checkFields(requirements, resource);
      return (object) => matchesFields(requirements, object, resource.resource);
    },
  };
}
