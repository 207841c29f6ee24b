import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { logs, serverFrom } from './cluster-verbs.ts';
import { KataError } from '../output.ts';

let server: http.Server;
let url: string;
const asked: string[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    asked.push(request.url ?? '');
    if (request.url?.startsWith('/api/v1/namespaces/default/pods/web/log')) {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('line one\nline two\n');
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ kind: 'Status', message: 'pods "nope" not found', code: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

describe('kata logs', () => {
  test("prints the pod's log as the API server answers it, passing the flags on", async () => {
    const printed: string[] = [];
    const write = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        printed.push(Buffer.from(chunk).toString());
        return true;
      });
    try {
      await logs('web', { server: url, container: 'app', tail: '2' });
    } finally {
      write.mockRestore();
    }
    expect(printed.join('')).toBe('line one\nline two\n');
    expect(asked.at(-1)).toBe('/api/v1/namespaces/default/pods/web/log?container=app&tailLines=2');
  });

  test("a Status answer becomes one line with the server's message", async () => {
    await expect(logs('nope', { server: url })).rejects.toThrow(KataError);
    await expect(logs('nope', { server: url })).rejects.toThrow(/pods "nope" not found/);
  });

  test('--server wins over everything', () => {
    expect(serverFrom({ server: 'http://elsewhere:6443' })).toBe('http://elsewhere:6443');
  });
});
