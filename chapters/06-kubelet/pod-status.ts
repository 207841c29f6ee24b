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
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ContainerStatus as RuntimeContainerStatus } from '../../harness/runtime/cri.ts';

const section = '§ Pod status';

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

/**
 * One container's status as the API shows it: name, image, imageID ("kata://<image>", or "" before
 * a start), containerID ("kata://<id>", when there is one), restartCount (the latest attempt
 * number), and the state:
 * - held back (`waiting` given): waiting with that reason (and message); if the latest attempt has
 *   exited, lastState.terminated says how;
 * - the latest attempt running: running since startedAt; ready and started as the observation
 *   says (true when it does not say);
 * - the latest attempt exited: terminated { exitCode, reason (the runtime's, else Completed for 0
 *   and Error otherwise), message if any, startedAt, finishedAt };
 * - nothing yet: waiting, ContainerCreating.
 * Times as rfc3339 (harness/clock.ts).
 */
export function containerStatus(observation: ContainerObservation): ContainerStatus {
  throw new NotImplemented('containerStatus', section);
}

/**
 * The pod's phase from its containers' statuses, as the kubelet's getPhase decides it. Count the
 * containers running, waiting, and stopped (terminated, or waiting with a lastState.terminated:
 * about to restart), and the stopped ones that exited 0. Any waiting: Pending. Else any running:
 * Running. Else, with some stopped: Always (the default) Running; all exited 0: Succeeded;
 * OnFailure: Running; otherwise Failed. Nothing at all: Pending.
 */
export function podPhase(spec: PodSpec, statuses: ContainerStatus[]): PodPhase {
  throw new NotImplemented('podPhase', section);
}

/**
 * The pod's conditions, in this order: Initialized True; Ready and ContainersReady, True when
 * there are containers and every one is ready, else False with reason ContainersNotReady and
 * message "containers with unready status: [<names, space-separated>]"; PodScheduled True. Each
 * has lastProbeTime null and lastTransitionTime: the previous one's when its status is unchanged,
 * else `now`.
 */
export function podConditions(
  statuses: ContainerStatus[],
  previous: PodCondition[],
  now: string,
): PodCondition[] {
  throw new NotImplemented('podConditions', section);
}

export interface PodStatusInputs {
  spec: PodSpec;
  previous: PodStatus | undefined;
  containers: ContainerObservation[];
  podIP?: string;
  hostIP: string;
  now: number;
}

/**
 * The whole status the kubelet writes to pods/status: phase, conditions (with `now` as rfc3339),
 * hostIP, startTime (the previous one's, else now), containerStatuses, and podIP and podIPs
 * ([{ ip }]) when the pod has an IP.
 */
export function podStatus(inputs: PodStatusInputs): PodStatus {
  throw new NotImplemented('podStatus', section);
}
