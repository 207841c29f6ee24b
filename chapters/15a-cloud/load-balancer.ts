// A TCP load balancer, as a cloud runs one in front of a cluster: it listens on its external
// address and hands each connection to one of its backends, the nodes at the Service's nodePort,
// where kube-proxy takes over. It works at layer 4: it never reads the bytes, it only pipes them.
// Backends are chosen in turn (round robin) among the healthy ones; a health check connects to
// each backend every interval, and one that refuses leaves the rotation until it answers again. A
// backend with a healthCheckPort (a Service with externalTrafficPolicy Local) is asked over HTTP
// there instead, and stays only while it answers 200: kube-proxy says 503 on a node without a pod.
// Like a cloud's passthrough load balancer, it connects to a backend from the client's own address
// (on Linux every 127.x address is this host's), so the node, and a pod behind a Local Service,
// sees who called.
import net from 'node:net';
import type { Backend, TcpLoadBalancerOptions } from '../../harness/contracts/cloud.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

export type { Backend, TcpLoadBalancerOptions };

const section = '§ A TCP load balancer';

/** "host:port", the key of a backend. */
export function backendKey(backend: Backend): string {
  throw new NotImplemented('backendKey', section);
}

/**
 * The index of the next backend after the one at `last` (-1 before the first pick), going round,
 * skipping those whose key is not in `healthy`; undefined when none is healthy.
 */
export function nextBackend(
  backends: Backend[],
  healthy: Set<string>,
  last: number,
): number | undefined {
  throw new NotImplemented('nextBackend', section);
}

/**
 * Whether `backend` is healthy. With a healthCheckPort: whether GET /healthz there (node:http,
 * agent false) answers 200 within `timeoutMs`. Else whether a TCP connection to it opens within
 * `timeoutMs`; the socket is closed after.
 */
export function probe(backend: Backend, timeoutMs = 1000): Promise<boolean> {
  throw new NotImplemented('probe', section);
}

export class TcpLoadBalancer {
  private readonly options: TcpLoadBalancerOptions;
  private readonly server: net.Server;

  constructor(options: TcpLoadBalancerOptions) {
    this.options = options;
    this.server = net.createServer((client) => this.forward(client));
  }

  /**
   * Listens on options.host:options.port, then health-checks every healthCheckIntervalMs (5 s) with
   * a timer that does not keep the process alive (unref).
   */
  async start(): Promise<void> {
    throw new NotImplemented('TcpLoadBalancer.start', section);
  }

  /** The port it listens on (the one asked for, or the one the system chose for 0). */
  port(): number {
    throw new NotImplemented('TcpLoadBalancer.port', section);
  }

  /**
   * Replaces the backends (options.backends are the first). A backend it knew keeps its health;
   * a new one counts as healthy until a check says otherwise. The rotation starts over.
   */
  setBackends(backends: Backend[]): void {
    throw new NotImplemented('TcpLoadBalancer.setBackends', section);
  }

  /** The backends in rotation, in the order they were given. */
  healthyBackends(): Backend[] {
    throw new NotImplemented('TcpLoadBalancer.healthyBackends', section);
  }

  /** Probes every backend once; those that answered are the healthy ones. */
  async checkHealth(): Promise<void> {
    throw new NotImplemented('TcpLoadBalancer.checkHealth', section);
  }

  /**
   * Pipes one client connection to the next healthy backend (nextBackend), both ways; an error or
   * close on either side ends both. With no healthy backend the client is closed at once. On
   * Linux, a client from a 127.x address is connected onward from that address (net.connect's
   * localAddress, "::ffff:" taken off), so the backend sees the client, as behind a passthrough
   * load balancer.
   */
  private forward(client: net.Socket): void {
    throw new NotImplemented('TcpLoadBalancer.forward', section);
  }

  /** Stops the checks and listening, and closes every open connection. */
  async close(): Promise<void> {
    throw new NotImplemented('TcpLoadBalancer.close', section);
  }
}
