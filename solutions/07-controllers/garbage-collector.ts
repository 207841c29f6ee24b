// The garbage collector: an object whose owners are all gone is deleted too. Deleting a
// ReplicaSet does not delete its pods by itself; the pods' ownerReferences name it, and this
// controller notices that the owner no longer exists and deletes them ("background" cascading
// deletion, kubectl's default). The same holds for a Deployment's ReplicaSets.
//
// Before deleting, it asks the API server for the owner itself: an informer may not have seen a
// brand new owner yet, and deleting a live object's dependents is the one mistake a garbage
// collector must never make. An owner "exists" only with the same uid: a new object with the old
// name is not the owner.
import { resourceForKind, type ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject, OwnerReference } from '../../harness/api/types.ts';
import { isNotFound } from '../../harness/client/errors.ts';
import type { ApiClient, Controller, Informer, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';

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
  return (
    object.metadata.deletionTimestamp !== undefined &&
    (object.metadata.finalizers ?? []).includes('orphan')
  );
}

/** An object the garbage collector looks at, with the resource it lives in. */
export interface Dependent {
  resource: string;
  object: KubeObject;
}

export class GarbageCollector {
  private readonly options: GarbageCollectorOptions;
  private readonly clock: TimerClock;
  /** One informer per resource it follows, by resource. */
  private readonly informers = new Map<string, Informer>();
  /** The owners' resources it follows besides those (followOwners), by group and resource. */
  private readonly owners = new Map<string, Informer>();
  /** The custom kinds found by discovery, by "apiVersion kind": still known once withdrawn. */
  private readonly customKinds = new Map<string, ResourceType>();
  /** The running controller and its signal, once run() started. */
  private controller?: Controller;
  private signal?: AbortSignal;

  constructor(options: GarbageCollectorOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    const { toolkit, client } = options;
    const resources = options.resources ?? [
      'pods',
      'replicasets',
      'replicationcontrollers',
      'deployments',
      // Chapter 13a: a CronJob's Jobs, and a Job's pods.
      'jobs',
      'cronjobs',
    ];
    for (const resource of resources) {
      const informer = toolkit.createInformer(client.resource(resource), {
        clock: this.clock,
        resyncMs: options.resyncMs ?? 0,
        indexers: { ownerUid: toolkit.indexers.ownerUid },
      });
      this.informers.set(resource, informer);
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    const { toolkit } = this.options;
    const controller = toolkit.createController({
      name: 'garbage-collector',
      workers: 4,
      reconcile: (key) => this.reconcile(key),
    });
    this.controller = controller;
    this.signal = signal;
    for (const [resource, informer] of this.informers) {
      // An object with owners is looked at when it appears or changes, and so is one being
      // deleted with the finalizer "orphan" (its dependents must be let go first)...
      controller.watch(informer, (object) =>
        object.metadata.ownerReferences?.length || isOrphaning(object)
          ? [`${resource}|${toolkit.keyOf(object)}`]
          : [],
      );
      // ...and the dependents of an object that is deleted, at once.
      informer.addEventHandlers({ delete: (owner) => this.queueDependents(owner.metadata.uid) });
    }
    await controller.run(signal);
  }

  /** Queues every cached dependent of the owner with this uid, or of any owner of this kind. */
  private queueDependents(uid?: string, kind?: string): void {
    const dependents = uid
      ? this.dependentsOf(uid)
      : [...this.informers].flatMap(([resource, informer]) =>
          informer
            .list()
            .filter((object) => object.metadata.ownerReferences?.some((o) => o.kind === kind))
            .map((object) => ({ resource, object })),
        );
    for (const { resource, object } of dependents) {
      this.controller?.queue.add(`${resource}|${this.options.toolkit.keyOf(object)}`);
    }
  }

  /**
   * Follows an owner's resource it does not follow yet (a ConfigMap, a custom kind), as kube's
   * collector watches every resource: an owner's deletion then collects its dependents at once,
   * not at the next resync. Once its first list is in, the dependents of that kind are looked
   * at again, for an owner deleted before it was followed.
   */
  private followOwners(type: ResourceType, reader: ApiClient): void {
    const key = `${type.group}/${type.resource}`;
    if (!this.controller || this.informers.has(type.resource) || this.owners.has(key)) return;
    const informer = this.options.toolkit.createInformer(reader.resource(type.resource), {
      clock: this.clock,
    });
    informer.addEventHandlers({ delete: (owner) => this.queueDependents(owner.metadata.uid) });
    this.owners.set(key, informer);
    informer.run(this.signal!);
    void informer
      .waitForSync(this.signal)
      .then(() => this.queueDependents(undefined, type.kind))
      .catch(() => {});
  }

  /** Every cached object, of every resource, with an ownerReference to `uid`. */
  private dependentsOf(uid: string): Dependent[] {
    return [...this.informers].flatMap(([resource, informer]) =>
      informer.byIndex('ownerUid', uid).map((object) => ({ resource, object })),
    );
  }

  /**
   * One object, "resource|namespace/name": an owner being orphaned lets its dependents go; a
   * dependent is collected.
   */
  async reconcile(key: string): Promise<void> {
    const [resource, objectKey] = key.split('|') as [string, string];
    const object = this.informers.get(resource)?.get(objectKey);
    if (!object) return;
    if (isOrphaning(object)) {
      return this.orphanDependents(resource, object, this.dependentsOf(object.metadata.uid!));
    }
    await this.collect(resource, object);
  }

  /**
   * Whether the owner a reference names exists, asking the API server itself; its resource is
   * followed from then on (followOwners), and a custom kind remembered.
   */
  async ownerExists(dependent: KubeObject, owner: OwnerReference): Promise<boolean> {
    const { toolkit, client, resolveKind } = this.options;
    const builtIn = resourceForKind(owner.apiVersion, owner.kind);
    const kindKey = `${owner.apiVersion} ${owner.kind}`;
    const type =
      builtIn ??
      this.customKinds.get(kindKey) ??
      (await resolveKind?.(owner.apiVersion, owner.kind));
    // An owner of a kind this server does not serve cannot be checked: assume it exists.
    if (!type) return true;
    if (!builtIn) this.customKinds.set(kindKey, type);
    const namespace = type.namespaced ? dependent.metadata.namespace : undefined;
    // A custom kind needs a client that knows its resource.
    const reader = builtIn ? client : toolkit.createClient({ ...client.config, resources: [type] });
    this.followOwners(type, reader);
    try {
      const found = await reader.resource(type.resource, namespace).get(owner.name);
      return found.metadata.uid === owner.uid;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Deletes a dependent (of `resource`) none of whose owners exists any more. */
  async collect(resource: string, dependent: KubeObject): Promise<void> {
    const owners = dependent.metadata.ownerReferences ?? [];
    if (owners.length === 0 || dependent.metadata.deletionTimestamp) return;
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

  /**
   * An owner deleted with propagationPolicy Orphan: take its ownerReference off every dependent,
   * then its finalizer off itself, which lets the API server remove it.
   */
  async orphanDependents(
    resource: string,
    owner: KubeObject,
    dependents: Dependent[],
  ): Promise<void> {
    const uid = owner.metadata.uid!;
    for (const { resource: dependentResource, object } of dependents) {
      const ownerReferences = (object.metadata.ownerReferences ?? []).filter(
        (reference) => reference.uid !== uid,
      );
      await this.options.client
        .resource(dependentResource, object.metadata.namespace)
        .patch(object.metadata.name!, { metadata: { ownerReferences } })
        .catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
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
}

export function createGarbageCollector(options: GarbageCollectorOptions): GarbageCollector {
  return new GarbageCollector(options);
}
