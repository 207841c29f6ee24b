// Chapter 06's module, as the harness uses it: `kata run kubelet` builds one kubelet over the
// process runtime; the kubelet benchmark and the cluster benchmark's hollow nodes build many over
// the fake one. Two seams let later chapters in: chapter 10a's pod-config.ts fills PodConfiguration
// (what happens inside a pod, below), chapter 12's pod-dns.ts podDnsConfig (a pod's resolver).
import type { Container, ContainerStatus, Pod, PodSpec, PodStatus } from '../api/types.ts';
import type { ApiClient, Toolkit } from '../client/types.ts';
import type { TimerClock } from '../clock.ts';
import type {
  ContainerConfig,
  ContainerRuntime,
  DnsConfig,
  ContainerStatus as RuntimeContainerStatus,
  PodSandboxStatus,
} from '../runtime/cri.ts';

/** What the init containers allow this sync: which of them to run, and whether the apps may. */
export interface InitPlan {
  /** The init containers to sync now (start, restart, or leave running), each with its policy. */
  sync: Array<{ container: Container; restartPolicy: NonNullable<PodSpec['restartPolicy']> }>;
  /** Every regular init container completed and every sidecar runs: the app containers may start. */
  initialized: boolean;
}

/**
 * The kubelet's seam for what happens inside a pod (chapter 10a): volumes, the configuration
 * containers consume, and init containers. A kubelet without it runs chapter 06's pods: env
 * values only, no volumes, init containers ignored. Each method is called from the kubelet's sync
 * of one pod; an error thrown by preparePod or configureContainer that is a ContainerConfigError
 * (harness/runtime/cri.ts) holds the container back with CreateContainerConfigError.
 */
export interface PodConfiguration {
  /** Watches what pods consume (ConfigMaps, Secrets); calls resync(key) for a pod using a change. */
  run(signal: AbortSignal, resync: (podKey: string) => void): Promise<void>;
  /**
   * Makes (or brings up to date) the pod's volumes on disk. Answers why a volume cannot be set up
   * (the message of a FailedMount Event: no container starts meanwhile), or undefined.
   */
  preparePod(pod: Pod, sandbox: PodSandboxStatus): Promise<string | undefined>;
  /** The container's config with its env resolved, $(VAR)s expanded and its volumes mounted. */
  configureContainer(
    pod: Pod,
    container: Container,
    config: ContainerConfig,
    sandbox: PodSandboxStatus,
  ): Promise<ContainerConfig>;
  /**
   * Which init containers run now, from the newest attempt of each; `unstarted` names the running
   * sidecars whose startup probe has not passed yet (the next init container waits for them).
   */
  initPlan(
    pod: Pod,
    latest: ReadonlyMap<string, RuntimeContainerStatus | undefined>,
    unstarted?: ReadonlySet<string>,
  ): InitPlan;
  /** The pod's status with its init containers' statuses, phase and Initialized condition. */
  completeStatus(pod: Pod, status: PodStatus, initStatuses: ContainerStatus[]): PodStatus;
  /** Groups a going pod's containers (by name) into waves stopped one after the other. */
  stopOrder(pod: Pod | undefined, names: string[]): string[][];
  /** Removes the pod's volumes once its sandbox is gone. */
  cleanupPod(uid: string): Promise<void>;
}
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { StreamingServer } from './pod-streams.ts';

export interface KubeletOptions {
  nodeName: string;
  nodeIp: string;
  /** The range this node's pods take their IPs from. */
  podCidr: string;
  /** What the node has: cpu, memory and pods, as quantities. */
  capacity: { cpu: string; memory: string; pods: string };
  /** Where the kubelet's own API (logs) listens: 10250 in a cluster; absent, none is served. */
  port?: number;
  toolkit: Toolkit;
  client: ApiClient;
  runtime: ContainerRuntime;
  /** How often the runtime is listed for containers that changed (kubelet's PLEG). */
  relistMs?: number;
  /** Volumes, configuration and init containers (chapter 10a); without it, chapter 06's pods. */
  podConfiguration?: PodConfiguration;
  /** A pod's resolver configuration, for its sandbox (chapter 12's podDnsConfig). */
  podDnsConfig?: (pod: Pod) => DnsConfig;
  /** exec, attach and port-forward on the kubelet API (chapter 10b's streaming server). */
  streaming?: StreamingServer;
  /** More GET paths of the kubelet API, each served whole by a later chapter (14's /stats/summary). */
  routes?: KubeletRoute[];
  /** The kubelet API over TLS, for callers the API server allows (harness/components/kubelet-serving.ts). */
  serving?: KubeletServing;
  /** Pods from manifest files, and their mirror pods (chapter 18a); without it, none. */
  staticPods?: StaticPodSource;
}

/**
 * How the kubelet API is served in a cluster with TLS (kube's kubelet with --tls-cert-file,
 * --client-ca-file and --authorization-mode Webhook): the server is HTTPS with the node's
 * serving certificate, asking callers for a client certificate, and every request, an upgrade
 * too, is admitted before it reaches the kubelet's handlers: who sent it (its certificate), and
 * whether the API server says they may (a SubjectAccessReview on nodes/proxy, nodes/stats,
 * nodes/log or nodes/metrics); 401 or 403 otherwise (harness/components/kubelet-serving.ts).
 */
export interface KubeletServing {
  /** The server to listen with, in place of http.createServer(handler).on('upgrade', upgrade). */
  createServer(
    handler: RequestListener,
    upgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void,
  ): Server;
}

/**
 * The kubelet's seam for pods that come from files (chapter 18a's static pods, the kubelet's
 * --pod-manifest-path). The source runs them on a queue of its own through the kubelet's steps
 * (StaticPodHost), even while no API server answers; the kubelet never runs a mirror pod
 * (harness/api/static-pods.ts) it finds in the API server, and hands the source its status.
 */
export interface StaticPodSource {
  /**
   * Reads the manifests, then starts the source's queue of static pod keys and watches the files,
   * until `signal` aborts. Resolves once the first read is done.
   */
  run(signal: AbortSignal, host: StaticPodHost): Promise<void>;
  /** The static pod under "namespace/name", as its file says, with the status last set. */
  get(podKey: string): Pod | undefined;
  /** Records the status the kubelet observed for the static pod (its mirror shows it). */
  setStatus(podKey: string, status: PodStatus): void;
  /** Queues the static pod (or its mirror) for a sync, now or after `afterMs` (a back-off). */
  resync(podKey: string, afterMs?: number): void;
}

/** What the kubelet lends a StaticPodSource: its steps for one pod, and its view of the API. */
export interface StaticPodHost {
  toolkit: Toolkit;
  clock: TimerClock;
  /** The kubelet's sync of one pod: make what runs match its spec, then report what runs. */
  syncPod(pod: Pod): Promise<void>;
  /** Stops the pod of `podKey` within `graceSeconds`: all its sandboxes but `keepUid`'s. */
  killPod(podKey: string, graceSeconds: number, keepUid?: string): Promise<void>;
  /** The pod the API server has under `podKey`, as the kubelet's informer holds it. */
  apiPod(podKey: string): Pod | undefined;
}

/** A GET path of the kubelet API that a later chapter serves: chapter 14's /stats/summary. */
export interface KubeletRoute {
  /** The exact path: "/stats/summary". */
  path: string;
  serve(request: IncomingMessage, response: ServerResponse): void;
}

export interface Kubelet {
  /** Registers the node and runs its pods until `signal` aborts. */
  run(signal: AbortSignal): Promise<void>;
}

/** Chapter 18a's static-pods.ts: the source of pods from a manifest folder. */
export interface StaticPodsModule {
  createStaticPods: (options: {
    /** The folder of manifests (--pod-manifest-path). */
    manifestPath: string;
    nodeName: string;
    /** The API server, for mirror pods; without it, none. */
    client?: ApiClient;
    /** Told why a file gives no pod. */
    onError?: (message: string) => void;
  }) => StaticPodSource;
}

/** kubelet.ts. */
export interface KubeletModule {
  createKubelet: (options: KubeletOptions) => Kubelet;
}
