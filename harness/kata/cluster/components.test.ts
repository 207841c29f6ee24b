// `kata components`' health column: what each component's health endpoint says, asked at once.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { componentTable, healthOf } from './components.ts';

let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const failing = request.url === '/readyz';
    response.writeHead(failing ? 500 : 200, { 'content-type': 'text/plain' });
    response.end(failing ? '[-]sched-handler-sync failed: reason withheld\n' : 'ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('kata components', () => {
  test('says ok for a 200, the status for anything else, and no answer when nothing listens', async () => {
    expect(await healthOf(`${url}/healthz`), 'a health endpoint answering 200').toBe('ok');
    expect(await healthOf(`${url}/readyz`), 'a readyz answering 500').toBe('HTTP 500');
    server.closeAllConnections();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await healthOf(`http://127.0.0.1:${port}/healthz`), 'a port nothing listens on').toBe(
      'no answer',
    );
    expect(await healthOf(undefined), 'a component with no health endpoint').toBe('-');
  });

  test('prints a HEALTH column between STATE and PID, padded to its widest cell', () => {
    const lines = componentTable(
      [
        { name: 'store', state: 'running', pid: 41, restarts: 0, chapters: ['01 reference'] },
        { name: 'scheduler', state: 'killed', restarts: 1, chapters: ['05 yours'] },
      ],
      ['ok', '-'],
    );
    expect(lines, 'two components, one killed').toEqual([
      'COMPONENT   STATE     HEALTH   PID   RESTARTS   CHAPTERS',
      'store       running   ok       41    0          01 reference',
      'scheduler   killed    -        -     1          05 yours',
    ]);
  });

  test('shows pod/<name> in the PID column for a component that runs as a pod (--kubeadm)', () => {
    const lines = componentTable(
      [
        {
          name: 'apiserver',
          state: 'running',
          restarts: 2,
          chapters: ['03a reference'],
          pod: 'kube-system/kube-apiserver-node-1',
        },
      ],
      ['ok'],
    );
    expect(lines[1], 'the API server as a static pod').toBe(
      'apiserver   running   ok       pod/kube-apiserver-node-1   2          03a reference',
    );
  });
});
