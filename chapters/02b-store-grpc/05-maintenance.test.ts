import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Store } from '../../solutions/01-store/store.ts';
import { bytes } from '../../harness/store/bytes.ts';
import { callUnary, etcdGrpcClients, type EtcdGrpcClients } from '../../harness/store/grpc.ts';
import { memberIds } from '../../harness/store/member.ts';
import { createGrpcStoreServer, type GrpcStoreServer } from './server.ts';
import { hashAt } from './services.ts';
import { readSnapshotFile, writeSnapshotFile } from './snapshot-file.ts';

let store: Store;
let server: GrpcStoreServer;
let clients: EtcdGrpcClients;
const logged: string[] = [];

beforeEach(async () => {
  store = new Store();
  server = createGrpcStoreServer({
    store,
    name: 'kata',
    clientUrls: ['http://127.0.0.1:2379'],
    peerUrls: ['http://127.0.0.1:2380'],
    log: (line) => logged.push(line),
  });
  clients = etcdGrpcClients(await server.listen(0));
});

afterEach(async () => {
  clients.close();
  await server.close();
});

const maintenance = (method: string, request: Record<string, unknown> = {}) =>
  callUnary(clients.maintenance, method, request);

/** Every piece of the Snapshot stream, joined. */
function snapshotBytes(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    const call = clients.maintenance.Snapshot({});
    call.on('data', (piece: any) => pieces.push(piece.blob));
    call.on('end', () => resolve(Buffer.concat(pieces)));
    call.on('error', reject);
  });
}

describe('Cluster and Maintenance', () => {
  test('MemberList lists this one member: its ID, name and URLs', async () => {
    const { members } = await callUnary(clients.cluster, 'MemberList', {});
    expect(members, 'MemberList of a store named kata').toEqual([
      {
        ID: String(memberIds('kata').memberId),
        name: 'kata',
        peerURLs: ['http://127.0.0.1:2380'],
        clientURLs: ['http://127.0.0.1:2379'],
      },
    ]);
  });

  test('Status says the version, that this member leads, and the revision as raft index', async () => {
    store.put({ key: bytes('k') });
    const status = await maintenance('Status');
    expect(status.version, 'Status: version').toBe('3.4.0');
    expect(status.leader, 'Status: the leader is this member').toBe(status.header.memberId);
    expect(status.raftIndex, 'Status: raft index').toBe('2');
    expect(Number(status.dbSize), 'Status: a db size').toBeGreaterThan(0);
  });

  test('HashKV hashes the keys at a revision: the same store, the same hash', async () => {
    store.put({ key: bytes('k'), value: bytes('v') });
    const hash = hashAt(store, 2);
    store.put({ key: bytes('k'), value: bytes('w') });
    expect(hashAt(store, 2), 'hashAt revision 2, asked twice').toBe(hash);
    expect(hashAt(store, 3), 'hashAt revision 3: another value').not.toBe(hash);
    expect((await maintenance('HashKV', { revision: 2 })).hash, 'HashKV at 2').toBe(hash);
  });

  test('Defragment has nothing to do, and says so in the log', async () => {
    const answer = await maintenance('Defragment');
    expect(answer.header.revision, 'Defragment answers a header').toBe('1');
    expect(logged.join('\n'), 'what the server logged for Defragment').toMatch(/defragment/);
  });

  test('Alarm lists, raises and clears alarms', async () => {
    expect((await maintenance('Alarm', { action: 'GET' })).alarms, 'no alarms').toBeUndefined();
    await maintenance('Alarm', { action: 'ACTIVATE', alarm: 'NOSPACE' });
    const raised = await maintenance('Alarm', { action: 'GET' });
    expect(raised.alarms[0].alarm, 'after ACTIVATE NOSPACE').toBe('NOSPACE');
    await maintenance('Alarm', { action: 'DEACTIVATE', alarm: 'NOSPACE' });
    expect((await maintenance('Alarm', { action: 'GET' })).alarms, 'cleared').toBeUndefined();
  });

  test('a snapshot file holds the store, and reads back to the same snapshot', () => {
    store.put({ key: bytes('a'), value: bytes('1') });
    store.leaseGrant({ ttl: 60, id: 7587868837034186266n });
    store.put({ key: bytes('a'), value: bytes('2'), lease: 7587868837034186266n });
    store.compact({ revision: 2 });
    const file = writeSnapshotFile(store.snapshot());
    expect(file.length % 512, 'pages of 512 bytes, then a 32-byte SHA-256').toBe(32);
    expect(readSnapshotFile(file), 'readSnapshotFile(writeSnapshotFile(snapshot))').toEqual(
      store.snapshot(),
    );
  });

  test('a damaged snapshot file is refused', () => {
    const file = writeSnapshotFile(store.snapshot());
    file[5] ^= 1;
    expect(() => readSnapshotFile(file), 'a flipped bit throws "damaged"').toThrow(/damaged/);
  });

  test('the Snapshot stream sends the snapshot file in pieces', async () => {
    store.put({ key: bytes('k'), value: Buffer.alloc(100_000, 1) });
    const file = await snapshotBytes();
    const restored = new Store({ snapshot: readSnapshotFile(file) });
    expect(restored.range({ key: bytes('k') }).kvs[0]!.value.length, 'k restored').toBe(100_000);
  });
});
