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
import type { Container, Probe } from '../../harness/api/types.ts';
import type { TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { ContainerRuntime } from '../../harness/runtime/cri.ts';

/** Where a probe runs: the pod's IP, and the container (for exec). */
export interface ProbeTarget {
  podIP: string;
  containerId: string;
  runtime: ContainerRuntime;
}

const section = '§ Probes';

/** A probe's result: success or not, and what it said (the output an Unhealthy event quotes). */
export interface ProbeOutcome {
  success: boolean;
  output: string;
}

/**
 * Runs a probe once and says how it went. Never throws: an error is a failure. Within
 * timeoutSeconds (1 by default):
 * - httpGet: GET http://<host, else the pod IP>:<port><path, "/"> answers 200 to 399 (node's fetch
 *   with AbortSignal.timeout); else the output is `HTTP probe failed with statuscode: <code>`, or
 *   for a refused connection `Get "<url>": dial tcp <host>:<port>: connect: connection refused`;
 * - tcpSocket: a TCP connection to <host, else the pod IP>:<port> is accepted (net.connect); else
 *   `dial tcp <host>:<port>: connect: connection refused` (or `i/o timeout`);
 * - exec: runtime.exec(containerId, command, timeoutSeconds) exits 0 without timing out; the output
 *   is its stdout then stderr, or `command "<command joined by spaces>" timed out`.
 * A port may be a number or the name of one of the container's ports. A success's output is "".
 */
export async function runProbe(
  probe: Probe,
  container: Container,
  target: ProbeTarget,
): Promise<ProbeOutcome> {
  throw new NotImplemented('runProbe', section);
}

/** Runs a probe once; true for a success (runProbe's success). */
export async function probeOnce(
  probe: Probe,
  container: Container,
  target: ProbeTarget,
): Promise<boolean> {
  throw new NotImplemented('probeOnce', section);
}

/** One probe's verdict, which moves only after enough results in a row. */
export class ProbeTracker {
  healthy: boolean;

  /** `healthy` to start with: readiness and startup start false, liveness true. */
  constructor(probe: Probe, healthy: boolean) {
    throw new NotImplemented('ProbeTracker', section);
  }

  /**
   * Records a result; true when the verdict changed: healthy after successThreshold (1)
   * successes in a row, unhealthy after failureThreshold (3) failures in a row. (Also true when a
   * verdict that was never healthy reaches failureThreshold failures: a startup probe that gives up.)
   */
  record(success: boolean): boolean {
    throw new NotImplemented('ProbeTracker.record', section);
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

/**
 * The probes of one running container, each on its own schedule on the clock: first after
 * initialDelaySeconds (0), then every periodSeconds (10) after the previous run finished.
 * Readiness and liveness run only once the container has started (its startup probe passed, or it
 * has none). A readiness or startup verdict that changes calls onChange; liveness turning
 * unhealthy, or a startup probe failing for good, calls onFailure. Every failed run calls
 * onUnhealthy (when given) with the probe's kind and runProbe's output.
 */
export class ContainerProbes {
  constructor(
    container: Container,
    target: ProbeTarget,
    clock: TimerClock,
    events: ContainerProbesEvents,
  ) {
    throw new NotImplemented('ContainerProbes', section);
  }

  /** Whether the container has started, as its startup probe says (true without one). */
  get started(): boolean {
    throw new NotImplemented('ContainerProbes.started', section);
  }

  /** Whether the container is ready: started, and its readiness probe passing (if it has one). */
  get ready(): boolean {
    throw new NotImplemented('ContainerProbes.ready', section);
  }

  start(): void {
    throw new NotImplemented('ContainerProbes.start', section);
  }

  /** Stops every probe: no more runs, no more events. */
  stop(): void {
    throw new NotImplemented('ContainerProbes.stop', section);
  }
}
