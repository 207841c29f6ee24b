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
import type { WatchSource } from '../../harness/api/object-watch.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { Table } from '../../harness/api/tables.ts';
import type { KubeObject, WatchEvent } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Watch';

/** Whether a request asks to watch: `watch` with any value but "0" or "false". */
export function isWatchRequest(query: URLSearchParams): boolean {
  throw new NotImplemented('isWatchRequest', section);
}

export interface WatchParameters {
  /** Undefined: start with the current state (also for "0"). A number: changes after it. */
  resourceVersion?: number;
  /** Seconds until the server ends the stream. */
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
}

/**
 * Reads a watch's query parameters: resourceVersion (absent, empty or "0" means "from the current
 * state"), timeoutSeconds, allowWatchBookmarks ("true"). Throws badRequest (400) for a
 * resourceVersion or timeoutSeconds that is not a whole number.
 */
export function parseWatchParameters(query: URLSearchParams): WatchParameters {
  throw new NotImplemented('parseWatchParameters', section);
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
  throw new NotImplemented('watchLine', section);
}

/**
 * How long a watch lasts, in milliseconds: timeoutSeconds when the client gave it, otherwise a
 * random 30 to 60 minutes in whole seconds (1800 + floor(random() × 1800) seconds, as
 * kube-apiserver), so that clients that connected together do not all reconnect at once.
 */
export function watchTimeoutMs(parameters: WatchParameters, random: () => number): number {
  throw new NotImplemented('watchTimeoutMs', section);
}

/**
 * A BOOKMARK event: an object of the resource's kind and apiVersion whose metadata holds only
 * the resourceVersion `revision`, saying "you have seen everything up to here".
 */
export function bookmarkEvent(resource: ResourceType, revision: number): WatchEvent<KubeObject> {
  throw new NotImplemented('bookmarkEvent', section);
}

/**
 * Serves one watch on `response` until the timeout, the client leaving, the store ending the
 * watch, or the returned stop() (the server closing). Resolves once the stream has started.
 *
 * 1. Without a resourceVersion, list the collection: its selected items are sent first as ADDED,
 *    and the watch continues after the list's revision. With one, it continues after that.
 * 2. Answer 200 with Content-Type application/json, and flushHeaders() so the client knows at once.
 * 3. storage.watch from there with the selection: write each event as a line, its object (here
 *    and in step 1) through context.transform(object, first) when there is one. When the store ends
 *    the watch, write one ERROR event whose object is the Status of expired(resourceVersion,
 *    compactRevision) (or of internalError for a failure), then end the stream.
 * 4. timers.setTimeout(stop, watchTimeoutMs(parameters, random)).
 * 5. With allowWatchBookmarks, every bookmarkIntervalMs (one timers.setTimeout after another) a
 *    bookmarkEvent with the last revision the store watch reported (onRevision), or the starting
 *    one.
 * stop() cancels the store watch and the timers and ends the response; call it too when the
 * response closes (the client left). Calling it twice does nothing.
 */
export async function serveWatch(
  response: ServerResponse,
  parameters: WatchParameters,
  context: WatchContext,
): Promise<() => void> {
  throw new NotImplemented('serveWatch', section);
}
