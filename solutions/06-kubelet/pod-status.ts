// A pod's status, worked out from what the runtime says about its containers: pure functions, so
// the rules Kubernetes applies can be read and tested on their own.
//
// A container is in one of three states: waiting (not started yet, or waiting to restart: the
// reason says why, ContainerCreating, ErrImagePull, CrashLoopBackOff), running (since startedAt), or
// terminated (with an exit code and a reason: Completed for 0, Error otherwise). A pod's phase sums
// them up: Pending until every container has started, Running while any runs (or will run again),
// Succeeded or Failed once all have ended for good.
import type {
  ContainerStatus,
  PodCondition,
  PodPhase,
  PodSpec,
  PodStatus,
} from '../../harness/api/types.ts';
import { rfc3339 } from '../../harness/clock.ts';
import type { ContainerStatus as RuntimeContainerStatus } from '../../harness/runtime/cri.ts';

/** What the kubelet knows of one container of the pod spec. */
export interface ContainerObservation {
  /** The container's name and image, from the pod spec. */
  name: string;
  image: string;
  /** The runtime's status of its latest attempt; none before the first start. */
  latest?: RuntimeContainerStatus;
  /** Why it is not running now, when the kubelet holds it back (CrashLoopBackOff, ErrImagePull). */
  waiting?: { reason: string; message?: string };
  /** While it runs: whether its probes say it has started and is ready (true without probes). */
  started?: boolean;
  ready?: boolean;
}

/** One container's status as the API shows it. */
export function containerStatus(observation: ContainerObservation): ContainerStatus {
  const { latest, waiting } = observation;
  const status: ContainerStatus = {
    name: observation.name,
    image: observation.image,
    imageID: latest ? `kata://${latest.image}` : '',
    ready: false,
    started: false,
    restartCount: latest?.metadata.attempt ?? 0,
  };
  if (latest) status.containerID = `kata://${latest.id}`;
  const terminated = latest?.state === 'CONTAINER_EXITED' && {
    exitCode: latest.exitCode,
    reason: latest.reason || (latest.exitCode === 0 ? 'Completed' : 'Error'),
    ...(latest.message ? { message: latest.message } : {}),
    startedAt: rfc3339(latest.startedAt),
    finishedAt: rfc3339(latest.finishedAt),
  };
  if (waiting) {
    status.state = {
      waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) },
    };
    if (terminated) status.lastState = { terminated };
  } else if (latest?.state === 'CONTAINER_RUNNING') {
    status.state = { running: { startedAt: rfc3339(latest.startedAt) } };
    status.ready = observation.ready ?? true;
    status.started = observation.started ?? true;
  } else if (terminated) {
    status.state = { terminated };
  } else {
    status.state = { waiting: { reason: 'ContainerCreating' } };
  }
  return status;
}

/**
 * The pod's phase from its containers' statuses, as the kubelet's getPhase decides it. A container
 * waiting to restart after an exit counts as stopped, not as waiting.
 */
export function podPhase(spec: PodSpec, statuses: ContainerStatus[]): PodPhase {
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const status of statuses) {
    if (status.state?.running) running++;
    else if (status.state?.terminated) {
      stopped++;
      if (status.state.terminated.exitCode === 0) succeeded++;
    } else if (status.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    const policy = spec.restartPolicy ?? 'Always';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'OnFailure') return 'Running';
    return 'Failed';
  }
  return 'Pending';
}

/**
 * The pod's conditions: PodScheduled and Initialized hold once the kubelet has the pod;
 * ContainersReady and Ready when every container is ready. A condition keeps its
 * lastTransitionTime until its status changes. Conditions others own (DisruptionTarget, written by
 * the taint eviction controller before it deletes the pod) are kept as they were.
 */
export function podConditions(
  statuses: ContainerStatus[],
  previous: PodCondition[],
  now: string,
): PodCondition[] {
  const allReady = statuses.length > 0 && statuses.every((status) => status.ready);
  const notReady = statuses.filter((status) => !status.ready).map((status) => status.name);
  const make = (type: string, holds: boolean, reason?: string, message?: string): PodCondition => {
    const status = holds ? 'True' : 'False';
    const before = previous.find((condition) => condition.type === type);
    const since = before?.status === status ? (before.lastTransitionTime ?? now) : now;
    return {
      type,
      status,
      lastProbeTime: null,
      lastTransitionTime: since,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
    };
  };
  const why = allReady ? undefined : 'ContainersNotReady';
  const which = allReady ? undefined : `containers with unready status: [${notReady.join(' ')}]`;
  const owned = [
    make('Initialized', true),
    make('Ready', allReady, why, which),
    make('ContainersReady', allReady, why, which),
    make('PodScheduled', true),
  ];
  const others = previous.filter((condition) => !kubeletConditions.includes(condition.type));
  return [...owned, ...others];
}

/** The pod condition types the kubelet writes; any other belongs to someone else. */
const kubeletConditions = ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

export interface PodStatusInputs {
  spec: PodSpec;
  previous: PodStatus | undefined;
  containers: ContainerObservation[];
  podIP?: string;
  hostIP: string;
  now: number;
}

/** The whole status the kubelet writes to pods/status. */
export function podStatus(inputs: PodStatusInputs): PodStatus {
  const statuses = inputs.containers.map(containerStatus);
  const now = rfc3339(inputs.now);
  const status: PodStatus = {
    phase: podPhase(inputs.spec, statuses),
    conditions: podConditions(statuses, inputs.previous?.conditions ?? [], now),
    hostIP: inputs.hostIP,
    startTime: inputs.previous?.startTime ?? now,
    containerStatuses: statuses,
  };
  if (inputs.podIP) {
    status.podIP = inputs.podIP;
    status.podIPs = [{ ip: inputs.podIP }];
  }
  return status;
}
