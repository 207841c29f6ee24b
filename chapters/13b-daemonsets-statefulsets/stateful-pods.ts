// Stateful pods: the identity a StatefulSet gives each of its pods. Where a ReplicaSet's pods are
// interchangeable cattle with random names, a StatefulSet's pods are numbered: web-0, web-1,
// web-2. The number, the ordinal, is the pod's identity, and everything else hangs from it:
//   - its name, "<set>-<ordinal>", the same when the pod is deleted and made again;
//   - its DNS name, <pod>.<serviceName>.<namespace>.svc.cluster.local, through the headless
//     Service the set names (hostname and subdomain on the pod; chapter 12 answers for them);
//   - its storage: one PersistentVolumeClaim per volumeClaimTemplate, "<template>-<set>-<ordinal>",
//     made before the pod and never deleted with it, so web-1 comes back to web-1's data.
import type {
  OwnerReference,
  PersistentVolumeClaim,
  Pod,
  PodTemplateSpec,
  StatefulSet,
} from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Stateful pods';

/** The label that names a StatefulSet's pod, so a Service can select exactly one. */
export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
/** The label that gives a StatefulSet's pod its ordinal. */
export const podIndexLabel = 'apps.kubernetes.io/pod-index';

/** The name of the pod with this ordinal: "<set>-<ordinal>". */
export function podName(set: StatefulSet, ordinal: number): string {
  throw new NotImplemented('podName', section);
}

/**
 * The ordinal of a pod of the set, from its name "<set>-<number>" (a number written without
 * leading zeros); -1 for any other name.
 */
export function ordinalOf(set: StatefulSet, pod: Pod): number {
  throw new NotImplemented('ordinalOf', section);
}

/** The name of the claim a pod gets from one claim template: "<template>-<set>-<ordinal>". */
export function claimName(templateName: string, set: StatefulSet, ordinal: number): string {
  throw new NotImplemented('claimName', section);
}

/** The controller ownerReference a StatefulSet puts on its pods and revisions. */
export function ownerReferenceToSet(set: StatefulSet): OwnerReference {
  throw new NotImplemented('ownerReferenceToSet', section);
}

/**
 * The claims of the pod with this ordinal, one per volumeClaimTemplate: a v1
 * PersistentVolumeClaim named claimName, in the set's namespace, labelled with the template's
 * labels and the set's selector matchLabels, with a copy of the template's spec. Only when
 * persistentVolumeClaimRetentionPolicy.whenDeleted is Delete are they owned by the set.
 */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  throw new NotImplemented('claimsFor', section);
}

/**
 * The pod with this ordinal, from a copy of `template` (of the revision named `revision`): named
 * podName, in the set's namespace, labelled also with revisionHashLabel: revision, podNameLabel and
 * podIndexLabel, owned by the set; hostname its name and subdomain the set's serviceName (if any);
 * its volumes those of the template, less any named like a claim template, followed by one per
 * claim template: { name: the template's name, persistentVolumeClaim: { claimName } }.
 */
export function statefulPod(
  set: StatefulSet,
  template: PodTemplateSpec,
  revision: string,
  ordinal: number,
): Pod {
  throw new NotImplemented('statefulPod', section);
}
