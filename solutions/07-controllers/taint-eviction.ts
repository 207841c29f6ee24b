// The taint eviction controller: a node's NoExecute taints move its pods off it. Whoever taints a
// node (the node lifecycle controller with node.kubernetes.io/unreachable, an administrator with
// `kubectl taint node n1 k=v:NoExecute`), the pods there that do not tolerate every NoExecute taint
// are deleted at once. A pod that tolerates them all stays for the smallest tolerationSeconds among
// the tolerations it uses (one without tolerationSeconds tolerates for ever), counted from when
// this controller first saw it on the tainted node; a taint taken off before then cancels the
// eviction. Every pod carries two such tolerations from the API server (300 s of not-ready and
// unreachable), which is why a silent node keeps its pods five minutes.
//
// As in Kubernetes the time is measured on this controller's own clock, never from the taint's
// timeAdded: that was written with another machine's clock, if anyone wrote it at all.
import type { Node, Pod, PodCondition, Taint, Toleration } from '../../harness/api/types.ts';
import { isNotFound } from '../../harness/client/errors.ts';
import { recordEvent } from '../../harness/client/events.ts';
import type { ApiClient, Controller, Informer, Toolkit } from '../../harness/client/types.ts';
import { rfc3339, systemClock, type TimerClock } from '../../harness/clock.ts';

export interface TaintEvictionOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
}

/** The name it records events under, as kube-controller-manager's does. */
export const component = 'taint-eviction-controller';

/** The taints of a node that evict: those with effect NoExecute. */
export function noExecuteTaints(node: Node | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((taint) => taint.effect === 'NoExecute');
}

/**
 * Whether a toleration tolerates a taint: its effect unset or the same, its key unset or the same,
 * and then Exists (any value) or Equal (the same value; no operator means Equal).
 */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  if (toleration.operator === 'Exists') return true;
  return (toleration.value ?? '') === (taint.value ?? '');
}

/**
 * How many seconds a pod with `tolerations` may stay on a node with these NoExecute `taints`: 0
 * when one taint is not tolerated; else the smallest tolerationSeconds of the tolerations used
 * (for each taint, the first toleration that tolerates it; 0 or less means 0); Infinity when none
 * of those has tolerationSeconds, or there are no taints.
 */
export function secondsToStay(taints: Taint[], tolerations: Toleration[]): number {
  let seconds = Infinity;
  for (const taint of taints) {
    const used = tolerations.find((toleration) => toleratesTaint(toleration, taint));
    if (!used) return 0;
    if (used.tolerationSeconds !== undefined) {
      seconds = Math.min(seconds, Math.max(0, used.tolerationSeconds));
    }
  }
  return seconds;
}

/** The condition a pod gets just before the controller deletes it, as Kubernetes writes it. */
export function disruptionTarget(now: number): PodCondition {
  return {
    type: 'DisruptionTarget',
    status: 'True',
    reason: 'DeletionByTaintManager',
    message: 'Taint manager: deleting due to NoExecute taint',
    lastTransitionTime: rfc3339(now),
  };
}

/** An eviction waiting for its time: when the pod was first seen to have to go. */
interface Scheduled {
  /** Which pod: one deleted and made again under the same name starts afresh. */
  uid: string | undefined;
  since: number;
  /** The pod was deleted: nothing more to do, and nothing to cancel. */
  evicted: boolean;
}

export class TaintEvictionController {
  private readonly options: TaintEvictionOptions;
  private readonly clock: TimerClock;
  private readonly nodes: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly controller: Controller;
  /** Evictions under way, by pod key. */
  readonly scheduled = new Map<string, Scheduled>();

  constructor(options: TaintEvictionOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    const { toolkit, client } = options;
    this.nodes = toolkit.createInformer(client.resource<Node>('nodes'), { clock: this.clock });
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'), {
      clock: this.clock,
      indexers: { nodeName: toolkit.indexers.nodeName },
    });
    this.controller = toolkit.createController({
      name: component,
      queue: toolkit.createWorkQueue({ clock: this.clock }),
      reconcile: (key) => this.reconcile(key),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    const { toolkit } = this.options;
    const { nodes, pods, controller } = this;
    controller.watch(pods);
    // A node concerns the pods on it, while it has NoExecute taints (an update hands in the node
    // before and after, so taking the last taint off still reaches them).
    controller.watch(nodes, (node) =>
      noExecuteTaints(node).length === 0
        ? []
        : pods.byIndex('nodeName', node.metadata.name!).map((pod) => toolkit.keyOf(pod)),
    );
    await controller.run(signal);
  }

  /**
   * One pod: deleted now if it must go now; looked at again when its time comes if it may stay a
   * while; its eviction cancelled if it may stay for ever (or is gone, or being deleted).
   */
  async reconcile(key: string): Promise<void> {
    const pod = this.pods.get(key);
    const node = pod?.spec.nodeName ? this.nodes.get(pod.spec.nodeName) : undefined;
    const seconds =
      pod && !pod.metadata.deletionTimestamp
        ? secondsToStay(noExecuteTaints(node), pod.spec.tolerations ?? [])
        : Infinity;
    if (seconds === Infinity || !pod) return this.cancel(key, pod);
    const uid = pod.metadata.uid;
    const entry = this.scheduled.get(key);
    const scheduled = entry?.uid === uid ? entry : undefined;
    if (scheduled?.evicted) return;
    const now = this.clock.now();
    const since = scheduled?.since ?? now;
    this.scheduled.set(key, { uid, since, evicted: false });
    const due = since + seconds * 1000;
    if (now < due) return this.controller.queue.addAfter(key, due - now);
    await this.evict(pod);
    this.scheduled.set(key, { uid, since, evicted: true });
  }

  /** Forgets a pod's eviction; one still waiting is cancelled with an event, as Kubernetes does. */
  async cancel(key: string, pod: Pod | undefined): Promise<void> {
    const scheduled = this.scheduled.get(key);
    this.scheduled.delete(key);
    if (!scheduled || scheduled.evicted) return;
    const [namespace, name] = key.split('/') as [string, string];
    const subject = pod ?? { metadata: { namespace, name } };
    await recordEvent(
      this.options.client,
      component,
      { ...subject, apiVersion: 'v1', kind: 'Pod' },
      {
        type: 'Normal',
        reason: 'TaintManagerEviction',
        message: `Cancelling deletion of Pod ${key}`,
      },
      this.clock,
    );
  }

  /**
   * Evicts a pod: the event "Marking for deletion Pod ns/name", the DisruptionTarget condition on
   * its status, then the delete (a pod already gone is fine).
   */
  async evict(pod: Pod): Promise<void> {
    const { client, toolkit } = this.options;
    const { namespace, name } = pod.metadata;
    await recordEvent(
      client,
      component,
      { ...pod, apiVersion: 'v1', kind: 'Pod' },
      {
        type: 'Normal',
        reason: 'TaintManagerEviction',
        message: `Marking for deletion Pod ${namespace}/${name}`,
      },
      this.clock,
    );
    const pods = client.resource<Pod>('pods', namespace);
    const condition = disruptionTarget(this.clock.now());
    try {
      await toolkit.updateWithRetry(
        pods,
        name!,
        (current) => {
          const others = (current.status?.conditions ?? []).filter(
            (c) => c.type !== condition.type,
          );
          current.status = { ...current.status, conditions: [...others, condition] };
        },
        { status: true },
      );
      await pods.delete(name!);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

export function createTaintEvictionController(
  options: TaintEvictionOptions,
): TaintEvictionController {
  return new TaintEvictionController(options);
}
