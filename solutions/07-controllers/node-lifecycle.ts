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
import type { Lease, Node, Pod, Taint } from '../../harness/api/types.ts';
import { isNotFound } from '../../harness/client/errors.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type Timer, type TimerClock } from '../../harness/clock.ts';

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

/** How long a pod stays on an unreachable node: its toleration's seconds, or the default. */
export function tolerationSecondsFor(pod: Pod, defaultSeconds: number): number {
  for (const toleration of pod.spec.tolerations ?? []) {
    const key = toleration.key === undefined || toleration.key === unreachableTaintKey;
    const effect = toleration.effect === undefined || toleration.effect === 'NoExecute';
    const operator = toleration.operator === 'Exists' || toleration.key === unreachableTaintKey;
    if (key && effect && operator) return toleration.tolerationSeconds ?? Infinity;
  }
  return defaultSeconds;
}

const rfc3339 = (milliseconds: number) =>
  new Date(milliseconds).toISOString().replace(/\.\d+Z$/, 'Z');

export class NodeLifecycleController {
  private readonly options: NodeLifecycleOptions;
  private readonly clock: TimerClock;
  /** Per node: the renewTime last seen, and when (on our clock) it was seen to change. */
  private readonly heard = new Map<string, { renewTime?: string; at: number }>();
  private nodes: Informer<Node> | undefined;
  private pods: Informer<Pod> | undefined;

  constructor(options: NodeLifecycleOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  async run(signal: AbortSignal): Promise<void> {
    const { toolkit, client } = this.options;
    const nodes = toolkit.createInformer(client.resource<Node>('nodes'), { clock: this.clock });
    const leases = toolkit.createInformer(client.resource<Lease>('leases', 'kube-node-lease'), {
      clock: this.clock,
    });
    const pods = toolkit.createInformer(client.resource<Pod>('pods'), {
      clock: this.clock,
      indexers: { nodeName: toolkit.indexers.nodeName },
    });
    this.nodes = nodes;
    this.pods = pods;
    const hear = (lease: Lease) => {
      const name = lease.metadata.name!;
      const before = this.heard.get(name);
      if (before?.renewTime !== lease.spec?.renewTime) {
        this.heard.set(name, { renewTime: lease.spec?.renewTime, at: this.clock.now() });
      }
    };
    leases.addEventHandlers({ add: hear, update: (_old, lease) => hear(lease) });
    // A node with no Lease yet counts as heard from when it is first seen.
    nodes.addEventHandlers({
      add: (node) => {
        if (!this.heard.has(node.metadata.name!)) {
          this.heard.set(node.metadata.name!, { at: this.clock.now() });
        }
      },
    });
    for (const informer of [nodes, leases, pods] as Informer[]) informer.run(signal);
    await Promise.all(
      [nodes, leases, pods].map((informer) => (informer as Informer).waitForSync(signal)),
    );

    let timer: Timer | undefined;
    const tick = () => {
      void this.monitor()
        .catch(() => {})
        .finally(() => {
          if (!signal.aborted)
            timer = this.clock.setTimeout(tick, this.options.monitorPeriodMs ?? 5000);
        });
    };
    timer = this.clock.setTimeout(tick, this.options.monitorPeriodMs ?? 5000);
    await new Promise<void>((resolve) =>
      signal.addEventListener('abort', () => {
        if (timer !== undefined) this.clock.clearTimeout(timer);
        resolve();
      }),
    );
  }

  /** One look at every node: mark the silent, clear the heard, evict what has waited long enough. */
  async monitor(): Promise<void> {
    const now = this.clock.now();
    const grace = this.options.gracePeriodMs ?? 50_000;
    for (const node of this.nodes?.list() ?? []) {
      const name = node.metadata.name!;
      const silent = now - (this.heard.get(name)?.at ?? now) > grace;
      const taint = node.spec?.taints?.find((candidate) => candidate.key === unreachableTaintKey);
      if (silent && !taint) await this.markUnreachable(name, now);
      else if (!silent && taint) await this.clearUnreachable(name);
      else if (silent && taint)
        await this.evict(name, Date.parse(taint.timeAdded ?? '') || now, now);
    }
  }

  private async markUnreachable(name: string, now: number): Promise<void> {
    const { toolkit, client } = this.options;
    const nodes = client.resource<Node>('nodes');
    await toolkit.updateWithRetry(
      nodes,
      name,
      (node) => {
        node.status = {
          ...node.status,
          conditions: (node.status?.conditions ?? []).map((condition) => ({
            ...condition,
            status: 'Unknown',
            reason: 'NodeStatusUnknown',
            message: 'Kubelet stopped posting node status.',
            lastTransitionTime: rfc3339(now),
          })),
        };
      },
      { status: true },
    );
    const taint: Taint = { key: unreachableTaintKey, effect: 'NoExecute', timeAdded: rfc3339(now) };
    await toolkit.updateWithRetry(nodes, name, (node) => {
      node.spec = { ...node.spec, taints: [...(node.spec?.taints ?? []), taint] };
    });
  }

  private async clearUnreachable(name: string): Promise<void> {
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

  /** Deletes the pods on the node whose toleration of the taint has run out. */
  private async evict(name: string, taintedAt: number, now: number): Promise<void> {
    const defaultSeconds = this.options.defaultTolerationSeconds ?? 300;
    for (const pod of this.pods?.byIndex('nodeName', name) ?? []) {
      if (pod.metadata.deletionTimestamp) continue;
      if (now - taintedAt < tolerationSecondsFor(pod, defaultSeconds) * 1000) continue;
      await this.options.client
        .resource('pods', pod.metadata.namespace)
        .delete(pod.metadata.name!)
        .catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
    }
  }
}

export function createNodeLifecycleController(
  options: NodeLifecycleOptions,
): NodeLifecycleController {
  return new NodeLifecycleController(options);
}
