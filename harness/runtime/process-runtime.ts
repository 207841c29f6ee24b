// The process runtime: a container runtime whose containers are real processes on this machine.
//
// Each container is a Node program from the image table (images/table.ts), started through a shim
// (shim.mjs) that writes its logs in the CRI format and records its exit. Each pod sandbox gets an
// IP from the node's podCIDR on loopback (see ../network.ts), which its containers listen on, as a
// CNI plugin would give it an address on the pod network. In the single-address network mode every
// sandbox's IP is 127.0.0.1, and the ports a container is given (KATA_CONTAINER_PORTS) are the ones
// its pod's ports were published on (../components/host-ports.ts). A pod on the node's network
// (spec.hostNetwork, as the hostNetwork option says) gets the node's IP instead, as kubeadm's
// control-plane pods show it.
//
// Everything the runtime knows is kept in its state directory, so a new runtime object (after a
// kubelet restart) opening the same directory sees the same sandboxes and the containers still
// running, and the kubelet can adopt them:
//
//   <stateDir>/sandboxes/<id>.json                   a sandbox's status
//   <stateDir>/sandboxes/<id>.resolv.conf            its resolver configuration, when the kubelet
//                                                    gave one (images/pod-resolver.mjs reads it)
//   <stateDir>/containers/<id>/container.json        a container's record (what to run, labels)
//   <stateDir>/containers/<id>/{spec,started,exit}.json   the shim's files
//   <stateDir>/containers/<id>/stdin                 a FIFO, for a container with stdin: the shim
//                                                    copies it to the program; attach writes to it
//   <stateDir>/containers/<id>/root/                 the container's root ($KATA_ROOT): each mount
//                                                    a symlink at its path, e.g. root/etc/app ->
//                                                    the pod's configMap volume; the read-only
//                                                    ones listed in $KATA_READONLY_PATHS
//   <stateDir>/shim.json, shim.log                   the node's shim: its pid and socket, its errors
//                                                    (one shim for all the containers of the node)
//   <stateDir>/pods/<namespace>_<name>_<uid>/<container>/<attempt>.log   logs, laid out as the
//                                                    kubelet lays out /var/log/pods
//
// One runtime object per state directory at a time; a second one is for after the first is closed.

import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  constants as files,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { constants } from 'node:os';
import { Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import {
  cidrSize,
  firstPodAddressIndex,
  nthAddress,
  parseCidr,
  singleAddress,
  type Cidr,
  type NetworkMode,
} from '../network.ts';
import {
  matchesLabels,
  RuntimeError,
  type CloseOptions,
  type ContainerConfig,
  type ContainerFilter,
  type ContainerRuntime,
  type ContainerStatus,
  type ExecResult,
  type ExecSession,
  type ExecStreamOptions,
  type ImageStatus,
  type LogLine,
  type LogOptions,
  type Mount,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxMetadata,
  type PodSandboxStatus,
} from './cri.ts';
import { readLogFile } from './cri-log.ts';
import { defaultImageTable, imageStatusOf, resolveImage, type ImageTable } from './images/table.ts';
import { formatResolvConf } from './images/pod-resolver.mjs';
import { isAlive, NodeShim, shimDeadlineMs, waitUntil } from './node-shim.ts';

export { isAlive } from './node-shim.ts';

/** The pod resolver, as NODE_OPTIONS --import takes it: a file URL. */
const podResolver = new URL('./images/pod-resolver.mjs', import.meta.url).href;

/** Signal numbers by name, for an exit code of 128 + the signal that ended a command. */
const osSignals: Record<string, number> = constants.signals;

export interface ProcessRuntimeOptions {
  /** Where records, shim files and logs live; created if missing. */
  stateDir: string;
  /** The node's podCIDR, e.g. podCidrForNode(0) = "127.244.0.0/24". */
  podCidr: string;
  /** Which program each image runs; the default table unless a test brings its own. */
  images?: ImageTable;
  /** single: every sandbox's IP is 127.0.0.1, whatever the podCIDR. loopback by default. */
  network?: NetworkMode;
  /**
   * Whether a pod shares the node's network (spec.hostNetwork; the CRI's namespace option NODE):
   * its sandbox then has the node's IP, `nodeIp`, rather than one of the podCIDR. None: no pod does.
   */
  hostNetwork?: (sandbox: PodSandboxMetadata) => Promise<boolean>;
  /** The node's IP, for the pods on its network. */
  nodeIp?: string;
}

/** What the runtime remembers about a container; its state comes from the shim's files. */
interface ContainerRecord {
  id: string;
  podSandboxId: string;
  metadata: ContainerConfig['metadata'];
  image: string;
  program: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  logPath: string;
  createdAt: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The pid of the shim that started it, once started (0 before). */
  shimPid: number;
  /** It has a stdin (a FIFO in its directory); stdinOnce: it ends after the first attach. */
  stdin?: boolean;
  stdinOnce?: boolean;
  /** It has a terminal: the shim writes its output to the log as it comes, partial lines too. */
  tty?: boolean;
}

interface StartedFile {
  pid: number;
  startedAt: number;
}

interface ExitFile {
  exitCode: number;
  reason: string;
  message: string;
  finishedAt: number;
}

export class ProcessRuntime implements ContainerRuntime {
  private readonly options: ProcessRuntimeOptions;
  private readonly stateDir: string;
  private readonly podCidr: Cidr;
  private readonly images: ImageTable;
  private readonly network: NetworkMode;
  private readonly sandboxes = new Map<string, PodSandboxStatus>();
  private readonly containers = new Map<string, ContainerRecord>();
  private readonly pulled = new Map<string, ImageStatus>();
  /** Sandboxes being made, whose IP is taken though not yet on disk. */
  private readonly reservedIps = new Set<string>();
  /** Set by close({ stopAll }): from then on no container starts. */
  private closing = false;
  /** Containers being started, until the shim has said it runs them (or could not). */
  private readonly starting = new Map<string, Promise<void>>();
  /** The node's shim; before a new one starts, the containers of one that is gone are ended. */
  private readonly shim: NodeShim;
  /** Who wants to hear of each container's exit at once (watchContainerExits). */
  private readonly exitListeners = new Set<(container: ContainerStatus) => void>();

  constructor(options: ProcessRuntimeOptions) {
    this.options = options;
    this.stateDir = options.stateDir;
    this.podCidr = parseCidr(options.podCidr);
    this.images = options.images ?? defaultImageTable;
    this.network = options.network ?? 'loopback';
    this.shim = new NodeShim(
      this.stateDir,
      () => {
        for (const container of this.containers.values())
          this.endOrphan(container, this.started(container.id));
      },
      (dir) => this.reportExit(basename(dir)),
    );
    mkdirSync(join(this.stateDir, 'sandboxes'), { recursive: true });
    mkdirSync(join(this.stateDir, 'containers'), { recursive: true });
    this.load();
  }

  /** Reads back what an earlier runtime on this directory left: this is how adoption works. */
  private load(): void {
    for (const file of readdirSync(join(this.stateDir, 'sandboxes'))) {
      if (!file.endsWith('.json')) continue;
      const sandbox = readJson<PodSandboxStatus>(join(this.stateDir, 'sandboxes', file));
      if (sandbox) this.sandboxes.set(sandbox.id, sandbox);
    }
    for (const id of readdirSync(join(this.stateDir, 'containers'))) {
      const container = readJson<ContainerRecord>(this.containerFile(id, 'container.json'));
      if (container) this.containers.set(container.id, container);
    }
  }

  // --- Images -------------------------------------------------------------------------------------

  async pullImage(image: string): Promise<ImageStatus> {
    const status = imageStatusOf(image, resolveImage(this.images, image));
    this.pulled.set(image, status);
    return status;
  }

  async imageStatus(image: string): Promise<ImageStatus | undefined> {
    return this.pulled.get(image);
  }

  // --- Pod sandboxes ------------------------------------------------------------------------------

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const { nodeIp, hostNetwork } = this.options;
    const onHost = nodeIp !== undefined && (await hostNetwork?.(config.metadata));
    const ip = onHost ? nodeIp : this.allocateIp();
    const sandbox: PodSandboxStatus = {
      id: newId(),
      metadata: { ...config.metadata },
      state: 'SANDBOX_READY',
      createdAt: Date.now(),
      ip,
      hostname: config.hostname || config.metadata.name,
      labels: { ...config.labels },
      annotations: { ...config.annotations },
    };
    mkdirSync(this.podLogDir(sandbox), { recursive: true });
    if (config.dnsConfig)
      writeFileSync(this.resolvConfPath(sandbox.id), formatResolvConf(config.dnsConfig));
    this.saveSandbox(sandbox);
    this.reservedIps.delete(ip);
    return sandbox.id;
  }

  /** The first address of the podCIDR no READY sandbox holds; the one address in single mode. */
  private allocateIp(): string {
    if (this.network === 'single') return singleAddress;
    const taken = new Set(this.reservedIps);
    for (const sandbox of this.sandboxes.values())
      if (sandbox.state === 'SANDBOX_READY') taken.add(sandbox.ip);
    for (let n = firstPodAddressIndex; n < cidrSize(this.podCidr) - 1; n++) {
      const ip = nthAddress(this.podCidr, n);
      if (taken.has(ip)) continue;
      this.reservedIps.add(ip);
      return ip;
    }
    throw new RuntimeError(
      'FailedPrecondition',
      `no free pod IP left in the podCIDR ${nthAddress(this.podCidr, 0)}/${this.podCidr.prefixLength}`,
    );
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    // Idempotent, as the CRI asks: a sandbox already removed is already stopped.
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) return;
    await Promise.all(
      this.containersOf(sandboxId).map((container) => this.stopContainer(container.id, 0)),
    );
    if (sandbox.state !== 'SANDBOX_NOTREADY')
      this.saveSandbox({ ...sandbox, state: 'SANDBOX_NOTREADY' });
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) return;
    await this.stopPodSandbox(sandboxId);
    for (const container of this.containersOf(sandboxId)) await this.removeContainer(container.id);
    rmSync(this.podLogDir(sandbox), { recursive: true, force: true });
    rmSync(join(this.stateDir, 'sandboxes', `${sandboxId}.json`), { force: true });
    rmSync(this.resolvConfPath(sandboxId), { force: true });
    this.sandboxes.delete(sandboxId);
  }

  async podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus> {
    return structuredClone(this.sandbox(sandboxId));
  }

  async listPodSandbox(filter: PodSandboxFilter = {}): Promise<PodSandboxStatus[]> {
    return [...this.sandboxes.values()]
      .filter(
        (sandbox) =>
          (filter.id === undefined || sandbox.id === filter.id) &&
          (filter.state === undefined || sandbox.state === filter.state) &&
          matchesLabels(sandbox.labels, filter.labelSelector),
      )
      .map((sandbox) => structuredClone(sandbox));
  }

  // --- Containers ---------------------------------------------------------------------------------

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const sandbox = this.sandbox(sandboxId);
    if (sandbox.state !== 'SANDBOX_READY')
      throw new RuntimeError(
        'FailedPrecondition',
        `sandbox ${sandboxId} is not ready: cannot create container "${config.metadata.name}" in it`,
      );
    const image = resolveImage(this.images, config.image);
    const id = newId();
    const logDir = join(this.podLogDir(sandbox), config.metadata.name);
    mkdirSync(logDir, { recursive: true });
    mkdirSync(this.containerFile(id, ''), { recursive: true });
    const ports = (config.ports ?? []).map((port) => port.containerPort);
    const mounts = [
      ...(config.mounts ?? []),
      ...this.sandboxFiles(sandbox.id, config.mounts ?? []),
    ];
    const root = containerRoot(this.containerFile(id, 'root'), mounts);
    const container: ContainerRecord = {
      id,
      podSandboxId: sandboxId,
      metadata: { ...config.metadata },
      image: config.image,
      program: image.program,
      // As in a pod spec: command replaces the entrypoint, args replace the default arguments.
      argv: [
        ...(config.command ?? []),
        ...(config.args ?? (config.command ? [] : image.defaultArgs)),
      ],
      env: {
        // A real image sets PATH; the host's lets `sh -c` and exec probes find programs.
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        ...image.env,
        HOSTNAME: sandbox.hostname,
        POD_NAME: sandbox.metadata.name,
        POD_NAMESPACE: sandbox.metadata.namespace,
        POD_IP: sandbox.ip,
        KATA_CONTAINER_PORTS: ports.join(','),
        KATA_ROOT: root,
        // The mounts the container may not write, which the images' view of files refuses
        // (images/container-files.mjs) as a read-only bind mount would (EROFS).
        KATA_READONLY_PATHS: mounts
          .filter((mount) => mount.readonly)
          .map((mount) => mount.containerPath)
          .join(':'),
        ...this.resolverEnv(sandbox.id),
        ...(config.tty ? { KATA_TTY: '1', TERM: 'xterm' } : {}),
        ...Object.fromEntries(
          (config.env ?? []).map((variable) => [variable.name, variable.value]),
        ),
      },
      cwd: workingDirectory(root, config.workingDir) ?? root,
      logPath: join(logDir, `${config.metadata.attempt}.log`),
      createdAt: Date.now(),
      labels: { ...config.labels },
      annotations: { ...config.annotations },
      shimPid: 0,
      stdin: config.stdin === true,
      stdinOnce: config.stdin === true && config.stdinOnce === true,
      tty: config.tty === true,
    };
    if (container.stdin) execFileSync('mkfifo', [this.containerFile(id, 'stdin')]);
    this.saveContainer(container);
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    const container = this.container(containerId);
    // A runtime stopping everything starts nothing more: what it started now would outlive it.
    if (this.closing)
      throw new RuntimeError(
        'FailedPrecondition',
        `the runtime is shutting down: cannot start container ${containerId}`,
      );
    if (container.shimPid !== 0 || this.starting.has(containerId))
      throw new RuntimeError('FailedPrecondition', `container ${containerId} was already started`);
    // close({ stopAll }) waits for starts under way, then stops what they started.
    const starting = this.startThroughShim(container);
    this.starting.set(containerId, starting);
    try {
      await starting;
    } finally {
      this.starting.delete(containerId);
    }
  }

  /**
   * Hands a container to the node's shim, and waits until it runs or has failed to start. A shim
   * that ends meanwhile (it was idle and ending as this runtime connected, or it was killed) loses
   * the request: a new shim gets it, once.
   */
  private async startThroughShim(container: ContainerRecord): Promise<void> {
    const containerId = container.id;
    const { program, argv, env, cwd, logPath } = container;
    const stdin = container.stdin ? this.containerFile(containerId, 'stdin') : undefined;
    writeJson(this.containerFile(containerId, 'spec.json'), {
      ...{ program, argv, env, cwd, logPath },
      stdin,
      tty: container.tty,
    });
    for (let attempt = 1; ; attempt++) {
      const shimPid = await this.shim.start(this.containerFile(containerId, ''));
      this.saveContainer({ ...container, shimPid });
      // Started means running or already ended; a start error is both an exit record and an error.
      await this.waitUntil(
        () =>
          this.started(containerId) !== undefined ||
          this.exited(containerId) !== undefined ||
          !isAlive(shimPid),
        shimDeadlineMs,
      );
      const exit = this.exited(containerId);
      if (exit?.reason === 'StartError') throw new RuntimeError('Unknown', exit.message);
      if (this.started(containerId) || exit) return;
      if (isAlive(shimPid))
        throw new RuntimeError('Unknown', `container ${containerId} did not start within 10 s`);
      if (attempt === 2)
        throw new RuntimeError(
          'Unknown',
          `the container shim (pid ${shimPid}) ended before starting container ${containerId}`,
        );
    }
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    const container = this.container(containerId);
    // A shim just spawned has not said yet which process it started: wait until it has, or the
    // program it is about to start would outlive this stop.
    await this.waitUntil(
      () =>
        this.started(containerId) !== undefined ||
        this.exited(containerId) !== undefined ||
        !this.supervised(this.containers.get(containerId) ?? container),
      shimDeadlineMs,
    );
    const started = this.started(containerId);
    if (!started || this.exited(containerId)) return;
    signalGroup(started.pid, 'SIGTERM');
    const ended = () =>
      this.exited(containerId) !== undefined ||
      (!this.supervised(container) && !isAlive(started.pid));
    await this.waitUntil(ended, Math.max(0, timeoutSeconds) * 1000);
    if (ended()) return;
    signalGroup(started.pid, 'SIGKILL');
    await this.waitUntil(ended, shimDeadlineMs);
  }

  async removeContainer(containerId: string): Promise<void> {
    const container = this.containers.get(containerId);
    if (!container) return;
    await this.stopContainer(containerId, 0);
    await this.waitUntil(() => !this.supervised(container), shimDeadlineMs);
    rmSync(this.containerFile(containerId, ''), { recursive: true, force: true });
    this.containers.delete(containerId);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    return this.status(this.container(containerId));
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerStatus[]> {
    return [...this.containers.values()]
      .filter(
        (container) =>
          (filter.id === undefined || container.id === filter.id) &&
          (filter.podSandboxId === undefined || container.podSandboxId === filter.podSandboxId) &&
          matchesLabels(container.labels, filter.labelSelector),
      )
      .map((container) => this.status(container))
      .filter((status) => filter.state === undefined || status.state === filter.state);
  }

  /** A container's status, read from the shim's files and whether its processes are alive. */
  private status(container: ContainerRecord): ContainerStatus {
    const started = this.started(container.id);
    const exit = this.exited(container.id) ?? this.endOrphan(container, started);
    const base: ContainerStatus = {
      id: container.id,
      podSandboxId: container.podSandboxId,
      metadata: { ...container.metadata },
      image: container.image,
      state: 'CONTAINER_CREATED',
      createdAt: container.createdAt,
      startedAt: started?.startedAt ?? 0,
      finishedAt: 0,
      exitCode: 0,
      reason: '',
      message: '',
      pid: 0,
      logPath: container.logPath,
      labels: { ...container.labels },
      annotations: { ...container.annotations },
    };
    if (exit) return { ...base, state: 'CONTAINER_EXITED', ...exit };
    if (container.shimPid === 0) return base;
    if (started && (isAlive(started.pid) || this.supervised(container)))
      return { ...base, state: 'CONTAINER_RUNNING', pid: started.pid };
    if (!started && this.supervised(container)) return base;
    // The shim ended before it started the program (killed from outside): it never ran.
    return {
      ...base,
      state: 'CONTAINER_UNKNOWN',
      reason: 'Unknown',
      message: 'the container shim ended without recording an exit',
    };
  }

  // --- Logs and exec ------------------------------------------------------------------------------

  readLogs(containerId: string, options: LogOptions = {}): AsyncIterable<LogLine> {
    const container = this.container(containerId);
    return readLogFile(container.logPath, {
      ...options,
      stillWriting: async () => {
        const state = this.containers.has(containerId) ? this.status(container).state : undefined;
        return state === 'CONTAINER_RUNNING' || state === 'CONTAINER_CREATED';
      },
    });
  }

  /**
   * Runs `command` as a real program on this machine (found on the container's PATH), with the
   * container's environment and working directory: `['cat', '/tmp/healthy']` works as an exec probe.
   * Past the timeout it is killed and the result says timedOut.
   */
  async exec(containerId: string, command: string[], timeoutSeconds: number): Promise<ExecResult> {
    const container = this.container(containerId);
    if (this.status(container).state !== 'CONTAINER_RUNNING')
      throw new RuntimeError(
        'FailedPrecondition',
        `container ${containerId} is not running: cannot exec ${JSON.stringify(command)}`,
      );
    const [program, ...args] = command;
    if (!program) throw new RuntimeError('InvalidArgument', 'exec needs a command');
    return new Promise((resolve) => {
      const child = spawn(program, args, {
        env: container.env,
        cwd: container.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutSeconds * 1000);
      child.on('error', (error) => {
        clearTimeout(timer);
        // As a shell says it: 127 is "command not found".
        resolve({ exitCode: 127, stdout, stderr: `${stderr}${error.message}\n`, timedOut: false });
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ exitCode: code ?? (signal === 'SIGKILL' ? 137 : 143), stdout, stderr, timedOut });
      });
    });
  }

  watchContainerExits(listener: (container: ContainerStatus) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Tells the exit listeners that the container `id` ended (the shim said so). */
  private reportExit(id: string): void {
    const container = this.containers.get(id);
    if (!container) return;
    const status = this.status(container);
    for (const listener of this.exitListeners) listener(status);
  }

  /**
   * Starts `command` in a running container, with streams (kubectl exec). The container's own
   * programs are the kata busybox's applets (images/busybox.mjs: sh, env, cat, ls, tar, ...), so
   * the command runs as `node busybox.mjs <command...>` with the container's environment (its
   * KATA_ROOT included, so paths meet its volumes) and working directory. With a tty the applets
   * are told so (KATA_TTY=1, TERM), and stderr joins stdout. The command and all it starts are one
   * process group, which kill() signals as a whole.
   */
  async execStream(
    containerId: string,
    command: string[],
    options: ExecStreamOptions,
  ): Promise<ExecSession> {
    const container = this.container(containerId);
    if (this.status(container).state !== 'CONTAINER_RUNNING')
      throw new RuntimeError(
        'FailedPrecondition',
        `container ${containerId} is not running: cannot exec ${JSON.stringify(command)}`,
      );
    if (command.length === 0) throw new RuntimeError('InvalidArgument', 'exec needs a command');
    const busybox = (this.images.get('busybox') ?? defaultImageTable.get('busybox')!).program;
    const terminal = options.tty ? { KATA_TTY: '1', TERM: 'xterm' } : {};
    const child = spawn(process.execPath, [busybox, ...command], {
      env: { ...container.env, ...terminal },
      cwd: container.cwd,
      stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout = child.stdout!;
    const stderr = child.stderr!;
    const merged = new PassThrough();
    if (options.tty) {
      stdout.pipe(merged, { end: false });
      stderr.pipe(merged, { end: false });
    }
    const exited = new Promise<number>((resolve) => {
      child.on('error', () => resolve(127));
      child.on('close', (code, signal) => {
        if (options.tty) merged.end();
        resolve(code ?? 128 + (signal ? (osSignals[signal] ?? 15) : 15));
      });
    });
    return {
      stdin: child.stdin ?? undefined,
      stdout: options.tty ? merged : stdout,
      stderr: options.tty ? new PassThrough().end() : stderr,
      exited,
      kill: (signal) => {
        if (child.pid !== undefined) signalGroup(child.pid, signal);
      },
    };
  }

  /**
   * The stdin of a container created with stdin: its FIFO, opened to write (the shim holds its
   * other end as long as the program runs). Ending the stream closes this writer; for a stdinOnce
   * container the shim is then told to end the program's stdin, once all was written.
   */
  async openStdin(containerId: string): Promise<NodeJS.WritableStream> {
    const container = this.container(containerId);
    if (!container.stdin)
      throw new RuntimeError(
        'FailedPrecondition',
        `container ${containerId} has no stdin (its spec does not set stdin: true)`,
      );
    if (this.status(container).state !== 'CONTAINER_RUNNING')
      throw new RuntimeError('FailedPrecondition', `container ${containerId} is not running`);
    let fd: number;
    try {
      // Non-blocking: with nobody reading (the stdin was closed), this fails instead of waiting.
      fd = openSync(this.containerFile(containerId, 'stdin'), files.O_WRONLY | files.O_NONBLOCK);
    } catch {
      throw new RuntimeError(
        'FailedPrecondition',
        `the stdin of container ${containerId} is closed (stdinOnce: an attach already ended it)`,
      );
    }
    const writer = new Socket({ fd, readable: false, writable: true });
    writer.on('error', () => {});
    if (container.stdinOnce)
      writer.once('close', () => {
        this.shim.closeStdin(this.containerFile(containerId, '')).catch(() => {});
      });
    return writer;
  }

  /** SIGINT to a running tty container's process group: its ^C (the group is its pid's). */
  async interrupt(containerId: string): Promise<void> {
    const container = this.container(containerId);
    if (!container.tty)
      throw new RuntimeError('FailedPrecondition', `container ${containerId} has no tty`);
    const status = this.status(container);
    if (status.state !== 'CONTAINER_RUNNING')
      throw new RuntimeError('FailedPrecondition', `container ${containerId} is not running`);
    signalGroup(status.pid, 'SIGINT');
  }

  /** The pid of the node's shim, started now if it is not running yet (a benchmark measures it). */
  async shimProcess(): Promise<number> {
    return this.shim.pid();
  }

  /**
   * Lets go of the state directory (the node's shim runs on while it has containers); with
   * `stopAll`, stops every container and sandbox first, and the node's shim too.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    if (!options.stopAll) {
      this.shim.letGo();
      return;
    }
    this.closing = true;
    await Promise.allSettled(this.starting.values());
    const timeout = options.timeoutSeconds ?? 0;
    await Promise.all([...this.containers.keys()].map((id) => this.stopContainer(id, timeout)));
    // Wait for the shim too, so that no process of ours is left once close resolves.
    await this.shim.stop();
    for (const sandbox of this.sandboxes.values())
      if (sandbox.state === 'SANDBOX_READY')
        this.saveSandbox({ ...sandbox, state: 'SANDBOX_NOTREADY' });
  }

  // --- Records on disk ----------------------------------------------------------------------------

  private sandbox(id: string): PodSandboxStatus {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) throw new RuntimeError('NotFound', `pod sandbox ${id} not found`);
    return sandbox;
  }

  private container(id: string): ContainerRecord {
    const container = this.containers.get(id);
    if (!container) throw new RuntimeError('NotFound', `container ${id} not found`);
    return container;
  }

  private containersOf(sandboxId: string): ContainerRecord[] {
    return [...this.containers.values()].filter((c) => c.podSandboxId === sandboxId);
  }

  private saveSandbox(sandbox: PodSandboxStatus): void {
    writeJson(join(this.stateDir, 'sandboxes', `${sandbox.id}.json`), sandbox);
    this.sandboxes.set(sandbox.id, sandbox);
  }

  private saveContainer(container: ContainerRecord): void {
    writeJson(this.containerFile(container.id, 'container.json'), container);
    this.containers.set(container.id, container);
  }

  private containerFile(id: string, name: string): string {
    return join(this.stateDir, 'containers', id, name);
  }

  /**
   * The files a runtime gives every container of a sandbox, as containerd bind-mounts the pod's
   * /etc/resolv.conf: here the sandbox's resolv.conf, linked at /etc/resolv.conf in the container's
   * root, so `kubectl exec … -- cat /etc/resolv.conf` shows what the pod resolves with. Left out
   * when the pod mounts a volume at /etc or at that file itself.
   */
  private sandboxFiles(sandboxId: string, mounts: Mount[]): Mount[] {
    const file = this.resolvConfPath(sandboxId);
    const taken = mounts.some((mount) =>
      ['/etc', '/etc/resolv.conf'].includes(mount.containerPath.replace(/\/+$/, '')),
    );
    if (taken || !existsSync(file)) return [];
    return [{ containerPath: '/etc/resolv.conf', hostPath: file, readonly: true }];
  }

  /** Where a sandbox's resolv.conf is, when it has one. */
  private resolvConfPath(sandboxId: string): string {
    return join(this.stateDir, 'sandboxes', `${sandboxId}.resolv.conf`);
  }

  /**
   * The environment that makes a sandbox's resolv.conf the resolver of its Node programs: the
   * pod resolver imported first (images/pod-resolver.mjs), told where the file is. None without one.
   */
  private resolverEnv(sandboxId: string): Record<string, string> {
    const file = this.resolvConfPath(sandboxId);
    if (!existsSync(file)) return {};
    return { KATA_RESOLV_CONF: file, NODE_OPTIONS: `--import ${podResolver}` };
  }

  /** Kubernetes' layout: /var/log/pods/<namespace>_<name>_<uid>/. */
  private podLogDir(sandbox: PodSandboxStatus): string {
    const { namespace, name, uid } = sandbox.metadata;
    return join(this.stateDir, 'pods', `${namespace}_${name}_${uid}`);
  }

  private started(id: string): StartedFile | undefined {
    return readJson<StartedFile>(this.containerFile(id, 'started.json'));
  }

  private exited(id: string): ExitFile | undefined {
    return readJson<ExitFile>(this.containerFile(id, 'exit.json'));
  }

  // --- The node's shim ---------------------------------------------------------------------------

  /** Whether a shim still looks after the container: it runs, and has not recorded an exit. */
  private supervised(container: ContainerRecord): boolean {
    return container.shimPid > 0 && isAlive(container.shimPid) && !this.exited(container.id);
  }

  /**
   * A container whose shim is gone (killed from outside) without recording its exit: nothing reads
   * its output any more nor will learn how it ends, so it is ended now and recorded as killed, as
   * containerd records a container whose shim died. Undefined while its shim lives.
   */
  private endOrphan(container: ContainerRecord, started?: StartedFile): ExitFile | undefined {
    if (!started || container.shimPid <= 0 || isAlive(container.shimPid)) return undefined;
    // The shim may have written the record just before it ended.
    const recorded = this.exited(container.id);
    if (recorded) return recorded;
    signalGroup(started.pid, 'SIGKILL');
    const exit: ExitFile = {
      exitCode: 137,
      reason: 'Error',
      message: `its shim (pid ${container.shimPid}) ended unexpectedly; the container was killed`,
      finishedAt: Date.now(),
    };
    writeJson(this.containerFile(container.id, 'exit.json'), exit);
    return exit;
  }

  private waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
    return waitUntil(condition, timeoutMs);
  }
}

/**
 * Makes a container's root directory: each mount a symlink at its container path, pointing at the
 * host path (a real runtime bind-mounts it in the container's own mount namespace). Mounts are
 * linked shortest path first, so /data/cache lands inside the /data volume, as a nested mount does.
 */
function containerRoot(root: string, mounts: Mount[]): string {
  mkdirSync(root, { recursive: true });
  const ordered = [...mounts].sort((a, b) => a.containerPath.length - b.containerPath.length);
  for (const mount of ordered) {
    const link = join(root, mount.containerPath);
    if (link === root || !link.startsWith(`${root}/`))
      throw new RuntimeError(
        'InvalidArgument',
        `mount path ${JSON.stringify(mount.containerPath)} must be a path under the container's root`,
      );
    mkdirSync(dirname(link), { recursive: true });
    // A link can only be made where nothing is: a path inside another mount that the volume
    // already has cannot be covered as a real mount would cover it, and is never deleted.
    if (existsSync(link))
      throw new RuntimeError(
        'InvalidArgument',
        `mount path ${mount.containerPath} is already there in another mount: nested mounts over a volume's own files are not supported`,
      );
    symlinkSync(mount.hostPath, link);
  }
  return root;
}

/**
 * The working directory: the container's root when none is named (its "/"), the named one under
 * the root when it is there (a mount), else the host path named.
 */
function workingDirectory(root: string, workingDir: string | undefined): string | undefined {
  if (!workingDir) return undefined;
  const underRoot = join(root, workingDir);
  return existsSync(underRoot) ? underRoot : workingDir;
}

/** 64 hex digits, like a containerd id. */
function newId(): string {
  return randomBytes(32).toString('hex');
}

function readJson<T>(path: string): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Writes a whole file at once (write, then rename), so a reader never sees half of it. */
function writeJson(path: string, value: unknown): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(value));
  renameSync(`${path}.tmp`, path);
}

/** Signals a container's whole process group (its pid is the group id), so children stop too. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
