// The store's first look at a gRPC connection (grpc-authority.ts) and the HPACK it reads with
// (hpack.ts): the Huffman code and the header blocks of RFC 7541's own examples, the :authority
// repaired, a Node HTTP/2 server behind admitGrpcConnection answering a request whose :authority
// it would refuse, and etcdctl's `endpoint status` with an http:// endpoint on the kata store.
import http2 from 'node:http2';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startStore } from '../components/store.ts';
import { etcdctl, etcdctlVersion } from '../testing/etcdctl.ts';
import { acceptedAuthority, admitGrpcConnection, repairAuthority } from './grpc-authority.ts';
import { encodeLiterals, HpackDecoder, huffmanCodeOf, huffmanDecode } from './hpack.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ''), 'hex');

describe('HPACK', () => {
  test('the canonical Huffman code from the lengths gives RFC 7541 Appendix B codes', () => {
    expect(
      [48, 97, 32, 0, 256].map((symbol) => huffmanCodeOf(symbol)),
      "the codes of '0', 'a', ' ', byte 0 and EOS",
    ).toEqual([
      [0x0, 5],
      [0x3, 5],
      [0x14, 6],
      [0x1ff8, 13],
      [0x3fffffff, 30],
    ]);
    expect(
      huffmanDecode(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff')).toString(),
      'RFC 7541 C.4.1: the Huffman-coded www.example.com',
    ).toBe('www.example.com');
  });

  test("RFC 7541 C.4's requests decode, the second through the first's dynamic table entry", () => {
    const decoder = new HpackDecoder();
    expect(decoder.decode(hex('8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff')), 'C.4.1').toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    expect(decoder.decode(hex('8286 84be 5886 a8eb 1064 9cbf')), 'C.4.2').toEqual([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
      ['cache-control', 'no-cache'],
    ]);
    const fields: Array<[string, string]> = [
      [':path', '/etcdserverpb.KV/Range'],
      ['te', 'trailers'],
    ];
    expect(new HpackDecoder().decode(encodeLiterals(fields)), 'literals read back').toEqual(fields);
  });

  test('an :authority with a scheme is repaired to host:port; one beyond repair is left out', () => {
    expect(acceptedAuthority('http://127.0.0.1:2379'), 'nghttp2 refuses a "/"').toBe(false);
    expect(
      repairAuthority([
        [':authority', 'http://127.0.0.1:2379'],
        [':path', '/x'],
      ]),
      'etcdctl endpoint status with an http:// endpoint',
    ).toEqual([
      [':authority', '127.0.0.1:2379'],
      [':path', '/x'],
    ]);
    expect(repairAuthority([[':authority', 'a b']]), 'a space: no repair').toEqual([]);
  });
});

/** A Node HTTP/2 server behind admitGrpcConnection, answering each request with its :authority. */
async function admittingServer(): Promise<string> {
  const h2 = http2.createServer((request, response) =>
    response.end(request.headers[':authority'] ?? ''),
  );
  const server = net.createServer((socket) => {
    socket.pause();
    admitGrpcConnection(socket, (connection) => h2.emit('connection', connection));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => sockets.add(socket));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** GETs `/` on `session` with this :authority; resolves with the status and the body. */
function ask(session: http2.ClientHttp2Session, authority: string) {
  return new Promise<[number, string]>((resolve, reject) => {
    const stream = session.request({ ':path': '/', ':authority': authority });
    let body = '';
    let status = 0;
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('data', (chunk: Buffer) => (body += chunk));
    stream.on('end', () => resolve([status, body]));
    stream.on('error', reject);
  });
}

describe('The first request of a gRPC connection', () => {
  test('an :authority nghttp2 refuses is repaired on every request of the connection', async () => {
    const url = await admittingServer();
    const session = http2.connect(url);
    cleanups.push(() => void session.destroy());
    const port = new URL(url).port;
    const first = await ask(session, `http://127.0.0.1:${port}`);
    const second = await ask(session, `http://127.0.0.1:${port}`);
    expect([first, second], 'two requests with :authority http://127.0.0.1:PORT').toEqual([
      [200, `127.0.0.1:${port}`],
      [200, `127.0.0.1:${port}`],
    ]);
  });

  test('an accepted :authority reaches the server as it was sent', async () => {
    const session = http2.connect(await admittingServer());
    cleanups.push(() => void session.destroy());
    expect(await ask(session, 'store.local:2379'), ':authority store.local:2379').toEqual([
      200,
      'store.local:2379',
    ]);
  });

  test.skipIf(!etcdctlVersion())(
    `etcdctl endpoint status with an http:// endpoint answers on the kata store${etcdctlVersion() ? '' : ' (skipped: no etcdctl on PATH; Debian etcd-client)'}`,
    async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'kata-authority-'));
      const running = await startStore(
        {
          name: 'default',
          dataDir,
          listenClientUrls: [new URL('http://127.0.0.1:0')],
          advertiseClientUrls: [new URL('http://127.0.0.1:2379')],
          listenPeerUrls: [new URL('http://127.0.0.1:2380')],
          use: 'solutions',
        },
        () => {},
      );
      cleanups.push(async () => {
        await running.close();
        rmSync(dataDir, { recursive: true, force: true });
      });
      const endpoint = running.urls[0]!;
      const status = await etcdctl(endpoint, ['endpoint', 'status']);
      expect(
        [status.code, status.stdout.split(',')[0]],
        `etcdctl --endpoints ${endpoint} endpoint status: ${status.stderr}`,
      ).toEqual([0, endpoint]);
    },
  );
});
