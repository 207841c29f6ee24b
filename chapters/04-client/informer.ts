// The informer: a local, always-nearly-current copy of one resource, which a component reads
// instead of asking the API server. A reflector feeds it; it keeps the objects by key, keeps
// indexes over them (the pods on node-1, the pods a ReplicaSet owns), and tells handlers what
// changed. A controller's decisions read this cache; only its writes go to the server.
//
// An index is a function from an object to the values it is filed under: a pod on node-1 is filed
// under "node-1" in the nodeName index. byIndex("nodeName", "node-1") then answers without a scan.
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
 * The cache is itself the reflector's store: the reflector (made in the constructor, with this as
 * its store, and the options' selectors, clock and random) calls replace, add, update and delete.
 * Keys come from keyOf (client.ts). Suggested state: the objects by key; per index name, a map from
 * value to the set of keys filed under it; the handlers; whether synced; who waits for the sync.
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
   * also sets a timer on the clock that hands every cached object to each handler's update(object,
   * object) every resyncMs, until the signal aborts.
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
}

export function createInformer<T extends KubeObject>(
  client: ResourceClient<T>,
  options?: InformerOptions,
): Informer<T> {
  return new SharedInformer(client, options);
}
