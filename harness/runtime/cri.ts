// The container runtime interface: what a kubelet asks of the thing that runs containers.
//
// Kubernetes' kubelet never starts a process itself. It speaks the CRI (Container Runtime
// Interface, a gRPC API) to containerd or CRI-O, whose RuntimeService runs pod sandboxes and
// containers and whose ImageService pulls images. This file is the same contract in TypeScript,
// with the same words: a *pod sandbox* is the environment a pod's containers share (on a real node,
// the network namespace holding the pod IP; here, the pod IP and the pod's identity), and a
// *container* is one process started from an image inside a sandbox.
//
// Two runtimes implement it: ProcessRuntime (process-runtime.ts) runs every container as a real
// child process, and FakeRuntime (fake-runtime.ts) is an in-memory test double.
//
// Times are milliseconds since the epoch (the CRI uses nanoseconds); 0 means "not yet".

// --- Labels ---------------------------------------------------------------------------------------

/**
 * Label keys the kubelet puts on sandboxes and containers, as in Kubernetes. After a restart the
 * kubelet lists what the runtime runs and uses these to tell which pod and container each belongs
 * to, so it adopts running containers instead of starting them twice.
 */
export const podNameLabel = 'io.kubernetes.pod.name';
export const podNamespaceLabel = 'io.kubernetes.pod.namespace';
export const podUidLabel = 'io.kubernetes.pod.uid';
export const containerNameLabel = 'io.kubernetes.container.name';
/** An annotation in Kubernetes (it changes on every restart, so it is not used to select). */
export const containerRestartCountAnnotation = 'io.kubernetes.container.restartCount';

export type Labels = Record<string, string>;

/** Whether `labels` carry every key=value of `selector`. */
export function matchesLabels(labels: Labels, selector: Labels | undefined): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}

// --- Pod sandboxes --------------------------------------------------------------------------------

/** Which pod a sandbox is for. `attempt` counts sandboxes made for the same pod. */
export interface PodSandboxMetadata {
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
}

/**
 * A pod's resolver configuration, as the CRI's DNSConfig: the kubelet computes it from the pod's
 * dnsPolicy and dnsConfig, the runtime writes it as the sandbox's resolv.conf.
 */
export interface DnsConfig {
  /** Name servers, in order: IPs, or "ip:port" for one that does not answer on 53 (kata's own). */
  servers: string[];
  /** Search domains, in order: "default.svc.cluster.local". */
  searches: string[];
  /** resolv.conf options: "ndots:5". */
  options: string[];
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  /** The pod's hostname; the pod name when empty. Containers see it as $HOSTNAME. */
  hostname?: string;
  /** The pod's resolver configuration; without it, the pod's programs use the node's resolver. */
  dnsConfig?: DnsConfig;
  labels?: Labels;
  annotations?: Labels;
}

/** READY while the sandbox holds its pod IP; NOTREADY once stopped. */
export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

export interface PodSandboxStatus {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: number;
  /** The pod IP, assigned by the runtime from the node's podCIDR (as a CNI plugin would). */
  ip: string;
  hostname: string;
  labels: Labels;
  annotations: Labels;
}

export interface PodSandboxFilter {
  id?: string;
  state?: PodSandboxState;
  labelSelector?: Labels;
}

// --- Containers -----------------------------------------------------------------------------------

/** Which container this is. `attempt` is its restart count: 0 first, then 1, 2, … */
export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export interface EnvVar {
  name: string;
  value: string;
}

export interface ContainerPort {
  containerPort: number;
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/**
 * A path of the host the container sees at `containerPath` (the CRI's Mount). A real runtime
 * bind-mounts it in the container's mount namespace; the process runtime links it into the
 * container's root directory ($KATA_ROOT, see images/container-files.mjs).
 */
export interface Mount {
  containerPath: string;
  hostPath: string;
  /** Read-only: a real runtime mounts it so; here it is recorded and left to the images. */
  readonly?: boolean;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: string;
  /** Replaces the image's entrypoint, as a pod's `command` does. */
  command?: string[];
  /** Replaces the image's default arguments, as a pod's `args` does. */
  args?: string[];
  env?: EnvVar[];
  ports?: ContainerPort[];
  workingDir?: string;
  /** The volumes it sees, at their paths in the container. */
  mounts?: Mount[];
  /** It has a stdin that attach writes to (openStdin), open until the container ends. */
  stdin?: boolean;
  /** That stdin ends after the first attach that wrote to it: the program reads end of input. */
  stdinOnce?: boolean;
  /** It has a terminal: its programs run interactive, and its stderr joins its stdout. */
  tty?: boolean;
  labels?: Labels;
  annotations?: Labels;
}

export type ContainerState =
  'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

export interface ContainerStatus {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: string;
  state: ContainerState;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  /** Set once EXITED: the program's exit code, or 128 + the signal number when a signal ended it. */
  exitCode: number;
  /** Why it ended, in Kubernetes' words: 'Completed' (exit 0), 'Error', 'StartError'. */
  reason: string;
  message: string;
  /** The process id while RUNNING (0 otherwise); a test double makes one up. */
  pid: number;
  /** Where this container's log is, in the CRI log format (see cri-log.ts). */
  logPath: string;
  labels: Labels;
  annotations: Labels;
}

export interface ContainerFilter {
  id?: string;
  podSandboxId?: string;
  state?: ContainerState;
  labelSelector?: Labels;
}

// --- Logs and exec --------------------------------------------------------------------------------

/** One line of a container log. `partial` is true for a piece of a line too long to write at once. */
export interface LogLine {
  /** When the runtime read it, RFC 3339 with sub-second digits. */
  time: string;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  content: string;
}

export interface LogOptions {
  /** Only the last N lines (all when absent). */
  tailLines?: number;
  /** Keep reading as the container writes, until it exits or `signal` aborts. */
  follow?: boolean;
  signal?: AbortSignal;
}

/**
 * What a streaming exec asks for (the CRI's ExecRequest): whether the command gets a terminal,
 * and whether its stdin is kept open for the caller to write to.
 */
export interface ExecStreamOptions {
  tty: boolean;
  stdin: boolean;
}

/**
 * A command running in a container, its streams handed to the caller (`kubectl exec`). A real
 * runtime answers the CRI's Exec with the URL of its streaming server; this runtime lives in the
 * kubelet's process, so it hands over the streams themselves.
 */
export interface ExecSession {
  /** The command's stdin; absent unless asked for. Ending it is end of input (a terminal's ^D). */
  stdin?: NodeJS.WritableStream;
  /** Its output; with a tty, stderr is merged into it, as a terminal has one output. */
  stdout: NodeJS.ReadableStream;
  stderr: NodeJS.ReadableStream;
  /** Resolves with its exit code (127: no such command) once it ended and its output was read. */
  exited: Promise<number>;
  /** Sends it a signal: a terminal's ^C is SIGINT; the caller going away is SIGKILL. */
  kill(signal: NodeJS.Signals): void;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when the command ran past its timeout and was killed (an exec probe counts it a failure). */
  timedOut: boolean;
}

// --- Images ---------------------------------------------------------------------------------------

export interface ImageStatus {
  /** The reference as asked for, e.g. "nginx" or "kata/echo:1.0". */
  ref: string;
  /** Where it resolved to, e.g. "kata/echo" (the program this image runs). */
  id: string;
}

/** Reasons a kubelet reports in a waiting container's state, as in Kubernetes. */
export const ErrImagePull = 'ErrImagePull';
export const ImagePullBackOff = 'ImagePullBackOff';
export const InvalidImageName = 'InvalidImageName';

/** A pull that failed: the kubelet reports `reason` (ErrImagePull) and backs off (ImagePullBackOff). */
export class ImagePullError extends Error {
  readonly reason: string;
  readonly image: string;
  constructor(image: string, reason: string, message: string) {
    super(message);
    this.name = 'ImagePullError';
    this.image = image;
    this.reason = reason;
  }
}

/** Why the kubelet could not make a container's config (a missing ConfigMap, Secret or key). */
export const CreateContainerConfigError = 'CreateContainerConfigError';

/**
 * The container's configuration cannot be made: the kubelet does not start it, reports it waiting
 * with the reason CreateContainerConfigError and this message, records an Event, and tries again.
 */
export class ContainerConfigError extends Error {
  readonly reason = CreateContainerConfigError;
  constructor(message: string) {
    super(message);
    this.name = 'ContainerConfigError';
  }
}

/** Error kinds, named as the gRPC codes a CRI runtime answers with. */
export type RuntimeErrorCode = 'NotFound' | 'InvalidArgument' | 'FailedPrecondition' | 'Unknown';

export class RuntimeError extends Error {
  readonly code: RuntimeErrorCode;
  constructor(code: RuntimeErrorCode, message: string) {
    super(message);
    this.name = 'RuntimeError';
    this.code = code;
  }
}

// --- The interface --------------------------------------------------------------------------------

export interface CloseOptions {
  /** Stop every running container first (SIGTERM, then SIGKILL after `timeoutSeconds`). */
  stopAll?: boolean;
  timeoutSeconds?: number;
}

export interface ContainerRuntime {
  // Images (the CRI's ImageService).
  /** Resolves when the image is present; throws ImagePullError when it cannot be pulled. */
  pullImage(image: string): Promise<ImageStatus>;
  /** The image if it has been pulled, undefined otherwise. */
  imageStatus(image: string): Promise<ImageStatus | undefined>;

  // Pod sandboxes.
  /** Makes the pod's sandbox and assigns its IP; returns the sandbox id. */
  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  /** Stops every container in the sandbox (at once) and releases its IP. Idempotent, even once removed. */
  stopPodSandbox(sandboxId: string): Promise<void>;
  /** Removes a sandbox and its containers (stopping them first). Idempotent. */
  removePodSandbox(sandboxId: string): Promise<void>;
  podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandboxStatus[]>;

  // Containers.
  /** Records a container in a READY sandbox; its image must be known. Returns the container id. */
  createContainer(sandboxId: string, config: ContainerConfig): Promise<string>;
  /** Starts a CREATED container. */
  startContainer(containerId: string): Promise<void>;
  /** SIGTERM, then SIGKILL once `timeoutSeconds` pass; resolves when it has exited. Idempotent. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  /** Removes an exited or created container (stopping a running one first). Idempotent. */
  removeContainer(containerId: string): Promise<void>;
  containerStatus(containerId: string): Promise<ContainerStatus>;
  listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]>;

  // Logs and exec.
  /** The container's log lines, oldest first; with `follow`, an endless stream until exit or abort. */
  readLogs(containerId: string, options?: LogOptions): AsyncIterable<LogLine>;
  /** Runs `command` beside a running container, with its env (for exec probes). */
  exec(containerId: string, command: string[], timeoutSeconds: number): Promise<ExecResult>;
  /**
   * Starts `command` in a running container with streams (the CRI's Exec, where exec above is
   * ExecSync): its env and working directory, its files as the container sees them.
   */
  execStream(
    containerId: string,
    command: string[],
    options: ExecStreamOptions,
  ): Promise<ExecSession>;

  /**
   * The stdin of a running container created with `stdin` (the CRI's Attach, its stdin part), for
   * an attach to write what its client types. Ending the stream ends this attach's input: with
   * `stdinOnce` the container's program then reads end of input, and later attaches get an error;
   * without it the stdin stays open for the next attach. Throws FailedPrecondition for a container
   * without stdin (or whose stdin was closed), or not running.
   */
  openStdin(containerId: string): Promise<NodeJS.WritableStream>;

  /**
   * ^C typed on an attached tty: SIGINT to the container's processes, as a terminal's line
   * discipline signals its foreground process group. A real runtime has a pseudo-terminal whose
   * kernel does this; kata's has none, so the runtime stands in for it. Throws FailedPrecondition
   * for a container without a tty, or not running.
   */
  interrupt(containerId: string): Promise<void>;

  /**
   * Optional: calls `listener` with a container's status as soon as it exits, as the CRI's
   * GetContainerEvents stream does for the kubelet's evented PLEG (CONTAINER_STOPPED_EVENT). An
   * addition to listing, never a replacement: an exit may go unreported (the kubelet relists).
   * Returns how to stop listening.
   */
  watchContainerExits?(listener: (container: ContainerStatus) => void): () => void;

  /** Lets go of the runtime; with `stopAll`, no container outlives it. */
  close(options?: CloseOptions): Promise<void>;
}
