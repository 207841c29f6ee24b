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
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Taint eviction';

export interface TaintEvictionOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
}

/** The name it records events under, as kube-controller-manager's does. */
export const component = 'taint-eviction-controller';

/** The taints of a node (none for a node that is undefined) whose effect is NoExecute. */
export function noExecuteTaints(node: Node | undefined): Taint[] {
  throw new NotImplemented('noExecuteTaints', section);
}

/**
 * Whether a toleration tolerates a taint: its effect unset or the taint's, its key unset or the
 * taint's; then operator "Exists" tolerates any value, and "Equal" (or no operator) only the
 * taint's value (an unset value counts as "").
 */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  throw new NotImplemented('toleratesTaint', section);
}

/**
 * How many seconds a pod with `tolerations` may stay on a node with these NoExecute `taints`. For
 * each taint the toleration used is the first one that tolerates it; a taint no toleration
 * tolerates means 0 (go now). Otherwise the smallest tolerationSeconds among the tolerations used
 * (0 or less counts as 0), or Infinity when none of them has tolerationSeconds (or no taints).
 */
export function secondsToStay(taints: Taint[], tolerations: Toleration[]): number {
  throw new NotImplemented('secondsToStay', section);
}

/**
 * The condition a pod gets just before it is deleted: type "DisruptionTarget", status "True",
 * reason "DeletionByTaintManager", message "Taint manager: deleting due to NoExecute taint",
 * lastTransitionTime `now` (rfc3339 in harness/clock.ts).
 */
export function disruptionTarget(now: number): PodCondition {
  throw new NotImplemented('disruptionTarget', section);
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
  /** Evictions under way, by pod key ("namespace/name"). */
  readonly scheduled = new Map<string, Scheduled>();
  private readonly options: TaintEvictionOptions;
  private readonly clock: TimerClock;

  /**
   * Make here, once, what reconcile reads: the informers on nodes and on pods (nodeName index), on
   * the clock, and a controller named `component` whose queue is toolkit.createWorkQueue({ clock }),
   * reconciling pod keys.
   */
  constructor(options: TaintEvictionOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * The controller watches the pods (their own keys) and the nodes: a node with NoExecute taints
   * maps to the keys of its pods, one without to none. Resolves once the signal aborts and the
   * controller stops.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('TaintEvictionController.run', section);
  }

  /**
   * One pod, by key: secondsToStay for its node's NoExecute taints and its tolerations (Infinity
   * for a pod that is gone, being deleted, or on no node). Infinity: cancel. An eviction already
   * done for this pod (same uid): nothing. Otherwise the eviction runs from `since` (kept in
   * `scheduled` with the pod's uid; now on the clock when the pod, by that uid, is first seen to
   * have to go): before `since + seconds`, add the key back after
   * the time left (queue.addAfter); at or after it, evict, and remember it as evicted.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('TaintEvictionController.reconcile', section);
  }

  /**
   * Forgets the pod's entry in `scheduled`. One still waiting (not evicted) is cancelled with an
   * event on the pod (recordEvent, harness/client/events.ts; a pod that is gone is named from its
   * key): Normal, reason "TaintManagerEviction", message "Cancelling deletion of Pod <key>".
   */
  async cancel(key: string, pod: Pod | undefined): Promise<void> {
    throw new NotImplemented('TaintEvictionController.cancel', section);
  }

  /**
   * Evicts a pod: first the event (Normal, "TaintManagerEviction", "Marking for deletion Pod
   * <namespace>/<name>", on the pod with apiVersion v1 and kind Pod, from `component`), then the
   * disruptionTarget condition in its status (updateWithRetry with status: true, replacing any
   * condition of that type), then the delete. A pod already gone (NotFound) is fine.
   */
  async evict(pod: Pod): Promise<void> {
    throw new NotImplemented('TaintEvictionController.evict', section);
  }
}

export function createTaintEvictionController(
  options: TaintEvictionOptions,
): TaintEvictionController {
  return new TaintEvictionController(options);
}
