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
 * A new pod from the ReplicaSet's template: the template's metadata and spec (copied), with
 * generateName "<rs name>-", the rs's namespace, and ownerReferenceTo(rs).
 */
export function podFromTemplate(rs: ReplicaSet): Pod {
  throw new NotImplemented('podFromTemplate', section);
}

export class ReplicaSetController {
  readonly expectations: Expectations;
  private readonly options: ReplicaSetControllerOptions;
  private readonly clock: TimerClock;

  constructor(options: ReplicaSetControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.expectations = new Expectations(this.clock);
  }

  /**
   * Informers on replicasets and on pods (with the ownerUid index); a controller (4 workers)
   * whose reconcile is `reconcile`, watching the replicasets and the pods, a pod mapped to its
   * controller's key (a ReplicaSet of its namespace) or, for an orphan, to every ReplicaSet of
   * its namespace whose selector matches it. A pod added lowers its owner's expected creations,
   * a pod deleted its expected deletions.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('ReplicaSetController.run', section);
  }

  /**
   * One ReplicaSet: gone, forget its expectations; expectations not satisfied, or being deleted
   * (deletionTimestamp), do nothing. Else claim
   * its pods (those it controls that still match; adopt matching orphans that are active with a
   * merge patch adding ownerReferenceTo(rs) and naming the pod's uid; release controlled pods that
   * no longer match by patching their ownerReferences without it). Of the active ones: too few,
   * expect and create the missing (at most burstReplicas) in batches of 1, 2, 4, ... (a batch
   * that fails stops there: lower the expectations by what will not come, and throw); too many,
   * expect the deletions and delete the first by deletionOrder. Then write the status (replicas,
   * fullyLabeledReplicas: pods with every template label, readyReplicas, availableReplicas: ready
   * for minReadySeconds, observedGeneration: metadata.generation) when it changed.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('ReplicaSetController.reconcile', section);
  }
}

export function createReplicaSetController(
  options: ReplicaSetControllerOptions,
): ReplicaSetController {
  return new ReplicaSetController(options);
}
