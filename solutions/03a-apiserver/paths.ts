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
import { badRequest } from './status.ts';

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
 */
export function parseResourcePath(
  path: string,
  resources: ResourceType[],
): RequestInfo | undefined {
  const segments = path.split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  let segment: string[];
  try {
    segment = segments.map((part) => decodeURIComponent(part));
  } catch {
    return undefined;
  }
  if (segment.some((part) => part === '')) return undefined;

  // The group and version: /api/v1 (core) or /apis/<group>/<version>.
  let group: string;
  let version: string;
  let rest: string[];
  if (segment[0] === 'api' && segment.length >= 2) {
    [group, version, rest] = ['', segment[1]!, segment.slice(2)];
  } else if (segment[0] === 'apis' && segment.length >= 3) {
    [group, version, rest] = [segment[1]!, segment[2]!, segment.slice(3)];
  } else {
    return undefined;
  }
  const find = (name: string) =>
    resources.find((r) => r.group === group && r.version === version && r.resource === name);

  // namespaces/<ns>/<resource>... is inside a namespace, unless <resource> is not a namespaced
  // resource: then it is the namespace object itself, with a subresource (namespaces/x/status).
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && find(rest[2]!)?.namespaced) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resourceName, name, subresource, ...extra] = rest;
  if (resourceName === undefined || extra.length > 0) return undefined;
  const resource = find(resourceName);
  if (!resource) return undefined;
  // A named namespaced object needs its namespace; a cluster-scoped one never has one.
  if (resource.namespaced && name !== undefined && namespace === undefined) return undefined;

  const info: RequestInfo = { resource };
  if (namespace !== undefined) info.namespace = namespace;
  if (name !== undefined) info.name = name;
  if (subresource !== undefined) info.subresource = subresource;
  return info;
}

/** Where one object is stored: /registry/<resource>/<namespace>/<name>. */
export function storageKey(
  resource: ResourceType,
  namespace: string | undefined,
  name: string,
): string {
  return `${collectionKey(resource, namespace)}${name}`;
}

/**
 * The prefix under which a collection's objects are stored, ending in "/" so that namespace
 * "dev" does not also list namespace "dev2": /registry/pods/dev/, or /registry/pods/ for all.
 */
export function collectionKey(resource: ResourceType, namespace?: string): string {
  if (resource.namespaced && namespace !== undefined) {
    return `/registry/${resource.resource}/${namespace}/`;
  }
  return `/registry/${resource.resource}/`;
}

// ---------------------------------------------------------------------------------------------
// Bad input in the URL
// ---------------------------------------------------------------------------------------------

/**
 * Why a namespace or a name taken from a path cannot be one (apimachinery's
 * IsValidPathSegmentName): "." and ".." would climb the store's keys, "/" and "%" would split or
 * disguise them. Undefined when the segment is fine.
 */
export function pathSegmentProblem(segment: string): string | undefined {
  if (segment === '.' || segment === '..') return `may not be '${segment}'`;
  const problems = ['/', '%']
    .filter((character) => segment.includes(character))
    .map((character) => `may not contain '${character}'`);
  return problems.length > 0 ? problems.join(';') : undefined;
}

/** 400 for a namespace or name in the URL that pathSegmentProblem refuses, in kube's words. */
export function checkPathSegments(info: RequestInfo): void {
  const parts = [
    ['Namespace', info.namespace],
    ['Name', info.name],
  ] as const;
  for (const [what, segment] of parts) {
    const problem = segment === undefined ? undefined : pathSegmentProblem(segment);
    if (problem) {
      throw badRequest(`${what} parameter invalid: ${JSON.stringify(segment)}: ${problem}`);
    }
  }
}

/**
 * The ?resourceVersion of a get, list or watch as a store revision: undefined when absent, empty
 * or "0" (the current state). A resourceVersion is opaque to clients, but this server's are
 * revision numbers, so anything else is a 400 worded as kube-apiserver words it (it parses with
 * Go's strconv.ParseUint).
 */
export function parseResourceVersion(query: URLSearchParams): number | undefined {
  const text = query.get('resourceVersion');
  if (text === null || text === '' || text === '0') return undefined;
  if (!/^\d+$/.test(text)) {
    throw badRequest(
      `resourceVersion: Invalid value: ${JSON.stringify(text)}: strconv.ParseUint: ` +
        `parsing ${JSON.stringify(text)}: invalid syntax`,
    );
  }
  return Number(text);
}
