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
import type { Node, NodeCondition } from '../../harness/api/types.ts';
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type Clock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Node lifecycle';

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
 * renewTime is the kubelet's clock: it is compared only with itself, never with this clock.
 */
export class Heartbeats {
  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  /**
   * A node's Lease was added or updated: the node is heard now (on the clock), unless this
   * renewTime is the one last seen for it.
   */
  leaseSeen(name: string, renewTime: string | undefined): void {
    throw new NotImplemented('Heartbeats.leaseSeen', section);
  }

  /** A node was seen: heard now, if nothing was heard of it before (no Lease, no earlier sight). */
  nodeSeen(name: string): void {
    throw new NotImplemented('Heartbeats.nodeSeen', section);
  }

  /** When (on the clock, in milliseconds) the node was last heard from; undefined if never. */
  lastHeard(name: string): number | undefined {
    throw new NotImplemented('Heartbeats.lastHeard', section);
  }
}

/**
 * A silent node's conditions: each one as it was, with status "Unknown", reason
 * "NodeStatusUnknown", message "Kubelet stopped posting node status." and lastTransitionTime
 * `now` (RFC 3339, whole seconds: rfc3339 in harness/clock.ts).
 */
export function unknownConditions(conditions: NodeCondition[], now: number): NodeCondition[] {
  throw new NotImplemented('unknownConditions', section);
}

/** What one look at a node does. */
export type NodeAction = 'mark' | 'clear' | 'none';

/**
 * Silent (last heard more than `gracePeriodMs` before `now`; never heard of counts as heard now):
 * "mark" it, unless it already carries the taint unreachableTaintKey ("none": the taint eviction
 * controller takes it from there). Not silent: "clear" when it carries that taint, else "none".
 */
export function nodeAction(
  node: Node,
  lastHeard: number | undefined,
  now: number,
  gracePeriodMs: number,
): NodeAction {
  throw new NotImplemented('nodeAction', section);
}

export class NodeLifecycleController {
  readonly heartbeats: Heartbeats;
  private readonly options: NodeLifecycleOptions;
  private readonly clock: TimerClock;

  /**
   * Make the informers on nodes and on leases in kube-node-lease (with this.clock) here, once:
   * monitor reads the nodes.
   */
  constructor(options: NodeLifecycleOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.heartbeats = new Heartbeats(this.clock);
  }

  /**
   * Runs the informers. A Lease added or updated:
   * heartbeats.leaseSeen(its name, spec.renewTime); a node added: heartbeats.nodeSeen. Once both
   * have synced, call monitor() every monitorPeriodMs (5 s) on the
   * clock (setTimeout, set again when each pass ends, a failed pass ignored) until the signal
   * aborts; then clear the timer and resolve.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('NodeLifecycleController.run', section);
  }

  /**
   * One look at every node of the informer, at now on the clock: nodeAction with
   * heartbeats.lastHeard and gracePeriodMs (50 s). "mark": markUnreachable; "clear":
   * clearUnreachable.
   */
  async monitor(): Promise<void> {
    throw new NotImplemented('NodeLifecycleController.monitor', section);
  }

  /**
   * The node's conditions become unknownConditions (its status, with updateWithRetry and status:
   * true), then its spec gets the taint { key: unreachableTaintKey, effect: "NoExecute",
   * timeAdded: now } unless it already has one with that key.
   */
  async markUnreachable(name: string, now: number): Promise<void> {
    throw new NotImplemented('NodeLifecycleController.markUnreachable', section);
  }

  /** Takes the taint with key unreachableTaintKey off the node, leaving its other taints. */
  async clearUnreachable(name: string): Promise<void> {
    throw new NotImplemented('NodeLifecycleController.clearUnreachable', section);
  }
}

export function createNodeLifecycleController(
  options: NodeLifecycleOptions,
): NodeLifecycleController {
  return new NodeLifecycleController(options);
}
