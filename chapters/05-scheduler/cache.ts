// The scheduling cache: every node with the pods on it, as the scheduler last decided or saw.
// It is fed by the node and pod informers, and by the scheduler itself: the moment a pod is given a
// node, the cache *assumes* it there, before the binding is written and long before the watch
// reports it. Without that, a burst of pods would all see the last free slot of a node as free and
// all be placed on it. When the watch later shows the pod bound, the assumption is confirmed; if
// the binding fails, the scheduler forgets it.
import type { Node, Pod } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { NodeInfo } from './node-info.ts';

const section = '§ The scheduling cache';

/**
 * Suggested state: a NodeInfo per node name (made on first need, even for a node not seen yet); the
 * names of the nodes the informer has shown; for each pod key, the node it is counted on; the keys
 * of the assumed pods.
 */
export class SchedulerCache {
  /** A node from the informer, added or changed (NodeInfo.setNode). */
  setNode(node: Node): void {
    throw new NotImplemented('SchedulerCache.setNode', section);
  }

  removeNode(name: string): void {
    throw new NotImplemented('SchedulerCache.removeNode', section);
  }

  /**
   * The NodeInfos of the nodes the informer has shown, in the order they were first shown. Asked
   * for every pod: keep the list rather than building it each time.
   */
  nodes(): readonly NodeInfo[] {
    throw new NotImplemented('SchedulerCache.nodes', section);
  }

  /** One node's NodeInfo, if the informer has shown that node. */
  node(name: string): NodeInfo | undefined {
    throw new NotImplemented('SchedulerCache.node', section);
  }

  /**
   * A pod seen bound (spec.nodeName set): counted on that node (moved, if it was counted on
   * another), and no longer assumed.
   */
  addPod(pod: Pod): void {
    throw new NotImplemented('SchedulerCache.addPod', section);
  }

  /** A pod gone or finished: no longer counted anywhere, nor assumed. */
  removePod(pod: Pod): void {
    throw new NotImplemented('SchedulerCache.removePod', section);
  }

  /** Counts the pod on `nodeName` at once, and remembers that it is only assumed. */
  assume(pod: Pod, nodeName: string): void {
    throw new NotImplemented('SchedulerCache.assume', section);
  }

  /** Undoes an assumption (the binding failed). Does nothing for a pod that is not assumed. */
  forget(pod: Pod): void {
    throw new NotImplemented('SchedulerCache.forget', section);
  }

  isAssumed(pod: Pod): boolean {
    throw new NotImplemented('SchedulerCache.isAssumed', section);
  }
}
