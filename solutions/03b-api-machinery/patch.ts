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
import { ApiError } from '../../harness/api/errors.ts';
import { isObject, own, sameJson, setField, type JsonObject } from '../../harness/api/json.ts';
import type { Patcher } from '../../harness/api/machinery.ts';
import { fieldOf, kindTypeName, typeField, type FieldSchema } from '../../harness/api/schemas.ts';
import type { KubeObject } from '../../harness/api/types.ts';

const badPatch = (message: string) => new ApiError(400, 'BadRequest', message);
const cannotApply = (message: string) => new ApiError(422, 'Invalid', message);

// ---------------------------------------------------------------------------------------------
// JSON merge patch (RFC 7386)
// ---------------------------------------------------------------------------------------------

/**
 * `target` with `patch` merged in, as a new value: for each key of an object patch, null deletes
 * the key and anything else is merged into the target's value; a patch that is not an object
 * (a list, a string) replaces the target.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const result: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setField(result, key, mergePatch(own(result, key), value));
  }
  return result;
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

/** A JSON pointer's reference tokens: "/a~1b/c" → ["a/b", "c"] (~1 is "/", ~0 is "~"). */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw badPatch(`"${pointer}" is not a JSON pointer: it must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The index a token names in a list: digits without leading zeros, below `limit`. */
function indexIn(list: unknown[], token: string, pointer: string, limit = list.length - 1): number {
  if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) > limit) {
    throw cannotApply(`"${pointer}": no element "${token}" in a list of ${list.length}`);
  }
  return Number(token);
}

/** The container (object or list) that holds what `tokens` points at, and the last token. */
function parentOf(
  document: unknown,
  tokens: string[],
  pointer: string,
): [JsonObject | unknown[], string] {
  let container: unknown = document;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(container)) container = container[indexIn(container, token, pointer)];
    else if (isObject(container) && Object.hasOwn(container, token)) container = container[token];
    else throw cannotApply(`"${pointer}": "${token}" does not exist`);
  }
  if (!isObject(container) && !Array.isArray(container)) {
    throw cannotApply(`"${pointer}": its parent is not an object or a list`);
  }
  return [container, tokens.at(-1)!];
}

/**
 * The value `pointer` names in `document` ("" is the whole document). A key that is not there,
 * or an index that is not in its list, is a 422 Invalid.
 */
export function valueAt(document: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return document;
  const [container, last] = parentOf(document, tokens, pointer);
  if (Array.isArray(container)) return container[indexIn(container, last, pointer)];
  if (!Object.hasOwn(container, last)) throw cannotApply(`"${pointer}" does not exist`);
  return container[last];
}

/**
 * Adds `value` where `pointer` points, changing `document` itself: an object's key is set (or
 * replaced); a list gets the value inserted before the index, or appended for "-". Returns the
 * document, or `value` for the pointer "" (the whole document). A parent that is not there, or an
 * index past the end of its list, is a 422 Invalid.
 */
export function addAt(document: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const [container, last] = parentOf(document, tokens, pointer);
  if (Array.isArray(container)) {
    const index =
      last === '-' ? container.length : indexIn(container, last, pointer, container.length);
    container.splice(index, 0, value);
  } else {
    setField(container, last, value);
  }
  return document;
}

/**
 * Removes what `pointer` points at, changing `document` itself: an object's key, or a list's
 * element (the ones after it move up). Returns the document. Something that is not there is a 422
 * Invalid, and so is the pointer "" (the whole document cannot be removed).
 */
export function removeAt(document: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw cannotApply('cannot remove the whole document');
  const [container, last] = parentOf(document, tokens, pointer);
  if (Array.isArray(container)) {
    container.splice(indexIn(container, last, pointer), 1);
  } else {
    if (!Object.hasOwn(container, last)) throw cannotApply(`"${pointer}" does not exist`);
    delete container[last];
  }
  return document;
}

/**
 * `target` with each operation applied in order, as a new value. A patch that is not a list of
 * operations is a 400; an operation that cannot be applied (a path that does not exist, a test
 * that fails) is a 422, and nothing of the patch applies.
 */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw badPatch('a JSON patch must be a list of operations');
  let document = structuredClone(target);
  for (const operation of operations) {
    if (
      !isObject(operation) ||
      typeof operation.op !== 'string' ||
      typeof operation.path !== 'string'
    ) {
      throw badPatch(`not a JSON patch operation: ${JSON.stringify(operation)}`);
    }
    const { op, path } = operation;
    const from = typeof operation.from === 'string' ? operation.from : undefined;
    const needsValue = op === 'add' || op === 'replace' || op === 'test';
    if (needsValue && !Object.hasOwn(operation, 'value')) throw badPatch(`"${op}" needs a value`);
    if ((op === 'move' || op === 'copy') && from === undefined)
      throw badPatch(`"${op}" needs "from"`);
    const value = structuredClone(operation.value);
    switch (op) {
      case 'add':
        document = addAt(document, path, value);
        break;
      case 'remove':
        document = removeAt(document, path);
        break;
      case 'replace':
        valueAt(document, path);
        document = addAt(path === '' ? document : removeAt(document, path), path, value);
        break;
      case 'move': {
        const moved = valueAt(document, from!);
        document = addAt(removeAt(document, from!), path, moved);
        break;
      }
      case 'copy':
        document = addAt(document, path, structuredClone(valueAt(document, from!)));
        break;
      case 'test':
        if (!sameJson(valueAt(document, path), value)) {
          throw cannotApply(`testing value ${path} failed: it is not ${JSON.stringify(value)}`);
        }
        break;
      default:
        throw badPatch(`unknown JSON patch operation "${op}"`);
    }
  }
  return document;
}

// ---------------------------------------------------------------------------------------------
// Strategic merge patch
// ---------------------------------------------------------------------------------------------

/**
 * How a list is patched, from its description (`list`, found with fieldOf): merged by its
 * `patchMergeKey` when its `patchStrategy` includes "merge"; unioned as a set when it merges
 * without a key (a list of strings, such as finalizers); otherwise (undefined) replaced whole,
 * as in a merge patch. A list the description does not know is replaced too.
 */
export function listStrategy(
  list: FieldSchema | undefined,
): { mergeKey: string } | 'union' | undefined {
  if (list?.type !== 'array' || !list.patchStrategy?.split(',').includes('merge')) return undefined;
  return list.patchMergeKey ? { mergeKey: list.patchMergeKey } : 'union';
}

/** Marks "delete this field" coming back from a nested `$patch: delete`. */
const DELETE = Symbol('delete');

/**
 * A list patched element by element on `mergeKey`, as a new list: a patch element whose key is
 * already there is merged into it with `merge`, a new one is appended (merged into nothing), and
 * one with `"$patch": "delete"` removes the element with its key. An element `{"$patch":
 * "replace"}` means: the list is exactly the patch's other elements. Elements that are not
 * objects are appended.
 */
export function mergeByKey(
  current: unknown,
  patch: unknown[],
  mergeKey: string,
  merge: (current: unknown, patch: unknown) => unknown,
): unknown[] {
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return patch
      .filter((item) => !(isObject(item) && item.$patch === 'replace'))
      .map((item) => merge(undefined, item));
  }
  const result = Array.isArray(current) ? structuredClone(current) : [];
  for (const item of patch) {
    if (!isObject(item)) {
      result.push(structuredClone(item));
      continue;
    }
    const index = result.findIndex(
      (existing) => isObject(existing) && sameJson(own(existing, mergeKey), own(item, mergeKey)),
    );
    if (item.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) {
      result[index] = merge(result[index], item);
    } else {
      result.push(merge(undefined, item));
    }
  }
  return result;
}

/**
 * `list` in the order `$setElementOrder` gives, as a new list: elements are matched on their
 * `mergeKey` (or compared whole, without one); elements the order does not name go last, in the
 * order they had.
 */
export function setElementOrder(
  list: unknown[],
  order: unknown[],
  mergeKey: string | undefined,
): unknown[] {
  const keyOf = (item: unknown) => (mergeKey && isObject(item) ? own(item, mergeKey) : item);
  const rank = (item: unknown) => {
    const at = order.findIndex((wanted) => sameJson(keyOf(wanted), keyOf(item)));
    return at < 0 ? order.length : at;
  };
  return list
    .map((item, index) => ({ item, index }))
    .sort((a, b) => rank(a.item) - rank(b.item) || a.index - b.index)
    .map(({ item }) => item);
}

/**
 * The directives of kubectl apply that act on an object once its keys are merged, applied to
 * `merged` in place (and returned): `$deleteFromPrimitiveList/<list>: [...]` removes those values
 * from the list, `$setElementOrder/<list>: [...]` orders the list (on the merge key listStrategy
 * gives for the list's field in `object`, the object's description), and `$retainKeys: [...]`
 * drops every key of the object it does not name.
 */
export function applyDirectives(
  merged: JsonObject,
  patch: JsonObject,
  object: FieldSchema | undefined,
): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    const [, directive, name] =
      /^\$(deleteFromPrimitiveList|setElementOrder)\/(.+)$/.exec(key) ?? [];
    const list = name === undefined ? undefined : own(merged, name);
    if (!Array.isArray(value) || !Array.isArray(list)) continue;
    if (directive === 'deleteFromPrimitiveList') {
      const kept = list.filter((item) => !value.some((gone) => sameJson(gone, item)));
      setField(merged, name!, kept);
    } else {
      const strategy = listStrategy(fieldOf(object, name!));
      const mergeKey = typeof strategy === 'object' ? strategy.mergeKey : undefined;
      setField(merged, name!, setElementOrder(list, value, mergeKey));
    }
  }
  const retainKeys = patch.$retainKeys;
  if (Array.isArray(retainKeys)) {
    for (const key of Object.keys(merged)) if (!retainKeys.includes(key)) delete merged[key];
  }
  return merged;
}

/** The strategic merge of one value, whose description is `field`. */
function strategicMerge(target: unknown, patch: unknown, field: FieldSchema | undefined): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const directive = patch.$patch;
  if (directive === 'delete') return DELETE;
  if (directive === 'replace')
    return strategicMerge(undefined, { ...patch, $patch: undefined }, field);
  if (directive !== undefined && directive !== 'merge')
    throw badPatch(`unknown $patch directive "${String(directive)}"`);

  const result: JsonObject = isObject(target) ? structuredClone(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$') || value === undefined) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const inner = fieldOf(field, key);
    const strategy = Array.isArray(value) ? listStrategy(inner) : undefined;
    if (strategy === 'union') {
      const current = own(result, key);
      const union = Array.isArray(current) ? [...current] : [];
      for (const item of value as unknown[])
        if (!union.some((existing) => sameJson(existing, item))) union.push(item);
      setField(result, key, union);
    } else if (strategy) {
      const merge = (current: unknown, item: unknown) =>
        strategicMerge(current, item, inner?.items);
      setField(
        result,
        key,
        mergeByKey(own(result, key), value as unknown[], strategy.mergeKey, merge),
      );
    } else {
      const merged = strategicMerge(own(result, key), value, inner);
      if (merged === DELETE) delete result[key];
      else setField(result, key, merged);
    }
  }
  return applyDirectives(result, patch, field);
}

/**
 * `target`, an object of the type named `type` ("io.k8s.api.core.v1.Pod"; see kindTypeName),
 * with a strategic merge patch applied, as a new value. Like mergePatch, except (for a type that
 * is not described, undefined, every list is replaced whole):
 * - lists whose description says they merge by a key (listStrategy) are merged element by
 *   element (an element with `"$patch": "delete"` is removed; one with `"$patch": "replace"`
 *   makes the list exactly the patch's elements), and lists of strings that merge are unioned;
 * - `"$patch": "replace"` in an object replaces it, `"$patch": "delete"` removes it;
 * - `$setElementOrder/<list>` orders a merged list, `$deleteFromPrimitiveList/<list>` removes
 *   strings from one, and `$retainKeys` drops every key of the object it does not list.
 */
export function strategicMergePatch(
  target: unknown,
  patch: unknown,
  type: string | undefined,
): unknown {
  const result = strategicMerge(target, patch, type === undefined ? undefined : typeField(type));
  return result === DELETE ? {} : result;
}

/** The PATCH content types and what each means. */
export const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;

/** The patcher the API server is given (harness/api/machinery.ts). */
export function createPatcher(): Patcher {
  return {
    contentTypes: Object.values(PATCH_TYPES),
    apply(contentType, current, patch, resource) {
      if (contentType === PATCH_TYPES.json) return jsonPatch(current, patch) as KubeObject;
      if (!isObject(patch)) throw badPatch('a merge patch must be a JSON object');
      if (contentType === PATCH_TYPES.merge) return mergePatch(current, patch) as KubeObject;
      const type = kindTypeName(resource.group, resource.version, resource.kind);
      return strategicMergePatch(current, patch, type) as KubeObject;
    },
  };
}
