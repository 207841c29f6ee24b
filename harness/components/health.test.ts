// The health endpoints of the scheduler, the controller-manager and kube-proxy: kube's answers
// ("ok" as text/plain, a 500 naming the failed check, every check with ?verbose, kube-proxy's
// JSON), /metrics in Prometheus' text format, a 404 elsewhere, a port of 0 becoming a free one, a busy port a line naming the flag, and
// /readyz failing until the component has started.
import { afterEach, describe, expect, test } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  controlPlaneEndpoints,
  proxyEndpoints,
  serveHealth,
  withHealth,
  kubeletHealthRoute,
  syncLoopGraceMs,
  type HealthServer,
} from './health.ts';
import { waitFor } from '../testing/wait.ts';

const servers: HealthServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(endpoints: Parameters<typeof serveHealth>[0]['endpoints'], port = 0) {
  const server = await serveHealth({
    address: '127.0.0.1',
    port,
    endpoints,
    flag: '--secure-port',
  });
  servers.push(server);
  return server;
}

/** Status, content type and body of a GET. */
async function get(url: string) {
  const response = await fetch(url);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: await response.text(),
  };
}

describe('Health endpoints', () => {
  test('/healthz, /livez and /readyz answer "ok" as text/plain once started; other paths 404', async () => {
    const server = await serve(controlPlaneEndpoints('sched-handler-sync', () => true));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    for (const path of ['/healthz', '/livez', '/readyz'])
      expect(await get(`${server.url}${path}`), path).toEqual({
        status: 200,
        type: 'text/plain; charset=utf-8',
        body: 'ok',
      });
    expect((await get(`${server.url}/debug`)).status, 'GET /debug').toBe(404);
    const metrics = await get(`${server.url}/metrics`);
    expect(metrics.body, 'GET /metrics: Prometheus text with the process metrics').toContain(
      '# TYPE process_cpu_seconds_total counter',
    );
  });

  test('/readyz fails naming its check until the loops run; /healthz is ok meanwhile', async () => {
    let started = false;
    const server = await serve(controlPlaneEndpoints('sched-handler-sync', () => started));
    expect((await get(`${server.url}/healthz`)).status).toBe(200);
    expect(await get(`${server.url}/readyz`)).toMatchObject({
      status: 500,
      body: '[+]ping ok\n[-]sched-handler-sync failed: reason withheld\nreadyz check failed\n',
    });
    started = true;
    expect((await get(`${server.url}/readyz?verbose`)).body).toBe(
      '[+]ping ok\n[+]sched-handler-sync ok\nreadyz check passed\n',
    );
  });

  test("kube-proxy's /healthz and /livez answer JSON with the times", async () => {
    const now = Date.parse('2026-01-02T03:04:05Z');
    const server = await serve(proxyEndpoints(() => now));
    const healthz = await get(`${server.url}/healthz`);
    expect(healthz.type).toBe('application/json');
    expect(JSON.parse(healthz.body)).toEqual({
      lastUpdated: '2026-01-02T03:04:05Z',
      currentTime: '2026-01-02T03:04:05Z',
      nodeEligible: true,
    });
    expect(JSON.parse((await get(`${server.url}/livez`)).body)).toEqual({
      lastUpdated: '2026-01-02T03:04:05Z',
      currentTime: '2026-01-02T03:04:05Z',
    });
    expect((await get(`${server.url}/readyz`)).status).toBe(404);
  });

  test('a busy port is one line naming the flag', async () => {
    const first = await serve(proxyEndpoints());
    const port = Number(new URL(first.url).port);
    await expect(serve(proxyEndpoints(), port)).rejects.toThrow(
      `cannot serve health on 127.0.0.1:${port}: the port is already in use; check --secure-port`,
    );
  });

  test('withHealth serves while the component starts, ready once it has, and closes both', async () => {
    const lines: string[] = [];
    let finishStart: () => void = () => {};
    let closed = false;
    const running = withHealth(
      {
        address: '127.0.0.1',
        port: 0,
        flag: '--secure-port',
        endpoints: (started) => controlPlaneEndpoints('controllers-started', started),
        log: (line) => lines.push(line),
      },
      () =>
        new Promise((resolve) => {
          finishStart = () => resolve({ close: async () => void (closed = true) });
        }),
    );
    await expect.poll(() => lines.length).toBe(1);
    const url = /on (http:\S+)/.exec(lines[0]!)![1]!;
    expect(lines[0]).toBe(`serving /healthz, /livez, /readyz, /metrics on ${url}`);
    expect((await get(`${url}/readyz`)).status).toBe(500);
    finishStart();
    const component = await running;
    expect((await get(`${url}/readyz`)).status).toBe(200);
    await component.close();
    expect(closed).toBe(true);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });

  test('a failed start closes the health server', async () => {
    const lines: string[] = [];
    const starting = withHealth(
      {
        address: '127.0.0.1',
        port: 0,
        flag: '--secure-port',
        endpoints: () => proxyEndpoints(),
        log: (line) => lines.push(line),
      },
      () => Promise.reject(new Error('no API server')),
    );
    await expect(starting).rejects.toThrow('no API server');
    const url = /on (http:\S+)/.exec(lines[0]!)![1]!;
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

describe("The kubelet's /healthz", () => {
  test('lists ping, log and syncloop with ?verbose; syncloop fails once the runtime stops answering', async () => {
    let clock = 1_000_000;
    let answering = true;
    const runtime = {
      listPodSandbox: () => (answering ? Promise.resolve([]) : Promise.reject(new Error('down'))),
    };
    const route = kubeletHealthRoute(runtime, 10, () => clock);
    const server = http.createServer((request, response) => route.serve(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`;
    try {
      expect(await get(base), 'GET /healthz').toMatchObject({ status: 200, body: 'ok' });
      expect((await get(`${base}?verbose`)).body, 'GET /healthz?verbose').toBe(
        '[+]ping ok\n[+]log ok\n[+]syncloop ok\nhealthz check passed\n',
      );
      answering = false;
      // Time passes beyond the grace (a probe already under way may still answer once).
      await waitFor(async () => {
        clock += syncLoopGraceMs + 1;
        return (await get(base)).status === 500;
      }, 'the syncloop check to fail');
      expect(
        await get(`${base}?verbose`),
        'GET /healthz?verbose, the runtime silent',
      ).toMatchObject({
        status: 500,
        body: '[+]ping ok\n[+]log ok\n[-]syncloop failed: reason withheld\nhealthz check failed\n',
      });
    } finally {
      route.stop();
      server.close();
    }
  });
});
