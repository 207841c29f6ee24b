// FakeRuntime: a TEST DOUBLE of the container runtime, in memory. Nothing runs.
//
// Unit tests of a kubelet's sync logic need containers that start, crash and stop on command, in
// microseconds and in the same order every time. FakeRuntime keeps the same records a real runtime
// would, moves them through the same states, and lets the test decide what happens: make a running
// container exit with a code, make the next start fail, make an image unknown, write log lines, and
// read back every call it received. Times come from an injected clock; ids and pids are counters.
// It is never the default runtime of anything: real nodes use ProcessRuntime.

import { PassThrough, Writable } from 'node:stream';
import { systemClock, type Clock } from '../clock.ts';
import {
  cidrSize,
  firstPodAddressIndex,
  nthAddress,
  parseCidr,
  podCidrForNode,
} from '../network.ts';
import {
  ErrImagePull,
  ImagePullError,
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
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
} from './cri.ts';
import { imageName } from './images/table.ts';

export interface FakeRuntimeOptions {
  clock?: Clock;
  /** The node's podCIDR; node 0's by default. */
  podCidr?: string;
}

/** One call the fake received: the method and its arguments, in order. */
export interface RecordedCall {
  method: string;
  args: unknown[];
}

interface FakeContainer {
  status: ContainerStatus;
  config: ContainerConfig;
  log: LogLine[];
  /** What attaches wrote to its stdin; ended once a stdinOnce attach has ended it. */
  stdin: { text: string; ended: boolean };
  /** How many times ^C was typed on its tty (interrupt). */
  interrupts: number;
}

export class FakeRuntime implements ContainerRuntime {
  /** Every call, in the order received. Tests may read and clear it. */
  readonly calls: RecordedCall[] = [];
  /** Images that fail to pull, by name without tag or registry (see makeImageUnknown). */
  readonly unknownImages = new Set<string>();
  /** Container names whose processes ignore SIGTERM: a stop ends them with SIGKILL (exit 137). */
  readonly ignoresSigterm = new Set<string>();
  /** The exit code a stopped container reports when it honours SIGTERM (143 = 128 + SIGTERM). */
  stopExitCode = 143;
  /** What exec answers; by default, success with no output. */
  execHandler: (container: ContainerStatus, command: string[]) => ExecResult = () => ({
    exitCode: 0,
    stdout: '',
    stderr: '',
    timedOut: false,
  });

  private readonly clock: Clock;
  private readonly podCidr: string;
  private readonly sandboxes = new Map<string, PodSandboxStatus>();
  private readonly containers = new Map<string, FakeContainer>();
  private readonly pulled = new Map<string, ImageStatus>();
  private readonly startFailures: { containerName: string; message: string }[] = [];
  private readonly logListeners = new Set<() => void>();
  private nextSandbox = 1;
  private nextContainer = 1;
  private nextPid = 1000;

  constructor(options: FakeRuntimeOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.podCidr = options.podCidr ?? podCidrForNode(0);
  }

  // --- Knobs --------------------------------------------------------------------------------------

  /** Makes pulls of `image` fail with ErrImagePull (any tag). */
  makeImageUnknown(image: string): void {
    this.unknownImages.add(imageName(image) ?? image);
  }

  /** Makes the next start of a container named `containerName` fail with `message`. */
  failNextStart(containerName: string, message = 'failed to start'): void {
    this.startFailures.push({ containerName, message });
  }

  /** Ends a running container as if its program had exited with `exitCode`. */
  exitContainer(containerId: string, exitCode: number, message = ''): void {
    const container = this.container(containerId);
    if (container.status.state !== 'CONTAINER_RUNNING')
      throw new Error(`fake: container ${containerId} is ${container.status.state}, not running`);
    this.finish(container, exitCode, exitCode === 0 ? 'Completed' : 'Error', message);
  }

  /** Appends a line to a container's log, as if its program had printed it. */
  writeLog(containerId: string, content: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    const time = new Date(this.clock.now()).toISOString();
    this.container(containerId).log.push({ time, stream, partial: false, content });
    this.notifyLogReaders();
  }

  /** The calls made to `method`, for assertions. */
  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  // --- Images -------------------------------------------------------------------------------------

  async pullImage(image: string): Promise<ImageStatus> {
    this.record('pullImage', image);
    const name = imageName(image);
    if (name === undefined || this.unknownImages.has(name))
      throw new ImagePullError(image, ErrImagePull, `Failed to pull image "${image}": not found`);
    const status = { ref: image, id: name };
    this.pulled.set(image, status);
    return status;
  }

  async imageStatus(image: string): Promise<ImageStatus | undefined> {
    this.record('imageStatus', image);
    return this.pulled.get(image);
  }

  // --- Pod sandboxes ------------------------------------------------------------------------------

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    this.record('runPodSandbox', config);
    const id = `sandbox-${this.nextSandbox++}`;
    this.sandboxes.set(id, {
      id,
      metadata: { ...config.metadata },
      state: 'SANDBOX_READY',
      createdAt: this.clock.now(),
      ip: this.allocateIp(),
      hostname: config.hostname || config.metadata.name,
      labels: { ...config.labels },
      annotations: { ...config.annotations },
    });
    return id;
  }

  private allocateIp(): string {
    const taken = new Set(
      [...this.sandboxes.values()].filter((s) => s.state === 'SANDBOX_READY').map((s) => s.ip),
    );
    const range = parseCidr(this.podCidr);
    for (let n = firstPodAddressIndex; n < cidrSize(range) - 1; n++) {
      const ip = nthAddress(range, n);
      if (!taken.has(ip)) return ip;
    }
    throw new RuntimeError('FailedPrecondition', `no free pod IP left in ${this.podCidr}`);
  }

  async stopPodSandbox(sandboxId: string): Promise<void> {
    this.record('stopPodSandbox', sandboxId);
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) return;
    for (const container of this.containersOf(sandboxId)) this.stop(container, 0);
    sandbox.state = 'SANDBOX_NOTREADY';
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    this.record('removePodSandbox', sandboxId);
    if (!this.sandboxes.has(sandboxId)) return;
    for (const container of this.containersOf(sandboxId)) {
      this.stop(container, 0);
      this.containers.delete(container.status.id);
    }
    this.sandboxes.delete(sandboxId);
    this.notifyLogReaders();
  }

  async podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus> {
    this.record('podSandboxStatus', sandboxId);
    return structuredClone(this.sandbox(sandboxId));
  }

  async listPodSandbox(filter: PodSandboxFilter = {}): Promise<PodSandboxStatus[]> {
    this.record('listPodSandbox', filter);
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
    this.record('createContainer', sandboxId, config);
    const sandbox = this.sandbox(sandboxId);
    if (sandbox.state !== 'SANDBOX_READY')
      throw new RuntimeError('FailedPrecondition', `sandbox ${sandboxId} is not ready`);
    const id = `container-${this.nextContainer++}`;
    const { namespace, name, uid } = sandbox.metadata;
    this.containers.set(id, {
      config: structuredClone(config),
      log: [],
      stdin: { text: '', ended: false },
      interrupts: 0,
      status: {
        id,
        podSandboxId: sandboxId,
        metadata: { ...config.metadata },
        image: config.image,
        state: 'CONTAINER_CREATED',
        createdAt: this.clock.now(),
        startedAt: 0,
        finishedAt: 0,
        exitCode: 0,
        reason: '',
        message: '',
        pid: 0,
        logPath: `/fake/pods/${namespace}_${name}_${uid}/${config.metadata.name}/${config.metadata.attempt}.log`,
        labels: { ...config.labels },
        annotations: { ...config.annotations },
      },
    });
    return id;
  }

  async startContainer(containerId: string): Promise<void> {
    this.record('startContainer', containerId);
    const container = this.container(containerId);
    if (container.status.state !== 'CONTAINER_CREATED')
      throw new RuntimeError('FailedPrecondition', `container ${containerId} was already started`);
    const failure = this.startFailures.findIndex(
      (f) => f.containerName === container.status.metadata.name,
    );
    if (failure >= 0) {
      const { message } = this.startFailures.splice(failure, 1)[0]!;
      this.finish(container, 128, 'StartError', message);
      throw new RuntimeError('Unknown', message);
    }
    Object.assign(container.status, {
      state: 'CONTAINER_RUNNING',
      startedAt: this.clock.now(),
      pid: this.nextPid++,
    });
  }

  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    this.record('stopContainer', containerId, timeoutSeconds);
    this.stop(this.container(containerId), timeoutSeconds);
  }

  private stop(container: FakeContainer, _timeoutSeconds: number): void {
    if (container.status.state !== 'CONTAINER_RUNNING') return;
    const killed = this.ignoresSigterm.has(container.status.metadata.name);
    const exitCode = killed ? 137 : this.stopExitCode;
    this.finish(container, exitCode, exitCode === 0 ? 'Completed' : 'Error', '');
  }

  async removeContainer(containerId: string): Promise<void> {
    this.record('removeContainer', containerId);
    const container = this.containers.get(containerId);
    if (!container) return;
    this.stop(container, 0);
    this.containers.delete(containerId);
    this.notifyLogReaders();
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    this.record('containerStatus', containerId);
    return structuredClone(this.container(containerId).status);
  }

  async listContainers(filter: ContainerFilter = {}): Promise<ContainerStatus[]> {
    this.record('listContainers', filter);
    return [...this.containers.values()]
      .map((container) => container.status)
      .filter(
        (status) =>
          (filter.id === undefined || status.id === filter.id) &&
          (filter.podSandboxId === undefined || status.podSandboxId === filter.podSandboxId) &&
          (filter.state === undefined || status.state === filter.state) &&
          matchesLabels(status.labels, filter.labelSelector),
      )
      .map((status) => structuredClone(status));
  }

  // --- Logs and exec ------------------------------------------------------------------------------

  async *readLogs(containerId: string, options: LogOptions = {}): AsyncGenerator<LogLine> {
    this.record('readLogs', containerId, { tailLines: options.tailLines, follow: options.follow });
    const container = this.container(containerId);
    const { tailLines, follow = false, signal } = options;
    let next = tailLines === undefined ? 0 : Math.max(0, container.log.length - tailLines);
    for (;;) {
      while (next < container.log.length) yield container.log[next++]!;
      const state = container.status.state;
      const writing = state === 'CONTAINER_RUNNING' || state === 'CONTAINER_CREATED';
      if (!follow || !writing || signal?.aborted || !this.containers.has(containerId)) return;
      await this.nextLogChange(signal);
    }
  }

  /** Resolves when any log line is written, any container changes state, or `signal` aborts. */
  private nextLogChange(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.logListeners.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.logListeners.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private notifyLogReaders(): void {
    for (const listener of [...this.logListeners]) listener();
  }

  async exec(containerId: string, command: string[], timeoutSeconds: number): Promise<ExecResult> {
    this.record('exec', containerId, command, timeoutSeconds);
    const container = this.container(containerId);
    if (container.status.state !== 'CONTAINER_RUNNING')
      throw new RuntimeError('FailedPrecondition', `container ${containerId} is not running`);
    return this.execHandler(structuredClone(container.status), command);
  }

  /**
   * A streaming exec, in memory: `cat` copies stdin to stdout until stdin ends; any other command
   * answers what execHandler says, its exit code once its output is written. With a tty, stderr
   * joins stdout. kill() ends it with 128 + 9 (SIGKILL) or 130 (SIGINT); stdin stays open.
   */
  async execStream(
    containerId: string,
    command: string[],
    options: ExecStreamOptions,
  ): Promise<ExecSession> {
    this.record('execStream', containerId, command, options);
    const container = this.container(containerId);
    if (container.status.state !== 'CONTAINER_RUNNING')
      throw new RuntimeError('FailedPrecondition', `container ${containerId} is not running`);
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = options.tty ? stdout : new PassThrough();
    let end: (code: number) => void = () => {};
    const exited = new Promise<number>((resolve) => {
      end = (code) => {
        stdout.end();
        if (stderr !== stdout) stderr.end();
        resolve(code);
      };
    });
    if (command[0] === 'cat') {
      stdin.pipe(stdout, { end: false });
      stdin.on('end', () => end(0));
    } else {
      const result = this.execHandler(structuredClone(container.status), command);
      stdout.write(result.stdout);
      stderr.write(result.stderr);
      end(result.exitCode);
    }
    return {
      stdin: options.stdin ? stdin : undefined,
      stdout,
      stderr: options.tty ? new PassThrough().end() : stderr,
      exited,
      kill: (signal) => end(signal === 'SIGINT' ? 130 : 137),
    };
  }

  /**
   * The stdin of a container created with stdin, in memory: what is written shows in stdinOf();
   * with stdinOnce, ending it ends the container's stdin, and a later open fails.
   */
  async openStdin(containerId: string): Promise<NodeJS.WritableStream> {
    this.record('openStdin', containerId);
    const container = this.container(containerId);
    if (!container.config.stdin)
      throw new RuntimeError('FailedPrecondition', `container ${containerId} has no stdin`);
    if (container.status.state !== 'CONTAINER_RUNNING')
      throw new RuntimeError('FailedPrecondition', `container ${containerId} is not running`);
    const stdin = container.stdin;
    if (stdin.ended)
      throw new RuntimeError(
        'FailedPrecondition',
        `the stdin of container ${containerId} is closed`,
      );
    return new Writable({
      write(chunk: Buffer, _encoding, done) {
        stdin.text += chunk.toString();
        done();
      },
      final(done) {
        if (container.config.stdinOnce) stdin.ended = true;
        done();
      },
    });
  }

  /** ^C on a tty container: recorded, and counted in interruptsOf. */
  async interrupt(containerId: string): Promise<void> {
    this.record('interrupt', containerId);
    const container = this.container(containerId);
    if (!container.config.tty)
      throw new RuntimeError('FailedPrecondition', `container ${containerId} has no tty`);
    if (container.status.state !== 'CONTAINER_RUNNING')
      throw new RuntimeError('FailedPrecondition', `container ${containerId} is not running`);
    container.interrupts += 1;
  }

  /** How many times ^C reached a container. */
  interruptsOf(containerId: string): number {
    return this.container(containerId).interrupts;
  }

  /** What attaches wrote to a container's stdin so far, and whether it has ended (stdinOnce). */
  stdinOf(containerId: string): { text: string; ended: boolean } {
    return { ...this.container(containerId).stdin };
  }

  async close(options: CloseOptions = {}): Promise<void> {
    this.record('close', options);
    if (!options.stopAll) return;
    for (const container of this.containers.values()) this.stop(container, 0);
    for (const sandbox of this.sandboxes.values()) sandbox.state = 'SANDBOX_NOTREADY';
  }

  // --- Inside -------------------------------------------------------------------------------------

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args: structuredClone(args) });
  }

  private finish(container: FakeContainer, exitCode: number, reason: string, message: string) {
    Object.assign(container.status, {
      state: 'CONTAINER_EXITED',
      finishedAt: this.clock.now(),
      exitCode,
      reason,
      message,
      pid: 0,
    });
    this.notifyLogReaders();
  }

  private sandbox(id: string): PodSandboxStatus {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) throw new RuntimeError('NotFound', `pod sandbox ${id} not found`);
    return sandbox;
  }

  private container(id: string): FakeContainer {
    const container = this.containers.get(id);
    if (!container) throw new RuntimeError('NotFound', `container ${id} not found`);
    return container;
  }

  private containersOf(sandboxId: string): FakeContainer[] {
    return [...this.containers.values()].filter((c) => c.status.podSandboxId === sandboxId);
  }
}
