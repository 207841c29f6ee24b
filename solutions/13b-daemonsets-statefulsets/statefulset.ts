// The StatefulSet controller: pods web-0 .. web-(N-1), each with its identity and its claims,
// made and removed in order. A chapter 04 controller over StatefulSets, their pods and their
// ControllerRevisions.
//
// reconcile(key), one step toward the spec:
//   1. the revisions: updateRevision is today's template's; currentRevision the one the pods had
//      before the update began (kept in status until every pod is updated);
//   2. plan (below): with OrderedReady, one pod at a time, each waiting for the one before it to
//      be Running and ready; extra pods removed highest ordinal first; then the rolling update,
//      highest ordinal first, down to the partition. With Parallel, no waiting for each other;
//   3. a pod is created after its claims; a finished pod is deleted to be made again;
//   4. status: replicas, ready, current, updated, available, and the two revisions.
// Pods have fixed names, so creating one twice fails with AlreadyExists: no expectations needed.
import type {
  ControllerRevision,
  PersistentVolumeClaim,
  Pod,
  StatefulSet,
  StatefulSetStatus,
} from '../../harness/api/types.ts';
import { controllerOf } from '../../harness/api/owners.ts';
import { isAlreadyExists, isNotFound } from '../../harness/client/errors.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { syncCurrentRevision, templateOf } from './controller-revisions.ts';
import { revisionHashLabel } from './daemon-pods.ts';
import { claimsFor, ordinalOf, ownerReferenceToSet, statefulPod } from './stateful-pods.ts';

/** Running, with its Ready condition True, and not being deleted. */
export function isRunningAndReady(pod: Pod): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    (pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false)
  );
}

/** A pod that finished (Succeeded or Failed): a StatefulSet's pod must run, so it is made again. */
export function hasFinished(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** What one pass does: create the pods of these ordinals, delete these pods. */
export interface SetPlan {
  create: number[];
  delete: Pod[];
}

/** The revision a pod is of: its controller-revision-hash label (a revision's name). */
const revisionOf = (pod: Pod) => pod.metadata.labels?.[revisionHashLabel];

/**
 * Bringing up ordinals 0 .. replicas-1: a missing pod is created, a finished one deleted. With
 * OrderedReady the walk stops at the first pod that is missing, finished, being deleted or not yet
 * Running and ready: the next pod waits for it. Answers the plan, and whether the walk stopped.
 */
export function scaleUp(
  set: StatefulSet,
  byOrdinal: Map<number, Pod>,
): SetPlan & { waiting: boolean } {
  const plan = { create: [] as number[], delete: [] as Pod[], waiting: false };
  const ordered = (set.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
  for (let ordinal = 0; ordinal < (set.spec.replicas ?? 1); ordinal++) {
    const pod = byOrdinal.get(ordinal);
    if (!pod) plan.create.push(ordinal);
    else if (hasFinished(pod) && !pod.metadata.deletionTimestamp) plan.delete.push(pod);
    if (ordered && (!pod || !isRunningAndReady(pod))) {
      plan.waiting = true;
      return plan;
    }
  }
  return plan;
}

/**
 * Removing the ordinals at and above replicas, highest first. OrderedReady removes one at a time,
 * and only while no pod is being deleted; Parallel removes them all at once.
 */
export function scaleDown(set: StatefulSet, byOrdinal: Map<number, Pod>): Pod[] {
  const replicas = set.spec.replicas ?? 1;
  const condemned = [...byOrdinal]
    .filter(([ordinal]) => ordinal >= replicas)
    .sort(([a], [b]) => b - a)
    .map(([, pod]) => pod);
  if ((set.spec.podManagementPolicy ?? 'OrderedReady') === 'Parallel') {
    return condemned.filter((pod) => !pod.metadata.deletionTimestamp);
  }
  if ([...byOrdinal.values()].some((pod) => pod.metadata.deletionTimestamp)) return [];
  return condemned.slice(0, 1);
}

/**
 * The rolling update's next step: from the highest ordinal down to the partition, the first pod
 * not of `updateRevision` is deleted (it comes back of the new revision), one at a time, and only
 * while every pod is Running and ready.
 */
export function rollingUpdateStep(
  set: StatefulSet,
  byOrdinal: Map<number, Pod>,
  updateRevision: string,
): Pod[] {
  if (set.spec.updateStrategy?.type === 'OnDelete') return [];
  const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (![...byOrdinal.values()].every(isRunningAndReady)) return [];
  for (let ordinal = (set.spec.replicas ?? 1) - 1; ordinal >= partition; ordinal--) {
    const pod = byOrdinal.get(ordinal);
    if (pod && revisionOf(pod) !== updateRevision) return [pod];
  }
  return [];
}

/** The whole pass: scale up; then (unless OrderedReady is waiting) scale down; then the update. */
export function planStatefulSet(set: StatefulSet, pods: Pod[], updateRevision: string): SetPlan {
  const byOrdinal = new Map<number, Pod>();
  for (const pod of pods) {
    const ordinal = ordinalOf(set, pod);
    if (ordinal >= 0) byOrdinal.set(ordinal, pod);
  }
  const up = scaleUp(set, byOrdinal);
  if (up.waiting) return { create: up.create, delete: up.delete };
  const down = scaleDown(set, byOrdinal);
  const ordered = (set.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
  if (ordered && down.length > 0) return { create: up.create, delete: down };
  const update =
    down.length > 0 || up.create.length > 0
      ? []
      : rollingUpdateStep(set, byOrdinal, updateRevision);
  return { create: up.create, delete: [...up.delete, ...down, ...update] };
}

/**
 * The status the pods give the set: the counts, and the revisions. currentRevision moves to
 * updateRevision once every pod is of it.
 */
export function statefulSetStatus(
  set: StatefulSet,
  pods: Pod[],
  currentRevision: string,
  updateRevision: string,
): StatefulSetStatus {
  const active = pods.filter((pod) => !pod.metadata.deletionTimestamp);
  const updated = active.filter((pod) => revisionOf(pod) === updateRevision).length;
  const done = updated === (set.spec.replicas ?? 1) && updated === active.length;
  const current = done ? updateRevision : currentRevision;
  return {
    observedGeneration: set.metadata.generation,
    replicas: active.length,
    readyReplicas: active.filter(isRunningAndReady).length,
    currentReplicas: active.filter((pod) => revisionOf(pod) === current).length,
    updatedReplicas: updated,
    availableReplicas: active.filter(isRunningAndReady).length,
    currentRevision: current,
    updateRevision,
  };
}

export interface StatefulSetControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
  workers?: number;
}

export class StatefulSetController {
  private readonly options: StatefulSetControllerOptions;
  private readonly sets: Informer<StatefulSet>;
  private readonly pods: Informer<Pod>;
  private readonly revisions: Informer<ControllerRevision>;

  constructor(options: StatefulSetControllerOptions) {
    this.options = options;
    const { toolkit, client } = options;
    const clock = options.clock ?? systemClock;
    const byOwner = { indexers: { ownerUid: toolkit.indexers.ownerUid }, clock };
    this.sets = toolkit.createInformer(client.resource<StatefulSet>('statefulsets'), { clock });
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'), byOwner);
    this.revisions = toolkit.createInformer(
      client.resource<ControllerRevision>('controllerrevisions'),
      byOwner,
    );
  }

  async run(signal: AbortSignal): Promise<void> {
    const controller = this.options.toolkit.createController({
      name: 'statefulset-controller',
      workers: this.options.workers ?? 2,
      reconcile: (key) => this.reconcile(key),
    });
    const ownerKey = (object: Pod | ControllerRevision) => {
      const owner = controllerOf(object);
      return owner?.kind === 'StatefulSet' ? [`${object.metadata.namespace}/${owner.name}`] : [];
    };
    controller.watch(this.sets);
    controller.watch(this.pods, ownerKey);
    controller.watch(this.revisions, ownerKey);
    await controller.run(signal);
  }

  async reconcile(key: string): Promise<void> {
    const set = this.sets.get(key);
    if (!set || set.metadata.deletionTimestamp) return;
    const revisions = this.revisions.byIndex('ownerUid', set.metadata.uid!);
    const update = await syncCurrentRevision(
      this.options.client,
      set,
      ownerReferenceToSet(set),
      revisions,
    );
    const currentName = set.status?.currentRevision ?? update.metadata.name!;
    const current = revisions.find((r) => r.metadata.name === currentName) ?? update;
    const pods = this.pods.byIndex('ownerUid', set.metadata.uid!);
    const plan = planStatefulSet(set, pods, update.metadata.name!);
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    const rolling = (set.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    for (const ordinal of plan.create) {
      const revision = rolling && ordinal < partition ? current : update;
      await this.createPod(set, revision, ordinal);
    }
    const api = this.options.client.resource<Pod>('pods', set.metadata.namespace);
    for (const pod of plan.delete) await api.delete(pod.metadata.name!).catch(ignoreNotFound);
    await this.writeStatus(
      set,
      statefulSetStatus(set, pods, current.metadata.name!, update.metadata.name!),
    );
  }

  /** Creates the pod's claims that are missing, then the pod, of `revision`'s template. */
  async createPod(set: StatefulSet, revision: ControllerRevision, ordinal: number): Promise<void> {
    const { client } = this.options;
    const claims = client.resource<PersistentVolumeClaim>(
      'persistentvolumeclaims',
      set.metadata.namespace,
    );
    for (const claim of claimsFor(set, ordinal)) {
      await claims.create(claim).catch(ignoreAlreadyExists);
    }
    const pod = statefulPod(set, templateOf(revision), revision.metadata.name!, ordinal);
    await client
      .resource<Pod>('pods', set.metadata.namespace)
      .create(pod)
      .catch(ignoreAlreadyExists);
  }

  /** Writes the status, unless every field is already so. */
  async writeStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    const before: Partial<StatefulSetStatus> = set.status ?? {};
    const same = Object.entries(status).every(
      ([field, value]) => before[field as keyof StatefulSetStatus] === value,
    );
    if (same) return;
    await this.options.toolkit
      .updateWithRetry(
        this.options.client.resource<StatefulSet>('statefulsets', set.metadata.namespace),
        set.metadata.name!,
        (latest) => {
          latest.status = { ...latest.status, ...status };
        },
        { status: true },
      )
      .catch(ignoreNotFound);
  }
}

function ignoreNotFound(error: unknown): undefined {
  if (isNotFound(error)) return undefined;
  throw error;
}

function ignoreAlreadyExists(error: unknown): undefined {
  if (isAlreadyExists(error)) return undefined;
  throw error;
}

export function createStatefulSetController(
  options: StatefulSetControllerOptions,
): StatefulSetController {
  return new StatefulSetController(options);
}
