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
import type { Container, Lease, Node, Pod, Service } from '../../harness/api/types.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../../harness/client/errors.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type Timer, type TimerClock } from '../../harness/clock.ts';
import {
  containerNameLabel,
  ImagePullBackOff,
  ImagePullError,
  podNameLabel,
  podNamespaceLabel,
  podUidLabel,
  type ContainerRuntime,
  type ContainerStatus as RuntimeContainerStatus,
} from '../../harness/runtime/cri.ts';
import { serveKubeletApi } from './kubelet-server.ts';
import { nodeLease, nodeObject, type NodeConfig } from './node.ts';
import { podStatus, type ContainerObservation } from './pod-status.ts';
import { ContainerProbes } from './probes.ts';
import { CrashBackoff, shouldRestart, type BackoffOptions } from './restarts.ts';

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

/** The key of a pod: "namespace/name". */
const keyOf = (pod: Pod) => `${pod.metadata.namespace}/${pod.metadata.name}`;

/** A MicroTime, for Lease times. */
const microTime = (milliseconds: number) =>
  new Date(milliseconds).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/**
 * The variables a container finds the Services of its namespace by, as Kubernetes sets them: for a
 * Service named web-api, WEB_API_SERVICE_HOST (its ClusterIP) and WEB_API_SERVICE_PORT (its first
 * port), and WEB_API_SERVICE_PORT_<NAME> for each named port. Only Services that exist when the
 * container starts (so a client started before its Service must use DNS, or be restarted).
 */
export function serviceEnvironment(services: Service[]): { name: string; value: string }[] {
  const variables: { name: string; value: string }[] = [];
  for (const service of services) {
    const ip = service.spec.clusterIP;
    const ports = service.spec.ports ?? [];
    if (!ip || ip === 'None' || ports.length === 0) continue;
    const prefix = service.metadata.name!.toUpperCase().replace(/-/g, '_');
    variables.push({ name: `${prefix}_SERVICE_HOST`, value: ip });
    variables.push({ name: `${prefix}_SERVICE_PORT`, value: String(ports[0]!.port) });
    for (const port of ports) {
      if (port.name) {
        variables.push({
          name: `${prefix}_SERVICE_PORT_${port.name.toUpperCase().replace(/-/g, '_')}`,
          value: String(port.port),
        });
      }
    }
  }
  return variables;
}

export class Kubelet {
  private readonly options: KubeletOptions;
  private readonly runtime: ContainerRuntime;
  private readonly clock: TimerClock;
  private readonly backoff: CrashBackoff;
  /** Containers held back, per pod key and container name: why, and until when. */
  private readonly held = new Map<string, Map<string, { reason: string; message?: string }>>();
  /** The probes of each running container that has any, by container id. */
  private readonly probes = new Map<string, ContainerProbes>();
  /** When each failed image pull (per pod, container and image) may be tried again. */
  private readonly pullFailures = new Map<string, number>();
  /** The grace period of each pod last seen, for stopping it once it is gone. */
  private readonly gracePeriods = new Map<string, number>();
  private pods: Informer<Pod> | undefined;
  private services: Informer<Service> | undefined;
  /** The port the kubelet API listens on, once it does. */
  private apiPort: number | undefined;
  private enqueue: (key: string, afterMs?: number) => void = () => {};

  constructor(options: KubeletOptions) {
    this.options = options;
    this.runtime = options.runtime;
    this.clock = options.clock ?? systemClock;
    this.backoff = new CrashBackoff(options.backoff);
  }

  get nodeName(): string {
    return this.options.nodeName;
  }

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
    const { toolkit, client } = this.options;
    if (this.options.port !== undefined) {
      const api = await serveKubeletApi(this.runtime, this.options.nodeIp, this.options.port);
      // The Node tells the API server where the kubelet API really is (port 0 picked one).
      this.apiPort = Number(new URL(api.url).port);
      signal.addEventListener('abort', () => void api.close());
    }
    await this.register();
    const timers: Timer[] = [];
    const every = (milliseconds: number, work: () => Promise<void>) => {
      const tick = () => {
        void work()
          .catch(() => {})
          .finally(() => {
            if (!signal.aborted) timers.push(this.clock.setTimeout(tick, milliseconds));
          });
      };
      timers.push(this.clock.setTimeout(tick, milliseconds));
    };
    signal.addEventListener('abort', () => {
      timers.forEach((timer) => this.clock.clearTimeout(timer));
      for (const probes of this.probes.values()) probes.stop();
    });
    await this.heartbeat();
    every(this.options.heartbeatMs ?? 10_000, () => this.heartbeat());

    const pods = toolkit.createInformer(client.resource<Pod>('pods'), {
      fieldSelector: `spec.nodeName=${this.nodeName}`,
      clock: this.clock,
    });
    // Services, for the environment variables a container finds them by (without DNS).
    this.services = toolkit.createInformer(client.resource<Service>('services'), {
      clock: this.clock,
    });
    this.services.run(signal);
    await this.services.waitForSync(signal);
    this.pods = pods;
    const controller = toolkit.createController({
      name: `kubelet-${this.nodeName}`,
      queue: toolkit.createWorkQueue({ clock: this.clock, baseDelayMs: 100, maxDelayMs: 10_000 }),
      reconcile: (key) => this.syncPod(key),
      // Pods are independent: several are synced at once (the queue keeps each pod to one worker).
      workers: 8,
    });
    this.enqueue = (key, afterMs = 0) =>
      afterMs > 0 ? controller.queue.addAfter(key, afterMs) : controller.queue.add(key);
    pods.addEventHandlers({
      add: (pod) => this.gracePeriods.set(keyOf(pod), pod.spec.terminationGracePeriodSeconds ?? 30),
      delete: (pod) =>
        this.gracePeriods.set(keyOf(pod), pod.spec.terminationGracePeriodSeconds ?? 30),
    });
    controller.watch(pods);
    // Containers change on their own (they exit): list the runtime and look at the pods whose
    // containers did, like the kubelet's pod lifecycle event generator.
    let lastStates = new Map<string, string>();
    every(this.options.relistMs ?? 1000, async () => {
      const states = new Map<string, string>();
      for (const container of await this.runtime.listContainers()) {
        const key = `${container.labels[podNamespaceLabel]}/${container.labels[podNameLabel]}`;
        states.set(container.id, container.state);
        if (lastStates.get(container.id) !== container.state) this.enqueue(key);
      }
      lastStates = states;
    });
    await controller.run(signal);
  }

  /** Creates the Node, or (after a restart) writes its status again. */
  async register(): Promise<void> {
    const nodes = this.options.client.resource<Node>('nodes');
    const node = nodeObject(
      { ...this.options, port: this.apiPort ?? this.options.port },
      new Date(this.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
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

  /** One pod: make what runs match its spec, then report what runs. */
  async syncPod(key: string): Promise<void> {
    const pod = this.pods?.get(key);
    if (!pod) return this.killPod(key);
    if (pod.metadata.deletionTimestamp) {
      // Deleted gracefully: stop the containers within the grace given, then remove the pod for
      // good (a delete with no grace left, for this very pod).
      this.gracePeriods.set(key, pod.metadata.deletionGracePeriodSeconds ?? 30);
      await this.killPod(key);
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
      return;
    }
    const [namespace, name] = key.split('/') as [string, string];
    const uid = pod.metadata.uid!;
    const labels = { [podNameLabel]: name, [podNamespaceLabel]: namespace, [podUidLabel]: uid };

    // The sandbox: the pod's own IP, shared by its containers.
    let [sandbox] = await this.runtime.listPodSandbox({
      labelSelector: { [podUidLabel]: uid },
      state: 'SANDBOX_READY',
    });
    if (!sandbox) {
      const id = await this.runtime.runPodSandbox({
        metadata: { name, namespace, uid, attempt: 0 },
        hostname: pod.spec.hostname ?? name,
        labels,
      });
      sandbox = await this.runtime.podSandboxStatus(id);
    }

    const held = new Map<string, { reason: string; message?: string }>();
    this.held.set(key, held);
    for (const container of pod.spec.containers) {
      await this.syncContainer(pod, sandbox.id, sandbox.ip, container, held);
    }
    await this.writeStatus(pod, sandbox.id, sandbox.ip, held);
  }

  /** One container: start it, leave it, or restart it after its back-off. */
  private async syncContainer(
    pod: Pod,
    sandboxId: string,
    podIP: string,
    container: Container,
    held: Map<string, { reason: string; message?: string }>,
  ): Promise<void> {
    const key = keyOf(pod);
    const latest = await this.latestAttempt(sandboxId, container.name);
    if (latest?.state === 'CONTAINER_RUNNING')
      return this.ensureProbes(pod, container, latest.id, podIP);
    if (latest?.state === 'CONTAINER_CREATED') return;
    let attempt = 0;
    if (latest) {
      if (!shouldRestart(pod.spec.restartPolicy, latest.exitCode)) return;
      const backoffKey = `${pod.metadata.uid}/${container.name}`;
      const now = this.clock.now();
      const remaining = this.backoff.remainingMs(backoffKey, latest.finishedAt, now);
      if (remaining > 0) {
        const seconds = Math.round(this.backoff.currentMs(backoffKey) / 1000);
        held.set(container.name, {
          reason: 'CrashLoopBackOff',
          message:
            `back-off ${seconds}s restarting failed container=${container.name} ` +
            `pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
        });
        this.enqueue(key, remaining);
        return;
      }
      this.backoff.next(backoffKey, latest.finishedAt);
      attempt = latest.metadata.attempt + 1;
    }

    // A pull that failed is not tried again until its back-off has passed: ImagePullBackOff.
    const pullKey = `${pod.metadata.uid}/${container.name}/${container.image}`;
    const pullWait = (this.pullFailures.get(pullKey) ?? 0) - this.clock.now();
    if (pullWait > 0) {
      held.set(container.name, {
        reason: ImagePullBackOff,
        message: `Back-off pulling image "${container.image}"`,
      });
      this.enqueue(key, pullWait);
      return;
    }
    try {
      await this.runtime.pullImage(container.image);
      this.pullFailures.delete(pullKey);
    } catch (error) {
      if (!(error instanceof ImagePullError)) throw error;
      const backoffMs = this.options.imageBackoffMs ?? 10_000;
      this.pullFailures.set(pullKey, this.clock.now() + backoffMs);
      held.set(container.name, { reason: error.reason, message: error.message });
      this.enqueue(key, backoffMs);
      return;
    }
    const id = await this.runtime.createContainer(sandboxId, {
      metadata: { name: container.name, attempt },
      image: container.image,
      command: container.command,
      args: container.args,
      env: [
        ...serviceEnvironment(
          this.services?.byIndex('namespace', pod.metadata.namespace ?? '') ?? [],
        ),
        ...(container.env ?? []).map((variable) => ({
          name: variable.name,
          value: variable.value ?? '',
        })),
      ],
      ports: container.ports?.map((port) => ({
        containerPort: port.containerPort,
        name: port.name,
        protocol: port.protocol,
      })),
      workingDir: container.workingDir,
      labels: {
        [podNameLabel]: pod.metadata.name!,
        [podNamespaceLabel]: pod.metadata.namespace!,
        [podUidLabel]: pod.metadata.uid!,
        [containerNameLabel]: container.name,
      },
    });
    await this.runtime.startContainer(id);
    this.ensureProbes(pod, container, id, podIP);
  }

  /** Starts the probes of a running container that has any, once per container. */
  private ensureProbes(pod: Pod, container: Container, containerId: string, podIP: string): void {
    const { livenessProbe, readinessProbe, startupProbe } = container;
    if (!livenessProbe && !readinessProbe && !startupProbe) return;
    if (this.probes.has(containerId)) return;
    const key = keyOf(pod);
    const probes = new ContainerProbes(
      container,
      { podIP, containerId, runtime: this.runtime },
      this.clock,
      {
        onChange: () => this.enqueue(key),
        // A failed liveness probe kills the container; the next sync restarts it (restartPolicy).
        onFailure: () => {
          probes.stop();
          this.probes.delete(containerId);
          const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
          void this.runtime.stopContainer(containerId, grace).finally(() => this.enqueue(key));
        },
      },
    );
    this.probes.set(containerId, probes);
    probes.start();
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
    return attempts.sort((a, b) => b.metadata.attempt - a.metadata.attempt)[0];
  }

  /** Works out the pod's status from the runtime and writes it when it changed. */
  private async writeStatus(
    pod: Pod,
    sandboxId: string,
    podIP: string,
    held: Map<string, { reason: string; message?: string }>,
  ): Promise<void> {
    const containers: ContainerObservation[] = [];
    for (const container of pod.spec.containers) {
      const latest = await this.latestAttempt(sandboxId, container.name);
      const probes = latest && this.probes.get(latest.id);
      if (probes && latest.state !== 'CONTAINER_RUNNING') {
        probes.stop();
        this.probes.delete(latest.id);
      }
      containers.push({
        name: container.name,
        image: container.image,
        latest,
        waiting: held.get(container.name),
        started: probes?.started,
        ready: probes?.ready,
      });
    }
    const status = podStatus({
      spec: pod.spec,
      previous: pod.status,
      containers,
      podIP,
      hostIP: this.options.nodeIp,
      now: this.clock.now(),
    });
    // The same status as the pod shows already: no write (the API server would work for nothing).
    if (sameStatus(pod.status, status)) return;
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

  /** A pod that is gone from the API: stop its containers within its grace period, then its sandbox. */
  private async killPod(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const sandboxes = await this.runtime.listPodSandbox({
      labelSelector: { [podNamespaceLabel]: namespace, [podNameLabel]: name },
    });
    const grace = this.gracePeriods.get(key) ?? 30;
    for (const sandbox of sandboxes) {
      const containers = await this.runtime.listContainers({ podSandboxId: sandbox.id });
      for (const container of containers) {
        this.probes.get(container.id)?.stop();
        this.probes.delete(container.id);
      }
      await Promise.all(
        containers
          .filter((container) => container.state === 'CONTAINER_RUNNING')
          .map((container) => this.runtime.stopContainer(container.id, grace)),
      );
      await this.runtime.removePodSandbox(sandbox.id);
    }
    this.held.delete(key);
    this.gracePeriods.delete(key);
  }
}

/** Whether two statuses say the same (as JSON, so key order counts: both come from podStatus). */
function sameStatus(a: Pod['status'], b: Pod['status']): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

export function createKubelet(options: KubeletOptions): Kubelet {
  return new Kubelet(options);
}
