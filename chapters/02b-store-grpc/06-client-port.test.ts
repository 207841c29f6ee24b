import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Store } from '../../solutions/01-store/store.ts';
import { createStoreServer, type StoreServer } from '../../solutions/02-store-server/server.ts';
import { bytes } from '../../harness/store/bytes.ts';
import { callUnary, etcdGrpcClients } from '../../harness/store/grpc.ts';
import { call } from '../../harness/testing/http.ts';
import { HTTP2_PREFACE, listenClientPort, protocolOf, type ClientPort } from './client-port.ts';
import { createGrpcStoreServer, type GrpcStoreServer } from './server.ts';

let store: Store;
let gateway: StoreServer;
let grpcServer: GrpcStoreServer;
let port: ClientPort;

beforeEach(async () => {
  store = new Store();
  gateway = createStoreServer({ store });
  grpcServer = createGrpcStoreServer({ store });
  port = await listenClientPort(0, '127.0.0.1', {
    grpc: (connection) => grpcServer.serveConnection(connection),
    http: (connection) => gateway.serveConnection!(connection),
  });
});

afterEach(async () => {
  await port.close();
  await grpcServer.close();
  await gateway.close();
});

describe('One port, two protocols', () => {
  test('protocolOf tells HTTP/2 from HTTP/1.1 by the first bytes, waiting while it cannot tell', () => {
    expect(protocolOf(HTTP2_PREFACE), 'the whole preface').toBe('grpc');
    expect(protocolOf(HTTP2_PREFACE.subarray(0, 10)), 'the preface so far').toBeUndefined();
    expect(protocolOf(Buffer.from('POST /v3/kv/put HTTP/1.1')), 'an HTTP/1.1 request').toBe('http');
    expect(protocolOf(Buffer.from('PRI / HTTP/1.1')), 'differs at the fifth byte').toBe('http');
  });

  test('one port answers gRPC and the JSON gateway, the same store behind both', async () => {
    const clients = etcdGrpcClients(port.url);
    try {
      await callUnary(clients.kv, 'Put', { key: bytes('foo'), value: bytes('bar') });
      const json = await call(port.url, '/v3/kv/range', { key: 'Zm9v' });
      expect(json.kvs[0].value, 'JSON range of what gRPC put').toBe('YmFy');
      await call(port.url, '/v3/kv/put', { key: 'Zm9v', value: 'YmF6' });
      const range = await callUnary(clients.kv, 'Range', { key: bytes('foo') });
      expect(Buffer.from(range.kvs[0].value).toString(), 'gRPC range of what JSON put').toBe('baz');
    } finally {
      clients.close();
    }
  });
});
