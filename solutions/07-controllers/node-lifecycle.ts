// The node lifecycle controller: what the cluster does when a node goes silent. Kubelets renew a
// Lease every 10 s (chapter 06); this controller watches the Leases, and a node whose Lease has not
// moved for the grace period (50 s) is marked: every condition Unknown, "Kubelet stopped posting
// node status.", and the taint node.kubernetes.io/unreachable:NoExecute. The taint is what moves
// the pods, through the taint eviction controller (taint-eviction.ts): a pod tolerates it for its
// tolerationSeconds (300 s unless it says otherwise), and is then evicted (deleted), so its
// ReplicaSet makes a new one that the scheduler puts on a healthy node. When the Lease moves
// again, the taint is taken off.
//
// "Not moved for 50 s" is measured on this controller's clock, from when it saw the Lease change,
// never by comparing renewTime with its own clock (see leader election, chapter 04).
import type { Lease, Node, NodeCondition, Taint } from '../../harness/api/types.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import {
  rfc3339,
  systemClock,
  type Clock,
  type Timer,
  type TimerClock,
} from '../../harness/clock.ts';

export interface NodeLifecycleOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
  /** How long a Lease may stand still before its node is Unknown. 50 s. */
  gracePeriodMs?: number;
  /** How often nodes are looked at. 5 s. */
  monitorPeriodMs?: number;
}

export const unreachableTaintKey = 'node.kubernetes.io/unreachable';

/**
 * When each node was last heard from, on the controller's own clock: the moment its Lease's
 * renewTime was seen to change (or, for a node with no Lease yet, when the node was first seen).
 */
export class Heartbeats {
  private readonly clock: Clock;
  private readonly heard = new Map<string, { renewTime?: string; at: number }>();

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /** A node's Lease was added or updated: heard now, if its renewTime is not the one last seen. */
  leaseSeen(name: string, renewTime: string | undefined): void {
    const before = this.heard.get(name);
    if (before !== undefined && before.renewTime === renewTime) return;
    this.heard.set(name, { renewTime, at: this.clock.now() });
  }

  /** A node was seen: heard now, if nothing was heard of it before. */
  nodeSeen(name: string): void {
    if (!this.heard.has(name)) this.heard.set(name, { at: this.clock.now() });
  }

  /** When (on the clock) the node was last heard from; undefined if never. */
  lastHeard(name: string): number | undefined {
    return this.heard.get(name)?.at;
  }
}

/** A silent node's conditions: each one Unknown, reason NodeStatusUnknown, changed at `now`. */
export function unknownConditions(conditions: NodeCondition[], now: number): NodeCondition[] {
  return conditions.map((condition) => ({
    ...condition,
    status: 'Unknown',
    reason: 'NodeStatusUnknown',
    message: 'Kubelet stopped posting node status.',
    lastTransitionTime: rfc3339(now),
  }));
}

/** What one look at a node does. */
export type NodeAction = 'mark' | 'clear' | 'none';

/**
 * Silent (last heard more than `gracePeriodMs` before `now`): mark it, unless it carries the
 * unreachable taint already. Heard from: clear the taint if it has one, else nothing. A node never
 * heard from counts as heard now.
 */
export function nodeAction(
  node: Node,
  lastHeard: number | undefined,
  now: number,
  gracePeriodMs: number,
): NodeAction {
  const silent = now - (lastHeard ?? now) > gracePeriodMs;
  const tainted = node.spec?.taints?.some((taint) => taint.key === unreachableTaintKey) ?? false;
  if (silent) return tainted ? 'none' : 'mark';
  return tainted ? 'clear' : 'none';
}

export class NodeLifecycleController {
  private readonly options: NodeLifecycleOptions;
  private readonly clock: TimerClock;
  readonly heartbeats: Heartbeats;
  private readonly nodes: Informer<Node>;
  private readonly leases: Informer<Lease>;

  constructor(options: NodeLifecycleOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.heartbeats = new Heartbeats(this.clock);
    const { toolkit, client } = options;
    this.nodes = toolkit.createInformer(client.resource<Node>('nodes'), { clock: this.clock });
    this.leases = toolkit.createInformer(client.resource<Lease>('leases', 'kube-node-lease'), {
      clock: this.clock,
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    const { nodes, leases } = this;
    const hear = (lease: Lease) =>
      this.heartbeats.leaseSeen(lease.metadata.name!, lease.spec?.renewTime);
    leases.addEventHandlers({ add: hear, update: (_old, lease) => hear(lease) });
    nodes.addEventHandlers({ add: (node) => this.heartbeats.nodeSeen(node.metadata.name!) });
    const informers = [nodes, leases] as Informer[];
    for (const informer of informers) informer.run(signal);
    await Promise.all(informers.map((informer) => informer.waitForSync(signal)));

    const period = this.options.monitorPeriodMs ?? 5000;
    let timer: Timer | undefined;
    const tick = () => {
      void this.monitor()
        .catch(() => {})
        .finally(() => {
          if (!signal.aborted) timer = this.clock.setTimeout(tick, period);
        });
    };
    timer = this.clock.setTimeout(tick, period);
    await new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        resolve();
      }),
    );
  }

  /** One look at every node: mark the silent, clear the heard. */
  async monitor(): Promise<void> {
    const now = this.clock.now();
    const grace = this.options.gracePeriodMs ?? 50_000;
    for (const node of this.nodes.list()) {
      const name = node.metadata.name!;
      const action = nodeAction(node, this.heartbeats.lastHeard(name), now, grace);
      if (action === 'mark') await this.markUnreachable(name, now);
      if (action === 'clear') await this.clearUnreachable(name);
    }
  }

  /** Every condition of the node Unknown (its status), then the unreachable taint (its spec). */
  async markUnreachable(name: string, now: number): Promise<void> {
    const { toolkit, client } = this.options;
    const nodes = client.resource<Node>('nodes');
    await toolkit.updateWithRetry(
      nodes,
      name,
      (node) => {
        node.status = {
          ...node.status,
          conditions: unknownConditions(node.status?.conditions ?? [], now),
        };
      },
      { status: true },
    );
    const taint: Taint = { key: unreachableTaintKey, effect: 'NoExecute', timeAdded: rfc3339(now) };
    await toolkit.updateWithRetry(nodes, name, (node) => {
      const taints = node.spec?.taints ?? [];
      // Already there (a cache behind the server): once is enough.
      if (taints.some((candidate) => candidate.key === unreachableTaintKey)) return false;
      node.spec = { ...node.spec, taints: [...taints, taint] };
    });
  }

  /** Takes the unreachable taint off the node, and only that one. */
  async clearUnreachable(name: string): Promise<void> {
    await this.options.toolkit.updateWithRetry(
      this.options.client.resource<Node>('nodes'),
      name,
      (node) => {
        node.spec = {
          ...node.spec,
          taints: (node.spec?.taints ?? []).filter((taint) => taint.key !== unreachableTaintKey),
        };
      },
    );
  }
}

export function createNodeLifecycleController(
  options: NodeLifecycleOptions,
): NodeLifecycleController {
  return new NodeLifecycleController(options);
}
