// The scheduling cache: every node with the pods on it, as the scheduler last decided or saw.
// It is fed by the node and pod informers, and by the scheduler itself: the moment a pod is given a
// node, the cache *assumes* it there, before the binding is written and long before the watch
// reports it. Without that, a burst of pods would all see the last free slot of a node as free and
// all be placed on it. When the watch later shows the pod bound, the assumption is confirmed; if
// the binding fails, the scheduler forgets it.
import type { Node, Pod } from '../../harness/api/types.ts';
import { NodeInfo } from './node-info.ts';

const podKey = (pod: Pod) => `${pod.metadata.namespace}/${pod.metadata.name}`;

export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  /** Names of nodes the node informer knows; pods may arrive for a node before the node does. */
  private readonly known = new Set<string>();
  /** The known nodes' infos, kept as a list: the scheduler reads it for every pod. */
  private list: NodeInfo[] = [];
  /** pod key → the node the cache counts it on. */
  private readonly placed = new Map<string, string>();
  private readonly assumed = new Set<string>();

  private infoFor(name: string): NodeInfo {
    let info = this.infos.get(name);
    if (!info) this.infos.set(name, (info = new NodeInfo({ metadata: { name } })));
    return info;
  }

  setNode(node: Node): void {
    const info = this.infoFor(node.metadata.name!);
    info.setNode(node);
    if (!this.known.has(info.name)) {
      this.known.add(info.name);
      this.list.push(info);
    }
  }

  removeNode(name: string): void {
    if (!this.known.delete(name)) return;
    this.list = this.list.filter((info) => info.name !== name);
    const info = this.infos.get(name);
    if (info && info.pods.size === 0) this.infos.delete(name);
  }

  /** The nodes pods can be placed on, in the order they were first seen. */
  nodes(): readonly NodeInfo[] {
    return this.list;
  }

  node(name: string): NodeInfo | undefined {
    return this.known.has(name) ? this.infos.get(name) : undefined;
  }

  /** A pod the watch shows bound to a node: counted there, and no longer just assumed. */
  addPod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = pod.spec.nodeName!;
    const before = this.placed.get(key);
    if (before && before !== nodeName) this.infos.get(before)?.removePod(pod);
    this.infoFor(nodeName).addPod(pod);
    this.placed.set(key, nodeName);
    this.assumed.delete(key);
  }

  /** A pod that is gone (or finished): it frees what it held. */
  removePod(pod: Pod): void {
    const key = podKey(pod);
    const nodeName = this.placed.get(key);
    if (nodeName) this.infos.get(nodeName)?.removePod(pod);
    this.placed.delete(key);
    this.assumed.delete(key);
  }

  /** Counts a pod on a node as soon as it is chosen, before its binding is even sent. */
  assume(pod: Pod, nodeName: string): void {
    this.addPod({ ...pod, spec: { ...pod.spec, nodeName } });
    this.assumed.add(podKey(pod));
  }

  /** Undoes an assumption whose binding failed. */
  forget(pod: Pod): void {
    if (this.assumed.has(podKey(pod))) this.removePod(pod);
  }

  isAssumed(pod: Pod): boolean {
    return this.assumed.has(podKey(pod));
  }
}
