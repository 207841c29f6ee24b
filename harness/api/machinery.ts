// The seams of the API server: what it hands off to collaborators it is given, so that the core
// server (chapter 03a) and the API machinery (chapter 03b) can each be built, and tested, without
// the other. The server owns the HTTP, the storage, resourceVersions and validation; the
// collaborators are plain functions over objects:
//
//   selectors     ?labelSelector= and ?fieldSelector= compiled into predicates on objects
//   patcher       PATCH bodies (merge, JSON patch, strategic merge) applied to an object
//   subresources  status, scale and binding: views of an object and how writes to them land;
//                 eviction: an action on the cluster (read budgets, delete the pod)
//   discovery     /api, /apis, /version, /healthz: what a client asks before anything else
//   bodyDecoders  request bodies in formats besides JSON and YAML (kubectl's protobuf)
//   readWarnings  words sent with every read of one resource, as Warning headers (kubectl prints
//                 them): a NetworkPolicy read where no node enforces policies says so
//   timers        when a watch times out or sends a bookmark, so tests need not wait
//
// A collaborator reports a client's mistake by throwing an ApiError (harness/api/errors.ts).
import type { Clock } from '../clock.ts';
import type { ResourceType } from './resources.ts';
import type { DeleteOptions, KubeObject, Status } from './types.ts';

/** A compiled selector: whether one object is selected. */
export type ObjectPredicate = (object: KubeObject) => boolean;

export interface Selectors {
  /** Compiles a `labelSelector` query parameter. Throws ApiError 400 when it does not parse. */
  labelSelector(text: string): ObjectPredicate;
  /** Compiles a `fieldSelector` for one resource. Throws ApiError 400 for an unsupported field. */
  fieldSelector(text: string, resource: ResourceType): ObjectPredicate;
}

export interface Patcher {
  /** The PATCH Content-Types it applies; the server answers 415 to any other. */
  readonly contentTypes: string[];
  /**
   * `current` with `patch` (the parsed body) applied, as a new object: `current` is left as it
   * was. Throws ApiError 400 (or 422) when the patch cannot be applied.
   */
  apply(
    contentType: string,
    current: KubeObject,
    patch: unknown,
    resource: ResourceType,
  ): KubeObject;
}

export interface SubresourceContext {
  resource: ResourceType;
  clock: Clock;
}

/**
 * A subresource: a path under an object (`pods/x/status`, `deployments/x/scale`) that reads or
 * writes part of it. The server reads the parent object, calls these, validates and stores the
 * parent with a compare on its resourceVersion, and answers. An absent method means 405.
 */
export interface Subresource {
  /** The last path segment: "status", "scale", "binding". */
  readonly name: string;
  /** GET: what the subresource shows of its parent. PUT and PATCH answer with this too. */
  get?(parent: KubeObject, context: SubresourceContext): KubeObject;
  /**
   * PUT: the parent as it must be stored after `body` is written. PATCH patches what `get` shows,
   * then calls this. A `metadata.resourceVersion` in the body is a precondition the server checks.
   */
  update?(parent: KubeObject, body: KubeObject, context: SubresourceContext): KubeObject;
  /** POST: the parent as it must be stored, and what to answer (with 201). */
  create?(
    parent: KubeObject,
    body: KubeObject,
    context: SubresourceContext,
  ): { parent: KubeObject; answer: KubeObject | Status };
  /**
   * POST that acts on the cluster instead of rewriting its parent (pods/eviction): it may read
   * and write other objects and delete the parent, through `actions`. Answers 201 with what it
   * returns; throws an ApiError to refuse.
   */
  act?(
    parent: KubeObject,
    body: KubeObject,
    actions: SubresourceActions,
  ): Promise<KubeObject | Status>;
}

/** What the server lets an acting subresource do, within the request it serves. */
export interface SubresourceActions extends SubresourceContext {
  /** Whether the request is a dry run (?dryRun=All, or dryRun in the body's deleteOptions). */
  dryRun: boolean;
  /** The objects of one resource in one namespace. */
  list(resource: ResourceType, namespace: string): Promise<KubeObject[]>;
  /**
   * Stores an object's new status, as a PUT on its status subresource would: its resourceVersion
   * is the precondition (409 Conflict when the object changed since).
   */
  updateStatus(resource: ResourceType, object: KubeObject): Promise<KubeObject>;
  /** Deletes the parent as a DELETE with these options would; a dry run stores nothing. */
  deleteParent(options: DeleteOptions): Promise<KubeObject | Status>;
}

export interface DiscoveryContext {
  resources: ResourceType[];
  /** host:port as the client addressed the server (its Host header). */
  serverAddress: string;
}

export interface DiscoveryAnswer {
  /** 200 when absent. */
  status?: number;
  /** application/json when absent; a string or bytes body is sent as it is. */
  contentType?: string;
  body: unknown;
}

/** Answers a GET on a path that is not a resource; undefined means "not mine" (404). */
export type Discovery = (path: string, context: DiscoveryContext) => DiscoveryAnswer | undefined;

/** What a read warning may look at: the objects of one resource, in every namespace. */
export interface ClusterReader {
  list(group: string, resource: string): Promise<KubeObject[]>;
}

/**
 * Words the server sends with every read (get, list, watch) of one resource, each as a Warning
 * header (`299 - "text"`), the way kube-apiserver sends its deprecation warnings; kubectl prints
 * each as "Warning: text". It may read the cluster to decide; no words, no header.
 */
export interface ReadWarning {
  /** The resource's group ("" for the core group) and plural name. */
  readonly group: string;
  readonly resource: string;
  warnings(cluster: ClusterReader): Promise<string[]>;
}

/** Reads request bodies of one more Content-Type than JSON and YAML. */
export interface BodyDecoder {
  /** The media type it reads, e.g. application/vnd.kubernetes.protobuf. */
  readonly mediaType: string;
  /** The body as a JSON value. Throws ApiError 400 (or 415) when it cannot be read. */
  decode(raw: Uint8Array): unknown;
}

/** The timers a watch uses. The default is the global setTimeout; tests pass manual ones. */
export interface Timers {
  setTimeout(callback: () => void, milliseconds: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Hands out Services' ClusterIPs and node ports (chapter 09). The API server asks it before a
 * Service is stored, so a Service is never stored without its addresses, and never with taken ones.
 */
export interface ServiceAllocator {
  /** What is taken, from the Services stored (at start, and after a failed write). */
  rebuild(services: KubeObject[]): void;
  /** The address of the `kubernetes` Service: the range's first. */
  kubernetesIp(): string;
  /** The Service as it must be stored: clusterIP(s) and nodePorts filled in. Throws 422. */
  onCreate(service: KubeObject): KubeObject;
  onUpdate(old: KubeObject, service: KubeObject): KubeObject;
  /** Frees what a deleted Service held. */
  onDelete(service: KubeObject): void;
}
