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

/** A sidecar: an init container with restartPolicy Always (Kubernetes 1.29 on). */
export function isSidecar(container: Container): boolean {
  return container.restartPolicy === 'Always';
}

/**
 * The restart policy an init container runs under: Always for a sidecar; for the others the pod's,
 * except that Always means OnFailure (an init container that completed is never run again).
 */
export function initRestartPolicy(
  container: Container,
  podPolicy: PodSpec['restartPolicy'],
): NonNullable<PodSpec['restartPolicy']> {
  if (isSidecar(container)) return 'Always';
  return podPolicy === 'Never' ? 'Never' : 'OnFailure';
}

const completed = (latest: RuntimeContainerStatus | undefined) =>
  latest?.state === 'CONTAINER_EXITED' && latest.exitCode === 0;

/**
 * Which init containers the kubelet syncs now, from the newest attempt of each: every sidecar
 * started so far (to keep it running), and the first init container not done; the app containers
 * may start once every regular one completed and every sidecar runs and has started. `unstarted`
 * names the running sidecars whose startup probe has not passed yet: as in Kubernetes, the next
 * init container waits for them.
 */
export function initPlan(
  pod: Pod,
  latest: ReadonlyMap<string, RuntimeContainerStatus | undefined>,
  unstarted: ReadonlySet<string> = new Set(),
): InitPlan {
  const sync: InitPlan['sync'] = [];
  for (const container of pod.spec.initContainers ?? []) {
    const attempt = latest.get(container.name);
    if (!isSidecar(container) && completed(attempt)) continue;
    sync.push({ container, restartPolicy: initRestartPolicy(container, pod.spec.restartPolicy) });
    const running = attempt?.state === 'CONTAINER_RUNNING';
    if (isSidecar(container) && running && !unstarted.has(container.name)) continue;
    return { sync, initialized: false };
  }
  return { sync, initialized: true };
}

/** Whether one init container is done: a regular one completed, a sidecar runs. */
function done(container: Container, statuses: ContainerStatus[]): boolean {
  const status = statuses.find((candidate) => candidate.name === container.name);
  if (isSidecar(container)) return status?.state?.running !== undefined;
  return status?.state?.terminated?.exitCode === 0;
}

/** Whether the init containers are all done. */
export function initialized(spec: PodSpec, statuses: ContainerStatus[]): boolean {
  return (spec.initContainers ?? []).every((container) => done(container, statuses));
}

/** Whether an init container failed for good: it exited non-zero and the pod's policy is Never. */
export function initFailed(spec: PodSpec, statuses: ContainerStatus[]): boolean {
  if (spec.restartPolicy !== 'Never') return false;
  return statuses.some((status) => {
    const terminated = status.state?.terminated;
    return terminated !== undefined && terminated.exitCode !== 0;
  });
}

/** The Initialized condition: True, or False naming the init containers not done yet. */
export function initializedCondition(
  spec: PodSpec,
  statuses: ContainerStatus[],
  previous: PodCondition | undefined,
  now: string,
): PodCondition {
  const complete = initialized(spec, statuses);
  const status = complete ? 'True' : 'False';
  const since = previous?.status === status ? (previous.lastTransitionTime ?? now) : now;
  const condition: PodCondition = {
    type: 'Initialized',
    status,
    lastProbeTime: null,
    lastTransitionTime: since,
  };
  if (complete) return condition;
  const pending = (spec.initContainers ?? []).filter((container) => !done(container, statuses));
  return {
    ...condition,
    reason: 'ContainersNotInitialized',
    message: `containers with incomplete status: [${pending.map((c) => c.name).join(' ')}]`,
  };
}

/**
 * The pod's status with its init containers: their statuses (a sidecar that runs is started and
 * ready), and until they are done, phase Pending (Failed when one failed for good), the
 * Initialized condition False, and the app containers waiting with the reason PodInitializing.
 */
export function completeStatus(
  pod: Pod,
  status: PodStatus,
  initStatuses: ContainerStatus[],
  now: string,
): PodStatus {
  const { spec } = pod;
  if ((spec.initContainers ?? []).length === 0) return status;
  const statuses = initStatuses.map((initStatus) => {
    const container = spec.initContainers!.find((c) => c.name === initStatus.name)!;
    if (!isSidecar(container) || !initStatus.state?.running) return initStatus;
    // A status that says nothing of `started` has no probe verdicts: started and ready.
    if (initStatus.started === undefined) return { ...initStatus, started: true, ready: true };
    return initStatus;
  });
  const previous = pod.status?.conditions?.find((condition) => condition.type === 'Initialized');
  const condition = initializedCondition(spec, statuses, previous, now);
  const conditions = (status.conditions ?? []).map((c) =>
    c.type === 'Initialized' ? condition : c,
  );
  const result: PodStatus = { ...status, conditions, initContainerStatuses: statuses };
  if (condition.status === 'True') return withSidecarReadiness(spec, result, statuses, now);
  result.phase = initFailed(spec, statuses) ? 'Failed' : 'Pending';
  result.containerStatuses = (status.containerStatuses ?? []).map((containerStatus) =>
    containerStatus.state?.waiting?.reason === 'ContainerCreating'
      ? { ...containerStatus, state: { waiting: { reason: 'PodInitializing' } } }
      : containerStatus,
  );
  return result;
}

/**
 * The order a going pod's containers stop in: the app containers first, then the sidecars in the
 * reverse of their start order, each wave once the one before has ended.
 */
export function stopOrder(pod: Pod | undefined, names: string[]): string[][] {
  const sidecars = (pod?.spec.initContainers ?? []).filter(isSidecar).map((c) => c.name);
  const apps = names.filter((name) => !sidecars.includes(name));
  const waves = [apps];
  for (const sidecar of [...sidecars].reverse()) if (names.includes(sidecar)) waves.push([sidecar]);
  return waves.filter((wave) => wave.length > 0);
}

/**
 * The pod's Ready and ContainersReady conditions with its sidecars counted, as Kubernetes counts
 * them since 1.29: a running sidecar whose readiness probe fails keeps the pod from Ready (and out
 * of its Services' endpoints), named in the message with the app containers not ready.
 */
export function withSidecarReadiness(
  spec: PodSpec,
  status: PodStatus,
  statuses: ContainerStatus[],
  now: string,
): PodStatus {
  const sidecars = new Set((spec.initContainers ?? []).filter(isSidecar).map((c) => c.name));
  const unready = statuses.filter((s) => sidecars.has(s.name) && !s.ready).map((s) => s.name);
  if (unready.length === 0) return status;
  const apps = (status.containerStatuses ?? []).filter((s) => !s.ready).map((s) => s.name);
  const message = `containers with unready status: [${[...unready, ...apps].join(' ')}]`;
  const conditions = (status.conditions ?? []).map((c) =>
    c.type === 'Ready' || c.type === 'ContainersReady'
      ? {
          ...c,
          status: 'False' as const,
          reason: 'ContainersNotReady',
          message,
          ...(c.status === 'False' ? {} : { lastTransitionTime: now }),
        }
      : c,
  );
  return { ...status, conditions };
}
