// Daemon pods: which nodes a DaemonSet's pod belongs on, and the pod it puts there. A DaemonSet
// wants one copy of its pod on every node that can take it, so the first question is per node:
// should it run here (nodeSelector, required node affinity, and taints its pod does not
// tolerate), and, once running, may it stay (only a NoExecute taint drives a running pod out)?
//
// Since Kubernetes 1.12 the DaemonSet controller does not pick the node itself: it pins each pod
// to its node with required node affinity on the field metadata.name, and the scheduler places it
// like any pod (chapter 05 reads matchFields). Every daemon pod also gets tolerations for the
// taints a node carries when it is unhealthy or cordoned: a log collector or a network agent must
// keep running on a node in trouble.
import type {
  DaemonSet,
  Node,
  NodeSelectorRequirement,
  OwnerReference,
  Pod,
  Taint,
  Toleration,
} from '../../harness/api/types.ts';

/** The label every pod of a DaemonSet or StatefulSet carries: which ControllerRevision it is of. */
export const revisionHashLabel = 'controller-revision-hash';

/** One requirement against a map of values (a node's labels, or its fields). */
export function matchesRequirement(
  values: Record<string, string>,
  { key, operator, values: wanted = [] }: NodeSelectorRequirement,
): boolean {
  const value = values[key];
  if (operator === 'In') return value !== undefined && wanted.includes(value);
  if (operator === 'NotIn') return value === undefined || !wanted.includes(value);
  if (operator === 'Exists') return value !== undefined;
  if (operator === 'DoesNotExist') return value === undefined;
  const number = Number.parseInt(value ?? '', 10);
  const bound = Number.parseInt(wanted[0] ?? '', 10);
  return operator === 'Gt' ? number > bound : operator === 'Lt' ? number < bound : false;
}

/**
 * Whether the node matches the pod's nodeSelector (every label) and its required node affinity
 * (any one term; in a term, every matchExpression on the labels and every matchField on the
 * node's fields, of which there is metadata.name).
 */
export function matchesNodeAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  const fields = { 'metadata.name': node.metadata.name ?? '' };
  const selected = Object.entries(pod.spec.nodeSelector ?? {}).every(
    ([key, value]) => labels[key] === value,
  );
  const terms =
    pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms;
  const affine =
    !terms ||
    terms.some(
      (term) =>
        (term.matchExpressions ?? []).every((r) => matchesRequirement(labels, r)) &&
        (term.matchFields ?? []).every((r) => matchesRequirement(fields, r)),
    );
  return selected && affine;
}

/** Whether one toleration tolerates one taint: effect (if named), then Exists or Equal. */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === 'Exists') return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}

/** The node's NoSchedule and NoExecute taints that none of the pod's tolerations tolerates. */
export function untoleratedTaints(pod: Pod, node: Node): Taint[] {
  return (node.spec?.taints ?? []).filter(
    (taint) =>
      taint.effect !== 'PreferNoSchedule' &&
      !(pod.spec.tolerations ?? []).some((toleration) => tolerates(toleration, taint)),
  );
}

/** What a node is to a DaemonSet's pod. */
export interface NodeFit {
  /** A pod should be created here if there is none. */
  shouldRun: boolean;
  /** A pod already here may stay (it fits, or only NoSchedule taints keep new ones out). */
  shouldContinueRunning: boolean;
}

/**
 * Whether a DaemonSet's pod (as daemonPodFor makes it, with the automatic tolerations) belongs on
 * the node. A node that does not match the affinity gets neither; an untolerated NoSchedule taint
 * stops new pods but lets a running one stay; an untolerated NoExecute taint stops both.
 */
export function nodeFit(pod: Pod, node: Node): NodeFit {
  if (!matchesNodeAffinity(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = untoleratedTaints(pod, node);
  return {
    shouldRun: taints.length === 0,
    shouldContinueRunning: !taints.some((taint) => taint.effect === 'NoExecute'),
  };
}

/**
 * The tolerations every daemon pod gets besides its own (kube's AddOrUpdateDaemonPodTolerations):
 * not-ready and unreachable (NoExecute), the disk, memory and pid pressures and unschedulable
 * (NoSchedule), and network-unavailable when the pod uses the host's network.
 */
export function daemonTolerations(pod: Pod): Toleration[] {
  const exists = (key: string, effect: Toleration['effect']): Toleration => ({
    key: `node.kubernetes.io/${key}`,
    operator: 'Exists',
    effect,
  });
  const added = [
    exists('not-ready', 'NoExecute'),
    exists('unreachable', 'NoExecute'),
    exists('disk-pressure', 'NoSchedule'),
    exists('memory-pressure', 'NoSchedule'),
    exists('pid-pressure', 'NoSchedule'),
    exists('unschedulable', 'NoSchedule'),
  ];
  if (pod.spec.hostNetwork) added.push(exists('network-unavailable', 'NoSchedule'));
  const own = pod.spec.tolerations ?? [];
  const missing = added.filter(
    (toleration) => !own.some((t) => t.key === toleration.key && t.effect === toleration.effect),
  );
  return [...own, ...missing];
}

/**
 * The pod pinned to one node: its required node affinity replaced by a single term, matchFields
 * metadata.name In [node] (the node already matched the old terms, so nothing is lost); its
 * preferred affinity, if any, kept. The scheduler then has only that node to choose.
 */
export function pinToNode(pod: Pod, nodeName: string): Pod {
  const pinned = structuredClone(pod);
  const required = {
    nodeSelectorTerms: [
      { matchFields: [{ key: 'metadata.name', operator: 'In' as const, values: [nodeName] }] },
    ],
  };
  pinned.spec.affinity = {
    ...pinned.spec.affinity,
    nodeAffinity: {
      ...pinned.spec.affinity?.nodeAffinity,
      requiredDuringSchedulingIgnoredDuringExecution: required,
    },
  };
  return pinned;
}

/** The controller ownerReference a DaemonSet puts on its pods and ControllerRevisions. */
export function ownerReferenceTo(ds: DaemonSet): OwnerReference {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    name: ds.metadata.name!,
    uid: ds.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * The DaemonSet's pod, before it is pinned: from the template, generateName "<ds>-", owned by
 * the DaemonSet, labelled with the revision hash `hash`, with the automatic tolerations.
 */
export function daemonPod(ds: DaemonSet, hash: string): Pod {
  const template = structuredClone(ds.spec.template);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...template.metadata,
      labels: { ...template.metadata?.labels, [revisionHashLabel]: hash },
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      ownerReferences: [ownerReferenceTo(ds)],
    },
    spec: template.spec,
  };
  pod.spec.tolerations = daemonTolerations(pod);
  return pod;
}

/** The daemon pod for one node: daemonPod pinned to it. */
export function daemonPodFor(ds: DaemonSet, hash: string, nodeName: string): Pod {
  return pinToNode(daemonPod(ds, hash), nodeName);
}
