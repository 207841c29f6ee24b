// kata's gRPC server (grpc-server.ts) under @grpc/grpc-js clients: what chapter 02b's tests do not
// reach. A reply larger than every default window arrives whole (flow control), a method the
// server lacks is Unimplemented, a failed call keeps its code and its message, a client that
// cancels a stream is heard, and many calls at once are each answered. And etcdctl's endpoint
// commands, which send `http://` in :authority (Node's own HTTP/2 refused it), answer on the store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, test } from 'vitest';
import { startStore } from '../components/store.ts';
import { etcdctl, etcdctlVersion } from '../testing/etcdctl.ts';
import { waitFor } from '../testing/wait.ts';
import { callUnary, etcdGrpcClients, serviceDefinition, type ProtoMessage } from './grpc.ts';
import { addService, createGrpcServer, percentEncoded, type MethodTable } from './grpc-server.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server with these services' handlers, listening; resolves with its clients. */
async function serve(services: Partial<Record<'KV' | 'Watch' | 'Maintenance', object>>) {
  const methods: MethodTable = new Map();
  for (const [name, implementation] of Object.entries(services)) {
    addService(
      methods,
      serviceDefinition(name as 'KV'),
      implementation as grpc.UntypedServiceImplementation,
    );
  }
  const server = createGrpcServer(methods);
  const clients = etcdGrpcClients(await server.listen(0, '127.0.0.1'));
  cleanups.push(() => server.close());
  cleanups.push(() => clients.close());
  return clients;
}

describe("kata's gRPC server", () => {
  test('a stream of replies larger than the client’s windows arrives whole and in order', async () => {
    const pieces = 40;
    const clients = await serve({
      Maintenance: {
        Snapshot: (call: grpc.ServerWritableStream<ProtoMessage, ProtoMessage>) => {
          for (let i = 0; i < pieces; i++) {
            call.write({ remainingBytes: pieces - 1 - i, blob: Buffer.alloc(32 * 1024, i) });
          }
          call.end();
        },
      },
    });
    const blobs: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = clients.maintenance.Snapshot({});
      stream.on('data', (piece: ProtoMessage) => blobs.push(piece.blob));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    expect(
      blobs.map((blob) => [blob.length, blob[0]]),
      `${pieces} pieces of 32 KiB (1.25 MiB), past HTTP/2's 64 KiB default windows`,
    ).toEqual(Array.from({ length: pieces }, (_, i) => [32 * 1024, i]));
  });

  test('a method the server has no handler for is answered Unimplemented with its path', async () => {
    const clients = await serve({ KV: { Range: () => undefined } });
    const failed = await callUnary(clients.kv, 'Put', { key: Buffer.from('a') }).catch(
      (error: grpc.ServiceError) => error,
    );
    expect(
      [(failed as grpc.ServiceError).code, (failed as grpc.ServiceError).details],
      'Put on a server whose KV has only Range',
    ).toEqual([12, 'The server does not implement the method /etcdserverpb.KV/Put']);
  });

  test('a failed call keeps its status code and its message, non-ASCII included', async () => {
    const details = 'etcdserver: mvcc: required revision is a future revision (über)';
    const clients = await serve({
      KV: {
        Range: (_call: unknown, callback: grpc.sendUnaryData<ProtoMessage>) =>
          callback({ code: 11, details }),
      },
    });
    const failed = (await callUnary(clients.kv, 'Range', { key: Buffer.from('a') }).catch(
      (error: grpc.ServiceError) => error,
    )) as grpc.ServiceError;
    expect([failed.code, failed.details], 'Range failed with OUT_OF_RANGE').toEqual([11, details]);
    expect(percentEncoded('50% ü'), 'grpc-message percent-encoding').toBe('50%25 %C3%BC');
  });

  test('a client that cancels a stream is heard: the call emits cancelled', async () => {
    let cancelled = false;
    let received = 0;
    const clients = await serve({
      Watch: {
        Watch: (call: grpc.ServerDuplexStream<ProtoMessage, ProtoMessage>) => {
          call.on('data', () => {
            received += 1;
            call.write({ watchId: '0', created: true });
          });
          call.on('cancelled', () => (cancelled = true));
        },
      },
    });
    const stream = clients.watch.Watch();
    stream.on('error', () => undefined); // the cancel itself surfaces as an error here
    const answered = new Promise((resolve) => stream.once('data', resolve));
    stream.write({ createRequest: { key: Buffer.from('a') } });
    await answered;
    stream.cancel();
    await waitFor(() => cancelled, 'the server call to hear the cancel');
    expect(received, 'one request read before the cancel').toBe(1);
  });

  test('64 calls at once on one connection are each answered with their own reply', async () => {
    const clients = await serve({
      KV: {
        Range: (
          call: grpc.ServerUnaryCall<ProtoMessage, ProtoMessage>,
          callback: grpc.sendUnaryData<ProtoMessage>,
        ) => setImmediate(() => callback(null, { kvs: [{ key: call.request.key }], count: 1 })),
      },
    });
    const keys = Array.from({ length: 64 }, (_, i) => `key-${i}`);
    const answers = await Promise.all(
      keys.map((key) => callUnary(clients.kv, 'Range', { key: Buffer.from(key) })),
    );
    expect(
      answers.map((answer) => answer.kvs[0].key.toString()),
      '64 concurrent Ranges, each answered with its own key',
    ).toEqual(keys);
  });
});

describe('etcdctl on the kata store', () => {
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
