// The API server: the Kubernetes REST API over the store. Every other component (kubectl, the
// scheduler, controllers, kubelets) talks only to it, and it is the only one that talks to the
// store. Each request takes the same path:
//
//   decode the URL (paths.ts) → read the body (bodies.ts) → complete the object (metadata.ts,
//   defaults.ts) → check it (validation.ts) → store it with a compare (storage.ts) → answer
//
// and any step may throw an ApiError, which becomes the Status the client gets (status.ts). A
// client's mistake is always a 4xx with a Status; nothing a client sends can crash the server or
// touch stored data it should not.
//
// A write with ?dryRun=All takes the same path and answers the same way, but the storage is told
// not to write (WriteOptions): `kubectl --dry-run=server` and `kubectl diff` see what would be.
//
// The file reads in the order of the lesson: the server and its routing, then one function per
// verb (create, get, list; update and delete), the watch, and last the collaborators chapter 03b
// hands in (selectors, patches, subresources, discovery; see harness/api/machinery.ts). Without
// them, the server answers what it can: a selector is refused with 400, a PATCH with 415, a
// subresource or discovery path with 404.
//
// Every answer is JSON with its Content-Type (application/json) and Content-Length; a small
// helper of your own that writes one (writeHead, then end) serves every verb below.
import type http from 'node:http';
import type express from 'express';
import type { Request, Response } from 'express';
import type {
  BodyDecoder,
  Discovery,
  Patcher,
  Selectors,
  ServiceAllocator,
  Subresource,
  SubresourceActions,
  Timers,
} from '../../harness/api/machinery.ts';
import type { WatchSource } from '../../harness/api/object-watch.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { Table } from '../../harness/api/tables.ts';
import type { WatchCache } from '../../harness/api/watch-cache.ts';
import type { DeleteOptions, KubeObject, List, Status } from '../../harness/api/types.ts';
import type { Clock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { StoreClient } from '../../harness/store/client.ts';
import type { Makers } from './metadata.ts';
import type { RequestInfo } from './paths.ts';
import type { ObjectStorage, WriteOptions } from './storage.ts';

export interface ApiServerOptions {
  /** Where objects live: chapter 02's client (kata store or etcd), or an in-process double. */
  store: StoreClient;
  clock?: Clock;
  /** Random numbers in [0, 1) for uids, generated names and watch timeouts. Math.random. */
  random?: () => number;
  /** The resources served; harness/api/resources.ts's builtinResources by default. */
  resources?: ResourceType[];
  selectors?: Selectors;
  patcher?: Patcher;
  subresources?: Subresource[];
  discovery?: Discovery;
  /** Readers for body formats besides JSON and YAML, by Content-Type. */
  bodyDecoders?: BodyDecoder[];
  timers?: Timers;
  /** How often a watch that allows bookmarks gets one. One minute, like kube-apiserver. */
  bookmarkIntervalMs?: number;
  /** The largest request body. 3 MiB. */
  maxBodyBytes?: number;
  /** Gives Services their ClusterIPs and node ports (chapter 09); without it, none are given. */
  serviceAllocator?: ServiceAllocator;
  /**
   * How often the server compacts the store's history, keeping one interval of it (kube-apiserver's
   * --etcd-compaction-interval). 5 minutes; 0 turns compaction off.
   */
  compactionIntervalMs?: number;
  /**
   * How many recent changes of each resource the watch cache keeps (kube-apiserver's
   * --default-watch-cache-size). 1000; 0 turns the cache off (--watch-cache=false).
   */
  watchCacheSize?: number;
}

export interface ApiServer {
  /** The request handler: give it to supertest, or to http.createServer. */
  readonly app: express.Express;
  /** Starts listening (port 0 picks a free one); resolves with the URL to use. */
  listen(port?: number, host?: string): Promise<string>;
  /** Ends every watch and stops listening. The store client stays open: it is the caller's. */
  close(): Promise<void>;
}

/** What every handler of one server shares. createApiServer builds it once. */
export interface ServerContext {
  /** The options as given: the store and the collaborators. */
  options: ApiServerOptions;
  storage: ObjectStorage;
  /** Where watches read: a WatchCache over the storage, or the storage itself. */
  watchSource: WatchSource;
  /** The watch cache, when there is one: close() closes it. */
  watchCache?: WatchCache;
  /** The resources served. */
  resources: ResourceType[];
  /** The clock and the random source, for uids, names, timestamps and watch timeouts. */
  makers: Makers;
  /** options.timers, or the global setTimeout and clearTimeout. */
  timers: Timers;
  /** The largest body read, in bytes. */
  maxBodyBytes: number;
  /** The Express app every request that is not a plain GET goes through. */
  app: express.Express;
  /** The stop() of every open watch, so that close() can end them. */
  watches: Set<() => void>;
  /** The HTTP servers listenOn opened. */
  servers: http.Server[];
  /** The compaction timer waiting, if any. */
  compactionTimer?: unknown;
  /** True once close() was called: nothing starts again. */
  closed: boolean;
}

// ---------------------------------------------------------------------------------------------
// Create, get and list: the server, its routing, and the verbs that read and create
// ---------------------------------------------------------------------------------------------

/**
 * Builds the server and makes sure the namespaces every cluster starts with exist.
 *
 * - The context: a new ObjectStorage(options.store); unless options.watchCacheSize is 0, a
 *   new WatchCache(storage, options.store, options.watchCacheSize) (harness/api/watch-cache.ts)
 *   as the watch source (else the storage itself); the defaults of the other options
 *   (builtinResources, systemClock, Math.random, the global timers, MAX_BODY_BYTES).
 * - The app: express(), with x-powered-by and etag turned off; express.raw({ type: () => true,
 *   limit: maxBodyBytes }) so that every body arrives as bytes; one handler that passes every
 *   request to routeRequest (a rejection goes to next()); and an error handler that answers every
 *   error with its Status (statusOf), as JSON with the Status's code. An error of the body reader
 *   carries a `type`: give it to bodyReaderError first.
 * - createInitialNamespaces; with options.serviceAllocator, startServiceAllocator; unless
 *   compactionIntervalMs is 0, startCompaction with it (5 minutes by default).
 * - The ApiServer: the app, listen → listenOn, close → closeServer.
 */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  throw new NotImplemented('createApiServer', '§ Create, get and list');
}

/**
 * Routes one request. The path and the query come from request.originalUrl. In this order:
 * - a GET that options.discovery answers (serveDiscovery returns true): done.
 * - parseResourcePath; nothing there is noSuchPath (404); then checkPathSegments (400 for a
 *   namespace or name "." or "..").
 * - a subresource: "log" of pods goes to serveLog; another one must be in the resource's
 *   subresources and among options.subresources (by name), else noSuchPath (404); it goes to
 *   serveSubresource.
 * - a collection (no name): GET is watchCollection when isWatchRequest, else listObjects (200);
 *   POST is createObject (201); DELETE is deleteCollection (200); anything else
 *   methodNotAllowed (405).
 * - an object: GET getObject, PUT replaceObject, PATCH patchObject, DELETE deleteObject (all 200);
 *   anything else methodNotAllowed (405).
 */
export async function routeRequest(
  context: ServerContext,
  request: Request,
  response: Response,
): Promise<void> {
  throw new NotImplemented('routeRequest', '§ Create, get and list');
}

/**
 * Creates the namespaces every cluster has from the start (initialNamespaces in
 * harness/api/resources.ts), each through prepareForCreate and applyDefaults, as a create
 * would. One that exists already (AlreadyExists) is fine: the store may be an old one.
 */
export async function createInitialNamespaces(context: ServerContext): Promise<void> {
  throw new NotImplemented('createInitialNamespaces', '§ Create, get and list');
}

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
 * - The body: decoded by the options.bodyDecoders entry for its Content-Type if there is one,
 *   else parseBody; then objectFromBody with the resource's apiVersion and kind. Its namespace
 *   is the URL's (a different one in the body is a 400 `the namespace of the provided object
 *   does not match the namespace sent on the request`); a cluster-scoped object has none.
 * - Field validation (fields.ts): fieldValidationOf(the query, "CreateOptions"), then
 *   checkFields(resource, object, { directive, duplicates, wholeObject: true }), where duplicates
 *   is duplicateFields(the raw body) for a JSON body; each warning it returns goes out in a
 *   `warning` response header (warningHeader), all in one setHeader on request.res.
 * - The namespace must exist: notFound for the namespace (404) otherwise.
 * - prepareForCreate → applyDefaults → validateObject (a non-empty list is invalid, 422) →
 *   storage.create.
 * - A name drawn from generateName that is taken (AlreadyExists) is drawn again, up to 8 tries.
 * - Services, with options.serviceAllocator: store what onCreate answers; if the write fails,
 *   onDelete it.
 * - ?dryRun (§ Dry run): writeOptionsOf(query, "CreateOptions") go to storage.create; after a dry
 *   run, a Service's addresses are given back (onDelete), so a dry run keeps none.
 */
export async function createObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject> {
  throw new NotImplemented('createObject', '§ Create, get and list');
}

/**
 * GET on a collection: the objects the query's selectors choose, as a List whose apiVersion is
 * the resource's, whose kind is the Kind plus "List", and whose metadata.resourceVersion is the
 * revision the list was read at (items: [] when there are none).
 * - ?limit (a non-negative integer, else 400 `limit must be a non-negative integer, not "<x>"`;
 *   0 or none: everything) and ?continue go to storage.list; with a next page, the metadata
 *   also gets continue and remainingItemCount.
 * - ?labelSelector and ?fieldSelector are compiled by options.selectors; an object is kept when
 *   every predicate accepts it. Without options.selectors, a selector is a 400 (say that
 *   chapter 03b adds them).
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

/**
 * Starts an HTTP server (http.createServer({ requestTimeout: 0 }), each request handed to
 * serveHotPath) on `port` and `host`, remembers it in context.servers, and resolves with its
 * URL, http://<address>:<port> (an IPv6 address in brackets). Rejects if it cannot listen.
 */
export function listenOn(context: ServerContext, port: number, host: string): Promise<string> {
  throw new NotImplemented('listenOn', '§ Create, get and list');
}

/**
 * The hot path: a GET of one object, with no query and no Table asked for, answered with the
 * stored object without going through Express. Anything else, and any failure to read the
 * object, goes to context.app, which answers it in full: the bytes a client gets must be the
 * same either way.
 */
export function serveHotPath(
  context: ServerContext,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): void {
  throw new NotImplemented('serveHotPath', '§ Create, get and list');
}

/**
 * Closes the server: marks the context closed, clears the compaction timer, stops every open
 * watch, closes the watch cache, and closes every HTTP server (closeAllConnections too, so that
 * open watches do not hold it up). Resolves once they are closed.
 */
export async function closeServer(context: ServerContext): Promise<void> {
  throw new NotImplemented('closeServer', '§ Create, get and list');
}

// ---------------------------------------------------------------------------------------------
// Update and delete
// ---------------------------------------------------------------------------------------------

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
 * PUT of an object; returns it as stored.
 * - The body as createObject reads it; the name in the body must be the URL's (400 `the name of
 *   the object (<body's>) does not match the name on the URL (<URL's>)`), and is the URL's when
 *   left out.
 * - Field validation of the body as in createObject, with "UpdateOptions".
 * - In storage.update's tryUpdate, on a copy of the body: applyDefaults → prepareForUpdate →
 *   validateObject plus validateUpdate (422 invalid). The body's resourceVersion, if any, stays
 *   on what tryUpdate returns: storage.update compares it.
 * - Services, with options.serviceAllocator: tryUpdate returns onUpdate(current, prepared); if
 *   the write fails, rebuild the allocator from the stored Services.
 * - If the object had finalizers before the update: removeIfFinalized.
 * - ?dryRun (§ Dry run): writeOptionsOf(query, "UpdateOptions") go to storage.update; after a
 *   dry run, no removeIfFinalized, and the allocator is rebuilt from the stored Services.
 */
export async function replaceObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject> {
  throw new NotImplemented('replaceObject', '§ Update and delete');
}

/**
 * DELETE of an object. Its body, if any, is DeleteOptions (read like any body; one that is not
 * an object is a 400). In this order:
 * - the namespaces default, kube-system and kube-public cannot be deleted: 403 Forbidden,
 *   `namespaces "<name>" is forbidden: this namespace may not be deleted`, details { name,
 *   kind: "namespaces" }.
 * - propagationPolicy Orphan: markForOrphaning.
 * - a pod: read it; if gracePeriodOf is above 0, markForDeletion.
 * - otherwise storage.delete with the preconditions; Services, with options.serviceAllocator:
 *   onDelete. Pods (resource.returnsDeletedObject) answer with the deleted object, others with a
 *   Status { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name,
 *   group (not for the core group), kind: the resource, uid } }.
 * - ?dryRun, and the body's dryRun (§ Dry run): writeOptionsOf(query, "DeleteOptions", the
 *   body's dryRun) go to each write (markForOrphaning, markForDeletion, storage.delete); after
 *   a dry run the allocator gives nothing back.
 */
export async function deleteObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject | Status> {
  throw new NotImplemented('deleteObject', '§ Update and delete');
}

/**
 * How long a DELETE of this pod must wait for its containers to stop, in seconds: 0 (remove it
 * now) for a pod on no node (no spec.nodeName) or one that has finished (status.phase Succeeded
 * or Failed); otherwise the request's gracePeriodSeconds, else the pod's
 * spec.terminationGracePeriodSeconds, else 30 (never below 0).
 */
export function gracePeriodOf(pod: KubeObject, options: DeleteOptions): number {
  throw new NotImplemented('gracePeriodOf', '§ Update and delete');
}

/**
 * A graceful delete: inside storage.update, the pod is not removed but marked, with
 * metadata.deletionTimestamp (the clock's now + grace, RFC 3339 in whole seconds) and
 * metadata.deletionGracePeriodSeconds (grace); its kubelet stops its containers and then deletes
 * it with grace 0. A pod marked already with a grace no longer than this one is left as it is.
 * The preconditions (uid, resourceVersion) must hold (409 conflict otherwise). Returns the marked
 * pod.
 */
export function markForDeletion(
  context: ServerContext,
  info: RequestInfo,
  grace: number,
  preconditions: { uid?: string; resourceVersion?: string },
  writeOptions: WriteOptions = {},
): Promise<KubeObject> {
  throw new NotImplemented('markForDeletion', '§ Update and delete');
}

/**
 * DELETE on a collection (deletecollection): every object the query's selectors choose (as
 * listObjects chooses them), deleted one by one (one deleted meanwhile by someone else is
 * fine). Answers the `<Kind>List` of what was deleted, at the revision of the list it read.
 * Namespaces have no such verb (methodNotAllowed, 405). With ?dryRun (writeOptionsOf(query,
 * "DeleteOptions")), each delete is a dry run: the list answered, nothing deleted.
 */
export async function deleteCollection(
  context: ServerContext,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<List> {
  throw new NotImplemented('deleteCollection', '§ Update and delete');
}

/**
 * DELETE with propagationPolicy Orphan: inside storage.update, the object gets the finalizer
 * "orphan" (once), a deletionTimestamp (now, if it has none) and deletionGracePeriodSeconds 0
 * (if it has none), and is not removed. The preconditions must hold (409 otherwise). Returns the
 * marked object.
 */
export function markForOrphaning(
  context: ServerContext,
  info: RequestInfo,
  preconditions: { uid?: string; resourceVersion?: string },
  writeOptions: WriteOptions = {},
): Promise<KubeObject> {
  throw new NotImplemented('markForOrphaning', '§ Update and delete');
}

/**
 * Called after an update of an object that had finalizers: if `stored` is being deleted (it has
 * a deletionTimestamp) and has no finalizers left, the update took the last one, so delete it
 * now (gone already is fine). Returns `stored`.
 */
export async function removeIfFinalized(
  context: ServerContext,
  info: RequestInfo,
  stored: KubeObject,
): Promise<KubeObject> {
  throw new NotImplemented('removeIfFinalized', '§ Update and delete');
}

// ---------------------------------------------------------------------------------------------
// Watch
// ---------------------------------------------------------------------------------------------

/**
 * GET on a collection with ?watch: serveWatch with parseWatchParameters(query) and a
 * WatchContext of the context's watch source, the resource and namespace, the query's selection
 * (as listObjects makes it), timers, random and bookmarkIntervalMs (one minute by default);
 * when the Accept header asks for a Table, watchTables as its transform. The stop() serveWatch
 * returns goes into context.watches until the response closes.
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

/**
 * Compaction: every `intervalMs` (a context.timers timer, set again each time, none once the
 * server is closed; keep it in context.compactionTimer for close), read the store's current
 * revision (a range's header; countOnly is enough), compact the store to the revision noted the
 * time before (not the first time; a failure to compact is fine: another API server on the same
 * store may have compacted further), and note the current one. History one interval old stays
 * readable. If reading the revision fails, keep the old note and try again next interval.
 */
export function startCompaction(context: ServerContext, intervalMs: number): void {
  throw new NotImplemented('startCompaction', '§ Watch');
}

// ---------------------------------------------------------------------------------------------
// Collaborators (chapter 03b provides them)
// ---------------------------------------------------------------------------------------------

/**
 * PATCH of an object; returns it as stored.
 * - The Content-Type must be one of options.patcher's contentTypes: unsupportedMediaType (415)
 *   listing them otherwise (an empty list without a patcher). The body is parsed as JSON.
 * - In storage.update's tryUpdate: patcher.apply(contentType, current, patch, resource); the
 *   result must have a metadata object (400 otherwise) and keep the name and namespace (400
 *   `a patch may not change metadata.name or metadata.namespace`); its field validation as in
 *   createObject, with "PatchOptions" and wholeObject false (duplicates from a merge or strategic
 *   merge patch's body); then, as replaceObject does:
 *   applyDefaults → prepareForUpdate → validateObject plus validateUpdate, the allocator's
 *   onUpdate for Services, and removeIfFinalized when the object had finalizers.
 * - ?dryRun (§ Dry run): as replaceObject, with writeOptionsOf(query, "PatchOptions").
 */
export async function patchObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject> {
  throw new NotImplemented('patchObject', '§ Collaborators');
}

/**
 * A subresource of an object (`deployments/web/scale`), with `subresource` its collaborator:
 * - GET: subresource.get(parent) (405 without get).
 * - PUT: the body (objectFromBody, no expected kind) goes to subresource.update(parent, body)
 *   (405 without update); answers what get shows of the stored parent (the parent itself
 *   without get).
 * - PATCH (405 without get or update): patch what get shows (as patchObject: the patcher, the
 *   same name and namespace), then update(parent, patched); answers as PUT does.
 * - POST: with subresource.act (pods/eviction), read the parent and answer 201 with what
 *   act(parent, body, subresourceActions(...)) returns. Else subresource.create(parent, body)
 *   (405 without create): store its parent, answer 201 with its answer.
 * - anything else: 405.
 * Every write goes through storage.update: applyDefaults → prepareForUpdate with the
 * subresource's name → validateObject. The resourceVersion of the body (or of the patched view)
 * is the precondition: set it on the parent to store, or remove it when there is none. ?dryRun
 * (§ Dry run): writeOptionsOf(query, "UpdateOptions" for PUT, "PatchOptions" for PATCH,
 * "CreateOptions" for POST) go to storage.update.
 */
export async function serveSubresource(
  context: ServerContext,
  request: Request,
  response: Response,
  info: RequestInfo,
  subresource: Subresource,
): Promise<void> {
  throw new NotImplemented('serveSubresource', '§ Collaborators');
}

/**
 * What an acting subresource (pods/eviction) may do within one request (SubresourceActions in
 * harness/api/machinery.ts): the resource and the clock; dryRun, from writeOptionsOf(query,
 * "CreateOptions", the dryRun of the body's deleteOptions); list (storage.list's items);
 * updateStatus (storage.update of the object, its status replaced and its resourceVersion the
 * precondition, through prepareForUpdate with "status"); deleteParent(options), the DELETE deleteObject does with these DeleteOptions, and a
 * dry run when the request is one.
 */
export function subresourceActions(
  context: ServerContext,
  info: RequestInfo,
  query: URLSearchParams,
  body: KubeObject,
): SubresourceActions {
  throw new NotImplemented('subresourceActions', '§ Collaborators');
}

/**
 * A GET on a path that may be discovery's (/api, /version, /healthz...): ask
 * options.discovery(path, { resources, serverAddress: the Host header }). When it answers,
 * send its status (200 by default) and content type (application/json by default) with its
 * body (a string or bytes, a Uint8Array, as they are; anything else as JSON) and return true;
 * otherwise return false.
 */
export function serveDiscovery(
  context: ServerContext,
  request: Request,
  response: Response,
  path: string,
): boolean {
  throw new NotImplemented('serveDiscovery', '§ Collaborators');
}

/**
 * At start, with a ServiceAllocator: rebuild it from the stored Services; then, unless
 * default/kubernetes exists, create it through prepareForCreate, applyDefaults and onCreate:
 * labels component=apiserver and provider=kubernetes, spec.clusterIP kubernetesIp(), one port
 * { name: "https", port: 443, protocol: "TCP", targetPort: 6443 }. AlreadyExists is fine.
 */
export async function startServiceAllocator(
  context: ServerContext,
  allocator: ServiceAllocator,
): Promise<void> {
  throw new NotImplemented('startServiceAllocator', '§ Collaborators');
}

/**
 * pods/log: only the node has a container's log, so the server passes the request on to the
 * kubelet of the pod's node and streams its answer back. Only GET (405 otherwise).
 * - The container: ?container, or the pod's only one; none (400 `a container name must be
 *   specified for pod <pod>, choose one of: [<names, space separated>]`) or one the pod does not
 *   have (400 `container <name> is not valid for pod <pod>`).
 * - A pod on no node: 400 `container "<name>" in pod "<pod>" is waiting to start: not scheduled`.
 * - The node's status.addresses InternalIP (400 `node "<node>" has no InternalIP to reach its
 *   kubelet` without one) and status.daemonEndpoints.kubeletEndpoint.Port (10250 by default).
 * - GET http://<ip>:<port>/containerLogs/<namespace>/<pod>/<container>?<follow, tailLines,
 *   previous, sinceSeconds, sinceTime, timestamps, limitBytes from the query, when given>. A 200 is piped back as text/plain; any other answer is a 400 whose
 *   message is the kubelet's text (trimmed); a kubelet that cannot be reached is a 500
 *   (internalError naming it). When the client goes away, stop reading from the kubelet.
 */
export async function serveLog(
  context: ServerContext,
  request: Request,
  response: Response,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<void> {
  throw new NotImplemented('serveLog', '§ Collaborators');
}
