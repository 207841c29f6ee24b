// The Deployment controller: rolls a Deployment's pods from one template to the next through
// ReplicaSets. It never touches pods itself; it only sizes ReplicaSets, and chapter 07's ReplicaSet
// controller makes the pods follow. It is a chapter 04 controller over Deployments, with
// ReplicaSet events mapped to their owner's key. What to write is decided by the pure functions of
// rollout-math.ts, replica-sets.ts and status.ts; this file reads the caches and writes.
//
// reconcile(key), one step toward the spec:
//   1. the ReplicaSets it owns (controller ownerReference), split into the new one (whose template
//      is the Deployment's) and the old ones;
//   2. paused, or scaled while several ReplicaSets run pods: size them (proportionally), no rollout;
//   3. Recreate: old ReplicaSets to zero, wait until their pods are gone, then the new one up;
//      RollingUpdate: the new ReplicaSet up as far as maxSurge allows, else old ones down as far as
//      maxUnavailable allows;
//   4. old ReplicaSets beyond revisionHistoryLimit deleted, once the rollout is complete;
//   5. status: counters, the Available and Progressing conditions, observedGeneration; a rollout
//      not complete is looked at again when its progress deadline would pass.
// Every write of a ReplicaSet names the resourceVersion it read, so a step taken on a stale cache
// fails with a Conflict and is retried on fresh state, instead of overshooting a bound; and a
// status computed from a stale cache is dropped, never written over a newer one.
import { controllerOf } from '../../harness/api/owners.ts';
import { revisionAnnotation, revisionOf } from '../../harness/api/rollout.ts';
import type { Deployment, Pod, ReplicaSet } from '../../harness/api/types.ts';
import { isAlreadyExists, isNotFound } from '../../harness/client/errors.ts';
import { recordEvent } from '../../harness/client/events.ts';
import type { ApiClient, Controller, Informer, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import {
  historyToDelete,
  isScalingEvent,
  newAndOldReplicaSets,
  type NewAndOld,
  newReplicaSetFor,
  scalingSizes,
  sizedReplicaSet,
  withNextRevision,
} from './replica-sets.ts';
import { newReplicaSetReplicas, oldReplicaSetsScaleDown, replicasOf } from './rollout-math.ts';
import { nextStatus, progressCheckDelay } from './status.ts';
import { sameTemplate } from './template-hash.ts';

const section = '§ Deployments';

export interface DeploymentControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
  workers?: number;
}

const component = 'deployment-controller';

/** The new ReplicaSet, and whether this step created it. */
interface NewReplicaSet {
  newRS: ReplicaSet;
  created: boolean;
}

export class DeploymentController {
  private readonly options: DeploymentControllerOptions;
  private readonly clock: TimerClock;

  /**
   * Make here, once, what reconcile reads: informers (with this.clock) on deployments, replicasets
   * and pods, the last two with the ownerUid index (toolkit.indexers.ownerUid), and a controller
   * named "deployment-controller" (options.workers, 4 when unset) running `reconcile`.
   */
  constructor(options: DeploymentControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * The controller watches:
   * - the deployments, by their own key;
   * - the replicasets, mapped to the key of the Deployment their controller ownerReference names
   *   (kind Deployment; none otherwise), so each change of a ReplicaSet reconciles its Deployment;
   * - the pods, mapped through their controlling ReplicaSet (from the cache) to its Deployment's
   *   key, but only when that Deployment's strategy is Recreate (the only one that waits for pods).
   * Runs until `signal` aborts.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('DeploymentController.run', section);
  }

  /**
   * One step for the Deployment under `key`: none in the cache, or being deleted
   * (deletionTimestamp): nothing. Otherwise its ReplicaSets from the ownerUid index, split by
   * newAndOldReplicaSets; then paused (spec.paused) or a scaling event (isScalingEvent, over all of
   * them): `scale`; strategy Recreate: `rolloutRecreate`; otherwise `rolloutRolling`.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('DeploymentController.reconcile', section);
  }

  /**
   * One step of a rolling update: the new ReplicaSet (`newReplicaSet`); if newReplicaSetReplicas
   * lets it grow, that one size, else the old ones' oldReplicaSetsScaleDown; `resize` with those
   * sizes; when there was nothing to size and every old ReplicaSet is at 0, the rollout is done:
   * `cleanUp`; then `writeStatus` (with `created`), on the ReplicaSets as resize returned them.
   */
  private async rolloutRolling(deployment: Deployment, split: NewAndOld): Promise<void> {
    throw new NotImplemented('DeploymentController.rolloutRolling', section);
  }

  /**
   * The ReplicaSet for the Deployment's template, and whether this step created it:
   * - one found (split.newRS): written (update) when withNextRevision gives a copy (a rollback), then
   *   `syncRevisionAnnotation`; not created;
   * - none: create newReplicaSetFor(deployment, split.oldRSs). AlreadyExists: what `nameTaken` returns,
   *   not created. Created: a `scaled` Event from 0 to its replicas (when above 0), then
   *   `syncRevisionAnnotation`.
   */
  private async newReplicaSet(deployment: Deployment, split: NewAndOld): Promise<NewReplicaSet> {
    throw new NotImplemented('DeploymentController.newReplicaSet', section);
  }

  /**
   * The new ReplicaSet's name is taken. Read that ReplicaSet: ours (controller uid the
   * Deployment's, sameTemplate) means our cache is behind: return it. Another template's is a hash
   * collision: write status.collisionCount, one above the Deployment's (status subresource,
   * toolkit.updateWithRetry), so the next try hashes to another name; then throw an Error.
   */
  private async nameTaken(deployment: Deployment, wanted: ReplicaSet): Promise<ReplicaSet> {
    throw new NotImplemented('DeploymentController.nameTaken', section);
  }

  /**
   * The Deployment's revision annotation follows its new ReplicaSet's: when they differ, a merge
   * patch of metadata.annotations with the ReplicaSet's revision.
   */
  private async syncRevisionAnnotation(deployment: Deployment, newRS: ReplicaSet): Promise<void> {
    throw new NotImplemented('DeploymentController.syncRevisionAnnotation', section);
  }

  /**
   * Writes each ReplicaSet of `all` that `sizes` gives a size, as sizedReplicaSet makes it (nothing
   * when it returns undefined), with update(): the resourceVersion it was read at, so a stale read
   * gets a Conflict. A size that changed is a `scaled` Event. Returns `all`, in order, each as
   * written or as it was.
   */
  private async resize(
    deployment: Deployment,
    all: ReplicaSet[],
    sizes: Map<ReplicaSet, number>,
  ): Promise<ReplicaSet[]> {
    throw new NotImplemented('DeploymentController.resize', section);
  }

  /**
   * The Event `kubectl describe deployment` lists (recordEvent, from "deployment-controller", on the
   * Deployment): Normal, reason ScalingReplicaSet, message
   * "Scaled up replica set web-5d59d67564 from 0 to 3" ("down" when `to` < `from`).
   */
  private scaled(deployment: Deployment, rs: ReplicaSet, from: number, to: number): Promise<void> {
    throw new NotImplemented('DeploymentController.scaled', section);
  }

  /** Deletes the old ReplicaSets historyToDelete names (one already gone is fine). */
  private async cleanUp(deployment: Deployment, oldRSs: ReplicaSet[]): Promise<void> {
    throw new NotImplemented('DeploymentController.cleanUp', section);
  }

  /**
   * The status: nextStatus at this.clock.now(). If progressCheckDelay gives a delay, the
   * Deployment's key goes back on the queue after it (queue.addAfter). Written (status
   * subresource, toolkit.updateWithRetry) only when it differs from the Deployment's status, and
   * only while the stored status is still the one it was computed from (the cache's): otherwise it
   * is stale, and dropped. A Deployment gone meanwhile (NotFound) is fine.
   */
  private async writeStatus(
    deployment: Deployment,
    newRS: ReplicaSet | undefined,
    oldRSs: ReplicaSet[],
    created = false,
  ): Promise<void> {
    throw new NotImplemented('DeploymentController.writeStatus', section);
  }

  /**
   * Recreate: every old ReplicaSet running pods to 0 (`resize`), then `writeStatus` and stop. While
   * any pod of an old ReplicaSet (pods informer, ownerUid index) is not Succeeded or Failed:
   * `writeStatus` and stop. Then the new ReplicaSet (`newReplicaSet`) at once to replicas
   * (`resize`); `cleanUp` when it already was; `writeStatus`.
   */
  private async rolloutRecreate(deployment: Deployment, split: NewAndOld): Promise<void> {
    throw new NotImplemented('DeploymentController.rolloutRecreate', section);
  }

  /**
   * Paused or scaled, no rollout step: `resize` by scalingSizes; unless paused, `cleanUp` the old
   * ones; `writeStatus`. No ReplicaSet is created.
   */
  private async scale(deployment: Deployment, split: NewAndOld): Promise<void> {
    throw new NotImplemented('DeploymentController.scale', section);
  }
}

export function createDeploymentController(
  options: DeploymentControllerOptions,
): DeploymentController {
  return new DeploymentController(options);
}
