// One handler per verb, as kube-apiserver has (k8s.io/apiserver pkg/endpoints/handlers: get.go,
// create.go, update.go, patch.go, delete.go, watch.go). Each reads what its request carries
// (requests.ts), passes writes through admission (filters.ts) and the resource's strategy and
// hooks (strategy.ts), and stores with a compare (storage.ts). None asks which resource it
// serves: what differs by resource is in its strategy.
//
// The file reads in the order of the lesson: get, create and list; update and delete; watch;
// and patch, which needs chapter 03b's patcher.
import type { Request, Response } from 'express';
import { ApiError, type FieldError } from '../../harness/api/errors.ts';
import { apiVersionOf, type ResourceType } from '../../harness/api/resources.ts';
import { toTable, wantsTable, type Table } from '../../harness/api/tables.ts';
import type { DeleteOptions, KubeObject, List, Status } from '../../harness/api/types.ts';
import { rfc3339 } from '../../harness/clock.ts';
import { answer, queryOf, type ServerContext } from './context.ts';
import { admit, type Verb } from './filters.ts';
import { parseResourceVersion, type RequestInfo } from './paths.ts';
import {
  deleteOptionsOf,
  keepIdentity,
  objectOf,
  patchOf,
  selectionOf,
  validateFields,
  writeOptionsOf,
} from './requests.ts';
import { badRequest, invalid, methodNotAllowed } from './status.ts';
import { checkPreconditions, type Preconditions, type WriteOptions } from './storage.ts';
import type { ResourceRegistration } from './strategy.ts';
import { parseWatchParameters, serveWatch } from './watch.ts';

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

/** The resource's strategy and hooks. */
function registrationOf(context: ServerContext, resource: ResourceType): ResourceRegistration {
  return context.registry.get(resource)!;
}

/** 422 Invalid listing every rule the object breaks, if it breaks any. */
function checkValid(resource: ResourceType, object: KubeObject, errors: FieldError[]): void {
  if (errors.length > 0) throw invalid(resource, object.metadata.name ?? '', errors);
}

// ---------------------------------------------------------------------------------------------
// Get, create and list
// ---------------------------------------------------------------------------------------------

/** GET of one object: the object as stored, or a Table of it when the client asks for one. */
export async function getObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<KubeObject | Table> {
  parseResourceVersion(query);
  const object = await context.storage.get(info.resource, info.namespace, info.name!);
  return wantsTable(request.get('accept')) ? tableOf(context, info, [object], query) : object;
}

/**
 * POST on a collection: the object from the body, in the URL's namespace, admitted, made ready
 * and validated by the resource's strategy, passed to its hooks, and stored. Returns it as
 * stored.
 */
export async function createObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject> {
  const { resource } = info;
  // Objects are created inside a namespace, never in the list across all of them.
  if (resource.namespaced && info.namespace === undefined) throw methodNotAllowed();
  const writeOptions = writeOptionsOf(queryOf(request.originalUrl), 'CreateOptions');
  const object = objectOf(context, request, info, 'CreateOptions');
  await admit(context, { operation: 'CREATE', info, object });
  const { strategy, hooks } = registrationOf(context, resource);
  // A generated name may already be taken: draw another a few times, as kube-apiserver does.
  for (let attempt = 1; ; attempt++) {
    const prepared = strategy.prepareForCreate(object, context.makers);
    checkValid(resource, prepared, strategy.validate(prepared));
    const begun = hooks.beginCreate(prepared);
    try {
      const stored = await context.storage.create(resource, begun, writeOptions);
      // A dry run shows what the hooks would give (a Service's addresses), but keeps none.
      if (writeOptions.dryRun) hooks.revertCreate(begun);
      return stored;
    } catch (error) {
      hooks.revertCreate(begun);
      const taken = error instanceof ApiError && error.reason === 'AlreadyExists';
      if (!taken || object.metadata.name || attempt >= 8) throw error;
    }
  }
}

/** ?limit=N: a page of at most N objects (kubectl asks for 500 at a time); 0 or none: all. */
function limitOf(query: URLSearchParams): number {
  const text = query.get('limit');
  if (text === null || text === '') return 0;
  if (!/^\d+$/.test(text)) throw badRequest(`limit must be a non-negative integer, not "${text}"`);
  return Number(text);
}

/**
 * GET on a collection: a `<Kind>List` of the objects the selectors choose, whose resourceVersion
 * is the revision it was read at; with ?limit, one page of it (continue, remainingItemCount). A
 * Table of them when the client asks for one.
 */
export async function listObjects(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<List | Table> {
  parseResourceVersion(query);
  const selected = selectionOf(context, query, info.resource);
  const page = await context.storage.list(info.resource, info.namespace, {
    limit: limitOf(query),
    continue: query.get('continue') || undefined,
  });
  const metadata: List['metadata'] = { resourceVersion: String(page.revision) };
  if (page.continue) {
    metadata.continue = page.continue;
    metadata.remainingItemCount = page.remainingItemCount;
  }
  // Selectors filter each page after it is read, so a page may hold fewer than `limit`.
  const items = page.items.filter(selected);
  if (wantsTable(request.get('accept'))) return tableOf(context, info, items, query, metadata);
  return {
    apiVersion: apiVersionOf(info.resource),
    kind: `${info.resource.kind}List`,
    metadata,
    items,
  };
}

/**
 * `kubectl get` asks for a Table: the columns to print, worked out by the server
 * (harness/api/tables.ts), with the clock's now for AGE and the query's includeObject.
 */
export function tableOf(
  context: ServerContext,
  info: RequestInfo,
  objects: KubeObject[],
  query: URLSearchParams,
  listMeta?: List['metadata'],
): Table {
  return toTable(info.resource, objects, {
    now: context.makers.clock.now(),
    includeObject: query.get('includeObject'),
    listMeta,
  });
}

// ---------------------------------------------------------------------------------------------
// Update and delete
// ---------------------------------------------------------------------------------------------

/**
 * An update of one object, for PUT and PATCH: inside storage.update, `change` makes the next
 * state of the stored object, the strategy makes it ready and validates it, and the hooks see
 * it. A write that stored nothing (failed, or a dry run) is reverted in the hooks; one that
 * stored is followed by the hooks' afterUpdate. Returns the object as stored.
 */
async function updateObject(
  context: ServerContext,
  info: RequestInfo,
  writeOptions: WriteOptions,
  change: (current: KubeObject) => KubeObject,
): Promise<KubeObject> {
  const { resource } = info;
  const { strategy, hooks } = registrationOf(context, resource);
  let before: KubeObject | undefined;
  let stored: KubeObject;
  try {
    stored = await context.storage.update(
      resource,
      info.namespace,
      info.name!,
      (current) => {
        before = current;
        const prepared = strategy.prepareForUpdate(current, change(current));
        checkValid(resource, prepared, strategy.validateUpdate(prepared, current));
        return hooks.beginUpdate(current, prepared);
      },
      writeOptions,
    );
  } catch (error) {
    await hooks.revertUpdate();
    throw error;
  }
  if (writeOptions.dryRun) await hooks.revertUpdate();
  else await hooks.afterUpdate(info, before!, stored);
  return stored;
}

/**
 * PUT of an object: the body replaces it, made ready and checked by the strategy (the server's
 * fields and the status kept, generation moved when the spec changed). The body's
 * resourceVersion, if any, is the precondition. Returns the object as stored.
 */
export async function replaceObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject> {
  const writeOptions = writeOptionsOf(queryOf(request.originalUrl), 'UpdateOptions');
  const object = objectOf(context, request, info, 'UpdateOptions');
  await admit(context, { operation: 'UPDATE', info, object });
  return updateObject(context, info, writeOptions, () => structuredClone(object));
}

/** The Status of a successful delete of an object that is not returned itself. */
function deleted(resource: ResourceType, object: KubeObject): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: object.metadata.name,
      ...(resource.group === '' ? {} : { group: resource.group }),
      kind: resource.resource,
      uid: object.metadata.uid,
    },
  };
}

/**
 * DELETE of an object, with the DeleteOptions of its body: its preconditions, a hook that marks
 * instead of removing (the orphan finalizer), and the strategy's grace period (pods). Pods
 * answer with the deleted pod, others with a Success Status naming the object.
 */
export async function deleteObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject | Status> {
  const query = queryOf(request.originalUrl);
  return deleteWithOptions(context, info, deleteOptionsOf(context, request), query);
}

/** A DELETE of one object with these DeleteOptions (and the query's dryRun), as deleteObject. */
export async function deleteWithOptions(
  context: ServerContext,
  info: RequestInfo,
  options: DeleteOptions,
  query: URLSearchParams,
): Promise<KubeObject | Status> {
  const { resource, namespace, name } = info;
  const preconditions = options.preconditions ?? {};
  const writeOptions = writeOptionsOf(query, 'DeleteOptions', options.dryRun);
  await admit(context, { operation: 'DELETE', info });
  const { strategy, hooks } = registrationOf(context, resource);
  const marked = await hooks.beforeDelete(info, options, writeOptions);
  if (marked) return marked;
  if (strategy.gracePeriod) {
    const grace = strategy.gracePeriod(
      await context.storage.get(resource, namespace, name!),
      options,
    );
    if (grace > 0) return markForDeletion(context, info, grace, preconditions, writeOptions);
  }
  const last = await removeObject(context, info, preconditions, writeOptions);
  return resource.returnsDeletedObject ? last : deleted(resource, last);
}

/**
 * The last step of a delete: the object leaves the store, then (unless a dry run) the hooks'
 * afterDelete runs (the Service allocator gives the addresses back), as kube's generic store runs
 * AfterDelete. Returns the object as it was last stored.
 */
async function removeObject(
  context: ServerContext,
  { resource, namespace, name }: RequestInfo,
  preconditions: Preconditions,
  writeOptions: WriteOptions,
): Promise<KubeObject> {
  const last = await context.storage.delete(
    resource,
    namespace,
    name!,
    preconditions,
    writeOptions,
  );
  if (!writeOptions.dryRun) registrationOf(context, resource).hooks.afterDelete(last);
  return last;
}

/**
 * A graceful delete: the pod is not removed but marked, deletionTimestamp (now + grace) and
 * deletionGracePeriodSeconds, so that its kubelet stops its containers and then deletes it for
 * good. A pod marked already with a grace no longer than this one stays as it is. Returns the
 * marked pod.
 */
export function markForDeletion(
  context: ServerContext,
  info: RequestInfo,
  grace: number,
  preconditions: Preconditions,
  writeOptions: WriteOptions = {},
): Promise<KubeObject> {
  const { resource, namespace, name } = info;
  return context.storage.update(
    resource,
    namespace,
    name!,
    (current) => {
      checkPreconditions(resource, current, preconditions);
      const before = current.metadata.deletionGracePeriodSeconds;
      if (before !== undefined && before <= grace) return current;
      current.metadata.deletionTimestamp = rfc3339(context.makers.clock.now() + grace * 1000);
      current.metadata.deletionGracePeriodSeconds = grace;
      delete current.metadata.resourceVersion;
      return current;
    },
    writeOptions,
  );
}

/**
 * DELETE on a collection (deletecollection): every object the selectors choose, deleted one by
 * one as a DELETE of it would be, with the body's DeleteOptions (less their preconditions, which
 * name one object): pods on a node are marked for their grace, finalizers and dry runs apply, as
 * kube's DeleteCollection calls Delete for each object. Answers the List of what was deleted, as
 * kube-apiserver does. A resource whose strategy does not serve it (namespaces) answers 405.
 */
export async function deleteCollection(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<List> {
  const { resource } = info;
  if (!registrationOf(context, resource).strategy.deleteCollection) throw methodNotAllowed();
  const options = { ...deleteOptionsOf(context, request), preconditions: undefined };
  const selected = selectionOf(context, query, resource);
  const { items, revision } = await context.storage.list(resource, info.namespace);
  const removed: KubeObject[] = [];
  for (const object of items.filter(selected)) {
    const { namespace, name } = object.metadata;
    try {
      const answer = await deleteWithOptions(context, { ...info, namespace, name }, options, query);
      removed.push(answer.kind === 'Status' ? object : (answer as KubeObject));
    } catch (error) {
      // Deleted meanwhile by someone else: that is what was asked.
      if (!(error instanceof ApiError && error.code === 404)) throw error;
    }
  }
  return {
    apiVersion: apiVersionOf(resource),
    kind: `${resource.kind}List`,
    metadata: { resourceVersion: String(revision) },
    items: removed,
  };
}

// ---------------------------------------------------------------------------------------------
// Watch
// ---------------------------------------------------------------------------------------------

/**
 * GET on a collection with ?watch: serves the watch (serveWatch) from the watch source, with the
 * query's selection, and Tables for `kubectl get -w`. The watch is remembered until it ends, so
 * that close() can end it.
 */
export async function watchCollection(
  context: ServerContext,
  request: Request,
  response: Response,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<void> {
  const stop = await serveWatch(response, parseWatchParameters(query), {
    storage: context.watchSource,
    resource: info.resource,
    namespace: info.namespace,
    selected: selectionOf(context, query, info.resource),
    timers: context.timers,
    random: context.makers.random,
    bookmarkIntervalMs: context.options.bookmarkIntervalMs ?? 60_000,
    transform: wantsTable(request.get('accept')) ? watchTables(context, info, query) : undefined,
  });
  context.watches.add(stop);
  response.on('close', () => context.watches.delete(stop));
}

/**
 * `kubectl get -w` asks for Tables: each object goes out as a one-row Table (with its own
 * resourceVersion as the Table's), and only the first carries the column definitions, as
 * kube-apiserver saves sending them again.
 */
export function watchTables(
  context: ServerContext,
  info: RequestInfo,
  query: URLSearchParams,
): (object: KubeObject, first: boolean) => Table {
  return (object, first) => {
    const listMeta = { resourceVersion: object.metadata.resourceVersion };
    const row = tableOf(context, info, [object], query, listMeta);
    return first ? row : { ...row, columnDefinitions: [] };
  };
}

// ---------------------------------------------------------------------------------------------
// Patch (chapter 03b provides the patcher)
// ---------------------------------------------------------------------------------------------

/**
 * PATCH of an object: inside the update, the patcher applies the body to the stored object; the
 * result keeps its name and namespace, and is made ready and checked like a PUT.
 */
export async function patchObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject> {
  const writeOptions = writeOptionsOf(queryOf(request.originalUrl), 'PatchOptions');
  const { contentType, patch, patcher } = patchOf(context, request);
  await admit(context, { operation: 'UPDATE', info });
  return updateObject(context, info, writeOptions, (current) => {
    const next = patcher.apply(contentType, current, patch, info.resource);
    keepIdentity(next, current);
    validateFields(request, 'PatchOptions', info.resource, next, false);
    return next;
  });
}
