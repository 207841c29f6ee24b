// The informer: a local, always-nearly-current copy of one resource, which a component reads
// instead of asking the API server. A reflector feeds it; it keeps the objects by key, keeps
// indexes over them (the pods on node-1, the pods a ReplicaSet owns), and tells handlers what
// changed. A controller's decisions read this cache; only its writes go to the server.
//
// An index is a function from an object to the values it is filed under: a pod on node-1 is filed
// under "node-1" in the nodeName index. byIndex("nodeName", "node-1") then answers without a scan.
// The objects and their indexes live in an Indexer; the SharedInformer around it fills it from a
// reflector and tells handlers what changed.
import type { KubeObject, Pod } from '../../harness/api/types.ts';
import type {
  EventHandlers,
  IndexFunction,
  Informer,
  InformerOptions,
  ResourceClient,
} from '../../harness/client/types.ts';
import { systemClock, type Timer, type TimerClock } from '../../harness/clock.ts';
import { keyOf } from './client.ts';
import { Reflector, type ReflectorStore } from './reflector.ts';

/** Every object is filed under its namespace ("" for cluster-scoped objects). */
export const indexByNamespace: IndexFunction = (object) => [object.metadata.namespace ?? ''];

/** A pod is filed under the node it is bound to; an unscheduled pod under nothing. */
export const indexByNodeName: IndexFunction = (object) => {
  const nodeName = (object as Pod).spec?.nodeName;
  return nodeName ? [nodeName] : [];
};

/** An object is filed under the uid of each of its owners. */
export const indexByOwnerUid: IndexFunction = (object) =>
  (object.metadata.ownerReferences ?? []).map((owner) => owner.uid);

/**
 * The cache's store: objects by key, and indexes over them. An index files each object under the
 * values its function gives; for each index, a map from value to the keys filed there. client-go
 * calls this an Indexer (tools/cache, over a "thread-safe store").
 */
export class Indexer<T extends KubeObject> {
  private readonly objects = new Map<string, T>();
  /** index name → value → keys of the objects filed under it. */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly indexers: Record<string, IndexFunction>;

  constructor(indexers: Record<string, IndexFunction>) {
    this.indexers = indexers;
    for (const name of Object.keys(indexers)) this.indexes.set(name, new Map());
  }

  /** Stores `object` under `key`, filed in every index; answers the object it replaced, if any. */
  put(key: string, object: T): T | undefined {
    const old = this.objects.get(key);
    // The old version may be filed under other values (a pod before and after it was bound).
    if (old) this.file(key, old, false);
    this.objects.set(key, object);
    this.file(key, object, true);
    return old;
  }

  /** Takes the object under `key` out of the store and every index; answers it, if there was one. */
  remove(key: string): T | undefined {
    const old = this.objects.get(key);
    if (old === undefined) return undefined;
    this.file(key, old, false);
    this.objects.delete(key);
    return old;
  }

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  byIndex(index: string, value: string): T[] {
    const keys = this.indexes.get(index)?.get(value) ?? new Set<string>();
    return [...keys].map((key) => this.objects.get(key)!);
  }

  /** Files `key` under each value every index gives for `object`, or (filed = false) takes it out. */
  private file(key: string, object: T, filed: boolean): void {
    for (const [name, indexer] of Object.entries(this.indexers)) {
      const index = this.indexes.get(name)!;
      for (const value of indexer(object)) {
        const keys = index.get(value) ?? new Set<string>();
        if (filed) keys.add(key);
        else keys.delete(key);
        if (keys.size > 0) index.set(value, keys);
        else index.delete(value);
      }
    }
  }
}

export class SharedInformer<T extends KubeObject> implements Informer<T>, ReflectorStore<T> {
  private readonly cache: Indexer<T>;
  private readonly handlers: EventHandlers<T>[] = [];
  private readonly reflector: Reflector<T>;
  private readonly clock: TimerClock;
  private readonly resyncMs: number;
  private synced = false;
  private running = false;
  private readonly syncWaiters: (() => void)[] = [];

  constructor(client: ResourceClient<T>, options: InformerOptions = {}) {
    this.cache = new Indexer<T>({ namespace: indexByNamespace, ...options.indexers });
    this.clock = options.clock ?? systemClock;
    this.resyncMs = options.resyncMs ?? 0;
    // The reflector takes the selectors and random from the options, and our clock.
    this.reflector = new Reflector(client, this, { ...options, clock: this.clock });
  }

  /**
   * Adds handlers. Handlers added after the cache has filled are first told about every object
   * in it, as adds, so a late handler misses nothing.
   */
  addEventHandlers(handlers: EventHandlers<T>): void {
    this.handlers.push(handlers);
    if (this.synced) for (const object of this.cache.list()) handlers.add?.(object);
  }

  /** Starts the reflector (once, however many controllers call it) and the resync timer. */
  run(signal: AbortSignal): void {
    if (this.running) return;
    this.running = true;
    void this.reflector.run(signal);
    if (this.resyncMs > 0) this.scheduleResync(signal);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const abort = () => reject(new Error('stopped before the informer synced'));
      if (signal?.aborted) return abort();
      signal?.addEventListener('abort', abort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener('abort', abort);
        resolve();
      });
    });
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return this.cache.list();
  }

  byIndex(index: string, value: string): T[] {
    return this.cache.byIndex(index, value);
  }

  lastSyncResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion();
  }

  // What the reflector calls (ReflectorStore).

  /**
   * After a list: objects missing from it were deleted while nobody watched, objects with a new
   * resourceVersion changed, the rest are new. Handlers hear each as it is.
   */
  replace(objects: T[], _resourceVersion: string): void {
    const listed = new Set(objects.map(keyOf));
    for (const old of this.cache.list()) {
      if (!listed.has(keyOf(old))) this.removeAndNotify(old);
    }
    for (const object of objects) {
      const old = this.cache.get(keyOf(object));
      if (old && old.metadata.resourceVersion === object.metadata.resourceVersion) continue;
      this.putAndNotify(object);
    }
    if (!this.synced) {
      this.synced = true;
      for (const wake of this.syncWaiters.splice(0)) wake();
    }
  }

  add(object: T): void {
    this.putAndNotify(object);
  }

  update(object: T): void {
    this.putAndNotify(object);
  }

  delete(object: T): void {
    // The cache's copy may be older than the deleted object; handlers get the newest we have.
    this.removeAndNotify(object);
  }

  /** Stores an object and tells the handlers whether it was new or changed. */
  private putAndNotify(object: T): void {
    const old = this.cache.put(keyOf(object), object);
    for (const handlers of this.handlers) {
      if (old) handlers.update?.(old, object);
      else handlers.add?.(object);
    }
  }

  /** Forgets an object and, if it was cached, tells the handlers. */
  private removeAndNotify(object: T): void {
    if (this.cache.remove(keyOf(object)) === undefined) return;
    for (const handlers of this.handlers) handlers.delete?.(object);
  }

  /**
   * Every resyncMs, every cached object goes to `update` again, unchanged: a controller that
   * missed acting on something (a bug, a lost write) gets another chance. Level, not edge.
   */
  private scheduleResync(signal: AbortSignal): void {
    let timer: Timer;
    const tick = () => {
      for (const object of this.cache.list()) {
        for (const handlers of this.handlers) handlers.update?.(object, object);
      }
      timer = this.clock.setTimeout(tick, this.resyncMs);
    };
    timer = this.clock.setTimeout(tick, this.resyncMs);
    signal.addEventListener('abort', () => this.clock.clearTimeout(timer), { once: true });
  }
}

export function createInformer<T extends KubeObject>(
  client: ResourceClient<T>,
  options?: InformerOptions,
): Informer<T> {
  return new SharedInformer(client, options);
}
