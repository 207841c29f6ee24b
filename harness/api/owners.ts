// Owners: an object's metadata.ownerReferences name the objects it belongs to (a pod its
// ReplicaSet, a ReplicaSet its Deployment). An object may have several owners, but at most one is
// its controller (controller: true): the one that manages it, adopts or releases it, and that
// `kubectl describe` shows as "Controlled By". The garbage collector reads every owner; controllers
// and the CLI read the controller.
import type { ObjectMeta, OwnerReference } from './types.ts';

/** The ownerReference of the object's controller (controller: true), if it has one. */
export function controllerOf(object: { metadata: ObjectMeta }): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((owner) => owner.controller);
}
