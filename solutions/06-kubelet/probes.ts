// Probes: how the kubelet learns more than "the process runs". A probe is a small check it runs on
// a schedule against one container: an HTTP GET (200 to 399 is a success), a TCP connection, or a
// command run beside the container (exit code 0). Three kinds, three consequences:
//
//   readiness  failing: the container is not ready, so the pod is not Ready and Services skip it
//   liveness   failing: the container is killed, and restarted as its restartPolicy says
//   startup    until it succeeds, the other two wait; failing: killed like liveness
//
// A probe's verdict changes only after failureThreshold failures (3) or successThreshold successes
// (1) in a row, so one slow answer does not restart a container.
import net from 'node:net';
import type { Container, Probe } from '../../harness/api/types.ts';
import type { Timer, TimerClock } from '../../harness/clock.ts';
import type { ContainerRuntime } from '../../harness/runtime/cri.ts';

/** Where a probe runs: the pod's IP, and the container (for exec). */
export interface ProbeTarget {
  podIP: string;
  containerId: string;
  runtime: ContainerRuntime;
}

/** A port given by number, or by name (a containerPort's name). */
function portOf(port: number | string, container: Container): number {
  if (typeof port === 'number') return port;
  const named = container.ports?.find((candidate) => candidate.name === port);
  return named?.containerPort ?? Number(port);
}

/** A probe's result: success or not, and what it said (the output an Unhealthy event quotes). */
export interface ProbeOutcome {
  success: boolean;
  output: string;
}

/** What Go's HTTP client says of an answer that did not come in time. */
const httpTimeout = 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)';

/** Why a connection failed, in the words of Go's net package (kube's probe output). */
function dialError(error: unknown, host: string, port: number): string {
  const code =
    (error as { code?: string; cause?: { code?: string } }).cause?.code ??
    (error as { code?: string }).code;
  const why = code === 'ECONNREFUSED' ? 'connect: connection refused' : 'i/o timeout';
  return `dial tcp ${host}:${port}: ${why}`;
}

/**
 * Runs a probe once and says how it went, with kube's output for a failure: `HTTP probe failed
 * with statuscode: 500`, `dial tcp <ip>:<port>: connect: connection refused`, an exec command's
 * output, or `command "<command>" timed out`. Never throws: an error is a failure.
 */
export async function runProbe(
  probe: Probe,
  container: Container,
  target: ProbeTarget,
): Promise<ProbeOutcome> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const { host = target.podIP, path = '/', port: given } = probe.httpGet;
    const port = portOf(given, container);
    const url = `http://${host}:${port}${path}`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      const success = response.status >= 200 && response.status < 400;
      return {
        success,
        output: success ? '' : `HTTP probe failed with statuscode: ${response.status}`,
      };
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      const why = timedOut ? httpTimeout : dialError(error, host, port);
      return { success: false, output: `Get "${url}": ${why}` };
    }
  }
  if (probe.tcpSocket) {
    const port = portOf(probe.tcpSocket.port, container);
    const host = probe.tcpSocket.host ?? target.podIP;
    return new Promise<ProbeOutcome>((resolve) => {
      const socket = net.connect({ host, port, timeout: timeoutMs });
      const end = (output?: string) => {
        socket.destroy();
        resolve({ success: output === undefined, output: output ?? '' });
      };
      socket.once('connect', () => end());
      socket.once('timeout', () => end(`dial tcp ${host}:${port}: i/o timeout`));
      socket.once('error', (error) => end(dialError(error, host, port)));
    });
  }
  if (probe.exec) {
    const { command } = probe.exec;
    try {
      const result = await target.runtime.exec(
        target.containerId,
        command,
        probe.timeoutSeconds ?? 1,
      );
      if (result.timedOut)
        return { success: false, output: `command "${command.join(' ')}" timed out` };
      return { success: result.exitCode === 0, output: result.stdout + result.stderr };
    } catch (error) {
      return { success: false, output: (error as Error).message };
    }
  }
  return { success: false, output: 'the probe has no handler' };
}

/** Runs a probe once; true for a success. */
export async function probeOnce(
  probe: Probe,
  container: Container,
  target: ProbeTarget,
): Promise<boolean> {
  return (await runProbe(probe, container, target)).success;
}

/** One probe's verdict, which moves only after enough results in a row. */
export class ProbeTracker {
  healthy: boolean;
  private readonly probe: Probe;
  private successes = 0;
  private failures = 0;

  /** `healthy` to start with: readiness and startup start false, liveness true. */
  constructor(probe: Probe, healthy: boolean) {
    this.probe = probe;
    this.healthy = healthy;
  }

  /** Records a result; true when the verdict changed. */
  record(success: boolean): boolean {
    if (success) {
      this.successes++;
      this.failures = 0;
      if (!this.healthy && this.successes >= (this.probe.successThreshold ?? 1)) {
        this.healthy = true;
        return true;
      }
    } else {
      this.failures++;
      this.successes = 0;
      if (this.healthy && this.failures >= (this.probe.failureThreshold ?? 3)) {
        this.healthy = false;
        return true;
      }
      // A startup or readiness probe that has never passed fails for good after its threshold.
      if (!this.healthy && this.failures === (this.probe.failureThreshold ?? 3)) return true;
    }
    return false;
  }
}

export interface ContainerProbesEvents {
  /** Readiness or startup changed: the pod's status is worth writing again. */
  onChange(): void;
  /** Liveness (or startup) failed for good: the container must be killed. */
  onFailure(): void;
  /** A probe failed once: its kind (Liveness, Readiness, Startup) and its output. */
  onUnhealthy?(kind: ProbeKind, output: string): void;
}

/** The kinds of probe, as kube names them in an Unhealthy event. */
export type ProbeKind = 'Liveness' | 'Readiness' | 'Startup';

/** The probes of one running container, each on its own schedule on the clock. */
export class ContainerProbes {
  private readonly container: Container;
  private readonly target: ProbeTarget;
  private readonly clock: TimerClock;
  private readonly events: ContainerProbesEvents;
  private readonly timers = new Set<Timer>();
  private readonly startup: ProbeTracker | undefined;
  private readonly readiness: ProbeTracker | undefined;
  private readonly liveness: ProbeTracker | undefined;
  private stopped = false;

  constructor(
    container: Container,
    target: ProbeTarget,
    clock: TimerClock,
    events: ContainerProbesEvents,
  ) {
    this.container = container;
    this.target = target;
    this.clock = clock;
    this.events = events;
    const { startupProbe, readinessProbe, livenessProbe } = container;
    this.startup = startupProbe && new ProbeTracker(startupProbe, false);
    this.readiness = readinessProbe && new ProbeTracker(readinessProbe, false);
    this.liveness = livenessProbe && new ProbeTracker(livenessProbe, true);
  }

  /** Whether the container has started, as its startup probe says (true without one). */
  get started(): boolean {
    return this.startup?.healthy ?? true;
  }

  /** Whether the container is ready: started, and its readiness probe passing (if it has one). */
  get ready(): boolean {
    return this.started && (this.readiness?.healthy ?? true);
  }

  start(): void {
    this.schedule(
      'Startup',
      this.container.startupProbe,
      this.startup,
      () => true,
      (changed, healthy) => {
        if (healthy) {
          if (changed) this.events.onChange();
        } else if (changed) this.events.onFailure();
      },
    );
    this.schedule(
      'Readiness',
      this.container.readinessProbe,
      this.readiness,
      () => this.started,
      (changed) => {
        if (changed) this.events.onChange();
      },
    );
    this.schedule(
      'Liveness',
      this.container.livenessProbe,
      this.liveness,
      () => this.started,
      (changed, healthy) => {
        if (changed && !healthy) this.events.onFailure();
      },
    );
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
  }

  /**
   * Runs `probe` after its initial delay, then every period, while `active()` says so; each
   * failure is told to onUnhealthy, and each result to `recorded`: whether the tracker's verdict
   * changed, and what it is now.
   */
  private schedule(
    kind: ProbeKind,
    probe: Probe | undefined,
    tracker: ProbeTracker | undefined,
    active: () => boolean,
    recorded: (changed: boolean, healthy: boolean) => void,
  ): void {
    if (!probe || !tracker) return;
    const every = (milliseconds: number) => {
      const timer = this.clock.setTimeout(async () => {
        this.timers.delete(timer);
        if (this.stopped) return;
        if (active()) {
          const { success, output } = await runProbe(probe, this.container, this.target);
          if (this.stopped) return;
          if (!success) this.events.onUnhealthy?.(kind, output);
          recorded(tracker.record(success), tracker.healthy);
        }
        every((probe.periodSeconds ?? 10) * 1000);
      }, milliseconds);
      this.timers.add(timer);
    };
    every((probe.initialDelaySeconds ?? 0) * 1000);
  }
}
