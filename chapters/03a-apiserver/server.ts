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
// The server takes collaborators for what chapter 03b adds (selectors, patches, subresources,
// discovery; see harness/api/machinery.ts). Without them, it answers what it can: a selector is
// refused with 400, a PATCH with 415, a subresource or discovery path with 404.
import type express from 'express';
import type {
  BodyDecoder,
  Discovery,
  Patcher,
  Selectors,
  ServiceAllocator,
  Subresource,
  Timers,
} from '../../harness/api/machinery.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { Clock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { StoreClient } from '../../harness/store/client.ts';

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

/**
 * Builds the server and makes sure the namespaces every cluster starts with exist
 * (initialNamespaces in harness/api/resources.ts; one that exists already is fine).
 *
 * The app: express() with express.raw({ type: () => true, limit }) so every body arrives as bytes,
 * one handler that routes every request, and an error handler that answers every error with its
 * Status (statusOf). The body reader's own errors carry a `type`: "entity.too.large" is
 * requestEntityTooLarge (413), the others are 400s.
 *
 * Routing (new URL(request.originalUrl, 'http://x') gives the path and the query):
 * - GET on a path discovery answers: its answer (a string body as is, else JSON).
 * - parseResourcePath; nothing there is noSuchPath (404).
 * - a subresource: find it among options.subresources (and in resource.subresources, else 404);
 *   GET shows subresource.get(parent); PUT stores subresource.update(parent, body); PATCH patches
 *   what get shows, then update; POST stores create(...).parent and answers 201 with its answer.
 *   A missing method is 405. Writes go through storage.update like any other (defaults,
 *   prepareForUpdate with the subresource's name, validateObject), with the body's
 *   resourceVersion, if any, as the precondition.
 * - a collection: GET lists (`<Kind>List`, metadata.resourceVersion, the selected items) or, with
 *   ?watch, serves a watch; POST creates (201); anything else 405. A namespaced resource is
 *   created inside a namespace that exists (else notFound for the namespace), never in the list
 *   across all namespaces (405).
 * - an object: GET, PUT (update: the body's name and namespace must be the URL's, else 400),
 *   PATCH (with options.patcher, for its contentTypes; otherwise 415) and DELETE (body:
 *   DeleteOptions, whose preconditions go to storage; pods answer with the deleted pod, others
 *   with a Success Status { name, group?, kind: resource, uid } in details). The namespaces
 *   default, kube-system and kube-public cannot be deleted (403 Forbidden).
 * - Create: objectFromBody → namespace from the URL (cluster-scoped objects have none) →
 *   prepareForCreate → applyDefaults → validateObject (422 invalid) → storage.create. A name
 *   generated from generateName that is taken is drawn again (up to 8 tries).
 * - Update and patch: in storage.update's tryUpdate: applyDefaults → prepareForUpdate →
 *   validateObject + validateUpdate.
 * - Selectors: labelSelector and fieldSelector query parameters, through options.selectors;
 *   without them a selector is a 400.
 * - Bodies: a body whose Content-Type one of options.bodyDecoders reads is decoded by it;
 *   anything else goes to parseBody.
 * - DELETE with propagationPolicy Orphan: do not remove the object; update it with the finalizer
 *   "orphan" added and deletionTimestamp set (now) and answer it. An update or patch that takes
 *   the last finalizer off an object with a deletionTimestamp then removes it.
 * - Graceful delete of pods: a DELETE of a pod that has a spec.nodeName and has not finished
 *   (phase Succeeded or Failed) is not removed while its grace (DeleteOptions.gracePeriodSeconds,
 *   else spec.terminationGracePeriodSeconds, else 30) is above 0: it is updated with
 *   metadata.deletionTimestamp (now + grace, seconds precision) and deletionGracePeriodSeconds,
 *   unless it is marked already with a grace no longer, and the marked pod is the answer.
 * - A collection also takes ?limit and ?continue (storage.list's page; the List's metadata gets
 *   continue and remainingItemCount) and DELETE (every selected object deleted; answer the
 *   <Kind>List of them; namespaces: 405).
 * - Tables: a GET whose Accept header asks for a Table (wantsTable in harness/api/tables.ts) is
 *   answered with toTable(resource, the objects, { now: the clock's, includeObject: the query's,
 *   listMeta: the list's metadata }). A watch that asks for one sends each object as a one-row
 *   Table (listMeta: its resourceVersion), through serveWatch's transform; the Tables after the
 *   first have no columnDefinitions (empty), as kube-apiserver saves sending them again.
 * - Services, with options.serviceAllocator: at start, rebuild it from the stored Services and
 *   create default/kubernetes (labels component=apiserver, provider=kubernetes; clusterIP
 *   kubernetesIp(); port https 443 to 6443) through onCreate unless it exists. A create of a
 *   Service stores what onCreate answers (onDelete it if the write fails); an update or patch
 *   stores what onUpdate(current, next) answers (rebuild if the write fails); a delete tells
 *   onDelete.
 * - Compaction: with options.timers, every compactionIntervalMs compact the store to the revision
 *   noted at the previous interval (none the first time), then note the current one. close()
 *   clears the timer.
 * - Watches (serveWatch) list and watch through a WatchCache (harness/api/watch-cache.ts) over the
 *   storage, new WatchCache(storage, options.store, options.watchCacheSize), so that all watchers of a resource
 *   share one store watch; with watchCacheSize 0, straight through the storage. close() closes it.
 */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  throw new NotImplemented('createApiServer', '§ Create, get and list');
}
