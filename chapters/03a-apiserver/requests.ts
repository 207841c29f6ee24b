// What a request carries, read once for every handler: the body as an object of the URL's
// resource, the body's format for a PATCH, the DeleteOptions of a DELETE, the write options of
// ?dryRun, the selection of ?labelSelector and ?fieldSelector, and field validation's findings.
// Each of these reads refuses bad input with its own Status, in kube-apiserver's words.
import type { Request } from 'express';
import type { ObjectPredicate, Patcher } from '../../harness/api/machinery.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { DeleteOptions, KubeObject } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ServerContext } from './context.ts';
import type { VerbOptions } from './fields.ts';
import type { RequestInfo } from './paths.ts';
import type { WriteOptions } from './storage.ts';

/**
 * A write's options from its ?dryRun (every value, query.getAll) and, for a DELETE, the dryRun of
 * its body (`fromBody`): any value at all makes { dryRun: true }; none, {}. "All" is the only
 * value kube-apiserver knows: any other is a 422 Invalid on the verb's options kind
 * (`optionsKind`: CreateOptions, UpdateOptions, PatchOptions or DeleteOptions), worded
 * `<kind>.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"x"}: supported values:
 * "All"` (the values as Go prints a []string: quoted, joined by ", "), with details { name: "",
 * group: "meta.k8s.io", kind: <kind>, causes: [{ reason: "FieldValueNotSupported", message: the
 * part after "dryRun: ", field: "dryRun" }] }.
 */
export function writeOptionsOf(
  query: URLSearchParams,
  optionsKind: string,
  fromBody: string[] = [],
): WriteOptions {
  throw new NotImplemented('writeOptionsOf', '§ Dry run');
}

/**
 * The body (request.body holds its bytes; none is an empty buffer), decoded by the
 * options.bodyDecoders entry for its Content-Type (mediaTypeOf) if there is one, else parseBody.
 */
export function bodyOf(context: ServerContext, request: Request): unknown {
  throw new NotImplemented('bodyOf', '§ Create, get and list');
}

/**
 * The body as an object of the URL's resource (objectFromBody with the resource's apiVersion and
 * kind):
 * - a namespaced object's namespace is the URL's (a different one in the body is a 400 `the
 *   namespace of the provided object does not match the namespace sent on the request`); a
 *   cluster-scoped object has none;
 * - when the URL names the object (PUT), the name in the body must be the URL's (400 `the name
 *   of the object (<body's>) does not match the name on the URL (<URL's>)`), and is the URL's
 *   when left out;
 * - then its field validation, validateFields with `options` and wholeObject true.
 */
export function objectOf(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
  options: VerbOptions,
): KubeObject {
  throw new NotImplemented('objectOf', '§ Create, get and list');
}

/**
 * Field validation (fields.ts) of an object made from the body: fieldValidationOf(the query,
 * `options`), then checkFields(resource, object, { directive, duplicates, wholeObject }), where
 * duplicates is duplicateFields(the raw body) for a body in JSON (no Content-Type,
 * application/json, or a merge or strategic merge patch), else []. Each warning it returns goes
 * out in a `warning` response header (warningHeader), all in one setHeader on request.res.
 */
export function validateFields(
  request: Request,
  options: VerbOptions,
  resource: ResourceType,
  object: KubeObject,
  wholeObject: boolean,
): void {
  throw new NotImplemented('validateFields', '§ Create, get and list');
}

/**
 * A PATCH's body: its Content-Type (mediaTypeOf) must be one of options.patcher's contentTypes,
 * unsupportedMediaType (415) listing them otherwise (an empty list without a patcher); the body
 * parsed as JSON. Returns the three together.
 */
export function patchOf(
  context: ServerContext,
  request: Request,
): { contentType: string; patch: unknown; patcher: Patcher } {
  throw new NotImplemented('patchOf', '§ Collaborators');
}

/**
 * A patched object must still be the same object: it has a metadata object (400 `the patched
 * object has no metadata` otherwise) with the name and namespace of `current` (400 `a patch may
 * not change metadata.name or metadata.namespace` otherwise).
 */
export function keepIdentity(patched: KubeObject, current: KubeObject): void {
  throw new NotImplemented('keepIdentity', '§ Collaborators');
}

/**
 * The DeleteOptions a DELETE carries in its body: {} when there is none; a body read as bodyOf
 * reads it otherwise, which must be an object (400 `the body of a DELETE must be DeleteOptions`).
 */
export function deleteOptionsOf(context: ServerContext, request: Request): DeleteOptions {
  throw new NotImplemented('deleteOptionsOf', '§ Update and delete');
}

/**
 * The query's ?labelSelector and ?fieldSelector (for this resource) compiled by options.selectors
 * into one predicate: an object is selected when every given selector selects it; everything
 * when there are none. Without options.selectors, a selector is a 400 that says chapter 03b adds
 * them (`labelSelector is not supported by this server (chapter 03b adds selectors)`, and the
 * same for fieldSelector).
 */
export function selectionOf(
  context: ServerContext,
  query: URLSearchParams,
  resource: ResourceType,
): ObjectPredicate {
  throw new NotImplemented('selectionOf', '§ Create, get and list');
}
