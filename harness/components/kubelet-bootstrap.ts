// The kubelet's bootstrap problem (chapter 18a, `kata up --kubeadm`): on a kubeadm control-plane
// node the API server is itself one of the kubelet's static pods, so a kubelet with
// --pod-manifest-path must start with no API server at all, run its static pods, and only then
// meet the API server they bring up. What the kubelet decides by asking the API server (whether the
// Node authorizer scopes its reads, whether pods get ServiceAccount tokens) is decided once it
// answers; until then static pods go through a bootstrap PodConfiguration that needs no answer
// (chapter 10a's own, over informers that hold nothing and are synced at once), which is all a
// static pod uses: no Secrets, no ConfigMaps, no claims, no token. Pods from the API server wait
// for the full configuration.
import { configSourceAnnotation } from '../api/static-pods.ts';
import type { KubeObject, Pod } from '../api/types.ts';
import type { Informer, Toolkit } from '../client/types.ts';
import type { PodConfiguration } from '../contracts/kubelet.ts';

/** An informer of nothing, synced from the start: what a node knows of the API before it answers. */
function emptyInformer<T extends KubeObject>(): Informer<T> {
  return {
    addEventHandlers: () => {},
    run: () => {},
    hasSynced: () => true,
    waitForSync: async () => {},
    get: () => undefined,
    list: () => [],
    byIndex: () => [],
    lastSyncResourceVersion: () => '',
  };
}

/** `toolkit` whose informers hold nothing: for a configuration that must not wait for the API. */
export function offlineToolkit(toolkit: Toolkit): Toolkit {
  return { ...toolkit, createInformer: <T extends KubeObject>() => emptyInformer<T>() };
}

/** Whether a pod came from a manifest file (chapter 18a), not from the API server. */
function isStaticPod(pod: Pod): boolean {
  return pod.metadata.annotations?.[configSourceAnnotation] === 'file';
}

/**
 * A PodConfiguration that is `bootstrap` for static pods until `ready` resolves, and the
 * configuration it resolves with from then on. A pod from the API server always waits for the full
 * one: it may need its Secrets, its claims and its ServiceAccount token. `bootstrap` runs at once
 * (over offlineToolkit it watches nothing); run() runs the full configuration once it is ready.
 */
export function deferredPodConfiguration(
  bootstrap: PodConfiguration,
  ready: Promise<PodConfiguration>,
): PodConfiguration {
  let full: PodConfiguration | undefined;
  void bootstrap.run(new AbortController().signal, () => {});
  const settled = ready.then((configuration) => configuration);
  settled.catch(() => {});
  const forPod = async (pod: Pod) => full ?? (isStaticPod(pod) ? bootstrap : await settled);
  const current = () => full ?? bootstrap;
  return {
    run: async (signal, resync) => {
      const configuration = await settled;
      const running = configuration.run(signal, resync);
      // From now on every pod waits for the full configuration's caches, as any pod would.
      full = configuration;
      await running;
    },
    preparePod: async (pod, sandbox) => (await forPod(pod)).preparePod(pod, sandbox),
    configureContainer: async (pod, container, config, sandbox) =>
      (await forPod(pod)).configureContainer(pod, container, config, sandbox),
    initPlan: (pod, latest, unstarted) => current().initPlan(pod, latest, unstarted),
    completeStatus: (pod, status, initStatuses) =>
      current().completeStatus(pod, status, initStatuses),
    stopOrder: (pod, names) => current().stopOrder(pod, names),
    cleanupPod: (uid) => current().cleanupPod(uid),
  };
}
