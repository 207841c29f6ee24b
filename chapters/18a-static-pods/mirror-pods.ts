// Mirror pods: the API server's copy of a static pod. The kubelet runs a static pod from its file
// whether or not an API server answers; once one does, it creates a mirror pod so that the cluster
// sees what runs (`kubectl get pods -n kube-system` lists a kubeadm control plane this way). The
// mirror carries the static pod's hash in kubernetes.io/config.mirror and is owned by the Node. It
// is a window, not a handle: deleting it stops nothing, the kubelet makes it again; only the file
// says what runs.
import type { Pod } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Mirror pods';

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
  throw new NotImplemented('mirrorPodOf', section);
}

/**
 * The next step for a static pod (undefined: its file is gone) and the mirror the API server has
 * (undefined: none). No static pod: delete the mirror. No mirror: create one. A mirror being
 * deleted, or of another version of the file: replace it. A mirror whose status is not the
 * static pod's: write the status. Otherwise nothing.
 */
export function mirrorStep(pod: Pod | undefined, mirror: Pod | undefined): MirrorStep {
  throw new NotImplemented('mirrorStep', section);
}
