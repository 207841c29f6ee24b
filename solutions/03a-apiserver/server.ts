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
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ApiError } from '../../harness/api/errors.ts';
import { toTable, wantsTable, type Table } from '../../harness/api/tables.ts';
import { WatchCache } from '../../harness/api/watch-cache.ts';
import type {
  BodyDecoder,
  Discovery,
  ObjectPredicate,
  Patcher,
  Selectors,
  ServiceAllocator,
  Subresource,
  SubresourceActions,
  Timers,
} from '../../harness/api/machinery.ts';
import type { WatchSource } from '../../harness/api/object-watch.ts';
import {
  apiVersionOf,
  builtinResources,
  initialNamespaces,
  type ResourceType,
} from '../../harness/api/resources.ts';
import type { DeleteOptions, KubeObject, List, Status } from '../../harness/api/types.ts';
import { systemClock, type Clock } from '../../harness/clock.ts';
import { bytes } from '../../harness/store/bytes.ts';
import type { StoreClient } from '../../harness/store/client.ts';
import {
  bodyReaderError,
  MAX_BODY_BYTES,
  mediaTypeOf,
  objectFromBody,
  parseBody,
} from './bodies.ts';
import { applyDefaults } from './defaults.ts';
import {
  checkFields,
  duplicateFields,
  fieldValidationOf,
  warningHeader,
  type VerbOptions,
} from './fields.ts';
import { prepareForCreate, prepareForUpdate, type Makers } from './metadata.ts';
import {
  checkPathSegments,
  parseResourcePath,
  parseResourceVersion,
  type RequestInfo,
} from './paths.ts';
import {
  badRequest,
  conflict,
  internalError,
  invalid,
  methodNotAllowed,
  noSuchPath,
  notFound,
  statusOf,
  unsupportedMediaType,
} from './status.ts';
import { ObjectStorage, type WriteOptions } from './storage.ts';
import { validateObject, validateUpdate } from './validation.ts';
import { isWatchRequest, parseWatchParameters, serveWatch } from './watch.ts';

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

/** Whether `resource` is the core group's `name` ("pods", "namespaces"...). */
function isCore(resource: ResourceType, name: string): boolean {
  return resource.group === '' && resource.resource === name;
}

/** The core group's resource `name`, as served. */
function core(context: ServerContext, name: string): ResourceType {
  return context.resources.find((resource) => isCore(resource, name))!;
}

/** Sends a JSON answer. (Plain node:http calls: Express's send() does work we do not need.) */
function answer(response: http.ServerResponse, code: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  response.end(json);
}

// ---------------------------------------------------------------------------------------------
// Create, get and list: the server, its routing, and the verbs that read and create
// ---------------------------------------------------------------------------------------------

/** Builds the server and makes sure the namespaces every cluster starts with exist. */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const storage = new ObjectStorage(options.store);
  // Watches share one store watch per resource (harness/api/watch-cache.ts), so a hundred
  // watching kubelets cost the store and this server one watch of pods, not a hundred.
  const watchCache =
    options.watchCacheSize === 0
      ? undefined
      : new WatchCache(storage, options.store, options.watchCacheSize);
  const app = express();
  const context: ServerContext = {
    options,
    storage,
    watchSource: watchCache ?? storage,
    watchCache,
    resources: options.resources ?? builtinResources,
    makers: { clock: options.clock ?? systemClock, random: options.random ?? Math.random },
    timers: options.timers ?? {
      setTimeout: (callback, milliseconds) => setTimeout(callback, milliseconds),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
    },
    maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
    app,
    watches: new Set(),
    servers: [],
    closed: false,
  };

  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.raw({ type: () => true, limit: context.maxBodyBytes }));
  app.use((request: Request, response: Response, next: NextFunction) => {
    routeRequest(context, request, response).catch(next);
  });
  // Every error, from the body reader or from a handler, becomes a Status. The body reader's
  // own errors carry a `type` ("entity.too.large"...).
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const fromReader = (error as { type?: unknown } | undefined)?.type !== undefined;
    const status = statusOf(fromReader ? bodyReaderError(error, context.maxBodyBytes) : error);
    if (response.headersSent) response.end();
    else answer(response, status.code ?? 500, status);
  });

  await createInitialNamespaces(context);
  if (options.serviceAllocator) await startServiceAllocator(context, options.serviceAllocator);

  const compactionIntervalMs = options.compactionIntervalMs ?? 5 * 60 * 1000;
  if (compactionIntervalMs > 0) startCompaction(context, compactionIntervalMs);

  return {
    app,
    listen: (port = 0, host = '127.0.0.1') => listenOn(context, port, host),
    close: () => closeServer(context),
  };
}

/**
 * Routes one request: the path names a resource (or discovery answers it), and the method and
 * whether a name is given pick the verb. Every answer goes out as JSON; anything thrown goes to
 * the error handler.
 */
export async function routeRequest(
  context: ServerContext,
  request: Request,
  response: Response,
): Promise<void> {
  // The path and the query, split by hand: a URL object costs more than the rest of a GET.
  const target = request.originalUrl;
  const mark = target.indexOf('?');
  const path = mark < 0 ? target : target.slice(0, mark);
  const query = new URLSearchParams(mark < 0 ? '' : target.slice(mark + 1));
  if (request.method === 'GET' && context.options.discovery) {
    if (serveDiscovery(context, request, response, path)) return;
  }
  const info = parseResourcePath(path, context.resources);
  if (!info) throw noSuchPath();
  checkPathSegments(info);
  if (info.subresource !== undefined) {
    if (info.subresource === 'log' && isCore(info.resource, 'pods')) {
      return serveLog(context, request, response, info, query);
    }
    const subresource = info.resource.subresources.includes(info.subresource)
      ? context.options.subresources?.find((candidate) => candidate.name === info.subresource)
      : undefined;
    if (!subresource) throw noSuchPath();
    return serveSubresource(context, request, response, info, subresource);
  }
  if (info.name === undefined) {
    switch (request.method) {
      case 'GET':
        if (isWatchRequest(query)) return watchCollection(context, request, response, info, query);
        return answer(response, 200, await listObjects(context, request, info, query));
      case 'POST':
        return answer(response, 201, await createObject(context, request, info));
      case 'DELETE':
        return answer(response, 200, await deleteCollection(context, info, query));
      default:
        throw methodNotAllowed();
    }
  }
  switch (request.method) {
    case 'GET':
      return answer(response, 200, await getObject(context, request, info, query));
    case 'PUT':
      return answer(response, 200, await replaceObject(context, request, info));
    case 'PATCH':
      return answer(response, 200, await patchObject(context, request, info));
    case 'DELETE':
      return answer(response, 200, await deleteObject(context, request, info));
    default:
      throw methodNotAllowed();
  }
}

/**
 * Creates the namespaces every cluster has from the start (initialNamespaces), each with its
 * metadata and defaults. One that exists already is fine: the store may be an old one.
 */
export async function createInitialNamespaces(context: ServerContext): Promise<void> {
  const namespaces = core(context, 'namespaces');
  for (const name of initialNamespaces) {
    const namespace = prepareForCreate(
      namespaces,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      context.makers,
    );
    applyDefaults(namespaces, namespace);
    await context.storage.create(namespaces, namespace).catch((error: unknown) => {
      if (!(error instanceof ApiError && error.reason === 'AlreadyExists')) throw error;
    });
  }
}

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

/** The body, decoded by the body decoder for its Content-Type if there is one, else parseBody. */
function bodyOf(context: ServerContext, request: Request): unknown {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const mediaType = mediaTypeOf(request.get('content-type'));
  const decoder = context.options.bodyDecoders?.find((each) => each.mediaType === mediaType);
  return decoder ? decoder.decode(raw) : parseBody(request.get('content-type'), raw);
}

/**
 * The body as an object of the URL's resource, in the namespace and with the name the URL gives;
 * `options` names the verb's query options (CreateOptions, UpdateOptions) for field validation.
 */
function objectOf(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
  options: VerbOptions,
): KubeObject {
  const { resource } = info;
  const object = objectFromBody(bodyOf(context, request), {
    apiVersion: apiVersionOf(resource),
    kind: resource.kind,
  });
  const metadata = object.metadata;
  if (resource.namespaced) {
    if (metadata.namespace && info.namespace && metadata.namespace !== info.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (info.namespace) metadata.namespace = info.namespace;
  } else {
    delete metadata.namespace;
  }
  if (info.name !== undefined) {
    if (metadata.name && metadata.name !== info.name) {
      throw badRequest(
        `the name of the object (${metadata.name}) does not match the name on the URL (${info.name})`,
      );
    }
    metadata.name = info.name;
  }
  validateFields(request, options, resource, object, true);
  return object;
}

/** The query of a request, as URLSearchParams. */
function queryOf(request: Request): URLSearchParams {
  const mark = request.originalUrl.indexOf('?');
  return new URLSearchParams(mark < 0 ? '' : request.originalUrl.slice(mark + 1));
}

/**
 * A write's options from its ?dryRun (and, for a DELETE, its body's dryRun): "All" makes it a dry
 * run, which the storage carries out without writing. kube-apiserver knows no other value and
 * refuses one with 422 Invalid on the verb's options (CreateOptions, UpdateOptions, PatchOptions,
 * DeleteOptions), the value quoted as Go prints a []string.
 */
export function writeOptionsOf(
  query: URLSearchParams,
  optionsKind: string,
  fromBody: string[] = [],
): WriteOptions {
  const values = [...query.getAll('dryRun'), ...fromBody];
  if (values.some((value) => value !== 'All')) {
    const shown = `[]string{${values.map((value) => JSON.stringify(value)).join(', ')}}`;
    const message = `Unsupported value: ${shown}: supported values: "All"`;
    throw new ApiError(
      422,
      'Invalid',
      `${optionsKind}.meta.k8s.io "" is invalid: dryRun: ${message}`,
      {
        name: '',
        group: 'meta.k8s.io',
        kind: optionsKind,
        causes: [{ reason: 'FieldValueNotSupported', message, field: 'dryRun' }],
      },
    );
  }
  return values.length > 0 ? { dryRun: true } : {};
}

/**
 * The bodies whose text is an object in JSON, where duplicate keys can be found: no type (JSON),
 * application/json, and the merge and strategic merge patches.
 */
const JSON_OBJECT_BODY = /^(application\/((strategic-)?merge-patch\+)?json)?$/;

/**
 * Field validation (fields.ts) of an object made from the body: its unknown fields dropped and,
 * as ?fieldValidation asks, refused (400) or told in one Warning header each. `wholeObject`: the
 * body was the object (create, update), not a patch of it. Duplicate keys are found in JSON bodies.
 * `options` names the verb's query options, which a bad ?fieldValidation is refused on.
 */
function validateFields(
  request: Request,
  options: VerbOptions,
  resource: ResourceType,
  object: KubeObject,
  wholeObject: boolean,
): void {
  const directive = fieldValidationOf(queryOf(request), options);
  const json = JSON_OBJECT_BODY.test(mediaTypeOf(request.get('content-type')));
  const duplicates = json ? duplicateFields(String(request.body ?? '')) : [];
  const warnings = checkFields(resource, object, { directive, duplicates, wholeObject });
  if (warnings.length > 0) request.res?.setHeader('warning', warnings.map(warningHeader));
}

/** 422 Invalid listing every rule the object breaks (and, for an update, what may not change). */
function checkValid(resource: ResourceType, object: KubeObject, current?: KubeObject): void {
  const errors = validateObject(resource, object);
  if (current) errors.push(...validateUpdate(resource, object, current));
  if (errors.length > 0) throw invalid(resource, object.metadata.name ?? '', errors);
}

/**
 * POST on a collection: the object from the body, in the URL's namespace (which must exist),
 * completed (metadata, defaults), validated and stored. Returns it as stored.
 */
export async function createObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject> {
  const { resource } = info;
  const { storage, makers } = context;
  // Objects are created inside a namespace, never in the list across all of them.
  if (resource.namespaced && info.namespace === undefined) throw methodNotAllowed();
  const writeOptions = writeOptionsOf(queryOf(request), 'CreateOptions');
  const object = objectOf(context, request, info, 'CreateOptions');
  if (resource.namespaced) {
    const namespaces = core(context, 'namespaces');
    await storage.get(namespaces, undefined, info.namespace!).catch((error: unknown) => {
      throw error instanceof ApiError && error.code === 404
        ? notFound(namespaces, info.namespace!)
        : error;
    });
  }
  // A generated name may already be taken: draw another a few times, as kube-apiserver does.
  for (let attempt = 1; ; attempt++) {
    let prepared = prepareForCreate(resource, object, makers);
    applyDefaults(resource, prepared);
    checkValid(resource, prepared);
    const allocator = isCore(resource, 'services') ? context.options.serviceAllocator : undefined;
    if (allocator) prepared = allocator.onCreate(prepared);
    try {
      const stored = await storage.create(resource, prepared, writeOptions);
      // A dry run shows the addresses a Service would get, but keeps none of them.
      if (writeOptions.dryRun) allocator?.onDelete(prepared);
      return stored;
    } catch (error) {
      allocator?.onDelete(prepared);
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

/** Starts an HTTP server for the app (port 0 picks a free one); resolves with its URL. */
export function listenOn(context: ServerContext, port: number, host: string): Promise<string> {
  const server = http.createServer({ requestTimeout: 0 }, (request, response) =>
    serveHotPath(context, request, response),
  );
  context.servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const printable = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`http://${printable}:${address.port}`);
    });
  });
}

/**
 * The hot path: a GET of one object, with no query, answered without Express. For so small a
 * request, Express's routing and its request and response wrappers cost more than reading the
 * object (harness/bench/apiserver.ts measures it). Anything else, and any failure, goes on to
 * Express, which answers it in full, so the bytes a client gets are the same either way.
 */
export function serveHotPath(
  context: ServerContext,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): void {
  const target = request.url ?? '';
  const plain = request.method === 'GET' && !target.includes('?');
  const info =
    plain && !wantsTable(request.headers.accept)
      ? parseResourcePath(target, context.resources)
      : undefined;
  if (!info || info.name === undefined || info.subresource !== undefined) {
    context.app(request, response);
    return;
  }
  context.storage.get(info.resource, info.namespace, info.name).then(
    (object) => answer(response, 200, object),
    () => context.app(request, response),
  );
}

/** Ends every watch, the compaction timer, the watch cache and the HTTP servers. */
export async function closeServer(context: ServerContext): Promise<void> {
  context.closed = true;
  if (context.compactionTimer !== undefined) context.timers.clearTimeout(context.compactionTimer);
  for (const stop of [...context.watches]) stop();
  context.watchCache?.close();
  await Promise.all(
    context.servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Update and delete
// ---------------------------------------------------------------------------------------------

/**
 * PUT of an object: the body replaces it inside storage.update, completed and checked like a
 * create (the server's fields and the status kept, generation moved when the spec changed). The
 * body's resourceVersion, if any, is the precondition. Returns the object as stored.
 */
export async function replaceObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject> {
  const { resource } = info;
  const writeOptions = writeOptionsOf(queryOf(request), 'UpdateOptions');
  const object = objectOf(context, request, info, 'UpdateOptions');
  let hadFinalizers = false;
  const stored = await allocated(context, resource, writeOptions, () =>
    context.storage.update(
      resource,
      info.namespace,
      info.name!,
      (current) => {
        hadFinalizers = (current.metadata.finalizers?.length ?? 0) > 0;
        const next = structuredClone(object);
        applyDefaults(resource, next);
        const prepared = prepareForUpdate(resource, current, next);
        checkValid(resource, prepared, current);
        return reallocate(context, resource, current, prepared);
      },
      writeOptions,
    ),
  );
  return hadFinalizers && !writeOptions.dryRun ? removeIfFinalized(context, info, stored) : stored;
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

/** The DeleteOptions a DELETE carries in its body ({} when there is none). */
function deleteOptionsOf(context: ServerContext, request: Request): DeleteOptions {
  const body =
    Buffer.isBuffer(request.body) && request.body.length > 0 ? bodyOf(context, request) : {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('the body of a DELETE must be DeleteOptions');
  }
  return body as DeleteOptions;
}

/**
 * DELETE of an object, with the DeleteOptions of its body: its preconditions, an Orphan
 * propagationPolicy (mark, do not remove), and for a pod on a node, its grace period. Pods answer
 * with the deleted pod, others with a Success Status naming the object.
 */
export async function deleteObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject | Status> {
  return deleteWithOptions(context, info, deleteOptionsOf(context, request), queryOf(request));
}

/** A DELETE of one object with these DeleteOptions (and the query's dryRun), as deleteObject. */
async function deleteWithOptions(
  context: ServerContext,
  info: RequestInfo,
  options: DeleteOptions,
  query: URLSearchParams,
): Promise<KubeObject | Status> {
  const { resource } = info;
  const preconditions = options.preconditions ?? {};
  const writeOptions = writeOptionsOf(query, 'DeleteOptions', options.dryRun);
  if (
    isCore(resource, 'namespaces') &&
    ['default', 'kube-system', 'kube-public'].includes(info.name!)
  ) {
    throw new ApiError(
      403,
      'Forbidden',
      `namespaces "${info.name}" is forbidden: this namespace may not be deleted`,
      { name: info.name, kind: 'namespaces' },
    );
  }
  if (options.propagationPolicy === 'Orphan') {
    return markForOrphaning(context, info, preconditions, writeOptions);
  }
  if (isCore(resource, 'pods')) {
    const pod = await context.storage.get(resource, info.namespace, info.name!);
    const grace = gracePeriodOf(pod, options);
    if (grace > 0) return markForDeletion(context, info, grace, preconditions, writeOptions);
  }
  const { namespace, name } = info;
  const last = await context.storage.delete(
    resource,
    namespace,
    name!,
    preconditions,
    writeOptions,
  );
  const allocator = isCore(resource, 'services') ? context.options.serviceAllocator : undefined;
  if (!writeOptions.dryRun) allocator?.onDelete(last);
  return resource.returnsDeletedObject ? last : deleted(resource, last);
}

/**
 * How long a DELETE of this pod must wait for its containers to stop, in seconds: 0 (remove it
 * now) for a pod on no node or one that has finished (phase Succeeded or Failed); otherwise the
 * request's gracePeriodSeconds, else the pod's terminationGracePeriodSeconds, else 30.
 */
export function gracePeriodOf(pod: KubeObject, options: DeleteOptions): number {
  const spec = pod.spec as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (!spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  return Math.max(0, options.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30);
}

/** Conflict (409) unless `current` still is the object the preconditions name. */
function checkPreconditions(
  info: RequestInfo,
  current: KubeObject,
  preconditions: { uid?: string; resourceVersion?: string },
): void {
  const { uid, resourceVersion } = preconditions;
  if (
    (uid && uid !== current.metadata.uid) ||
    (resourceVersion && resourceVersion !== current.metadata.resourceVersion)
  ) {
    throw conflict(info.resource, info.name!);
  }
}

/** A time as Kubernetes writes it, in whole seconds: 2024-01-02T03:04:05Z. */
const rfc3339 = (milliseconds: number) =>
  new Date(milliseconds).toISOString().replace(/\.\d+Z$/, 'Z');

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
  preconditions: { uid?: string; resourceVersion?: string },
  writeOptions: WriteOptions = {},
): Promise<KubeObject> {
  const { resource, namespace, name } = info;
  return context.storage.update(
    resource,
    namespace,
    name!,
    (current) => {
      checkPreconditions(info, current, preconditions);
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
 * DELETE on a collection (deletecollection): every object the selectors choose, one by one,
 * each as a plain delete would. Answers the List of what was deleted, as kube-apiserver does.
 * Namespaces have no such verb (405).
 */
export async function deleteCollection(
  context: ServerContext,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<List> {
  const { resource } = info;
  if (isCore(resource, 'namespaces')) throw methodNotAllowed();
  const writeOptions = writeOptionsOf(query, 'DeleteOptions');
  const selected = selectionOf(context, query, resource);
  const { items, revision } = await context.storage.list(resource, info.namespace);
  const removed: KubeObject[] = [];
  for (const object of items.filter(selected)) {
    const { namespace, name } = object.metadata;
    try {
      removed.push(await context.storage.delete(resource, namespace, name!, {}, writeOptions));
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

/**
 * DELETE with propagationPolicy Orphan: the dependents must outlive the object, so it is not
 * removed yet. It is marked (deletionTimestamp, now) with the finalizer "orphan"; the garbage
 * collector takes its ownerReference off every dependent, then removes the finalizer, and the
 * update that removes an object's last finalizer removes the object. Returns the marked object.
 */
export function markForOrphaning(
  context: ServerContext,
  info: RequestInfo,
  preconditions: { uid?: string; resourceVersion?: string },
  writeOptions: WriteOptions = {},
): Promise<KubeObject> {
  const { resource, namespace, name } = info;
  return context.storage.update(
    resource,
    namespace,
    name!,
    (current) => {
      checkPreconditions(info, current, preconditions);
      const finalizers = current.metadata.finalizers ?? [];
      if (!finalizers.includes('orphan')) current.metadata.finalizers = [...finalizers, 'orphan'];
      current.metadata.deletionTimestamp ??= rfc3339(context.makers.clock.now());
      current.metadata.deletionGracePeriodSeconds ??= 0;
      delete current.metadata.resourceVersion;
      return current;
    },
    writeOptions,
  );
}

/**
 * After an update of an object that had finalizers: if it is being deleted (deletionTimestamp)
 * and has none left, the update took the last one, so the object goes now. Returns `stored`.
 */
export async function removeIfFinalized(
  context: ServerContext,
  info: RequestInfo,
  stored: KubeObject,
): Promise<KubeObject> {
  const { deletionTimestamp, finalizers = [] } = stored.metadata;
  if (deletionTimestamp && finalizers.length === 0) {
    await context.storage
      .delete(info.resource, info.namespace, info.name!, {})
      .catch((error: unknown) => {
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      });
  }
  return stored;
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

/**
 * Compaction: the store keeps every revision until told to forget, so every `intervalMs` the
 * server compacts it to the revision it noted one interval before, then notes the current one.
 * History one interval old stays readable: a watch or a continue token up to one interval old
 * still resumes, and the store does not grow without end. Stops once the server is closed.
 */
export function startCompaction(context: ServerContext, intervalMs: number): void {
  const { store } = context.options;
  const compactEvery = (noted: number) => {
    if (context.closed) return;
    context.compactionTimer = context.timers.setTimeout(async () => {
      try {
        const { header } = await store.range({ key: bytes('/registry/'), countOnly: true });
        // Compacted further already (by another API server on the same etcd): nothing to do.
        if (noted > 0) await store.compact(noted).catch(() => {});
        compactEvery(header.revision);
      } catch {
        compactEvery(noted);
      }
    }, intervalMs);
  };
  compactEvery(0);
}

// ---------------------------------------------------------------------------------------------
// Collaborators (chapter 03b provides them)
// ---------------------------------------------------------------------------------------------

/** Without chapter 03b's selectors, only "select everything" is understood. */
const noSelectors: Selectors = {
  labelSelector: () => {
    throw badRequest('labelSelector is not supported by this server (chapter 03b adds selectors)');
  },
  fieldSelector: () => {
    throw badRequest('fieldSelector is not supported by this server (chapter 03b adds selectors)');
  },
};

/** The query's labelSelector and fieldSelector as one predicate; everything when there are none. */
function selectionOf(
  context: ServerContext,
  query: URLSearchParams,
  resource: ResourceType,
): ObjectPredicate {
  const selectors = context.options.selectors ?? noSelectors;
  const predicates: ObjectPredicate[] = [];
  const labels = query.get('labelSelector');
  const fields = query.get('fieldSelector');
  if (labels) predicates.push(selectors.labelSelector(labels));
  if (fields) predicates.push(selectors.fieldSelector(fields, resource));
  return (object) => predicates.every((selected) => selected(object));
}

/** The parsed PATCH body and its Content-Type, once the patcher is known to take it (else 415). */
function patchOf(
  context: ServerContext,
  request: Request,
): { contentType: string; patch: unknown; patcher: Patcher } {
  const contentType = mediaTypeOf(request.get('content-type'));
  const patcher = context.options.patcher;
  if (!patcher || !patcher.contentTypes.includes(contentType)) {
    throw unsupportedMediaType(contentType, patcher?.contentTypes ?? []);
  }
  return {
    contentType,
    patch: parseBody('application/json', request.body ?? Buffer.alloc(0)),
    patcher,
  };
}

/** A patched object must still be the same object: same name, same namespace (else 400). */
function keepIdentity(patched: KubeObject, current: KubeObject): void {
  if (typeof patched?.metadata !== 'object' || patched.metadata === null) {
    throw badRequest('the patched object has no metadata');
  }
  if (
    patched.metadata.name !== current.metadata.name ||
    patched.metadata.namespace !== current.metadata.namespace
  ) {
    throw badRequest('a patch may not change metadata.name or metadata.namespace');
  }
}

/**
 * PATCH of an object: inside storage.update, the patcher applies the body to the stored object;
 * the result keeps its name and namespace, and is completed and checked like a PUT.
 */
export async function patchObject(
  context: ServerContext,
  request: Request,
  info: RequestInfo,
): Promise<KubeObject> {
  const { resource } = info;
  const writeOptions = writeOptionsOf(queryOf(request), 'PatchOptions');
  const { contentType, patch, patcher } = patchOf(context, request);
  let hadFinalizers = false;
  const stored = await allocated(context, resource, writeOptions, () =>
    context.storage.update(
      resource,
      info.namespace,
      info.name!,
      (current) => {
        hadFinalizers = (current.metadata.finalizers?.length ?? 0) > 0;
        const next = patcher.apply(contentType, current, patch, resource);
        keepIdentity(next, current);
        validateFields(request, 'PatchOptions', resource, next, false);
        applyDefaults(resource, next);
        const prepared = prepareForUpdate(resource, current, next);
        checkValid(resource, prepared, current);
        return reallocate(context, resource, current, prepared);
      },
      writeOptions,
    ),
  );
  return hadFinalizers && !writeOptions.dryRun ? removeIfFinalized(context, info, stored) : stored;
}

/** A Service's update, seen by the allocator (a change of type frees or takes ports). */
function reallocate(
  context: ServerContext,
  resource: ResourceType,
  current: KubeObject,
  next: KubeObject,
): KubeObject {
  const allocator = isCore(resource, 'services') ? context.options.serviceAllocator : undefined;
  return allocator ? allocator.onUpdate(current, next) : next;
}

/**
 * Runs a write of Services; if it fails after the allocator moved, or was only a dry run, the
 * stored Services say again what is taken.
 */
async function allocated(
  context: ServerContext,
  resource: ResourceType,
  writeOptions: WriteOptions,
  write: () => Promise<KubeObject>,
): Promise<KubeObject> {
  const allocator = isCore(resource, 'services') ? context.options.serviceAllocator : undefined;
  const rebuild = async () => allocator?.rebuild((await context.storage.list(resource)).items);
  try {
    const stored = await write();
    if (writeOptions.dryRun) await rebuild();
    return stored;
  } catch (error) {
    await rebuild();
    throw error;
  }
}

/**
 * A subresource of an object (`deployments/web/scale`): GET shows subresource.get(parent); PUT
 * stores subresource.update(parent, body); PATCH patches what get shows, then update; POST
 * stores create(...).parent and answers 201 with its answer. A method it lacks is 405. Writes
 * go through storage.update like any update (defaults, prepareForUpdate with the subresource's
 * name, validation), with the body's resourceVersion, if any, as the precondition.
 */
export async function serveSubresource(
  context: ServerContext,
  request: Request,
  response: Response,
  info: RequestInfo,
  subresource: Subresource,
): Promise<void> {
  const { resource } = info;
  const subresourceContext = { resource, clock: context.makers.clock };
  const query = queryOf(request);
  // Only writes read ?dryRun, each with its verb's options.
  const optionsKind = { PUT: 'UpdateOptions', PATCH: 'PatchOptions', POST: 'CreateOptions' }[
    request.method
  ];
  const writeOptions = optionsKind ? writeOptionsOf(query, optionsKind) : {};

  /** Stores what `change` makes of the parent, checked like any update; returns it stored. */
  const write = (change: (current: KubeObject) => KubeObject) =>
    context.storage.update(
      resource,
      info.namespace,
      info.name!,
      (current) => {
        const next = change(current);
        applyDefaults(resource, next);
        const prepared = prepareForUpdate(resource, current, next, subresource.name);
        checkValid(resource, prepared);
        return prepared;
      },
      writeOptions,
    );
  /** The precondition a body carries, if any, on the parent about to be stored. */
  const withPrecondition = (parent: KubeObject, body: KubeObject) => {
    const wanted = body.metadata.resourceVersion;
    if (wanted) parent.metadata.resourceVersion = wanted;
    else delete parent.metadata.resourceVersion;
    return parent;
  };
  const view = (parent: KubeObject) =>
    subresource.get ? subresource.get(parent, subresourceContext) : parent;

  switch (request.method) {
    case 'GET': {
      if (!subresource.get) throw methodNotAllowed();
      const parent = await context.storage.get(resource, info.namespace, info.name!);
      return answer(response, 200, subresource.get(parent, subresourceContext));
    }
    case 'PUT': {
      const update = subresource.update;
      if (!update) throw methodNotAllowed();
      const body = objectFromBody(bodyOf(context, request));
      const stored = await write((current) =>
        withPrecondition(update(current, body, subresourceContext), body),
      );
      return answer(response, 200, view(stored));
    }
    case 'PATCH': {
      const { get, update } = subresource;
      if (!get || !update) throw methodNotAllowed();
      const { contentType, patch, patcher } = patchOf(context, request);
      const stored = await write((current) => {
        const shown = get(current, subresourceContext);
        const patched = patcher.apply(contentType, shown, patch, resource);
        keepIdentity(patched, shown);
        return withPrecondition(update(current, patched, subresourceContext), patched);
      });
      return answer(response, 200, view(stored));
    }
    case 'POST': {
      const create = subresource.create;
      if (subresource.act) {
        const body = objectFromBody(bodyOf(context, request));
        const parent = await context.storage.get(resource, info.namespace, info.name!);
        const actions = subresourceActions(context, info, query, body);
        return answer(response, 201, await subresource.act(parent, body, actions));
      }
      if (!create) throw methodNotAllowed();
      const body = objectFromBody(bodyOf(context, request));
      let reply: KubeObject | Status | undefined;
      await write((current) => {
        const made = create(current, body, subresourceContext);
        reply = made.answer;
        return withPrecondition(made.parent, body);
      });
      return answer(response, 201, reply);
    }
    default:
      throw methodNotAllowed();
  }
}

/**
 * What an acting subresource (pods/eviction) may do: list objects, write a status, delete its
 * parent, each as the server's own verbs would, and in a dry run when the request is one (its
 * ?dryRun, or the dryRun of the body's deleteOptions).
 */
export function subresourceActions(
  context: ServerContext,
  info: RequestInfo,
  query: URLSearchParams,
  body: KubeObject,
): SubresourceActions {
  const deleteOptions = (body.deleteOptions ?? {}) as DeleteOptions;
  const writeOptions = writeOptionsOf(query, 'CreateOptions', deleteOptions.dryRun);
  const dryRun = writeOptions.dryRun === true;
  return {
    resource: info.resource,
    clock: context.makers.clock,
    dryRun,
    list: async (resource, namespace) => (await context.storage.list(resource, namespace)).items,
    updateStatus: (resource, object) => {
      const { namespace, name } = object.metadata;
      return context.storage.update(resource, namespace, name!, (current) => {
        const next = { ...current, status: structuredClone(object.status) };
        // The object's resourceVersion is the precondition: a status worked out from an older
        // state is a 409, not a lost update.
        next.metadata = { ...current.metadata, resourceVersion: object.metadata.resourceVersion };
        return prepareForUpdate(resource, current, next, 'status');
      });
    },
    deleteParent: (options) => {
      const dryRunQuery = new URLSearchParams(dryRun ? 'dryRun=All' : '');
      return deleteWithOptions(context, { ...info, subresource: undefined }, options, dryRunQuery);
    },
  };
}

/**
 * A GET on a path that is not a resource (/api, /version, /healthz...): answered by discovery
 * if it knows the path (a string or bytes as they are, with their content type; anything else as
 * JSON). Returns whether it answered.
 */
export function serveDiscovery(
  context: ServerContext,
  request: Request,
  response: Response,
  path: string,
): boolean {
  const found = context.options.discovery?.(path, {
    resources: context.resources,
    serverAddress: request.get('host') ?? '',
  });
  if (!found) return false;
  response.status(found.status ?? 200).type(found.contentType ?? 'application/json');
  const asIs = typeof found.body === 'string' || found.body instanceof Uint8Array;
  response.send(asIs ? found.body : JSON.stringify(found.body));
  return true;
}

/**
 * At start, with a ServiceAllocator: what the stored Services hold is taken, and the `kubernetes`
 * Service, the cluster's own address for the API server, exists with the range's first address.
 */
export async function startServiceAllocator(
  context: ServerContext,
  allocator: ServiceAllocator,
): Promise<void> {
  const services = core(context, 'services');
  const existing = (await context.storage.list(services)).items;
  allocator.rebuild(existing);
  const present = existing.some(
    (service) => service.metadata.namespace === 'default' && service.metadata.name === 'kubernetes',
  );
  if (present) return;
  const kubernetes = prepareForCreate(
    services,
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        clusterIP: allocator.kubernetesIp(),
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      },
    },
    context.makers,
  );
  applyDefaults(services, kubernetes);
  await context.storage.create(services, allocator.onCreate(kubernetes)).catch((error: unknown) => {
    if (!(error instanceof ApiError && error.reason === 'AlreadyExists')) throw error;
  });
}

/**
 * pods/log: only the node has a container's log, so the server passes the request on to the
 * kubelet API of the pod's node (the Node's InternalIP and its kubelet port, 10250 unless the
 * Node says otherwise), with the query's follow and tailLines, and streams the answer back.
 */
export async function serveLog(
  context: ServerContext,
  request: Request,
  response: Response,
  info: RequestInfo,
  query: URLSearchParams,
): Promise<void> {
  if (request.method !== 'GET') throw methodNotAllowed();
  const pod = await context.storage.get(info.resource, info.namespace, info.name!);
  const spec = pod.spec as { nodeName?: string; containers: { name: string }[] };
  const names = spec.containers.map((container) => container.name);
  const container = query.get('container') ?? (names.length === 1 ? names[0] : undefined);
  if (!container) {
    throw badRequest(
      `a container name must be specified for pod ${info.name}, choose one of: [${names.join(' ')}]`,
    );
  }
  if (!names.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${info.name}`);
  }
  if (!spec.nodeName) {
    throw badRequest(
      `container "${container}" in pod "${info.name}" is waiting to start: not scheduled`,
    );
  }
  const node = await context.storage.get(core(context, 'nodes'), undefined, spec.nodeName);
  const status = node.status as
    | {
        addresses?: { type: string; address: string }[];
        daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
      }
    | undefined;
  const address = status?.addresses?.find((entry) => entry.type === 'InternalIP')?.address;
  const port = status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250;
  if (!address) throw badRequest(`node "${spec.nodeName}" has no InternalIP to reach its kubelet`);
  const forward = new URLSearchParams();
  // kube's PodLogOptions the kubelet reads; anything else stays here.
  const passed = ['follow', 'tailLines', 'previous', 'sinceSeconds', 'sinceTime', 'timestamps'];
  for (const name of [...passed, 'limitBytes']) {
    const value = query.get(name);
    if (value !== null) forward.set(name, value);
  }
  const target =
    `http://${address}:${port}/containerLogs/${encodeURIComponent(info.namespace!)}/` +
    `${encodeURIComponent(info.name!)}/${encodeURIComponent(container)}?${forward}`;
  await new Promise<void>((resolve, reject) => {
    const upstream = http.get(target, (answerFromNode) => {
      if (answerFromNode.statusCode !== 200) {
        let text = '';
        answerFromNode.setEncoding('utf8');
        answerFromNode.on('data', (chunk: string) => (text += chunk));
        answerFromNode.on('end', () => reject(badRequest(text.trim())));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain' });
      answerFromNode.pipe(response);
      answerFromNode.on('end', resolve);
      answerFromNode.on('error', resolve);
    });
    upstream.on('error', (error) =>
      reject(internalError(new Error(`the kubelet at ${address}:${port}: ${error.message}`))),
    );
    // The client went away (kubectl logs -f, Ctrl-C): stop reading from the node.
    response.on('close', () => upstream.destroy());
  });
}
