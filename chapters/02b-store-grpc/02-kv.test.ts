import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Store } from '../../solutions/01-store/store.ts';
import { bytes, prefixEnd } from '../../harness/store/bytes.ts';
import { StoreError } from '../../harness/store/errors.ts';
import { callUnary, etcdGrpcClients, type EtcdGrpcClients } from '../../harness/store/grpc.ts';
import { createGrpcStoreServer, type GrpcStoreServer } from './server.ts';
import { statusOf } from './services.ts';

let store: Store;
let server: GrpcStoreServer;
let clients: EtcdGrpcClients;

beforeEach(async () => {
  store = new Store();
  server = createGrpcStoreServer({ store });
  clients = etcdGrpcClients(await server.listen(0));
});

afterEach(async () => {
  clients.close();
  await server.close();
});

const kv = (method: string, request: Record<string, unknown>) =>
  callUnary(clients.kv, method, request);

/** A call that must fail: its gRPC code and message. */
async function failure(method: string, request: Record<string, unknown>) {
  try {
    await kv(method, request);
  } catch (error) {
    const { code, details } = error as { code: number; details: string };
    return { code, details };
  }
  throw new Error(`${method} succeeded where it should have failed`);
}

describe('The KV service', () => {
  test("statusOf keeps a StoreError's gRPC code and etcd's message; anything else is Internal", () => {
    const compacted = new StoreError(11, 'etcdserver: mvcc: required revision has been compacted');
    expect(statusOf(compacted), 'statusOf(compacted)').toEqual({
      code: 11,
      details: 'etcdserver: mvcc: required revision has been compacted',
    });
    expect(statusOf(new Error('oops')).code, 'statusOf(a bug): code 13, Internal').toBe(13);
  });

  test('Put, then Range, over gRPC: the header carries the revision', async () => {
    const put = await kv('Put', { key: bytes('foo'), value: bytes('bar') });
    expect(put.header.revision, 'Put foo=bar on a new store: revision 2').toBe('2');
    const range = await kv('Range', { key: bytes('foo') });
    expect(range.count, 'Range foo: count').toBe('1');
    expect(Buffer.from(range.kvs[0].value).toString(), 'Range foo: the value').toBe('bar');
    expect(range.kvs[0].createRevision, 'Range foo: create_revision').toBe('2');
  });

  test('Range with a prefix, a limit and an old revision', async () => {
    for (const key of ['a/1', 'a/2', 'a/3', 'b']) await kv('Put', { key: bytes(key) });
    const limited = await kv('Range', {
      key: bytes('a/'),
      rangeEnd: prefixEnd(bytes('a/')),
      limit: 2,
    });
    expect(limited.kvs.length, 'prefix a/ limit 2: two keys').toBe(2);
    expect(limited.more, 'prefix a/ limit 2: more').toBe(true);
    expect(limited.count, 'prefix a/ limit 2: count of all three').toBe('3');
    const old = await kv('Range', {
      key: bytes('a/'),
      rangeEnd: prefixEnd(bytes('a/')),
      revision: 3,
    });
    expect(old.count, 'prefix a/ at revision 3: a/1 and a/2').toBe('2');
  });

  test('DeleteRange answers how many keys went, with their previous values when asked', async () => {
    await kv('Put', { key: bytes('x'), value: bytes('1') });
    const deleted = await kv('DeleteRange', { key: bytes('x'), prevKv: true });
    expect(deleted.deleted, 'delete x: deleted').toBe('1');
    expect(Buffer.from(deleted.prevKvs[0].value).toString(), 'delete x: prev value').toBe('1');
  });

  test('Txn runs its success branch when the compares hold, its failure branch otherwise', async () => {
    const txn = {
      compare: [{ key: bytes('k'), target: 'VERSION', result: 'EQUAL', version: 0 }],
      success: [{ requestPut: { key: bytes('k'), value: bytes('created') } }],
      failure: [{ requestRange: { key: bytes('k') } }],
    };
    const first = await kv('Txn', txn);
    expect(first.succeeded, 'create-if-absent on a new key: succeeded').toBe(true);
    const second = await kv('Txn', txn);
    expect(second.succeeded, 'the same txn again: failed').toBe(false);
    const value = second.responses[0].responseRange.kvs[0].value;
    expect(Buffer.from(value).toString(), 'the failure branch read k').toBe('created');
  });

  test('Compact, then a range below it fails as etcd fails it', async () => {
    for (const value of ['1', '2', '3']) await kv('Put', { key: bytes('k'), value: bytes(value) });
    await kv('Compact', { revision: 3 });
    expect(
      await failure('Range', { key: bytes('k'), revision: 2 }),
      'range at 2 after compact 3',
    ).toEqual({
      code: 11,
      details: 'etcdserver: mvcc: required revision has been compacted',
    });
    expect(
      await failure('Range', { key: bytes('k'), revision: 9 }),
      'range at a future revision',
    ).toEqual({
      code: 11,
      details: 'etcdserver: mvcc: required revision is a future revision',
    });
  });

  test("a request the store refuses fails with etcd's code and message, and changes nothing", async () => {
    expect(await failure('Put', { value: bytes('v') }), 'Put without a key').toEqual({
      code: 3,
      details: 'etcdserver: key is not provided',
    });
    expect(store.revision, 'the refused put made no revision').toBe(1);
  });
});
