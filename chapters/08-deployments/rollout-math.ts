// The arithmetic of a rollout: how many pods a Deployment may run above its replicas (maxSurge),
// how many may be missing (maxUnavailable), and from those, how far the new ReplicaSet may grow
// and the old ones shrink in one step. Pure functions of the objects, so each rule can be tested
// on its own and the controller only has to apply them.
//
// The two bounds hold at every step of a rolling update:
//   pods      <= replicas + maxSurge          (the cost: extra pods for a while)
//   available >= replicas - maxUnavailable    (the promise: capacity never drops below this)
import type { Deployment, ReplicaSet } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Rollout arithmetic';

/** A ReplicaSet's wanted pods (spec.replicas; the API server defaults it to 1). Given. */
export function replicasOf(rs: ReplicaSet): number {
  return rs.spec.replicas ?? 1;
}

/**
 * The pods a ReplicaSet may have now: the larger of its spec.replicas and its status.replicas
 * (pods it was scaled down from that are not gone yet still count against the surge).
 */
export function podsOf(rs: ReplicaSet): number {
  throw new NotImplemented('podsOf', section);
}

/**
 * The pods of a ReplicaSet that count as available: status.availableReplicas, but never more than
 * spec.replicas (a status not yet rewritten after a scale-down still counts pods being deleted).
 */
export function availableOf(rs: ReplicaSet): number {
  throw new NotImplemented('availableOf', section);
}

/**
 * An IntOrString of a rolling update: undefined is 0; a number is itself; "25%" is that share of
 * `total`, rounded up when `roundUp` (maxSurge) and down otherwise (maxUnavailable). Anything else
 * throws.
 */
export function resolveIntOrPercent(
  value: number | string | undefined,
  total: number,
  roundUp: boolean,
): number {
  throw new NotImplemented('resolveIntOrPercent', section);
}

export interface Fenceposts {
  maxSurge: number;
  maxUnavailable: number;
}

/**
 * maxSurge (rounded up) and maxUnavailable (rounded down) of spec.strategy.rollingUpdate, "25%"
 * each when unset, as numbers of pods of spec.replicas. Both 0: maxUnavailable 1 (else no step is
 * allowed). Strategy Recreate: no surge, and all of replicas may be unavailable.
 */
export function resolveFenceposts(deployment: Deployment): Fenceposts {
  throw new NotImplemented('resolveFenceposts', section);
}

/**
 * The size the new ReplicaSet (undefined: not created yet, size 0) may grow to now. Recreate: all
 * of spec.replicas. RollingUpdate: the room left under replicas + maxSurge, counting podsOf every
 * ReplicaSet in `all`, added to its size but never past spec.replicas; no room, its size as it is.
 */
export function newReplicaSetReplicas(
  deployment: Deployment,
  all: ReplicaSet[],
  newRS: ReplicaSet | undefined,
): number {
  throw new NotImplemented('newReplicaSetReplicas', section);
}

/**
 * How the old ReplicaSets shrink now: a Map from each one that changes to its new size. Only old
 * ones with replicas > 0, oldest first (byCreation). minAvailable is replicas - maxUnavailable.
 *   1. Unavailable old pods go first, up to (sum of replicasOf all, new included) - minAvailable -
 *      (the new ReplicaSet's replicas that are not available yet).
 *   2. Then available ones, up to (sum of availableOf all) - minAvailable.
 */
export function oldReplicaSetsScaleDown(
  deployment: Deployment,
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet | undefined,
): Map<ReplicaSet, number> {
  throw new NotImplemented('oldReplicaSetsScaleDown', section);
}

/**
 * New sizes when a Deployment is scaled while several ReplicaSets run pods. allowed = replicas +
 * maxSurge; current = the sum of their replicas; each gets round(size * allowed / current), taken
 * largest first (ties: newer first when growing, older first when shrinking) and never past the
 * total change; what rounding leaves over goes to the largest. Only sizes that change are returned.
 */
export function proportionalSizes(
  deployment: Deployment,
  active: ReplicaSet[],
): Map<ReplicaSet, number> {
  throw new NotImplemented('proportionalSizes', section);
}

/** Oldest first: by creationTimestamp, then name. Given. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const created = (rs: ReplicaSet) => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;
  return created(a) - created(b) || (a.metadata.name! < b.metadata.name! ? -1 : 1);
}
