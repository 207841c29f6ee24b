// The garbage collector: an object whose owners are all gone is deleted too. Deleting a
// ReplicaSet does not delete its pods by itself; the pods' ownerReferences name it, and this
// controller notices that the owner no longer exists and deletes them ("background" cascading
// deletion, kubectl's default). The same holds for a Deployment's ReplicaSets.
//
// Before deleting, it asks the API server for the owner itself: an informer may not have seen a
// brand new owner yet, and deleting a live object's dependents is the one mistake a garbage
// collector must never make. An owner "exists" only with the same uid: a new object with the old
// name is not the owner.
import type { ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject, OwnerReference } from '../../harness/api/types.ts';
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Garbage collection';

export interface GarbageCollectorOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** The resources whose objects may be dependents (and owners). */
  resources?: string[];
  /**
   * The resource of an owner kind not built in (a custom resource, chapter 17), as discovery
   * says; without it, or when it finds none, such an owner counts as existing.
   */
  resolveKind?: (apiVersion: string, kind: string) => Promise<ResourceType | undefined>;
  /**
   * Every this many milliseconds every followed object is looked at again (0: never): an owner
   * of a kind it does not follow sends no delete event, so its dependents wait for this.
   */
  resyncMs?: number;
  clock?: TimerClock;
}

/**
 * Whether an object is being deleted with its dependents orphaned: it has a deletionTimestamp and
 * still the finalizer "orphan" (a DELETE with propagationPolicy Orphan puts it there).
 */
export function isOrphaning(object: KubeObject): boolean {
  throw new NotImplemented('isOrphaning', section);
}

/** An object the garbage collector looks at, with the resource it lives in. */
export interface Dependent {
  resource: string;
  object: KubeObject;
}

export class GarbageCollector {
  private readonly options: GarbageCollectorOptions;
  private readonly clock: TimerClock;

  /**
   * Make the informers here, once, with this.clock and options.resyncMs (0 when absent): one
   * (with the ownerUid index) per resource
   * (pods, replicasets, replicationcontrollers, deployments by default). reconcile reads them.
   */
  constructor(options: GarbageCollectorOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * A controller whose keys are "<resource>|<namespace/name>", watching every informer: each
   * object that has ownerReferences, or isOrphaning, is queued when it appears or changes; and when
   * any object is deleted, the objects of every informer filed under its uid (its dependents) are
   * queued.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('GarbageCollector.run', section);
  }

  /**
   * One object, by key "<resource>|<namespace/name>", from its informer. Gone: nothing to do.
   * Orphaning: orphanDependents with its dependents (the objects of every informer filed under
   * its uid). Otherwise: collect it.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('GarbageCollector.reconcile', section);
  }

  /**
   * Whether the owner a reference names exists, asking the API server itself (a GET, never the
   * cache): its resource from resourceForKind(apiVersion, kind) in harness/api/resources.ts, else
   * from options.resolveKind, read with a client made knowing it (a kind neither knows counts as
   * existing: it cannot be checked), in the dependent's namespace
   * when that resource is namespaced; found with the reference's uid: it exists; NotFound, or
   * another uid (a new object with the old name): it does not. A kind resolveKind found is
   * remembered (its GET answers NotFound once it is withdrawn). An owner's resource it does not
   * follow yet (a ConfigMap, a custom kind) it starts to follow: an informer whose deletions
   * queue the dependents, and which, once synced, queues every dependent of that kind again.
   */
  async ownerExists(dependent: KubeObject, owner: OwnerReference): Promise<boolean> {
    throw new NotImplemented('GarbageCollector.ownerExists', section);
  }

  /**
   * One dependent of `resource`: nothing to do if it has no ownerReferences or is being deleted,
   * or if any of its owners exists. Otherwise delete it, with propagationPolicy Background and the
   * precondition of its uid (NotFound is fine).
   */
  async collect(resource: string, dependent: KubeObject): Promise<void> {
    throw new NotImplemented('GarbageCollector.collect', section);
  }

  /**
   * An owner of `resource` deleted with propagationPolicy Orphan: patch each dependent's
   * ownerReferences to those without the owner's uid (NotFound is fine), then take the finalizer
   * "orphan" off the owner (updateWithRetry; gone meanwhile is fine), which lets the API server
   * remove it.
   */
  async orphanDependents(
    resource: string,
    owner: KubeObject,
    dependents: Dependent[],
  ): Promise<void> {
    throw new NotImplemented('GarbageCollector.orphanDependents', section);
  }
}

export function createGarbageCollector(options: GarbageCollectorOptions): GarbageCollector {
  return new GarbageCollector(options);
}
