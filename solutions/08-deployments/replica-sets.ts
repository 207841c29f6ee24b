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
import {
  availableOf,
  byCreation,
  newReplicaSetReplicas,
  proportionalSizes,
  replicasOf,
  resolveFenceposts,
} from './rollout-math.ts';
import { podTemplateHash, podTemplateHashLabel, sameTemplate } from './template-hash.ts';

/** A Deployment's ReplicaSets: the new one (if any), which runs its template, and the old ones. */
export interface NewAndOld {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/**
 * The Deployment's ReplicaSets among `replicaSets`: those whose controller ownerReference has the
 * Deployment's uid and that are not being deleted. The new one runs the Deployment's template (the
 * hash label aside; the oldest, should two); the others are old.
 */
export function newAndOldReplicaSets(deployment: Deployment, replicaSets: ReplicaSet[]): NewAndOld {
  const owned = replicaSets.filter(
    (rs) => controllerOf(rs)?.uid === deployment.metadata.uid && !rs.metadata.deletionTimestamp,
  );
  const newRS = owned
    .filter((rs) => sameTemplate(rs.spec.template, deployment.spec.template))
    .sort(byCreation)[0];
  return { newRS, oldRSs: owned.filter((rs) => rs !== newRS) };
}

/** The revision a new template gets: one above every old ReplicaSet's (1 for the first). */
export function nextRevision(oldRSs: ReplicaSet[]): number {
  return Math.max(0, ...oldRSs.map(revisionOf)) + 1;
}

/** The Deployment's annotations a ReplicaSet carries too (change-cause, say): not the rollout's. */
function copiedAnnotations(deployment: Deployment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(deployment.metadata.annotations ?? {}).filter(
      ([key]) => !rolloutAnnotations.includes(key),
    ),
  );
}

/**
 * What a ReplicaSet was last sized for, as annotations: the Deployment's replicas
 * (desired-replicas) and replicas + maxSurge (max-replicas). A Deployment scaled since no longer
 * matches them: that is how a scaling event is told from a rollout.
 */
export function sizeAnnotations(deployment: Deployment): Record<string, string> {
  const replicas = deployment.spec.replicas ?? 1;
  return {
    [desiredReplicasAnnotation]: String(replicas),
    [maxReplicasAnnotation]: String(replicas + resolveFenceposts(deployment).maxSurge),
  };
}

/**
 * The ReplicaSet to create for the Deployment's template: named `<deployment>-<hash>` (the hash
 * of the template and status.collisionCount), the hash label added to its labels, its selector
 * and its template's labels; controlled by the Deployment; the Deployment's own annotations (not
 * the rollout's), the next revision and the size annotations; as many replicas as
 * newReplicaSetReplicas allows beside the old ones; the Deployment's minReadySeconds.
 */
export function newReplicaSetFor(deployment: Deployment, oldRSs: ReplicaSet[]): ReplicaSet {
  const hash = podTemplateHash(deployment.spec.template, deployment.status?.collisionCount ?? 0);
  const { template, selector } = structuredClone(deployment.spec);
  const labels = { ...template.metadata?.labels, [podTemplateHashLabel]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deployment.metadata.name}-${hash}`,
      namespace: deployment.metadata.namespace,
      labels: { ...labels },
      annotations: {
        ...copiedAnnotations(deployment),
        [revisionAnnotation]: String(nextRevision(oldRSs)),
        ...sizeAnnotations(deployment),
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: deployment.metadata.name!,
          uid: deployment.metadata.uid!,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas: newReplicaSetReplicas(deployment, oldRSs, undefined),
      minReadySeconds: deployment.spec.minReadySeconds,
      selector: {
        ...selector,
        matchLabels: { ...selector.matchLabels, [podTemplateHashLabel]: hash },
      },
      template: { ...template, metadata: { ...template.metadata, labels } },
    },
  };
}

/**
 * The new ReplicaSet with the next revision, when an old template came back (a rollback) and its
 * revision is not above every old one's; undefined when its revision is already the newest.
 */
export function withNextRevision(
  deployment: Deployment,
  newRS: ReplicaSet,
  oldRSs: ReplicaSet[],
): ReplicaSet | undefined {
  const revision = nextRevision(oldRSs);
  if (revisionOf(newRS) >= revision) return undefined;
  const next = structuredClone(newRS);
  next.metadata.annotations = {
    ...next.metadata.annotations,
    ...copiedAnnotations(deployment),
    [revisionAnnotation]: String(revision),
  };
  return next;
}

/**
 * The ReplicaSet as it is to be written to have `size` replicas, its size annotations saying what
 * it was sized for; undefined when it already has both (nothing to write).
 */
export function sizedReplicaSet(
  deployment: Deployment,
  rs: ReplicaSet,
  size: number,
): ReplicaSet | undefined {
  const annotations = sizeAnnotations(deployment);
  const current = rs.metadata.annotations ?? {};
  const same = Object.entries(annotations).every(([key, value]) => current[key] === value);
  if (same && size === replicasOf(rs)) return undefined;
  const next = structuredClone(rs);
  next.spec.replicas = size;
  next.metadata.annotations = { ...current, ...annotations };
  return next;
}

/**
 * Whether the Deployment was scaled rather than changed: a ReplicaSet running pods was sized
 * (its desired-replicas annotation) for other replicas than the Deployment's now.
 */
export function isScalingEvent(deployment: Deployment, replicaSets: ReplicaSet[]): boolean {
  const replicas = String(deployment.spec.replicas ?? 1);
  return replicaSets.some(
    (rs) =>
      replicasOf(rs) > 0 &&
      (rs.metadata.annotations?.[desiredReplicasAnnotation] ?? replicas) !== replicas,
  );
}

/**
 * Sizes for a scaling event (or a paused Deployment), no rollout step: the only ReplicaSet running
 * pods (or else the new one) gets replicas; old ones go to 0 once the new one is saturated (all
 * replicas, all available); otherwise each running ReplicaSet gets its proportional share. Every
 * ReplicaSet running pods is in the result, changed or not, so its annotations get rewritten.
 */
export function scalingSizes(
  deployment: Deployment,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): Map<ReplicaSet, number> {
  const replicas = deployment.spec.replicas ?? 1;
  const active = (newRS ? [newRS, ...oldRSs] : oldRSs).filter((rs) => replicasOf(rs) > 0);
  const sizes = new Map<ReplicaSet, number>();
  if (active.length <= 1) {
    const only = active[0] ?? newRS;
    if (only) sizes.set(only, replicas);
  } else if (newRS && replicasOf(newRS) === replicas && availableOf(newRS) === replicas) {
    for (const rs of oldRSs) sizes.set(rs, 0);
  } else {
    for (const [rs, size] of proportionalSizes(deployment, active)) sizes.set(rs, size);
  }
  for (const rs of active) if (!sizes.has(rs)) sizes.set(rs, replicasOf(rs));
  return sizes;
}

/**
 * The old ReplicaSets the history no longer keeps: of those scaled to 0 with no pod left, all but
 * the newest revisionHistoryLimit (10 by default), lowest revision first.
 */
export function historyToDelete(deployment: Deployment, oldRSs: ReplicaSet[]): ReplicaSet[] {
  const limit = deployment.spec.revisionHistoryLimit ?? 10;
  const idle = oldRSs
    .filter((rs) => replicasOf(rs) === 0 && (rs.status?.replicas ?? 0) === 0)
    .sort((a, b) => revisionOf(a) - revisionOf(b));
  return idle.slice(0, Math.max(0, idle.length - limit));
}
