// Strategies: what happens to the objects of one resource on their way into the store, beyond
// the HTTP. kube-apiserver gives each resource a REST storage with a strategy (pkg/registry/rest:
// RESTCreateStrategy, RESTUpdateStrategy, RESTDeleteStrategy) and hooks around its writes
// (BeginCreate, BeginUpdate, AfterDelete in the generic registry store); the handlers call them
// and never ask which resource they serve. This server does the same:
//
//   create   strategy.prepareForCreate → strategy.validate → hooks.beginCreate → store
//   update   strategy.prepareForUpdate → strategy.validateUpdate → hooks.beginUpdate → store
//            → hooks.afterUpdate
//   delete   hooks.beforeDelete (mark instead?) → strategy.gracePeriod (wait?) → store
//            → hooks.afterDelete
//
// Every resource starts from the default strategy (metadata.ts, defaults.ts, validation.ts). A
// ResourceExtension changes it for one resource, or for all: pods wait for their containers to
// stop, namespaces cannot be deleted by the collection, the garbage collector's orphan finalizer
// (finalizers.ts, chapter 07) and the Service allocator (services.ts, chapter 09) plug in here.
import { defaultCronJob, defaultJob } from '../../harness/api/batch.ts';
import type { FieldError } from '../../harness/api/errors.ts';
import {
  protectOnCreate,
  PV_PROTECTION,
  PVC_PROTECTION,
} from '../../harness/api/storage-protection.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { DeleteOptions, KubeObject } from '../../harness/api/types.ts';
import {
  validateCronJob,
  validateDaemonSet,
  validateDaemonSetUpdate,
  validateJob,
  validateJobUpdate,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from '../../harness/api/workload-validation.ts';
import { validateIngress } from '../../harness/api/ingress-validation.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { Makers } from './metadata.ts';
import type { RequestInfo } from './paths.ts';
import type { WriteOptions } from './storage.ts';

/** How one resource's objects are made ready and checked (kube's REST strategies). */
export interface ResourceStrategy {
  /** PrepareForCreate: the server's fields and the kind's defaults on a new object; a copy. */
  prepareForCreate(object: KubeObject, makers: Makers): KubeObject;
  /** Validate: every rule a new object breaks; empty when it is valid. */
  validate(object: KubeObject): FieldError[];
  /**
   * PrepareForUpdate: `next` with the kind's defaults and the fields an update keeps from
   * `current`; `subresource` names the subresource written through, if any. A copy.
   */
  prepareForUpdate(current: KubeObject, next: KubeObject, subresource?: string): KubeObject;
  /** ValidateUpdate: every rule the updated object breaks, and what it may not change. */
  validateUpdate(next: KubeObject, current: KubeObject): FieldError[];
  /** CheckGracefulDelete: seconds a delete waits (pods); absent, a delete removes at once. */
  gracePeriod?(object: KubeObject, options: DeleteOptions): number;
  /** Whether DELETE on the collection (deletecollection) is served. */
  deleteCollection: boolean;
}

/** What a resource's storage does around its writes, beyond the strategy's checks. */
export interface WriteHooks {
  /** BeginCreate: the object as it must be stored (a Service with its addresses). */
  beginCreate?(object: KubeObject): KubeObject;
  /** The create stored nothing (it failed, or was a dry run): give back what beginCreate took. */
  revertCreate?(object: KubeObject): void;
  /** BeginUpdate: the updated object as it must be stored. */
  beginUpdate?(current: KubeObject, next: KubeObject): KubeObject;
  /** The update stored nothing (it failed, or was a dry run): undo what beginUpdate did. */
  revertUpdate?(): Promise<void>;
  /** After an update stored `stored` over `before`. */
  afterUpdate?(info: RequestInfo, before: KubeObject, stored: KubeObject): Promise<void>;
  /** Before a delete: the object marked instead of removed, or undefined to go on deleting. */
  beforeDelete?(
    info: RequestInfo,
    options: DeleteOptions,
    writeOptions: WriteOptions,
  ): Promise<KubeObject | undefined>;
  /** AfterDelete: the object was removed for good. */
  afterDelete?(object: KubeObject): void;
}

/** A change to the default for one resource (`resource`: "pods", "apps/deployments"), or all. */
export interface ResourceExtension {
  /** The resource it applies to, as `[group/]resource`; absent: every resource. */
  resource?: string;
  strategy?: Partial<ResourceStrategy>;
  hooks?: WriteHooks;
  /**
   * More rules for a new object, after the strategy's own (kube's per-kind validation in
   * pkg/apis/<group>/validation); they run on every update too.
   */
  validate?(object: KubeObject): FieldError[];
  /** More rules for an update: what may not change from `current`. */
  validateUpdate?(next: KubeObject, current: KubeObject): FieldError[];
}

/** A resource's strategy, and the hooks of every extension that applies, as one. */
export interface ResourceRegistration {
  strategy: ResourceStrategy;
  hooks: Required<WriteHooks>;
}

/**
 * The strategy every resource starts from, as the server has done its writes so far:
 * - prepareForCreate: prepareForCreate (metadata.ts), then applyDefaults (defaults.ts) on it;
 * - validate: validateObject (validation.ts);
 * - prepareForUpdate: applyDefaults on `next`, then prepareForUpdate with the subresource;
 * - validateUpdate: validateObject of `next`, then validateUpdate's errors after them;
 * - deleteCollection: true.
 */
export function defaultStrategy(resource: ResourceType): ResourceStrategy {
  throw new NotImplemented('defaultStrategy', '§ Validation');
}

/**
 * How long a DELETE of this pod must wait for its containers to stop, in seconds: 0 (remove it
 * now) for a pod on no node (no spec.nodeName) or one that has finished (status.phase Succeeded
 * or Failed); otherwise the request's gracePeriodSeconds, else the pod's
 * spec.terminationGracePeriodSeconds, else 30 (never below 0). The pods' strategy gives it as
 * its gracePeriod.
 */
export function gracePeriodOf(pod: KubeObject, options: DeleteOptions): number {
  throw new NotImplemented('gracePeriodOf', '§ Update and delete');
}

/** Where built-in kinds differ from the default strategy. */
export const builtinExtensions: ResourceExtension[] = [
  { resource: 'pods', strategy: { gracePeriod: gracePeriodOf } },
  { resource: 'namespaces', strategy: { deleteCollection: false } },
  // Chapter 13a: a Job's generated selector needs its uid, so it is set once the uid is.
  {
    resource: 'batch/jobs',
    hooks: { beginCreate: defaultJob },
    validate: validateJob,
    validateUpdate: validateJobUpdate,
  },
  { resource: 'batch/cronjobs', hooks: { beginCreate: defaultCronJob }, validate: validateCronJob },
  // Chapter 13b's kinds, checked as kube's apps validation checks them.
  {
    resource: 'apps/daemonsets',
    validate: validateDaemonSet,
    validateUpdate: validateDaemonSetUpdate,
  },
  {
    resource: 'apps/statefulsets',
    validate: validateStatefulSet,
    validateUpdate: validateStatefulSetUpdate,
  },
  // Chapter 13c: claims and volumes protected from their creation (StorageObjectInUseProtection).
  { resource: 'persistentvolumeclaims', hooks: { beginCreate: protectOnCreate(PVC_PROTECTION) } },
  { resource: 'persistentvolumes', hooks: { beginCreate: protectOnCreate(PV_PROTECTION) } },
  // Chapter 15b's Ingress, checked as kube's networking validation checks it.
  {
    resource: 'networking.k8s.io/ingresses',
    validate: validateIngress,
    validateUpdate: (next) => validateIngress(next),
  },
];

/** A resource as an extension names it: `resource` in the core group, `group/resource` else. */
export function resourcePath(resource: ResourceType): string {
  return resource.group === '' ? resource.resource : `${resource.group}/${resource.resource}`;
}

/** Each resource's registration: the default strategy, changed by every extension that applies. */
export function registerResources(
  resources: ResourceType[],
  extensions: ResourceExtension[],
): Map<ResourceType, ResourceRegistration> {
  const registry = new Map<ResourceType, ResourceRegistration>();
  for (const resource of resources) {
    const applying = extensions.filter(
      (extension) =>
        extension.resource === undefined || extension.resource === resourcePath(resource),
    );
    registry.set(resource, {
      strategy: withValidation(
        Object.assign(
          defaultStrategy(resource),
          ...applying.map((extension) => extension.strategy ?? {}),
        ),
        applying,
      ),
      hooks: combineHooks(applying.flatMap((extension) => extension.hooks ?? [])),
    });
  }
  return registry;
}

/** The strategy with the extensions' own rules checked after its validate and validateUpdate. */
export function withValidation(
  strategy: ResourceStrategy,
  extensions: ResourceExtension[],
): ResourceStrategy {
  const adding = extensions.filter((extension) => extension.validate || extension.validateUpdate);
  if (adding.length === 0) return strategy;
  const { validate, validateUpdate } = strategy;
  return {
    ...strategy,
    validate: (object) => [
      ...validate(object),
      ...adding.flatMap((extension) => extension.validate?.(object) ?? []),
    ],
    validateUpdate: (next, current) => [
      ...validateUpdate(next, current),
      ...adding.flatMap((extension) => [
        ...(extension.validate?.(next) ?? []),
        ...(extension.validateUpdate?.(next, current) ?? []),
      ]),
    ],
  };
}

/**
 * Several extensions' hooks as one, each called in order: the begin hooks hand the object on
 * from one to the next, and the first beforeDelete that marks the object wins.
 */
export function combineHooks(hooks: WriteHooks[]): Required<WriteHooks> {
  return {
    beginCreate: (object) => hooks.reduce((next, each) => each.beginCreate?.(next) ?? next, object),
    revertCreate: (object) => hooks.forEach((each) => each.revertCreate?.(object)),
    beginUpdate: (current, next) =>
      hooks.reduce((updated, each) => each.beginUpdate?.(current, updated) ?? updated, next),
    revertUpdate: async () => {
      for (const each of hooks) await each.revertUpdate?.();
    },
    afterUpdate: async (info, before, stored) => {
      for (const each of hooks) await each.afterUpdate?.(info, before, stored);
    },
    beforeDelete: async (info, options, writeOptions) => {
      for (const each of hooks) {
        const marked = await each.beforeDelete?.(info, options, writeOptions);
        if (marked) return marked;
      }
      return undefined;
    },
    afterDelete: (object) => hooks.forEach((each) => each.afterDelete?.(object)),
  };
}
