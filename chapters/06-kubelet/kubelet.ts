// The kubelet: the agent on each node that turns the pods bound to it into running containers and
// reports back. It is a chapter 04 controller over the pods whose spec.nodeName is this node:
//
//   pod informer (spec.nodeName=me) ─┐
//   runtime relist every second ─────┴─▶ queue of pod keys ──▶ syncPod(key)
//                                                                 │
//      sandbox (the pod's IP) ◀── containers started, restarted ◀─┤
//      pods/status ◀────────────── status worked out from the runtime ◀─┘
//
// syncPod is level-triggered like any reconcile: it compares the pod's spec with what the runtime
// runs and takes the next steps (make the sandbox, pull, create, start, restart after back-off),
// then writes the status it observes. The runtime is a ContainerRuntime (harness/runtime/cri.ts):
// real processes in a cluster, a fake in unit tests. Besides pods, the kubelet registers its Node
// and renews its Lease in kube-node-lease every 10 s: the heartbeat the control plane watches.
import type { Service } from '../../harness/api/types.ts';
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ContainerRuntime } from '../../harness/runtime/cri.ts';
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

/**
 * The variables a container finds the Services of its namespace by, as Kubernetes sets them: for
 * each Service with a ClusterIP (not "None") and ports, named web-api: WEB_API_SERVICE_HOST (the
 * ClusterIP), WEB_API_SERVICE_PORT (the first port), and WEB_API_SERVICE_PORT_<PORT NAME> for each
 * named port (names upper-cased, "-" as "_").
 */
export function serviceEnvironment(services: Service[]): { name: string; value: string }[] {
  throw new NotImplemented('serviceEnvironment', section);
}

export class Kubelet {
  private readonly options: KubeletOptions;
  private readonly runtime: ContainerRuntime;
  private readonly clock: TimerClock;
  private readonly backoff: CrashBackoff;

  constructor(options: KubeletOptions) {
    this.options = options;
    this.runtime = options.runtime;
    this.clock = options.clock ?? systemClock;
    this.backoff = new CrashBackoff(options.backoff);
  }

  get nodeName(): string {
    return this.options.nodeName;
  }

  /**
   * With options.port set, first serves the kubelet API (serveKubeletApi) on nodeIp and that port,
   * closed when the signal aborts; the Node registered names the port it really got. Then
   * registers the node and renews the Lease (both at once, then the Lease every heartbeatMs on
   * the clock), then runs until `signal` aborts: an informer on the pods with fieldSelector
   * spec.nodeName=<this node>, a controller whose reconcile is syncPod, and every relistMs a look
   * at the runtime's containers: the pod of each container whose state changed since the last
   * look goes in the queue (labels podNamespaceLabel and podNameLabel say whose it is).
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('Kubelet.run', '§ Registering the node');
  }

  /** Creates the Node (nodeObject); if it exists already (a restart), writes its status again. */
  async register(): Promise<void> {
    throw new NotImplemented('Kubelet.register', '§ Registering the node');
  }

  /**
   * Renews the node's Lease in kube-node-lease: renewTime now, as a MicroTime (six fractional
   * digits); creates it (nodeLease) when it does not exist. Then, if the Node's Ready condition is
   * not True (the node lifecycle controller marks a silent node Unknown), registers again.
   */
  async heartbeat(): Promise<void> {
    throw new NotImplemented('Kubelet.heartbeat', '§ Registering the node');
  }

  /**
   * One pod, by key. Gone from the informer: stop its running containers (stopContainer with the
   * pod's terminationGracePeriodSeconds, 30 by default, as last seen) and remove its sandboxes
   * (found by the name and namespace labels). Being deleted (metadata.deletionTimestamp): the same,
   * with metadata.deletionGracePeriodSeconds as the grace, then delete the pod with
   * gracePeriodSeconds 0 and the precondition of its uid (NotFound is fine). Otherwise:
   * 1. its sandbox: the READY one labelled with the pod's uid, or a new one (runPodSandbox with
   *    the pod's name, namespace, uid and hostname, and the three pod labels); its IP is the pod's;
   * 2. each container of the spec, in order, from the latest attempt the runtime has (labels:
   *    the pod labels and containerNameLabel): running or created: leave it; exited: if
   *    shouldRestart, after the crash back-off (while waiting: held back as CrashLoopBackOff, with
   *    the message "back-off <s>s restarting failed container=<name> pod=<pod>_<ns>(<uid>)", and
   *    the key queued again for when the wait ends), create attempt + 1 and start it; none yet:
   *    pull its image (an ImagePullError: held back with its reason, the key queued again after
   *    imageBackoffMs; until then, held back as ImagePullBackOff with the message
   *    'Back-off pulling image "<image>"', without pulling), create attempt 0 (image, command,
   *    args, env: serviceEnvironment of the Services in the pod's namespace (from an informer on
   *    services that run() starts and waits for) and then the container's own, ports, workingDir)
   *    and start it;
   * 3. probes: a running container with any probe gets a ContainerProbes (once per container id):
   *    onChange queues the pod; onFailure stops the probes and the container (its grace), then
   *    queues the pod, whose next sync restarts it; probes of containers no longer running stop;
   * 4. the status: podStatus from the latest attempts, what was held back, and the probes' started
   *    and ready, written to pods/status unless it is what the pod shows already.
   */
  async syncPod(key: string): Promise<void> {
    throw new NotImplemented('Kubelet.syncPod', section);
  }
}

export function createKubelet(options: KubeletOptions): Kubelet {
  return new Kubelet(options);
}
