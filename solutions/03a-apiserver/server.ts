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
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ApiError } from '../../harness/api/errors.ts';
import { toTable, wantsTable } from '../../harness/api/tables.ts';
import { WatchCache } from '../../harness/api/watch-cache.ts';
import type {
  BodyDecoder,
  Discovery,
  ObjectPredicate,
  Patcher,
  Selectors,
  ServiceAllocator,
  Subresource,
  SubresourceContext,
  Timers,
} from '../../harness/api/machinery.ts';
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
import { MAX_BODY_BYTES, mediaTypeOf, objectFromBody, parseBody } from './bodies.ts';
import { applyDefaults } from './defaults.ts';
import { prepareForCreate, prepareForUpdate, type Makers } from './metadata.ts';
import { parseResourcePath, type RequestInfo } from './paths.ts';
import {
  badRequest,
  internalError,
  conflict,
  methodNotAllowed,
  noSuchPath,
  notFound,
  requestEntityTooLarge,
  statusOf,
  unsupportedMediaType,
  invalid,
} from './status.ts';
import { ObjectStorage } from './storage.ts';
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

/** Sends a JSON answer. (Plain node:http calls: Express's send() does work we do not need.) */
function answer(response: http.ServerResponse, code: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  response.end(json);
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

/** Without chapter 03b's selectors, only "select everything" is understood. */
const noSelectors: Selectors = {
  labelSelector: () => {
    throw badRequest('labelSelector is not supported by this server (chapter 03b adds selectors)');
  },
  fieldSelector: () => {
    throw badRequest('fieldSelector is not supported by this server (chapter 03b adds selectors)');
  },
};

/** Builds the server and makes sure the namespaces every cluster starts with exist. */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const storage = new ObjectStorage(options.store);
  // Watches share one store watch per resource (harness/api/watch-cache.ts), so a hundred
  // watching kubelets cost the store and this server one watch of pods, not a hundred.
  const watchCache =
    options.watchCacheSize === 0
      ? undefined
      : new WatchCache(storage, options.store, options.watchCacheSize);
  const resources = options.resources ?? builtinResources;
  const makers: Makers = {
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  };
  const selectors = options.selectors ?? noSelectors;
  const timers: Timers = options.timers ?? {
    setTimeout: (callback, milliseconds) => setTimeout(callback, milliseconds),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const watches = new Set<() => void>();
  const namespaces = resources.find((r) => r.group === '' && r.resource === 'namespaces')!;
  const pods = resources.find((r) => r.group === '' && r.resource === 'pods');
  const nodes = resources.find((r) => r.group === '' && r.resource === 'nodes')!;
  const services = resources.find((r) => r.group === '' && r.resource === 'services');

  // ------------------------------------------------------------------------------------------
  // Reading a request
  // ------------------------------------------------------------------------------------------

  /** The query's selectors as one predicate; everything when there are none. */
  const selectionOf = (query: URLSearchParams, resource: ResourceType): ObjectPredicate => {
    const predicates: ObjectPredicate[] = [];
    const labels = query.get('labelSelector');
    const fields = query.get('fieldSelector');
    if (labels) predicates.push(selectors.labelSelector(labels));
    if (fields) predicates.push(selectors.fieldSelector(fields, resource));
    return (object) => predicates.every((selected) => selected(object));
  };

  const bodyOf = (request: Request): unknown => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const mediaType = mediaTypeOf(request.get('content-type'));
    const decoder = options.bodyDecoders?.find((candidate) => candidate.mediaType === mediaType);
    return decoder ? decoder.decode(raw) : parseBody(request.get('content-type'), raw);
  };

  /** The body as an object of `resource`, in the namespace and with the name the URL gives. */
  const objectOf = (request: Request, resource: ResourceType, info: RequestInfo): KubeObject => {
    const object = objectFromBody(bodyOf(request), {
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
    return object;
  };

  const checkValid = (resource: ResourceType, object: KubeObject, current?: KubeObject) => {
    const errors = validateObject(resource, object);
    if (current) errors.push(...validateUpdate(resource, object, current));
    if (errors.length > 0) throw invalid(resource, object.metadata.name ?? '', errors);
  };

  const subresourceContext = (resource: ResourceType): SubresourceContext => ({
    resource,
    clock: makers.clock,
  });

  // ------------------------------------------------------------------------------------------
  // The verbs on collections and objects
  // ------------------------------------------------------------------------------------------

  /** ?limit=N: a page of at most N objects (kubectl asks for 500 at a time); 0 or none: all. */
  const limitOf = (query: URLSearchParams): number => {
    const text = query.get('limit');
    if (text === null || text === '') return 0;
    if (!/^\d+$/.test(text))
      throw badRequest(`limit must be a non-negative integer, not "${text}"`);
    return Number(text);
  };

  const list = async (query: URLSearchParams, info: RequestInfo): Promise<List> => {
    const selected = selectionOf(query, info.resource);
    const page = await storage.list(info.resource, info.namespace, {
      limit: limitOf(query),
      continue: query.get('continue') || undefined,
    });
    const metadata: List['metadata'] = { resourceVersion: String(page.revision) };
    if (page.continue) {
      metadata.continue = page.continue;
      metadata.remainingItemCount = page.remainingItemCount;
    }
    // Selectors filter each page after it is read, so a page may hold fewer than `limit`.
    return {
      apiVersion: apiVersionOf(info.resource),
      kind: `${info.resource.kind}List`,
      metadata,
      items: page.items.filter(selected),
    };
  };

  /**
   * DELETE on a collection (deletecollection): every object the selectors choose, one by one,
   * each as a plain delete would. Answers the List of what was deleted, as kube-apiserver does.
   */
  const removeCollection = async (query: URLSearchParams, info: RequestInfo): Promise<List> => {
    const { resource } = info;
    if (resource === namespaces) throw methodNotAllowed();
    const selected = selectionOf(query, resource);
    const { items, revision } = await storage.list(resource, info.namespace);
    const removed: KubeObject[] = [];
    for (const object of items.filter(selected)) {
      const { namespace, name } = object.metadata;
      try {
        removed.push(await storage.delete(resource, namespace, name!, {}));
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
  };

  const create = async (request: Request, info: RequestInfo): Promise<KubeObject> => {
    const { resource } = info;
    const object = objectOf(request, resource, info);
    if (resource.namespaced) {
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
      const allocating = resource === services && options.serviceAllocator;
      if (allocating) prepared = allocating.onCreate(prepared);
      try {
        return await storage.create(resource, prepared);
      } catch (error) {
        if (allocating) allocating.onDelete(prepared);
        const retry =
          error instanceof ApiError &&
          error.reason === 'AlreadyExists' &&
          !object.metadata.name &&
          attempt < 8;
        if (!retry) throw error;
      }
    }
  };

  const replace = async (request: Request, info: RequestInfo): Promise<KubeObject> => {
    const { resource } = info;
    const object = objectOf(request, resource, info);
    let hadFinalizers = false;
    const stored = await allocated(resource, () =>
      storage.update(resource, info.namespace, info.name!, (current) => {
        hadFinalizers = (current.metadata.finalizers?.length ?? 0) > 0;
        const next = structuredClone(object);
        applyDefaults(resource, next);
        const prepared = prepareForUpdate(resource, current, next);
        checkValid(resource, prepared, current);
        return reallocate(resource, current, prepared);
      }),
    );
    return removeIfFinalized(info, hadFinalizers, stored);
  };

  /** A Service's update, seen by the allocator (a change of type frees or takes ports). */
  const reallocate = (resource: ResourceType, current: KubeObject, next: KubeObject) =>
    resource === services && options.serviceAllocator
      ? options.serviceAllocator.onUpdate(current, next)
      : next;

  /**
   * Runs a write of Services; if it fails after the allocator moved, the stored Services say
   * again what is taken.
   */
  const allocated = async (resource: ResourceType, write: () => Promise<KubeObject>) => {
    try {
      return await write();
    } catch (error) {
      if (resource === services && options.serviceAllocator) {
        options.serviceAllocator.rebuild((await storage.list(services)).items);
      }
      throw error;
    }
  };

  /** The parsed PATCH body and its Content-Type, once the patcher is known to take it. */
  const patchOf = (request: Request): { contentType: string; patch: unknown; patcher: Patcher } => {
    const contentType = mediaTypeOf(request.get('content-type'));
    const patcher = options.patcher;
    if (!patcher || !patcher.contentTypes.includes(contentType)) {
      throw unsupportedMediaType(contentType, patcher?.contentTypes ?? []);
    }
    return {
      contentType,
      patch: parseBody('application/json', request.body ?? Buffer.alloc(0)),
      patcher,
    };
  };

  /** A patched object must still be the same object: same name, same namespace. */
  const keepIdentity = (patched: KubeObject, current: KubeObject) => {
    if (typeof patched?.metadata !== 'object' || patched.metadata === null) {
      throw badRequest('the patched object has no metadata');
    }
    if (
      patched.metadata.name !== current.metadata.name ||
      patched.metadata.namespace !== current.metadata.namespace
    ) {
      throw badRequest('a patch may not change metadata.name or metadata.namespace');
    }
  };

  const patch = async (request: Request, info: RequestInfo): Promise<KubeObject> => {
    const { resource } = info;
    const { contentType, patch, patcher } = patchOf(request);
    let hadFinalizers = false;
    const stored = await allocated(resource, () =>
      storage.update(resource, info.namespace, info.name!, (current) => {
        hadFinalizers = (current.metadata.finalizers?.length ?? 0) > 0;
        const next = patcher.apply(contentType, current, patch, resource);
        keepIdentity(next, current);
        applyDefaults(resource, next);
        const prepared = prepareForUpdate(resource, current, next);
        checkValid(resource, prepared, current);
        return reallocate(resource, current, prepared);
      }),
    );
    return removeIfFinalized(info, hadFinalizers, stored);
  };

  const remove = async (request: Request, info: RequestInfo): Promise<KubeObject | Status> => {
    const { resource } = info;
    const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? bodyOf(request) : {};
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest('the body of a DELETE must be DeleteOptions');
    }
    const { preconditions } = body as DeleteOptions;
    if (resource === namespaces && ['default', 'kube-system', 'kube-public'].includes(info.name!)) {
      throw new ApiError(
        403,
        'Forbidden',
        `namespaces "${info.name}" is forbidden: this namespace may not be deleted`,
        {
          name: info.name,
          kind: 'namespaces',
        },
      );
    }
    if ((body as DeleteOptions).propagationPolicy === 'Orphan') {
      return markForOrphaning(info, preconditions ?? {});
    }
    if (resource.group === '' && resource.resource === 'pods') {
      const marked = await deleteGracefully(info, body as DeleteOptions);
      if (marked) return marked;
    }
    const last = await storage.delete(resource, info.namespace, info.name!, preconditions ?? {});
    if (resource === services) options.serviceAllocator?.onDelete(last);
    return resource.returnsDeletedObject ? last : deleted(resource, last);
  };

  /**
   * DELETE with propagationPolicy Orphan: the dependents must outlive the object, so it is not
   * removed yet. It is marked (deletionTimestamp) with the finalizer "orphan"; the garbage
   * collector takes its ownerReference off every dependent, then removes the finalizer, and the
   * update that removes an object's last finalizer removes the object.
   */
  const markForOrphaning = (
    info: RequestInfo,
    preconditions: { uid?: string; resourceVersion?: string },
  ): Promise<KubeObject> =>
    storage.update(info.resource, info.namespace, info.name!, (current) => {
      if (
        (preconditions.uid && preconditions.uid !== current.metadata.uid) ||
        (preconditions.resourceVersion &&
          preconditions.resourceVersion !== current.metadata.resourceVersion)
      ) {
        throw conflict(info.resource, info.name!);
      }
      const finalizers = current.metadata.finalizers ?? [];
      if (!finalizers.includes('orphan')) current.metadata.finalizers = [...finalizers, 'orphan'];
      current.metadata.deletionTimestamp ??= new Date(makers.clock.now())
        .toISOString()
        .replace(/\.\d+Z$/, 'Z');
      current.metadata.deletionGracePeriodSeconds ??= 0;
      delete current.metadata.resourceVersion;
      return current;
    });

  /** An update that took an object's last finalizer while it is being deleted: now it goes. */
  const removeIfFinalized = async (
    info: RequestInfo,
    hadFinalizers: boolean,
    stored: KubeObject,
  ): Promise<KubeObject> => {
    const { deletionTimestamp, finalizers = [] } = stored.metadata;
    if (hadFinalizers && deletionTimestamp && finalizers.length === 0) {
      await storage
        .delete(info.resource, info.namespace, info.name!, {})
        .catch((error: unknown) => {
          if (!(error instanceof ApiError && error.code === 404)) throw error;
        });
    }
    return stored;
  };

  /**
   * A running pod is not deleted at once: its containers get a grace period to finish (SIGTERM,
   * then SIGKILL), and only the kubelet knows when they have. So DELETE marks it: deletionTimestamp
   * (when the grace runs out) and deletionGracePeriodSeconds, and answers the marked pod. The
   * kubelet stops the containers and then deletes it with gracePeriodSeconds 0, which removes it.
   * A pod on no node, or one that has finished, has nothing to stop: it goes at once. Returns the
   * marked pod, or undefined when the pod is to be removed now.
   */
  const deleteGracefully = async (
    info: RequestInfo,
    options: DeleteOptions,
  ): Promise<KubeObject | undefined> => {
    const pod = await storage.get(info.resource, info.namespace, info.name!);
    const spec = pod.spec as { nodeName?: string; terminationGracePeriodSeconds?: number };
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return undefined;
    const grace = options.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
    if (grace <= 0) return undefined;
    const { uid, resourceVersion } = options.preconditions ?? {};
    return storage.update(info.resource, info.namespace, info.name!, (current) => {
      if (
        (uid && uid !== current.metadata.uid) ||
        (resourceVersion && resourceVersion !== current.metadata.resourceVersion)
      ) {
        throw conflict(info.resource, info.name!);
      }
      const before = current.metadata.deletionGracePeriodSeconds;
      // Marked already with a grace no longer than this one: nothing changes.
      if (before !== undefined && before <= grace) return current;
      const deadline = makers.clock.now() + grace * 1000;
      current.metadata.deletionTimestamp = new Date(deadline).toISOString().replace(/\.\d+Z$/, 'Z');
      current.metadata.deletionGracePeriodSeconds = grace;
      delete current.metadata.resourceVersion;
      return current;
    });
  };

  // ------------------------------------------------------------------------------------------
  // Subresources (chapter 03b provides them)
  // ------------------------------------------------------------------------------------------

  const serveSubresource = async (request: Request, response: Response, info: RequestInfo) => {
    const { resource } = info;
    const name = info.subresource!;
    const subresource = resource.subresources.includes(name)
      ? options.subresources?.find((s) => s.name === name)
      : undefined;
    if (!subresource) throw noSuchPath();
    const context = subresourceContext(resource);

    /** Stores what `change` makes of the parent, checked like any update; returns it stored. */
    const write = (change: (current: KubeObject) => KubeObject) =>
      storage.update(resource, info.namespace, info.name!, (current) => {
        const next = change(current);
        applyDefaults(resource, next);
        const prepared = prepareForUpdate(resource, current, next, name);
        checkValid(resource, prepared);
        return prepared;
      });
    /** The precondition a body carries, if any, on the parent about to be stored. */
    const withPrecondition = (parent: KubeObject, body: KubeObject) => {
      const wanted = body.metadata.resourceVersion;
      if (wanted) parent.metadata.resourceVersion = wanted;
      else delete parent.metadata.resourceVersion;
      return parent;
    };
    const view = (parent: KubeObject) =>
      subresource.get ? subresource.get(parent, context) : parent;

    switch (request.method) {
      case 'GET': {
        if (!subresource.get) throw methodNotAllowed();
        const parent = await storage.get(resource, info.namespace, info.name!);
        return answer(response, 200, subresource.get(parent, context));
      }
      case 'PUT': {
        const update = subresource.update;
        if (!update) throw methodNotAllowed();
        const body = objectFromBody(bodyOf(request));
        const stored = await write((current) =>
          withPrecondition(update(current, body, context), body),
        );
        return answer(response, 200, view(stored));
      }
      case 'PATCH': {
        const { get, update } = subresource;
        if (!get || !update) throw methodNotAllowed();
        const { contentType, patch, patcher } = patchOf(request);
        const stored = await write((current) => {
          const shown = get(current, context);
          const patched = patcher.apply(contentType, shown, patch, resource);
          keepIdentity(patched, shown);
          return withPrecondition(update(current, patched, context), patched);
        });
        return answer(response, 200, view(stored));
      }
      case 'POST': {
        const create = subresource.create;
        if (!create) throw methodNotAllowed();
        const body = objectFromBody(bodyOf(request));
        let reply: KubeObject | Status | undefined;
        await write((current) => {
          const { parent, answer } = create(current, body, context);
          reply = answer;
          return withPrecondition(parent, body);
        });
        return answer(response, 201, reply);
      }
      default:
        throw methodNotAllowed();
    }
  };

  // ------------------------------------------------------------------------------------------
  // pods/log: only the node has a container's log, so the server passes the request on to the
  // kubelet API of the pod's node (its InternalIP and kubelet port, from the Node object)
  // ------------------------------------------------------------------------------------------

  const serveLog = async (
    request: Request,
    response: Response,
    info: RequestInfo,
    query: URLSearchParams,
  ): Promise<void> => {
    if (request.method !== 'GET') throw methodNotAllowed();
    const pod = await storage.get(info.resource, info.namespace, info.name!);
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
    const node = await storage.get(nodes, undefined, spec.nodeName);
    const status = node.status as
      | {
          addresses?: { type: string; address: string }[];
          daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
        }
      | undefined;
    const address = status?.addresses?.find((entry) => entry.type === 'InternalIP')?.address;
    const port = status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250;
    if (!address)
      throw badRequest(`node "${spec.nodeName}" has no InternalIP to reach its kubelet`);
    const forward = new URLSearchParams();
    for (const name of ['follow', 'tailLines']) {
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
  };

  // ------------------------------------------------------------------------------------------
  // Routing
  // ------------------------------------------------------------------------------------------

  const route = async (request: Request, response: Response): Promise<void> => {
    // The path and the query, split by hand: a URL object costs more than the rest of a GET.
    const target = request.originalUrl;
    const mark = target.indexOf('?');
    const url = {
      pathname: mark < 0 ? target : target.slice(0, mark),
      searchParams: new URLSearchParams(mark < 0 ? '' : target.slice(mark + 1)),
    };
    const query = url.searchParams;
    if (request.method === 'GET' && options.discovery) {
      const found = options.discovery(url.pathname, {
        resources,
        serverAddress: request.get('host') ?? '',
      });
      if (found) {
        const body = found.body;
        response.status(found.status ?? 200).type(found.contentType ?? 'application/json');
        response.send(typeof body === 'string' ? body : JSON.stringify(body));
        return;
      }
    }
    const info = parseResourcePath(url.pathname, resources);
    if (!info) throw noSuchPath();
    if (info.subresource === 'log' && info.resource === pods) {
      return serveLog(request, response, info, query);
    }
    if (info.subresource !== undefined) return serveSubresource(request, response, info);

    // `kubectl get` asks for a Table: the columns to print, worked out here (harness/api/tables.ts).
    const table = request.method === 'GET' && wantsTable(request.get('accept'));
    const asTable = (objects: KubeObject[], listMeta?: List['metadata']) =>
      toTable(info.resource, objects, {
        now: makers.clock.now(),
        includeObject: query.get('includeObject'),
        listMeta,
      });

    if (info.name === undefined) {
      switch (request.method) {
        case 'GET':
          if (table && !isWatchRequest(query)) {
            const { items, metadata } = await list(query, info);
            return answer(response, 200, asTable(items, metadata));
          }
          if (!isWatchRequest(query)) return answer(response, 200, await list(query, info));
          {
            const stop = await serveWatch(response, parseWatchParameters(query), {
              storage: watchCache ?? storage,
              resource: info.resource,
              namespace: info.namespace,
              selected: selectionOf(query, info.resource),
              timers,
              random: makers.random,
              bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
              // `kubectl get -w`: each object a one-row Table; the columns once, in the first.
              transform: table
                ? (object, first) => {
                    const row = asTable([object], {
                      resourceVersion: object.metadata.resourceVersion,
                    });
                    return first ? row : { ...row, columnDefinitions: [] };
                  }
                : undefined,
            });
            watches.add(stop);
            response.on('close', () => watches.delete(stop));
          }
          return;
        case 'POST':
          // Objects are created inside a namespace, never in the list across all of them.
          if (info.resource.namespaced && info.namespace === undefined) throw methodNotAllowed();
          return answer(response, 201, await create(request, info));
        case 'DELETE':
          return answer(response, 200, await removeCollection(query, info));
        default:
          throw methodNotAllowed();
      }
    }
    switch (request.method) {
      case 'GET': {
        const object = await storage.get(info.resource, info.namespace, info.name);
        return answer(response, 200, table ? asTable([object]) : object);
      }
      case 'PUT':
        return answer(response, 200, await replace(request, info));
      case 'PATCH':
        return answer(response, 200, await patch(request, info));
      case 'DELETE':
        return answer(response, 200, await remove(request, info));
      default:
        throw methodNotAllowed();
    }
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.raw({ type: () => true, limit: maxBodyBytes }));
  app.use((request: Request, response: Response, next: NextFunction) => {
    route(request, response).catch(next);
  });
  // Every error, from the body reader or from a handler, becomes a Status.
  app.use((error: unknown, _request: Request, response: Response, _next: NextFunction) => {
    const type = (error as { type?: string } | undefined)?.type;
    let failure = error;
    if (type === 'entity.too.large') failure = requestEntityTooLarge(maxBodyBytes);
    else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      failure = new ApiError(415, 'UnsupportedMediaType', (error as Error).message);
    } else if (type !== undefined) failure = badRequest((error as Error).message);
    if (response.headersSent) {
      response.end();
      return;
    }
    const status = statusOf(failure);
    answer(response, status.code ?? 500, status);
  });

  // The namespaces every cluster has from the start.
  for (const name of initialNamespaces) {
    const namespace = prepareForCreate(
      namespaces,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      makers,
    );
    applyDefaults(namespaces, namespace);
    await storage.create(namespaces, namespace).catch((error: unknown) => {
      if (!(error instanceof ApiError && error.reason === 'AlreadyExists')) throw error;
    });
  }

  /**
   * The hot path: a GET of one object, with no query, answered without Express. For so small a
   * request, Express's routing and its request and response wrappers cost more than reading the
   * object (harness/bench/apiserver.ts measures it). Anything else, and any failure, goes on to
   * Express, which answers it in full, so the bytes a client gets are the same either way.
   */
  const serveHotPath = (request: http.IncomingMessage, response: http.ServerResponse) => {
    const target = request.url ?? '';
    const plain = !target.includes('?') && !wantsTable(request.headers.accept);
    const info =
      request.method === 'GET' && plain ? parseResourcePath(target, resources) : undefined;
    if (!info || info.name === undefined || info.subresource !== undefined) {
      return app(request, response);
    }
    storage.get(info.resource, info.namespace, info.name).then(
      (object) => answer(response, 200, object),
      () => app(request, response),
    );
  };

  // With an allocator: what the stored Services hold is taken, and the `kubernetes` Service, the
  // cluster's own address for the API server, exists with the range's first address.
  if (options.serviceAllocator && services) {
    const existing = (await storage.list(services)).items;
    options.serviceAllocator.rebuild(existing);
    const present = existing.some(
      (service) =>
        service.metadata.namespace === 'default' && service.metadata.name === 'kubernetes',
    );
    if (!present) {
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
            clusterIP: options.serviceAllocator.kubernetesIp(),
            ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
          },
        },
        makers,
      );
      applyDefaults(services, kubernetes);
      await storage
        .create(services, options.serviceAllocator.onCreate(kubernetes))
        .catch((error: unknown) => {
          if (!(error instanceof ApiError && error.reason === 'AlreadyExists')) throw error;
        });
    }
  }

  // Compaction: the store keeps every revision until told to forget. Every interval, the server
  // compacts to the revision it noted one interval before, so a watch or a continue token up to one
  // interval old still resumes, and the store does not grow without end.
  const compactionIntervalMs = options.compactionIntervalMs ?? 5 * 60 * 1000;
  let notedRevision = 0;
  let compactionTimer: unknown;
  let closed = false;
  const compact = async () => {
    const { header } = await options.store.range({ key: bytes('/registry/'), countOnly: true });
    // Already compacted further (by another API server on the same etcd): nothing to do.
    if (notedRevision > 0) await options.store.compact(notedRevision).catch(() => {});
    notedRevision = header.revision;
  };
  const scheduleCompaction = () => {
    if (closed || compactionIntervalMs <= 0) return;
    compactionTimer = timers.setTimeout(() => {
      compact()
        .catch(() => {})
        .finally(scheduleCompaction);
    }, compactionIntervalMs);
  };
  scheduleCompaction();

  const servers: http.Server[] = [];
  return {
    app,
    listen(port = 0, host = '127.0.0.1') {
      const server = http.createServer({ requestTimeout: 0 }, serveHotPath);
      servers.push(server);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const printable = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${printable}:${address.port}`);
        });
      });
    },
    async close() {
      closed = true;
      if (compactionTimer !== undefined) timers.clearTimeout(compactionTimer);
      for (const stop of [...watches]) stop();
      watchCache?.close();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
