// The arithmetic of a rollout: how many pods a Deployment may run above its replicas (maxSurge),
// how many may be missing (maxUnavailable), and from those, how far the new ReplicaSet may grow
// and the old ones shrink in one step. Pure functions of the objects, so each rule can be tested
// on its own and the controller only has to apply them.
//
// The two bounds hold at every step of a rolling update:
//   pods      <= replicas + maxSurge          (the cost: extra pods for a while)
//   available >= replicas - maxUnavailable    (the promise: capacity never drops below this)
import type { Deployment, ReplicaSet } from '../../harness/api/types.ts';

/** A ReplicaSet's wanted pods (spec.replicas; the API server defaults it to 1). */
export function replicasOf(rs: ReplicaSet): number {
  return rs.spec.replicas ?? 1;
}

/**
 * The pods a ReplicaSet may have now: its spec, or more while pods it was scaled down from have not
 * gone yet (its status still counts them). Counting those keeps the surge bound true of real pods,
 * not only of the numbers asked for.
 */
export function podsOf(rs: ReplicaSet): number {
  return Math.max(replicasOf(rs), rs.status?.replicas ?? 0);
}

/**
 * The pods of a ReplicaSet that count as available: its status says so, but never more than its
 * spec, since pods being deleted after a scale-down may still be in a status not yet rewritten.
 */
export function availableOf(rs: ReplicaSet): number {
  return Math.min(rs.status?.availableReplicas ?? 0, replicasOf(rs));
}

const sum = (replicaSets: ReplicaSet[], count: (rs: ReplicaSet) => number) =>
  replicaSets.reduce((total, rs) => total + count(rs), 0);

/**
 * An IntOrString of a rolling update: a number is itself; "25%" is that share of `total`, rounded up
 * (for maxSurge) or down (for maxUnavailable), as Kubernetes rounds them.
 */
export function resolveIntOrPercent(
  value: number | string | undefined,
  total: number,
  roundUp: boolean,
): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) throw new Error(`invalid value for IntOrString: "${value}"`);
  const exact = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export interface Fenceposts {
  maxSurge: number;
  maxUnavailable: number;
}

/**
 * maxSurge and maxUnavailable as numbers of pods for this Deployment. Both zero could never make
 * progress (no pod may be added, none removed), so then one pod may be unavailable. Recreate has
 * no surge and may take everything down.
 */
export function resolveFenceposts(deployment: Deployment): Fenceposts {
  const replicas = deployment.spec.replicas ?? 1;
  if (deployment.spec.strategy?.type === 'Recreate')
    return { maxSurge: 0, maxUnavailable: replicas };
  const rolling = deployment.spec.strategy?.rollingUpdate ?? {};
  const maxSurge = resolveIntOrPercent(rolling.maxSurge ?? '25%', replicas, true);
  const maxUnavailable = resolveIntOrPercent(rolling.maxUnavailable ?? '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) return { maxSurge, maxUnavailable: 1 };
  return { maxSurge, maxUnavailable };
}

/**
 * The size the new ReplicaSet may grow to now: up to `replicas`, as far as the pods of every
 * ReplicaSet of the Deployment stay within replicas + maxSurge.
 */
export function newReplicaSetReplicas(
  deployment: Deployment,
  all: ReplicaSet[],
  newRS: ReplicaSet | undefined,
): number {
  const replicas = deployment.spec.replicas ?? 1;
  const current = newRS ? replicasOf(newRS) : 0;
  if (deployment.spec.strategy?.type === 'Recreate') return replicas;
  const { maxSurge } = resolveFenceposts(deployment);
  const room = replicas + maxSurge - sum(all, podsOf);
  if (room <= 0) return current;
  return current + Math.max(0, Math.min(room, replicas - current));
}

/**
 * How the old ReplicaSets shrink now, as the new size of each that changes: first the pods that are
 * not available anyway (they cost no capacity), then available ones, as far as
 * replicas - maxUnavailable stay available. Oldest ReplicaSets first.
 */
export function oldReplicaSetsScaleDown(
  deployment: Deployment,
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet | undefined,
): Map<ReplicaSet, number> {
  const sizes = new Map<ReplicaSet, number>();
  const active = oldRSs.filter((rs) => replicasOf(rs) > 0).sort(byCreation);
  if (active.length === 0) return sizes;
  const replicas = deployment.spec.replicas ?? 1;
  const { maxUnavailable } = resolveFenceposts(deployment);
  const minAvailable = replicas - maxUnavailable;
  const all = newRS ? [newRS, ...active] : active;
  const newUnavailable = newRS ? replicasOf(newRS) - availableOf(newRS) : 0;

  // Unhealthy old pods first: as many as could go without counting the new ones still coming up.
  let unhealthyBudget = sum(all, replicasOf) - minAvailable - newUnavailable;
  for (const rs of active) {
    if (unhealthyBudget <= 0) break;
    const unhealthy = replicasOf(rs) - availableOf(rs);
    const cut = Math.min(unhealthy, unhealthyBudget);
    if (cut > 0) {
      sizes.set(rs, replicasOf(rs) - cut);
      unhealthyBudget -= cut;
    }
  }
  // Then available ones, down to the promise.
  let budget = sum(all, availableOf) - minAvailable;
  for (const rs of active) {
    if (budget <= 0) break;
    const size = sizes.get(rs) ?? replicasOf(rs);
    const cut = Math.min(size, budget);
    if (cut > 0) {
      sizes.set(rs, size - cut);
      budget -= cut;
    }
  }
  return sizes;
}

/**
 * New sizes for a Deployment scaled while more than one of its ReplicaSets runs pods: each keeps
 * its share of the total (replicas + maxSurge), so a rollout in progress is neither rushed nor
 * undone; what rounding leaves over goes to the largest. Only sizes that change are returned.
 */
export function proportionalSizes(
  deployment: Deployment,
  active: ReplicaSet[],
): Map<ReplicaSet, number> {
  const replicas = deployment.spec.replicas ?? 1;
  const allowed = replicas + resolveFenceposts(deployment).maxSurge;
  const current = sum(active, replicasOf);
  const toAdd = allowed - current;
  const sizes = new Map<ReplicaSet, number>();
  if (toAdd === 0 || current === 0) return sizes;
  // Largest first; on a tie the newer when growing and the older when shrinking.
  const ordered = [...active].sort(
    (a, b) => replicasOf(b) - replicasOf(a) || (toAdd > 0 ? -byCreation(a, b) : byCreation(a, b)),
  );
  let added = 0;
  for (const rs of ordered) {
    const share = Math.round((replicasOf(rs) * allowed) / current) - replicasOf(rs);
    const step = toAdd > 0 ? Math.min(share, toAdd - added) : Math.max(share, toAdd - added);
    sizes.set(rs, replicasOf(rs) + step);
    added += step;
  }
  const largest = ordered[0]!;
  sizes.set(largest, Math.max(0, sizes.get(largest)! + toAdd - added));
  for (const rs of active) if (sizes.get(rs) === replicasOf(rs)) sizes.delete(rs);
  return sizes;
}

/** Oldest first: by creationTimestamp, then name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const created = (rs: ReplicaSet) => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;
  return created(a) - created(b) || (a.metadata.name! < b.metadata.name! ? -1 : 1);
}
