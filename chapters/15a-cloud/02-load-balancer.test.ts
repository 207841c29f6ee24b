// A TCP load balancer: first the choice of a backend and the health probe as functions, then the
// balancer itself on loopback, in front of small TCP servers that answer with their own name.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { waitFor } from '../../harness/testing/wait.ts';
import { backendKey, nextBackend, probe, TcpLoadBalancer, type Backend } from './load-balancer.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A TCP server on 127.0.0.1 that writes `name` to each connection and closes it. */
async function namedServer(name: string): Promise<Backend & { close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    // A probe closes at once, which may reset the connection: that is no failure here.
    socket.on('error', () => undefined);
    socket.end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  closers.push(close);
  return { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, close };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<Backend> {
  const server = await namedServer('gone');
  await server.close();
  return { host: server.host, port: server.port };
}

/** What one connection to host:port reads until the other side closes ('' if closed at once). */
function read(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.once('close', () => resolve(text));
    socket.once('error', reject);
  });
}

async function balancer(backends: Backend[]) {
  const lb = new TcpLoadBalancer({ host: '127.0.0.1', port: 0, backends });
  await lb.start();
  closers.push(() => lb.close());
  return lb;
}

const a = { host: '127.20.0.1', port: 30080 };
const b = { host: '127.20.0.2', port: 30080 };
const c = { host: '127.20.0.3', port: 30080 };

describe('A TCP load balancer', () => {
  test('a backend is keyed host:port', () => {
    expect(backendKey(a), 'the key of 127.20.0.1 at node port 30080').toBe('127.20.0.1:30080');
  });

  test('nextBackend takes the backends in turn, starting over after the last', () => {
    const healthy = new Set([a, b, c].map(backendKey));
    expect(nextBackend([a, b, c], healthy, -1), 'the first pick').toBe(0);
    expect(nextBackend([a, b, c], healthy, 0), 'after backend 0').toBe(1);
    expect(nextBackend([a, b, c], healthy, 2), 'after the last').toBe(0);
  });

  test('nextBackend skips the unhealthy, and finds none when none is healthy', () => {
    const healthy = new Set([backendKey(c)]);
    expect(nextBackend([a, b, c], healthy, 2), 'after c, with only c healthy').toBe(2);
    expect(nextBackend([a, b, c], new Set(), -1), 'no healthy backend').toBeUndefined();
  });

  test('probe is true for a port that accepts a connection, false for one that refuses', async () => {
    const up = await namedServer('up');
    expect(await probe(up), 'a probe of a listening server').toBe(true);
    expect(await probe(await closedPort()), 'a probe of a closed port').toBe(false);
  });

  test('each connection is piped to the next backend in turn', async () => {
    const one = await namedServer('one');
    const two = await namedServer('two');
    const lb = await balancer([one, two]);
    const port = lb.port();
    const answers = [await read('127.0.0.1', port), await read('127.0.0.1', port)];
    expect(answers, 'two connections through a balancer over "one" and "two"').toEqual([
      'one',
      'two',
    ]);
    expect(await read('127.0.0.1', port), 'a third connection').toBe('one');
  });

  test('checkHealth takes a backend that refuses out of the rotation, and back once it answers', async () => {
    const one = await namedServer('one');
    const gone = await closedPort();
    const lb = await balancer([gone, one]);
    await lb.checkHealth();
    expect(lb.healthyBackends(), 'after a check, with the first backend closed').toEqual([one]);
    const answers = [await read('127.0.0.1', lb.port()), await read('127.0.0.1', lb.port())];
    expect(answers, 'two connections').toEqual(['one', 'one']);
    lb.setBackends([one]);
    await lb.checkHealth();
    expect(lb.healthyBackends(), 'the closed backend removed by setBackends').toEqual([one]);
  });

  test('setBackends keeps what it knew of old backends; a new one starts healthy', async () => {
    const one = await namedServer('one');
    const gone = await closedPort();
    const lb = await balancer([gone, one]);
    await lb.checkHealth();
    const two = await namedServer('two');
    lb.setBackends([gone, one, two]);
    expect(lb.healthyBackends(), 'the known-bad one stays out, the new one is in').toEqual([
      one,
      two,
    ]);
  });

  test('with no healthy backend a connection is closed at once', async () => {
    const lb = await balancer([await closedPort()]);
    await lb.checkHealth();
    expect(await read('127.0.0.1', lb.port()), 'a connection with every backend down').toBe('');
  });

  test('close stops listening', async () => {
    const one = await namedServer('one');
    const lb = new TcpLoadBalancer({ host: '127.0.0.1', port: 0, backends: [one] });
    await lb.start();
    const port = lb.port();
    await lb.close();
    await waitFor(async () => !(await probe({ host: '127.0.0.1', port })), 'the port closed');
    expect(await probe({ host: '127.0.0.1', port }), 'a probe after close').toBe(false);
  });

  test("a backend with a healthCheckPort stays only while GET /healthz there answers 200, and sees the client's address", async () => {
    let status = 200;
    const health = http.createServer((request, response) => {
      response.statusCode = request.url === '/healthz' ? status : 404;
      response.end();
    });
    await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', () => resolve()));
    closers.push(() => new Promise((resolve) => health.close(() => resolve())));
    const seen = net.createServer((socket) => socket.end(socket.remoteAddress ?? ''));
    await new Promise<void>((resolve) => seen.listen(0, '127.0.0.1', () => resolve()));
    closers.push(() => new Promise((resolve) => seen.close(() => resolve())));
    const backend: Backend = {
      host: '127.0.0.1',
      port: (seen.address() as net.AddressInfo).port,
      healthCheckPort: (health.address() as net.AddressInfo).port,
    };
    expect(await probe(backend), 'a probe while /healthz answers 200').toBe(true);
    const lb = await balancer([backend]);
    if (process.platform === 'linux') {
      const from = await new Promise<string>((resolve, reject) => {
        const socket = net.connect({
          host: '127.0.0.1',
          port: lb.port(),
          localAddress: '127.0.15.7',
        });
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.once('close', () => resolve(text));
        socket.once('error', reject);
      });
      expect(from, 'the address the backend saw a client on 127.0.15.7 come from').toBe(
        '127.0.15.7',
      );
    }
    status = 503;
    expect(await probe(backend), 'a probe while /healthz answers 503').toBe(false);
    await lb.checkHealth();
    expect(lb.healthyBackends(), 'the healthy backends after a 503').toEqual([]);
  });
});
