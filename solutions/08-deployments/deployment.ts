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
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;
  private readonly controller: Controller;

  constructor(options: DeploymentControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    const { toolkit, client } = options;
    const informed = { clock: this.clock, indexers: { ownerUid: toolkit.indexers.ownerUid } };
    this.deployments = toolkit.createInformer(client.resource<Deployment>('deployments'), informed);
    this.replicaSets = toolkit.createInformer(client.resource<ReplicaSet>('replicasets'), informed);
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'), informed);
    this.controller = toolkit.createController({
      name: component,
      workers: options.workers ?? 4,
      reconcile: (key) => this.reconcile(key),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    this.controller.watch(this.deployments);
    this.controller.watch(this.replicaSets, (rs) => this.ownerKeys(rs));
    this.controller.watch(this.pods, (pod) => this.recreateKeys(pod));
    await this.controller.run(signal);
  }

  /** The key of the Deployment that controls a ReplicaSet, if any. */
  private ownerKeys(rs: ReplicaSet): string[] {
    const owner = controllerOf(rs);
    return owner?.kind === 'Deployment' ? [`${rs.metadata.namespace}/${owner.name}`] : [];
  }

  /** A pod's Deployment, through its ReplicaSet: only a Recreate one waits for pods to go. */
  private recreateKeys(pod: Pod): string[] {
    const rs = controllerOf(pod);
    const owner = rs && this.replicaSets.get(`${pod.metadata.namespace}/${rs.name}`);
    const keys = owner ? this.ownerKeys(owner) : [];
    return keys.filter((key) => this.deployments.get(key)?.spec.strategy?.type === 'Recreate');
  }

  async reconcile(key: string): Promise<void> {
    const deployment = this.deployments.get(key);
    // Gone, or going: its ReplicaSets are the garbage collector's now.
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    const owned = this.replicaSets.byIndex('ownerUid', deployment.metadata.uid!);
    const split = newAndOldReplicaSets(deployment, owned);
    if (deployment.spec.paused || isScalingEvent(deployment, owned)) {
      await this.scale(deployment, split);
    } else if (deployment.spec.strategy?.type === 'Recreate') {
      await this.rolloutRecreate(deployment, split);
    } else {
      await this.rolloutRolling(deployment, split);
    }
  }

  /** One step of a rolling update: the new ReplicaSet up if it may grow, else old ones down. */
  private async rolloutRolling(deployment: Deployment, split: NewAndOld): Promise<void> {
    const { newRS, created } = await this.newReplicaSet(deployment, split);
    const { oldRSs } = split;
    const all = [newRS, ...oldRSs];
    const grown = newReplicaSetReplicas(deployment, all, newRS);
    const step =
      grown !== replicasOf(newRS)
        ? new Map([[newRS, grown]])
        : oldReplicaSetsScaleDown(deployment, oldRSs, newRS);
    const [current, ...olds] = await this.resize(deployment, all, step);
    // Nothing left to move and no old pod wanted: the rollout is done, the history may shrink.
    if (step.size === 0 && olds.every((rs) => replicasOf(rs) === 0))
      await this.cleanUp(deployment, olds);
    await this.writeStatus(deployment, current, olds, created);
  }

  /**
   * The ReplicaSet for the Deployment's template: the one found, its revision brought up to date
   * (a rollback makes an old template new again), or a new one created.
   */
  private async newReplicaSet(deployment: Deployment, split: NewAndOld): Promise<NewReplicaSet> {
    const { newRS: found, oldRSs } = split;
    const replicaSets = this.options.client.resource<ReplicaSet>(
      'replicasets',
      deployment.metadata.namespace,
    );
    if (found) {
      const revised = withNextRevision(deployment, found, oldRSs);
      const newRS = revised ? await replicaSets.update(revised) : found;
      await this.syncRevisionAnnotation(deployment, newRS);
      return { newRS, created: false };
    }
    const wanted = newReplicaSetFor(deployment, oldRSs);
    let newRS: ReplicaSet;
    try {
      newRS = await replicaSets.create(wanted);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      return { newRS: await this.nameTaken(deployment, wanted), created: false };
    }
    if (replicasOf(newRS) > 0) await this.scaled(deployment, newRS, 0, replicasOf(newRS));
    await this.syncRevisionAnnotation(deployment, newRS);
    return { newRS, created: true };
  }

  /**
   * The new ReplicaSet's name is taken. By ours, and our cache is behind: that one. By another
   * template's ReplicaSet, a hash collision: status.collisionCount counts up, so the next try
   * hashes to another name, and this try fails.
   */
  private async nameTaken(deployment: Deployment, wanted: ReplicaSet): Promise<ReplicaSet> {
    const namespace = deployment.metadata.namespace;
    const existing = await this.options.client
      .resource<ReplicaSet>('replicasets', namespace)
      .get(wanted.metadata.name!);
    if (
      controllerOf(existing)?.uid === deployment.metadata.uid &&
      sameTemplate(existing.spec.template, deployment.spec.template)
    )
      return existing;
    const collisionCount = (deployment.status?.collisionCount ?? 0) + 1;
    await this.options.toolkit.updateWithRetry(
      this.options.client.resource<Deployment>('deployments', namespace),
      deployment.metadata.name!,
      (current) => {
        current.status = { ...current.status, collisionCount };
      },
      { status: true },
    );
    throw new Error(`replica set ${wanted.metadata.name} exists with another template`);
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
   * Writes each ReplicaSet given a size (sizedReplicaSet), with the resourceVersion it was read
   * at. Returns `all` as they are after the writes.
   */
  private async resize(
    deployment: Deployment,
    all: ReplicaSet[],
    sizes: Map<ReplicaSet, number>,
  ): Promise<ReplicaSet[]> {
    const replicaSets = this.options.client.resource<ReplicaSet>(
      'replicasets',
      deployment.metadata.namespace,
    );
    return Promise.all(
      all.map(async (rs) => {
        const size = sizes.get(rs);
        const next = size === undefined ? undefined : sizedReplicaSet(deployment, rs, size);
        if (!next) return rs;
        const written = await replicaSets.update(next);
        if (size !== replicasOf(rs)) await this.scaled(deployment, rs, replicasOf(rs), size!);
        return written;
      }),
    );
  }

  /** The Event `kubectl describe deployment` lists for each size a ReplicaSet is given. */
  private scaled(deployment: Deployment, rs: ReplicaSet, from: number, to: number): Promise<void> {
    const direction = to > from ? 'up' : 'down';
    const message = `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${to}`;
    const note = { type: 'Normal' as const, reason: 'ScalingReplicaSet', message };
    return recordEvent(this.options.client, component, deployment, note, this.clock);
  }

  /** Deletes the old ReplicaSets the history no longer keeps. */
  private async cleanUp(deployment: Deployment, oldRSs: ReplicaSet[]): Promise<void> {
    const replicaSets = this.options.client.resource('replicasets', deployment.metadata.namespace);
    for (const rs of historyToDelete(deployment, oldRSs)) {
      await replicaSets.delete(rs.metadata.name!).catch((error) => {
        if (!isNotFound(error)) throw error;
      });
    }
  }

  /**
   * Status from the ReplicaSets (nextStatus), written when it changed and only over the status it
   * was computed from; a rollout under way is looked at again when its deadline would pass.
   */
  private async writeStatus(
    deployment: Deployment,
    newRS: ReplicaSet | undefined,
    oldRSs: ReplicaSet[],
    created = false,
  ): Promise<void> {
    const now = this.clock.now();
    const status = nextStatus(deployment, newRS, oldRSs, { created, now });
    const delay = progressCheckDelay(deployment, status, now);
    if (delay !== undefined)
      this.controller.queue.addAfter(this.options.toolkit.keyOf(deployment), delay);
    const before = JSON.stringify(deployment.status ?? {});
    if (before === JSON.stringify(status)) return;
    await this.options.toolkit
      .updateWithRetry(
        this.options.client.resource<Deployment>('deployments', deployment.metadata.namespace),
        deployment.metadata.name!,
        (current) => {
          // Computed from the cache: if the status has moved on since, this one is stale and is
          // dropped (the newer status's event brings the key back), never written over it.
          if (JSON.stringify(current.status ?? {}) !== before) return false;
          current.status = status;
        },
        { status: true },
      )
      .catch((error) => {
        if (!isNotFound(error)) throw error;
      });
  }

  /**
   * Recreate: old ReplicaSets to 0 first, then nothing until every pod of theirs is gone (or
   * finished), and only then the new ReplicaSet, at once to replicas.
   */
  private async rolloutRecreate(deployment: Deployment, split: NewAndOld): Promise<void> {
    const { newRS: found, oldRSs } = split;
    const running = oldRSs.filter((rs) => replicasOf(rs) > 0);
    if (running.length > 0) {
      const olds = await this.resize(deployment, oldRSs, new Map(running.map((rs) => [rs, 0])));
      return this.writeStatus(deployment, found, olds);
    }
    const oldPods = oldRSs.flatMap((rs) => this.pods.byIndex('ownerUid', rs.metadata.uid!));
    const finished = (pod: Pod) => ['Succeeded', 'Failed'].includes(pod.status?.phase ?? '');
    if (!oldPods.every(finished)) return this.writeStatus(deployment, found, oldRSs);
    const { newRS, created } = await this.newReplicaSet(deployment, split);
    const replicas = deployment.spec.replicas ?? 1;
    const [current] = await this.resize(deployment, [newRS], new Map([[newRS, replicas]]));
    if (replicasOf(newRS) === replicas) await this.cleanUp(deployment, oldRSs);
    await this.writeStatus(deployment, current, oldRSs, created);
  }

  /** Paused or scaled: every ReplicaSet sized by scalingSizes, no rollout step, then status. */
  private async scale(deployment: Deployment, split: NewAndOld): Promise<void> {
    const { newRS, oldRSs } = split;
    const all = newRS ? [newRS, ...oldRSs] : oldRSs;
    const scaled = await this.resize(deployment, all, scalingSizes(deployment, newRS, oldRSs));
    const current = scaled.find((rs) => rs.metadata.uid === newRS?.metadata.uid);
    const olds = scaled.filter((rs) => rs !== current);
    if (!deployment.spec.paused) await this.cleanUp(deployment, olds);
    await this.writeStatus(deployment, current, olds);
  }
}

export function createDeploymentController(
  options: DeploymentControllerOptions,
): DeploymentController {
  return new DeploymentController(options);
}
