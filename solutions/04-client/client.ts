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

/** The key of an object in caches and queues: "namespace/name", or "name" without a namespace. */
export function keyOf(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace ? `${namespace}/${name}` : (name ?? '');
}

/** The path of a resource's collection, in one namespace or (without one) across all. */
export function collectionPath(resource: ResourceType, namespace?: string): string {
  const root =
    resource.group === ''
      ? `/api/${resource.version}`
      : `/apis/${resource.group}/${resource.version}`;
  const scope =
    resource.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${root}${scope}/${resource.resource}`;
}

/** A query string from options, leaving out the ones not set: "?labelSelector=app%3Dweb". */
export function queryOf(options: Record<string, string | number | boolean | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(options)) {
    if (value !== undefined && value !== '') query.set(name, String(value));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
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

/** An ApiError from a Status object (as an error answer or a watch's ERROR event carries it). */
export function errorFromStatus(status: unknown, code: number, context: string): ApiError {
  if (isStatus(status)) {
    return new ApiError(
      status.code ?? code,
      status.reason || (reasonForCode[code] ?? 'Unknown'),
      status.message ?? `${context}: ${code}`,
      status.details,
    );
  }
  return new ApiError(
    code,
    reasonForCode[code] ?? 'Unknown',
    `${context}: the server answered ${code}`,
  );
}

function isStatus(
  value: unknown,
): value is { kind: 'Status'; code?: number; reason?: string; message?: string; details?: never } {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status'
  );
}

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
  private readonly resources: Map<string, ResourceType>;

  constructor(config: ClientConfig) {
    // A trailing slash would double up with the paths' leading one.
    this.config = { ...config, server: config.server.replace(/\/+$/, '') };
    const known = [...builtinResources, ...(config.resources ?? [])];
    this.resources = new Map(known.map((type) => [type.resource, type]));
  }

  resource<T extends KubeObject = KubeObject>(
    resource: string,
    namespace?: string,
  ): ResourceClient<T> {
    const type = this.resources.get(resource);
    if (!type)
      throw new Error(
        `unknown resource "${resource}": the API serves ${[...this.resources.keys()].join(', ')}`,
      );
    return new RestResource<T>(this, type, namespace);
  }

  async bind(binding: Binding): Promise<void> {
    const { namespace = 'default', name = '' } = binding.metadata;
    const pods = collectionPath(this.resources.get('pods')!, namespace);
    await this.request('POST', `${pods}/${encodeURIComponent(name)}/binding`, {
      body: { apiVersion: 'v1', kind: 'Binding', ...binding },
    });
  }

  /** Sends one request; resolves with the answer's JSON, rejects with an ApiError. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    const body = text ? parseJson(text) : undefined;
    if (!response.ok) throw errorFromStatus(body, response.status, `${method} ${path}`);
    return body;
  }

  /** Sends one request and hands back the raw answer, for watches to stream. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.config.token) headers.authorization = `Bearer ${this.config.token}`;
    if (this.config.userAgent) headers['user-agent'] = this.config.userAgent;
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/json';
      body = JSON.stringify(options.body);
    }
    return fetch(`${this.config.server}${path}`, { method, headers, body, signal: options.signal });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The verbs for one resource in one namespace (or across all of them). */
class RestResource<T extends KubeObject> implements ResourceClient<T> {
  private readonly client: HttpClient;
  private readonly type: ResourceType;
  private readonly namespace: string | undefined;

  constructor(client: HttpClient, type: ResourceType, namespace: string | undefined) {
    this.client = client;
    this.type = type;
    this.namespace = namespace;
  }

  private collection(namespace = this.namespace): string {
    return collectionPath(this.type, namespace);
  }

  /** An object's path; a new object's own namespace wins over an all-namespaces client. */
  private item(name: string, namespace = this.namespace): string {
    return `${this.collection(namespace)}/${encodeURIComponent(name)}`;
  }

  async get(name: string): Promise<T> {
    return (await this.client.request('GET', this.item(name))) as T;
  }

  async list(options: ListOptions = {}): Promise<List<T>> {
    return (await this.client.request(
      'GET',
      this.collection() + queryOf({ ...options }),
    )) as List<T>;
  }

  async create(object: T): Promise<T> {
    const namespace = object.metadata.namespace ?? this.namespace;
    return (await this.client.request('POST', this.collection(namespace), { body: object })) as T;
  }

  async update(object: T): Promise<T> {
    const namespace = object.metadata.namespace ?? this.namespace;
    const path = this.item(object.metadata.name ?? '', namespace);
    return (await this.client.request('PUT', path, { body: object })) as T;
  }

  async updateStatus(object: T): Promise<T> {
    const namespace = object.metadata.namespace ?? this.namespace;
    const path = `${this.item(object.metadata.name ?? '', namespace)}/status`;
    return (await this.client.request('PUT', path, { body: object })) as T;
  }

  async patch(name: string, patch: unknown, type: PatchType = 'merge'): Promise<T> {
    return (await this.client.request('PATCH', this.item(name), {
      body: patch,
      contentType: patchMediaTypes[type],
    })) as T;
  }

  async delete(name: string, options: Record<string, unknown> = {}): Promise<void> {
    const body = Object.keys(options).length
      ? { kind: 'DeleteOptions', apiVersion: 'v1', ...options }
      : undefined;
    await this.client.request('DELETE', this.item(name), { body });
  }

  async getScale(name: string): Promise<Scale> {
    return (await this.client.request('GET', `${this.item(name)}/scale`)) as Scale;
  }

  async scale(name: string, replicas: number): Promise<Scale> {
    // What `kubectl scale` sends: a merge patch of the Scale's spec.
    return (await this.client.request('PATCH', `${this.item(name)}/scale`, {
      body: { spec: { replicas } },
      contentType: patchMediaTypes.merge,
    })) as Scale;
  }

  /**
   * A watch is one long GET whose answer is a line of JSON per event. The answer arrives in
   * chunks that need not end at a line's end, so the text is buffered and cut at newlines.
   */
  async *watch(options: WatchOptions = {}): AsyncIterable<ObjectEvent<T>> {
    const { signal, ...parameters } = options;
    const path = this.collection() + queryOf({ watch: true, ...parameters });
    let response: Response;
    try {
      response = await this.client.send('GET', path, { signal });
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    if (!response.ok) {
      throw errorFromStatus(parseJson(await response.text()), response.status, `GET ${path}`);
    }
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) yield eventFrom(line, path);
        }
      }
    } catch (error) {
      // Aborting is how a caller stops watching: the stream just ends.
      if (signal?.aborted) return;
      throw error;
    }
  }
}

/** One watch line as an event; an ERROR event (410 Expired, say) becomes the ApiError it carries. */
function eventFrom<T extends KubeObject>(line: string, path: string): ObjectEvent<T> {
  const event = parseJson(line) as { type?: unknown; object?: unknown } | undefined;
  if (!event || typeof event.type !== 'string') {
    throw new ApiError(500, 'InternalError', `GET ${path}: a watch line is not an event: ${line}`);
  }
  if (event.type === 'ERROR') throw errorFromStatus(event.object, 500, `GET ${path}`);
  return event as ObjectEvent<T>;
}

/** The client for the API server at `config.server`. */
export function createClient(config: ClientConfig): ApiClient {
  return new HttpClient(config);
}
