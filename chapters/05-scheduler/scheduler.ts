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
import type { Pod } from '../../harness/api/types.ts';
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
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

export class Scheduler {
  readonly cache = new SchedulerCache();
  private readonly options: SchedulerOptions;
  private readonly schedulerName: string;
  private readonly clock: TimerClock;
  private readonly random: () => number;

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
   * Runs until `signal` aborts. With the toolkit: informers on all pods and on nodes (with the
   * clock), and a controller whose queue backs off from initialBackoffMs to maxBackoffMs, whose
   * reconcile is scheduleOne, with 16 workers (bindings wait on the network; decisions stay one
   * at a time as long as scheduleOne assumes before its first await). Pods with a node go to the cache (addPod; removePod when
   * Succeeded, Failed or deleted); nodes go to the cache, and every node added or changed puts the
   * pods found unschedulable back in the queue at once. The controller watches the pod informer,
   * keyed only for this scheduler's pods without a node, and the node informer (with no keys, so
   * it is run and synced too).
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('Scheduler.run', section);
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
   * One pod, by key, from the pod informer. Nothing to do for a pod that is gone, has a node, is
   * being deleted, is another scheduler's, or is assumed already. Otherwise:
   * - no feasible node: remember the key as unschedulable; write the condition PodScheduled=False,
   *   reason Unschedulable, message unschedulableMessage(all nodes, reasons) to pods/status (unless
   *   it says that already) and a Warning Event FailedScheduling with the message; then throw
   *   Unschedulable (the queue retries with back-off);
   * - else score the feasible nodes, selectHost, assume the pod there, and bind it (a Binding to
   *   the node). If binding fails, forget; a Conflict or NotFound is the end of it, any other error
   *   is thrown. Bound: a Normal Event Scheduled, "Successfully assigned <key> to <node>".
   * Events: v1 Events in the pod's namespace, generateName "<pod>.", involvedObject the pod,
   * source.component the scheduler's name, count 1 and both timestamps now; a failed event write
   * is ignored.
   */
  async scheduleOne(key: string): Promise<void> {
    throw new NotImplemented('Scheduler.scheduleOne', section);
  }
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  return new Scheduler(options);
}
