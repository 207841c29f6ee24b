// One handler per verb, as kube-apiserver has (k8s.io/apiserver pkg/endpoints/handlers: get.go,
// create.go, update.go, patch.go, delete.go, watch.go). Each reads what its request carries
// (requests.ts), passes writes through admission (filters.ts) and the resource's strategy and
// hooks (strategy.ts), and stores with a compare (storage.ts). None asks which resource it
// serves: what differs by resource is in its strategy.
//
// The file reads in the order of the lesson: get, create and list; update and delete; watch;
// and patch, which needs chapter 03b's patcher. Helpers of your own serve several handlers: the
// resource's registration (context.registry.get), a 422 from a strategy's errors (invalid in
// status.ts), and one update that PUT and PATCH share.
import type { Request, Response } from 'express';
import type { Table } from '../../harness/api/tables.ts';
import type { DeleteOptions, KubeObject, List, Status } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import { answer, type ServerContext } from './context.ts';
import type { Verb } from './filters.ts';
import type { RequestInfo } from './paths.ts';
import type { Preconditions, WriteOptions } from './storage.ts';

/** A verb's handler: it answers the request itself. */
export type VerbHandler = (
  context: ServerContext,
  request: Request,
  response: Response,
  info: RequestInfo,
  query: URLSearchParams,
) => Promise<void>;

/** The handler of each verb, on a collection and on one object; a verb not here is a 405. */
export const verbHandlers: {
  collection: Partial<Record<Verb, VerbHandler>>;
  object: Partial<Record<Verb, VerbHandler>>;
} = {
  collection: {
    list: async (context, request, response, info, query) =>
      answer(response, 200, await listObjects(context, request, info, query)),
    watch: (context, request, response, info, query) =>
      watchCollection(context, request, response, info, query),
    create: async (context, request, response, info) =>
      answer(response, 201, await createObject(context, request, info)),
    deletecollection: async (context, request, response, info, query) =>
      answer(response, 200, await deleteCollection(context, request, info, query)),
  },
  object: {
    get: async (context, request, response, info, query) =>
      answer(response, 200, await getObject(context, request, info, query)),
    update: async (context, request, response, info) =>
      answer(response, 200, await replaceObject(context, request, info)),
    patch: async (context, request, response, info) =>
      answer(response, 200, await patchObject(context, request, info)),
    delete: async (context, request, response, info) =>
      answer(response, 200, await deleteObject(context, request, info)),
  },
};

// ---------------------------------------------------------------------------------------------
// Get, create and list
// ---------------------------------------------------------------------------------------------

/**
 * GET of one object: the object as stored, or, when the Accept header asks for a Table
 * (wantsTable in harness/api/tables.ts), tableOf it. A ?resourceVersion that parseResourceVersion
 * refuses is a 400.
 */
export async function getObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<KubeObject | Table> {
  throw new NotImplemented('getObject', '§ Create, get and list');
}

/**
 * POST on a collection; returns the object as stored.
 * - A namespaced resource is created inside a namespace, never in the list across all of them
 *   (methodNotAllowed, 405).
 * - writeOptionsOf(the query, "CreateOptions") (§ Dry run), then the body: objectOf with
 *   "CreateOptions".
 * - admit (filters.ts) a CREATE of it: NamespaceLifecycle refuses a namespace that does not exist.
 * - The resource's strategy (context.registry): prepareForCreate → validate (a non-empty list is
 *   invalid, 422) → hooks.beginCreate → storage.create with the write options.
 * - A name drawn from generateName that is taken (AlreadyExists) is drawn again, up to 8 tries.
 * - A create that stored nothing, because it failed or was a dry run, is given back to the hooks
 *   (hooks.revertCreate of what beginCreate answered): a Service keeps no address it did not get.
 */
export async function createObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject> {
  throw new NotImplemented('createObject', '§ Create, get and list');
}

/**
 * GET on a collection: the objects the query's selection chooses (selectionOf), as a List whose
 * apiVersion is the resource's, whose kind is the Kind plus "List", and whose
 * metadata.resourceVersion is the revision the list was read at (items: [] when there are none).
 * - ?limit (a non-negative integer, else 400 `limit must be a non-negative integer, not "<x>"`;
 *   0 or none: everything) and ?continue go to storage.list; with a next page, the metadata
 *   also gets continue and remainingItemCount.
 * - When the Accept header asks for a Table: tableOf the items, with the list's metadata.
 * - A ?resourceVersion that parseResourceVersion refuses is a 400.
 */
export async function listObjects(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<List | Table> {
  throw new NotImplemented('listObjects', '§ Create, get and list');
}

/**
 * `kubectl get` asks for a Table: toTable (harness/api/tables.ts) of the objects, with now from
 * the context's clock, includeObject from the query, and listMeta.
 */
export function tableOf(
  context: ServerContext,
  info: RequestInfo,
  objects: KubeObject[],
  query: URLSearchParams,
  listMeta?: List['metadata'],
): Table {
  throw new NotImplemented('tableOf', '§ Create, get and list');
}

// ---------------------------------------------------------------------------------------------
// Update and delete
// ---------------------------------------------------------------------------------------------

/**
 * PUT of an object; returns it as stored.
 * - writeOptionsOf(the query, "UpdateOptions"), then the body: objectOf with "UpdateOptions";
 *   admit an UPDATE of it.
 * - In storage.update's tryUpdate, on a copy of the body: the strategy's prepareForUpdate →
 *   validateUpdate (422 invalid) → hooks.beginUpdate. The body's resourceVersion, if any, stays
 *   on what tryUpdate returns: storage.update compares it.
 * - A write that stored nothing (it failed, or was a dry run): hooks.revertUpdate. One that
 *   stored: hooks.afterUpdate(info, the object tryUpdate last read, the stored object), where
 *   the orphan finalizer removes an object whose last finalizer this update took.
 * PATCH does the same with another next state: write the update once, for both.
 */
export async function replaceObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject> {
  throw new NotImplemented('replaceObject', '§ Update and delete');
}

/**
 * DELETE of an object: deleteWithOptions with the DeleteOptions of its body (deleteOptionsOf)
 * and the query.
 */
export async function deleteObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject | Status> {
  throw new NotImplemented('deleteObject', '§ Update and delete');
}

/**
 * A DELETE of one object with these DeleteOptions. In this order:
 * - writeOptionsOf(query, "DeleteOptions", the options' dryRun) (§ Dry run);
 * - admit a DELETE of it (NamespaceLifecycle keeps default, kube-system and kube-public);
 * - hooks.beforeDelete: an object it marks instead (the orphan finalizer) is the answer;
 * - a strategy with a gracePeriod (pods): read the object; above 0, markForDeletion answers;
 * - otherwise storage.delete with the options' preconditions, then (unless a dry run)
 *   hooks.afterDelete. A resource that returnsDeletedObject (pods) answers with the deleted
 *   object, others with a Status { kind: "Status", apiVersion: "v1", metadata: {}, status:
 *   "Success", details: { name, group (not for the core group), kind: the resource, uid } }.
 */
export async function deleteWithOptions(
  context: ServerContext,
  info: RequestInfo,
  options: DeleteOptions,
  query: URLSearchParams,
): Promise<KubeObject | Status> {
  throw new NotImplemented('deleteWithOptions', '§ Update and delete');
}

/**
 * A graceful delete: inside storage.update, the pod is not removed but marked, with
 * metadata.deletionTimestamp (the clock's now + grace, RFC 3339 in whole seconds: rfc3339 in
 * harness/clock.ts) and metadata.deletionGracePeriodSeconds (grace); its kubelet stops its
 * containers and then deletes it with grace 0. A pod marked already with a grace no longer than
 * this one is left as it is. The preconditions must hold (checkPreconditions). Returns the
 * marked pod.
 */
export function markForDeletion(
  context: ServerContext,
  info: RequestInfo,
  grace: number,
  preconditions: Preconditions,
  writeOptions: WriteOptions = {},
): Promise<KubeObject> {
  throw new NotImplemented('markForDeletion', '§ Update and delete');
}

/**
 * DELETE on a collection (deletecollection): every object the query's selection chooses,
 * deleted one by one as a DELETE of it would be (deleteWithOptions, with the DeleteOptions of the
 * request's body, less their preconditions, which name one object): a pod on a node is marked for
 * its grace period, propagationPolicy Orphan leaves its finalizer, a dryRun in the body or the
 * query deletes nothing, and a Service gives back its addresses. One deleted meanwhile by someone
 * else is fine. Answers the `<Kind>List` of what was deleted (each object as deleteWithOptions
 * answered it, or as listed when that answer is a Status), at the revision of the list it read.
 * A resource whose strategy says deleteCollection: false (namespaces) has no such verb
 * (methodNotAllowed, 405).
 */
export async function deleteCollection(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<List> {
  throw new NotImplemented('deleteCollection', '§ Update and delete');
}

// ---------------------------------------------------------------------------------------------
// Watch
// ---------------------------------------------------------------------------------------------

/**
 * GET on a collection with ?watch: serveWatch with parseWatchParameters(query) and a
 * WatchContext of the context's watch source, the resource and namespace, the query's selection,
 * timers, random and bookmarkIntervalMs (one minute by default); when the Accept header asks for
 * a Table, watchTables as its transform. The stop() serveWatch returns goes into
 * context.watches until the response closes.
 */
export async function watchCollection(
  context: ServerContext,
  request: Request,
  response: Response,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<void> {
  throw new NotImplemented('watchCollection', '§ Watch');
}

/**
 * The transform of a watch for `kubectl get -w`: each object as tableOf that one object, with
 * listMeta { resourceVersion: the object's }, and columnDefinitions [] in every Table after the
 * first (`first` says which), as kube-apiserver saves sending them again.
 */
export function watchTables(
  context: ServerContext,
  info: RequestInfo,
  query: URLSearchParams,
): (object: KubeObject, first: boolean) => Table {
  throw new NotImplemented('watchTables', '§ Watch');
}

// ---------------------------------------------------------------------------------------------
// Patch (chapter 03b provides the patcher)
// ---------------------------------------------------------------------------------------------

/**
 * PATCH of an object; returns it as stored. writeOptionsOf(the query, "PatchOptions"); the body
 * (patchOf: 415 for a format the patcher does not take); admit an UPDATE. Then as replaceObject,
 * with the next state patcher.apply(contentType, current, patch, resource), which must keep its
 * identity (keepIdentity) and passes field validation (validateFields with "PatchOptions",
 * wholeObject false).
 */
export async function patchObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject> {
  throw new NotImplemented('patchObject', '§ Collaborators');
}
