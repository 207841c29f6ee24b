// The kubelet's claims in front of its PodConfiguration: chapter 13c's ClaimVolumes turns each
// persistentVolumeClaim volume of a pod into its PersistentVolume's directory, then chapter 10a's
// PodConfiguration sets the volumes up as it does any hostPath. Neither chapter knows the other;
// `kata run kubelet` (./kubelet.ts) and chapter 13c's tests put them together here.
import type { PodConfiguration } from '../contracts/kubelet.ts';
import type { ClaimVolumes } from '../contracts/storage.ts';

/** `configuration`, with each pod's claims resolved by `claims` before its volumes are set up. */
export function withClaimVolumes(
  configuration: PodConfiguration,
  claims: ClaimVolumes,
): PodConfiguration {
  return {
    run: async (signal, resync) => {
      await Promise.all([configuration.run(signal, resync), claims.run(signal, resync)]);
    },
    preparePod: async (pod, sandbox) => {
      const resolved = await claims.resolve(pod);
      if (typeof resolved === 'string') return resolved;
      return configuration.preparePod(resolved, sandbox);
    },
    configureContainer: (pod, container, config, sandbox) =>
      configuration.configureContainer(pod, container, config, sandbox),
    initPlan: (pod, latest) => configuration.initPlan(pod, latest),
    completeStatus: (pod, status, initStatuses) =>
      configuration.completeStatus(pod, status, initStatuses),
    stopOrder: (pod, names) => configuration.stopOrder(pod, names),
    cleanupPod: (uid) => configuration.cleanupPod(uid),
  };
}
