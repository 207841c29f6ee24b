// The reverse proxy: real HTTP servers on loopback stand in for pods, each answering with its name
// and the headers it was sent; the proxy routes to them from a table the test writes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import type { IngressServiceBackend } from '../../harness/api/types.ts';
import { createIngressProxy, forwardedHeaders, type ProxyTable } from './proxy.ts';
import type { Route } from './routes.ts';

const servers: http.Server[] = [];
const closers: Array<() => void> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listening(server: http.Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A "pod" that answers 200 with JSON: its name, the path and the headers it received. */
function pod(name: string): Promise<string> {
  return listening(
    http.createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ pod: name, path: request.url, headers: request.headers }));
    }),
  );
}

const route = (service: string, host: string, path: string): Route => ({
  namespace: 'shop',
  ingress: 'shop',
  host,
  path,
  pathType: 'Prefix',
  backend: { name: service, port: { number: 80 } },
  created: '',
});

/** A proxy over `table`, listening on loopback; returns its address. */
async function proxyOver(table: ProxyTable): Promise<string> {
  const proxy = createIngressProxy(() => table);
  closers.push(proxy.close);
  return listening(http.createServer(proxy.handle));
}

/** GET http://<address><path> with a Host header; the status and the body as text. */
async function get(address: string, host: string, path: string, headers = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const [hostname, port] = address.split(':');
    const request = http.get(
      { hostname, port: Number(port), path, headers: { host, ...headers } },
      (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
  });
}

const json = (body: string) => JSON.parse(body) as { pod: string; path: string; headers: any };

describe('The reverse proxy', () => {
  test('X-Forwarded-For appends the client, and Host, Proto and Port say how it asked', async () => {
    let seen: Record<string, string> | Error = {};
    const address = await listening(
      http.createServer((request, response) => {
        try {
          seen = forwardedHeaders(request);
        } catch (error) {
          seen = error as Error;
        }
        response.end();
      }),
    );
    await get(address, 'shop.example.com', '/', { 'x-forwarded-for': '203.0.113.7' });
    expect(seen, 'headers for a plain HTTP request that came through one proxy already').toEqual({
      'x-forwarded-for': '203.0.113.7, 127.0.0.1',
      'x-forwarded-host': 'shop.example.com',
      'x-forwarded-proto': 'http',
      'x-forwarded-port': address.split(':')[1],
    });
  });

  test('requests go by host and path to the pods of their backend, with the X-Forwarded headers', async () => {
    const web = await pod('web-1');
    const api = await pod('api-1');
    const addresses: Record<string, string[]> = { web: [web], api: [api] };
    const proxy = await proxyOver({
      routes: [route('web', 'shop.example.com', '/'), route('api', 'shop.example.com', '/api')],
      endpoints: (_namespace, backend: IngressServiceBackend) => addresses[backend.name] ?? [],
    });
    const home = json((await get(proxy, 'shop.example.com', '/')).body);
    expect(home.pod, 'GET shop.example.com/ goes to web').toBe('web-1');
    const items = json((await get(proxy, 'shop.example.com:8080', '/api/items?page=2')).body);
    expect(items.pod, 'GET shop.example.com/api/items goes to api').toBe('api-1');
    expect(items.path, 'the path reaches the pod unchanged').toBe('/api/items?page=2');
    expect(
      [items.headers['x-forwarded-host'], items.headers['x-forwarded-proto']],
      'X-Forwarded-Host and -Proto the pod received',
    ).toEqual(['shop.example.com:8080', 'http']);
  });

  test("a backend's requests are spread over its pods in turn", async () => {
    const pods = [await pod('web-1'), await pod('web-2')];
    const proxy = await proxyOver({
      routes: [route('web', '', '/')],
      endpoints: () => pods,
    });
    const answered = [];
    for (let i = 0; i < 4; i++) answered.push(json((await get(proxy, 'any', '/')).body).pod);
    expect(answered, 'four requests to a backend with two pods').toEqual([
      'web-1',
      'web-2',
      'web-1',
      'web-2',
    ]);
  });

  test('no matching rule: the default backend, else 404', async () => {
    const fallback = await pod('fallback-1');
    const routes = [route('web', 'shop.example.com', '/')];
    const withDefault = await proxyOver({
      routes,
      defaultBackend: { namespace: 'shop', backend: { name: 'fallback', port: { number: 80 } } },
      endpoints: (_namespace, backend) => (backend.name === 'fallback' ? [fallback] : []),
    });
    const other = await get(withDefault, 'blog.example.com', '/');
    expect(json(other.body).pod, 'GET blog.example.com/ with a default backend').toBe('fallback-1');
    const without = await proxyOver({ routes, endpoints: () => [] });
    expect((await get(without, 'blog.example.com', '/')).status, 'and without one').toBe(404);
  });

  test('503 when the backend has no ready endpoint; 502 when its pod cannot be reached', async () => {
    const gone = await listening(http.createServer());
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    const proxy = await proxyOver({
      routes: [route('empty', 'empty.test', '/'), route('gone', 'gone.test', '/')],
      endpoints: (_namespace, backend) => (backend.name === 'gone' ? [gone] : []),
    });
    expect((await get(proxy, 'empty.test', '/')).status, 'a backend without endpoints').toBe(503);
    expect((await get(proxy, 'gone.test', '/')).status, 'a pod whose port is closed').toBe(502);
  });
});
