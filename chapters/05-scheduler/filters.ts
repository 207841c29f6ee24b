// Filters: can this pod run on this node at all? Each filter is a plain function of a pod and a
// NodeInfo, named after the kube-scheduler plugin that does the same, and answers the reasons it
// cannot (an empty list: it can). The reasons are Kubernetes' own words, because they end up in the
// message `kubectl describe pod` shows: "0/3 nodes are available: 1 Insufficient cpu, ...".
import type { Pod, Taint, Toleration } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { NodeInfo } from './node-info.ts';

const section = '§ Filters';

export type Filter = (pod: Pod, node: NodeInfo) => string[];

/**
 * Whether one toleration tolerates one taint: its effect, if it names one, must be the taint's;
 * operator Exists needs only the key (no key at all: every taint); otherwise (Equal, the default)
 * the key and the value must both match.
 */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  throw new NotImplemented('tolerates', section);
}

/**
 * NodeUnschedulable: a node with spec.unschedulable (cordoned) takes no pod, unless the pod
 * tolerates the taint node.kubernetes.io/unschedulable:NoSchedule. Reason: "node(s) were
 * unschedulable".
 */
export const nodeUnschedulable: Filter = (pod, node) => {
  throw new NotImplemented('nodeUnschedulable', section);
};

/**
 * A node whose Ready condition is not "True" takes no pod, unless the pod tolerates the taint
 * node.kubernetes.io/not-ready:NoSchedule. Reason: "node(s) had untolerated taint
 * {node.kubernetes.io/not-ready: }".
 */
export const nodeReady: Filter = (pod, node) => {
  throw new NotImplemented('nodeReady', section);
};

/**
 * NodeResourcesFit, each reason that holds, in this order: "Too many pods" (one more pod than
 * allocatable.pods), "Insufficient cpu", "Insufficient memory" (what is requested on the node plus
 * the pod's request, when it requests any, above allocatable).
 */
export const nodeResourcesFit: Filter = (pod, node) => {
  throw new NotImplemented('nodeResourcesFit', section);
};

/**
 * NodeAffinity: every nodeSelector label must be on the node with that value, and, if the pod has
 * required node affinity, at least one of its nodeSelectorTerms must hold (a term holds when all
 * its matchExpressions do: In, NotIn, Exists, DoesNotExist, and Gt and Lt comparing integers, and
 * all its matchFields, the same requirements on the node's fields, of which there is one:
 * metadata.name). Reason: "node(s) didn't match Pod's node affinity/selector".
 */
export const nodeAffinity: Filter = (pod, node) => {
  throw new NotImplemented('nodeAffinity', section);
};

/**
 * TaintToleration: the first taint with effect NoSchedule or NoExecute that the pod does not
 * tolerate keeps it out. Reason: "node(s) had untolerated taint {<key>: <value>}".
 */
export const taintToleration: Filter = (pod, node) => {
  throw new NotImplemented('taintToleration', section);
};

/**
 * NodePorts: a host port the pod wants that is in use on the node. Reason: "node(s) didn't have
 * free ports for the requested pod ports".
 */
export const nodePorts: Filter = (pod, node) => {
  throw new NotImplemented('nodePorts', section);
};

/** The filters, in kube-scheduler's order. A node fails at the first filter with reasons. */
export const defaultFilters: Filter[] = [
  nodeUnschedulable,
  nodeReady,
  taintToleration,
  nodeAffinity,
  nodePorts,
  nodeResourcesFit,
];

/** The reasons a pod cannot run on a node: the first filter's that has any, or none. */
export function filterNode(pod: Pod, node: NodeInfo, filters: Filter[] = defaultFilters): string[] {
  throw new NotImplemented('filterNode', section);
}

/**
 * "0/<nodeCount> nodes are available: <count> <reason>, ...." with one "<count> <reason>" per
 * distinct reason (count: how many nodes gave it), these strings sorted; with no nodes at all,
 * "no nodes available to schedule pods".
 */
export function unschedulableMessage(nodeCount: number, reasonsByNode: string[][]): string {
  throw new NotImplemented('unschedulableMessage', section);
}
