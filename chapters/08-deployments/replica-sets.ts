// The ReplicaSets of a Deployment, decided by pure functions: which one is new (it runs the
// Deployment's template) and which are old; the ReplicaSet to create for a template no ReplicaSet
// runs yet, with its revision; what a ReplicaSet looks like once sized; how to size them when the
// Deployment was scaled rather than changed; and which old ones the history no longer keeps.
// deployment.ts reads the caches and writes to the API server; these functions decide what to write.
import {
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  revisionAnnotation,
  revisionOf,
  rolloutAnnotations,
} from '../../harness/api/rollout.ts';
import { controllerOf } from '../../harness/api/owners.ts';
import type { Deployment, ReplicaSet } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import {
  availableOf,
  byCreation,
  newReplicaSetReplicas,
  proportionalSizes,
  replicasOf,
  resolveFenceposts,
} from './rollout-math.ts';
import { podTemplateHash, podTemplateHashLabel, sameTemplate } from './template-hash.ts';

const section = '§ The ReplicaSets of a Deployment';

/** A Deployment's ReplicaSets: the new one (if any), which runs its template, and the old ones. */
export interface NewAndOld {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/**
 * The Deployment's ReplicaSets among `replicaSets`: those whose controller ownerReference has the
 * Deployment's uid and that are not being deleted (no deletionTimestamp). The new one runs the
 * Deployment's template (sameTemplate: the hash label aside; the oldest by byCreation, should two);
 * the others, in the order given, are old. No new one: newRS is undefined.
 */
export function newAndOldReplicaSets(deployment: Deployment, replicaSets: ReplicaSet[]): NewAndOld {
  throw new NotImplemented('newAndOldReplicaSets', section);
}

/** The revision a new template gets: one above every old ReplicaSet's (revisionOf), 1 for the first. */
export function nextRevision(oldRSs: ReplicaSet[]): number {
  throw new NotImplemented('nextRevision', section);
}

/**
 * What a ReplicaSet was last sized for, as annotations: desired-replicas, the Deployment's replicas
 * (1 when unset); max-replicas, replicas + maxSurge (resolveFenceposts). Both as strings.
 */
export function sizeAnnotations(deployment: Deployment): Record<string, string> {
  throw new NotImplemented('sizeAnnotations', section);
}

/**
 * The ReplicaSet to create for the Deployment's template, a new object (the Deployment is not
 * changed):
 * - apiVersion apps/v1, kind ReplicaSet, the Deployment's namespace, named
 *   `<deployment>-<hash>` where hash is podTemplateHash(template, status.collisionCount or 0);
 * - the label pod-template-hash=<hash> added to the template's labels, which are also the
 *   ReplicaSet's own labels, and to the selector's matchLabels;
 * - one ownerReference: apiVersion apps/v1, kind Deployment, its name and uid, controller and
 *   blockOwnerDeletion true;
 * - annotations: the Deployment's own, except those in rolloutAnnotations; the revision
 *   (nextRevision of the old ones) and sizeAnnotations;
 * - spec.replicas: newReplicaSetReplicas(deployment, oldRSs, undefined), what maxSurge allows
 *   beside the old ones; spec.minReadySeconds: the Deployment's.
 */
export function newReplicaSetFor(deployment: Deployment, oldRSs: ReplicaSet[]): ReplicaSet {
  throw new NotImplemented('newReplicaSetFor', section);
}

/**
 * A copy of the new ReplicaSet with the next revision (nextRevision of the old ones) and the
 * Deployment's own annotations (not rolloutAnnotations), when its revision is not above every old
 * one's: an old template came back, a rollback. Undefined when its revision is already the newest.
 */
export function withNextRevision(
  deployment: Deployment,
  newRS: ReplicaSet,
  oldRSs: ReplicaSet[],
): ReplicaSet | undefined {
  throw new NotImplemented('withNextRevision', section);
}

/**
 * A copy of `rs` to write so it has `size` replicas, its annotations merged with sizeAnnotations
 * (what it was sized for); undefined when it already has that size and those annotations (nothing
 * to write).
 */
export function sizedReplicaSet(
  deployment: Deployment,
  rs: ReplicaSet,
  size: number,
): ReplicaSet | undefined {
  throw new NotImplemented('sizedReplicaSet', section);
}

/**
 * Whether the Deployment was scaled rather than changed: some ReplicaSet running pods
 * (replicasOf > 0) has a desired-replicas annotation that is not the Deployment's replicas now.
 * A ReplicaSet without the annotation does not count.
 */
export function isScalingEvent(deployment: Deployment, replicaSets: ReplicaSet[]): boolean {
  throw new NotImplemented('isScalingEvent', section);
}

/**
 * Sizes for a scaling event (or a paused Deployment), no rollout step. Of the ReplicaSets running
 * pods (replicasOf > 0, the new one first):
 * - one or none: that one (else the new one, if any) gets the Deployment's replicas;
 * - several, and the new one saturated (replicas and available both the Deployment's replicas):
 *   every old one gets 0;
 * - otherwise: proportionalSizes.
 * Every ReplicaSet running pods is in the result, changed or not (its size annotations are then
 * rewritten, which ends the scaling event).
 */
export function scalingSizes(
  deployment: Deployment,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): Map<ReplicaSet, number> {
  throw new NotImplemented('scalingSizes', section);
}

/**
 * The old ReplicaSets the history no longer keeps: of those at 0 replicas with no pod left
 * (status.replicas 0), all but the newest revisionHistoryLimit (10 when unset), lowest revision
 * first.
 */
export function historyToDelete(deployment: Deployment, oldRSs: ReplicaSet[]): ReplicaSet[] {
  throw new NotImplemented('historyToDelete', section);
}
