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

/** The words of a label selector: punctuation, operators, and everything else as a name. */
function tokenize(text: string): string[] {
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

const OPERATOR_TOKENS = new Set(['=', '==', '!=', '!', '(', ')', ',', '<', '>']);
const isName = (token: string | undefined): token is string =>
  token !== undefined && !OPERATOR_TOKENS.has(token);

/**
 * Parses a label selector into its requirements. Throws ApiError 400 (BadRequest) when it does
 * not parse. An empty selector has no requirements: it selects everything.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const tokens = tokenize(text);
  const requirements: LabelRequirement[] = [];
  let at = 0;
  const fail = (why: string) => badSelector('labelSelector', text, why);
  const expectName = (what: string): string => {
    const token = tokens[at++];
    if (!isName(token))
      throw fail(`expected ${what}, found ${token === undefined ? 'the end' : `"${token}"`}`);
    return token;
  };
  const value = (): string => (isName(tokens[at]) ? tokens[at++]! : ''); // `key=` means the value ""

  while (at < tokens.length) {
    if (tokens[at] === '!') {
      at++;
      requirements.push({
        key: expectName('a label key after "!"'),
        operator: 'DoesNotExist',
        values: [],
      });
    } else {
      const key = expectName('a label key');
      const operator = tokens[at];
      if (operator === undefined || operator === ',') {
        requirements.push({ key, operator: 'Exists', values: [] });
      } else if (operator === '=' || operator === '==' || operator === '!=') {
        at++;
        requirements.push({
          key,
          operator: operator === '!=' ? 'NotEquals' : 'Equals',
          values: [value()],
        });
      } else if (operator === 'in' || operator === 'notin') {
        at++;
        if (tokens[at++] !== '(') throw fail(`expected "(" after ${operator}`);
        const values: string[] = [];
        while (tokens[at] !== ')') {
          if (values.length > 0 && tokens[at++] !== ',')
            throw fail('expected "," or ")" in a value list');
          if (tokens[at] === undefined) throw fail('the value list is not closed with ")"');
          values.push(value());
        }
        at++;
        if (values.length === 0) throw fail(`"${operator}" needs at least one value`);
        requirements.push({ key, operator: operator === 'in' ? 'In' : 'NotIn', values });
      } else if (operator === '>' || operator === '<') {
        at++;
        const number = expectName('a number');
        if (!/^-?\d+$/.test(number)) throw fail(`"${number}" is not an integer`);
        requirements.push({
          key,
          operator: operator === '>' ? 'GreaterThan' : 'LessThan',
          values: [number],
        });
      } else {
        throw fail(`expected an operator after "${key}", found "${operator}"`);
      }
    }
    if (at < tokens.length) {
      if (tokens[at++] !== ',') throw fail('expected "," after a requirement');
      if (at === tokens.length) throw fail('expected a requirement after ","');
    }
  }
  return requirements;
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
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'reason',
    'type',
  ],
};

/** Whether `object` meets every field requirement. */
export function matchesFields(requirements: FieldRequirement[], object: KubeObject): boolean {
  return requirements.every(({ field, operator, value }) => {
    const actual = read(object, field);
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
      return (object) => matchesFields(requirements, object);
    },
  };
}
