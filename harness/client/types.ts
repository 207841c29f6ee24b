// The controller toolkit's contract: what chapter 04 builds and every later component stands on,
// the way Kubernetes components stand on client-go. The scheduler (05), kubelet (06), controllers
// (07, 08) and kube-proxy (09) receive a `Toolkit` and never import chapter 04's files, so each of
// them runs on the learner's toolkit or on the reference one, whichever the harness hands in.
//
// The words, as client-go uses them:
// - a *resource client* speaks the REST verbs for one resource in one namespace (or in all);
// - a *reflector* lists a resource, then watches it from the list's resourceVersion, forever;
// - an *informer* keeps what the reflector sees in a local cache, with indexes, and tells handlers;
// - a *work queue* holds keys ("namespace/name") of objects to reconcile, each at most once;
// - a *controller* feeds the queue from informers and runs `reconcile(key)` on workers.
import type {
  Binding,
  DeleteOptions,
  KubeObject,
  List,
  Scale,
  WatchEventType,
} from '../api/types.ts';
import type { ResourceType } from '../api/resources.ts';
import type { TimerClock } from '../clock.ts';

/** Where the API server is, and how to reach it. */
export interface ClientConfig {
  /** The API server's base URL: http://127.0.0.1:6443. */
  server: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  /** Sent as User-Agent, so the server's logs say who asked: "kata-scheduler". */
  userAgent?: string;
  /** Resources beyond the built-in ones the client may name: custom resources (chapter 17). */
  resources?: ResourceType[];
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** "0" lets the server answer from any version; unset means the newest. */
  resourceVersion?: string;
  limit?: number;
  continue?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  /** Events after this version; unset means "from now". */
  resourceVersion?: string;
  /** The server ends the watch cleanly after this long. */
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
  /** Aborting ends the watch; the event stream then finishes without an error. */
  signal?: AbortSignal;
}

/** A Content-Type for PATCH: merge patch (RFC 7386), JSON patch (RFC 6902) or strategic merge. */
export type PatchType = 'merge' | 'json' | 'strategic';

/**
 * A watch event as the client hands it on: ERROR events never arrive as events (the client
 * throws them), so the object is always the resource's own kind. A BOOKMARK's object carries only
 * metadata.resourceVersion.
 */
export interface ObjectEvent<T extends KubeObject = KubeObject> {
  type: Exclude<WatchEventType, 'ERROR'>;
  object: T;
}

/** The verbs for one resource, in one namespace, or across all namespaces when none was given. */
export interface ResourceClient<T extends KubeObject = KubeObject> {
  get(name: string): Promise<T>;
  list(options?: ListOptions): Promise<List<T>>;
  create(object: T): Promise<T>;
  /** PUT: fails with 409 Conflict when `object.metadata.resourceVersion` is stale. */
  update(object: T): Promise<T>;
  /** PUT to the status subresource: only `status` changes. */
  updateStatus(object: T): Promise<T>;
  patch(name: string, patch: unknown, type?: PatchType): Promise<T>;
  /** Resolves when the server has accepted the delete (the object may linger while it finalizes). */
  delete(name: string, options?: Omit<DeleteOptions, 'kind' | 'apiVersion'>): Promise<void>;
  /**
   * The events of a watch, one at a time, until the server ends it or `signal` aborts. An ERROR
   * event (such as 410 Expired) is thrown as an ApiError rather than yielded.
   */
  watch(options?: WatchOptions): AsyncIterable<ObjectEvent<T>>;
  /** The scale subresource (deployments, replicasets). */
  getScale(name: string): Promise<Scale>;
  scale(name: string, replicas: number): Promise<Scale>;
}

/** A client for the whole API. Errors reject with harness/api/errors.ts's ApiError. */
export interface ApiClient {
  readonly config: ClientConfig;
  /**
   * The client for a resource by its plural name ("pods", "deployments"), in `namespace`; for
   * cluster-scoped resources, and for list and watch across every namespace, leave it out.
   */
  resource<T extends KubeObject = KubeObject>(
    resource: string,
    namespace?: string,
  ): ResourceClient<T>;
  /** POST pods/<name>/binding: assigns a pod to a node; 409 if it is already bound. */
  bind(binding: Binding): Promise<void>;
}

/** Lists an index's values for an object: a pod's node name, an object's owners' uids. */
export type IndexFunction<T extends KubeObject = KubeObject> = (object: T) => string[];

/** What an informer tells when its cache changes. */
export interface EventHandlers<T extends KubeObject = KubeObject> {
  add?(object: T): void;
  /** Also called on each periodic resync, with the same object twice. */
  update?(oldObject: T, newObject: T): void;
  /** The last state the cache had; after a relist it may be older than the deletion itself. */
  delete?(object: T): void;
}

export interface InformerOptions {
  /** Narrows what is listed and watched. */
  labelSelector?: string;
  fieldSelector?: string;
  /** Every this many milliseconds, every cached object is handed to `update` again. 0: never. */
  resyncMs?: number;
  /** Extra indexes by name, besides "namespace" (every informer has that one). */
  indexers?: Record<string, IndexFunction>;
  clock?: TimerClock;
  /** Random numbers in [0, 1) for back-off jitter. */
  random?: () => number;
}

/** A local, always-nearly-current copy of one resource, fed by a reflector. */
export interface Informer<T extends KubeObject = KubeObject> {
  addEventHandlers(handlers: EventHandlers<T>): void;
  /** Starts listing and watching; returns at once. Stops when `signal` aborts. */
  run(signal: AbortSignal): void;
  /** True once the first list has been applied to the cache. */
  hasSynced(): boolean;
  /** Resolves once synced; rejects if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void>;
  /** The cached object under "namespace/name" (or "name" for cluster-scoped objects). */
  get(key: string): T | undefined;
  list(): T[];
  /** The cached objects whose index `index` includes `value`. */
  byIndex(index: string, value: string): T[];
  /** The resourceVersion of the last event or list applied. */
  lastSyncResourceVersion(): string;
}

export interface WorkQueueOptions {
  /** The first retry waits this long; each failure doubles it. 5 ms, like client-go. */
  baseDelayMs?: number;
  /** Retries never wait longer than this. 1000 s, like client-go. */
  maxDelayMs?: number;
  clock?: TimerClock;
}

/**
 * Keys waiting to be reconciled. A key waits at most once however often it is added; a key being
 * processed is not handed to a second worker, and if it is added meanwhile it is processed again
 * after `done`.
 */
export interface WorkQueue {
  add(key: string): void;
  addAfter(key: string, delayMs: number): void;
  /** Adds after the key's own back-off, which grows with each call until `forget`. */
  addRateLimited(key: string): void;
  /** Clears the key's back-off, after a success. */
  forget(key: string): void;
  /** How many times the key has been added rate-limited since it was last forgotten. */
  numRequeues(key: string): number;
  /** The next key to process, waiting if there is none; undefined once the queue shuts down. */
  get(): Promise<string | undefined>;
  /** Marks a key from `get` as processed. */
  done(key: string): void;
  /** Keys waiting now (not counting those being processed or delayed). */
  length(): number;
  /** Stops handing out keys; `get` resolves undefined. */
  shutDown(): void;
  /** Stops taking keys, lets workers finish what is waiting and in progress, then shuts down. */
  shutDownWithDrain(): Promise<void>;
  isShuttingDown(): boolean;
}

/** The key of an object in caches and queues: "namespace/name", or "name" without a namespace. */
export type KeyFunction = (object: KubeObject) => string;

export interface ControllerOptions {
  /** For logs and errors: "replicaset-controller". */
  name: string;
  /** Makes one step from observed toward desired state for the object under `key`. */
  reconcile(key: string): Promise<void>;
  /** How many keys are reconciled at once. 1. */
  workers?: number;
  queue?: WorkQueue;
  /** Told about each reconcile that failed (it is retried with back-off). */
  onError?(key: string, error: unknown): void;
}

/** Informers feeding a work queue, and workers running `reconcile` on its keys. */
export interface Controller {
  readonly queue: WorkQueue;
  /**
   * Feeds the queue from an informer's events: each event's object is mapped to the keys to
   * reconcile (by default its own key). A ReplicaSet controller maps a pod to its owner's key.
   */
  watch<T extends KubeObject>(informer: Informer<T>, keysFor?: (object: T) => string[]): void;
  /** Runs the informers, waits for their sync, then starts the workers; resolves after `signal` aborts and the workers stop. */
  run(signal: AbortSignal): Promise<void>;
}

export interface LeaderElectionOptions {
  client: ApiClient;
  /** The Lease: kube-system/kube-scheduler, kube-system/kube-controller-manager. */
  namespace: string;
  name: string;
  /** Who this candidate is: host name and a random suffix, like Kubernetes. */
  identity: string;
  /** A lease not renewed for this long may be taken. 15 s. */
  leaseDurationMs?: number;
  /** A leader that cannot renew within this long steps down. 10 s. */
  renewDeadlineMs?: number;
  /** How often candidates try to acquire, and leaders renew. 2 s. */
  retryPeriodMs?: number;
  clock?: TimerClock;
  /** Called when this candidate starts leading; `signal` aborts when it stops. */
  onStartedLeading(signal: AbortSignal): void;
  onStoppedLeading?(): void;
  /** Called whenever the lease names a different holder, this one included. */
  onNewLeader?(identity: string): void;
}

export interface LeaderElector {
  /** Tries to acquire, leads and renews, until `signal` aborts (then releases the lease). */
  run(signal: AbortSignal): Promise<void>;
  isLeader(): boolean;
}

/** Everything chapter 04 builds, as later chapters receive it. */
export interface Toolkit {
  createClient(config: ClientConfig): ApiClient;
  createInformer<T extends KubeObject>(
    client: ResourceClient<T>,
    options?: InformerOptions,
  ): Informer<T>;
  createWorkQueue(options?: WorkQueueOptions): WorkQueue;
  createController(options: ControllerOptions): Controller;
  createLeaderElector(options: LeaderElectionOptions): LeaderElector;
  /** The object's key: "namespace/name", or "name" for cluster-scoped objects. */
  keyOf: KeyFunction;
  /** The indexes every course component uses, to pass in InformerOptions.indexers. */
  indexers: {
    /** A pod's spec.nodeName (none while unscheduled). */
    nodeName: IndexFunction;
    /** The uids of an object's ownerReferences. */
    ownerUid: IndexFunction;
  };
  /**
   * Reads the object under `name`, applies `mutate`, and writes it back; on 409 Conflict reads and
   * tries again (a few times). `mutate` returning false means "nothing to change".
   */
  updateWithRetry<T extends KubeObject>(
    client: ResourceClient<T>,
    name: string,
    mutate: (object: T) => boolean | void,
    options?: { status?: boolean },
  ): Promise<T>;
}
