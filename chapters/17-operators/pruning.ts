// Pruning and defaults: before a custom object is validated, the server drops every field its
// schema does not declare (pruning) and fills in the ones the schema gives a `default`. A client
// that sends `spec.replicsa: 3` (a typo) gets an object without it, not a stored field nobody
// reads; a client that leaves `spec.port` out gets the schema's port. This is why Kubernetes asks
// that a CRD's schema be *structural*: every field has a type, so the server knows what to keep.
//
// `x-kubernetes-preserve-unknown-fields: true` stops pruning at that node and below (free-form
// settings, an embedded document). At the root, apiVersion, kind and metadata are always kept.
import type { JSONSchemaProps } from '../../harness/api/apiextensions.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Pruning and defaults';

/** Whether a value is a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  throw new NotImplemented('isObject', section);
}

/**
 * `value` without the fields `schema` does not declare, at every level: an object keeps its
 * `properties` (each pruned by its own schema), a map (additionalProperties) keeps every key with
 * its value pruned, an array keeps every item pruned by `items`. With
 * x-kubernetes-preserve-unknown-fields nothing is dropped here, but declared fields are still
 * pruned by their schemas. A copy; `value` is not changed.
 */
export function prune(schema: JSONSchemaProps, value: unknown): unknown {
  throw new NotImplemented('prune', section);
}

/** A whole custom object pruned: apiVersion, kind and metadata stay as they are. */
export function pruneCustomObject<T extends object>(schema: JSONSchemaProps, object: T): T {
  throw new NotImplemented('pruneCustomObject', section);
}

/**
 * `value` with the schema's defaults filled in, at every level: a property that is absent (or
 * null where the schema is not nullable) and has a `default` gets a copy of it; then every
 * property, map value and item gets its own schema's defaults. Defaults never create a parent
 * that is absent: `spec.port` is defaulted only in an object that has a `spec`. A copy.
 */
export function applyDefaults(schema: JSONSchemaProps, value: unknown): unknown {
  throw new NotImplemented('applyDefaults', section);
}
