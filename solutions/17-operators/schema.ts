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

/**
 * The JSON type of a value, as schemas name them: "object", "array", "string", "boolean",
 * "null", and "integer" for a whole number ("number" for any other).
 */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/**
 * Whether a value has the schema's type: an integer is a number too; with
 * x-kubernetes-int-or-string a whole number or a string fits; null fits a nullable schema; a
 * schema with no type takes anything.
 */
export function hasType(schema: JSONSchemaProps, value: unknown): boolean {
  const actual = jsonType(value);
  if (actual === 'null') return schema.nullable === true;
  if (schema['x-kubernetes-int-or-string']) return actual === 'integer' || actual === 'string';
  if (schema.type === undefined) return true;
  return actual === schema.type || (schema.type === 'number' && actual === 'integer');
}

/** An Invalid error with kube's detail: the path, "in body", and what it should be. */
function invalid(path: string, value: unknown, should: string): FieldError {
  return { type: 'FieldValueInvalid', field: path, value, detail: `${path} in body ${should}` };
}

/**
 * The bounds of a number: minimum and maximum (exclusive when exclusiveMinimum or
 * exclusiveMaximum says so): "should be greater than or equal to 1", "should be less than 10".
 */
export function checkNumber(schema: JSONSchemaProps, value: number, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const { minimum, maximum } = schema;
  if (minimum !== undefined) {
    if (schema.exclusiveMinimum && value <= minimum) {
      errors.push(invalid(path, value, `should be greater than ${minimum}`));
    } else if (value < minimum) {
      errors.push(invalid(path, value, `should be greater than or equal to ${minimum}`));
    }
  }
  if (maximum !== undefined) {
    if (schema.exclusiveMaximum && value >= maximum) {
      errors.push(invalid(path, value, `should be less than ${maximum}`));
    } else if (value > maximum) {
      errors.push(invalid(path, value, `should be less than or equal to ${maximum}`));
    }
  }
  return errors;
}

/**
 * The rules of a string: minLength ("should be at least 1 chars long"), maxLength (Too long:
 * "may not be more than 5 bytes") and pattern ("should match '^[a-z]+$'"). Lengths count
 * characters, as kube-openapi does.
 */
export function checkString(schema: JSONSchemaProps, value: string, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) {
    errors.push(invalid(path, value, `should be at least ${schema.minLength} chars long`));
  }
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    const unit = schema.maxLength === 1 ? 'byte' : 'bytes';
    const detail = `may not be more than ${schema.maxLength} ${unit}`;
    errors.push({ type: 'FieldValueTooLong', field: path, detail });
  }
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
    errors.push(invalid(path, value, `should match '${schema.pattern}'`));
  }
  return errors;
}

/** enum: the value must be one of the listed ones (Unsupported value, with the list). */
export function checkEnum(schema: JSONSchemaProps, value: unknown, path: string): FieldError[] {
  if (!schema.enum) return [];
  const json = JSON.stringify(value);
  if (schema.enum.some((allowed) => JSON.stringify(allowed) === json)) return [];
  const supported = schema.enum.map((allowed) => JSON.stringify(allowed)).join(', ');
  return [
    {
      type: 'FieldValueNotSupported',
      field: path,
      value,
      detail: `supported values: ${supported}`,
    },
  ];
}

/** A child's path: "spec" + "replicas" is "spec.replicas"; at the root, just the name. */
function childPath(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/**
 * The children of an object or an array: required properties that are missing (Required value),
 * each property by its schema, each map value by additionalProperties, each item by `items`
 * (at "path[i]"), and an array's minItems and maxItems.
 */
export function checkChildren(schema: JSONSchemaProps, value: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      errors.push(invalid(path, value, `should have at least ${schema.minItems} items`));
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      errors.push(invalid(path, value, `should have at most ${schema.maxItems} items`));
    }
    if (schema.items) {
      value.forEach((item, index) =>
        errors.push(...validateValue(schema.items!, item, `${path}[${index}]`)),
      );
    }
    return errors;
  }
  if (jsonType(value) !== 'object') return errors;
  const fields = value as Record<string, unknown>;
  for (const name of schema.required ?? []) {
    if (fields[name] === undefined) {
      errors.push({ type: 'FieldValueRequired', field: childPath(path, name) });
    }
  }
  for (const [name, field] of Object.entries(fields)) {
    const property = schema.properties?.[name];
    const additional = schema.additionalProperties;
    const fieldSchema = property ?? (typeof additional === 'object' ? additional : undefined);
    if (fieldSchema) errors.push(...validateValue(fieldSchema, field, childPath(path, name)));
  }
  return errors;
}

/**
 * Every rule of `schema` that `value` (found at `path`) breaks, itself and below. A wrong type
 * is one error and nothing under it is checked: "must be of type integer", its value the type the
 * value has. Then enum, the number's or the string's rules, and the children.
 */
export function validateValue(schema: JSONSchemaProps, value: unknown, path: string): FieldError[] {
  if (!hasType(schema, value)) {
    const actual = jsonType(value);
    const expected = schema['x-kubernetes-int-or-string'] ? 'integer,string' : schema.type;
    return [invalid(path, actual, `must be of type ${expected}: ${JSON.stringify(actual)}`)];
  }
  if (value === null) return [];
  const errors = checkEnum(schema, value, path);
  if (typeof value === 'number') errors.push(...checkNumber(schema, value, path));
  if (typeof value === 'string') errors.push(...checkString(schema, value, path));
  errors.push(...checkChildren(schema, value, path));
  return errors;
}

/**
 * The field errors of a whole custom object by its version's schema. apiVersion, kind and
 * metadata are the server's to check, so the root's own checks skip them.
 */
export function validateCustomObject(schema: JSONSchemaProps, object: object): FieldError[] {
  const {
    apiVersion: _apiVersion,
    kind: _kind,
    metadata: _metadata,
    ...rest
  } = object as Record<string, unknown>;
  const properties = { ...schema.properties };
  for (const name of ['apiVersion', 'kind', 'metadata']) delete properties[name];
  const required = (schema.required ?? []).filter((name) => name !== 'metadata');
  return validateValue({ ...schema, properties, required }, rest, '');
}
