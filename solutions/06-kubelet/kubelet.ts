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
// What happens inside a pod beyond that (volumes, env from ConfigMaps and Secrets, init containers)
// comes through one seam, the optional PodConfiguration that chapter 10a fills. Pods from files
// (static pods, chapter 18a) come through another, the optional StaticPodSource: it runs them on a
// queue of its own through syncPod and killPod, needing no API server; and their copies in the API
// (mirror pods) are never run here.
import type {
  Container,
  ContainerStatus,
  Lease,
  Node,
  Pod,
  Service,
} from '../../harness/api/types.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../../harness/client/errors.ts';
import { eventRecorder, type EventNote, type EventRecorder } from '../../harness/client/events.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import {
  microTime,
  rfc3339,
  systemClock,
  type Timer,
  type TimerClock,
} from '../../harness/clock.ts';
import type { PodConfiguration, StaticPodSource } from '../../harness/contracts/kubelet.ts';
import { isMirrorPod } from '../../harness/api/static-pods.ts';
import {
  containerNameLabel,
  ContainerConfigError,
  ImagePullBackOff,
  ImagePullError,
  podNameLabel,
  podNamespaceLabel,
  podUidLabel,
  type ContainerRuntime,
  type ContainerStatus as RuntimeContainerStatus,
  type DnsConfig,
  type PodSandboxStatus,
} from '../../harness/runtime/cri.ts';
import { changedPods, containerConfig, newestAttempt, sandboxConfig } from './containers.ts';
import * as events from './events.ts';
import type { KubeletRoute, KubeletServing } from '../../harness/contracts/kubelet.ts';
import { serveKubeletApi, type StreamingServer } from './kubelet-server.ts';
import { nodeLease, nodeObject, type NodeConfig } from './node.ts';
import { containerStatus, podStatus, type ContainerObservation } from './pod-status.ts';
import { ContainerProbes } from './probes.ts';
import { CrashBackoff, crashLoopMessage, nextStep, type BackoffOptions } from './restarts.ts';

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
  /** Volumes, configuration and init containers (chapter 10a); without it, none of them. */
  podConfiguration?: PodConfiguration;
  /** A pod's resolver configuration (chapter 12's podDnsConfig); without it, pods get none. */
  podDnsConfig?: (pod: Pod) => DnsConfig;
  /** exec, attach and port-forward on the kubelet API (chapter 10b); without it, none. */
  streaming?: StreamingServer;
  /** More GET paths of the kubelet API (chapter 14's /stats/summary); without them, none. */
  routes?: KubeletRoute[];
  /** The kubelet API over TLS, callers admitted (port 10250 in a secure cluster); without it, HTTP. */
  serving?: KubeletServing;
  /** Pods from manifest files and their mirror pods (chapter 18a); without it, none. */
  staticPods?: StaticPodSource;
}

/** The key of a pod: "namespace/name". */
const keyOf = (pod: Pod) => `${pod.metadata.namespace}/${pod.metadata.name}`;

/** Why the kubelet holds a container back instead of running it: CrashLoopBackOff, ErrImagePull. */
export interface Held {
  reason: string;
  message?: string;
}

/**
 * Runs `work` every `milliseconds` on the clock, each run that long after the previous one ended,
 * until `signal` aborts. A run that fails is let go: the next one comes on time all the same.
 */
export function repeatEvery(
  clock: TimerClock,
  milliseconds: number,
  signal: AbortSignal,
  work: () => Promise<void>,
): void {
  let timer: Timer | undefined;
  const tick = () => {
    void work()
      .catch(() => {})
      .finally(() => {
        if (!signal.aborted) timer = clock.setTimeout(tick, milliseconds);
      });
  };
  if (signal.aborted) return;
  timer = clock.setTimeout(tick, milliseconds);
  signal.addEventListener('abort', () => clock.clearTimeout(timer), { once: true });
}

export class Kubelet {
  private readonly options: KubeletOptions;
  private readonly runtime: ContainerRuntime;
  private readonly clock: TimerClock;
  private readonly backoff: CrashBackoff;
  /** Writes the kubelet's Events, a repeat counted into the Event first written. */
  private readonly recorder: EventRecorder;
  /** Each probed container's probes (key: pod uid/container name), and the attempt they watch. */
  private readonly probes = new Map<string, { containerId: string; probes: ContainerProbes }>();
  /** When each failed image pull (per pod, container and image) may be tried again. */
  private readonly pullFailures = new Map<string, number>();
  /** The grace period of each pod last seen, for stopping it once it is gone. */
  private readonly gracePeriods = new Map<string, number>();
  /** This node's pods (the API server sends no others), and the Services. */
  private readonly pods: Informer<Pod>;
  private readonly services: Informer<Service>;
  /** The port the kubelet API listens on, once it does. */
  private apiPort: number | undefined;
  /** Queues a pod key for a sync, now or later; a no-op until run() has a queue. */
  private enqueue: (key: string, afterMs?: number) => void = () => {};

  constructor(options: KubeletOptions) {
    this.options = options;
    this.runtime = options.runtime;
    this.clock = options.clock ?? systemClock;
    this.backoff = new CrashBackoff(options.backoff);
    this.recorder = eventRecorder(options.client, this.clock);
    const { toolkit, client } = options;
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'), {
      fieldSelector: `spec.nodeName=${options.nodeName}`,
      clock: this.clock,
    });
    // Services, for the environment variables a container finds them by (without DNS).
    this.services = toolkit.createInformer(client.resource<Service>('services'), {
      clock: this.clock,
    });
  }

  /**
   * Records an Event about the pod, or one of its containers (the note made here, so that nothing
   * about an Event can fail a sync). Best effort: never awaited, and an error is let go.
   */
  private record(pod: Pick<Pod, 'metadata'>, note: () => EventNote, container?: string): void {
    try {
      void this.recorder.record(events.kubeletEvent(pod, this.nodeName, note(), container));
    } catch {
      // An Event that cannot be written is a line missing from `kubectl describe`, nothing more.
    }
  }

  get nodeName(): string {
    return this.options.nodeName;
  }

  // --- The node ------------------------------------------------------------------------------

  /** Creates the Node, or (after a restart) writes its status again. */
  async register(): Promise<void> {
    const nodes = this.options.client.resource<Node>('nodes');
    const node = nodeObject(
      { ...this.options, port: this.apiPort ?? this.options.port },
      rfc3339(this.clock.now()),
    );
    try {
      await nodes.create(node);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      await this.options.toolkit.updateWithRetry(
        nodes,
        this.nodeName,
        (current) => {
          current.status = node.status;
          current.spec = { ...current.spec, ...node.spec };
        },
        { status: true },
      );
    }
  }

  /** Renews the node's Lease (making it the first time). */
  async heartbeat(): Promise<void> {
    const leases = this.options.client.resource<Lease>('leases', 'kube-node-lease');
    const renewTime = microTime(this.clock.now());
    const duration = this.options.leaseDurationSeconds ?? 40;
    try {
      await this.options.toolkit.updateWithRetry(leases, this.nodeName, (lease) => {
        lease.spec = { ...lease.spec, holderIdentity: this.nodeName, renewTime };
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await leases.create(nodeLease(this.nodeName, renewTime, duration));
    }
    // The node lifecycle controller marks a node that went silent Unknown; only the kubelet says
    // it is Ready again, so each heartbeat checks and, if need be, posts its status anew.
    const node = await this.options.client.resource<Node>('nodes').get(this.nodeName);
    const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
    if (ready?.status !== 'True') await this.register();
  }

  /** Registers the node and renews its Lease now, then every heartbeatMs until `signal` aborts. */
  async keepAlive(signal: AbortSignal): Promise<void> {
    await this.register();
    await this.heartbeat();
    repeatEvery(this.clock, this.options.heartbeatMs ?? 10_000, signal, () => this.heartbeat());
  }

  // --- The loop ------------------------------------------------------------------------------

  /** Registers the node, then heartbeats and syncs pods until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    try {
      await this.start(signal);
    } catch (error) {
      // Stopped while a request was on its way: that is how a kubelet ends, not a failure.
      if (!signal.aborted) throw error;
    }
  }

  private async start(signal: AbortSignal): Promise<void> {
    const { toolkit } = this.options;
    if (this.options.port !== undefined) {
      const { nodeIp, port } = this.options;
      const policyOf = (namespace: string, name: string) =>
        this.pods.get(`${namespace}/${name}`)?.spec.restartPolicy;
      const { streaming, routes, serving } = this.options;
      const api = await serveKubeletApi(
        this.runtime,
        nodeIp,
        port,
        policyOf,
        streaming,
        routes,
        serving,
      );
      // The Node tells the API server where the kubelet API really is (port 0 picked one).
      this.apiPort = Number(new URL(api.url).port);
      signal.addEventListener('abort', () => void api.close());
    }
    signal.addEventListener('abort', () => {
      for (const { probes } of this.probes.values()) probes.stop();
    });
    const { staticPods } = this.options;
    // Static pods first: they may be the very API server the rest waits for.
    await staticPods?.run(signal, {
      toolkit,
      clock: this.clock,
      syncPod: (pod) => this.syncPod(pod),
      killPod: (key, grace, keepUid) => this.killPod(key, grace, keepUid),
      apiPod: (key) => this.pods.get(key),
    });
    await (staticPods ? this.keepAliveOnceReachable(signal) : this.keepAlive(signal));

    // A container's environment names the Services there were when it started: have them first.
    this.services.run(signal);
    await this.services.waitForSync(signal);
    const { pods } = this;
    const controller = toolkit.createController({
      name: `kubelet-${this.nodeName}`,
      queue: toolkit.createWorkQueue({ clock: this.clock, baseDelayMs: 100, maxDelayMs: 10_000 }),
      reconcile: (key) => this.reconcile(key),
      // Pods are independent: several are synced at once (the queue keeps each pod to one worker).
      workers: 8,
    });
    const enqueueApi = (key: string, afterMs = 0) =>
      afterMs > 0 ? controller.queue.addAfter(key, afterMs) : controller.queue.add(key);
    this.enqueue = (key, afterMs) =>
      staticPods?.get(key) ? staticPods.resync(key, afterMs) : enqueueApi(key, afterMs);
    const remember = (pod: Pod) =>
      this.gracePeriods.set(keyOf(pod), pod.spec.terminationGracePeriodSeconds ?? 30);
    pods.addEventHandlers({ add: remember, delete: remember });
    controller.watch(pods);
    // A ConfigMap or Secret a pod consumes changed: sync that pod (its files, a held container).
    void this.options.podConfiguration?.run(signal, (key) => this.enqueue(key));
    // Containers change on their own (they exit): list the runtime and look at the pods whose
    // containers did, like the kubelet's pod lifecycle event generator.
    let last = new Map<string, string>();
    // A runtime that reports exits as they happen (the evented PLEG) saves waiting for the relist.
    const unwatch = this.runtime.watchContainerExits?.((container) =>
      this.enqueue(`${container.labels[podNamespaceLabel]}/${container.labels[podNameLabel]}`),
    );
    if (unwatch) signal.addEventListener('abort', unwatch, { once: true });
    repeatEvery(this.clock, this.options.relistMs ?? 1000, signal, async () => {
      const { keys, states } = changedPods(last, await this.runtime.listContainers());
      last = states;
      for (const key of keys) this.enqueue(key);
    });
    await controller.run(signal);
  }

  /** keepAlive, tried again every second until the API server answers (it may be a static pod). */
  private async keepAliveOnceReachable(signal: AbortSignal): Promise<void> {
    for (;;) {
      try {
        return await this.keepAlive(signal);
      } catch (error) {
        if (signal.aborted) throw error;
        await new Promise<void>((resolve) => this.clock.setTimeout(() => resolve(), 1000));
      }
    }
  }

  /** The controller's reconcile: the pod of `key` as the informer has it, gone, or going. */
  async reconcile(key: string): Promise<void> {
    const pod = this.pods.get(key);
    // A static pod, or its mirror pod changed in the API: the static pods' queue syncs it.
    if (this.options.staticPods?.get(key) || (pod && isMirrorPod(pod)))
      return this.options.staticPods?.resync(key);
    if (!pod) return this.killPod(key, this.gracePeriods.get(key) ?? 30);
    if (pod.metadata.deletionTimestamp) return this.terminatePod(pod);
    return this.syncPod(pod);
  }

  // --- One pod -------------------------------------------------------------------------------

  /** The pod's sandbox: the READY one the runtime has for its uid, or a new one. */
  async ensureSandbox(pod: Pod): Promise<PodSandboxStatus> {
    const [sandbox] = await this.runtime.listPodSandbox({
      labelSelector: { [podUidLabel]: pod.metadata.uid! },
      state: 'SANDBOX_READY',
    });
    if (sandbox) return sandbox;
    const config = { ...sandboxConfig(pod), dnsConfig: this.options.podDnsConfig?.(pod) };
    return this.runtime.podSandboxStatus(await this.runtime.runPodSandbox(config));
  }

  /**
   * Pulls the container's image, creates attempt `attempt` and starts it; or says why not: a
   * pull that failed (ErrImagePull) is not tried again before imageBackoffMs (ImagePullBackOff).
   */
  async startContainer(
    pod: Pod,
    sandbox: PodSandboxStatus,
    container: Container,
    attempt: number,
  ): Promise<Held | undefined> {
    const pullKey = `${pod.metadata.uid}/${container.name}/${container.image}`;
    const pullWait = (this.pullFailures.get(pullKey) ?? 0) - this.clock.now();
    const name = container.name;
    if (pullWait > 0) {
      this.enqueue(keyOf(pod), pullWait);
      this.record(pod, () => events.pullBackOff(container.image), name);
      this.record(pod, () => events.failed(ImagePullBackOff), name);
      return { reason: ImagePullBackOff, message: `Back-off pulling image "${container.image}"` };
    }
    try {
      await this.runtime.pullImage(container.image);
      this.pullFailures.delete(pullKey);
      this.record(pod, () => events.pulled(container.image), name);
    } catch (error) {
      if (!(error instanceof ImagePullError)) throw error;
      this.record(pod, () => events.failedPull(container.image, error.message), name);
      this.record(pod, () => events.failed(error.reason), name);
      const backoffMs = this.options.imageBackoffMs ?? 10_000;
      this.pullFailures.set(pullKey, this.clock.now() + backoffMs);
      this.enqueue(keyOf(pod), backoffMs);
      return { reason: error.reason, message: error.message };
    }
    const services = this.services.byIndex('namespace', pod.metadata.namespace ?? '');
    let config = containerConfig(pod, container, attempt, services);
    try {
      const configuration = this.options.podConfiguration;
      if (configuration)
        config = await configuration.configureContainer(pod, container, config, sandbox);
    } catch (error) {
      if (!(error instanceof ContainerConfigError)) throw error;
      this.record(pod, () => events.failed(error.message), name);
      return { reason: error.reason, message: error.message };
    }
    try {
      const id = await this.runtime.createContainer(sandbox.id, config);
      this.record(pod, () => events.created(name), name);
      await this.runtime.startContainer(id);
      this.record(pod, () => events.started(name), name);
    } catch (error) {
      this.record(pod, () => events.failed((error as Error).message), name);
      throw error;
    }
    return undefined;
  }

  /** Works out the pod's status from the runtime and writes it when it changed. */
  async writeStatus(pod: Pod, sandbox: PodSandboxStatus, held: Map<string, Held>): Promise<void> {
    const containers: ContainerObservation[] = [];
    for (const container of pod.spec.containers) {
      const latest = await this.latestAttempt(sandbox.id, container.name);
      const watched = this.probes.get(`${pod.metadata.uid}/${container.name}`);
      const probes = latest && watched?.containerId === latest.id ? watched.probes : undefined;
      containers.push({
        name: container.name,
        image: container.image,
        latest,
        waiting: held.get(container.name),
        started: probes?.started,
        ready: probes?.ready,
      });
    }
    let status = podStatus({
      spec: pod.spec,
      previous: pod.status,
      containers,
      podIP: sandbox.ip,
      hostIP: this.options.nodeIp,
      now: this.clock.now(),
    });
    const configuration = this.options.podConfiguration;
    if (configuration) {
      const initStatuses: ContainerStatus[] = [];
      for (const container of pod.spec.initContainers ?? []) {
        const latest = await this.latestAttempt(sandbox.id, container.name);
        const { name, image } = container;
        const watched = this.probes.get(`${pod.metadata.uid}/${name}`);
        const probes = latest && watched?.containerId === latest.id ? watched.probes : undefined;
        initStatuses.push(
          containerStatus({
            name,
            image,
            latest,
            waiting: held.get(name),
            started: probes?.started,
            ready: probes?.ready,
          }),
        );
      }
      status = configuration.completeStatus(pod, status, initStatuses);
    }
    // The same status as the pod shows already: no write (the API server would work for nothing).
    if (sameStatus(pod.status, status)) return;
    // A static pod's status is its mirror pod's to show (chapter 18a's syncMirror writes it).
    const staticPods = this.options.staticPods;
    if (staticPods && staticPods.get(keyOf(pod))?.metadata.uid === pod.metadata.uid)
      return staticPods.setStatus(keyOf(pod), status);
    const pods = this.options.client.resource<Pod>('pods', pod.metadata.namespace);
    try {
      // Usually the cached pod is the latest: one write. If not (409), read, compare, retry.
      await pods.updateStatus({ ...pod, status }).catch((error: unknown) => {
        if (!isConflict(error)) throw error;
        return this.options.toolkit.updateWithRetry(
          pods,
          pod.metadata.name!,
          (current) => {
            if (sameStatus(current.status, status)) return false;
            current.status = status;
          },
          { status: true },
        );
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** One container: leave it, start it, restart it, or hold it back; returns why it is held. */
  async syncContainer(
    pod: Pod,
    sandbox: PodSandboxStatus,
    container: Container,
    restartPolicy = pod.spec.restartPolicy,
  ): Promise<Held | undefined> {
    const latest = await this.latestAttempt(sandbox.id, container.name);
    const backoffKey = `${pod.metadata.uid}/${container.name}`;
    const now = this.clock.now();
    const step = nextStep(restartPolicy, latest, this.backoff, backoffKey, now);
    if (step.action === 'none') return undefined;
    if (step.action === 'start') return this.startContainer(pod, sandbox, container, step.attempt);
    this.enqueue(keyOf(pod), step.waitMs);
    this.record(pod, () => events.backOff(pod, container.name), container.name);
    const message = crashLoopMessage(pod, container.name, step.backoffMs);
    return { reason: 'CrashLoopBackOff', message };
  }

  /** One pod: make what runs match its spec, then report what runs. */
  async syncPod(pod: Pod): Promise<void> {
    const sandbox = await this.ensureSandbox(pod);
    const held = new Map<string, Held>();
    const ready = await this.preparePod(pod, sandbox, held);
    for (const container of ready ? pod.spec.containers : []) {
      const why = await this.syncContainer(pod, sandbox, container);
      if (why) held.set(container.name, why);
      const { livenessProbe, readinessProbe, startupProbe } = container;
      if (livenessProbe || readinessProbe || startupProbe) {
        await this.syncProbes(pod, sandbox, container);
      }
    }
    await this.writeStatus(pod, sandbox, held);
  }

  /**
   * Chapter 10a's part of a sync, with a PodConfiguration: the pod's volumes, then its init
   * containers in order. Whether the app containers may run now; when not, `held` says why.
   */
  private async preparePod(
    pod: Pod,
    sandbox: PodSandboxStatus,
    held: Map<string, Held>,
  ): Promise<boolean> {
    const configuration = this.options.podConfiguration;
    if (!configuration) return true;
    const failedMount = await configuration.preparePod(pod, sandbox);
    if (failedMount) {
      this.record(pod, () => ({ type: 'Warning', reason: 'FailedMount', message: failedMount }));
      return false;
    }
    const latest = new Map<string, RuntimeContainerStatus | undefined>();
    const unstarted = new Set<string>();
    for (const { name } of pod.spec.initContainers ?? []) {
      const attempt = await this.latestAttempt(sandbox.id, name);
      latest.set(name, attempt);
      const watched = this.probes.get(`${pod.metadata.uid}/${name}`);
      if (watched && watched.containerId === attempt?.id && !watched.probes.started)
        unstarted.add(name);
    }
    const plan = configuration.initPlan(pod, latest, unstarted);
    for (const { container, restartPolicy } of plan.sync) {
      const why = await this.syncContainer(pod, sandbox, container, restartPolicy);
      if (why) held.set(container.name, why);
      // A sidecar (restartPolicy Always) is probed as an app container is (Kubernetes 1.29).
      const { livenessProbe, readinessProbe, startupProbe } = container;
      if (restartPolicy === 'Always' && (livenessProbe || readinessProbe || startupProbe))
        await this.syncProbes(pod, sandbox, container);
    }
    return plan.initialized;
  }

  /** The newest attempt of a container in a sandbox. */
  private async latestAttempt(
    sandboxId: string,
    name: string,
  ): Promise<RuntimeContainerStatus | undefined> {
    const attempts = await this.runtime.listContainers({
      podSandboxId: sandboxId,
      labelSelector: { [containerNameLabel]: name },
    });
    return newestAttempt(attempts);
  }

  // --- Probes --------------------------------------------------------------------------------

  /**
   * Keeps one ContainerProbes on the running attempt of a container that has probes: made when a
   * new attempt runs, stopped when the attempt it watched is no longer running.
   */
  async syncProbes(pod: Pod, sandbox: PodSandboxStatus, container: Container): Promise<void> {
    const key = `${pod.metadata.uid}/${container.name}`;
    const latest = await this.latestAttempt(sandbox.id, container.name);
    const running = latest?.state === 'CONTAINER_RUNNING' ? latest.id : undefined;
    const watched = this.probes.get(key);
    if (watched && watched.containerId === running) return;
    watched?.probes.stop();
    this.probes.delete(key);
    if (!running) return;
    const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
    const target = { podIP: sandbox.ip, containerId: running, runtime: this.runtime };
    const probes = new ContainerProbes(container, target, this.clock, {
      onChange: () => this.enqueue(keyOf(pod)),
      onUnhealthy: (kind, output) =>
        this.record(pod, () => events.unhealthy(kind, output), container.name),
      // A failed liveness probe kills the container; the next sync restarts it (restartPolicy).
      onFailure: () => {
        const failed = probes.started ? 'liveness' : 'startup';
        this.record(pod, () => events.killing(container.name, failed), container.name);
        probes.stop();
        void this.runtime.stopContainer(running, grace).finally(() => this.enqueue(keyOf(pod)));
      },
    });
    this.probes.set(key, { containerId: running, probes });
    probes.start();
  }

  // --- Pods that go --------------------------------------------------------------------------

  /**
   * Stops the containers of the pod `key` within `graceSeconds`, then removes its sandboxes; all
   * but the sandbox of `keepUid` when one is given (a static pod whose file changed).
   */
  async killPod(key: string, graceSeconds: number, keepUid?: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const sandboxes = await this.runtime.listPodSandbox({
      labelSelector: { [podNamespaceLabel]: namespace, [podNameLabel]: name },
    });
    for (const sandbox of sandboxes) {
      if (keepUid !== undefined && sandbox.metadata.uid === keepUid) continue;
      const containers = await this.runtime.listContainers({ podSandboxId: sandbox.id });
      for (const container of containers) {
        const probeKey = `${container.labels[podUidLabel]}/${container.metadata.name}`;
        this.probes.get(probeKey)?.probes.stop();
        this.probes.delete(probeKey);
      }
      const running = containers.filter((container) => container.state === 'CONTAINER_RUNNING');
      for (const container of running) {
        const pod = { metadata: { name, namespace, uid: container.labels[podUidLabel] } };
        this.record(pod, () => events.killing(container.metadata.name), container.metadata.name);
      }
      // One wave, or (chapter 10a) the app containers first and the sidecars after them.
      const names = running.map((container) => container.metadata.name);
      const configuration = this.options.podConfiguration;
      const waves = configuration?.stopOrder(this.pods.get(key), names) ?? [names];
      for (const wave of waves) {
        const stopping = running.filter((container) => wave.includes(container.metadata.name));
        await Promise.all(
          stopping.map((container) => this.runtime.stopContainer(container.id, graceSeconds)),
        );
      }
      await this.runtime.removePodSandbox(sandbox.id);
      await configuration?.cleanupPod(sandbox.metadata.uid);
    }
    if (keepUid === undefined) this.gracePeriods.delete(key);
  }

  /**
   * A pod deleted gracefully: its containers stopped within the grace its deletion gave, then the
   * pod removed for good (a delete with no grace left, for this very pod: its uid).
   */
  async terminatePod(pod: Pod): Promise<void> {
    await this.killPod(keyOf(pod), pod.metadata.deletionGracePeriodSeconds ?? 30);
    try {
      await this.options.client
        .resource<Pod>('pods', pod.metadata.namespace)
        .delete(pod.metadata.name!, {
          gracePeriodSeconds: 0,
          preconditions: { uid: pod.metadata.uid },
        });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

/** Whether two statuses say the same (as JSON, so key order counts: both come from podStatus). */
function sameStatus(a: Pod['status'], b: Pod['status']): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

export function createKubelet(options: KubeletOptions): Kubelet {
  return new Kubelet(options);
}
