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
import { revisionHashLabel } from './daemon-pods.ts';

/** The label that names a StatefulSet's pod, so a Service can select exactly one. */
export const podNameLabel = 'statefulset.kubernetes.io/pod-name';
/** The label that gives a StatefulSet's pod its ordinal. */
export const podIndexLabel = 'apps.kubernetes.io/pod-index';

/** The name of the pod with this ordinal: "<set>-<ordinal>". */
export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** The ordinal of a pod of the set, from its name; -1 when the name is not "<set>-<number>". */
export function ordinalOf(set: StatefulSet, pod: Pod): number {
  const prefix = `${set.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  const suffix = name.slice(prefix.length);
  return name.startsWith(prefix) && /^(0|[1-9][0-9]*)$/.test(suffix) ? Number(suffix) : -1;
}

/** The name of the claim a pod gets from one claim template: "<template>-<set>-<ordinal>". */
export function claimName(templateName: string, set: StatefulSet, ordinal: number): string {
  return `${templateName}-${podName(set, ordinal)}`;
}

/** The controller ownerReference a StatefulSet puts on its pods and revisions. */
export function ownerReferenceToSet(set: StatefulSet): OwnerReference {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    name: set.metadata.name!,
    uid: set.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * The claims of the pod with this ordinal, one per volumeClaimTemplate: named claimName, labelled
 * with the set's matchLabels, in the set's namespace. They outlive the pod; only with the
 * retention policy whenDeleted: Delete are they owned by the set, so they go when it goes.
 */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  const deleteWithSet = set.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
  return (set.spec.volumeClaimTemplates ?? []).map((template) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(template.metadata.name!, set, ordinal),
      namespace: set.metadata.namespace,
      labels: { ...template.metadata.labels, ...set.spec.selector.matchLabels },
      ...(deleteWithSet ? { ownerReferences: [ownerReferenceToSet(set)] } : {}),
    },
    spec: structuredClone(template.spec),
  }));
}

/**
 * The pod with this ordinal, from `template` (of the revision named `revision`): its name, its
 * identity labels and the revision's, hostname and subdomain for its DNS name, owned by the set,
 * and a volume per claim template pointing at its own claim (replacing a template volume of the
 * same name).
 */
export function statefulPod(
  set: StatefulSet,
  template: PodTemplateSpec,
  revision: string,
  ordinal: number,
): Pod {
  const copy = structuredClone(template);
  const name = podName(set, ordinal);
  const claims = (set.spec.volumeClaimTemplates ?? []).map((claim) => ({
    name: claim.metadata.name!,
    persistentVolumeClaim: { claimName: claimName(claim.metadata.name!, set, ordinal) },
  }));
  const volumes = (copy.spec.volumes ?? []).filter(
    (volume) => !claims.some((claim) => claim.name === volume.name),
  );
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...copy.metadata,
      name,
      namespace: set.metadata.namespace,
      labels: {
        ...copy.metadata?.labels,
        [revisionHashLabel]: revision,
        [podNameLabel]: name,
        [podIndexLabel]: String(ordinal),
      },
      ownerReferences: [ownerReferenceToSet(set)],
    },
    spec: {
      ...copy.spec,
      hostname: name,
      ...(set.spec.serviceName ? { subdomain: set.spec.serviceName } : {}),
      ...(claims.length > 0 || volumes.length > 0 ? { volumes: [...volumes, ...claims] } : {}),
    },
  };
}
