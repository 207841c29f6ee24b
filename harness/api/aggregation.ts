// API aggregation: group versions the API server does not serve itself but hands on to another
// server, as kube-apiserver's aggregation layer (kube-aggregator) does. An APIService object,
// named "<version>.<group>" (v1beta1.metrics.k8s.io), says which Service answers that group
// version; the API server authenticates and authorizes the caller as for any request, then
// proxies the request to one of the Service's endpoints, telling it who asked in the
// X-Remote-User and X-Remote-Group headers. Discovery lists the aggregated groups with its own,
// so clients (kubectl top, the HPA) find them without knowing where they are served.
//
// The aggregator is the API server's named extension point for this (ApiServerOptions.aggregator):
// it reads APIServices and Endpoints from the server's own objects at each request, so an
// APIService created, changed or deleted takes effect at once.
import http from 'node:http';
import type { UserInfo } from '../contracts/security.ts';
import { ApiError } from './errors.ts';
import type { Discovery } from './machinery.ts';
import type { ResourceType } from './resources.ts';
import type { Endpoints, KubeObject } from './types.ts';

/** apiregistration.k8s.io/v1 APIService: where a group version is served. */
export interface APIService extends KubeObject {
  spec: {
    group?: string;
    version?: string;
    /** Absent: served by the API server itself. */
    service?: { namespace: string; name: string; port?: number };
    insecureSkipTLSVerify?: boolean;
    groupPriorityMinimum?: number;
    versionPriority?: number;
  };
}

/** What the aggregator reads of the server's objects: one by resource, namespace and name. */
export type ObjectReader = (
  resource: string,
  namespace: string | undefined,
  name: string,
) => Promise<KubeObject | undefined>;

/** A group of /apis's APIGroupList. */
export interface AggregatedGroup {
  name: string;
  versions: Array<{ groupVersion: string; version: string }>;
  preferredVersion: { groupVersion: string; version: string };
}

export interface ApiAggregator {
  /**
   * The base URL ("http://127.0.0.1:4443") of the server behind the group version of `path`, when
   * an APIService with a service names it; undefined for anything else. A group version whose
   * Service has no ready endpoint throws 503 ServiceUnavailable.
   */
  backendFor(path: string, read: ObjectReader): Promise<string | undefined>;
  /** The aggregated groups, for /apis. */
  groups(list: () => Promise<KubeObject[]>): Promise<AggregatedGroup[]>;
}

/** The group version a path names: /apis/<group>/<version>/... */
export function groupVersionOf(path: string): { group: string; version: string } | undefined {
  const match = /^\/apis\/([^/]+)\/([^/]+)(?:\/|$)/.exec(path);
  return match ? { group: match[1]!, version: match[2]! } : undefined;
}

/** The aggregator over APIService objects and their Services' Endpoints. */
export function createAggregator(): ApiAggregator {
  return {
    async backendFor(path, read) {
      const groupVersion = groupVersionOf(path);
      if (!groupVersion) return undefined;
      const name = `${groupVersion.version}.${groupVersion.group}`;
      const apiService = (await read('apiservices', undefined, name)) as APIService | undefined;
      const service = apiService?.spec.service;
      if (!service) return undefined;
      const endpoints = (await read('endpoints', service.namespace, service.name)) as
        Endpoints | undefined;
      const subset = endpoints?.subsets?.find((each) => (each.addresses ?? []).length > 0);
      const address = subset?.addresses?.[0]?.ip;
      const port = subset?.ports?.[0]?.port ?? service.port ?? 443;
      if (!address) {
        throw new ApiError(
          503,
          'ServiceUnavailable',
          `the server is currently unable to handle the request (service ${service.namespace}/${service.name} has no ready endpoints)`,
        );
      }
      return `http://${address}:${port}`;
    },
    async groups(list) {
      const byGroup = new Map<string, string[]>();
      for (const item of (await list()) as APIService[]) {
        const { group, version, service } = item.spec;
        if (!group || !version || !service) continue;
        byGroup.set(group, [...(byGroup.get(group) ?? []), version]);
      }
      return [...byGroup].map(([name, versions]) => {
        const all = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
        return { name, versions: all, preferredVersion: all[0]! };
      });
    },
  };
}

/**
 * Hands a request on to `backend` and its answer back, unchanged, with the caller's identity in
 * X-Remote-User and X-Remote-Group (the Authorization header is not passed on).
 */
export function proxyRequest(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  backend: string,
  target: string,
  user: UserInfo,
): Promise<void> {
  const url = new URL(target, backend);
  const headers: http.OutgoingHttpHeaders = { ...request.headers, host: url.host };
  delete headers.authorization;
  headers['x-remote-user'] = user.username;
  headers['x-remote-group'] = user.groups;
  return new Promise((resolve) => {
    const outgoing = http.request(url, { method: request.method, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
      answer.on('end', () => resolve());
    });
    outgoing.on('error', (error) => {
      if (!response.headersSent) {
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Failure',
            message: `the server is currently unable to handle the request (${error.message})`,
            reason: 'ServiceUnavailable',
            code: 503,
          }),
        );
      }
      resolve();
    });
    // Express has read the body already (as bytes); GETs, which is all the metrics API takes, have none.
    const body = (request as { body?: unknown }).body;
    outgoing.end(Buffer.isBuffer(body) && body.length > 0 ? body : undefined);
  });
}

/** What the API server lends the aggregator for one request. */
export interface AggregationHooks {
  /** The path without its query, and the whole target with it. */
  path: string;
  target: string;
  user: UserInfo;
  /** The server: its own resources (never aggregated), its objects, and its discovery for /apis. */
  server: {
    resources: ResourceType[];
    storage: {
      get(type: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject>;
      list(type: ResourceType): Promise<{ items: KubeObject[] }>;
    };
    options: { discovery?: Discovery };
  };
  /** Authorizes the caller for a request of an aggregated resource (throws 403). */
  authorize(info: { resource: ResourceType; namespace?: string; name?: string }): void;
}

/** The resource attributes of a request under an aggregated group version. */
export interface AggregatedResource {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
}

/** Reads /apis/<group>/<version>/[namespaces/<ns>/]<resource>[/<name>]; undefined for the version's discovery. */
export function aggregatedResourceOf(path: string): AggregatedResource | undefined {
  const match =
    /^\/apis\/([^/]+)\/([^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?\/?$/.exec(path);
  if (!match) return undefined;
  const [, group, version, namespace, resource, name] = match;
  return { group: group!, version: version!, resource: resource!, namespace, name };
}

/**
 * Serves a request if it is the aggregator's: /apis with the aggregated groups added, or a path
 * under an APIService's group version, authorized and proxied. Returns whether it answered.
 */
export async function serveAggregated(
  aggregator: ApiAggregator,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  hooks: AggregationHooks,
): Promise<boolean> {
  const { resources, storage } = hooks.server;
  const discovery = hooks.server.options.discovery;
  const typeOf = (name: string) => resources.find((type) => type.resource === name);
  const apiServices = typeOf('apiservices');
  if (!apiServices) return false;
  const route = hooks.path.replace(/\/+$/, '');
  if (route === '/apis' && request.method === 'GET' && discovery) {
    const own = discovery('/apis', { resources, serverAddress: '' })!.body as { groups: object[] };
    const groups = await aggregator.groups(async () => (await storage.list(apiServices)).items);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ...own, groups: [...own.groups, ...groups] }));
    return true;
  }
  const groupVersion = groupVersionOf(hooks.path);
  const own = (type: ResourceType) =>
    type.group === groupVersion?.group && type.version === groupVersion.version;
  if (!groupVersion || resources.some(own)) return false;
  const read: ObjectReader = async (resource, namespace, name) => {
    const type = typeOf(resource);
    return type ? storage.get(type, namespace, name).catch(() => undefined) : undefined;
  };
  const backend = await aggregator.backendFor(hooks.path, read);
  if (!backend) return false;
  const asked = aggregatedResourceOf(hooks.path);
  if (asked) {
    const { group, version, resource, namespace, name } = asked;
    const type: ResourceType = {
      ...{ group, version, resource, singular: '', kind: '', namespaced: !!namespace },
      ...{ shortNames: [], categories: [], subresources: [], nameRule: 'subdomain' },
    };
    hooks.authorize({ resource: type, namespace, name });
  }
  await proxyRequest(request, response, backend, hooks.target, hooks.user);
  return true;
}
