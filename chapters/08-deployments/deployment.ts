// The Deployment controller: rolls a Deployment's pods from one template to the next through
// ReplicaSets. It never touches pods itself; it only sizes ReplicaSets, and chapter 07's ReplicaSet
// controller makes the pods follow. It is a chapter 04 controller over Deployments, with
// ReplicaSet events mapped to their owner's key.
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
// fails with a Conflict and is retried on fresh state, instead of overshooting a bound.
import type {
  Deployment,
  DeploymentCondition,
  DeploymentStatus,
  OwnerReference,
  Pod,
  ReplicaSet,
} from '../../harness/api/types.ts';
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Deployments';

export interface DeploymentControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
  workers?: number;
}

const component = 'deployment-controller';

/** The Progressing condition's reasons, as kubectl and dashboards read them. */
export const reasons = {
  created: 'NewReplicaSetCreated',
  found: 'FoundNewReplicaSet',
  updated: 'ReplicaSetUpdated',
  complete: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
} as const;

/** The controller ownerReference, if any. */
function controllerOf(object: ReplicaSet | Pod): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((owner) => owner.controller);
}

/** Whether the rollout is done: every pod updated, available, and no old one left. */
export function rolloutComplete(deployment: Deployment, status: DeploymentStatus): boolean {
  const replicas = deployment.spec.replicas ?? 1;
  return (
    (status.updatedReplicas ?? 0) === replicas &&
    (status.replicas ?? 0) === replicas &&
    (status.availableReplicas ?? 0) === replicas &&
    (status.observedGeneration ?? 0) >= (deployment.metadata.generation ?? 0)
  );
}

/** A condition as a controller states it; setCondition stamps the times. */
export type NewCondition = Omit<DeploymentCondition, 'lastUpdateTime' | 'lastTransitionTime'>;

/**
 * Puts `condition` into `conditions` (in place), as Kubernetes does: the same status and reason
 * again changes nothing (except ReplicaSetUpdated, whose lastUpdateTime is the time of the last
 * progress, which the deadline counts from); lastTransitionTime moves only when the status does.
 */
export function setCondition(
  conditions: DeploymentCondition[],
  condition: NewCondition,
  now: string,
): void {
  const at = conditions.findIndex((c) => c.type === condition.type);
  const old = conditions[at];
  const same = old?.status === condition.status && old.reason === condition.reason;
  if (same && condition.reason !== reasons.updated) return;
  const next = {
    ...condition,
    lastUpdateTime: now,
    lastTransitionTime: old?.status === condition.status ? (old.lastTransitionTime ?? now) : now,
  };
  if (at >= 0) conditions[at] = next;
  else conditions.push(next);
}

export class DeploymentController {
  private readonly options: DeploymentControllerOptions;
  private readonly clock: TimerClock;

  constructor(options: DeploymentControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Informers on deployments, replicasets and pods (both with the ownerUid index); a controller
   * named "deployment-controller" (4 workers) running `reconcile`, watching the deployments, the
   * replicasets mapped to their controlling Deployment's key, and the pods mapped (through their
   * ReplicaSet) to that key only when the Deployment's strategy is Recreate.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('DeploymentController.run', section);
  }

  /**
   * One Deployment, one step (the lesson walks through each):
   * - gone or being deleted: nothing. Its ReplicaSets: those whose controller ownerReference has
   *   its uid (ownerUid index), not being deleted; the new one has its template (sameTemplate,
   *   the oldest if several), the rest are old.
   * - paused, or a scaling event (a ReplicaSet with replicas > 0 whose desired-replicas annotation
   *   is not spec.replicas): size them (one running: to replicas; the new one saturated: old ones to
   *   0; else proportionalSizes), write each ReplicaSet running pods, then status. No rollout.
   * - Recreate: old ReplicaSets to 0; while any pod of theirs is not Succeeded or Failed, wait;
   *   then the new ReplicaSet (created if missing) to replicas.
   * - RollingUpdate: the new ReplicaSet (created if missing) to newReplicaSetReplicas; if that
   *   changes nothing, the old ones by oldReplicaSetsScaleDown; if neither, the rollout is done:
   *   delete the oldest old ReplicaSets at 0 beyond revisionHistoryLimit (10).
   * - A new ReplicaSet: named "<deployment>-<podTemplateHash(template, status.collisionCount)>",
   *   the hash label added to its selector's matchLabels and its template's labels (and its own
   *   labels), a controller ownerReference to the Deployment (blockOwnerDeletion true),
   *   minReadySeconds copied, the Deployment's annotations (but not rolloutAnnotations) plus the
   *   revision (highest old revision + 1), desired-replicas and max-replicas annotations. An
   *   existing new ReplicaSet whose revision is not above every old one's (a rollback) gets that
   *   revision. The Deployment's revision annotation follows its new ReplicaSet's (merge patch).
   * - Sizing a ReplicaSet: an update (PUT) of the object as read, with spec.replicas and the
   *   desired-replicas (spec.replicas) and max-replicas (replicas + maxSurge) annotations, skipped
   *   when all three are already so; an Event "ScalingReplicaSet" on the Deployment (recordEvent)
   *   says "Scaled up replica set X from 0 to 3".
   * - Status (status subresource, when it changed, and only while the stored status is still the
   *   one it was computed from: a stale cache's status is dropped, not written over a newer one):
   *   observedGeneration; replicas, readyReplicas, availableReplicas summed over the ReplicaSets'
   *   statuses; updatedReplicas the new one's status.replicas; unavailableReplicas (their
   *   spec.replicas summed) - available, not below 0; collisionCount kept; zeros left out.
   *   Conditions with setCondition:
   *     Available: True "MinimumReplicasAvailable" when available >= replicas - maxUnavailable,
   *       else False "MinimumReplicasUnavailable";
   *     Progressing, the first that applies: paused: Unknown DeploymentPaused; was paused:
   *       Unknown DeploymentResumed; already NewReplicaSetAvailable with nothing new: unchanged;
   *       rolloutComplete: True NewReplicaSetAvailable; a ReplicaSet just created: True
   *       NewReplicaSetCreated; more updated, ready or available, or fewer replicas, than the old
   *       status: True ReplicaSetUpdated; lastUpdateTime + progressDeadlineSeconds (600) passed,
   *       unless the condition is NewReplicaSetAvailable (the last rollout's time) or already
   *       timed out: False ProgressDeadlineExceeded; none yet: True FoundNewReplicaSet.
   *   While Progressing is neither False nor done nor paused, queue.addAfter the key for when its
   *   deadline would pass.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('DeploymentController.reconcile', section);
  }
}

export function createDeploymentController(
  options: DeploymentControllerOptions,
): DeploymentController {
  return new DeploymentController(options);
}
