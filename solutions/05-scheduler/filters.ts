// Filters: can this pod run on this node at all? Each filter is a plain function of a pod and a
// NodeInfo, named after the kube-scheduler plugin that does the same, and answers the reasons it
// cannot (an empty list: it can). The reasons are Kubernetes' own words, because they end up in the
// message `kubectl describe pod` shows: "0/3 nodes are available: 1 Insufficient cpu, ...".
import type { Pod, Taint, Toleration } from '../../harness/api/types.ts';
import { hostPortsOf, podRequests, type NodeInfo } from './node-info.ts';

export type Filter = (pod: Pod, node: NodeInfo) => string[];

/** Whether one toleration tolerates one taint: same key (or Exists with no key), value and effect. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === 'Exists') return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}

const tolerated = (pod: Pod, taint: Taint) =>
  (pod.spec.tolerations ?? []).some((toleration) => tolerates(toleration, taint));

/** A cordoned node (`kubectl cordon`) takes no new pods. */
export const nodeUnschedulable: Filter = (pod, node) => {
  const taint: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };
  return node.node.spec?.unschedulable && !tolerated(pod, taint)
    ? ['node(s) were unschedulable']
    : [];
};

/**
 * A node whose Ready condition is not True takes no new pods. In Kubernetes the node lifecycle
 * controller taints such a node node.kubernetes.io/not-ready and TaintToleration refuses it; here
 * the scheduler reads the condition itself, so it needs no controller, and says the same.
 */
export const nodeReady: Filter = (pod, node) => {
  const ready = node.node.status?.conditions?.find((condition) => condition.type === 'Ready');
  const taint: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };
  return ready?.status !== 'True' && !tolerated(pod, taint)
    ? ['node(s) had untolerated taint {node.kubernetes.io/not-ready: }']
    : [];
};

/** The requests of the pods already there, plus this pod's, within what the node can allocate. */
export const nodeResourcesFit: Filter = (pod, node) => {
  const wants = podRequests(pod);
  const { allocatable, requested } = node;
  const reasons: string[] = [];
  if (requested.pods + 1 > allocatable.pods) reasons.push('Too many pods');
  if (wants.milliCpu > 0 && requested.milliCpu + wants.milliCpu > allocatable.milliCpu) {
    reasons.push('Insufficient cpu');
  }
  if (wants.memory > 0 && requested.memory + wants.memory > allocatable.memory) {
    reasons.push('Insufficient memory');
  }
  return reasons;
};

/** One label requirement against a node's labels. Gt and Lt compare integers. */
function matchesRequirement(
  labels: Record<string, string>,
  { key, operator, values = [] }: { key: string; operator: string; values?: string[] },
): boolean {
  const value = labels[key];
  switch (operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number.parseInt(value, 10) > Number.parseInt(values[0]!, 10);
    case 'Lt':
      return value !== undefined && Number.parseInt(value, 10) < Number.parseInt(values[0]!, 10);
    default:
      return false;
  }
}

/**
 * nodeSelector (every label must match) and required node affinity (any one term, each term all
 * its expressions). A term's matchFields look at the node's fields instead of its labels, and the
 * only field there is metadata.name: that is how a DaemonSet pins each of its pods to one node.
 * Kubernetes reports both under one reason.
 */
export const nodeAffinity: Filter = (pod, node) => {
  const labels = node.node.metadata.labels ?? {};
  const fields = { 'metadata.name': node.node.metadata.name ?? '' };
  const selectorHolds = Object.entries(pod.spec.nodeSelector ?? {}).every(
    ([key, value]) => labels[key] === value,
  );
  const terms =
    pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms;
  const affinityHolds =
    !terms ||
    terms.some(
      (term) =>
        (term.matchExpressions ?? []).every((requirement) =>
          matchesRequirement(labels, requirement),
        ) &&
        (term.matchFields ?? []).every((requirement) => matchesRequirement(fields, requirement)),
    );
  return selectorHolds && affinityHolds
    ? []
    : ["node(s) didn't match Pod's node affinity/selector"];
};

/** A taint with effect NoSchedule or NoExecute keeps out every pod that does not tolerate it. */
export const taintToleration: Filter = (pod, node) => {
  const taint = (node.node.spec?.taints ?? []).find(
    (candidate) => candidate.effect !== 'PreferNoSchedule' && !tolerated(pod, candidate),
  );
  return taint ? [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`] : [];
};

/** A host port can be bound once per node. */
export const nodePorts: Filter = (pod, node) =>
  hostPortsOf(pod).some((port) => node.usedPorts.has(port))
    ? ["node(s) didn't have free ports for the requested pod ports"]
    : [];

/** The filters, in kube-scheduler's order. A node fails at the first filter with reasons. */
export const defaultFilters: Filter[] = [
  nodeUnschedulable,
  nodeReady,
  taintToleration,
  nodeAffinity,
  nodePorts,
  nodeResourcesFit,
];

/** The reasons a pod cannot run on a node: the first failing filter's, or none. */
export function filterNode(pod: Pod, node: NodeInfo, filters: Filter[] = defaultFilters): string[] {
  for (const filter of filters) {
    const reasons = filter(pod, node);
    if (reasons.length > 0) return reasons;
  }
  return [];
}

/**
 * What the pod's PodScheduled condition says when no node fits: each reason with the number of
 * nodes that gave it, the "count reason" strings in sorted order, as kube-scheduler prints them.
 */
export function unschedulableMessage(nodeCount: number, reasonsByNode: string[][]): string {
  if (nodeCount === 0) return 'no nodes available to schedule pods';
  const counts = new Map<string, number>();
  for (const reasons of reasonsByNode) {
    for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const parts = [...counts].map(([reason, count]) => `${count} ${reason}`).sort();
  const detail = parts.length > 0 ? `: ${parts.join(', ')}` : '';
  return `0/${nodeCount} nodes are available${detail}.`;
}
