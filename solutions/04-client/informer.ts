// The informer: a local, always-nearly-current copy of one resource, which a component reads
// instead of asking the API server. A reflector feeds it; it keeps the objects by key, keeps
// indexes over them (the pods on node-1, the pods a ReplicaSet owns), and tells handlers what
// changed. A controller's decisions read this cache; only its writes go to the server.
//
// An index is a function from an object to the values it is filed under: a pod on node-1 is filed
// under "node-1" in the nodeName index. byIndex("nodeName", "node-1") then answers without a scan.
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

export class SharedInformer<T extends KubeObject> implements Informer<T>, ReflectorStore<T> {
  private readonly objects = new Map<string, T>();
  /** index name → value → keys of the objects filed under it. */
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly indexers: Record<string, IndexFunction>;
  private readonly handlers: EventHandlers<T>[] = [];
  private readonly reflector: Reflector<T>;
  private readonly clock: TimerClock;
  private readonly resyncMs: number;
  private synced = false;
  private running = false;
  private readonly syncWaiters: (() => void)[] = [];

  constructor(client: ResourceClient<T>, options: InformerOptions = {}) {
    this.indexers = { namespace: indexByNamespace, ...options.indexers };
    for (const name of Object.keys(this.indexers)) this.indexes.set(name, new Map());
    this.clock = options.clock ?? systemClock;
    this.resyncMs = options.resyncMs ?? 0;
    this.reflector = new Reflector(client, this, {
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      clock: this.clock,
      random: options.random,
    });
  }

  /**
   * Adds handlers. Handlers added after the cache has filled are first told about every object
   * in it, as adds, so a late handler misses nothing.
   */
  addEventHandlers(handlers: EventHandlers<T>): void {
    this.handlers.push(handlers);
    if (this.synced) for (const object of this.objects.values()) handlers.add?.(object);
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
    return this.objects.get(key);
  }

  list(): T[] {
    return [...this.objects.values()];
  }

  byIndex(index: string, value: string): T[] {
    const keys = this.indexes.get(index)?.get(value) ?? new Set<string>();
    return [...keys].map((key) => this.objects.get(key)!);
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
    const listed = new Map(objects.map((object) => [keyOf(object), object]));
    for (const [key, old] of [...this.objects]) {
      if (!listed.has(key)) this.remove(key, old);
    }
    for (const object of objects) {
      const old = this.objects.get(keyOf(object));
      if (old && old.metadata.resourceVersion === object.metadata.resourceVersion) continue;
      this.put(object);
    }
    if (!this.synced) {
      this.synced = true;
      for (const wake of this.syncWaiters.splice(0)) wake();
    }
  }

  add(object: T): void {
    this.put(object);
  }

  update(object: T): void {
    this.put(object);
  }

  delete(object: T): void {
    const key = keyOf(object);
    // The cache's copy may be older than the deleted object; handlers get the newest we have.
    this.remove(key, object);
  }

  /** Stores an object and tells the handlers whether it was new or changed. */
  private put(object: T): void {
    const key = keyOf(object);
    const old = this.objects.get(key);
    if (old) this.unindex(key, old);
    this.objects.set(key, object);
    this.index(key, object);
    for (const handlers of this.handlers) {
      if (old) handlers.update?.(old, object);
      else handlers.add?.(object);
    }
  }

  private remove(key: string, object: T): void {
    const old = this.objects.get(key);
    if (!old) return;
    this.unindex(key, old);
    this.objects.delete(key);
    for (const handlers of this.handlers) handlers.delete?.(object);
  }

  private index(key: string, object: T): void {
    for (const [name, indexer] of Object.entries(this.indexers)) {
      const index = this.indexes.get(name)!;
      for (const value of indexer(object)) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, object: T): void {
    for (const [name, indexer] of Object.entries(this.indexers)) {
      const index = this.indexes.get(name)!;
      for (const value of indexer(object)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }

  /**
   * Every resyncMs, every cached object goes to `update` again, unchanged: a controller that
   * missed acting on something (a bug, a lost write) gets another chance. Level, not edge.
   */
  private scheduleResync(signal: AbortSignal): void {
    let timer: Timer;
    const tick = () => {
      for (const object of this.objects.values()) {
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
