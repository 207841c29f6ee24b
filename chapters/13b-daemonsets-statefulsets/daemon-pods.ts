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
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Daemon pods';

/** The label every pod of a DaemonSet or StatefulSet carries: which ControllerRevision it is of. */
export const revisionHashLabel = 'controller-revision-hash';

/**
 * One requirement against a map of values (a node's labels, or its fields): In (the value is one
 * of `values`), NotIn (missing, or none of them), Exists, DoesNotExist, and Gt and Lt comparing
 * the value and values[0] as integers (a missing value never matches those).
 */
export function matchesRequirement(
  values: Record<string, string>,
  requirement: NodeSelectorRequirement,
): boolean {
  throw new NotImplemented('matchesRequirement', section);
}

/**
 * Whether the node matches the pod's nodeSelector (every label) and its required node affinity
 * (any one term; in a term, every matchExpression on the labels and every matchField on the
 * node's fields, of which there is metadata.name). No required affinity: no constraint.
 */
export function matchesNodeAffinity(pod: Pod, node: Node): boolean {
  throw new NotImplemented('matchesNodeAffinity', section);
}

/**
 * Whether one toleration tolerates one taint: a toleration naming an effect must name the taint's;
 * Exists tolerates the key (or, with no key, every taint); Equal (the default) needs the key and
 * the value (a missing value is '').
 */
export function tolerates(toleration: Toleration, taint: Taint): boolean {
  throw new NotImplemented('tolerates', section);
}

/** The node's NoSchedule and NoExecute taints that none of the pod's tolerations tolerates. */
export function untoleratedTaints(pod: Pod, node: Node): Taint[] {
  throw new NotImplemented('untoleratedTaints', section);
}

/** What a node is to a DaemonSet's pod. */
export interface NodeFit {
  /** A pod should be created here if there is none. */
  shouldRun: boolean;
  /** A pod already here may stay (it fits, or only NoSchedule taints keep new ones out). */
  shouldContinueRunning: boolean;
}

/**
 * Whether a DaemonSet's pod (as daemonPod makes it, with the automatic tolerations) belongs on
 * the node. A node that does not match the affinity gets neither; an untolerated NoSchedule taint
 * stops new pods but lets a running one stay; an untolerated NoExecute taint stops both.
 */
export function nodeFit(pod: Pod, node: Node): NodeFit {
  throw new NotImplemented('nodeFit', section);
}

/**
 * The pod's tolerations followed by those every daemon pod gets (kube's
 * AddOrUpdateDaemonPodTolerations), each `node.kubernetes.io/<name>` with operator Exists:
 * not-ready and unreachable (NoExecute); disk-pressure, memory-pressure, pid-pressure and
 * unschedulable (NoSchedule); and network-unavailable (NoSchedule) when the pod uses the host's
 * network. One the pod already has (same key and effect) is not added again.
 */
export function daemonTolerations(pod: Pod): Toleration[] {
  throw new NotImplemented('daemonTolerations', section);
}

/**
 * A copy of the pod pinned to one node: its required node affinity replaced by a single term,
 * matchFields metadata.name In [node] (the node already matched the old terms, so nothing is
 * lost); the rest of its affinity kept. The pod given is not changed.
 */
export function pinToNode(pod: Pod, nodeName: string): Pod {
  throw new NotImplemented('pinToNode', section);
}

/** The controller ownerReference a DaemonSet puts on its pods and ControllerRevisions. */
export function ownerReferenceTo(ds: DaemonSet): OwnerReference {
  throw new NotImplemented('ownerReferenceTo', section);
}

/**
 * The DaemonSet's pod, before it is pinned: a copy of the template, generateName "<ds>-", the
 * DaemonSet's namespace, owned by the DaemonSet, labelled also with revisionHashLabel: `hash`,
 * and with daemonTolerations.
 */
export function daemonPod(ds: DaemonSet, hash: string): Pod {
  throw new NotImplemented('daemonPod', section);
}

/** The daemon pod for one node: daemonPod pinned to it. */
export function daemonPodFor(ds: DaemonSet, hash: string, nodeName: string): Pod {
  throw new NotImplemented('daemonPodFor', section);
}
