// The proxy: first its pure parts (which addresses, which endpoint), then sockets on their own
// (listening, piping), then the whole proxy with real TCP: the reference API server, Services with
// their clusterIP set by hand (the allocator is not plugged into this server), EndpointSlices
// written by hand (no EndpointSlice controller runs), and echo servers on pod addresses answering with their
// own name.
import { request, createServer, type Server } from 'node:http';
import { createConnection, createServer as createTcpServer, type Socket } from 'node:net';
import { describe, expect, test } from 'vitest';
import type { EndpointSlice, Endpoints, Service, ServiceSpec } from '../../harness/api/types.ts';
import { sayWhyOwnIpTestsSkip, singleAddressMode } from '../../harness/testing/network-mode.ts';
import { seededRandom } from '../../harness/testing/random.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  createProxy,
  endpointsFromSlices,
  listenAddress,
  listenTcp,
  pickEndpoint,
  pipe,
  readyEndpoints,
  serviceListeners,
  staysOnNode,
  type Proxy,
} from './proxy.ts';

const scope = testScope();

/** The label that names an EndpointSlice's Service. */
const serviceLabel = 'kubernetes.io/service-name';

/** A Service `web` with the given spec fields (ClusterIP 127.96.9.9 and port 8080 by default). */
function webService(spec: Partial<ServiceSpec> = {}): Service {
  return {
    metadata: { name: 'web', namespace: 'default' },
    spec: { clusterIP: '127.96.9.9', ports: [{ port: 8080 }], ...spec },
  };
}

/** Two connected loopback sockets, both half-open allowed: [the connecting side, the accepting side]. */
async function socketPair(): Promise<[Socket, Socket]> {
  const server = createTcpServer({ allowHalfOpen: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const { port } = server.address() as { port: number };
  const connecting = createConnection({ host: '127.0.0.1', port, allowHalfOpen: true });
  const other = await accepted;
  server.close();
  scope.stopper().signal.addEventListener('abort', () => {
    connecting.destroy();
    other.destroy();
  });
  return [connecting, other];
}

/** Everything a socket receives until its other side ends, as text. */
function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    socket.once('end', () => resolve(received));
  });
}

/** The next chunk a socket receives, as text. */
function nextData(socket: Socket): Promise<string> {
  return new Promise((resolve) => socket.once('data', (chunk: Buffer) => resolve(String(chunk))));
}

/**
 * Node and pod addresses for this file, away from the other chapters' tests. The node's address
 * and the ClusterIPs carry an octet of this process's own, so two runs of the file at once (two
 * terminals, two checkouts) do not take each other's addresses: a proxy that finds its address
 * taken serves nothing, and the test would wait for it in vain.
 */
const run = 1 + (process.pid % 250);
const nodeIp = `127.20.9.${run}`;
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

/** The API server, a proxy for node `nodeIp` (unless told it does not know its IP), and helpers to write Services and EndpointSlices. */
async function setUp(knowsNodeIp = true) {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const proxy: Proxy = createProxy({
    toolkit,
    client,
    nodeName: 'node-9',
    nodeIp: knowsNodeIp ? nodeIp : undefined,
    random: seededRandom(9),
  });
  const stop = scope.stopper();
  inBackground(proxy.run(stop.signal));
  const services = client.resource<Service>('services', 'default');
  const slices = client.resource<EndpointSlice>('endpointslices', 'default');
  const clusterIp = `127.97.${run}.${nextClusterIp++}`;
  /** Creates Service `web` on clusterIp:8080 with the spec fields given. */
  const createService = (spec: Partial<ServiceSpec> = {}) =>
    services.create({
      metadata: { name: 'web', namespace: 'default' },
      spec: { clusterIP: clusterIp, ports: [{ port: 8080 }], ...spec },
    });
  /** Writes the EndpointSlices of `web`, one a pod: the pods at these ip:port pairs are ready. */
  const setEndpoints = async (ready: Array<{ ip: string; port: number }>) => {
    const labels = { 'kubernetes.io/service-name': 'web' };
    for (const old of (await slices.list({ labelSelector: 'kubernetes.io/service-name=web' }))
      .items)
      await slices.delete(old.metadata.name!);
    for (const [i, { ip, port }] of ready.entries())
      await slices.create({
        metadata: { name: `web-${i}`, namespace: 'default', labels },
        addressType: 'IPv4',
        endpoints: [{ addresses: [ip], conditions: { ready: true } }],
        ports: [{ name: '', port, protocol: 'TCP' }],
      });
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
  sayWhyOwnIpTestsSkip();
  test("a port's ready endpoints are the subsets' addresses, with the port of the same name", () => {
    const endpoints: Endpoints = {
      metadata: { name: 'web', namespace: 'default' },
      subsets: [
        {
          addresses: [{ ip: '127.244.0.2' }, { ip: '127.244.1.2' }],
          ports: [
            { name: 'http', port: 8080 },
            { name: 'metrics', port: 9090 },
          ],
        },
        { addresses: [{ ip: '127.244.2.2' }], ports: [{ name: 'http', port: 8081 }] },
      ],
    };
    expect(
      readyEndpoints(endpoints, { name: 'http', port: 80 }),
      'the endpoints of Service port http: two pods on 8080 and one on 8081',
    ).toEqual(['127.244.0.2:8080', '127.244.1.2:8080', '127.244.2.2:8081']);
    expect(
      readyEndpoints(endpoints, { name: 'metrics', port: 9100 }),
      'the endpoints of Service port metrics',
    ).toEqual(['127.244.0.2:9090', '127.244.1.2:9090']);
    expect(listenAddress('127.96.0.10', 80), 'listenAddress of 127.96.0.10 and 80').toBe(
      '127.96.0.10:80',
    );
  });

  test('no Endpoints, or no port of that name in them, means no endpoints', () => {
    expect(readyEndpoints(undefined, { port: 80 }), 'a Service with no Endpoints object').toEqual(
      [],
    );
    const unnamed: Endpoints = {
      metadata: { name: 'web', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '127.244.0.2' }], ports: [{ port: 8080 }] }],
    };
    expect(
      readyEndpoints(unnamed, { port: 80 }),
      'an unnamed Service port against an unnamed endpoint port: they match',
    ).toEqual(['127.244.0.2:8080']);
    expect(
      readyEndpoints(unnamed, { name: 'http', port: 80 }),
      'Service port http against endpoints whose port has no name',
    ).toEqual([]);
    expect(
      readyEndpoints(
        { metadata: { name: 'web' }, subsets: [{ ports: [{ port: 8080 }] }] },
        {
          port: 80,
        },
      ),
      'a subset with ports but no ready addresses',
    ).toEqual([]);
  });

  test("a Service's EndpointSlices read as Endpoints: ready endpoints as addresses, other Services' slices left out", () => {
    const slice = (service: string, ips: string[], ready = true): EndpointSlice => ({
      metadata: {
        name: `${service}-${ips[0]}`,
        namespace: 'default',
        labels: { 'kubernetes.io/service-name': service },
      },
      addressType: 'IPv4',
      endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready } })),
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    const slices = [
      slice('web', ['127.244.0.2', '127.244.1.2']),
      slice('web', ['127.244.2.2'], false),
      slice('db', ['127.244.3.2']),
      { ...slice('web', ['fd00::2']), addressType: 'IPv6' as const },
    ];
    const made = endpointsFromSlices('default', 'web', slices);
    expect(
      readyEndpoints(made, { name: 'http', port: 80 }),
      "web's two ready endpoints; the not-ready one, db's and the IPv6 slice left out",
    ).toEqual(['127.244.0.2:8080', '127.244.1.2:8080']);
    expect(
      made?.subsets?.flatMap((subset) => subset.notReadyAddresses ?? []),
      'the endpoint whose ready condition is false',
    ).toEqual([{ ip: '127.244.2.2' }]);
    expect(
      endpointsFromSlices('other', 'web', slices),
      'Service web in another namespace: no slice of its own',
    ).toBeUndefined();
  });

  test('a Service is served on its ClusterIP, once per TCP port', () => {
    const service = webService({
      ports: [
        { name: 'http', port: 80 },
        { name: 'dns', port: 53, protocol: 'UDP' },
        { port: 443 },
      ],
    });
    expect(
      [...serviceListeners(service).keys()],
      'the listeners of a ClusterIP Service 127.96.9.9 with TCP 80, UDP 53 and TCP 443',
    ).toEqual(['127.96.9.9:80', '127.96.9.9:443']);
    expect(
      serviceListeners(service).get('127.96.9.9:80'),
      'the Service port the 127.96.9.9:80 listener serves',
    ).toEqual({ name: 'http', port: 80 });
  });

  test("a NodePort Service is also served on the node's IP and its nodePort, when the proxy knows that IP", () => {
    const service = webService({ type: 'NodePort', ports: [{ port: 8080, nodePort: 30080 }] });
    expect(
      [...serviceListeners(service, '127.20.0.1').keys()],
      'the listeners of a NodePort Service (8080, nodePort 30080) on node 127.20.0.1',
    ).toEqual(['127.96.9.9:8080', '127.20.0.1:30080']);
    expect(
      [...serviceListeners(service).keys()],
      'the same Service for a proxy started without a node IP',
    ).toEqual(['127.96.9.9:8080']);
    expect(
      [
        ...serviceListeners(
          webService({ ports: [{ port: 8080, nodePort: 30080 }] }),
          '127.20.0.1',
        ).keys(),
      ],
      'a ClusterIP Service whose port names a nodePort anyway',
    ).toEqual(['127.96.9.9:8080']);
  });

  test('headless and ExternalName Services get no listener', () => {
    expect(
      serviceListeners(webService({ clusterIP: 'None' }), '127.20.0.1').size,
      'listeners of a headless Service',
    ).toBe(0);
    expect(
      serviceListeners(
        webService({ type: 'ExternalName', externalName: 'example.com' }),
        '127.20.0.1',
      ).size,
      'listeners of an ExternalName Service',
    ).toBe(0);
  });

  test('a connection goes to a random endpoint, or to the one its client had while it stays ready', () => {
    const candidates = ['a:1', 'b:1', 'c:1'];
    expect(
      [0, 0.5, 0.99].map((draw) => pickEndpoint(candidates, () => draw)),
      'three candidates with random 0, 0.5 and 0.99',
    ).toEqual(['a:1', 'b:1', 'c:1']);
    expect(
      pickEndpoint(candidates, () => 0, 'c:1'),
      'random 0, with c:1 remembered for this client',
    ).toBe('c:1');
    expect(
      pickEndpoint(candidates, () => 0, 'gone:1'),
      'random 0, with an endpoint remembered that is no longer ready',
    ).toBe('a:1');
  });

  test('externalTrafficPolicy Local keeps a connection from outside on the endpoints of its node', () => {
    const local = webService({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    expect(
      [staysOnNode(local, true), staysOnNode(local, false)],
      'policy Local: a connection on a nodePort, then one on the ClusterIP',
    ).toEqual([true, false]);
    expect(staysOnNode(webService({ type: 'NodePort' }), true), 'no policy (Cluster)').toBe(false);
    const slices: EndpointSlice[] = [
      {
        metadata: { name: 'web-a', namespace: 'default', labels: { [serviceLabel]: 'web' } },
        addressType: 'IPv4',
        endpoints: [
          { addresses: ['127.244.0.2'], nodeName: 'node-0' },
          { addresses: ['127.244.1.2'], nodeName: 'node-1' },
        ],
        ports: [{ name: '', port: 8080 }],
      },
    ];
    const endpoints = endpointsFromSlices('default', 'web', slices);
    expect(
      endpoints?.subsets?.[0]?.addresses,
      'the addresses made from a slice whose endpoints name their nodes',
    ).toEqual([
      { ip: '127.244.0.2', nodeName: 'node-0' },
      { ip: '127.244.1.2', nodeName: 'node-1' },
    ]);
    expect(readyEndpoints(endpoints, { port: 80 }, 'node-1'), "node-1's endpoints").toEqual([
      '127.244.1.2:8080',
    ]);
    expect(readyEndpoints(endpoints, { port: 80 }, 'node-2'), "node-2's: none").toEqual([]);
  });

  test.skipIf(singleAddressMode)(
    'listenTcp listens on the address and hands each connection over paused, half-open allowed',
    async () => {
      const handed: Socket[] = [];
      const server = await listenTcp('127.96.9.200:0', (socket) => handed.push(socket));
      expect(server, 'what listenTcp on a free address resolves with').not.toBeNull();
      scope.stopper().signal.addEventListener('abort', () => {
        for (const socket of handed) socket.destroy();
        server?.close();
      });
      const { port } = server!.address() as { port: number };
      const client = createConnection({ host: '127.96.9.200', port });
      client.on('error', () => {});
      await waitFor(() => handed.length === 1, 'the connection to be handed over');
      client.destroy();
      expect(
        [handed[0]!.isPaused(), handed[0]!.allowHalfOpen],
        'whether the socket handed over is paused, and allows half-open',
      ).toEqual([true, true]);
    },
  );

  test.skipIf(singleAddressMode)(
    'an address already listened on answers null: a peer proxy serves it',
    async () => {
      const first = await listenTcp('127.96.9.201:0', (socket) => socket.destroy());
      scope.stopper().signal.addEventListener('abort', () => first?.close());
      const { port } = first!.address() as { port: number };
      expect(
        await listenTcp(`127.96.9.201:${port}`, (socket) => socket.destroy()),
        `listenTcp on 127.96.9.201:${port}, where a server listens already`,
      ).toBeNull();
    },
  );

  test('an address on no interface cannot be listened on', async () => {
    // 192.0.2.10, an address kept for documentation, is on no interface here.
    await expect(
      listenTcp('192.0.2.10:8080', (socket) => socket.destroy()),
      'listenTcp on 192.0.2.10:8080 should reject with EADDRNOTAVAIL',
    ).rejects.toThrow(/EADDRNOTAVAIL/);
  });

  test('pipe carries bytes both ways', async () => {
    const [client, proxyClientSide] = await socketPair();
    const [proxyPodSide, pod] = await socketPair();
    pipe(proxyClientSide, proxyPodSide);
    const request = nextData(pod);
    client.write('ping');
    expect(await request, 'what the pod receives when the client writes ping').toBe('ping');
    const answer = nextData(client);
    pod.write('pong');
    expect(await answer, 'what the client receives when the pod writes pong').toBe('pong');
  });

  test("half-close: a side that ends its writing ends the other's, and the answer still comes back", async () => {
    const [client, proxyClientSide] = await socketPair();
    const [proxyPodSide, pod] = await socketPair();
    pipe(proxyClientSide, proxyPodSide);
    const request = readAll(pod);
    client.end('request');
    expect(await request, 'what the pod reads, up to its end, after client.end("request")').toBe(
      'request',
    );
    const answer = readAll(client);
    pod.end('answer');
    expect(await answer, 'what the client reads after the pod answers and ends').toBe('answer');
  });

  test('a side reset by its peer takes the other down too', async () => {
    const [client, proxyClientSide] = await socketPair();
    const [proxyPodSide, pod] = await socketPair();
    pipe(proxyClientSide, proxyPodSide);
    const clientEnded = new Promise((resolve) => client.once('end', resolve));
    client.resume();
    client.on('error', () => {});
    // A reset (TCP RST), not an orderly end: the proxy's pod-side socket fails with ECONNRESET.
    pod.resetAndDestroy();
    await waitFor(
      () => proxyClientSide.destroyed && proxyPodSide.destroyed,
      "both of the proxy's sockets to be destroyed once the pod reset its connection",
    );
    await clientEnded;
    expect(client.readableEnded, 'whether the client saw its connection end').toBe(true);
  });

  test('a large transfer arrives whole', async () => {
    const [client, proxyClientSide] = await socketPair();
    const [proxyPodSide, pod] = await socketPair();
    pipe(proxyClientSide, proxyPodSide);
    const size = 8 * 1024 * 1024;
    let received = 0;
    pod.on('data', (chunk: Buffer) => (received += chunk.length));
    const ended = new Promise((resolve) => pod.once('end', resolve));
    client.end(Buffer.alloc(size, 7));
    await ended;
    expect(received, 'bytes the pod received of an 8 MiB upload').toBe(size);
  });

  test.skipIf(singleAddressMode)(
    'the proxy listens on the ClusterIP port of each Service',
    async () => {
      const { createService, clusterIp, listening } = await setUp();
      await createService();
      await waitFor(
        () => listening(`${clusterIp}:8080`),
        `the proxy to listen on ${clusterIp}:8080`,
      );
      expect(listening(`${clusterIp}:8080`), `whether the proxy listens on ${clusterIp}:8080`).toBe(
        true,
      );
    },
  );

  test.skipIf(singleAddressMode)(
    'a NodePort Service is listened on at the node IP and its nodePort',
    async () => {
      const { createService, clusterIp, listening } = await setUp();
      await createService({ type: 'NodePort', ports: [{ port: 8080, nodePort: 30908 }] });
      await waitFor(
        () => listening(`${nodeIp}:30908`) && listening(`${clusterIp}:8080`),
        `the proxy to listen on ${nodeIp}:30908 and ${clusterIp}:8080`,
      );
    },
  );

  test.skipIf(singleAddressMode)(
    'a proxy that does not know its node IP serves a NodePort Service on its ClusterIP only',
    async () => {
      const { createService, clusterIp, listening, proxy } = await setUp(false);
      await createService({ type: 'NodePort', ports: [{ port: 8080, nodePort: 30911 }] });
      await waitFor(
        () => listening(`${clusterIp}:8080`),
        `the proxy to listen on ${clusterIp}:8080`,
      );
      expect(
        proxy.listening(),
        'the addresses a proxy started without a node IP listens on, for a NodePort Service',
      ).toEqual([`${clusterIp}:8080`]);
    },
  );

  test.skipIf(singleAddressMode)(
    'listeners follow a Service created, updated and deleted',
    async () => {
      const { createService, services, clusterIp, listening } = await setUp();
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
      await expect(
        get(clusterIp, 9090),
        'a GET after the delete should be refused (ECONNREFUSED): nobody listens',
      ).rejects.toThrow(/ECONNREFUSED/);
    },
  );

  test.skipIf(singleAddressMode)(
    "an address that cannot be listened on does not keep the Service's others away",
    async () => {
      const { createService, listening } = await setUp();
      // 192.0.2.10, an address kept for documentation, is on no interface here: its listen fails.
      await createService({
        clusterIP: '192.0.2.10',
        type: 'NodePort',
        ports: [{ port: 8080, nodePort: 30910 }],
      });
      await waitFor(
        () => listening(`${nodeIp}:30910`),
        `the node port ${nodeIp}:30910 all the same`,
      );
      expect(listening('192.0.2.10:8080'), 'whether the proxy listens on 192.0.2.10:8080').toBe(
        false,
      );
    },
  );

  test.skipIf(singleAddressMode)(
    'two proxies on one host: a peer serving an address counts as served; the other takes over later',
    async () => {
      const { client, stop, services, createService, clusterIp, listening } = await setUp();
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
      expect(peer.servedByPeer(), 'what the peer leaves to others once it took over').toEqual([]);
    },
  );

  test.skipIf(singleAddressMode)(
    'a connection to the ClusterIP reaches the pod behind it',
    async () => {
      const { createService, setEndpoints, clusterIp, listening } = await setUp();
      await setEndpoints(await pods(1));
      await createService();
      await waitFor(
        () => listening(`${clusterIp}:8080`),
        `the proxy to listen on ${clusterIp}:8080`,
      );
      expect(await get(clusterIp, 8080), `GET http://${clusterIp}:8080/`).toBe('pod-0');
    },
  );

  test.skipIf(singleAddressMode)(
    'a NodePort Service answers on the node IP and its nodePort',
    async () => {
      const { createService, setEndpoints, listening } = await setUp();
      await setEndpoints(await pods(1));
      await createService({ type: 'NodePort', ports: [{ port: 8080, nodePort: 30909 }] });
      await waitFor(() => listening(`${nodeIp}:30909`), `the proxy to listen on ${nodeIp}:30909`);
      expect(await get(nodeIp, 30909), `GET http://${nodeIp}:30909/`).toBe('pod-0');
    },
  );

  test.skipIf(singleAddressMode)(
    '300 connections spread over 3 endpoints, each getting 20% to 47%',
    async () => {
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
    },
  );

  test.skipIf(singleAddressMode)(
    'sessionAffinity ClientIP keeps each client on one endpoint',
    async () => {
      const { createService, setEndpoints, clusterIp, listening } = await setUp();
      await setEndpoints(await pods(3));
      await createService({ sessionAffinity: 'ClientIP' });
      await waitFor(() => listening(`${clusterIp}:8080`), 'the listener');
      for (const client of ['127.0.9.1', '127.0.9.2']) {
        const answers = new Set<string>();
        for (let n = 0; n < 20; n++) answers.add(await get(clusterIp, 8080, client));
        expect(answers.size, `pods that answered 20 GETs from ${client}`).toBe(1);
      }
    },
  );

  test.skipIf(singleAddressMode)(
    'an endpoint that refuses the connection is skipped for another',
    async () => {
      const { createService, setEndpoints, clusterIp, listening } = await setUp();
      const [alive] = await pods(1);
      const dead = await echoServer('dead', podIp(1));
      await new Promise((resolve) => dead.server.close(resolve));
      await setEndpoints([alive!, { ip: podIp(1), port: dead.port }]);
      await createService();
      await waitFor(() => listening(`${clusterIp}:8080`), 'the listener');
      for (let n = 0; n < 20; n++)
        expect(await get(clusterIp, 8080), `GET ${n + 1} with one endpoint refusing`).toBe('pod-0');
    },
  );

  test.skipIf(singleAddressMode)(
    'an endpoint removed from Endpoints gets no new connections',
    async () => {
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
    },
  );

  test.skipIf(singleAddressMode)(
    'half-close: a client that ends its side still gets the whole answer',
    async () => {
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
    },
  );

  test.skipIf(singleAddressMode)(
    'no sockets are left open once the clients are done, and close() stops everything',
    async () => {
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
    },
  );

  test.skipIf(singleAddressMode)(
    "externalTrafficPolicy Local: a nodePort connection reaches this node's pod from the client's address, and none elsewhere",
    async () => {
      const { createService, client, listening } = await setUp();
      // pod-0 answers with the address it sees the call come from; pod-1 runs on another node.
      const caller = createServer((req, res) => res.end(`pod-0 ${req.socket.remoteAddress}`));
      await new Promise<void>((resolve) => caller.listen(0, podIp(0), resolve));
      scope.stopper().signal.addEventListener('abort', () => caller.close());
      const [, other] = await pods(2);
      const here = { ip: podIp(0), port: (caller.address() as { port: number }).port };
      const slices = client.resource<EndpointSlice>('endpointslices', 'default');
      /** The one slice of `web`, its endpoints on the nodes named. */
      const writeSlice = (endpoints: Array<{ ip: string; port: number; node: string }>) =>
        slices.create({
          metadata: { name: 'web-local', namespace: 'default', labels: { [serviceLabel]: 'web' } },
          addressType: 'IPv4',
          endpoints: endpoints.map(({ ip, node }) => ({ addresses: [ip], nodeName: node })),
          ports: [{ name: '', port: endpoints[0]!.port }],
        });
      await writeSlice([
        { ...here, node: 'node-9' },
        { ...other!, node: 'node-8' },
      ]);
      await createService({
        type: 'NodePort',
        externalTrafficPolicy: 'Local',
        ports: [{ port: 8080, nodePort: 30912 }],
      });
      await waitFor(() => listening(`${nodeIp}:30912`), `the proxy to listen on ${nodeIp}:30912`);
      for (let n = 0; n < 5; n++)
        expect(
          await get(nodeIp, 30912, '127.0.9.7'),
          `GET ${n + 1} from 127.0.9.7 to the nodePort, the pod on node-9 and one elsewhere`,
        ).toBe('pod-0 127.0.9.7');
      await slices.delete('web-local');
      await writeSlice([{ ...other!, node: 'node-8' }]);
      await waitFor(
        () =>
          get(nodeIp, 30912).then(
            () => false,
            () => true,
          ),
        'the nodePort to drop connections once the only pod runs on node-8',
      );
      await expect(
        get(nodeIp, 30912),
        'a GET to the nodePort of node-9, with no pod of web on node-9',
      ).rejects.toThrow();
    },
  );
});
