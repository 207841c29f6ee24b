// A Deployment's status, decided by pure functions: the counters summed from its ReplicaSets, and
// the two conditions people and tools read. Available says whether enough pods serve;
// Progressing tells the story of the rollout through its reason, and turns False when no progress
// was made for progressDeadlineSeconds. Kubernetes checks them in a fixed order
// (pkg/controller/deployment/progress.go); so do these.
import type {
  Deployment,
  DeploymentCondition,
  DeploymentStatus,
  ReplicaSet,
} from '../../harness/api/types.ts';
import { rfc3339 } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import { replicasOf, resolveFenceposts } from './rollout-math.ts';

const section = '§ Status and conditions';

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

/**
 * The counters, from the ReplicaSets' statuses (the new one, if any, and the old ones):
 * replicas, readyReplicas and availableReplicas summed; updatedReplicas, the new ReplicaSet's
 * status.replicas; unavailableReplicas, their spec.replicas (replicasOf) summed less the available
 * ones, never below 0. With observedGeneration, the Deployment's metadata.generation, and the
 * Deployment's status.collisionCount kept. Every field that is 0 or undefined is left out, as
 * Kubernetes writes them.
 */
export function countReplicas(
  deployment: Deployment,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): DeploymentStatus {
  throw new NotImplemented('countReplicas', section);
}

/**
 * The Available condition: when at least replicas - maxUnavailable pods are available
 * (resolveFenceposts), True "MinimumReplicasAvailable" with the message "Deployment has minimum
 * availability."; else False "MinimumReplicasUnavailable", "Deployment does not have minimum
 * availability."
 */
export function availableCondition(deployment: Deployment, status: DeploymentStatus): NewCondition {
  throw new NotImplemented('availableCondition', section);
}

/**
 * Progress, as the deadline counts it (Kubernetes' DeploymentProgressing): from `before` to
 * `after`, more updatedReplicas, readyReplicas or availableReplicas, or fewer old pods
 * (replicas - updatedReplicas). Missing fields are 0.
 */
export function madeProgress(before: DeploymentStatus, after: DeploymentStatus): boolean {
  throw new NotImplemented('madeProgress', section);
}

/**
 * Whether the rollout has passed its deadline, as Kubernetes' DeploymentTimedOut decides:
 * - no condition: false (no time to count from);
 * - NewReplicaSetAvailable: false (its time is the last rollout's, not this one's);
 * - ProgressDeadlineExceeded: true (a timeout already said still is one);
 * - otherwise: whether its lastUpdateTime + progressDeadlineSeconds (600 when unset) is at or
 *   before `now` (milliseconds).
 */
export function pastDeadline(
  deployment: Deployment,
  condition: DeploymentCondition | undefined,
  now: number,
): boolean {
  throw new NotImplemented('pastDeadline', section);
}

/**
 * The Progressing condition the rollout calls for; undefined leaves it as it is.
 * `deployment.status` is the status before (its Progressing condition is `current`), `after` the
 * counters now (countReplicas), `newRS` the new ReplicaSet's name, `created` whether this step
 * created it, `now` the time in milliseconds. The first that applies, in Kubernetes' order:
 * 1. spec.paused: Unknown "DeploymentPaused", "Deployment is paused" (undefined if already so);
 * 2. current is DeploymentPaused: Unknown "DeploymentResumed", "Deployment is resumed";
 * 3. current is NewReplicaSetAvailable, after.replicas === after.updatedReplicas and nothing was
 *    created: undefined (a finished rollout stays finished);
 * 4. rolloutComplete(deployment, after): True "NewReplicaSetAvailable",
 *    `ReplicaSet "<newRS>" has successfully progressed.`;
 * 5. created: True "NewReplicaSetCreated", `Created new replica set "<newRS>"`;
 * 6. madeProgress(status before, after): True "ReplicaSetUpdated",
 *    `ReplicaSet "<newRS>" is progressing.`;
 * 7. no current condition, and a new ReplicaSet: True "FoundNewReplicaSet",
 *    `Found new replica set "<newRS>"`;
 * 8. pastDeadline(deployment, current, now): False "ProgressDeadlineExceeded",
 *    `ReplicaSet "<newRS>" has timed out progressing.`
 */
export function progressingCondition(
  deployment: Deployment,
  after: DeploymentStatus,
  step: { newRS: string | undefined; created: boolean; now: number },
): NewCondition | undefined {
  throw new NotImplemented('progressingCondition', section);
}

/**
 * The status to write: countReplicas, with a copy of the conditions of the status before where
 * availableCondition and then progressingCondition (when it returns one) are set with setCondition
 * at rfc3339(now).
 */
export function nextStatus(
  deployment: Deployment,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
  step: { created: boolean; now: number },
): DeploymentStatus {
  throw new NotImplemented('nextStatus', section);
}

/**
 * When to look at a rollout again for its deadline, in milliseconds from `now`: `status`'s
 * Progressing lastUpdateTime + progressDeadlineSeconds (600 when unset) - now, plus a second (the
 * times are whole seconds), at least 1. Undefined when there is nothing to wait for: no
 * Progressing condition, or one that is False, NewReplicaSetAvailable or DeploymentPaused.
 */
export function progressCheckDelay(
  deployment: Deployment,
  status: DeploymentStatus,
  now: number,
): number | undefined {
  throw new NotImplemented('progressCheckDelay', section);
}
