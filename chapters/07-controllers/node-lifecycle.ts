// The node lifecycle controller: what the cluster does when a node goes silent. Kubelets renew a
// Lease every 10 s (chapter 06); this controller watches the Leases, and a node whose Lease has not
// moved for the grace period (50 s) is marked: every condition Unknown, "Kubelet stopped posting
// node status.", and the taint node.kubernetes.io/unreachable:NoExecute. The taint is what moves
// the pods: a pod tolerates it for its tolerationSeconds (300 s by default), and is then evicted
// (deleted), so its ReplicaSet makes a new one that the scheduler puts on a healthy node. When the
// Lease moves again, the taint is taken off.
//
// "Not moved for 50 s" is measured on this controller's clock, from when it saw the Lease change,
// never by comparing renewTime with its own clock (see leader election, chapter 04).
import type { Pod } from '../../harness/api/types.ts';
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
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
  /** How long pods tolerate an unreachable node unless they say otherwise. 300 s. */
  defaultTolerationSeconds?: number;
}

export const unreachableTaintKey = 'node.kubernetes.io/unreachable';

/**
 * How long a pod stays on an unreachable node: the tolerationSeconds of its first toleration that
 * tolerates the unreachable NoExecute taint (Infinity when it gives none), else `defaultSeconds`.
 */
export function tolerationSecondsFor(pod: Pod, defaultSeconds: number): number {
  throw new NotImplemented('tolerationSecondsFor', section);
}

export class NodeLifecycleController {
  private readonly options: NodeLifecycleOptions;
  private readonly clock: TimerClock;

  constructor(options: NodeLifecycleOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Informers on nodes, on leases in kube-node-lease, and on pods (nodeName index). Remember, per
   * node, when (on the clock) its Lease's renewTime was last seen to change (a node with no Lease:
   * when the node was first seen). Once all have synced, call monitor() every monitorPeriodMs on
   * the clock until the signal aborts; run resolves then.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('NodeLifecycleController.run', section);
  }

  /**
   * One look at every node. Silent (not heard from for more than gracePeriodMs) and not tainted:
   * every condition Unknown, reason NodeStatusUnknown, message "Kubelet stopped posting node
   * status." (pods/status of the node), then the taint { key: unreachableTaintKey, effect:
   * NoExecute, timeAdded: now }. Heard from and tainted: take the taint off. Silent and tainted:
   * delete each pod on the node (not being deleted already) whose toleration
   * (tolerationSecondsFor) has run out since the taint's timeAdded.
   */
  async monitor(): Promise<void> {
    throw new NotImplemented('NodeLifecycleController.monitor', section);
  }
}

export function createNodeLifecycleController(
  options: NodeLifecycleOptions,
): NodeLifecycleController {
  return new NodeLifecycleController(options);
}
