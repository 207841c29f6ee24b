// Which pods share their node's network (spec.hostNetwork), for the process runtime's
// hostNetwork option: their sandbox gets the node's IP, so `kubectl get pods -o wide` shows a
// kubeadm control plane (and kube-proxy's pods) on the node's address, as a real cluster does.
// A static pod is known from its file (no API server needed: it may be the API server); any other
// pod is read from the API server when its sandbox starts, and a pod that cannot be read is on the
// pod network.
import type { Pod } from '../api/types.ts';
import type { ApiClient } from '../client/types.ts';
import type { StaticPodSource } from '../contracts/kubelet.ts';
import type { PodSandboxMetadata } from '../runtime/cri.ts';

/** How long the API server has to answer before the pod is taken to be on the pod network. */
const lookupTimeoutMs = 5_000;

export function hostNetworkLookup(
  client: ApiClient,
  staticPods: () => StaticPodSource | undefined,
): (sandbox: PodSandboxMetadata) => Promise<boolean> {
  return async ({ namespace, name, uid }) => {
    const fromFile = staticPods()?.get(`${namespace}/${name}`);
    if (fromFile?.metadata.uid === uid) return fromFile.spec.hostNetwork === true;
    const timeout = new Promise<undefined>((resolve) =>
      setTimeout(() => resolve(undefined), lookupTimeoutMs).unref(),
    );
    const pod = await Promise.race([
      client
        .resource<Pod>('pods', namespace)
        .get(name)
        .catch(() => undefined),
      timeout,
    ]);
    return pod?.metadata.uid === uid && pod.spec.hostNetwork === true;
  };
}
