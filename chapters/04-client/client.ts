// The REST client: the verbs of the Kubernetes API as TypeScript calls, over Node's fetch. Every
// component after this chapter talks to the API server only through it, so it does three things
// carefully: it builds the paths Kubernetes uses, it turns every error answer into an ApiError
// that carries the Status's reason and code, and it reads a watch as the stream of events it is.
//
// Paths, as the API server routes them (chapter 03a):
//
//   /api/v1/namespaces/default/pods/web            a core, namespaced object
//   /api/v1/nodes/node-1                           a core, cluster-scoped object
//   /apis/apps/v1/namespaces/default/deployments   a collection in a named group
//   /api/v1/pods                                   one resource across all namespaces
import { ApiError } from '../../harness/api/errors.ts';
import { builtinResources, type ResourceType } from '../../harness/api/resources.ts';
import type { Binding, KubeObject, List, Scale } from '../../harness/api/types.ts';
import type {
  ApiClient,
  ClientConfig,
  ListOptions,
  ObjectEvent,
  PatchType,
  ResourceClient,
  WatchOptions,
} from '../../harness/client/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ The REST client';

/** The key of an object in caches and queues: "namespace/name", or "name" without a namespace. */
export function keyOf(object: KubeObject): string {
  throw new NotImplemented('keyOf', section);
}

/**
 * The path of a resource's collection, in one namespace or (without one) across all:
 * /api/v1/namespaces/default/pods, /api/v1/nodes, /apis/apps/v1/deployments. Encode the namespace
 * with encodeURIComponent.
 */
export function collectionPath(resource: ResourceType, namespace?: string): string {
  throw new NotImplemented('collectionPath', section);
}

/**
 * A query string from options, leaving out those that are undefined or empty, with "?" in front
 * (or "" when nothing is left): { labelSelector: "app=web" } gives "?labelSelector=app%3Dweb".
 * URLSearchParams does the encoding.
 */
export function queryOf(options: Record<string, string | number | boolean | undefined>): string {
  throw new NotImplemented('queryOf', section);
}

/** The reason Kubernetes gives each code, for answers that came without a Status (a proxy's 502). */
const reasonForCode: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/**
 * An ApiError from a Status object, as an error answer or a watch's ERROR event carries it: the
 * Status's code (or `code` when it has none), reason, message and details. When `status` is not a
 * Status at all (a plain-text 503 from a proxy), the reason comes from `reasonForCode` and the
 * message names `context` ("GET /api/v1/pods") and the code.
 */
export function errorFromStatus(status: unknown, code: number, context: string): ApiError {
  throw new NotImplemented('errorFromStatus', section);
}

/** The Content-Type of each kind of patch. */
const patchMediaTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

interface RequestOptions {
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/** The client for the whole API: resource clients share its configuration and connection pool. */
export class HttpClient implements ApiClient {
  readonly config: ClientConfig;

  constructor(config: ClientConfig) {
    this.config = config;
  }

  /**
   * The client for a resource by its plural name, found in builtinResources or in the config's
   * `resources` (custom resources, chapter 17). An unknown name
   * throws an Error naming it, before anything is sent.
   */
  resource<T extends KubeObject = KubeObject>(
    resource: string,
    namespace?: string,
  ): ResourceClient<T> {
    throw new NotImplemented('HttpClient.resource', section);
  }

  /** POST /api/v1/namespaces/<ns>/pods/<name>/binding with the Binding as the body. */
  async bind(binding: Binding): Promise<void> {
    throw new NotImplemented('HttpClient.bind', section);
  }

  /**
   * Sends one request; resolves with the answer's JSON (undefined for an empty body); for an
   * answer that is not 2xx, rejects with errorFromStatus of the parsed body (or of undefined when
   * it is not JSON). A connection error rejects as fetch rejected: it is not an answer.
   */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    throw new NotImplemented('HttpClient.request', section);
  }

  /**
   * Sends one request with fetch and hands back the raw Response. Headers: Accept
   * application/json; Authorization "Bearer <token>" and User-Agent when configured; a body as
   * JSON with its Content-Type (application/json unless the options say otherwise).
   */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    throw new NotImplemented('HttpClient.send', section);
  }
}

/**
 * The verbs for one resource in one namespace (or across all of them). For create, update and
 * updateStatus, the object's own metadata.namespace, when it has one, picks the path.
 */
class RestResource<T extends KubeObject> implements ResourceClient<T> {
  private readonly client: HttpClient;
  private readonly type: ResourceType;
  private readonly namespace: string | undefined;

  constructor(client: HttpClient, type: ResourceType, namespace: string | undefined) {
    this.client = client;
    this.type = type;
    this.namespace = namespace;
  }

  /** GET <collection>/<name>. */
  async get(name: string): Promise<T> {
    throw new NotImplemented('ResourceClient.get', section);
  }

  /** GET <collection>?<options>. */
  async list(options: ListOptions = {}): Promise<List<T>> {
    throw new NotImplemented('ResourceClient.list', section);
  }

  /** POST <collection>. */
  async create(object: T): Promise<T> {
    throw new NotImplemented('ResourceClient.create', section);
  }

  /** PUT <collection>/<name>. */
  async update(object: T): Promise<T> {
    throw new NotImplemented('ResourceClient.update', section);
  }

  /** PUT <collection>/<name>/status. */
  async updateStatus(object: T): Promise<T> {
    throw new NotImplemented('ResourceClient.updateStatus', section);
  }

  /** PATCH <collection>/<name> with the patch type's Content-Type (merge by default). */
  async patch(name: string, patch: unknown, type: PatchType = 'merge'): Promise<T> {
    throw new NotImplemented('ResourceClient.patch', section);
  }

  /**
   * DELETE <collection>/<name>; with options, the body is a DeleteOptions
   * ({ kind: "DeleteOptions", apiVersion: "v1", ...options }).
   */
  async delete(name: string, options: Record<string, unknown> = {}): Promise<void> {
    throw new NotImplemented('ResourceClient.delete', section);
  }

  /** GET <collection>/<name>/scale. */
  async getScale(name: string): Promise<Scale> {
    throw new NotImplemented('ResourceClient.getScale', section);
  }

  /** What `kubectl scale` sends: PATCH <collection>/<name>/scale, merge patch { spec: { replicas } }. */
  async scale(name: string, replicas: number): Promise<Scale> {
    throw new NotImplemented('ResourceClient.scale', section);
  }

  /**
   * GET <collection>?watch=true&<options> and yield each line of the answer as a WatchEvent, as it
   * arrives. Chunks need not end at a line's end: buffer the text and cut it at newlines. An
   * answer that is not 2xx throws errorFromStatus; an ERROR event throws the ApiError its Status
   * describes; when `signal` aborts (before or during the stream) the generator just returns.
   */
  async *watch(options: WatchOptions = {}): AsyncIterable<ObjectEvent<T>> {
    throw new NotImplemented('ResourceClient.watch', section);
  }
}

/** The client for the API server at `config.server`: a new HttpClient. */
export function createClient(config: ClientConfig): ApiClient {
  throw new NotImplemented('createClient', section);
}
