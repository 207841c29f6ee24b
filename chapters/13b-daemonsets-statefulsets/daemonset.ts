// The DaemonSet controller: one pod of the DaemonSet on every node that should run it, a new node
// included, none on the others. A chapter 04 controller over DaemonSets, their pods, their
// ControllerRevisions and the nodes: any node that comes, goes or changes wakes every DaemonSet.
//
// reconcile(key), one step toward the spec:
//   1. the current revision: the ControllerRevision of today's template (made if new);
//   2. manage: a pod created, pinned, on each node that should run one and has none; the pods
//      deleted from nodes where they may not stay, and the surplus where a node has two alike;
//   3. when nothing was left to manage, the rolling update (RollingUpdate only; OnDelete waits
//      for someone to delete old pods by hand): old pods replaced a few nodes at a time;
//   4. status: desired, current, misscheduled, ready, updated, available, unavailable.
// Like the ReplicaSet controller, it remembers the pods it created until its informer shows them,
// so a slow watch never makes it create a second pod on a node.
import type {
  ControllerRevision,
  DaemonSet,
  DaemonSetStatus,
  Node,
  Pod,
} from '../../harness/api/types.ts';
import type { ApiClient, EventHandlers, Toolkit, WorkQueue } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { NodeFit } from './daemon-pods.ts';

const section = '§ DaemonSets';

/** Whether a pod still counts: not being deleted (deletionTimestamp), and not Succeeded or Failed. */
export function isActive(pod: Pod): boolean {
  throw new NotImplemented('isActive', section);
}

/** Whether the pod's Ready condition is True. */
export function isReady(pod: Pod): boolean {
  throw new NotImplemented('isReady', section);
}

/**
 * Ready, and (unless minReadySeconds is 0) for at least minReadySeconds at `now`, counted from
 * the Ready condition's lastTransitionTime.
 */
export function isAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  throw new NotImplemented('isAvailable', section);
}

/**
 * The node a daemon pod is on: its spec.nodeName once bound; before that, the one value of a
 * required term's matchFields metadata.name In [node]; else undefined.
 */
export function nodeOfPod(pod: Pod): string | undefined {
  throw new NotImplemented('nodeOfPod', section);
}

/**
 * A count given as a number, or as a percentage of `total` ("25%") rounded up, as the
 * DaemonSet's maxUnavailable and maxSurge are; undefined is 0.
 */
export function scaledValue(value: number | string | undefined, total: number): number {
  throw new NotImplemented('scaledValue', section);
}

/** One node as the DaemonSet sees it: whether its pod belongs there, and the pods it has there. */
export interface NodeView {
  name: string;
  fit: NodeFit;
  pods: Pod[];
}

/**
 * A view per node, in the order given, with nodeFit of daemonPod(ds, '') and the pods (of
 * `pods`) whose nodeOfPod is that node; then, for each node that has pods but is not among
 * `nodes` (it was deleted), a view with both fits false. Pods on no node are left out.
 */
export function nodeViews(ds: DaemonSet, nodes: Node[], pods: Pod[]): NodeView[] {
  throw new NotImplemented('nodeViews', section);
}

/** What one pass does: create a pod on these nodes, delete these pods. */
export interface DaemonPlan {
  create: string[];
  delete: Pod[];
}

/**
 * Manage, node by node: where the pod may not stay (shouldContinueRunning false), delete all its
 * pods; where there is none, create one if it should run; where there are several of one revision
 * (revisionHashLabel), keep the oldest (creationTimestamp, then name) and delete the others.
 */
export function manage(views: NodeView[]): DaemonPlan {
  throw new NotImplemented('manage', section);
}

/**
 * The rolling update's step toward revision `hash`, over the nodes whose pod may stay. maxSurge
 * and maxUnavailable (default 1, and never 0) scaled on their number.
 * Without surge: a node's old pods are deleted (manage makes the new one next time) at once when
 * none is available, else while fewer than maxUnavailable nodes are without an available pod
 * (each deletion makes one more).
 * With maxSurge: old pods go once the node's new pod is available; a node with no new pod gets
 * one created at once when its old pod is not available, else while fewer than maxSurge nodes
 * have an old pod beside a new one not yet available.
 */
export function rollingUpdate(
  ds: DaemonSet,
  views: NodeView[],
  hash: string,
  now: number,
): DaemonPlan {
  throw new NotImplemented('rollingUpdate', section);
}

/**
 * The status at `now`: desiredNumberScheduled, the nodes that should run the pod; of those,
 * currentNumberScheduled with a pod, numberReady with a ready pod, updatedNumberScheduled with a
 * pod of `hash`, numberAvailable with an available one (minReadySeconds), numberUnavailable the
 * rest; numberMisscheduled, the nodes that should not run it and have a pod; observedGeneration.
 */
export function daemonSetStatus(
  ds: DaemonSet,
  views: NodeView[],
  hash: string,
  now: number,
): DaemonSetStatus {
  throw new NotImplemented('daemonSetStatus', section);
}

/** How long the changes of a DaemonSet's pods are gathered before its key is worked on. */
export const POD_UPDATES_BATCH_MS = 250;

/**
 * The pods informer's handlers, batched: each change (add, update, delete) hands the queue the
 * keys `keysFor` gives, due `batchMs` later; an update gives the old pod's keys and the new one's.
 */
export function batchedPodEvents(
  keysFor: (pod: Pod) => string[],
  queue: Pick<WorkQueue, 'addAfter'>,
  batchMs: number,
): EventHandlers<Pod> {
  throw new NotImplemented('batchedPodEvents', section);
}

export interface DaemonSetControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
  workers?: number;
}

export class DaemonSetController {
  private readonly options: DaemonSetControllerOptions;
  private readonly clock: TimerClock;

  /**
   * Make the informers here, once, with this.clock: daemonsets, nodes, and pods and
   * controllerrevisions with the ownerUid index.
   */
  constructor(options: DaemonSetControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * A controller (options.workers, 2 by default) whose reconcile is `reconcile`, watching the
   * DaemonSets; the revisions mapped to their DaemonSet controller's key; the pods the same way
   * but batched (watched with no keys, so the informer syncs, plus batchedPodEvents with
   * POD_UPDATES_BATCH_MS); and the nodes mapped to the keys of every DaemonSet (a node added,
   * changed or gone concerns them all).
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('DaemonSetController.run', section);
  }

  /**
   * Whether every pod created for `key` ("namespace/name" of each, noted by createPods) is in the
   * pods informer now, or was created more than 30 seconds ago on the clock (lost; stop waiting).
   */
  creationsObserved(key: string): boolean {
    throw new NotImplemented('DaemonSetController.creationsObserved', section);
  }

  /**
   * The DaemonSet to work from: the informer's copy `cached`, unless writeStatus has replaced that
   * very version (its resourceVersion is one a status write was made over) and the informer does
   * not show the write yet; then the DaemonSet the last status write stored. Once the informer
   * shows a version no write replaced, `cached` again, and the remembered writes are forgotten.
   */
  newestOf(cached: DaemonSet): DaemonSet {
    throw new NotImplemented('DaemonSetController.newestOf', section);
  }

  /**
   * One DaemonSet, by key: gone, being deleted, or creations not observed: nothing. Else, working
   * from newestOf(the cached one), syncCurrentRevision (its hash is that revision's revisionHashLabel), nodeViews of its active
   * pods (ownerUid index) on the nodes; manage, or, when manage has nothing to do and the strategy
   * is RollingUpdate (the default), rollingUpdate; createPods, deletePods, pruneRevisions, and
   * writeStatus with daemonSetStatus.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('DaemonSetController.reconcile', section);
  }

  /**
   * Creates daemonPodFor(ds, hash, node) for the nodes in batches of 1, 2, 4, ... (slow start),
   * each batch's creations at once, noting each created pod's key for creationsObserved (the set
   * noted before the first is sent); at the first batch with a failure, stop and throw it.
   */
  async createPods(ds: DaemonSet, key: string, hash: string, nodeNames: string[]): Promise<void> {
    throw new NotImplemented('DaemonSetController.createPods', section);
  }

  /** Deletes the victims at once; one already gone (NotFound) is fine. */
  async deletePods(ds: DaemonSet, victims: Pod[]): Promise<void> {
    throw new NotImplemented('DaemonSetController.deletePods', section);
  }

  /**
   * Deletes revisionsToPrune(revisions, revisionHistoryLimit (10), in use): in use are the current
   * revision and "<ds>-<hash>" of every pod's revisionHashLabel.
   */
  async pruneRevisions(
    ds: DaemonSet,
    revisions: ControllerRevision[],
    current: ControllerRevision,
    pods: Pod[],
  ): Promise<void> {
    throw new NotImplemented('DaemonSetController.pruneRevisions', section);
  }

  /**
   * Writes `status` into the DaemonSet's status, unless every one of its fields already has that
   * value: one updateStatus of `ds` with its status merged with `status`, remembering for newestOf
   * that `ds`'s resourceVersion is stale and what the server stored; only on a Conflict,
   * updateWithRetry with { status: true }. A DaemonSet gone meanwhile is fine.
   */
  async writeStatus(ds: DaemonSet, status: DaemonSetStatus): Promise<void> {
    throw new NotImplemented('DaemonSetController.writeStatus', section);
  }
}

export function createDaemonSetController(
  options: DaemonSetControllerOptions,
): DaemonSetController {
  return new DaemonSetController(options);
}
