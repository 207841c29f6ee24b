// The garbage collector: an object whose owners are all gone is deleted too. Deleting a
// ReplicaSet does not delete its pods by itself; the pods' ownerReferences name it, and this
// controller notices that the owner no longer exists and deletes them ("background" cascading
// deletion, kubectl's default). The same holds for a Deployment's ReplicaSets.
//
// Before deleting, it asks the API server for the owner itself: an informer may not have seen a
// brand new owner yet, and deleting a live object's dependents is the one mistake a garbage
// collector must never make. An owner "exists" only with the same uid: a new object with the old
// name is not the owner.
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Garbage collection';

export interface GarbageCollectorOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** The resources whose objects may be dependents (and owners). */
  resources?: string[];
  clock?: TimerClock;
}

export class GarbageCollector {
  private readonly options: GarbageCollectorOptions;
  private readonly clock: TimerClock;

  constructor(options: GarbageCollectorOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * One informer (with the ownerUid index) per resource (pods, replicasets, replicationcontrollers,
   * deployments by
   * default) and a controller whose keys are "<resource>|<namespace/name>": every object that has
   * ownerReferences, or is being deleted with the finalizer "orphan", is queued when it appears or
   * changes, and when any object is deleted, the
   * objects filed under its uid are queued.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('GarbageCollector.run', section);
  }

  /**
   * One object. Being deleted with the finalizer "orphan" (a DELETE with propagationPolicy
   * Orphan): patch its ownerReference off every dependent (the objects filed under its uid in
   * every informer), then take the "orphan" finalizer off it (the API server then removes it).
   * Otherwise, a dependent: nothing to do if it is gone, has no owners or is being deleted. An owner
   * exists when a GET of it (its resource from resourceForKind in harness/api/resources.ts; in the
   * dependent's namespace if namespaced) finds it with the same uid; an owner of a kind not served
   * counts as existing. When no owner exists, delete the dependent (propagationPolicy Background,
   * precondition its uid; NotFound is fine).
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('GarbageCollector.reconcile', section);
  }
}

export function createGarbageCollector(options: GarbageCollectorOptions): GarbageCollector {
  return new GarbageCollector(options);
}
