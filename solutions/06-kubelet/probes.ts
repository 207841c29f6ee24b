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

/** Runs a probe once; true for a success. Never throws: an error is a failure. */
export async function probeOnce(
  probe: Probe,
  container: Container,
  target: ProbeTarget,
): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  try {
    if (probe.httpGet) {
      const { host, path = '/', port } = probe.httpGet;
      const url = `http://${host ?? target.podIP}:${portOf(port, container)}${path}`;
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      return response.status >= 200 && response.status < 400;
    }
    if (probe.tcpSocket) {
      const port = portOf(probe.tcpSocket.port, container);
      const host = probe.tcpSocket.host ?? target.podIP;
      return await new Promise<boolean>((resolve) => {
        const socket = net.connect({ host, port, timeout: timeoutMs });
        const end = (ok: boolean) => {
          socket.destroy();
          resolve(ok);
        };
        socket.once('connect', () => end(true));
        socket.once('timeout', () => end(false));
        socket.once('error', () => end(false));
      });
    }
    if (probe.exec) {
      const result = await target.runtime.exec(
        target.containerId,
        probe.exec.command,
        probe.timeoutSeconds ?? 1,
      );
      return result.exitCode === 0 && !result.timedOut;
    }
  } catch {
    return false;
  }
  return false;
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
}

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
      this.container.startupProbe,
      this.startup,
      () => true,
      (changed) => {
        if (this.startup!.healthy) {
          if (changed) this.events.onChange();
        } else if (changed) this.events.onFailure();
      },
    );
    this.schedule(
      this.container.readinessProbe,
      this.readiness,
      () => this.started,
      (changed) => {
        if (changed) this.events.onChange();
      },
    );
    this.schedule(
      this.container.livenessProbe,
      this.liveness,
      () => this.started,
      (changed) => {
        if (changed && !this.liveness!.healthy) this.events.onFailure();
      },
    );
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
  }

  /** Runs `probe` after its initial delay, then every period, while `active()` says so. */
  private schedule(
    probe: Probe | undefined,
    tracker: ProbeTracker | undefined,
    active: () => boolean,
    recorded: (changed: boolean) => void,
  ): void {
    if (!probe || !tracker) return;
    const every = (milliseconds: number) => {
      const timer = this.clock.setTimeout(async () => {
        this.timers.delete(timer);
        if (this.stopped) return;
        if (active()) {
          const success = await probeOnce(probe, this.container, this.target);
          if (this.stopped) return;
          recorded(tracker.record(success));
        }
        every((probe.periodSeconds ?? 10) * 1000);
      }, milliseconds);
      this.timers.add(timer);
    };
    every((probe.initialDelaySeconds ?? 0) * 1000);
  }
}
