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
import { replicasOf, resolveFenceposts } from './rollout-math.ts';

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
 * The counters, from the ReplicaSets' statuses: replicas, readyReplicas and availableReplicas
 * summed; updatedReplicas, the new ReplicaSet's pods; unavailableReplicas, the pods wanted (their
 * spec.replicas summed) less the available ones, never below 0. With observedGeneration (the
 * Deployment's generation) and collisionCount kept; every field that is 0 left out, as Kubernetes
 * writes them.
 */
export function countReplicas(
  deployment: Deployment,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): DeploymentStatus {
  const all = newRS ? [newRS, ...oldRSs] : oldRSs;
  const count = (field: 'replicas' | 'readyReplicas' | 'availableReplicas') =>
    all.reduce((total, rs) => total + (rs.status?.[field] ?? 0), 0);
  const wanted = all.reduce((total, rs) => total + replicasOf(rs), 0);
  const status: DeploymentStatus = {
    observedGeneration: deployment.metadata.generation,
    replicas: count('replicas'),
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: count('readyReplicas'),
    availableReplicas: count('availableReplicas'),
    unavailableReplicas: Math.max(0, wanted - count('availableReplicas')),
    collisionCount: deployment.status?.collisionCount,
  };
  return Object.fromEntries(
    Object.entries(status).filter(([, value]) => value !== 0 && value !== undefined),
  ) as DeploymentStatus;
}

/**
 * The Available condition: True MinimumReplicasAvailable when at least replicas - maxUnavailable
 * pods are available, else False MinimumReplicasUnavailable.
 */
export function availableCondition(deployment: Deployment, status: DeploymentStatus): NewCondition {
  const { maxUnavailable } = resolveFenceposts(deployment);
  const minimum = (deployment.spec.replicas ?? 1) - maxUnavailable;
  return (status.availableReplicas ?? 0) >= minimum
    ? {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
      }
    : {
        type: 'Available',
        status: 'False',
        reason: 'MinimumReplicasUnavailable',
        message: 'Deployment does not have minimum availability.',
      };
}

/**
 * Progress, as the deadline counts it (Kubernetes' DeploymentProgressing): from `before` to
 * `after`, more updated, ready or available pods, or fewer old ones (replicas - updatedReplicas).
 */
export function madeProgress(before: DeploymentStatus, after: DeploymentStatus): boolean {
  const more = (field: 'updatedReplicas' | 'readyReplicas' | 'availableReplicas') =>
    (after[field] ?? 0) > (before[field] ?? 0);
  const old = (status: DeploymentStatus) => (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    more('updatedReplicas') ||
    more('readyReplicas') ||
    more('availableReplicas') ||
    old(after) < old(before)
  );
}

/** A Progressing condition. */
const progressing = (
  status: NewCondition['status'],
  reason: string,
  message: string,
): NewCondition => ({ type: 'Progressing', status, reason, message });

/**
 * Whether the rollout has passed its deadline, as Kubernetes' DeploymentTimedOut decides: the
 * Progressing condition's lastUpdateTime + progressDeadlineSeconds is at or before `now`. A
 * timeout already said still is one; a finished rollout's NewReplicaSetAvailable never is (its
 * time is the last rollout's, not this one's); no condition gives no time to count from.
 */
export function pastDeadline(
  deployment: Deployment,
  condition: DeploymentCondition | undefined,
  now: number,
): boolean {
  if (!condition || condition.reason === reasons.complete) return false;
  if (condition.reason === reasons.timedOut) return true;
  const deadlineMs = (deployment.spec.progressDeadlineSeconds ?? 600) * 1000;
  return Date.parse(condition.lastUpdateTime ?? '') + deadlineMs <= now;
}

/**
 * The Progressing condition the rollout calls for, the first that applies, in Kubernetes' order;
 * undefined leaves the condition as it is. `deployment.status` is the status before, `after` the
 * counters now; `newRS` the new ReplicaSet's name, `created` whether this step created it, `now`
 * the time in milliseconds.
 */
export function progressingCondition(
  deployment: Deployment,
  after: DeploymentStatus,
  step: { newRS: string | undefined; created: boolean; now: number },
): NewCondition | undefined {
  const before = deployment.status ?? {};
  const current = before.conditions?.find((c) => c.type === 'Progressing');
  const rs = `ReplicaSet "${step.newRS}"`;
  if (deployment.spec.paused) {
    if (current?.reason === reasons.paused) return undefined;
    return progressing('Unknown', reasons.paused, 'Deployment is paused');
  }
  if (current?.reason === reasons.paused)
    return progressing('Unknown', reasons.resumed, 'Deployment is resumed');
  // Done, and nothing new since: the condition stays as it is.
  if (
    current?.reason === reasons.complete &&
    after.replicas === after.updatedReplicas &&
    !step.created
  )
    return undefined;
  if (rolloutComplete(deployment, after))
    return progressing('True', reasons.complete, `${rs} has successfully progressed.`);
  if (step.created)
    return progressing('True', reasons.created, `Created new replica set "${step.newRS}"`);
  if (madeProgress(before, after))
    return progressing('True', reasons.updated, `${rs} is progressing.`);
  if (!current && step.newRS)
    return progressing('True', reasons.found, `Found new replica set "${step.newRS}"`);
  if (pastDeadline(deployment, current, step.now))
    return progressing('False', reasons.timedOut, `${rs} has timed out progressing.`);
  return undefined;
}

/**
 * The status to write: the counters, and the conditions of the status before with Available and
 * Progressing set (setCondition) at `now` (milliseconds).
 */
export function nextStatus(
  deployment: Deployment,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
  step: { created: boolean; now: number },
): DeploymentStatus {
  const status = countReplicas(deployment, newRS, oldRSs);
  const conditions = [...(deployment.status?.conditions ?? [])];
  const now = rfc3339(step.now);
  setCondition(conditions, availableCondition(deployment, status), now);
  const progress = progressingCondition(deployment, status, {
    ...step,
    newRS: newRS?.metadata.name,
  });
  if (progress) setCondition(conditions, progress, now);
  return { ...status, conditions };
}

/**
 * When to look at a rollout again for its deadline, in milliseconds from `now`: a second after
 * `status`'s Progressing lastUpdateTime + progressDeadlineSeconds (its times are whole seconds), at
 * least 1. Undefined when there is nothing to wait for: no Progressing condition, or one that is
 * False, NewReplicaSetAvailable or DeploymentPaused.
 */
export function progressCheckDelay(
  deployment: Deployment,
  status: DeploymentStatus,
  now: number,
): number | undefined {
  const condition = status.conditions?.find((c) => c.type === 'Progressing');
  if (!condition || condition.status === 'False') return undefined;
  if (condition.reason === reasons.complete || condition.reason === reasons.paused)
    return undefined;
  const deadlineMs = (deployment.spec.progressDeadlineSeconds ?? 600) * 1000;
  const last = Date.parse(condition.lastUpdateTime ?? '') || now;
  return Math.max(1, last + deadlineMs - now + 1000);
}
