// Static pods and their mirror pods, in the words the kubelet, the API server and chapter 18a share.
// A static pod comes from a file on a node, not from the API server; the kubelet runs it, and once
// an API server answers it publishes a mirror pod there so that kubectl can see it. The mirror pod
// carries the static pod's hash in the kubernetes.io/config.mirror annotation: that is how the
// kubelet knows not to run it as a pod of its own.
import type { Pod } from './types.ts';

/** On a mirror pod: the hash of the static pod it mirrors. */
export const mirrorPodAnnotation = 'kubernetes.io/config.mirror';
/** On a static pod (and its mirror): the hash of its manifest, also its uid. */
export const configHashAnnotation = 'kubernetes.io/config.hash';
/** On a static pod: where it came from ("file"; "api" for the API server's pods). */
export const configSourceAnnotation = 'kubernetes.io/config.source';
/** On a static pod: when the kubelet first saw this version of it. */
export const configSeenAnnotation = 'kubernetes.io/config.seen';

/** Whether the pod is a mirror pod: the API server's copy of a static pod, never run as such. */
export function isMirrorPod(pod: Pick<Pod, 'metadata'>): boolean {
  return pod.metadata.annotations?.[mirrorPodAnnotation] !== undefined;
}
