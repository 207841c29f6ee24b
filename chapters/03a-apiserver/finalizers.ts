// Finalizers: an object that must not go before something else is done carries its name in
// metadata.finalizers, and a delete only marks it (deletionTimestamp); whoever owns a finalizer
// does its work and takes it off, and the update that takes the last one off removes the object.
//
// The garbage collector (chapter 07) owns one: `orphan`. A DELETE with propagationPolicy Orphan
// asks that the object's dependents outlive it, so the server marks the object with `orphan`
// instead of removing it; the collector takes the ownerReference off every dependent, then the
// finalizer. This file is that part of the server, plugged in as a ResourceExtension of every
// resource (strategy.ts): a beforeDelete hook that marks, an afterUpdate hook that removes.
import type { KubeObject } from '../../harness/api/types.ts';
import { rfc3339 } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ServerContext } from './context.ts';
import type { RequestInfo } from './paths.ts';
import { checkPreconditions, type Preconditions, type WriteOptions } from './storage.ts';
import type { ResourceExtension } from './strategy.ts';

/**
 * DELETE with propagationPolicy Orphan: inside storage.update, the object gets the finalizer
 * "orphan" (once), a deletionTimestamp (now, if it has none; rfc3339 in harness/clock.ts) and
 * deletionGracePeriodSeconds 0 (if it has none), and is not removed. The preconditions must hold
 * (checkPreconditions). Returns the marked object.
 */
export function markForOrphaning(
  context: ServerContext,
  info: RequestInfo,
  preconditions: Preconditions,
  writeOptions: WriteOptions = {},
): Promise<KubeObject> {
  throw new NotImplemented('markForOrphaning', '§ Update and delete');
}

/**
 * Called after an update of an object that had finalizers: if `stored` is being deleted (it has
 * a deletionTimestamp) and has no finalizers left, the update took the last one, so delete it
 * now (gone already is fine). Returns `stored`.
 */
export async function removeIfFinalized(
  context: ServerContext,
  info: RequestInfo,
  stored: KubeObject,
): Promise<KubeObject> {
  throw new NotImplemented('removeIfFinalized', '§ Update and delete');
}

/**
 * A DELETE of an object that carries finalizers (an operator's, chapter 17; a claim's
 * kubernetes.io/pvc-protection, chapter 13c). A pod is left to its grace period: return undefined.
 * Otherwise read it; without finalizers return undefined (delete it now); already marked, return it as it is; otherwise,
 * inside storage.update, give it a deletionTimestamp (now) and deletionGracePeriodSeconds 0 (if
 * it has none), with the preconditions checked, and return the marked object.
 */
export async function markIfFinalizing(
  context: ServerContext,
  info: RequestInfo,
  preconditions: Preconditions,
  writeOptions: WriteOptions = {},
): Promise<KubeObject | undefined> {
  throw new NotImplemented('markIfFinalizing', '§ Update and delete');
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
