// Validating by the schema: every object of a custom resource is checked against its version's
// openAPIV3Schema before it is stored, and each rule it breaks becomes a field error, worded as
// kube-apiserver words them, so that `kubectl apply` tells the user which field is wrong and why:
//
//   spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"
//   spec.image: Required value
//   spec.tier: Unsupported value: "gold": supported values: "web", "worker"
//
// The schema is walked together with the value: a property's schema with the property's value,
// an array's `items` with each item, a map's `additionalProperties` with each value. This is the
// subset of OpenAPI v3 Kubernetes calls structural; it is written here rather than taken from a
// JSON Schema library because the walk is the lesson (and kube's wording is not any library's).
import type { FieldError } from '../../harness/api/errors.ts';
import type { JSONSchemaProps } from '../../harness/api/apiextensions.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Validating by the schema';

/**
 * The JSON type of a value, as schemas name them: "object", "array", "string", "boolean",
 * "null", and "integer" for a whole number ("number" for any other).
 */
export function jsonType(value: unknown): string {
  throw new NotImplemented('jsonType', section);
}

/**
 * Whether a value has the schema's type: an integer is a number too; with
 * x-kubernetes-int-or-string a whole number or a string fits; null fits a nullable schema; a
 * schema with no type takes anything.
 */
export function hasType(schema: JSONSchemaProps, value: unknown): boolean {
  throw new NotImplemented('hasType', section);
}

/** An Invalid error with kube's detail: the path, "in body", and what it should be. */
function invalid(path: string, value: unknown, should: string): FieldError {
  throw new NotImplemented('invalid', section);
}

/**
 * The bounds of a number: minimum and maximum (exclusive when exclusiveMinimum or
 * exclusiveMaximum says so): "should be greater than or equal to 1", "should be less than 10".
 */
export function checkNumber(schema: JSONSchemaProps, value: number, path: string): FieldError[] {
  throw new NotImplemented('checkNumber', section);
}

/**
 * The rules of a string: minLength ("should be at least 1 chars long"), maxLength (Too long:
 * "may not be more than 5 bytes") and pattern ("should match '^[a-z]+$'"). Lengths count
 * characters, as kube-openapi does.
 */
export function checkString(schema: JSONSchemaProps, value: string, path: string): FieldError[] {
  throw new NotImplemented('checkString', section);
}

/** enum: the value must be one of the listed ones (Unsupported value, with the list). */
export function checkEnum(schema: JSONSchemaProps, value: unknown, path: string): FieldError[] {
  throw new NotImplemented('checkEnum', section);
}

/** A child's path: "spec" + "replicas" is "spec.replicas"; at the root, just the name. */
function childPath(path: string, name: string): string {
  throw new NotImplemented('childPath', section);
}

/**
 * The children of an object or an array: required properties that are missing (Required value),
 * each property by its schema, each map value by additionalProperties, each item by `items`
 * (at "path[i]"), and an array's minItems and maxItems.
 */
export function checkChildren(schema: JSONSchemaProps, value: unknown, path: string): FieldError[] {
  throw new NotImplemented('checkChildren', section);
}

/**
 * Every rule of `schema` that `value` (found at `path`) breaks, itself and below. A wrong type
 * is one error and nothing under it is checked: "must be of type integer", its value the type the
 * value has. Then enum, the number's or the string's rules, and the children.
 */
export function validateValue(schema: JSONSchemaProps, value: unknown, path: string): FieldError[] {
  throw new NotImplemented('validateValue', section);
}

/**
 * The field errors of a whole custom object by its version's schema. apiVersion, kind and
 * metadata are the server's to check, so the root's own checks skip them.
 */
export function validateCustomObject(schema: JSONSchemaProps, object: object): FieldError[] {
  throw new NotImplemented('validateCustomObject', section);
}
