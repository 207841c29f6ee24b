// Mirror pods: the API server's copy of a static pod. The kubelet runs a static pod from its file
// whether or not an API server answers; once one does, it creates a mirror pod so that the cluster
// sees what runs (`kubectl get pods -n kube-system` lists a kubeadm control plane this way). The
// mirror carries the static pod's hash in kubernetes.io/config.mirror and is owned by the Node. It
// is a window, not a handle: deleting it stops nothing, the kubelet makes it again; only the file
// says what runs.
import { configHashAnnotation, mirrorPodAnnotation } from '../../harness/api/static-pods.ts';
import type { Pod } from '../../harness/api/types.ts';

/** The node a mirror pod belongs to: its name and uid, for the owner reference. */
export interface NodeIdentity {
  name: string;
  uid: string;
}

/** What the kubelet does about one static pod's mirror. */
export type MirrorStep = 'create' | 'replace' | 'delete' | 'status' | 'none';

/**
 * The mirror pod to create for a static pod: a copy without uid, resourceVersion or status, with
 * the mirror annotation (the static pod's hash) and the Node as its controller owner.
 */
export function mirrorPodOf(pod: Pod, node: NodeIdentity): Pod {
  const mirror = structuredClone(pod);
  const { uid: _uid, resourceVersion: _version, ...metadata } = mirror.metadata;
  const hash = pod.metadata.annotations?.[configHashAnnotation] ?? pod.metadata.uid ?? '';
  mirror.metadata = {
    ...metadata,
    annotations: { ...metadata.annotations, [mirrorPodAnnotation]: hash },
    ownerReferences: [
      { apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid, controller: true },
    ],
  };
  delete mirror.status;
  return mirror;
}

/**
 * The next step for a static pod (undefined: its file is gone) and the mirror the API server has
 * (undefined: none). No static pod: delete the mirror. No mirror: create one. A mirror being
 * deleted, or of another version of the file: replace it. A mirror whose status is not the
 * static pod's: write the status. Otherwise nothing.
 */
export function mirrorStep(pod: Pod | undefined, mirror: Pod | undefined): MirrorStep {
  if (!pod) return mirror ? 'delete' : 'none';
  if (!mirror) return 'create';
  const hash = pod.metadata.annotations?.[configHashAnnotation] ?? pod.metadata.uid;
  if (
    mirror.metadata.deletionTimestamp ||
    mirror.metadata.annotations?.[mirrorPodAnnotation] !== hash
  )
    return 'replace';
  if (JSON.stringify(mirror.status ?? {}) !== JSON.stringify(pod.status ?? {})) return 'status';
  return 'none';
}
