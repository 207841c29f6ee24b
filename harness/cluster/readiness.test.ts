// Readiness by health endpoint: a component is up once its endpoint answers 200 (not before, while
// it answers 503 or nothing listens), and not up when its process exits first or the deadline
// passes. Every component the composer plans has one, the scheduler's and the controller-manager's
// /readyz passing once their loops run.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { controlPlaneEndpoints, serveHealth, type HealthServer } from '../components/health.ts';
import { planCluster } from './arguments.ts';
import { useEverywhere } from './options.ts';
import { readiness } from './readiness.ts';

const servers: http.Server[] = [];
const healthServers: HealthServer[] = [];
afterAll(async () => {
  servers.forEach((server) => server.close());
  await Promise.all(healthServers.map((server) => server.close()));
});

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

  test('every component of the plan is waited for at a health endpoint of its own', async () => {
    const plan = await planCluster({
      nodes: 2,
      dataDir: '/tmp/kata-readiness',
      fresh: false,
      use: useEverywhere('solutions'),
      storePort: 0,
      apiserverPort: 0,
      kubeletPort: 0,
      nodeIndexBase: 212,
    });
    const health = plan.components.map((component) => new URL(component.health));
    expect(health.map((url) => url.pathname)).toEqual([
      '/health',
      '/readyz',
      '/readyz',
      '/readyz',
      '/ready',
      '/healthz',
      '/healthz',
      '/healthz',
      '/healthz',
      '/readyz',
      '/readyz',
      '/readyz',
    ]);
    expect(new Set(health.map((url) => url.host)).size).toBe(health.length);
  });

  test('a scheduler is ready once its loops run, not when it first answers /healthz', async () => {
    let started = false;
    const server = await serveHealth({
      address: '127.0.0.1',
      port: 0,
      flag: '--secure-port',
      endpoints: controlPlaneEndpoints('sched-handler-sync', () => started),
    });
    healthServers.push(server);
    expect(await readiness(`${server.url}/healthz`, never)).toBe('ready');
    expect(await readiness(`${server.url}/readyz`, never, 300)).toBe('timed out');
    const ready = readiness(`${server.url}/readyz`, never);
    started = true;
    expect(await ready).toBe('ready');
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
