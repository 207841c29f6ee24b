// Watch: one long HTTP response that tells a client every change to a collection, as it happens.
//
// Polling would cost every controller a full list every few seconds and still miss what happened
// in between. A watch costs nothing while nothing changes and misses nothing: it starts from a
// resourceVersion (a store revision) and the store replays every change after it.
//
//   GET /api/v1/namespaces/default/pods?watch=true&resourceVersion=41
//   {"type":"ADDED","object":{"kind":"Pod",...,"metadata":{"resourceVersion":"42",...}}}
//   {"type":"MODIFIED","object":{...}}
//
// One JSON object per line (clients read line by line). Without a resourceVersion (or with "0")
// the watch first sends the current objects as ADDED, then changes. A resourceVersion the store
// has compacted away gets one ERROR event with a 410 Expired Status: the client must list again.
// The server ends the stream after timeoutSeconds (or a random half hour to an hour, so that
// clients do not all reconnect at once), and, when asked with allowWatchBookmarks, sends BOOKMARK
// events that only carry a resourceVersion, so a client knows how far it has got even when
// nothing it watches changed.
import type { ServerResponse } from 'node:http';
import type { ObjectPredicate, Timers } from '../../harness/api/machinery.ts';
import type { ObjectEvent, WatchSource } from '../../harness/api/object-watch.ts';
import { apiVersionOf, type ResourceType } from '../../harness/api/resources.ts';
import type { Table } from '../../harness/api/tables.ts';
import type { KubeObject, Status, WatchEvent } from '../../harness/api/types.ts';
import { badRequest, expired, internalError } from './status.ts';
import { parseResourceVersion } from './paths.ts';

/** Whether a request asks to watch: `watch` with any value but "0" or "false". */
export function isWatchRequest(query: URLSearchParams): boolean {
  const watch = query.get('watch');
  return watch !== null && watch !== '0' && watch !== 'false';
}

export interface WatchParameters {
  /** Undefined: start with the current state (also for "0"). A number: changes after it. */
  resourceVersion?: number;
  /** Seconds until the server ends the stream. */
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
}

/** Reads a watch's query parameters. Throws 400 for a resourceVersion or timeout that is not a number. */
export function parseWatchParameters(query: URLSearchParams): WatchParameters {
  const parameters: WatchParameters = {
    allowWatchBookmarks: query.get('allowWatchBookmarks') === 'true',
  };
  const resourceVersion = parseResourceVersion(query);
  if (resourceVersion !== undefined) parameters.resourceVersion = resourceVersion;
  const timeout = query.get('timeoutSeconds');
  if (timeout !== null && timeout !== '') {
    if (!/^\d+$/.test(timeout)) {
      throw badRequest(
        `timeoutSeconds: Invalid value: "${timeout}": must be a whole number of seconds`,
      );
    }
    parameters.timeoutSeconds = Number(timeout);
  }
  return parameters;
}

export interface WatchContext {
  /** Where the list and the watch come from: the ObjectStorage, or a WatchCache over it. */
  storage: WatchSource;
  resource: ResourceType;
  namespace?: string;
  /** The selection (selectors); everything when absent. */
  selected?: ObjectPredicate;
  timers: Timers;
  random: () => number;
  /** How often a BOOKMARK goes out when the client allows them. */
  bookmarkIntervalMs: number;
  /**
   * How each object goes out, when not as stored: `kubectl get -w` asks for one-row Tables.
   * `first` is true for the stream's first object (only that Table carries the column definitions).
   */
  transform?: (object: KubeObject, first: boolean) => KubeObject | Table;
}

/** One line of the stream: a watch event as JSON, then a newline. */
export function watchLine(event: WatchEvent<KubeObject | Table>): string {
  return `${JSON.stringify(event)}\n`;
}

/**
 * How long a watch lasts, in milliseconds: timeoutSeconds when the client gave it, otherwise a
 * random 30 to 60 minutes (kube-apiserver's default), so that clients that connected together do
 * not all reconnect, and list again, at the same moment.
 */
export function watchTimeoutMs(parameters: WatchParameters, random: () => number): number {
  if (parameters.timeoutSeconds !== undefined) return parameters.timeoutSeconds * 1000;
  return (1800 + Math.floor(random() * 1800)) * 1000;
}

/**
 * A BOOKMARK event: an object of the watched kind that carries only a resourceVersion, saying
 * "you have seen everything up to this revision".
 */
export function bookmarkEvent(resource: ResourceType, revision: number): WatchEvent<KubeObject> {
  return {
    type: 'BOOKMARK',
    object: {
      kind: resource.kind,
      apiVersion: apiVersionOf(resource),
      metadata: { resourceVersion: String(revision) },
    },
  };
}

/**
 * Serves one watch on `response` until the timeout, the client leaving, the store ending the
 * watch, or `stop()` (the server closing). Resolves once the stream has started; returns stop().
 */
export async function serveWatch(
  response: ServerResponse,
  parameters: WatchParameters,
  context: WatchContext,
): Promise<() => void> {
  const { storage, resource, namespace, timers } = context;
  const selected = context.selected ?? (() => true);

  // Where to start: after the given revision, or after a list of what is there now.
  let initial: KubeObject[] = [];
  let after = parameters.resourceVersion;
  if (after === undefined) {
    const list = await storage.list(resource, namespace);
    initial = list.items.filter(selected);
    after = list.revision;
  }

  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
  // Send the headers now: the client learns the watch is accepted before any event happens.
  response.flushHeaders();
  let open = true;
  let lastRevision = after;
  let timeout: unknown;
  let nextBookmark: unknown;
  const write = (event: WatchEvent<KubeObject | Table>) => {
    if (open) response.write(watchLine(event));
  };
  let first = true;
  const send = ({ type, object }: ObjectEvent) => {
    write({ type, object: context.transform ? context.transform(object, first) : object });
    first = false;
  };
  const stop = () => {
    if (!open) return;
    open = false;
    watch.cancel();
    timers.clearTimeout(timeout);
    if (nextBookmark !== undefined) timers.clearTimeout(nextBookmark);
    response.end();
  };
  const fail = (status: Status) => {
    write({ type: 'ERROR', object: status });
    stop();
  };

  for (const object of initial) send({ type: 'ADDED', object });
  const watch = storage.watch(
    resource,
    namespace,
    after,
    {
      onEvent: send,
      onRevision: (revision) => (lastRevision = revision),
      onEnd: (end) =>
        end.compactRevision !== undefined
          ? fail(expired(after, end.compactRevision).status())
          : fail(internalError(end.error ?? new Error('the store ended the watch')).status()),
    },
    selected,
  );
  response.on('close', stop);

  timeout = timers.setTimeout(stop, watchTimeoutMs(parameters, context.random));

  if (parameters.allowWatchBookmarks) {
    const bookmark = () => {
      write(bookmarkEvent(resource, lastRevision));
      nextBookmark = timers.setTimeout(bookmark, context.bookmarkIntervalMs);
    };
    nextBookmark = timers.setTimeout(bookmark, context.bookmarkIntervalMs);
  }
  return stop;
}
