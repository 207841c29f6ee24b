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
import { isConflict, isNotFound } from '../../harness/client/errors.ts';
import { eventAbout, eventRecorder } from '../../harness/client/events.ts';
import type { ApiClient, Informer, Toolkit, WorkQueue } from '../../harness/client/types.ts';
import { rfc3339, systemClock, type TimerClock } from '../../harness/clock.ts';
import { SchedulerCache } from './cache.ts';
import { defaultFilters, filterNode, unschedulableMessage, type Filter } from './filters.ts';
import type { NodeInfo } from './node-info.ts';
import { defaultWeights, scoreNode, selectHost, type ScoreWeights } from './scores.ts';

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
 * How many feasible nodes are enough to choose from. Scoring every node of a big cluster costs
 * much and gains little, so kube-scheduler stops filtering once it has found a share of them: all
 * of a small cluster, and from 50% down to 5% as the cluster grows, never fewer than 100 nodes.
 */
export function numFeasibleNodesToFind(nodeCount: number, percentage = 0): number {
  if (nodeCount < 100) return nodeCount;
  const share = percentage > 0 ? percentage : Math.max(5, 50 - nodeCount / 125);
  return Math.min(nodeCount, Math.max(100, Math.floor((nodeCount * share) / 100)));
}

/** The Binding that places a pod on a node: POSTed to the pod's `binding` subresource. */
export function bindingFor(pod: Pod, nodeName: string): Binding {
  return {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
    target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
  };
}

/**
 * Sets the pod's PodScheduled condition to False, reason Unschedulable, with `message`, keeping
 * its other conditions and its phase (Pending when it has none). Answers false, changing nothing,
 * when the pod says exactly that already: an update that changes nothing is not sent.
 */
export function markUnschedulable(pod: Pod, message: string, now: string): boolean {
  const conditions = pod.status?.conditions ?? [];
  const existing = conditions.find((condition) => condition.type === 'PodScheduled');
  if (existing?.status === 'False' && existing.message === message) return false;
  pod.status = {
    ...pod.status,
    phase: pod.status?.phase ?? 'Pending',
    conditions: [
      ...conditions.filter((condition) => condition.type !== 'PodScheduled'),
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message,
        lastProbeTime: null,
        lastTransitionTime: now,
      },
    ],
  };
  return true;
}

/** An Event's type: Normal for what went as planned, Warning for what did not. */
export type EventType = 'Normal' | 'Warning';

/** An Event about the pod from the scheduler `component`, as `kubectl describe pod` lists them. */
export function schedulerEvent(
  pod: Pod,
  type: EventType,
  reason: string,
  message: string,
  component: string,
  now: string,
): KubeEvent {
  // An informer's pods may lack apiVersion and kind (a list's items do): the event names them.
  const about = { ...pod, apiVersion: 'v1', kind: 'Pod' };
  const event = eventAbout(about, component, { type, reason, message });
  return { ...event, count: 1, firstTimestamp: now, lastTimestamp: now };
}

export class Scheduler {
  readonly cache = new SchedulerCache();
  private readonly options: SchedulerOptions;
  private readonly schedulerName: string;
  private readonly clock: TimerClock;
  private readonly random: () => number;
  /** Keys of the pods no node could take, waiting for a node to be added or to change. */
  readonly unschedulable = new Set<string>();
  /** Where the next search through the nodes starts, so that pods spread over all of them. */
  private nextStart = 0;
  private readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;

  constructor(options: SchedulerOptions) {
    this.options = options;
    this.schedulerName = options.schedulerName ?? 'default-scheduler';
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    const { toolkit, client } = options;
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'), { clock: this.clock });
    this.nodes = toolkit.createInformer(client.resource<Node>('nodes'), { clock: this.clock });
  }

  /** Whether a pod is this scheduler's to place. */
  responsibleFor(pod: Pod): boolean {
    return (pod.spec.schedulerName ?? 'default-scheduler') === this.schedulerName;
  }

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const { toolkit } = this.options;
    const { pods, nodes } = this;
    const controller = toolkit.createController({
      name: this.schedulerName,
      queue: toolkit.createWorkQueue({
        baseDelayMs: this.options.initialBackoffMs ?? 1000,
        maxDelayMs: this.options.maxBackoffMs ?? 10_000,
        clock: this.clock,
      }),
      reconcile: (key) => this.scheduleOne(key),
      // Decisions stay one at a time (scheduleOne assumes before its first await), but a binding
      // waits on the API server and its store's disk: sixteen may be in flight at once.
      workers: 16,
    });
    this.addEventHandlers(pods, nodes, controller.queue);
    // The queue gets the keys of this scheduler's pods that have no node.
    controller.watch(pods, (pod) =>
      !pod.spec.nodeName && this.responsibleFor(pod) ? [toolkit.keyOf(pod)] : [],
    );
    controller.watch(nodes, () => []);
    await controller.run(signal);
  }

  /**
   * The cache follows every pod that has a node, and every node. A node added or changed may
   * make room: the pods found unschedulable go back to the queue at once, without waiting out
   * their back-off, as kube-scheduler moves them when a cluster event could make them fit.
   */
  addEventHandlers(pods: Informer<Pod>, nodes: Informer<Node>, queue: WorkQueue): void {
    pods.addEventHandlers({
      add: (pod) => this.observe(pod),
      update: (_old, pod) => this.observe(pod),
      delete: (pod) => this.cache.removePod(pod),
    });
    const nodeChanged = (node: Node) => {
      this.cache.setNode(node);
      for (const key of this.unschedulable) queue.add(key);
      this.unschedulable.clear();
    };
    nodes.addEventHandlers({
      add: nodeChanged,
      // A resync hands the same object twice: nothing changed, nothing to retry.
      update: (old, node) => old !== node && nodeChanged(node),
      delete: (node) => this.cache.removeNode(node.metadata.name!),
    });
  }

  /**
   * A pod the informer shows, added or changed: one with a node counts in the cache there, until
   * it has finished (Succeeded or Failed), when it no longer holds anything.
   */
  observe(pod: Pod): void {
    if (!pod.spec.nodeName) return;
    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    if (finished) this.cache.removePod(pod);
    else this.cache.addPod(pod);
  }

  /** The nodes that can take the pod, and why each other node examined cannot. */
  findFeasibleNodes(pod: Pod): { feasible: NodeInfo[]; reasons: string[][]; examined: number } {
    const nodes = this.cache.nodes();
    const wanted = numFeasibleNodesToFind(nodes.length, this.options.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const reasons: string[][] = [];
    let examined = 0;
    const start = nodes.length > 0 ? this.nextStart % nodes.length : 0;
    while (examined < nodes.length && feasible.length < wanted) {
      const node = nodes[(start + examined) % nodes.length]!;
      examined++;
      const why = filterNode(pod, node, this.options.filters ?? defaultFilters);
      if (why.length === 0) feasible.push(node);
      else reasons.push(why);
    }
    this.nextStart = start + examined;
    return { feasible, reasons, examined };
  }

  /**
   * The scheduling cycle's decision for one pod: filter, score, select. Answers the node's name,
   * or throws Unschedulable with the message for the pod's condition when no node fits.
   */
  schedulePod(pod: Pod): string {
    const { feasible, reasons } = this.findFeasibleNodes(pod);
    if (feasible.length === 0) {
      throw new Unschedulable(unschedulableMessage(this.cache.nodes().length, reasons));
    }
    const weights = this.options.weights ?? defaultWeights;
    const scored = feasible.map((node) => ({
      name: node.name,
      score: scoreNode(pod, node, weights),
    }));
    return selectHost(scored, this.random);
  }

  /** One pod: decide, assume, bind. Throws to be retried with back-off. */
  async scheduleOne(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp) return;
    if (!this.responsibleFor(pod) || this.cache.isAssumed(pod)) return;

    let nodeName: string;
    try {
      nodeName = this.schedulePod(pod);
    } catch (error) {
      if (!(error instanceof Unschedulable)) throw error;
      this.unschedulable.add(key);
      await this.reportUnschedulable(pod, error.message);
      throw error;
    }

    this.cache.assume(pod, nodeName);
    try {
      await this.options.client.bind(bindingFor(pod, nodeName));
    } catch (error) {
      this.cache.forget(pod);
      // Bound already (by us, earlier, or by someone else) or deleted meanwhile: nothing to do.
      if (isConflict(error) || isNotFound(error)) return;
      throw error;
    }
    this.unschedulable.delete(key);
    const message = `Successfully assigned ${key} to ${nodeName}`;
    void this.recordEvent(pod, 'Normal', 'Scheduled', message);
  }

  /** PodScheduled=False with the reason, on the pod's status, and a Warning event. */
  async reportUnschedulable(pod: Pod, message: string): Promise<void> {
    const { toolkit, client } = this.options;
    const pods = client.resource<Pod>('pods', pod.metadata.namespace);
    const now = rfc3339(this.clock.now());
    try {
      await toolkit.updateWithRetry(
        pods,
        pod.metadata.name!,
        (current) => markUnschedulable(current, message, now),
        { status: true },
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    await this.recordEvent(pod, 'Warning', 'FailedScheduling', message);
  }

  /**
   * Writes an Event about the pod, through the client's event recorder (harness/client/events.ts):
   * a pod retried and still unschedulable is one FailedScheduling Event whose count grows. Best
   * effort: the recorder never throws.
   */
  private recordEvent(pod: Pod, type: EventType, reason: string, message: string): Promise<void> {
    const now = rfc3339(this.clock.now());
    const event = schedulerEvent(pod, type, reason, message, this.schedulerName, now);
    return eventRecorder(this.options.client, this.clock).record(event);
  }
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  return new Scheduler(options);
}
