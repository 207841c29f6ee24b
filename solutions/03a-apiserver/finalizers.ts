// Finalizers: an object that must not go before something else is done carries its name in
// metadata.finalizers, and a delete only marks it (deletionTimestamp); whoever owns a finalizer
// does its work and takes it off, and the update that takes the last one off removes the object.
//
// The garbage collector (chapter 07) owns one: `orphan`. A DELETE with propagationPolicy Orphan
// asks that the object's dependents outlive it, so the server marks the object with `orphan`
// instead of removing it; the collector takes the ownerReference off every dependent, then the
// finalizer. This file is that part of the server, plugged in as a ResourceExtension of every
// resource (strategy.ts): a beforeDelete hook that marks, an afterUpdate hook that removes.
import { ApiError } from '../../harness/api/errors.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { rfc3339 } from '../../harness/clock.ts';
import type { ServerContext } from './context.ts';
import type { RequestInfo } from './paths.ts';
import { checkPreconditions, type Preconditions, type WriteOptions } from './storage.ts';
import type { ResourceExtension } from './strategy.ts';

/**
 * DELETE with propagationPolicy Orphan: the dependents must outlive the object, so it is not
 * removed yet. It is marked (deletionTimestamp, now) with the finalizer "orphan"; the garbage
 * collector takes its ownerReference off every dependent, then removes the finalizer, and the
 * update that removes an object's last finalizer removes the object. Returns the marked object.
 */
export function markForOrphaning(
  context: ServerContext,
  info: RequestInfo,
  preconditions: Preconditions,
  writeOptions: WriteOptions = {},
): Promise<KubeObject> {
  const { resource, namespace, name } = info;
  return context.storage.update(
    resource,
    namespace,
    name!,
    (current) => {
      checkPreconditions(resource, current, preconditions);
      const finalizers = current.metadata.finalizers ?? [];
      if (!finalizers.includes('orphan')) current.metadata.finalizers = [...finalizers, 'orphan'];
      current.metadata.deletionTimestamp ??= rfc3339(context.makers.clock.now());
      current.metadata.deletionGracePeriodSeconds ??= 0;
      delete current.metadata.resourceVersion;
      return current;
    },
    writeOptions,
  );
}

/**
 * After an update of an object that had finalizers: if it is being deleted (deletionTimestamp)
 * and has none left, the update took the last one, so the object goes now. Returns `stored`.
 */
export async function removeIfFinalized(
  context: ServerContext,
  info: RequestInfo,
  stored: KubeObject,
): Promise<KubeObject> {
  const { deletionTimestamp, finalizers = [] } = stored.metadata;
  if (deletionTimestamp && finalizers.length === 0) {
    await context.storage
      .delete(info.resource, info.namespace, info.name!, {})
      .catch((error: unknown) => {
        if (!(error instanceof ApiError && error.code === 404)) throw error;
      });
  }
  return stored;
}

/**
 * A DELETE of an object that carries finalizers (an operator's, chapter 17): it is not removed but
 * marked (deletionTimestamp, now), and stays until its finalizers are taken off. Returns the
 * marked object, or undefined when it has no finalizer (delete it now). A pod is left to its
 * grace period (the strategy's gracePeriod), as kube's generic store does for graceful kinds.
 */
export async function markIfFinalizing(
  context: ServerContext,
  info: RequestInfo,
  preconditions: Preconditions,
  writeOptions: WriteOptions = {},
): Promise<KubeObject | undefined> {
  const { resource, namespace, name } = info;
  if (resource.resource === 'pods') return undefined;
  const current = await context.storage.get(resource, namespace, name!);
  if ((current.metadata.finalizers ?? []).length === 0) return undefined;
  if (current.metadata.deletionTimestamp) return current;
  return context.storage.update(
    resource,
    namespace,
    name!,
    (latest) => {
      checkPreconditions(resource, latest, preconditions);
      latest.metadata.deletionTimestamp ??= rfc3339(context.makers.clock.now());
      latest.metadata.deletionGracePeriodSeconds ??= 0;
      delete latest.metadata.resourceVersion;
      return latest;
    },
    writeOptions,
  );
}

/**
 * The finalizers as hooks of every resource: an Orphan delete marks with `orphan`, a delete of an
 * object with finalizers marks it; the update that takes the last one off removes it.
 */
export function finalizerExtension(context: ServerContext): ResourceExtension {
  return {
    hooks: {
      beforeDelete: async (info, options, writeOptions) =>
        options.propagationPolicy === 'Orphan'
          ? markForOrphaning(context, info, options.preconditions ?? {}, writeOptions)
          : markIfFinalizing(context, info, options.preconditions ?? {}, writeOptions),
      afterUpdate: async (info, before, stored) => {
        if ((before.metadata.finalizers?.length ?? 0) > 0) {
          await removeIfFinalized(context, info, stored);
        }
      },
    },
  };
}
