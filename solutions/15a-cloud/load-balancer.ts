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
import http from 'node:http';
import net from 'node:net';
import type { Backend, TcpLoadBalancerOptions } from '../../harness/contracts/cloud.ts';

export type { Backend, TcpLoadBalancerOptions };

/** "host:port", the key of a backend. */
export function backendKey(backend: Backend): string {
  return `${backend.host}:${backend.port}`;
}

/**
 * The next backend after the one at `last` (an index into `backends`, -1 at first), skipping the
 * unhealthy; undefined when none is healthy. Returns the chosen one's index.
 */
export function nextBackend(
  backends: Backend[],
  healthy: Set<string>,
  last: number,
): number | undefined {
  for (let step = 1; step <= backends.length; step++) {
    const index = (last + step) % backends.length;
    if (healthy.has(backendKey(backends[index]!))) return index;
  }
  return undefined;
}

/**
 * Whether `backend` is healthy: with a healthCheckPort, whether GET /healthz there answers 200
 * within `timeoutMs`; else whether a TCP connection to it opens within `timeoutMs`.
 */
export function probe(backend: Backend, timeoutMs = 1000): Promise<boolean> {
  if (backend.healthCheckPort) {
    const target = { host: backend.host, port: backend.healthCheckPort, path: '/healthz' };
    return new Promise((resolve) => {
      const request = http.get({ ...target, agent: false, timeout: timeoutMs }, (response) => {
        response.resume();
        resolve(response.statusCode === 200);
      });
      request.once('timeout', () => request.destroy());
      request.once('error', () => resolve(false));
    });
  }
  return new Promise((resolve) => {
    const socket = net.connect({ host: backend.host, port: backend.port });
    const finish = (healthy: boolean) => {
      socket.destroy();
      resolve(healthy);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** The client's address, to connect from, where this host can bind it (loopback on Linux). */
function clientSource(client: net.Socket): string | undefined {
  const address = client.remoteAddress?.replace(/^::ffff:/, '');
  return process.platform === 'linux' && address?.startsWith('127.') ? address : undefined;
}

export class TcpLoadBalancer {
  private readonly options: TcpLoadBalancerOptions;
  private backends: Backend[];
  /** Keys of the backends that passed their last check; a new backend counts as healthy. */
  private healthy = new Set<string>();
  private last = -1;
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private timer?: ReturnType<typeof setInterval>;

  constructor(options: TcpLoadBalancerOptions) {
    this.options = options;
    this.backends = [];
    this.setBackends(options.backends);
    this.server = net.createServer((client) => this.forward(client));
  }

  /** Listens on host:port and starts the health checks. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.timer = setInterval(
      () => void this.checkHealth(),
      this.options.healthCheckIntervalMs ?? 5000,
    );
    this.timer.unref();
  }

  /** The port it listens on (the one asked for, or the one the system chose for 0). */
  port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Replaces the backends; those already known keep their health, new ones start healthy. */
  setBackends(backends: Backend[]): void {
    const known = new Set(this.backends.map(backendKey));
    const healthy = new Set<string>();
    for (const backend of backends) {
      const key = backendKey(backend);
      if (!known.has(key) || this.healthy.has(key)) healthy.add(key);
    }
    this.backends = [...backends];
    this.healthy = healthy;
    this.last = -1;
  }

  healthyBackends(): Backend[] {
    return this.backends.filter((backend) => this.healthy.has(backendKey(backend)));
  }

  /** Probes every backend once, and keeps in rotation those that answered. */
  async checkHealth(): Promise<void> {
    const backends = this.backends;
    const results = await Promise.all(backends.map((backend) => probe(backend)));
    if (backends !== this.backends) return;
    this.healthy = new Set(backends.filter((_, i) => results[i]).map(backendKey));
  }

  /** Pipes one client connection to the next healthy backend, or closes it when there is none. */
  private forward(client: net.Socket): void {
    const index = nextBackend(this.backends, this.healthy, this.last);
    if (index === undefined) {
      client.destroy();
      return;
    }
    this.last = index;
    const backend = this.backends[index]!;
    const upstream = net.connect({
      host: backend.host,
      port: backend.port,
      localAddress: clientSource(client),
    });
    for (const socket of [client, upstream]) {
      // Bytes go on as they come: Nagle's algorithm would hold a small answer back for an ACK.
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    }
    client.pipe(upstream);
    upstream.pipe(client);
    // Either side failing or closing ends both: a half-open pair would hang the client.
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  }

  /** Stops listening, the checks, and every open connection. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }
}
