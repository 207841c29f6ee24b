// kata load: its options, its percentiles, and a short run against a local server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { parseLoadOptions, percentile, reportLine, runLoad } from './load.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('kata load', () => {
  test('options: a URL, a rate and durations; anything else is a usage error', () => {
    expect(
      parseLoadOptions('http://127.96.0.20:8080/?ms=100', { rps: '50', for: '2m' }),
      'rps 50 for 2m',
    ).toEqual({
      url: 'http://127.96.0.20:8080/?ms=100',
      rps: 50,
      durationMs: 120_000,
      timeoutMs: 10_000,
    });
    expect(() => parseLoadOptions('web:8080', {}), 'a URL without a scheme').toThrow(
      'needs an http:// URL',
    );
    expect(() => parseLoadOptions('http://x', { rps: '0' }), 'a rate of 0').toThrow('--rps');
  });

  test('percentiles by nearest rank, and one line of report', () => {
    const sorted = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(
      [percentile(sorted, 0.5), percentile(sorted, 0.99), percentile([], 0.5)],
      'p50 and p99 of 1..100, p50 of nothing',
    ).toEqual([50, 99, 0]);
    expect(
      reportLine({ sent: 40, ok: 39, rejected: 1, failed: 0, p50: 3.2, p99: 11.7 }, 2),
      'a report over 2 s',
    ).toBe('20.0 req/s  ok 39  not 2xx 1  failed 0  p50 3 ms  p99 12 ms');
  });

  test('a short run sends about the rate asked and counts the answers', async () => {
    let asked = 0;
    const server = http.createServer((_request, response) => {
      asked++;
      response.writeHead(asked % 10 === 0 ? 503 : 200).end('ok');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const lines: string[] = [];
    const report = await runLoad(
      { url: `http://127.0.0.1:${port}/`, rps: 40, durationMs: 500, timeoutMs: 2000 },
      (line) => lines.push(line),
    );
    expect(report.sent, '40 a second for half a second').toBeGreaterThanOrEqual(15);
    expect(report.ok + report.rejected, 'every request answered').toBe(report.sent);
    expect(report.rejected, 'every tenth answer is a 503').toBe(Math.floor(report.sent / 10));
    expect(lines.at(-1), 'the last line sums the run up').toMatch(/^in all: .* req\/s {2}ok \d+/);
  });
});
