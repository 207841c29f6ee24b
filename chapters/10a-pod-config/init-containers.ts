// Init containers and sidecars: what runs before a pod's app containers, and what runs beside them.
//
//   init-1 ─▶ exit 0 ─▶ init-2 ─▶ exit 0 ─▶ app containers start
//   sidecar (an init container with restartPolicy: Always) ─▶ running ─▶ the next one starts; it
//   keeps running beside the apps, is restarted whenever it ends, and is stopped after them.
//
// One at a time and in order: an init container starts only once the one before it completed (a
// sidecar: once it runs). A failed init container is restarted with back-off unless the pod's
// restartPolicy is Never, and then the pod has Failed. Meanwhile `kubectl get pods` shows
// Init:N/M (N of M done), or Init:<reason> (Init:CrashLoopBackOff, Init:Error), and the app
// containers wait with the reason PodInitializing. Pure functions: the kubelet's sync calls them.
import type {
  Container,
  ContainerStatus,
  Pod,
  PodCondition,
  PodSpec,
  PodStatus,
} from '../../harness/api/types.ts';
import type { InitPlan } from '../../harness/contracts/kubelet.ts';
import type { ContainerStatus as RuntimeContainerStatus } from '../../harness/runtime/cri.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Init containers and sidecars';

/** A sidecar: an init container with restartPolicy Always (Kubernetes 1.29 on). */
export function isSidecar(container: Container): boolean {
  throw new NotImplemented('isSidecar', section);
}

/**
 * The restart policy an init container runs under: Always for a sidecar; for the others the pod's,
 * except that Always means OnFailure (an init container that completed is never run again).
 */
export function initRestartPolicy(
  container: Container,
  podPolicy: PodSpec['restartPolicy'],
): NonNullable<PodSpec['restartPolicy']> {
  throw new NotImplemented('initRestartPolicy', section);
}

/**
 * Which init containers the kubelet syncs now, from the newest attempt of each: every sidecar
 * started so far (to keep it running), and the first init container not done; the app containers
 * may start once every regular one completed and every sidecar runs and has started. `unstarted`
 * names the running sidecars whose startup probe has not passed yet: the next init container
 * waits for them, as for a sidecar not running.
 */
export function initPlan(
  pod: Pod,
  latest: ReadonlyMap<string, RuntimeContainerStatus | undefined>,
  unstarted: ReadonlySet<string> = new Set(),
): InitPlan {
  throw new NotImplemented('initPlan', section);
}

/** Whether the init containers are all done. */
export function initialized(spec: PodSpec, statuses: ContainerStatus[]): boolean {
  throw new NotImplemented('initialized', section);
}

/** Whether an init container failed for good: it exited non-zero and the pod's policy is Never. */
export function initFailed(spec: PodSpec, statuses: ContainerStatus[]): boolean {
  throw new NotImplemented('initFailed', section);
}

/** The Initialized condition: True, or False naming the init containers not done yet. */
export function initializedCondition(
  spec: PodSpec,
  statuses: ContainerStatus[],
  previous: PodCondition | undefined,
  now: string,
): PodCondition {
  throw new NotImplemented('initializedCondition', section);
}

/**
 * The pod's sidecars counted in its Ready and ContainersReady conditions (Kubernetes 1.29): when a
 * sidecar's status in `statuses` is not ready, both are False, reason ContainersNotReady, message
 * "containers with unready status: [<the unready sidecars, then the unready app containers>]",
 * and lastTransitionTime `now` if they were True. Otherwise `status` as it is.
 */
export function withSidecarReadiness(
  spec: PodSpec,
  status: PodStatus,
  statuses: ContainerStatus[],
  now: string,
): PodStatus {
  throw new NotImplemented('withSidecarReadiness', section);
}

/**
 * The pod's status with its init containers: their statuses (a sidecar that runs is started and
 * ready when its status says nothing of `started`, else as its probes say), and once they are
 * all done, withSidecarReadiness; until then, phase Pending (Failed when one failed for good), the
 * Initialized condition False, and the app containers waiting with the reason PodInitializing.
 */
export function completeStatus(
  pod: Pod,
  status: PodStatus,
  initStatuses: ContainerStatus[],
  now: string,
): PodStatus {
  throw new NotImplemented('completeStatus', section);
}

/**
 * The order a going pod's containers stop in: the app containers first, then the sidecars in the
 * reverse of their start order, each wave once the one before has ended.
 */
export function stopOrder(pod: Pod | undefined, names: string[]): string[][] {
  throw new NotImplemented('stopOrder', section);
}
