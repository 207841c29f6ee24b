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
import type http from 'node:http';
import type { Request, Response } from 'express';
import type { ReadWarning, Timers } from '../../harness/api/machinery.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { ApiServer, ApiServerOptions } from '../../harness/contracts/apiserver.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ServerContext } from './context.ts';
import type { RequestInfo } from './paths.ts';
import { gracePeriodOf } from './strategy.ts';

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
 * Builds the server and starts it, in this order: createContext; createInitialNamespaces; with
 * options.serviceAllocator, startServiceAllocator; unless compactionIntervalMs is 0,
 * startCompaction with it (5 minutes by default); then startSecurity (harness/api/security.ts)
 * with options.security, the context's watchSource, storage and resources, and a prepare that
 * is the resource's strategy.prepareForCreate. Returns the ApiServer: the context's app,
 * listen → listenOn (port 0 and host 127.0.0.1 by default), close → closeServer.
 */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  throw new NotImplemented('createApiServer', '§ Create, get and list');
}

/**
 * What every handler shares (ServerContext in context.ts):
 * - a new ObjectStorage(options.store); unless options.watchCacheSize is 0, a new
 *   WatchCache(storage, options.store, options.watchCacheSize) (harness/api/watch-cache.ts) as
 *   the watch source (else the storage itself);
 * - the defaults of the other options: builtinResources, systemClock, Math.random, globalTimers,
 *   MAX_BODY_BYTES;
 * - the registry: registerResources (strategy.ts) of the resources with builtinExtensions, the
 *   orphan finalizer (finalizerExtension) and, with options.serviceAllocator, serviceAllocation;
 * - admission: [namespaceLifecycle]; subresourceHandlers: pods/log → serveLog (logs.ts);
 * - app: express(), set up by setUpApp; no watches, no servers, not closed.
 */
export function createContext(options: ApiServerOptions): ServerContext {
  throw new NotImplemented('createContext', '§ Create, get and list');
}

/**
 * The Express app (context.app): x-powered-by and etag turned off; express.raw({ type: () =>
 * true, limit: maxBodyBytes }) so that every body arrives as bytes; one handler that passes
 * every request to routeRequest (a rejection goes to next()); and an error handler that answers
 * every error with its Status (statusOf), as JSON with the Status's code (just end a response
 * already begun). An error of the body reader carries a `type`: give it to bodyReaderError first.
 */
export function setUpApp(context: ServerContext): void {
  throw new NotImplemented('setUpApp', '§ Create, get and list');
}

/**
 * Routes one request down the pipeline. The path and the query come from request.originalUrl. In
 * this order:
 * - authenticate (filters.ts) the request: authenticate(context, request);
 * - a GET that options.discovery answers (serveDiscovery returns true): done;
 * - parseResourcePath; nothing there is noSuchPath (404); then checkPathSegments (400 for a
 *   namespace or name "." or "..");
 * - verbOf the request; authorize(context, user, verb, info); with options.readWarnings,
 *   sendReadWarnings;
 * - serveReview (filters.ts) answered it (a SelfSubjectAccessReview): done;
 * - a subresource: routeSubresource;
 * - else the verb's handler in verbHandlers (handlers.ts), collection or object as the path
 *   names one; none is methodNotAllowed (405).
 */
export async function routeRequest(
  context: ServerContext,
  request: Request,
  response: Response,
): Promise<void> {
  throw new NotImplemented('routeRequest', '§ Create, get and list');
}

/** The read warnings of one resource: those of options.readWarnings with its group and name. */
export function readWarningsOf(context: ServerContext, resource: ResourceType): ReadWarning[] {
  throw new NotImplemented('readWarningsOf', '§ Collaborators');
}

/**
 * On a read (the verb get, list or watch) of a resource with read warnings: ask each for its words,
 * giving it a ClusterReader whose list(group, resource) is the stored objects of that resource
 * in every namespace (none for a resource not served), and send them all as one Warning header
 * (setHeader with the list, each through fields.ts's warningHeader). No words, no header.
 */
export async function sendReadWarnings(
  context: ServerContext,
  response: Response,
  info: RequestInfo,
  verb: string | undefined,
): Promise<void> {
  throw new NotImplemented('sendReadWarnings', '§ Collaborators');
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
 * Creates the namespaces every cluster has from the start (initialNamespaces in
 * harness/api/resources.ts), each made ready by the namespaces' strategy (prepareForCreate), as
 * a create would. One that exists already (AlreadyExists) is fine: the store may be an old one.
 */
export async function createInitialNamespaces(context: ServerContext): Promise<void> {
  throw new NotImplemented('createInitialNamespaces', '§ Create, get and list');
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

/**
 * Starts an HTTP server (createServer(context.options.security, handler) from
 * harness/api/security.ts: plain HTTP, or HTTPS when chapter 11 gives a certificate; each
 * request handed to serveHotPath) on `port` and `host`, remembers it in context.servers, and
 * resolves with its URL, <schemeOf(context.options.security)>://<address>:<port> (an IPv6
 * address in brackets). Rejects if it cannot listen.
 */
export function listenOn(context: ServerContext, port: number, host: string): Promise<string> {
  throw new NotImplemented('listenOn', '§ Create, get and list');
}

/**
 * The hot path: a GET of one object, with no query and no Table asked for, authenticated and
 * authorized as every request is, and answered with the stored object without going through
 * Express. Anything else (a read of a resource with read warnings too, when options.readWarnings
 * has any: routeRequest sends them),
 * a refusal by authenticate or authorize (they throw), and any failure to read the object, goes
 * to context.app, which answers it in full: the bytes a client gets must be
 * the same either way.
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
