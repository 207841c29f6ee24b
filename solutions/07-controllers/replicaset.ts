// The ReplicaSet controller: keeps `spec.replicas` pods matching the selector running, whatever
// happens to them. It is a chapter 04 controller over ReplicaSets and pods; a pod's events are
// mapped to its owner's key, so a pod that dies wakes its ReplicaSet.
//
// reconcile(key), one step toward the spec:
//   1. the pods it owns: those whose controller ownerReference is this ReplicaSet; orphans that
//      match the selector are adopted (an ownerReference added), owned pods that no longer match
//      are released (theirs removed);
//   2. too few: create from the template, in batches of 1, 2, 4, ... (a broken template fails
//      once, not five hundred times), noting expectations first;
//   3. too many: delete the least valuable first (unscheduled, then pending, not ready, newest);
//   4. status: replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration.
import type {
  LabelSelector,
  ObjectMeta,
  OwnerReference,
  Pod,
  ReplicaSet,
  ReplicaSetStatus,
  ReplicationController,
} from '../../harness/api/types.ts';
import { isNotFound } from '../../harness/client/errors.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { Expectations } from './expectations.ts';
import { matchesSelector } from './label-selector.ts';

export interface ReplicaSetControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** Which kind this controller keeps: ReplicaSets (apps/v1), or core v1's ReplicationControllers. */
  kind?: 'ReplicaSet' | 'ReplicationController';
  clock?: TimerClock;
  /** The most pods created or deleted in one reconcile. 500, like kube-controller-manager. */
  burstReplicas?: number;
  workers?: number;
}

/** Whether a pod still counts: not being deleted, and not finished. */
export function isActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

export function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** The ownerReference that makes `pod` a ReplicaSet's, if any. */
export function controllerOf(object: { metadata: ObjectMeta }): OwnerReference | undefined {
  return object.metadata.ownerReferences?.find((owner) => owner.controller);
}

/**
 * The order in which surplus pods are deleted, as Kubernetes ranks them: first the pods that cost
 * least to lose. Unscheduled before scheduled; Pending before Unknown before Running; not ready
 * before ready; more restarts before fewer; newer before older.
 */
export function deletionOrder(a: Pod, b: Pod): number {
  const scheduled = (pod: Pod) => (pod.spec.nodeName ? 1 : 0);
  const phase = (pod: Pod) =>
    ({ Pending: 0, Unknown: 1, Running: 2 })[pod.status?.phase as string] ?? 0;
  const restarts = (pod: Pod) =>
    (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + c.restartCount, 0);
  const created = (pod: Pod) => Date.parse(pod.metadata.creationTimestamp ?? '') || 0;
  return (
    scheduled(a) - scheduled(b) ||
    phase(a) - phase(b) ||
    Number(isReady(a)) - Number(isReady(b)) ||
    restarts(b) - restarts(a) ||
    created(b) - created(a)
  );
}

/**
 * A ReplicaSet's selector; a ReplicationController's is a plain key=value map (or, when it has
 * none, its template's labels), which is the same as matchLabels.
 */
export function selectorOf(rs: ReplicaSet | ReplicationController): LabelSelector {
  if (rs.kind !== 'ReplicationController') return (rs as ReplicaSet).spec.selector;
  const selector = (rs as ReplicationController).spec.selector;
  return { matchLabels: selector ?? rs.spec.template.metadata?.labels ?? {} };
}

/** The controller ownerReference a ReplicaSet (or ReplicationController) puts on its pods. */
export function ownerReferenceTo(rs: ReplicaSet | ReplicationController): OwnerReference {
  return {
    apiVersion: rs.apiVersion ?? 'apps/v1',
    kind: rs.kind ?? 'ReplicaSet',
    name: rs.metadata.name!,
    uid: rs.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** A new pod from the template: generateName "<rs>-", the template's labels, owned by the rs. */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const template = structuredClone(rs.spec.template);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...template.metadata,
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      ownerReferences: [ownerReferenceTo(rs)],
    },
    spec: template.spec,
  };
}

/** The sizes of the batches in which `count` pods are created: 1, 2, 4, ..., the last one what is left. */
export function slowStartBatches(count: number): number[] {
  const batches: number[] = [];
  for (let size = 1, left = count; left > 0; left -= size, size *= 2) {
    batches.push(Math.min(size, left));
  }
  return batches;
}

/** Whether a pod has been ready for at least `minReadySeconds` at `now` (its Ready condition's lastTransitionTime). */
export function isAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const since = pod.status?.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime;
  return since !== undefined && now - Date.parse(since) >= minReadySeconds * 1000;
}

/** The status a ReplicaSet's active pods give it, at `now`. */
export function replicaSetStatus(
  rs: ReplicaSet | ReplicationController,
  pods: Pod[],
  now: number,
): ReplicaSetStatus {
  const templateLabels = Object.entries(rs.spec.template.metadata?.labels ?? {});
  return {
    replicas: pods.length,
    fullyLabeledReplicas: pods.filter((pod) =>
      templateLabels.every(([key, value]) => pod.metadata.labels?.[key] === value),
    ).length,
    readyReplicas: pods.filter(isReady).length,
    availableReplicas: pods.filter((pod) => isAvailable(pod, rs.spec.minReadySeconds ?? 0, now))
      .length,
    observedGeneration: rs.metadata.generation,
  };
}

/** What claiming does with one pod of a ReplicaSet's namespace. */
export type ClaimAction = 'keep' | 'adopt' | 'release' | 'ignore';

/**
 * Keep a pod it controls that still matches; release one it controls that no longer matches;
 * adopt an active orphan that matches (unless the ReplicaSet is being deleted); ignore the rest.
 */
export function claimAction(rs: ReplicaSet | ReplicationController, pod: Pod): ClaimAction {
  const owner = controllerOf(pod);
  const matches = matchesSelector(selectorOf(rs), pod.metadata.labels);
  if (owner?.uid === rs.metadata.uid) return matches ? 'keep' : 'release';
  if (!owner && matches && isActive(pod) && !rs.metadata.deletionTimestamp) return 'adopt';
  return 'ignore';
}

/**
 * The keys ("namespace/name") of the ReplicaSets a pod's change concerns: its controller's, when
 * that is of `kind`; none, when another kind controls it; for an orphan, every one of
 * `replicaSets` in its namespace whose selector matches it.
 */
export function replicaSetKeysFor(
  pod: Pod,
  replicaSets: Array<ReplicaSet | ReplicationController>,
  kind: 'ReplicaSet' | 'ReplicationController',
): string[] {
  const owner = controllerOf(pod);
  if (owner) return owner.kind === kind ? [`${pod.metadata.namespace}/${owner.name}`] : [];
  return replicaSets
    .filter((rs) => rs.metadata.namespace === pod.metadata.namespace)
    .filter((rs) => matchesSelector(selectorOf(rs), pod.metadata.labels))
    .map((rs) => `${rs.metadata.namespace}/${rs.metadata.name}`);
}

export class ReplicaSetController {
  private readonly options: ReplicaSetControllerOptions;
  private readonly clock: TimerClock;
  readonly expectations: Expectations;
  private readonly kind: 'ReplicaSet' | 'ReplicationController';
  /** Where objects of that kind live: replicasets or replicationcontrollers. */
  private readonly resource: string;
  private readonly replicaSets: Informer<ReplicaSet>;
  private readonly pods: Informer<Pod>;

  constructor(options: ReplicaSetControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.expectations = new Expectations(this.clock);
    this.kind = options.kind ?? 'ReplicaSet';
    this.resource = this.kind === 'ReplicaSet' ? 'replicasets' : 'replicationcontrollers';
    const { toolkit, client } = options;
    this.replicaSets = toolkit.createInformer(client.resource<ReplicaSet>(this.resource), {
      clock: this.clock,
    });
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'), {
      clock: this.clock,
      indexers: { ownerUid: toolkit.indexers.ownerUid },
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    const { toolkit } = this.options;
    const { replicaSets, pods } = this;
    const controller = toolkit.createController({
      name: `${this.kind.toLowerCase()}-controller`,
      workers: this.options.workers ?? 4,
      reconcile: (key) => this.reconcile(key),
    });
    // Expectations are lowered as the informer shows what was asked for (its controller's key:
    // an orphan has none).
    pods.addEventHandlers({
      add: (pod) => {
        for (const key of replicaSetKeysFor(pod, [], this.kind)) {
          this.expectations.creationObserved(key);
        }
      },
      delete: (pod) => {
        for (const key of replicaSetKeysFor(pod, [], this.kind)) {
          this.expectations.deletionObserved(key, pod.metadata.uid!);
        }
      },
    });
    controller.watch(replicaSets);
    controller.watch(pods, (pod) =>
      replicaSetKeysFor(
        pod,
        replicaSets.byIndex('namespace', pod.metadata.namespace ?? ''),
        this.kind,
      ),
    );
    await controller.run(signal);
  }

  async reconcile(key: string): Promise<void> {
    const rs = this.replicaSets.get(key);
    if (!rs) {
      this.expectations.forget(key);
      return;
    }
    // Being deleted: its pods are the garbage collector's business now (deleted or orphaned).
    if (!this.expectations.satisfied(key) || rs.metadata.deletionTimestamp) return;
    const inNamespace = this.pods.byIndex('namespace', rs.metadata.namespace ?? '');
    const active = (await this.claimPods(rs, inNamespace)).filter(isActive);
    const wanted = rs.spec.replicas ?? 1;
    const burst = this.options.burstReplicas ?? 500;
    if (active.length < wanted) {
      await this.createPods(rs, key, Math.min(wanted - active.length, burst));
    } else if (active.length > wanted) {
      const victims = [...active].sort(deletionOrder).slice(0, active.length - wanted);
      await this.deletePods(rs, key, victims.slice(0, burst));
    }
    await this.writeStatus(rs, active);
  }

  /**
   * The pods this ReplicaSet controls, out of `candidates` (the pods of its namespace), after
   * adopting matching orphans and releasing strays.
   */
  async claimPods(rs: ReplicaSet, candidates: Pod[]): Promise<Pod[]> {
    const pods = this.options.client.resource<Pod>('pods', rs.metadata.namespace);
    const claimed: Pod[] = [];
    for (const pod of candidates) {
      const action = claimAction(rs, pod);
      if (action === 'keep') claimed.push(pod);
      if (action === 'release') {
        // It no longer matches: let it go (it keeps running, an orphan).
        const ownerReferences = (pod.metadata.ownerReferences ?? []).filter(
          (reference) => reference.uid !== rs.metadata.uid,
        );
        await pods
          .patch(pod.metadata.name!, { metadata: { ownerReferences } })
          .catch(ignoreNotFound);
      }
      if (action === 'adopt') {
        // A merge patch that names the pod's uid: if the pod was replaced meanwhile, it fails.
        const ownerReferences = [...(pod.metadata.ownerReferences ?? []), ownerReferenceTo(rs)];
        const adopted = await pods
          .patch(pod.metadata.name!, { metadata: { uid: pod.metadata.uid, ownerReferences } })
          .catch(ignoreNotFound);
        if (adopted) claimed.push(adopted);
      }
    }
    return claimed;
  }

  /** Creates `count` pods from the template, in batches that double while they succeed. */
  async createPods(rs: ReplicaSet, key: string, count: number): Promise<void> {
    const pods = this.options.client.resource<Pod>('pods', rs.metadata.namespace);
    this.expectations.expectCreations(key, count);
    let remaining = count;
    for (const size of slowStartBatches(count)) {
      remaining -= size;
      const results = await Promise.allSettled(
        Array.from({ length: size }, () => pods.create(podFromTemplate(rs))),
      );
      const failed = results.filter((result) => result.status === 'rejected');
      if (failed.length > 0) {
        // What was not created will not be observed: stop expecting it, and retry later.
        for (let n = 0; n < failed.length + remaining; n++) this.expectations.creationObserved(key);
        throw (failed[0] as PromiseRejectedResult).reason;
      }
    }
  }

  /**
   * Deletes the victims, expecting their deletions first. A deletion that failed will never be
   * seen: it counts as seen at once, or the ReplicaSet would wait out the expectations' five
   * minutes (the API server restarting mid-rollout, say); one already gone (NotFound) is fine, any
   * other failure is thrown for the work queue to retry.
   */
  async deletePods(rs: ReplicaSet, key: string, victims: Pod[]): Promise<void> {
    const pods = this.options.client.resource<Pod>('pods', rs.metadata.namespace);
    this.expectations.expectDeletions(
      key,
      victims.map((pod) => pod.metadata.uid!),
    );
    await Promise.all(
      victims.map(async (pod) => {
        try {
          await pods.delete(pod.metadata.name!);
        } catch (error) {
          this.expectations.deletionObserved(key, pod.metadata.uid!);
          if (!isNotFound(error)) throw error;
        }
      }),
    );
  }

  /** Writes replicaSetStatus to the status subresource, unless every counter is already so. */
  async writeStatus(rs: ReplicaSet, pods: Pod[]): Promise<void> {
    const status = replicaSetStatus(rs, pods, this.clock.now());
    const before: Partial<ReplicaSetStatus> = rs.status ?? {};
    const same = Object.entries(status).every(
      ([field, value]) => before[field as keyof ReplicaSetStatus] === value,
    );
    if (same) return;
    await this.options.toolkit
      .updateWithRetry(
        this.options.client.resource<ReplicaSet>(this.resource, rs.metadata.namespace),
        rs.metadata.name!,
        (current) => {
          current.status = { ...current.status, ...status };
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

export function createReplicaSetController(
  options: ReplicaSetControllerOptions,
): ReplicaSetController {
  return new ReplicaSetController(options);
}
