// The informer: a local, always-nearly-current copy of one resource, which a component reads
// instead of asking the API server. A reflector feeds it; it keeps the objects by key, keeps
// indexes over them (the pods on node-1, the pods a ReplicaSet owns), and tells handlers what
// changed. A controller's decisions read this cache; only its writes go to the server.
//
// An index is a function from an object to the values it is filed under: a pod on node-1 is filed
// under "node-1" in the nodeName index. byIndex("nodeName", "node-1") then answers without a scan.
// The objects and their indexes live in an Indexer; the SharedInformer around it fills it from a
// reflector and tells handlers what changed.
import type { KubeObject } from '../../harness/api/types.ts';
import type {
  EventHandlers,
  IndexFunction,
  Informer,
  InformerOptions,
  ResourceClient,
} from '../../harness/client/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ReflectorStore } from './reflector.ts';

const section = '§ The informer cache';

/** Every object is filed under its namespace ("" for cluster-scoped objects). */
export const indexByNamespace: IndexFunction = (object) => {
  throw new NotImplemented('indexByNamespace', section);
};

/** A pod is filed under the node it is bound to (spec.nodeName); an unscheduled pod under nothing. */
export const indexByNodeName: IndexFunction = (object) => {
  throw new NotImplemented('indexByNodeName', section);
};

/** An object is filed under the uid of each of its ownerReferences. */
export const indexByOwnerUid: IndexFunction = (object) => {
  throw new NotImplemented('indexByOwnerUid', section);
};

/**
 * The cache's store: objects by key, and indexes over them. An index files each object under the
 * values its function gives ("node-1" for a pod bound to node-1); for each index, a map from value
 * to the keys filed there, so byIndex answers without looking at every object. The state is given;
 * `indexers` maps each index's name to its function.
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

  /**
   * Stores `object` under `key` and files the key in every index, under each value the index's
   * function gives. If an object was there already, its key first comes out of the entries the old
   * version was filed under (a pod's node changes when it is bound). Answers the object replaced.
   */
  put(key: string, object: T): T | undefined {
    throw new NotImplemented('Indexer.put', section);
  }

  /** Takes the object under `key` out of the store and out of every index; answers it, if any. */
  remove(key: string): T | undefined {
    throw new NotImplemented('Indexer.remove', section);
  }

  get(key: string): T | undefined {
    throw new NotImplemented('Indexer.get', section);
  }

  list(): T[] {
    throw new NotImplemented('Indexer.list', section);
  }

  /** The objects filed under `value` in index `index`: none for a value or an index it does not know. */
  byIndex(index: string, value: string): T[] {
    throw new NotImplemented('Indexer.byIndex', section);
  }
}

/**
 * The cache is itself the reflector's store: the reflector (made in the constructor, with this as
 * its store, the options' selectors and random, and the informer's clock) calls replace, add,
 * update and delete. Keys come from keyOf (client.ts). Suggested state: an Indexer with the
 * "namespace" index (indexByNamespace) and the options' indexers; the handlers; whether synced;
 * whether running; who waits for the sync.
 */
export class SharedInformer<T extends KubeObject> implements Informer<T>, ReflectorStore<T> {
  constructor(client: ResourceClient<T>, options: InformerOptions = {}) {
    throw new NotImplemented('SharedInformer constructor', section);
  }

  /** Keeps the handlers; once synced, first tells them about every cached object (as adds). */
  addEventHandlers(handlers: EventHandlers<T>): void {
    throw new NotImplemented('SharedInformer.addEventHandlers', section);
  }

  /**
   * Starts the reflector (not awaited) the first time; later calls do nothing. With resyncMs > 0,
   * also starts the resyncs (scheduleResync).
   */
  run(signal: AbortSignal): void {
    throw new NotImplemented('SharedInformer.run', section);
  }

  hasSynced(): boolean {
    throw new NotImplemented('SharedInformer.hasSynced', section);
  }

  /** Resolves at once when synced, else at the first replace; rejects if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    throw new NotImplemented('SharedInformer.waitForSync', section);
  }

  get(key: string): T | undefined {
    throw new NotImplemented('SharedInformer.get', section);
  }

  list(): T[] {
    throw new NotImplemented('SharedInformer.list', section);
  }

  /** The cached objects filed under `value` in index `index` (none for an unknown one). */
  byIndex(index: string, value: string): T[] {
    throw new NotImplemented('SharedInformer.byIndex', section);
  }

  lastSyncResourceVersion(): string {
    throw new NotImplemented('SharedInformer.lastSyncResourceVersion', section);
  }

  /**
   * After a list: cached objects the list lacks are removed (handlers' delete), listed objects
   * with a new resourceVersion are updated, new ones added; then the cache counts as synced.
   */
  replace(objects: T[], resourceVersion: string): void {
    throw new NotImplemented('SharedInformer.replace', section);
  }

  /** Stores the object (re-indexing it) and calls each handler's add, or update(old, new) if it was cached. */
  add(object: T): void {
    throw new NotImplemented('SharedInformer.add', section);
  }

  update(object: T): void {
    throw new NotImplemented('SharedInformer.update', section);
  }

  /** Removes the object (and its index entries) and calls each handler's delete, if it was cached. */
  delete(object: T): void {
    throw new NotImplemented('SharedInformer.delete', section);
  }

  /**
   * Sets a timer on the clock that hands every cached object to each handler's update(object,
   * object) every resyncMs, setting itself again each time, until `signal` aborts (then clear it).
   */
  private scheduleResync(signal: AbortSignal): void {
    throw new NotImplemented('SharedInformer.scheduleResync', section);
  }
}

export function createInformer<T extends KubeObject>(
  client: ResourceClient<T>,
  options?: InformerOptions,
): Informer<T> {
  return new SharedInformer(client, options);
}
