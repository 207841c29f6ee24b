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
import {
  desiredReplicasAnnotation,
  maxReplicasAnnotation,
  revisionAnnotation,
  revisionOf,
  rolloutAnnotations,
} from '../../harness/api/rollout.ts';
import type {
  Deployment,
  DeploymentCondition,
  DeploymentStatus,
  OwnerReference,
  Pod,
  ReplicaSet,
} from '../../harness/api/types.ts';
import { isAlreadyExists, isNotFound } from '../../harness/client/errors.ts';
import { recordEvent } from '../../harness/client/events.ts';
import type { ApiClient, Controller, Informer, Toolkit } from '../../harness/client/types.ts';
import { rfc3339, systemClock, type TimerClock } from '../../harness/clock.ts';
import {
  availableOf,
  byCreation,
  newReplicaSetReplicas,
  oldReplicaSetsScaleDown,
  proportionalSizes,
  replicasOf,
  resolveFenceposts,
} from './rollout-math.ts';
import { podTemplateHash, podTemplateHashLabel, sameTemplate } from './template-hash.ts';

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
  private deployments: Informer<Deployment> | undefined;
  private replicaSets: Informer<ReplicaSet> | undefined;
  private pods: Informer<Pod> | undefined;
  private controller: Controller | undefined;

  constructor(options: DeploymentControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  async run(signal: AbortSignal): Promise<void> {
    const { toolkit, client } = this.options;
    const ownerUid = { ownerUid: toolkit.indexers.ownerUid };
    this.deployments = toolkit.createInformer(client.resource<Deployment>('deployments'), {
      clock: this.clock,
    });
    this.replicaSets = toolkit.createInformer(client.resource<ReplicaSet>('replicasets'), {
      clock: this.clock,
      indexers: ownerUid,
    });
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'), {
      clock: this.clock,
      indexers: ownerUid,
    });
    this.controller = toolkit.createController({
      name: component,
      workers: this.options.workers ?? 4,
      reconcile: (key) => this.reconcile(key),
    });
    this.controller.watch(this.deployments);
    this.controller.watch(this.replicaSets, (rs) => this.ownerKeys(rs));
    // Pods matter only to Recreate, which waits for the old ones to be gone.
    this.controller.watch(this.pods, (pod) => {
      const rs = controllerOf(pod);
      const owner = rs && this.replicaSets!.get(`${pod.metadata.namespace}/${rs.name}`);
      const keys = owner ? this.ownerKeys(owner) : [];
      return keys.filter((key) => this.deployments!.get(key)?.spec.strategy?.type === 'Recreate');
    });
    await this.controller.run(signal);
  }

  /** The key of the Deployment that controls a ReplicaSet, if any. */
  private ownerKeys(rs: ReplicaSet): string[] {
    const owner = controllerOf(rs);
    return owner?.kind === 'Deployment' ? [`${rs.metadata.namespace}/${owner.name}`] : [];
  }

  async reconcile(key: string): Promise<void> {
    const deployment = this.deployments?.get(key);
    // Gone, or going: its ReplicaSets are the garbage collector's now.
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    const owned = (this.replicaSets?.byIndex('ownerUid', deployment.metadata.uid!) ?? []).filter(
      (rs) => controllerOf(rs)?.uid === deployment.metadata.uid && !rs.metadata.deletionTimestamp,
    );
    const newRS = owned
      .filter((rs) => sameTemplate(rs.spec.template, deployment.spec.template))
      .sort(byCreation)[0];
    const oldRSs = owned.filter((rs) => rs !== newRS);

    if (deployment.spec.paused || this.isScalingEvent(deployment, owned)) {
      await this.scale(deployment, newRS, oldRSs);
    } else if (deployment.spec.strategy?.type === 'Recreate') {
      await this.rolloutRecreate(deployment, newRS, oldRSs);
    } else {
      await this.rolloutRolling(deployment, newRS, oldRSs);
    }
  }

  /** The Deployment was scaled: some ReplicaSet running pods was sized for other replicas. */
  private isScalingEvent(deployment: Deployment, owned: ReplicaSet[]): boolean {
    const replicas = String(deployment.spec.replicas ?? 1);
    return owned.some(
      (rs) =>
        replicasOf(rs) > 0 &&
        (rs.metadata.annotations?.[desiredReplicasAnnotation] ?? replicas) !== replicas,
    );
  }

  /**
   * Sizes without rolling: the only ReplicaSet running pods (or the new one) to replicas; old ones
   * to zero once the new one is saturated; otherwise each its proportional share.
   */
  private async scale(deployment: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]) {
    const replicas = deployment.spec.replicas ?? 1;
    const all = newRS ? [newRS, ...oldRSs] : oldRSs;
    const active = all.filter((rs) => replicasOf(rs) > 0);
    const sized = new Map<ReplicaSet, number>();
    if (active.length <= 1) {
      const only = active[0] ?? newRS;
      if (only) sized.set(only, replicas);
    } else if (newRS && replicasOf(newRS) === replicas && availableOf(newRS) === replicas) {
      for (const rs of oldRSs) sized.set(rs, 0);
    } else {
      for (const [rs, size] of proportionalSizes(deployment, active)) sized.set(rs, size);
    }
    // Every ReplicaSet running pods is written, changed or not: its annotations then say it was
    // sized for these replicas, which ends the scaling event.
    for (const rs of active) if (!sized.has(rs)) sized.set(rs, replicasOf(rs));
    const scaled = await this.resize(deployment, all, sized);
    const current = scaled.find((rs) => rs.metadata.uid === newRS?.metadata.uid);
    const olds = scaled.filter((rs) => rs.metadata.uid !== newRS?.metadata.uid);
    if (!deployment.spec.paused) await this.cleanUp(deployment, olds);
    await this.writeStatus(deployment, current, olds);
  }

  private async rolloutRolling(
    deployment: Deployment,
    found: ReplicaSet | undefined,
    oldRSs: ReplicaSet[],
  ): Promise<void> {
    const { newRS, created } = await this.newReplicaSet(deployment, found, oldRSs);
    const all = [newRS, ...oldRSs];
    // Scale up, if we can; else scale down, if we can.
    const grown = newReplicaSetReplicas(deployment, all, newRS);
    let step = new Map<ReplicaSet, number>();
    if (grown !== replicasOf(newRS)) step.set(newRS, grown);
    else step = oldReplicaSetsScaleDown(deployment, oldRSs, newRS);
    const scaled = await this.resize(deployment, all, step);
    const [current, ...olds] = scaled;
    if (step.size === 0 && olds.every((rs) => replicasOf(rs) === 0))
      await this.cleanUp(deployment, olds);
    await this.writeStatus(deployment, current, olds, created);
  }

  private async rolloutRecreate(
    deployment: Deployment,
    found: ReplicaSet | undefined,
    oldRSs: ReplicaSet[],
  ): Promise<void> {
    // Everything old goes first, and must be gone: Recreate promises the two never run together.
    const running = oldRSs.filter((rs) => replicasOf(rs) > 0);
    if (running.length > 0) {
      const olds = await this.resize(deployment, oldRSs, new Map(running.map((rs) => [rs, 0])));
      await this.writeStatus(deployment, found, olds);
      return;
    }
    const oldPods = oldRSs.flatMap((rs) => this.pods?.byIndex('ownerUid', rs.metadata.uid!) ?? []);
    if (
      oldPods.some((pod) => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed')
    ) {
      await this.writeStatus(deployment, found, oldRSs);
      return;
    }
    const { newRS, created } = await this.newReplicaSet(deployment, found, oldRSs);
    const replicas = deployment.spec.replicas ?? 1;
    const sizes = new Map<ReplicaSet, number>();
    if (replicasOf(newRS) !== replicas) sizes.set(newRS, replicas);
    const [current] = await this.resize(deployment, [newRS], sizes);
    if (sizes.size === 0) await this.cleanUp(deployment, oldRSs);
    await this.writeStatus(deployment, current, oldRSs, created);
  }

  /**
   * The ReplicaSet for the Deployment's template: the one found, its revision brought up to date
   * (a rollback makes an old template new again), or a new one named after the template's hash.
   */
  private async newReplicaSet(
    deployment: Deployment,
    found: ReplicaSet | undefined,
    oldRSs: ReplicaSet[],
  ): Promise<{ newRS: ReplicaSet; created: boolean }> {
    const namespace = deployment.metadata.namespace;
    const replicaSets = this.options.client.resource<ReplicaSet>('replicasets', namespace);
    const latest = Math.max(0, ...oldRSs.map(revisionOf));
    if (found) {
      let newRS = found;
      if (revisionOf(found) <= latest) {
        const next = structuredClone(found);
        next.metadata.annotations = {
          ...next.metadata.annotations,
          ...copiedAnnotations(deployment),
          [revisionAnnotation]: String(latest + 1),
        };
        newRS = await replicaSets.update(next);
      }
      await this.syncRevisionAnnotation(deployment, newRS);
      return { newRS, created: false };
    }

    const collisionCount = deployment.status?.collisionCount ?? 0;
    const hash = podTemplateHash(deployment.spec.template, collisionCount);
    const template = structuredClone(deployment.spec.template);
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, [podTemplateHashLabel]: hash },
    };
    const selector = structuredClone(deployment.spec.selector);
    selector.matchLabels = { ...selector.matchLabels, [podTemplateHashLabel]: hash };
    const { maxSurge } = resolveFenceposts(deployment);
    const replicas = deployment.spec.replicas ?? 1;
    const wanted: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        namespace,
        labels: template.metadata.labels,
        annotations: {
          ...copiedAnnotations(deployment),
          [revisionAnnotation]: String(latest + 1),
          [desiredReplicasAnnotation]: String(replicas),
          [maxReplicasAnnotation]: String(replicas + maxSurge),
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
        replicas: 0,
        minReadySeconds: deployment.spec.minReadySeconds,
        selector,
        template,
      },
    };
    wanted.spec.replicas = newReplicaSetReplicas(deployment, [...oldRSs], undefined);
    try {
      const newRS = await replicaSets.create(wanted);
      await this.scaled(deployment, newRS, 0, replicasOf(newRS));
      await this.syncRevisionAnnotation(deployment, newRS);
      return { newRS, created: true };
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      // Ours already, and our cache is behind; or another template's: a hash collision. Then count
      // it, so the next try hashes to another name.
      const existing = await replicaSets.get(wanted.metadata.name!);
      if (
        controllerOf(existing)?.uid === deployment.metadata.uid &&
        sameTemplate(existing.spec.template, deployment.spec.template)
      ) {
        return { newRS: existing, created: false };
      }
      await this.options.toolkit.updateWithRetry(
        this.options.client.resource<Deployment>('deployments', namespace),
        deployment.metadata.name!,
        (current) => {
          current.status = { ...current.status, collisionCount: collisionCount + 1 };
        },
        { status: true },
      );
      throw new Error(`replica set ${wanted.metadata.name} exists with another template`);
    }
  }

  /** The Deployment's revision annotation follows its new ReplicaSet's. */
  private async syncRevisionAnnotation(deployment: Deployment, newRS: ReplicaSet): Promise<void> {
    const revision = String(revisionOf(newRS));
    if (deployment.metadata.annotations?.[revisionAnnotation] === revision) return;
    await this.options.client
      .resource<Deployment>('deployments', deployment.metadata.namespace)
      .patch(deployment.metadata.name!, {
        metadata: { annotations: { [revisionAnnotation]: revision } },
      });
  }

  /**
   * Writes each new size (and the annotations saying what it was sized for), with the
   * resourceVersion it was read at. Returns `all` as they are after the writes.
   */
  private async resize(
    deployment: Deployment,
    all: ReplicaSet[],
    sizes: Map<ReplicaSet, number>,
  ): Promise<ReplicaSet[]> {
    const replicas = deployment.spec.replicas ?? 1;
    const { maxSurge } = resolveFenceposts(deployment);
    const replicaSets = this.options.client.resource<ReplicaSet>(
      'replicasets',
      deployment.metadata.namespace,
    );
    return Promise.all(
      all.map(async (rs) => {
        const size = sizes.get(rs);
        const annotations = rs.metadata.annotations ?? {};
        const unchanged =
          size === replicasOf(rs) &&
          annotations[desiredReplicasAnnotation] === String(replicas) &&
          annotations[maxReplicasAnnotation] === String(replicas + maxSurge);
        if (size === undefined || unchanged) return rs;
        const next = structuredClone(rs);
        next.spec.replicas = size;
        next.metadata.annotations = {
          ...next.metadata.annotations,
          [desiredReplicasAnnotation]: String(replicas),
          [maxReplicasAnnotation]: String(replicas + maxSurge),
        };
        const written = await replicaSets.update(next);
        if (size !== replicasOf(rs)) await this.scaled(deployment, rs, replicasOf(rs), size);
        return written;
      }),
    );
  }

  /** The Event `kubectl describe deployment` lists for each size a ReplicaSet is given. */
  private scaled(deployment: Deployment, rs: ReplicaSet, from: number, to: number) {
    return recordEvent(
      this.options.client,
      component,
      deployment,
      {
        type: 'Normal',
        reason: 'ScalingReplicaSet',
        message: `Scaled ${to > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${to}`,
      },
      this.clock,
    );
  }

  /** Deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
  private async cleanUp(deployment: Deployment, oldRSs: ReplicaSet[]): Promise<void> {
    const limit = deployment.spec.revisionHistoryLimit ?? 10;
    const idle = oldRSs
      .filter((rs) => replicasOf(rs) === 0 && (rs.status?.replicas ?? 0) === 0)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    const replicaSets = this.options.client.resource('replicasets', deployment.metadata.namespace);
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      await replicaSets.delete(rs.metadata.name!).catch((error) => {
        if (!isNotFound(error)) throw error;
      });
    }
  }

  /** Status from the ReplicaSets' statuses, with the conditions; written when it changed. */
  private async writeStatus(
    deployment: Deployment,
    newRS: ReplicaSet | undefined,
    oldRSs: ReplicaSet[],
    created = false,
  ): Promise<void> {
    const all = newRS ? [newRS, ...oldRSs] : oldRSs;
    const count = (field: 'replicas' | 'readyReplicas' | 'availableReplicas') =>
      all.reduce((total, rs) => total + (rs.status?.[field] ?? 0), 0);
    const replicas = deployment.spec.replicas ?? 1;
    const wanted = all.reduce((total, rs) => total + replicasOf(rs), 0);
    const before = deployment.status ?? {};
    const status: DeploymentStatus = omitZeros({
      observedGeneration: deployment.metadata.generation,
      replicas: count('replicas'),
      updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: count('readyReplicas'),
      availableReplicas: count('availableReplicas'),
      unavailableReplicas: Math.max(0, wanted - count('availableReplicas')),
      collisionCount: before.collisionCount,
    });
    const now = rfc3339(this.clock.now());
    const conditions = [...(before.conditions ?? [])];
    const set = (condition: NewCondition) => setCondition(conditions, condition, now);

    const { maxUnavailable } = resolveFenceposts(deployment);
    const minimum = (status.availableReplicas ?? 0) >= replicas - maxUnavailable;
    set(
      minimum
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
          },
    );

    const deadlineMs = (deployment.spec.progressDeadlineSeconds ?? 600) * 1000;
    const current = conditions.find((c) => c.type === 'Progressing');
    const progress = progressingCondition(deployment, {
      before,
      after: status,
      current,
      newRS: newRS?.metadata.name,
      created,
      deadlinePassed: Date.parse(current?.lastUpdateTime ?? now) + deadlineMs <= this.clock.now(),
    });
    if (progress) set(progress);
    // A rollout under way is looked at again when its deadline would pass (timestamps are whole
    // seconds, hence the extra second).
    const after = conditions.find((c) => c.type === 'Progressing');
    if (
      after &&
      after.status !== 'False' &&
      after.reason !== reasons.complete &&
      after.reason !== reasons.paused
    ) {
      const due = Date.parse(after.lastUpdateTime ?? now) + deadlineMs - this.clock.now();
      this.controller?.queue.addAfter(
        this.options.toolkit.keyOf(deployment),
        Math.max(1, due + 1000),
      );
    }

    status.conditions = conditions;
    if (JSON.stringify(before) === JSON.stringify(status)) return;
    await this.options.toolkit
      .updateWithRetry(
        this.options.client.resource<Deployment>('deployments', deployment.metadata.namespace),
        deployment.metadata.name!,
        (current) => {
          // Computed from the cache: if the status has moved on since, this one is stale and is
          // dropped (the newer status's event brings the key back), never written over it.
          if (JSON.stringify(current.status ?? {}) !== JSON.stringify(before)) return false;
          current.status = status;
        },
        { status: true },
      )
      .catch((error) => {
        if (!isNotFound(error)) throw error;
      });
  }
}

/** Progress, as the deadline counts it: more pods updated, ready or available, or fewer old ones. */
function madeProgress(before: DeploymentStatus, after: DeploymentStatus): boolean {
  const more = (field: 'updatedReplicas' | 'readyReplicas' | 'availableReplicas') =>
    (after[field] ?? 0) > (before[field] ?? 0);
  return (
    more('updatedReplicas') ||
    more('readyReplicas') ||
    more('availableReplicas') ||
    (after.replicas ?? 0) < (before.replicas ?? 0)
  );
}

/**
 * The Progressing condition the rollout calls for now, checked in Kubernetes' order; undefined
 * leaves the condition as it is.
 */
function progressingCondition(
  deployment: Deployment,
  state: {
    before: DeploymentStatus;
    after: DeploymentStatus;
    current: DeploymentCondition | undefined;
    newRS: string | undefined;
    created: boolean;
    /** No progress for progressDeadlineSeconds since the condition's lastUpdateTime. */
    deadlinePassed: boolean;
  },
): NewCondition | undefined {
  const { current, after, newRS } = state;
  const progressing = (
    status: NewCondition['status'],
    reason: string,
    message: string,
  ): NewCondition => ({ type: 'Progressing', status, reason, message });
  if (deployment.spec.paused)
    return current?.reason === reasons.paused
      ? undefined
      : progressing('Unknown', reasons.paused, 'Deployment is paused');
  if (current?.reason === reasons.paused)
    return progressing('Unknown', reasons.resumed, 'Deployment is resumed');
  // Done, and nothing new since: the condition stays as it is.
  if (
    current?.reason === reasons.complete &&
    after.replicas === after.updatedReplicas &&
    !state.created
  )
    return undefined;
  if (rolloutComplete(deployment, after))
    return progressing(
      'True',
      reasons.complete,
      `ReplicaSet "${newRS}" has successfully progressed.`,
    );
  if (state.created)
    return progressing('True', reasons.created, `Created new replica set "${newRS}"`);
  if (madeProgress(state.before, after))
    return progressing('True', reasons.updated, `ReplicaSet "${newRS}" is progressing.`);
  // A deadline counts from the last progress of this rollout: never from a finished rollout's
  // NewReplicaSetAvailable (its time is the last rollout's), and a timeout is said once.
  if (
    current &&
    current.reason !== reasons.timedOut &&
    current.reason !== reasons.complete &&
    state.deadlinePassed
  )
    return progressing(
      'False',
      reasons.timedOut,
      `ReplicaSet "${newRS}" has timed out progressing.`,
    );
  if (!current && newRS)
    return progressing('True', reasons.found, `Found new replica set "${newRS}"`);
  return undefined;
}

/** The Deployment's annotations a new ReplicaSet carries too (change-cause, say): not ours. */
function copiedAnnotations(deployment: Deployment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(deployment.metadata.annotations ?? {}).filter(
      ([key]) => !rolloutAnnotations.includes(key),
    ),
  );
}

/** DeploymentStatus's counters are omitted when zero, as Kubernetes writes them. */
function omitZeros(status: DeploymentStatus): DeploymentStatus {
  return Object.fromEntries(
    Object.entries(status).filter(([, value]) => value !== 0 && value !== undefined),
  ) as DeploymentStatus;
}

export function createDeploymentController(
  options: DeploymentControllerOptions,
): DeploymentController {
  return new DeploymentController(options);
}
