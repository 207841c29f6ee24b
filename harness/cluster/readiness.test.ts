// Readiness by health endpoint: a component is up once its endpoint answers 200 (not before, while
// it answers 503 or nothing listens), and not up when its process exits first or the deadline
// passes.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { readiness } from './readiness.ts';

const servers: http.Server[] = [];
afterAll(() => servers.forEach((server) => server.close()));

/** A health endpoint that answers 503 `failures` times, then 200. */
async function healthEndpoint(failures: number): Promise<{ url: string; asked: () => number }> {
  let asked = 0;
  const server = http.createServer((_, response) => {
    asked++;
    response.writeHead(asked > failures ? 200 : 503).end(asked > failures ? 'ok' : 'not yet');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/readyz`, asked: () => asked };
}

const never = new Promise<void>(() => {});

describe('Readiness', () => {
  test('ready once the health endpoint answers 200, asked again while it answers 503', async () => {
    const endpoint = await healthEndpoint(3);
    expect(await readiness(endpoint.url, never)).toBe('ready');
    expect(endpoint.asked()).toBe(4);
  });

  test('a component without a health endpoint is ready once started', async () => {
    expect(await readiness(undefined, never)).toBe('ready');
  });

  test('a process that exits before it answers is not ready', async () => {
    // Nothing listens on port 9 of loopback: the endpoint never answers.
    expect(await readiness('http://127.0.0.1:9/health', Promise.resolve())).toBe('exited');
  });

  test('an endpoint that never answers 200 times out', async () => {
    const endpoint = await healthEndpoint(Infinity);
    expect(await readiness(endpoint.url, never, 300)).toBe('timed out');
  });
});
