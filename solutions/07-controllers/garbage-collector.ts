// The garbage collector: an object whose owners are all gone is deleted too. Deleting a
// ReplicaSet does not delete its pods by itself; the pods' ownerReferences name it, and this
// controller notices that the owner no longer exists and deletes them ("background" cascading
// deletion, kubectl's default). The same holds for a Deployment's ReplicaSets.
//
// Before deleting, it asks the API server for the owner itself: an informer may not have seen a
// brand new owner yet, and deleting a live object's dependents is the one mistake a garbage
// collector must never make. An owner "exists" only with the same uid: a new object with the old
// name is not the owner.
import { resourceForKind } from '../../harness/api/resources.ts';
import type { KubeObject, OwnerReference } from '../../harness/api/types.ts';
import { isNotFound } from '../../harness/client/errors.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';

export interface GarbageCollectorOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** The resources whose objects may be dependents (and owners). */
  resources?: string[];
  clock?: TimerClock;
}

/** Whether an object is being deleted with its dependents orphaned. */
const isOrphaning = (object: KubeObject) =>
  object.metadata.deletionTimestamp !== undefined &&
  (object.metadata.finalizers ?? []).includes('orphan');

export class GarbageCollector {
  private readonly options: GarbageCollectorOptions;
  private readonly clock: TimerClock;
  private readonly informers = new Map<string, Informer>();

  constructor(options: GarbageCollectorOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  async run(signal: AbortSignal): Promise<void> {
    const { toolkit, client } = this.options;
    const controller = toolkit.createController({
      name: 'garbage-collector',
      workers: 4,
      reconcile: (key) => this.reconcile(key),
    });
    for (const resource of this.options.resources ?? [
      'pods',
      'replicasets',
      'replicationcontrollers',
      'deployments',
    ]) {
      const informer = toolkit.createInformer(client.resource(resource), {
        clock: this.clock,
        indexers: { ownerUid: toolkit.indexers.ownerUid },
      });
      this.informers.set(resource, informer);
      // An object with owners is looked at when it appears or changes, and so is one being
      // deleted with the finalizer "orphan" (its dependents must be let go first)...
      controller.watch(informer, (object) =>
        object.metadata.ownerReferences?.length || isOrphaning(object)
          ? [`${resource}|${toolkit.keyOf(object)}`]
          : [],
      );
      // ...and the dependents of an object that is deleted, at once.
      informer.addEventHandlers({
        delete: (owner) => {
          for (const [dependentResource, dependents] of this.informers) {
            for (const dependent of dependents.byIndex('ownerUid', owner.metadata.uid ?? '')) {
              controller.queue.add(`${dependentResource}|${toolkit.keyOf(dependent)}`);
            }
          }
        },
      });
    }
    await controller.run(signal);
  }

  /** Whether the owner a reference names exists, asking the API server itself. */
  private async ownerExists(dependent: KubeObject, owner: OwnerReference): Promise<boolean> {
    const type = resourceForKind(owner.apiVersion, owner.kind);
    // An owner of a kind this server does not serve cannot be checked: assume it exists.
    if (!type) return true;
    const namespace = type.namespaced ? dependent.metadata.namespace : undefined;
    try {
      const found = await this.options.client.resource(type.resource, namespace).get(owner.name);
      return found.metadata.uid === owner.uid;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * An owner deleted with propagationPolicy Orphan: take its ownerReference off every dependent,
   * then its finalizer off itself, which lets the API server remove it.
   */
  private async orphanDependents(resource: string, owner: KubeObject): Promise<void> {
    const uid = owner.metadata.uid!;
    for (const [dependentResource, dependents] of this.informers) {
      for (const dependent of dependents.byIndex('ownerUid', uid)) {
        await this.options.client
          .resource(dependentResource, dependent.metadata.namespace)
          .patch(dependent.metadata.name!, {
            metadata: {
              ownerReferences: (dependent.metadata.ownerReferences ?? []).filter(
                (reference) => reference.uid !== uid,
              ),
            },
          })
          .catch((error: unknown) => {
            if (!isNotFound(error)) throw error;
          });
      }
    }
    await this.options.toolkit
      .updateWithRetry(
        this.options.client.resource(resource, owner.metadata.namespace),
        owner.metadata.name!,
        (current) => {
          if (!current.metadata.finalizers?.includes('orphan')) return false;
          current.metadata.finalizers = current.metadata.finalizers.filter(
            (name) => name !== 'orphan',
          );
        },
      )
      .catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
  }

  /**
   * One object, "resource|namespace/name": an owner being orphaned lets its dependents go; a
   * dependent is deleted when none of its owners exists.
   */
  async reconcile(key: string): Promise<void> {
    const [resource, objectKey] = key.split('|') as [string, string];
    const object = this.informers.get(resource)?.get(objectKey);
    if (object && isOrphaning(object)) return this.orphanDependents(resource, object);
    const dependent = object;
    const owners = dependent?.metadata.ownerReferences ?? [];
    if (!dependent || owners.length === 0 || dependent.metadata.deletionTimestamp) return;
    for (const owner of owners) {
      if (await this.ownerExists(dependent, owner)) return;
    }
    await this.options.client
      .resource(resource, dependent.metadata.namespace)
      .delete(dependent.metadata.name!, {
        propagationPolicy: 'Background',
        preconditions: { uid: dependent.metadata.uid },
      })
      .catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
      });
  }
}

export function createGarbageCollector(options: GarbageCollectorOptions): GarbageCollector {
  return new GarbageCollector(options);
}
