// The scheduler: for each pod that has no node yet, choose one and write a Binding. Nothing more:
// it starts nothing and talks to no node; the kubelet of the chosen node sees the binding and does
// the rest. It is a chapter 04 controller, in the shape of kube-scheduler:
//
//   pod informer ──(unscheduled pods of this scheduler)──▶ queue of pod keys ──▶ scheduleOne(key)
//   node informer ─┐                                          ▲                    │
//   pod informer ──┴─▶ cache (nodes, pods on them, assumed) ───┼──── filter ◀────────┤
//                                                              │     score            │
//        a node added or changed: unschedulable pods retry ────┘     bind ◀───────────┘
//
// The scheduling cycle (filter, score, pick, assume) runs one pod at a time against the cache; the
// binding cycle writes the Binding. A pod no node can take gets the condition PodScheduled=False
// with the reason in Kubernetes' words, an Event, and a retry after a back-off (1 s doubling to
// 10 s), or at once when a node appears or changes.
import type { Binding, KubeEvent, Node, Pod } from '../../harness/api/types.ts';
import type { ApiClient, Informer, Toolkit, WorkQueue } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import { SchedulerCache } from './cache.ts';
import type { Filter } from './filters.ts';
import type { NodeInfo } from './node-info.ts';
import type { ScoreWeights } from './scores.ts';

const section = '§ Scheduling pods';

export interface SchedulerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** The pods this scheduler takes: those whose spec.schedulerName is this. */
  schedulerName?: string;
  clock?: TimerClock;
  /** Breaks ties between equally good nodes; seeded in tests. */
  random?: () => number;
  weights?: ScoreWeights;
  filters?: Filter[];
  /** Stop filtering once this share of the nodes fits; 0 picks it from the cluster's size. */
  percentageOfNodesToScore?: number;
  /** Back-off of a pod no node could take: 1 s, doubling to 10 s. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/** No node can take the pod: the error carries the message for the pod's condition. */
export class Unschedulable extends Error {}

/**
 * How many feasible nodes are enough to choose from: every node of a cluster under 100 nodes;
 * otherwise `percentage` of them (when 0: max(5, 50 - nodeCount / 125) percent), rounded down, but
 * at least 100 and at most all.
 */
export function numFeasibleNodesToFind(nodeCount: number, percentage = 0): number {
  throw new NotImplemented('numFeasibleNodesToFind', section);
}

/**
 * The Binding that places a pod on a node: a v1 Binding with the pod's name and namespace, whose
 * target is the v1 Node `nodeName`. The scheduler POSTs it to the pod's `binding` subresource.
 */
export function bindingFor(pod: Pod, nodeName: string): Binding {
  throw new NotImplemented('bindingFor', section);
}

/**
 * Sets the pod's PodScheduled condition to False, reason Unschedulable, with `message`,
 * lastProbeTime null and lastTransitionTime `now`, keeping its other conditions and its phase
 * (Pending when it has none). Answers false, changing nothing, when the pod's PodScheduled is
 * False with this message already (an update that changes nothing is not sent); true otherwise.
 */
export function markUnschedulable(pod: Pod, message: string, now: string): boolean {
  throw new NotImplemented('markUnschedulable', section);
}

/** An Event's type: Normal for what went as planned, Warning for what did not. */
export type EventType = 'Normal' | 'Warning';

/**
 * An Event about the pod, as `kubectl describe pod` lists them: a v1 Event in the pod's namespace,
 * generateName "<pod name>.", involvedObject the pod (apiVersion, kind, namespace, name, uid),
 * source.component and reportingComponent `component`, count 1, first and last timestamp `now`.
 */
export function schedulerEvent(
  pod: Pod,
  type: EventType,
  reason: string,
  message: string,
  component: string,
  now: string,
): KubeEvent {
  throw new NotImplemented('schedulerEvent', section);
}

export class Scheduler {
  readonly cache = new SchedulerCache();
  private readonly options: SchedulerOptions;
  private readonly schedulerName: string;
  private readonly clock: TimerClock;
  private readonly random: () => number;
  /** Keys of the pods no node could take, waiting for a node to be added or to change. */
  readonly unschedulable = new Set<string>();

  /**
   * Make here, once, with the toolkit, the informers on all pods and on nodes (with the clock):
   * scheduleOne reads the pods; run runs both.
   */
  constructor(options: SchedulerOptions) {
    this.options = options;
    this.schedulerName = options.schedulerName ?? 'default-scheduler';
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /** Whether a pod is this scheduler's: its spec.schedulerName, "default-scheduler" when unset. */
  responsibleFor(pod: Pod): boolean {
    throw new NotImplemented('Scheduler.responsibleFor', section);
  }

  /**
   * Runs until `signal` aborts. With the toolkit: a controller whose queue backs off from
   * initialBackoffMs to maxBackoffMs, whose reconcile is scheduleOne, with 16 workers (bindings
   * wait on the network; decisions stay one at a time as long as scheduleOne assumes before its
   * first await). addEventHandlers with the two informers and the controller's queue; then the controller watches the pod informer, keyed
   * only for this scheduler's pods without a node, and the node informer (with no keys, so it is
   * run and synced too).
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('Scheduler.run', section);
  }

  /**
   * Keeps the cache in step with the informers. Pods added or changed go to observe(); a pod
   * deleted leaves the cache. A node added or changed goes to the cache (setNode) and, as it may
   * make room, puts every key of `unschedulable` back in `queue` at once and empties the set; an
   * update that hands the same object twice (a resync) changed nothing. A node deleted leaves the
   * cache.
   */
  addEventHandlers(pods: Informer<Pod>, nodes: Informer<Node>, queue: WorkQueue): void {
    throw new NotImplemented('Scheduler.addEventHandlers', section);
  }

  /**
   * A pod the informer shows, added or changed. One with a node is counted in the cache there
   * (cache.addPod); once it has finished (phase Succeeded or Failed) it holds nothing any more
   * (cache.removePod). A pod without a node is not the cache's business.
   */
  observe(pod: Pod): void {
    throw new NotImplemented('Scheduler.observe', section);
  }

  /**
   * Filters the cache's nodes for the pod (filterNode), starting where the last search stopped and
   * going round, until numFeasibleNodesToFind of them fit or every node was examined. Answers the
   * nodes that fit, the reasons of each one that did not, and how many were examined.
   */
  findFeasibleNodes(pod: Pod): { feasible: NodeInfo[]; reasons: string[][]; examined: number } {
    throw new NotImplemented('Scheduler.findFeasibleNodes', section);
  }

  /**
   * The scheduling cycle's decision for one pod: the feasible nodes (findFeasibleNodes), each
   * scored (scoreNode with the options' weights), the best picked (selectHost with the random
   * source). Answers the node's name. When no node fits, throws Unschedulable whose message is
   * unschedulableMessage(the number of nodes in the cache, the reasons).
   */
  schedulePod(pod: Pod): string {
    throw new NotImplemented('Scheduler.schedulePod', section);
  }

  /**
   * One pod, by key, from the pod informer. Nothing to do for a pod that is gone, has a node, is
   * being deleted, is another scheduler's, or is assumed already. Otherwise schedulePod:
   * - Unschedulable: add the key to `unschedulable` (retried when a node comes),
   *   reportUnschedulable, then throw the error again (the queue retries with back-off);
   * - a node: assume the pod there, then bind it (client.bind(bindingFor(...))). If binding
   *   fails, forget; a Conflict or NotFound is the end of it, any other error is thrown. Bound:
   *   a Normal Event Scheduled, "Successfully assigned <key> to <node>" (schedulerEvent with the
   *   scheduler's name and the clock's time in whole seconds, "2026-01-01T00:00:00Z"; a failed
   *   event write is ignored), and the key is no longer unschedulable.
   */
  async scheduleOne(key: string): Promise<void> {
    throw new NotImplemented('Scheduler.scheduleOne', section);
  }

  /**
   * A pod no node can take: markUnschedulable on pods/status (toolkit.updateWithRetry with
   * { status: true }; a pod gone meanwhile is no error), then a Warning Event FailedScheduling
   * with the message.
   */
  async reportUnschedulable(pod: Pod, message: string): Promise<void> {
    throw new NotImplemented('Scheduler.reportUnschedulable', section);
  }
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  return new Scheduler(options);
}
