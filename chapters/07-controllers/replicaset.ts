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
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import { Expectations } from './expectations.ts';

const section = '§ ReplicaSets';

export interface ReplicaSetControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /**
   * Which kind this controller keeps: ReplicaSets (apps/v1, the default, in replicasets), or core
   * v1's ReplicationControllers (in replicationcontrollers; controller name
   * "replicationcontroller-controller"). Everything else is the same loop.
   */
  kind?: 'ReplicaSet' | 'ReplicationController';
  clock?: TimerClock;
  /** The most pods created or deleted in one reconcile. 500, like kube-controller-manager. */
  burstReplicas?: number;
  workers?: number;
}

/** Whether a pod still counts: not being deleted (no deletionTimestamp), and not Succeeded or Failed. */
export function isActive(pod: Pod): boolean {
  throw new NotImplemented('isActive', section);
}

/** Whether a pod's Ready condition is True. */
export function isReady(pod: Pod): boolean {
  throw new NotImplemented('isReady', section);
}

/** The ownerReference marked controller: true, if any. */
export function controllerOf(object: { metadata: ObjectMeta }): OwnerReference | undefined {
  throw new NotImplemented('controllerOf', section);
}

/**
 * A sort comparison: the pod to delete first comes first. Unscheduled (no nodeName) before
 * scheduled; then phase Pending before Unknown before Running; then not ready before ready; then
 * more restarts (summed over containerStatuses) before fewer; then newer (creationTimestamp)
 * before older.
 */
export function deletionOrder(a: Pod, b: Pod): number {
  throw new NotImplemented('deletionOrder', section);
}

/**
 * A ReplicaSet's spec.selector; for a ReplicationController (kind), its plain map selector as
 * matchLabels, or its template's labels when it has none. Use it wherever the selector is read.
 */
export function selectorOf(rs: ReplicaSet | ReplicationController): LabelSelector {
  throw new NotImplemented('selectorOf', section);
}

/**
 * The controller ownerReference a ReplicaSet puts on its pods: the owner's own apiVersion and kind
 * (apps/v1 ReplicaSet, or v1 ReplicationController), name, uid, controller and blockOwnerDeletion
 * true.
 */
export function ownerReferenceTo(rs: ReplicaSet | ReplicationController): OwnerReference {
  throw new NotImplemented('ownerReferenceTo', section);
}

/**
 * A new pod from the ReplicaSet's template: the template's metadata and spec (copied, so changing
 * the pod never changes the template), with generateName "<rs name>-", the rs's namespace, and
 * ownerReferenceTo(rs); apiVersion v1, kind Pod, no name (the API server makes one).
 */
export function podFromTemplate(rs: ReplicaSet): Pod {
  throw new NotImplemented('podFromTemplate', section);
}

/**
 * The sizes of the batches in which `count` pods are created ("slow start"): 1, 2, 4, 8, ...,
 * doubling, the last one only what is left. 10 gives [1, 2, 4, 3]; 0 gives [].
 */
export function slowStartBatches(count: number): number[] {
  throw new NotImplemented('slowStartBatches', section);
}

/**
 * Whether a pod is available at `now` (milliseconds): ready, and, when minReadySeconds is not 0,
 * ready since at least that long (its Ready condition's lastTransitionTime).
 */
export function isAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  throw new NotImplemented('isAvailable', section);
}

/**
 * The status a ReplicaSet's active pods give it at `now`: replicas (all of them),
 * fullyLabeledReplicas (those with every label of the template), readyReplicas, availableReplicas
 * (isAvailable with spec.minReadySeconds, 0 when unset), observedGeneration (metadata.generation).
 */
export function replicaSetStatus(
  rs: ReplicaSet | ReplicationController,
  pods: Pod[],
  now: number,
): ReplicaSetStatus {
  throw new NotImplemented('replicaSetStatus', section);
}

/** What claiming does with one pod of a ReplicaSet's namespace. */
export type ClaimAction = 'keep' | 'adopt' | 'release' | 'ignore';

/**
 * For a pod this ReplicaSet controls (controllerOf(pod).uid is the rs's uid): "keep" it when the
 * selector (selectorOf) still matches its labels, else "release" it. For an orphan (no controller)
 * that matches and isActive, "adopt" it, unless the ReplicaSet is being deleted. Anything else
 * (another's pod, a finished or unmatched orphan): "ignore".
 */
export function claimAction(rs: ReplicaSet | ReplicationController, pod: Pod): ClaimAction {
  throw new NotImplemented('claimAction', section);
}

/**
 * The keys ("namespace/name") of the ReplicaSets a pod's change concerns. A pod with a controller:
 * that controller's key (the pod's namespace, the reference's name) when the reference's kind is
 * `kind`, else none. An orphan: the keys of those of `replicaSets` in the pod's namespace whose
 * selector matches it, in the order given.
 */
export function replicaSetKeysFor(
  pod: Pod,
  replicaSets: Array<ReplicaSet | ReplicationController>,
  kind: 'ReplicaSet' | 'ReplicationController',
): string[] {
  throw new NotImplemented('replicaSetKeysFor', section);
}

export class ReplicaSetController {
  readonly expectations: Expectations;
  private readonly options: ReplicaSetControllerOptions;
  private readonly clock: TimerClock;

  /**
   * Make the informers here, once, with this.clock: on replicasets (or replicationcontrollers, for
   * that kind) and on pods (with the ownerUid index). reconcile reads them; run runs them.
   */
  constructor(options: ReplicaSetControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.expectations = new Expectations(this.clock);
  }

  /**
   * A controller (options.workers, 4 by default) whose reconcile is `reconcile`, watching the
   * ReplicaSets, and the pods mapped with replicaSetKeysFor (the ReplicaSets of the pod's namespace
   * from the informer). A pod added lowers its controller's expected creations (creationObserved),
   * a pod deleted its expected deletions (deletionObserved with its uid).
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('ReplicaSetController.run', section);
  }

  /**
   * One ReplicaSet, by key. Gone from the informer: forget its expectations. Expectations not
   * satisfied, or being deleted (deletionTimestamp): do nothing. Else claimPods over the pods of
   * its namespace (from the informer) and keep the active ones. Too few: createPods for the
   * missing (at most burstReplicas, 500 by default); too many: deletePods of the first surplus by
   * deletionOrder (at most burstReplicas). Then writeStatus with the active pods.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('ReplicaSetController.reconcile', section);
  }

  /**
   * The pods this ReplicaSet controls, out of `candidates` (the pods of its namespace), by
   * claimAction: "keep" as they are; "adopt" with a merge patch of metadata { uid: the pod's uid
   * (so a pod replaced meanwhile is not adopted), ownerReferences: its own plus
   * ownerReferenceTo(rs) }, the patched pod counting as claimed; "release" with a merge patch of
   * its ownerReferences without the rs's uid (not claimed). A pod gone meanwhile (NotFound) is
   * skipped.
   */
  async claimPods(rs: ReplicaSet, candidates: Pod[]): Promise<Pod[]> {
    throw new NotImplemented('ReplicaSetController.claimPods', section);
  }

  /**
   * Expects `count` creations for `key`, then creates podFromTemplate(rs) pods in the batches of
   * slowStartBatches(count), each batch's creations at once. When a batch has failures, stop:
   * lower the expectations by what will never be seen (the failures and the batches not sent,
   * with creationObserved) and throw the first failure's error.
   */
  async createPods(rs: ReplicaSet, key: string, count: number): Promise<void> {
    throw new NotImplemented('ReplicaSetController.createPods', section);
  }

  /**
   * Expects the deletions of the victims (their uids) for `key`, then deletes them all at once. A
   * deletion that failed will never be seen: count it as observed; then a victim already gone
   * (NotFound) is fine, and any other failure is thrown (the work queue retries).
   */
  async deletePods(rs: ReplicaSet, key: string, victims: Pod[]): Promise<void> {
    throw new NotImplemented('ReplicaSetController.deletePods', section);
  }

  /**
   * Writes replicaSetStatus(rs, pods, now on the clock) into the ReplicaSet's status (the status
   * subresource, with updateWithRetry, keeping its other status fields), unless every one of
   * those counters already has that value in rs.status. A ReplicaSet gone meanwhile is fine.
   */
  async writeStatus(rs: ReplicaSet, pods: Pod[]): Promise<void> {
    throw new NotImplemented('ReplicaSetController.writeStatus', section);
  }
}

export function createReplicaSetController(
  options: ReplicaSetControllerOptions,
): ReplicaSetController {
  return new ReplicaSetController(options);
}
