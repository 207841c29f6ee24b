// Field validation: what the server does with fields a kind does not have.
//
// A typo in a manifest (`imagee:` for `image:`) is a field the Pod kind does not have. Kubernetes
// decodes a body into its kind's type, so such a field cannot be stored; the request's
// `fieldValidation` parameter says what the client hears of it:
//
//   Strict   400 BadRequest: `strict decoding error: unknown field "spec.containers[0].imagee"`
//   Warn     stored without the field, and one `Warning: 299 - "unknown field ..."` header each
//            (kubectl prints them); the default when the parameter is absent
//   Ignore   stored without the field, silently
//
// A key given twice in one JSON object (`"paused": true, "paused": false`) is a `duplicate field`,
// handled the same way (the last value wins). The kinds' fields come from the one description of
// the served kinds (harness/api/schemas.ts), the same that /openapi/v3 publishes; inside a map
// (labels, annotations, data) or a free-form field, any key is fine. A value of the wrong type
// (`replicas: "three"`) cannot be decoded at all: 400, whatever fieldValidation says.
import { ApiError } from '../../harness/api/errors.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import { kindTypeName, schemas, typeField, type FieldSchema } from '../../harness/api/schemas.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { badRequest } from './status.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The options a verb's query parameters are, as Kubernetes names them in errors. */
export type VerbOptions = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

/**
 * The request's ?fieldValidation: Strict, Warn or Ignore; absent or empty means Warn. Any other
 * value is a 422 Invalid of the verb's options, as kube-apiserver answers:
 * `CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": ...`.
 */
export function fieldValidationOf(query: URLSearchParams, options: VerbOptions): FieldValidation {
  const value = query.get('fieldValidation') ?? '';
  if (value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  const detail = `Unsupported value: "${value}": supported values: "", "Ignore", "Strict", "Warn"`;
  return invalidOptions(options, detail);
}

function invalidOptions(options: VerbOptions, detail: string): never {
  throw new ApiError(
    422,
    'Invalid',
    `${options}.meta.k8s.io "" is invalid: fieldValidation: ${detail}`,
    {
      group: 'meta.k8s.io',
      kind: options,
      causes: [{ reason: 'FieldValueNotSupported', message: detail, field: 'fieldValidation' }],
    },
  );
}

/** A value whose JSON type is not its field's: it cannot be decoded. */
export class WrongType extends Error {}

/** What Go calls a field's type, in decoding errors: int32, []v1.Container, map[string]string. */
export function goType(field: FieldSchema): string {
  switch (field.type) {
    case 'integer':
      return field.format ?? 'int32';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'array':
      return `[]${goType(field.items!)}`;
    case 'map':
      return `map[string]${field.values ? goType(field.values) : 'string'}`;
    case 'object':
      return field.ref ? `v1.${field.ref.split('.').at(-1)}` : 'struct';
    case 'int-or-string':
      return 'intstr.IntOrString';
    case 'quantity':
      return 'resource.Quantity';
    case 'time':
      return 'v1.Time';
    case 'micro-time':
      return 'v1.MicroTime';
    default:
      return field.type;
  }
}

/** Whether a JSON value may be decoded into a field of this type (null always may). */
export function fitsType(field: FieldSchema, value: unknown): boolean {
  if (value === null) return true;
  switch (field.type) {
    case 'string':
    case 'time':
    case 'micro-time':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'int-or-string':
    case 'quantity':
      return typeof value === 'string' || Number.isInteger(value);
    case 'free-form':
      return true;
    default:
      return typeof value === 'object' && !Array.isArray(value);
  }
}

/** How Go's JSON decoder names a value's type: string, number, bool, array, object. */
function jsonTypeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number' && !Number.isInteger(value)) return `number ${value}`;
  return typeof value;
}

/**
 * Walks `value` as a value of `field`: removes, in place, every key of an object the field's
 * type does not have, and returns their paths in the order met ("spec.containers[0].imagee").
 * Lists are walked element by element, maps value by value; free-form fields are not entered.
 * A value of the wrong type throws WrongType with Go's words: `json: cannot unmarshal string into
 * Go struct field DeploymentSpec.spec.replicas of type int32` (`struct` is the type holding the
 * field; Go's path has no list positions).
 */
export function dropUnknownFields(
  field: FieldSchema,
  value: unknown,
  path: string,
  struct: string,
): string[] {
  if (!fitsType(field, value)) {
    const goPath = path.replace(/\[\d+\]/g, '');
    throw new WrongType(
      `json: cannot unmarshal ${jsonTypeOf(value)} into Go struct field ${struct}.${goPath} of type ${goType(field)}`,
    );
  }
  if (value === null || typeof value !== 'object') return [];
  if (field.type === 'array') {
    return (value as unknown[]).flatMap((item, index) =>
      dropUnknownFields(field.items!, item, `${path}[${index}]`, struct),
    );
  }
  const object = value as Record<string, unknown>;
  if (field.type === 'map') {
    const values = field.values ?? { type: 'string', description: '' };
    return Object.keys(object).flatMap((key) =>
      dropUnknownFields(values, object[key], path, struct),
    );
  }
  if (field.type !== 'object') return [];
  const fields = field.ref ? schemas[field.ref]?.fields : field.fields;
  if (!fields) return [];
  const inside = field.ref ? field.ref.split('.').at(-1)! : struct;
  const unknown: string[] = [];
  for (const key of Object.keys(object)) {
    const at = path === '' ? key : `${path}.${key}`;
    const known = Object.hasOwn(fields, key) ? fields[key] : undefined;
    if (known) unknown.push(...dropUnknownFields(known, object[key], at, inside));
    else {
      unknown.push(at);
      delete object[key];
    }
  }
  return unknown;
}

/**
 * The paths of the keys a JSON text gives twice in one object, in the order met: a second
 * "paused" in spec is "spec.paused", one in the first container "spec.containers[0].name".
 * `text` is valid JSON (it parsed already).
 */
export function duplicateFields(text: string): string[] {
  type Frame = { keys?: Set<string>; key: string; index: number; expectKey: boolean };
  const stack: Frame[] = [];
  const duplicates: string[] = [];
  const path = () =>
    stack
      .map((frame, depth) =>
        frame.keys ? `${depth === 0 ? '' : '.'}${frame.key}` : `[${frame.index}]`,
      )
      .join('');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack.at(-1);
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (top?.keys && top.expectKey) {
        top.key = JSON.parse(text.slice(i, end + 1)) as string;
        top.expectKey = false;
        if (top.keys.has(top.key)) duplicates.push(path());
        else top.keys.add(top.key);
      }
      i = end;
    } else if (c === '{') stack.push({ keys: new Set(), key: '', index: 0, expectKey: true });
    else if (c === '[') stack.push({ key: '', index: 0, expectKey: false });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',' && top) {
      if (top.keys) top.expectKey = true;
      else top.index++;
    }
  }
  return duplicates;
}

/** What the checks of one object found, and how the request asked to be told. */
export interface FieldCheck {
  directive: FieldValidation;
  /** The duplicate keys of the body (duplicateFields), when the body was JSON. */
  duplicates?: string[];
  /**
   * True when the body was the whole object (create, update): Kubernetes then puts what failed
   * after `Pod in version "v1" cannot be handled as a Pod: `, as a decoding error.
   */
  wholeObject: boolean;
}

/**
 * Field validation of an object about to be stored: its unknown fields are dropped (in place)
 * and, with the body's duplicate keys, reported as `duplicate field "..."` and `unknown field
 * "..."` (the duplicates first; a key both unknown and duplicated is only unknown). Strict throws
 * them as one 400 `strict decoding error: ...`, joined with ", "; Warn returns them, one warning
 * each; Ignore returns none. A value of the wrong type is a 400 whatever the directive. A kind
 * with no description is not checked, except a custom resource, whose schema prunes its unknown
 * fields later (custom.unknownFields names them).
 */
export function checkFields(
  resource: ResourceType,
  object: KubeObject,
  check: FieldCheck,
): string[] {
  const typeName = kindTypeName(resource.group, resource.version, resource.kind);
  const decoding = (message: string) =>
    badRequest(
      check.wholeObject
        ? `${resource.kind} in version "${resource.version}" cannot be handled as a ${resource.kind}: ${message}`
        : message,
    );
  // A custom resource's unknown fields are those its schema prunes (chapter 17).
  let unknown: string[] = resource.custom?.unknownFields?.(object) ?? [];
  if (typeName) {
    try {
      unknown = dropUnknownFields(typeField(typeName), object, '', resource.kind);
    } catch (error) {
      throw error instanceof WrongType ? decoding(error.message) : error;
    }
  }
  const under = (path: string, field: string) =>
    path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`);
  const duplicates = (check.duplicates ?? []).filter(
    (path) => !unknown.some((field) => under(path, field)),
  );
  const problems = [
    ...duplicates.map((path) => `duplicate field "${path}"`),
    ...unknown.map((path) => `unknown field "${path}"`),
  ];
  if (problems.length === 0 || check.directive === 'Ignore') return [];
  if (check.directive === 'Warn') return problems;
  throw decoding(`strict decoding error: ${problems.join(', ')}`);
}

/** A warning as the Warning header carries it: `299 - "unknown field \"spec.x\""`. */
export function warningHeader(text: string): string {
  return `299 - ${JSON.stringify(text)}`;
}
