// Patches: changing part of an object without sending all of it.
//
// A PUT replaces the whole object, so the client must GET it first and send it all back. A PATCH
// sends only the change, and the server applies it to the object as stored. Kubernetes takes three
// formats, told apart by the Content-Type:
//
//   application/merge-patch+json            RFC 7386: objects merge key by key, null deletes a
//                                           key, and a list is replaced whole
//   application/json-patch+json             RFC 6902: a list of operations on JSON pointers,
//                                           [{"op":"replace","path":"/spec/replicas","value":3}]
//   application/strategic-merge-patch+json  a merge patch that knows which lists are really
//                                           maps: containers merge by name, ports by number
//
// The third exists because of lists. `kubectl apply` changing one container's image must not
// drop the other containers, and a merge patch would replace the whole list. Kubernetes' Go types
// say which lists merge, and on which key (the patchMergeKey tags in kubernetes/api). The API
// server publishes those tags in its OpenAPI documents, and so does this course: the description
// of the served kinds (harness/api/schemas.ts) carries them, and the strategic merge here walks
// that description beside the object. See apimachinery pkg/util/strategicpatch.
//
// Patch bodies come from clients: never assign a key to an object with `object[key] = value`,
// which for the key "__proto__" changes the object's prototype: harness/api/json.ts has the
// helpers that avoid it.
//
// Errors are ApiErrors (harness/api/errors.ts): new ApiError(400, 'BadRequest', message) for a
// patch that is not well formed, new ApiError(422, 'Invalid', message) for one that cannot apply.
import { isObject, own, sameJson, setField, type JsonObject } from '../../harness/api/json.ts';
import type { Patcher } from '../../harness/api/machinery.ts';
import { fieldOf, kindTypeName, typeField, type FieldSchema } from '../../harness/api/schemas.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

// ---------------------------------------------------------------------------------------------
// JSON merge patch (RFC 7386)
// ---------------------------------------------------------------------------------------------

/**
 * `target` with `patch` merged in, as a new value (`target` is left alone): for each key of an
 * object patch, null deletes the key and anything else is merged into the target's value; a patch
 * that is not an object (a list, a string) replaces the target.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  throw new NotImplemented('mergePatch', '§ Patches');
}

// ---------------------------------------------------------------------------------------------
// JSON patch (RFC 6902)
// ---------------------------------------------------------------------------------------------

/** One step of a JSON patch. */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  /** A JSON pointer (RFC 6901): "/spec/containers/0/image"; "" is the whole document. */
  path: string;
  value?: unknown;
  /** For move and copy: where the value comes from. */
  from?: string;
}

/**
 * A JSON pointer's reference tokens: "/a~1b/c" → ["a/b", "c"] (~1 is "/", ~0 is "~"); "" → [].
 * A pointer that does not start with "/" is a 400.
 */
export function parsePointer(pointer: string): string[] {
  throw new NotImplemented('parsePointer', '§ Patches');
}

/**
 * The value `pointer` names in `document` ("" is the whole document): walk the tokens, taking a
 * key of an object or an index of a list ("0", "1", ... without leading zeros). A key that is not
 * there, or an index that is not in its list, is a 422 Invalid.
 */
export function valueAt(document: unknown, pointer: string): unknown {
  throw new NotImplemented('valueAt', '§ Patches');
}

/**
 * Adds `value` where `pointer` points, changing `document` itself: an object's key is set (or
 * replaced); a list gets the value inserted before the index (which may equal the list's length),
 * or appended for "-". Returns the document, or `value` for the pointer "" (the whole document).
 * A parent that is not there, or an index past the end of its list, is a 422 Invalid.
 */
export function addAt(document: unknown, pointer: string, value: unknown): unknown {
  throw new NotImplemented('addAt', '§ Patches');
}

/**
 * Removes what `pointer` points at, changing `document` itself: an object's key, or a list's
 * element (the ones after it move up). Returns the document. Something that is not there is a 422
 * Invalid, and so is the pointer "" (the whole document cannot be removed).
 */
export function removeAt(document: unknown, pointer: string): unknown {
  throw new NotImplemented('removeAt', '§ Patches');
}

/**
 * `target` with each operation applied in order, as a new value (work on a structuredClone, with
 * addAt, removeAt and valueAt).
 * - add: into an object, set the key; into a list, insert at the index ("-" is the end, and an
 *   index may equal the length); "" replaces the whole document.
 * - remove, replace: the path must exist. move: remove `from`, add at `path`. copy: add a copy
 *   of `from` at `path`. test: the value at `path` must equal `value`.
 * A patch that is not a list of well-formed operations ({ op, path }, plus value for add, replace
 * and test, from for move and copy) is a 400 BadRequest; an operation that cannot be applied (a
 * path that does not exist, an index out of range, a failed test) is a 422 Invalid.
 */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  throw new NotImplemented('jsonPatch', '§ Patches');
}

// ---------------------------------------------------------------------------------------------
// Strategic merge patch
// ---------------------------------------------------------------------------------------------

/**
 * How a list is patched, from its description in harness/api/schemas.ts (`list`, which the
 * strategic merge finds with fieldOf(objectField, listName)):
 * - `{ mergeKey }` when its `patchStrategy` includes "merge" and it has a `patchMergeKey`
 *   (containers by "name", a container's ports by "containerPort", a Service's ports by "port");
 * - 'union' when its `patchStrategy` includes "merge" without a key (finalizers: strings merged
 *   as a set);
 * - undefined otherwise, and for a list the description does not know (or undefined, or not an
 *   'array'): the list is replaced whole, as in a merge patch.
 * patchStrategy may name several strategies, comma-separated: "merge,retainKeys".
 */
export function listStrategy(
  list: FieldSchema | undefined,
): { mergeKey: string } | 'union' | undefined {
  throw new NotImplemented('listStrategy', '§ Patches');
}

/**
 * A list patched element by element on `mergeKey`, as a new list (`current` is left alone; it may
 * be undefined, an empty list):
 * - a patch element whose `mergeKey` value matches an element's is merged into it with `merge`;
 * - a new one is appended, as `merge(undefined, element)`;
 * - one with `"$patch": "delete"` removes the element it matches;
 * - an element `{"$patch": "replace"}` anywhere means: the list is exactly the patch's other
 *   elements (each as `merge(undefined, element)`);
 * - an element that is not an object is appended as it is.
 */
export function mergeByKey(
  current: unknown,
  patch: unknown[],
  mergeKey: string,
  merge: (current: unknown, patch: unknown) => unknown,
): unknown[] {
  throw new NotImplemented('mergeByKey', '§ Patches');
}

/**
 * `list` in the order `$setElementOrder` gives, as a new list: an element's place is where its
 * `mergeKey` value appears among the `order` elements' (or, without a merge key, where the element
 * itself appears). Elements the order does not name go last, in the order they had.
 */
export function setElementOrder(
  list: unknown[],
  order: unknown[],
  mergeKey: string | undefined,
): unknown[] {
  throw new NotImplemented('setElementOrder', '§ Patches');
}

/**
 * The directives of kubectl apply that act on an object once its keys are merged, applied to
 * `merged` in place (and returned). `object` is the object's description (a FieldSchema).
 * - `$deleteFromPrimitiveList/<list>: [...]` removes those values from the list;
 * - `$setElementOrder/<list>: [...]` orders the list with setElementOrder, on the merge key
 *   listStrategy gives for the list's description, fieldOf(object, <list>);
 * - `$retainKeys: [...]` drops every key of the object it does not name.
 * A directive about a list the object does not have does nothing.
 */
export function applyDirectives(
  merged: JsonObject,
  patch: JsonObject,
  object: FieldSchema | undefined,
): JsonObject {
  throw new NotImplemented('applyDirectives', '§ Patches');
}

/**
 * `target`, an object of the type named `type` ("io.k8s.api.core.v1.Pod"), with a strategic
 * merge patch applied, as a new value. Walk the description beside the object: start from
 * typeField(type) (or undefined when `type` is), and for each key go to fieldOf(field, key); a
 * merged list's elements are described by its field's `items`. Like mergePatch, except:
 * - a list with a merge key (listStrategy of its field) is merged with mergeByKey, each element
 *   strategically; a 'union' list gets the patch's values it lacks, at the end.
 * - in an object, `"$patch": "replace"` replaces it with the patch, `"$patch": "delete"` removes it
 *   (another `$patch` value is a 400).
 * - once an object's keys are merged, applyDirectives runs its directives.
 * - keys starting with "$" are never copied into the result.
 */
export function strategicMergePatch(
  target: unknown,
  patch: unknown,
  type: string | undefined,
): unknown {
  throw new NotImplemented('strategicMergePatch', '§ Patches');
}

/** The PATCH content types and what each means. */
export const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;

/**
 * The patcher the API server is given (harness/api/machinery.ts): contentTypes are the three
 * PATCH_TYPES; apply picks the patch by content type. A merge or strategic merge patch that is
 * not a JSON object is a 400. A strategic merge needs the type of the resource's kind:
 * kindTypeName(resource.group, resource.version, resource.kind).
 */
export function createPatcher(): Patcher {
  throw new NotImplemented('createPatcher', '§ Patches');
}
