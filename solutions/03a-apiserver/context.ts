// What every handler of one API server shares: the storage and where watches read, each
// resource's strategy and hooks, the admission plugins, the collaborators chapter 03b hands in,
// and the open watches and HTTP servers close() must end. createApiServer (server.ts) builds one
// ServerContext; every stage of a request (filters.ts, handlers.ts, subresource-handlers.ts)
// receives it. Also here: the few things every handler does the same way, answer in JSON and
// read the query.
import type http from 'node:http';
import type express from 'express';
import type { Timers } from '../../harness/api/machinery.ts';
import type { WatchSource } from '../../harness/api/object-watch.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { WatchCache } from '../../harness/api/watch-cache.ts';
import type { ApiServerOptions } from '../../harness/contracts/apiserver.ts';
import type { AdmissionPlugin } from './filters.ts';
import type { Makers } from './metadata.ts';
import type { ObjectStorage } from './storage.ts';
import type { ResourceRegistration } from './strategy.ts';
import type { SubresourceHandler } from './subresource-handlers.ts';

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
  /** Each served resource's strategy and write hooks (strategy.ts). */
  registry: Map<ResourceType, ResourceRegistration>;
  /** The admission plugins every write passes (filters.ts), in order. */
  admission: AdmissionPlugin[];
  /** The subresources the server serves itself (pods/log), by subresourcePath. */
  subresourceHandlers: Map<string, SubresourceHandler>;
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

/** Sends a JSON answer. (Plain node:http calls: Express's send() does work we do not need.) */
export function answer(response: http.ServerResponse, code: number, body: unknown): void {
  const json = JSON.stringify(body);
  response.writeHead(code, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
  });
  response.end(json);
}

/** The query of a request target (`/api/v1/pods?limit=5`), as URLSearchParams. */
export function queryOf(target: string): URLSearchParams {
  const mark = target.indexOf('?');
  return new URLSearchParams(mark < 0 ? '' : target.slice(mark + 1));
}

/** The core group's resource `name` ("namespaces", "services"), as served. */
export function coreResource(context: ServerContext, name: string): ResourceType {
  return context.resources.find((resource) => resource.group === '' && resource.resource === name)!;
}
