// The API server: the Kubernetes REST API over the store. Every other component (kubectl, the
// scheduler, controllers, kubelets) talks only to it, and it is the only one that talks to the
// store. Each request goes down the same pipeline, as in kube-apiserver:
//
//   request info (paths.ts) → authenticate → authorize (filters.ts)
//     → the verb's handler (handlers.ts), or a subresource's (subresource-handlers.ts, logs.ts)
//       → the body (requests.ts, bodies.ts, fields.ts) → admit (filters.ts)
//       → the resource's strategy (strategy.ts: metadata.ts, defaults.ts, validation.ts)
//       → the storage, with a compare (storage.ts) → the answer
//
// and any step may throw an ApiError, which becomes the Status the client gets (status.ts). A
// client's mistake is always a 4xx with a Status; nothing a client sends can crash the server or
// touch stored data it should not. What later chapters add plugs into named places, never into
// this pipeline: a resource's strategy or hooks (the orphan finalizer, finalizers.ts; the Service
// allocator, services.ts), an admission plugin, a subresource handler (pods/log, logs.ts).
//
// This file puts the server together and starts it, in the order it happens: the context, the
// Express app and its routing, the namespaces every cluster has, the `kubernetes` Service,
// compaction; then listening, with a fast path for the commonest request, and closing.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  definitionResource,
  followDefinitions,
  prunedPaths,
  readsThrough,
  withCustomSchemas,
  type StoredObjectReader,
  type CustomResourceDefinition,
} from '../../harness/api/apiextensions.ts';
import { ApiError } from '../../harness/api/errors.ts';
import { renamingConversion, serveOtherVersions } from '../../harness/api/versions.ts';
import type { Timers } from '../../harness/api/machinery.ts';
import type { ReadWarning } from '../../harness/api/machinery.ts';
import {
  builtinResources,
  initialNamespaces,
  type ResourceType,
} from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { wantsTable } from '../../harness/api/tables.ts';
import { WatchCache } from '../../harness/api/watch-cache.ts';
import { rfc3339, systemClock } from '../../harness/clock.ts';
import type { ResourceHost, ServingModule } from '../../harness/contracts/apiextensions.ts';
import type { ApiServer, ApiServerOptions } from '../../harness/contracts/apiserver.ts';
import { createServer, schemeOf, startSecurity } from '../../harness/api/security.ts';
import { bytes } from '../../harness/store/bytes.ts';
import { bodyReaderError, MAX_BODY_BYTES } from './bodies.ts';
import { answer, coreResource, queryOf, type ServerContext } from './context.ts';
import { authenticate, authorize, namespaceLifecycle, serveReview, verbOf } from './filters.ts';
import { warningHeader } from './fields.ts';
import { finalizerExtension } from './finalizers.ts';
import { deleteWithOptions, verbHandlers } from './handlers.ts';
import { connecterHandler, serveEphemeralContainers, serveLog, serveUpgrade } from './logs.ts';
import { checkPathSegments, parseResourcePath, type RequestInfo } from './paths.ts';
import { serviceAllocation, startServiceAllocator } from './services.ts';
import { methodNotAllowed, noSuchPath, statusOf } from './status.ts';
import { ObjectStorage } from './storage.ts';
import { builtinExtensions, gracePeriodOf, registerResources } from './strategy.ts';
import { routeSubresource, serveSubresource, subresourcePath } from './subresource-handlers.ts';

// The module's contract lives in harness/contracts/apiserver.ts; the pod grace period, in the
// pods' strategy.
export type { ApiServer, ApiServerOptions } from '../../harness/contracts/apiserver.ts';
export { gracePeriodOf };

/** The global setTimeout and clearTimeout, as Timers. */
const globalTimers: Timers = {
  setTimeout: (callback, milliseconds) => setTimeout(callback, milliseconds),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Builds the server and starts it: namespaces, the `kubernetes` Service, compaction, and chapter
 * 11's security when options.security is given (its default objects, feeds and controllers).
 */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const context = createContext(options);
  await createInitialNamespaces(context);
  if (options.serviceAllocator) await startServiceAllocator(context, options.serviceAllocator);
  const compactionIntervalMs = options.compactionIntervalMs ?? 5 * 60 * 1000;
  if (compactionIntervalMs > 0) startCompaction(context, compactionIntervalMs);
  if (options.apiExtensions) await serveApiExtensions(context, options.apiExtensions);
  await startSecurity(
    options.security,
    context.watchSource,
    context.storage,
    context.resources,
    (resource, object) =>
      context.registry.get(resource)!.strategy.prepareForCreate(object, context.makers),
  );
  return {
    app: context.app,
    listen: (port = 0, host = '127.0.0.1') => listenOn(context, port, host),
    close: () => closeServer(context),
  };
}

/**
 * Serves one version of a custom resource (chapter 17): a registration like a built-in kind's,
 * with the CRD's behaviour after the default strategy (pruned and defaulted objects, validated
 * by the schema; a create drops the status when there is a status subresource), and its scale
 * subresource as the server's own handler. It replaces whatever served that version before.
 */
function serveCustomResource(
  context: ServerContext,
  resource: ResourceType,
  behaviour: Parameters<ResourceHost['serve']>[1],
): void {
  withdrawCustomResource(context, resource);
  const { storageVersion } = resource.custom!;
  if (resource.version === storageVersion) defaultOnRead(context, resource, behaviour.prepare);
  else convertWithoutChange(context, resource, storageVersion);
  const unknownFields = (object: KubeObject) => prunedPaths(object, behaviour.prepare(object));
  resource = {
    ...resource,
    custom: { ...resource.custom!, cells: behaviour.cells, unknownFields },
  };
  const extensions = [...builtinExtensions, finalizerExtension(context)];
  const { strategy, hooks } = registerResources([resource], extensions).get(resource)!;
  const base = { ...strategy };
  strategy.prepareForCreate = (object, makers) => {
    const created = behaviour.prepare(base.prepareForCreate(object, makers));
    if (resource.subresources.includes('status')) delete created.status;
    return created;
  };
  strategy.prepareForUpdate = (current, next, subresource) =>
    behaviour.prepare(base.prepareForUpdate(current, next, subresource));
  strategy.validate = (object) => [...base.validate(object), ...behaviour.validate(object)];
  strategy.validateUpdate = (next, current) => [
    ...base.validateUpdate(next, current),
    ...behaviour.validate(next),
  ];
  context.resources.push(resource);
  context.registry.set(resource, { strategy, hooks });
  const { scale } = behaviour;
  if (!scale) return;
  const subresource = {
    name: 'scale',
    get: scale.get,
    update: (parent: KubeObject, body: KubeObject) =>
      scale.update(parent, (body.spec as { replicas?: number } | undefined)?.replicas ?? 0),
  };
  context.subresourceHandlers.set(
    subresourcePath(resource, 'scale'),
    (_, request, response, info) =>
      serveSubresource({ context, request, response, info, subresource }),
  );
}

/**
 * A version besides the stored one, with `conversion: None`: served through the server's
 * conversions (harness/api/versions.ts), the stored version renamed both ways.
 */
function convertWithoutChange(context: ServerContext, served: ResourceType, stored: string) {
  const conversions = [...(context.options.conversions ?? []), renamingConversion(served, stored)];
  context.options = { ...context.options, conversions };
}

/** What reading a custom resource's stored objects adds, per server, by group/resource/version. */
const readers = new WeakMap<ServerContext, Map<string, StoredObjectReader>>();
const readerKey = (resource: ResourceType) =>
  `${resource.group}/${resource.resource}/${resource.version}`;

/**
 * Custom objects are pruned and defaulted as they are read from storage too, as kube-apiserver
 * decodes them: a default the schema gained later shows on objects stored before it. The first
 * call changes this server's storage reads (readsThrough), once.
 */
function defaultOnRead(context: ServerContext, resource: ResourceType, read: StoredObjectReader) {
  let byResource = readers.get(context);
  if (!byResource) {
    const made = new Map<string, StoredObjectReader>();
    readers.set(context, made);
    readsThrough(context.storage, (each) => made.get(readerKey(each)));
    byResource = made;
  }
  byResource.set(readerKey(resource), read);
}

/** Stops serving one version of a custom resource: routing, discovery and its scale forget it. */
function withdrawCustomResource(context: ServerContext, resource: ResourceType): void {
  const index = context.resources.findIndex(
    (each) =>
      each.custom &&
      each.group === resource.group &&
      each.version === resource.version &&
      each.resource === resource.resource,
  );
  if (index < 0) return;
  const conversions = context.options.conversions?.filter(
    ({ served }) => !(served.custom && readerKey(served) === readerKey(resource)),
  );
  context.options = { ...context.options, conversions };
  readers.get(context)?.delete(readerKey(resource));
  context.registry.delete(context.resources[index]!);
  context.resources.splice(index, 1);
  context.subresourceHandlers.delete(subresourcePath(resource, 'scale'));
}

/**
 * Stores a CRD as given, if it has not changed since it was read (409 otherwise); one being
 * deleted whose last finalizer this took off is removed.
 */
async function updateDefinition(context: ServerContext, crd: CustomResourceDefinition) {
  const read = crd.metadata.resourceVersion;
  const name = crd.metadata.name!;
  const stored = await context.storage.update(definitionResource, undefined, name, (current) => {
    if (current.metadata.resourceVersion !== read) {
      throw new ApiError(409, 'Conflict', `the CustomResourceDefinition "${name}" changed`);
    }
    const next = structuredClone(crd);
    delete next.metadata.resourceVersion;
    return next;
  });
  const { finalizers = [], deletionTimestamp } = stored.metadata;
  if (deletionTimestamp && finalizers.length === 0) {
    await context.storage.delete(definitionResource, undefined, name);
  }
}

/** The API server's resource host (harness/contracts/apiextensions.ts), over this context. */
function resourceHost(context: ServerContext): ResourceHost {
  return {
    served: () => context.resources,
    serve: (resource, behaviour) => serveCustomResource(context, resource, behaviour),
    withdraw: (resource) => withdrawCustomResource(context, resource),
    list: async (resource) => (await context.storage.list(resource)).items,
    deleteObject: async (resource, object) => {
      const { namespace, name } = object.metadata;
      const info = { resource, namespace, name };
      await deleteWithOptions(context, info, {}, new URLSearchParams()).catch((error: unknown) => {
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      });
    },
    updateDefinition: (crd) => updateDefinition(context, crd),
    now: () => rfc3339(context.makers.clock.now()),
  };
}

/**
 * CustomResourceDefinitions (chapter 17's serving.ts): the CRDs' own strategy (the cleanup
 * finalizer, validation), each group version's schemas in OpenAPI, and the CRDs followed from
 * the store, the definition server serving what each defines through the resource host.
 */
async function serveApiExtensions(context: ServerContext, module: ServingModule): Promise<void> {
  const definitions = module.createDefinitionServer(resourceHost(context));
  const crds = context.registry.get(definitionResource)!.strategy;
  const base = { ...crds };
  const asDefinition = (object: KubeObject) => object as CustomResourceDefinition;
  crds.prepareForCreate = (object, makers) =>
    definitions.prepareForCreate(asDefinition(base.prepareForCreate(object, makers)));
  crds.validate = (object) => [
    ...base.validate(object),
    ...definitions.validate(asDefinition(object)),
  ];
  crds.validateUpdate = (next, current) => [
    ...base.validateUpdate(next, current),
    ...definitions.validate(asDefinition(next)),
  ];
  const { discovery } = context.options;
  if (discovery) context.options = { ...context.options, discovery: withCustomSchemas(discovery) };
  await followDefinitions(context.watchSource, definitions, context.timers, context.watches);
}

/**
 * What every handler shares: the storage and its watch cache, the options' defaults, each
 * resource's strategy and hooks (with the orphan finalizer, and the Service allocator when there
 * is one), the admission plugins, the server's own subresources, and the Express app.
 */
export function createContext(options: ApiServerOptions): ServerContext {
  const storage = new ObjectStorage(options.store);
  // Watches share one store watch per resource (harness/api/watch-cache.ts), so a hundred
  // watching kubelets cost the store and this server one watch of pods, not a hundred.
  const watchCache =
    options.watchCacheSize === 0
      ? undefined
      : new WatchCache(storage, options.store, options.watchCacheSize);
  const context: ServerContext = {
    options,
    storage,
    watchSource: watchCache ?? storage,
    watchCache,
    // A copy with the CRDs when they are served: the kinds they define join it at run time.
    resources: options.apiExtensions
      ? [...(options.resources ?? builtinResources), definitionResource]
      : (options.resources ?? builtinResources),
    registry: new Map(),
    admission: [namespaceLifecycle],
    subresourceHandlers: new Map([
      ['pods/log', serveLog],
      ['pods/ephemeralcontainers', serveEphemeralContainers],
      ...(options.connecters ?? []).map(
        (connecter) => [`pods/${connecter.subresource}`, connecterHandler(connecter)] as const,
      ),
    ]),
    makers: { clock: options.clock ?? systemClock, random: options.random ?? Math.random },
    timers: options.timers ?? globalTimers,
    maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
    app: express(),
    watches: new Set(),
    servers: [],
    closed: false,
  };
  // The extensions work on the context (its storage, its clock): the registry is made once it is.
  const extensions = [...builtinExtensions, finalizerExtension(context)];
  const allocator = options.serviceAllocator;
  if (allocator) extensions.push(serviceAllocation(context, allocator));
  context.registry = registerResources(context.resources, extensions);
  setUpApp(context);
  return context;
}

/**
 * The Express app: every body read as bytes (up to maxBodyBytes), every request to
 * routeRequest, and every error, from the body reader or from a handler, answered as a Status.
 */
export function setUpApp(context: ServerContext): void {
  const { app } = context;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.raw({ type: () => true, limit: context.maxBodyBytes }));
  app.use((request: Request, response: Response, next: NextFunction) => {
    routeRequest(context, request, response).catch(next);
  });
  // The body reader's own errors carry a `type` ("entity.too.large"...).
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const fromReader = (error as { type?: unknown } | undefined)?.type !== undefined;
    const status = statusOf(fromReader ? bodyReaderError(error, context.maxBodyBytes) : error);
    if (response.headersSent) response.end();
    else answer(response, status.code ?? 500, status);
  });
}

/**
 * Routes one request down the pipeline: the user is authenticated; discovery answers the paths
 * it knows; any other path must name a resource (404 otherwise); the user is authorized for the
 * verb (and recorded on the request info); a create of a review chapter 11 answers (a
 * SelfSubjectAccessReview) is answered at once by serveReview; then a subresource goes to its handler, and a
 * verb on a collection or an object to the verb's handler (405 for a verb the path does not take).
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
  const query = queryOf(target);
  const user = authenticate(context, request);
  // Other versions and other servers (chapter 14): a resource at a version besides its stored one
  // is converted (harness/api/versions.ts), an APIService's group version proxied (aggregation.ts).
  const asUser = (i: RequestInfo) => authorize(context, user, verbOf(request.method, i, query), i);
  const route = (again: Request, answer: Response) => routeRequest(context, again, answer);
  const hooks = { path, target, user, server: context, authorize: asUser, route };
  if (await serveOtherVersions(context.options, request, response, hooks)) return;
  if (request.method === 'GET' && context.options.discovery) {
    if (serveDiscovery(context, request, response, path)) return;
  }
  const info = parseResourcePath(path, context.resources);
  if (!info) throw noSuchPath();
  checkPathSegments(info);
  const verb = verbOf(request.method, info, query);
  authorize(context, user, verb, info);
  if (context.options.readWarnings) await sendReadWarnings(context, response, info, verb);
  if (serveReview(context, request, response, info, verb)) return;
  if (info.subresource !== undefined) {
    return routeSubresource(context, request, response, info, query);
  }
  const handlers = info.name === undefined ? verbHandlers.collection : verbHandlers.object;
  const handler = verb && handlers[verb];
  if (!handler) throw methodNotAllowed();
  return handler(context, request, response, info, query);
}

/** The read warnings of one resource: those of options.readWarnings with its group and name. */
export function readWarningsOf(context: ServerContext, resource: ResourceType): ReadWarning[] {
  const all = context.options.readWarnings ?? [];
  return all.filter((w) => w.group === resource.group && w.resource === resource.resource);
}

/**
 * On a read (get, list, watch) of a resource with read warnings: each one's words, sent as
 * Warning headers (`299 - "text"`, fields.ts's warningHeader) before the answer. A warning may
 * list any served resource, to decide.
 */
export async function sendReadWarnings(
  context: ServerContext,
  response: Response,
  info: RequestInfo,
  verb: string | undefined,
): Promise<void> {
  if (verb !== 'get' && verb !== 'list' && verb !== 'watch') return;
  const warnings = readWarningsOf(context, info.resource);
  if (warnings.length === 0) return;
  const cluster = {
    list: async (group: string, name: string) => {
      const found = context.resources.find((r) => r.group === group && r.resource === name);
      return found ? (await context.storage.list(found)).items : [];
    },
  };
  const words = (await Promise.all(warnings.map((w) => w.warnings(cluster)))).flat();
  if (words.length > 0) response.setHeader('warning', words.map(warningHeader));
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
 * Creates the namespaces every cluster has from the start (initialNamespaces), each made ready
 * by the namespaces' strategy, as a create would. One that exists already is fine: the store may
 * be an old one.
 */
export async function createInitialNamespaces(context: ServerContext): Promise<void> {
  const namespaces = coreResource(context, 'namespaces');
  const { strategy } = context.registry.get(namespaces)!;
  for (const name of initialNamespaces) {
    const namespace = strategy.prepareForCreate(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      context.makers,
    );
    await context.storage.create(namespaces, namespace).catch((error: unknown) => {
      if (!(error instanceof ApiError && error.reason === 'AlreadyExists')) throw error;
    });
  }
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

/**
 * Starts an HTTP server for the app (HTTPS with chapter 11's certificate; port 0 picks a free
 * one); resolves with its URL.
 */
export function listenOn(context: ServerContext, port: number, host: string): Promise<string> {
  const server = createServer(context.options.security, (request, response) =>
    serveHotPath(context, request, response),
  );
  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) =>
    serveUpgrade(context, request, socket, head),
  );
  context.servers.push(server);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const printable = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`${schemeOf(context.options.security)}://${printable}:${address.port}`);
    });
  });
}

/**
 * The hot path: a GET of one object, with no query, answered without Express. For so small a
 * request, Express's routing and its request and response wrappers cost more than reading the
 * object (harness/bench/apiserver.ts measures it). It passes the same filters (authenticate,
 * authorize) as every request. Anything else (a read of a resource with read warnings too:
 * routeRequest sends them), and any failure, goes on to Express, which answers it in full, so the
 * bytes a client gets are the same either way.
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
  // A read with warnings goes the full way, where routeRequest sends them.
  if (
    !info ||
    info.name === undefined ||
    info.subresource !== undefined ||
    (context.options.readWarnings && readWarningsOf(context, info.resource).length > 0)
  ) {
    context.app(request, response);
    return;
  }
  try {
    authorize(context, authenticate(context, request), 'get', info);
  } catch {
    return context.app(request, response); // refused: Express answers with the Status
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
