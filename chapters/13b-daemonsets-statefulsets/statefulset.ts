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
  Pod,
  StatefulSet,
  StatefulSetStatus,
} from '../../harness/api/types.ts';
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import type { TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ StatefulSets';

/** Running (phase), with its Ready condition True, and not being deleted. */
export function isRunningAndReady(pod: Pod): boolean {
  throw new NotImplemented('isRunningAndReady', section);
}

/** A pod that finished (Succeeded or Failed): a StatefulSet's pod must run, so it is made again. */
export function hasFinished(pod: Pod): boolean {
  throw new NotImplemented('hasFinished', section);
}

/** What one pass does: create the pods of these ordinals, delete these pods. */
export interface SetPlan {
  create: number[];
  delete: Pod[];
}

/**
 * Bringing up ordinals 0 .. replicas-1 (`byOrdinal`: the set's pods by ordinal): a missing pod is
 * created, a finished one not yet being deleted is deleted. With OrderedReady (the default) the
 * walk stops at the first pod that is missing or not isRunningAndReady, with waiting true: the
 * next pod waits for it. Parallel walks them all, waiting false.
 */
export function scaleUp(
  set: StatefulSet,
  byOrdinal: Map<number, Pod>,
): SetPlan & { waiting: boolean } {
  throw new NotImplemented('scaleUp', section);
}

/**
 * The pods to remove, those of ordinals at and above replicas, highest first. Parallel: all of
 * them not already being deleted. OrderedReady: only the highest, and none while any pod of the
 * set is being deleted.
 */
export function scaleDown(set: StatefulSet, byOrdinal: Map<number, Pod>): Pod[] {
  throw new NotImplemented('scaleDown', section);
}

/**
 * The rolling update's next step: nothing with OnDelete, nor unless every pod isRunningAndReady.
 * Else from ordinal replicas-1 down to the partition (0 by default), the first pod whose
 * revisionHashLabel is not `updateRevision`, alone (it comes back of the new revision).
 */
export function rollingUpdateStep(
  set: StatefulSet,
  byOrdinal: Map<number, Pod>,
  updateRevision: string,
): Pod[] {
  throw new NotImplemented('rollingUpdateStep', section);
}

/**
 * The whole pass over the set's pods (those whose name has an ordinal, by ordinalOf): scaleUp; if
 * it waits, only its plan. Else scaleDown: with OrderedReady, a pod to remove is all that is done
 * (besides scaleUp's creations). The rolling update's step only when neither created nor removed
 * anything; the deletions are scaleUp's, then scaleDown's, then the update's.
 */
export function planStatefulSet(set: StatefulSet, pods: Pod[], updateRevision: string): SetPlan {
  throw new NotImplemented('planStatefulSet', section);
}

/**
 * The status, over the pods not being deleted: observedGeneration, replicas (their number),
 * readyReplicas and availableReplicas (isRunningAndReady), updatedReplicas (of updateRevision),
 * and currentRevision: updateRevision once the updated pods are as many as spec.replicas and all
 * the pods, else `currentRevision`; currentReplicas, the pods of that currentRevision.
 */
export function statefulSetStatus(
  set: StatefulSet,
  pods: Pod[],
  currentRevision: string,
  updateRevision: string,
): StatefulSetStatus {
  throw new NotImplemented('statefulSetStatus', section);
}

export interface StatefulSetControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
  workers?: number;
}

export class StatefulSetController {
  private readonly options: StatefulSetControllerOptions;

  /**
   * Make the informers here, once, with the clock (options.clock or systemClock): statefulsets,
   * and pods and controllerrevisions with the ownerUid index.
   */
  constructor(options: StatefulSetControllerOptions) {
    this.options = options;
  }

  /**
   * A controller (options.workers, 2 by default) whose reconcile is `reconcile`, watching the
   * StatefulSets, and the pods and revisions mapped to their StatefulSet controller's key.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('StatefulSetController.run', section);
  }

  /**
   * One StatefulSet, by key: gone or being deleted, nothing. Else the update revision is
   * syncCurrentRevision's; the current one the revision status.currentRevision names (the update
   * revision when there is none, or it is gone). planStatefulSet over its pods (ownerUid index):
   * createPod for each ordinal (of the current revision below a RollingUpdate's partition, else of
   * the update revision), delete each pod (NotFound is fine), then writeStatus with
   * statefulSetStatus.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('StatefulSetController.reconcile', section);
  }

  /**
   * Creates the pod's claims (claimsFor; one that exists already is fine), then
   * statefulPod(set, templateOf(revision), the revision's name, ordinal) (AlreadyExists is fine).
   */
  async createPod(set: StatefulSet, revision: ControllerRevision, ordinal: number): Promise<void> {
    throw new NotImplemented('StatefulSetController.createPod', section);
  }

  /**
   * Writes `status` into the set's status (the status subresource, updateWithRetry, keeping its
   * other fields), unless every one of its fields already has that value. Gone: fine.
   */
  async writeStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    throw new NotImplemented('StatefulSetController.writeStatus', section);
  }
}

export function createStatefulSetController(
  options: StatefulSetControllerOptions,
): StatefulSetController {
  return new StatefulSetController(options);
}
