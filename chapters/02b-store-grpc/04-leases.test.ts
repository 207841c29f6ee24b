import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FakeClock } from '../../harness/clock.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { bytes, text } from '../../harness/store/bytes.ts';
import { callUnary, etcdGrpcClients, type EtcdGrpcClients } from '../../harness/store/grpc.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { createGrpcStoreServer, type GrpcStoreServer } from './server.ts';

let clock: FakeClock;
let store: Store;
let server: GrpcStoreServer;
let clients: EtcdGrpcClients;

beforeEach(async () => {
  clock = new FakeClock(1_700_000_000_000);
  store = new Store({ clock });
  server = createGrpcStoreServer({ store });
  clients = etcdGrpcClients(await server.listen(0));
});

afterEach(async () => {
  clients.close();
  await server.close();
});

const lease = (method: string, request: Record<string, unknown>) =>
  callUnary(clients.lease, method, request);

describe('The Lease service', () => {
  test('LeaseGrant answers the ID the store chose, all 64 bits, and the TTL', async () => {
    const granted = await lease('LeaseGrant', { TTL: 60 });
    expect(granted.ID, 'grant TTL 60: an ID').toMatch(/^[1-9]\d*$/);
    expect(store.leases().leases, 'the store has that lease').toEqual([BigInt(granted.ID)]);
    expect(granted.TTL, 'grant TTL 60: TTL').toBe('60');
  });

  test('LeaseTimeToLive lists the attached keys; LeaseLeases lists the leases', async () => {
    const { ID } = await lease('LeaseGrant', { TTL: 60, ID: 42 });
    store.put({ key: bytes('k'), lease: 42n });
    const ttl = await lease('LeaseTimeToLive', { ID, keys: true });
    expect(ttl.grantedTTL, 'time to live of lease 42: grantedTTL').toBe('60');
    expect(ttl.keys.map(text), 'time to live of lease 42: its keys').toEqual(['k']);
    const all = await lease('LeaseLeases', {});
    expect(all.leases, 'LeaseLeases').toEqual([{ ID: '42' }]);
  });

  test('LeaseRevoke deletes the lease and its keys; a lease not found fails as in etcd', async () => {
    await lease('LeaseGrant', { TTL: 60, ID: 42 });
    store.put({ key: bytes('k'), lease: 42n });
    await lease('LeaseRevoke', { ID: 42 });
    expect(store.range({ key: bytes('k') }).count, 'k went with its lease').toBe(0);
    const refused = await lease('LeaseRevoke', { ID: 42 }).catch((error) => error);
    expect({ code: refused.code, details: refused.details }, 'revoke 42 again').toEqual({
      code: 5,
      details: 'etcdserver: requested lease not found',
    });
  });

  test('LeaseKeepAlive answers each request on the stream with the renewed TTL', async () => {
    await lease('LeaseGrant', { TTL: 60, ID: 42 });
    clock.advance(30_000);
    const answers: any[] = [];
    const stream = clients.lease.LeaseKeepAlive();
    stream.on('data', (answer: any) => answers.push(answer));
    stream.on('error', () => undefined); // the stream ends when the test's server closes
    stream.write({ ID: 42 });
    stream.write({ ID: 7 });
    await waitFor(() => answers.length === 2, 'two keep-alive answers');
    stream.end();
    expect(answers[0].TTL, 'keep-alive of lease 42: the full TTL again').toBe('60');
    expect(
      Number(answers[1].TTL ?? 0),
      'keep-alive of a lease that does not exist: TTL 0, not an error',
    ).toBe(0);
    expect(store.leaseTimeToLive(42n).ttl, 'lease 42 renewed in the store').toBe(60);
  });
});
