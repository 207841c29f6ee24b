// Resources and paths: what a URL names, and where that object lives in the store.
//
// Every resource URL has the same shape. The core group lives under /api/v1, every other group
// under /apis/<group>/<version>; a namespaced resource sits under namespaces/<ns>; then come the
// resource, an object's name, and perhaps a subresource:
//
//   /api/v1/namespaces/default/pods/web/status
//   └─ core v1 ─┘└─ namespace ─┘└res┘└name┘└sub─┘
//
// A namespaced resource without a namespace (/api/v1/pods) is the list across every namespace.
// Namespaces are themselves a resource, so /api/v1/namespaces/default is the namespace object.
//
// In the store, an object lives at /registry/<resource>/<namespace>/<name> (cluster-scoped ones at
// /registry/<resource>/<name>), which is where kube-apiserver keeps it in etcd. One prefix read
// then lists a namespace, or every namespace.
import type { ResourceType } from '../../harness/api/resources.ts';
import type { UserInfo } from '../../harness/contracts/security.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Resources and paths';

/** What a resource URL names. */
export interface RequestInfo {
  resource: ResourceType;
  /** Absent for cluster-scoped resources and for lists across all namespaces. */
  namespace?: string;
  /** Absent for a collection. */
  name?: string;
  subresource?: string;
  /** Who asks: set once the request is authenticated (admission plugins read it). */
  user?: UserInfo;
}

/**
 * Reads a URL path (without its query) into what it names, or undefined when no resource of
 * `resources` lives there: an unknown group, version or resource, a namespaced resource named
 * without its namespace, a cluster-scoped one inside a namespace, or too many segments.
 *
 * - Split on "/" and URL-decode each segment (a segment that does not decode names nothing). One
 *   trailing slash is allowed; empty segments elsewhere are not.
 * - /api/<version>/... is the core group (group ""); /apis/<group>/<version>/... a named group.
 * - namespaces/<ns>/<resource>... is inside namespace <ns> when <resource> is a namespaced
 *   resource. Otherwise it is the namespace object <ns> itself, perhaps with a subresource
 *   (/api/v1/namespaces/default/status).
 * - Then: <resource>[/<name>[/<subresource>]]. Leave out the fields that are absent.
 */
export function parseResourcePath(
  path: string,
  resources: ResourceType[],
): RequestInfo | undefined {
  throw new NotImplemented('parseResourcePath', section);
}

/** Where one object is stored: /registry/<resource>/<namespace>/<name> (no namespace if none). */
export function storageKey(
  resource: ResourceType,
  namespace: string | undefined,
  name: string,
): string {
  throw new NotImplemented('storageKey', section);
}

/**
 * The prefix under which a collection's objects are stored, ending in "/" so that namespace
 * "dev" does not also list namespace "dev2": /registry/pods/dev/, or /registry/pods/ for all.
 */
export function collectionKey(resource: ResourceType, namespace?: string): string {
  throw new NotImplemented('collectionKey', section);
}

// ---------------------------------------------------------------------------------------------
// Bad input in the URL
// ---------------------------------------------------------------------------------------------

/**
 * Why a namespace or a name taken from a path cannot be one (apimachinery's
 * IsValidPathSegmentName), or undefined when it can: "." and ".." are `may not be '.'` (or
 * '..'); a segment holding "/" or "%" is `may not contain '/'` (or '%'), joined with ";" when it
 * holds both.
 */
export function pathSegmentProblem(segment: string): string | undefined {
  throw new NotImplemented('pathSegmentProblem', '§ Bad input');
}

/**
 * Throws 400 BadRequest when the request's namespace or name is refused by pathSegmentProblem:
 * `Namespace parameter invalid: "..": may not be '..'` (or `Name parameter invalid: ...`), the
 * segment quoted as JSON.
 */
export function checkPathSegments(info: RequestInfo): void {
  throw new NotImplemented('checkPathSegments', '§ Bad input');
}

/**
 * The ?resourceVersion of a get, list or watch as a store revision: undefined when absent, empty
 * or "0". Anything but digits is a 400 BadRequest worded as kube-apiserver words it:
 * `resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax`.
 */
export function parseResourceVersion(query: URLSearchParams): number | undefined {
  throw new NotImplemented('parseResourceVersion', '§ Bad input');
}
