// The kubelet: the agent on each node that turns the pods bound to it into running containers and
// reports back. It is a chapter 04 controller over the pods whose spec.nodeName is this node:
//
//   pod informer (spec.nodeName=me) ─┐
//   runtime relist every second ─────┴─▶ queue of pod keys ──▶ reconcile(key) ──▶ syncPod(pod)
//                                                                                   │
//      sandbox (the pod's IP) ◀── containers started, restarted (syncContainer) ◀───┤
//      pods/status ◀─────────── status worked out from the runtime (writeStatus) ◀──┘
//
// syncPod is level-triggered like any reconcile: it compares the pod's spec with what the runtime
// runs and takes the next steps (make the sandbox, pull, create, start, restart after back-off),
// then writes the status it observes. The runtime is a ContainerRuntime (harness/runtime/cri.ts):
// real processes in a cluster, a fake in unit tests. Besides pods, the kubelet registers its Node
// and renews its Lease in kube-node-lease every 10 s: the heartbeat the control plane watches.
// The pure steps live beside it: node.ts (the Node), pod-status.ts (the status), restarts.ts
// (whether and when to restart), containers.ts (the runtime's configs), probes.ts, and events.ts
// (the Events it records as it goes: Pulled, Created, Started, BackOff, Unhealthy, Killing).
import type { Container, Pod } from '../../harness/api/types.ts';
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ContainerRuntime, PodSandboxStatus } from '../../harness/runtime/cri.ts';
import type { NodeConfig } from './node.ts';
import { CrashBackoff, type BackoffOptions } from './restarts.ts';

const section = '§ Running pods';

export interface KubeletOptions extends NodeConfig {
  // NodeConfig's `port`: where the kubelet API listens (10250 in a cluster, 0 for any free port);
  // without it, the kubelet serves no API (unit tests that need none).
  toolkit: Toolkit;
  client: ApiClient;
  runtime: ContainerRuntime;
  clock?: TimerClock;
  /** How often the Lease is renewed. 10 s. */
  heartbeatMs?: number;
  /** How long a Lease lasts unrenewed. 40 s. */
  leaseDurationSeconds?: number;
  /** How often the runtime is listed for containers that changed (kubelet's PLEG). 1 s. */
  relistMs?: number;
  /** Crash back-off: 10 s doubling to 5 minutes. */
  backoff?: BackoffOptions;
  /** How long a failed image pull waits before the next try. 10 s. */
  imageBackoffMs?: number;
}

/** Why the kubelet holds a container back instead of running it: CrashLoopBackOff, ErrImagePull. */
export interface Held {
  reason: string;
  message?: string;
}

/**
 * Runs `work` every `milliseconds` on the clock (clock.setTimeout), each run that long after the
 * previous one ended (its promise settled), until `signal` aborts: then no run is left pending.
 * A run that fails (rejects) is let go: the next one comes on time all the same.
 */
export function repeatEvery(
  clock: TimerClock,
  milliseconds: number,
  signal: AbortSignal,
  work: () => Promise<void>,
): void {
  throw new NotImplemented('repeatEvery', '§ Registering the node');
}

export class Kubelet {
  private readonly options: KubeletOptions;
  private readonly runtime: ContainerRuntime;
  private readonly clock: TimerClock;
  private readonly backoff: CrashBackoff;
  /**
   * Queues a pod key for a sync, now or `afterMs` later. A no-op until run() sets it to its work
   * queue's add and addAfter, so the steps below can be called (and tested) without the loop.
   */
  private enqueue: (key: string, afterMs?: number) => void = () => {};

  /**
   * Make the informers here, once, with the clock: on the pods with fieldSelector
   * spec.nodeName=<this node>, and on services. reconcile and startContainer read them; run runs
   * them.
   */
  constructor(options: KubeletOptions) {
    this.options = options;
    this.runtime = options.runtime;
    this.clock = options.clock ?? systemClock;
    this.backoff = new CrashBackoff(options.backoff);
  }

  get nodeName(): string {
    return this.options.nodeName;
  }

  // --- The node (§ Registering the node) -------------------------------------------------------

  /**
   * Creates the Node (nodeObject, with the time now as RFC 3339); if it exists already
   * (isAlreadyExists: a kubelet that restarted), writes its status and spec again instead
   * (toolkit.updateWithRetry with { status: true }).
   */
  async register(): Promise<void> {
    throw new NotImplemented('Kubelet.register', '§ Registering the node');
  }

  /**
   * Renews the node's Lease in kube-node-lease: spec.renewTime now, as a MicroTime (six fractional
   * digits: 2026-01-01T00:00:10.000000Z; microTime in harness/clock.ts), holderIdentity the node;
   * creates it (nodeLease, with leaseDurationSeconds) when it does not exist (isNotFound). Then, if
   * the Node's Ready condition is not True (the node lifecycle controller marks a silent node
   * Unknown), registers again.
   */
  async heartbeat(): Promise<void> {
    throw new NotImplemented('Kubelet.heartbeat', '§ Registering the node');
  }

  /**
   * Registers the node and renews its Lease now; then renews it every heartbeatMs (10 s) on the
   * clock until `signal` aborts (repeatEvery). Resolves once the first heartbeat is done.
   */
  async keepAlive(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('Kubelet.keepAlive', '§ Registering the node');
  }

  // --- The loop (§ Running pods) ---------------------------------------------------------------

  /**
   * Runs the kubelet until `signal` aborts (and then resolves: being stopped is no failure).
   * With options.port set, first serves the kubelet API (serveKubeletApi) on nodeIp and that port,
   * telling it each pod's restartPolicy as the pod informer has it, with options.streaming,
   * options.routes and options.serving passed on (later chapters' parts), closed when the signal
   * aborts; the Node registered names the port it really got. Then keepAlive; the services
   * informer run and waited for (containers find Services by them); a controller whose reconcile
   * is reconcile(key), with enqueue set to its queue, watching the pod informer; every relistMs (1 s) the runtime's
   * containers through changedPods, each changed pod's key queued. Remember each pod's
   * terminationGracePeriodSeconds (30 by default) as the informer sees it, for killPod once the
   * pod is gone; when the signal aborts, stop every container's probes.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('Kubelet.run', section);
  }

  /**
   * The controller's reconcile, for one pod key. Not in the pod informer any more: killPod with
   * the grace last seen (30 by default). Being deleted (metadata.deletionTimestamp): terminatePod.
   * Otherwise: syncPod.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('Kubelet.reconcile', section);
  }

  // --- One pod (§ Running pods) ----------------------------------------------------------------

  /**
   * The pod's sandbox: the SANDBOX_READY one the runtime lists with the pod's uid label
   * (podUidLabel), or a new one (runPodSandbox(sandboxConfig(pod)), then podSandboxStatus: its ip
   * is the pod's IP).
   */
  async ensureSandbox(pod: Pod): Promise<PodSandboxStatus> {
    throw new NotImplemented('Kubelet.ensureSandbox', section);
  }

  /**
   * Pulls the container's image, creates attempt `attempt` in the sandbox (containerConfig, with
   * the Services of the pod's namespace when run() watches them, else none) and starts it;
   * answers undefined once it is started. A pull that fails with an ImagePullError: held back with
   * the error's reason and message, and the pod key queued again after imageBackoffMs (10 s);
   * until that time has passed (per pod uid, container and image), held back as ImagePullBackOff
   * with the message 'Back-off pulling image "<image>"', without pulling. A pull that succeeds
   * forgets the failure. (§ Events: each step records its Event about the container, best effort,
   * not awaited: pulled, created, started; failedPull and failed(reason) for a failed pull;
   * pullBackOff and failed(ImagePullBackOff) while it waits; failed(message) when createContainer
   * or startContainer throws, and the error is thrown on.)
   */
  async startContainer(
    pod: Pod,
    sandbox: PodSandboxStatus,
    container: Container,
    attempt: number,
  ): Promise<Held | undefined> {
    throw new NotImplemented('Kubelet.startContainer', section);
  }

  /**
   * Works out the pod's status and writes it. For each container of the spec: its newest attempt
   * in the sandbox (listContainers by podSandboxId and containerNameLabel), what is `held`, and
   * (from § Probes) started and ready from its probes when they watch that attempt; then
   * podStatus with the pod's current status as previous, the sandbox's IP, the node's IP and the
   * time now. Written (client.resource('pods', namespace).updateStatus) only when it differs from
   * pod.status; a 409 Conflict (the pod given was not the latest): read, compare and write again
   * (toolkit.updateWithRetry with { status: true }); a pod gone (NotFound) is no error.
   */
  async writeStatus(pod: Pod, sandbox: PodSandboxStatus, held: Map<string, Held>): Promise<void> {
    throw new NotImplemented('Kubelet.writeStatus', section);
  }

  /**
   * One container of the pod: its newest attempt in the sandbox, then nextStep (with the pod's
   * restartPolicy, this.backoff, the key "<pod uid>/<container name>" and the time now). none:
   * undefined. start: startContainer with that attempt (and what it answers). wait: the pod key
   * queued again for when the wait ends, and held back as CrashLoopBackOff with crashLoopMessage
   * (§ Events: and a backOff Event about the container).
   */
  async syncContainer(
    pod: Pod,
    sandbox: PodSandboxStatus,
    container: Container,
  ): Promise<Held | undefined> {
    throw new NotImplemented('Kubelet.syncContainer', section);
  }

  /**
   * One pod: make what runs match its spec, then report what runs. ensureSandbox; syncContainer
   * for each container of the spec, in order, collecting what is held back by container name (and,
   * for a container with a liveness, readiness or startup probe, syncProbes after it: § Probes);
   * then writeStatus.
   */
  async syncPod(pod: Pod): Promise<void> {
    throw new NotImplemented('Kubelet.syncPod', section);
  }

  // --- Probes (§ Probes) -----------------------------------------------------------------------

  /**
   * Keeps one ContainerProbes on the running attempt of a container that has probes (per pod uid
   * and container name, remembering which attempt it watches, for writeStatus). The newest attempt
   * runs and has none yet: make one (target: the sandbox's IP, the attempt's id, the runtime) and
   * start it; onChange queues the pod; onFailure stops the probes and the container
   * (stopContainer with terminationGracePeriodSeconds, 30 by default), then queues the pod, whose
   * next sync restarts it as its restartPolicy says. The attempt watched is no longer the newest
   * running one: stop its probes (and make new ones if a newer attempt runs). (§ Events: onUnhealthy
   * records unhealthy(kind, output); onFailure first records killing(name, "liveness"), or
   * "startup" while the probes say the container has not started.)
   */
  async syncProbes(pod: Pod, sandbox: PodSandboxStatus, container: Container): Promise<void> {
    throw new NotImplemented('Kubelet.syncProbes', '§ Probes');
  }

  // --- Pods that go (§ Running pods) -----------------------------------------------------------

  /**
   * Stops the pod of `key` ("namespace/name"): for each sandbox labelled with its namespace and
   * name, stop the probes of its containers, stop its running containers (stopContainer with
   * `graceSeconds`: SIGTERM, then SIGKILL), then remove the sandbox. (§ Events: a killing Event
   * about each running container before it stops, the pod named by the key and the container's
   * podUidLabel.)
   */
  async killPod(key: string, graceSeconds: number): Promise<void> {
    throw new NotImplemented('Kubelet.killPod', section);
  }

  /**
   * A pod deleted gracefully: killPod with its metadata.deletionGracePeriodSeconds (30 by
   * default), then delete it for good: a delete with gracePeriodSeconds 0 and the precondition of
   * its uid (so a new pod of the same name is never the one deleted); NotFound is fine.
   */
  async terminatePod(pod: Pod): Promise<void> {
    throw new NotImplemented('Kubelet.terminatePod', section);
  }
}

export function createKubelet(options: KubeletOptions): Kubelet {
  return new Kubelet(options);
}
