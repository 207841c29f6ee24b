// The proxy with real TCP: the reference API server, Services with their clusterIP set by hand
// (the allocator is not plugged into this server), Endpoints written by hand (no endpoints
// controller runs), and echo servers on pod addresses answering with their own name.
import { request, createServer, type Server } from 'node:http';
import { createConnection } from 'node:net';
import { describe, expect, test } from 'vitest';
import type { Endpoints, Service, ServiceSpec } from '../../harness/api/types.ts';
import { seededRandom } from '../../harness/testing/random.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createProxy, type Proxy } from './proxy.ts';

const scope = testScope();

/** Node and pod addresses for this file, away from the other chapters' tests. */
const nodeIp = '127.20.9.1';
const podIp = (n: number) => `127.244.9.${n + 2}`;
/** Each test its own ClusterIP, so a listener closing late never meets the next test's. */
let nextClusterIp = 10;

/** An HTTP server on `ip` (a free port) answering every request with `name`. */
async function echoServer(name: string, ip: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    req.resume();
    res.end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, ip, resolve));
  scope.stopper().signal.addEventListener('abort', () => server.close());
  return { server, port: (server.address() as { port: number }).port };
}

/** One GET on a new connection; the body. */
function get(ip: string, port: number, localAddress?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, port, agent: false, localAddress }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The API server, a proxy for node 127.20.9.1, and helpers to write Services and Endpoints. */
async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const proxy: Proxy = createProxy({
    toolkit,
    client,
    nodeName: 'node-9',
    nodeIp,
    random: seededRandom(9),
  });
  const stop = scope.stopper();
  inBackground(proxy.run(stop.signal));
  const services = client.resource<Service>('services', 'default');
  const endpoints = client.resource<Endpoints>('endpoints', 'default');
  const clusterIp = `127.96.9.${nextClusterIp++}`;
  /** Creates Service `web` on clusterIp:8080 with the spec fields given. */
  const createService = (spec: Partial<ServiceSpec> = {}) =>
    services.create({
      metadata: { name: 'web', namespace: 'default' },
      spec: { clusterIP: clusterIp, ports: [{ port: 8080 }], ...spec },
    });
  /** Writes Endpoints `web`: the pods at these ip:port pairs are ready. */
  const setEndpoints = async (ready: Array<{ ip: string; port: number }>) => {
    const subsets = ready.map(({ ip, port }) => ({ addresses: [{ ip }], ports: [{ port }] }));
    const object: Endpoints = { metadata: { name: 'web', namespace: 'default' }, subsets };
    try {
      const current = await endpoints.get('web');
      await endpoints.update({ ...object, metadata: current.metadata });
    } catch {
      await endpoints.create(object);
    }
  };
  const listening = (address: string) => proxy.listening().includes(address);
  return { client, proxy, stop, services, clusterIp, createService, setEndpoints, listening };
}

/** Echo servers named pod-0 .. pod-(n-1) on their pod addresses. */
async function pods(n: number) {
  const started = [];
  for (let i = 0; i < n; i++) started.push(await echoServer(`pod-${i}`, podIp(i)));
  return started.map(({ port }, i) => ({ ip: podIp(i), port }));
}

describe('The proxy', () => {
  test('a connection to the ClusterIP reaches the pod behind it', async () => {
    const { createService, setEndpoints, clusterIp, listening } = await setUp();
    await setEndpoints(await pods(1));
    await createService();
    await waitFor(() => listening(`${clusterIp}:8080`), `the proxy to listen on ${clusterIp}:8080`);
    expect(await get(clusterIp, 8080), `GET http://${clusterIp}:8080/`).toBe('pod-0');
  });

  test('a NodePort Service answers on the node IP and its nodePort', async () => {
    const { createService, setEndpoints, listening } = await setUp();
    await setEndpoints(await pods(1));
    await createService({ type: 'NodePort', ports: [{ port: 8080, nodePort: 30909 }] });
    await waitFor(() => listening(`${nodeIp}:30909`), `the proxy to listen on ${nodeIp}:30909`);
    expect(await get(nodeIp, 30909), `GET http://${nodeIp}:30909/`).toBe('pod-0');
  });

  test("an address that cannot be listened on does not keep the Service's others away", async () => {
    const { createService, setEndpoints, listening } = await setUp();
    await setEndpoints(await pods(1));
    // 192.0.2.10, an address kept for documentation, is on no interface here: its listen fails.
    await createService({
      clusterIP: '192.0.2.10',
      type: 'NodePort',
      ports: [{ port: 8080, nodePort: 30910 }],
    });
    await waitFor(() => listening(`${nodeIp}:30910`), `the node port ${nodeIp}:30910 all the same`);
    expect(await get(nodeIp, 30910), `GET http://${nodeIp}:30910/`).toBe('pod-0');
  });

  test('300 connections spread over 3 endpoints, each getting 20% to 47%', async () => {
    const { createService, setEndpoints, clusterIp, listening } = await setUp();
    await setEndpoints(await pods(3));
    await createService();
    await waitFor(() => listening(`${clusterIp}:8080`), 'the listener');
    const counts: Record<string, number> = {};
    for (let n = 0; n < 300; n++) {
      const name = await get(clusterIp, 8080);
      counts[name] = (counts[name] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort(), 'which pods answered 300 GETs').toEqual([
      'pod-0',
      'pod-1',
      'pod-2',
    ]);
    for (const [name, count] of Object.entries(counts))
      expect(count, `${name}'s share of 300 (all: ${JSON.stringify(counts)})`).toSatisfy(
        (c: number) => c >= 60 && c <= 141,
      );
  });

  test('sessionAffinity ClientIP keeps each client on one endpoint', async () => {
    const { createService, setEndpoints, clusterIp, listening } = await setUp();
    await setEndpoints(await pods(3));
    await createService({ sessionAffinity: 'ClientIP' });
    await waitFor(() => listening(`${clusterIp}:8080`), 'the listener');
    for (const client of ['127.0.9.1', '127.0.9.2']) {
      const answers = new Set<string>();
      for (let n = 0; n < 20; n++) answers.add(await get(clusterIp, 8080, client));
      expect(answers.size, `pods that answered 20 GETs from ${client}`).toBe(1);
    }
  });

  test('an endpoint that refuses the connection is skipped for another', async () => {
    const { createService, setEndpoints, clusterIp, listening } = await setUp();
    const [alive] = await pods(1);
    const dead = await echoServer('dead', podIp(1));
    await new Promise((resolve) => dead.server.close(resolve));
    await setEndpoints([alive!, { ip: podIp(1), port: dead.port }]);
    await createService();
    await waitFor(() => listening(`${clusterIp}:8080`), 'the listener');
    for (let n = 0; n < 20; n++)
      expect(await get(clusterIp, 8080), `GET ${n + 1} with one endpoint refusing`).toBe('pod-0');
  });

  test('an endpoint removed from Endpoints gets no new connections', async () => {
    const { createService, setEndpoints, clusterIp, listening } = await setUp();
    const [first, second] = await pods(2);
    await setEndpoints([first!, second!]);
    await createService();
    await waitFor(() => listening(`${clusterIp}:8080`), 'the listener');
    await setEndpoints([second!]);
    // The proxy reads Endpoints through its informer: wait until pod-0 is out of its choice.
    await waitFor(async () => {
      for (let n = 0; n < 10; n++) if ((await get(clusterIp, 8080)) === 'pod-0') return false;
      return true;
    }, 'pod-0 to stop receiving connections');
    for (let n = 0; n < 30; n++)
      expect(await get(clusterIp, 8080), `GET ${n + 1} after pod-0 left`).toBe('pod-1');
  });

  test('listeners follow a Service created, updated and deleted', async () => {
    const { createService, services, setEndpoints, clusterIp, listening } = await setUp();
    await setEndpoints(await pods(1));
    await createService();
    await waitFor(() => listening(`${clusterIp}:8080`), 'the listener on create');
    const service = await services.get('web');
    service.spec.ports = [{ port: 9090 }];
    await services.update(service);
    await waitFor(
      () => listening(`${clusterIp}:9090`) && !listening(`${clusterIp}:8080`),
      'the listener to move from 8080 to 9090 on update',
    );
    await services.delete('web');
    await waitFor(() => !listening(`${clusterIp}:9090`), 'no listener after delete');
    await expect(get(clusterIp, 9090), 'GET after delete').rejects.toThrow(/ECONNREFUSED/);
  });

  test('two proxies on one host: a peer serving an address counts as served; the other takes over later', async () => {
    const { client, stop, services, createService, setEndpoints, clusterIp, listening } =
      await setUp();
    await setEndpoints(await pods(1));
    await createService();
    await waitFor(() => listening(`${clusterIp}:8080`), 'the first proxy to listen');
    const peer = createProxy({ toolkit, client, nodeName: 'node-10', random: seededRandom(3) });
    const peerStop = scope.stopper();
    inBackground(peer.run(peerStop.signal));
    // The peer finds the address taken (EADDRINUSE) and leaves it to the first proxy.
    await waitFor(
      () => peer.servedByPeer().includes(`${clusterIp}:8080`),
      'the peer to find the address served',
    );
    expect(peer.listening(), 'what the peer listens on while the first proxy serves').toEqual([]);
    stop.abort();
    await waitFor(() => !listening(`${clusterIp}:8080`), 'the first proxy to stop');
    // At its next sync of the Service (here: an update), the peer binds the address itself.
    const service = await services.get('web');
    service.metadata.labels = { touched: 'yes' };
    await services.update(service);
    await waitFor(() => peer.listening().includes(`${clusterIp}:8080`), 'the peer to take over');
    expect(await get(clusterIp, 8080), 'GET through the peer').toBe('pod-0');
  });

  test('half-close: a client that ends its side still gets the whole answer', async () => {
    const { createService, setEndpoints, clusterIp, listening } = await setUp();
    await setEndpoints(await pods(1));
    await createService();
    await waitFor(() => listening(`${clusterIp}:8080`), 'the listener');
    const socket = createConnection({ host: clusterIp, port: 8080, allowHalfOpen: true });
    socket.end('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    let reply = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (reply += chunk));
    await new Promise((resolve) => socket.on('end', resolve));
    expect(reply, 'a request sent with end()').toMatch(/pod-0$/);
  });

  test('no sockets are left open once the clients are done, and close() stops everything', async () => {
    const { proxy, stop, createService, setEndpoints, clusterIp, listening } = await setUp();
    await setEndpoints(await pods(2));
    await createService();
    await waitFor(() => listening(`${clusterIp}:8080`), 'the listener');
    await Promise.all(Array.from({ length: 50 }, () => get(clusterIp, 8080)));
    await waitFor(
      () => proxy.openSockets() === 0,
      `open sockets to reach 0 (${proxy.openSockets()})`,
    );
    const held = createConnection({ host: clusterIp, port: 8080 });
    await waitFor(() => proxy.openSockets() === 2, 'a held connection: client and pod sides');
    stop.abort();
    await waitFor(() => proxy.listening().length === 0 && proxy.openSockets() === 0, 'close()');
    held.destroy();
  });
});
