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
import type { ResourceType } from '../../harness/api/resources.ts';
import type { FieldSchema } from '../../harness/api/schemas.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Field validation';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** The options a verb's query parameters are, as Kubernetes names them in errors. */
export type VerbOptions = 'CreateOptions' | 'UpdateOptions' | 'PatchOptions';

/**
 * The request's ?fieldValidation: Strict, Warn or Ignore; absent or empty means Warn. Any other
 * value is a 422 Invalid (an ApiError) of the verb's options, as kube-apiserver answers: message
 * `<options>.meta.k8s.io "" is invalid: fieldValidation: <detail>`, details { group:
 * "meta.k8s.io", kind: <options>, causes: [{ reason: "FieldValueNotSupported", message:
 * <detail>, field: "fieldValidation" }] }, where <detail> is
 * `Unsupported value: "<value>": supported values: "", "Ignore", "Strict", "Warn"`.
 */
export function fieldValidationOf(query: URLSearchParams, options: VerbOptions): FieldValidation {
  throw new NotImplemented('fieldValidationOf', section);
}

/** A value whose JSON type is not its field's: it cannot be decoded. */
export class WrongType extends Error {}

/**
 * What Go calls a field's type, in decoding errors: integer → its format, int32 when none;
 * number → float64; boolean → bool; array → "[]" + its items'; map → "map[string]" + its
 * values' (string when none); an object of a named type → "v1." + the last part of the name
 * (v1.PodSpec), an inline object → struct; int-or-string → intstr.IntOrString; quantity →
 * resource.Quantity; time → v1.Time; micro-time → v1.MicroTime; any other → its type.
 */
export function goType(field: FieldSchema): string {
  throw new NotImplemented('goType', section);
}

/**
 * Whether a JSON value may be decoded into a field of this type. null always may. Strings, times
 * and micro-times take strings; integers whole numbers; numbers any number; booleans booleans;
 * arrays arrays; int-or-string and quantity a string or a whole number; free-form anything;
 * objects and maps an object that is not an array.
 */
export function fitsType(field: FieldSchema, value: unknown): boolean {
  throw new NotImplemented('fitsType', section);
}

/**
 * Walks `value` as a value of `field`: removes, in place, every key of an object the field's
 * type does not have (the type's fields are schemas[field.ref].fields, or field.fields when it
 * is inline), and returns their paths in the order met ("spec.containers[0].imagee"; the root's
 * path is ""). Lists are walked element by element (`path[i]`), maps value by value (any key is
 * fine), free-form fields and scalars not at all.
 * A value that does not fit its field's type (fitsType) throws WrongType with Go's words:
 * `json: cannot unmarshal <string|number|bool|array|object> into Go struct field
 * <struct>.<path without list positions> of type <goType>` (a number that is not whole is
 * `number 1.5`); `struct` is the named type holding the field: the kind at the root, then the
 * last part of each named type entered (PodSpec, Container).
 */
export function dropUnknownFields(
  field: FieldSchema,
  value: unknown,
  path: string,
  struct: string,
): string[] {
  throw new NotImplemented('dropUnknownFields', section);
}

/**
 * The paths of the keys a JSON text gives twice in one object, in the order met: a second
 * "paused" in spec is "spec.paused", one in the second container "spec.containers[1].image", one
 * in an object inside a list at the top "[0].a". `text` is valid JSON (it parsed already); keys
 * are JSON strings, escapes and all.
 */
export function duplicateFields(text: string): string[] {
  throw new NotImplemented('duplicateFields', section);
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
 * Field validation of an object about to be stored: its kind's type is found with kindTypeName
 * (harness/api/schemas.ts; a kind without one is not checked), its unknown fields dropped (in
 * place) with dropUnknownFields(typeField(...), object, "", <Kind>) and, with the body's
 * duplicate keys, reported as `duplicate field "<path>"` then `unknown field "<path>"` (a
 * duplicate at or inside an unknown field is only unknown).
 * - Strict with problems: a 400 badRequest `strict decoding error: <problems joined by ", ">`.
 * - Warn: returns the problems, one warning each. Ignore: returns [].
 * - A WrongType is a 400 badRequest with its message, whatever the directive.
 * With `wholeObject`, a 400's message starts `<Kind> in version "<version>" cannot be handled as
 * a <Kind>: `. A custom resource (chapter 17) has no description: its unknown fields are those
 * resource.custom.unknownFields(object) names, when the server set it.
 */
export function checkFields(
  resource: ResourceType,
  object: KubeObject,
  check: FieldCheck,
): string[] {
  throw new NotImplemented('checkFields', section);
}

/** A warning as the Warning header carries it: `299 - "unknown field \\"spec.x\\""` (JSON-quoted). */
export function warningHeader(text: string): string {
  throw new NotImplemented('warningHeader', section);
}
