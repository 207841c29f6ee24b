import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FakeClock } from '../../harness/clock.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { b64, call, LineStream, post } from '../../harness/testing/http.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { createStoreServer, type StoreServer } from './server.ts';

let clock: FakeClock;
let server: StoreServer;
let url: string;

beforeEach(async () => {
  clock = new FakeClock(1_700_000_000_000);
  // The expiry timer ticks every 5 ms here so a test waits for the condition, not for 500 ms.
  server = createStoreServer({ store: new Store({ clock }), leaseExpiryIntervalMs: 5 });
  url = await server.listen(0);
});

afterEach(async () => {
  await server.close();
});

/** A response with its header cut down to the revision. */
function revisionOnly(body: Record<string, any>): Record<string, any> {
  return { ...body, header: { revision: body.header?.revision } };
}

const grant = (ttl: number, id?: string) =>
  call(url, '/v3/lease/grant', { TTL: ttl, ...(id ? { ID: id } : {}) });

describe('Leases', () => {
  test('grant answers with the lease ID the store chose and the TTL, both as strings', async () => {
    const body = await grant(60);
    expect(Object.keys(body), 'grant TTL 60: the response fields').toEqual(['header', 'ID', 'TTL']);
    expect(body.ID, 'grant TTL 60: ID').toMatch(/^[1-9]\d*$/);
    expect(body.TTL, 'grant TTL 60: TTL').toBe('60');
    expect(body.header.revision, 'granting does not change the revision').toBe('1');
  });

  test('a client may choose the ID; asking for one in use is FailedPrecondition (HTTP 412, code 9)', async () => {
    expect((await grant(60, '1000')).ID, 'grant ID 1000').toBe('1000');
    const again = await post(url, '/v3/lease/grant', { TTL: 60, ID: '1000' });
    expect([again.status, JSON.parse(again.text)], 'grant ID 1000 a second time').toEqual([
      412,
      {
        error: 'etcdserver: lease already exists',
        message: 'etcdserver: lease already exists',
        code: 9,
      },
    ]);
  });

  test('a key put with a lease carries its ID; time-to-live lists the key when asked', async () => {
    await grant(60, '1000');
    await call(url, '/v3/kv/put', { key: b64('foo'), value: b64('bar'), lease: '1000' });
    const range = await call(url, '/v3/kv/range', { key: b64('foo') });
    expect(range.kvs[0].lease, 'range foo, put with lease 1000').toBe('1000');
    const ttl = await call(url, '/v3/lease/timetolive', { ID: '1000', keys: true });
    expect(revisionOnly(ttl), 'time-to-live of lease 1000 with keys').toEqual({
      header: { revision: '2' },
      ID: '1000',
      TTL: '60',
      grantedTTL: '60',
      keys: [b64('foo')],
    });
  });

  test('time-to-live of an unknown lease is TTL -1, not an error', async () => {
    const body = await call(url, '/v3/lease/timetolive', { ID: '999' });
    expect(revisionOnly(body), 'time-to-live of lease 999, never granted').toEqual({
      header: { revision: '1' },
      ID: '999',
      TTL: '-1',
    });
  });

  test('leases lists every lease', async () => {
    await grant(60, '1000');
    await grant(60, '2000');
    const body = await call(url, '/v3/lease/leases', {});
    const ids = body.leases.map((lease: { ID: string }) => lease.ID).sort();
    expect(ids, 'leases after granting 1000 and 2000').toEqual(['1000', '2000']);
  });

  test('the /v3/kv/lease/ paths are the same endpoints, as in etcd 3.4', async () => {
    await grant(60, '1000');
    const leases = await call(url, '/v3/kv/lease/leases', {});
    expect(leases.leases, 'POST /v3/kv/lease/leases').toEqual([{ ID: '1000' }]);
    const ttl = await call(url, '/v3/kv/lease/timetolive', { ID: '1000' });
    expect(ttl.TTL, 'POST /v3/kv/lease/timetolive').toBe('60');
    await call(url, '/v3/kv/lease/revoke', { ID: '1000' });
    expect(
      (await call(url, '/v3/lease/leases', {})).leases,
      'leases after /v3/kv/lease/revoke',
    ).toBeUndefined();
  });

  test('keep-alive answers one {"result":...} line per request and ends with the request body', async () => {
    await grant(60, '1000');
    clock.advance(20_000);
    const stream = new LineStream(url, '/v3/lease/keepalive')
      .send({ ID: '1000' })
      .send({ ID: 1000 })
      .endBody();
    const lines = await stream.rest();
    expect(
      lines.map((line) => ({ ...line.result, header: { revision: line.result.header.revision } })),
      'keep-alive lease 1000 twice, 20 s after granting it with TTL 60',
    ).toEqual([
      { header: { revision: '1' }, ID: '1000', TTL: '60' },
      { header: { revision: '1' }, ID: '1000', TTL: '60' },
    ]);
    const ttl = await call(url, '/v3/lease/timetolive', { ID: '1000' });
    expect(ttl.TTL, 'time-to-live right after the keep-alive').toBe('60');
  });

  test('keep-alive for an unknown lease answers without a TTL, not with an error', async () => {
    const stream = new LineStream(url, '/v3/lease/keepalive').send({ ID: '999' }).endBody();
    const [line] = await stream.rest();
    expect({ ...line.result, header: undefined }, 'keep-alive lease 999, never granted').toEqual({
      header: undefined,
      ID: '999',
    });
  });

  test('revoke deletes every key of the lease, in one revision', async () => {
    await grant(60, '1000');
    await call(url, '/v3/kv/put', { key: b64('a'), lease: '1000' });
    await call(url, '/v3/kv/put', { key: b64('b'), lease: '1000' });
    const watch = new LineStream(url, '/v3/watch').send({
      create_request: { key: 'AA==', range_end: 'AA==' },
    });
    await watch.next('the created message');
    const body = await call(url, '/v3/lease/revoke', { ID: '1000' });
    expect(revisionOnly(body), 'revoke lease 1000, which holds a and b').toEqual({
      header: { revision: '4' },
    });
    const events = (await watch.next('the delete events')).result.events;
    watch.close();
    expect(
      events.map((event: any) => [event.type, event.kv.mod_revision]),
      'the watch events of revoking the lease of a and b',
    ).toEqual([
      ['DELETE', '4'],
      ['DELETE', '4'],
    ]);
  });

  test('revoking an unknown lease is NotFound (HTTP 404, code 5)', async () => {
    const answer = await post(url, '/v3/lease/revoke', { ID: '999' });
    expect(
      [answer.status, JSON.parse(answer.text).code],
      'revoke lease 999, never granted',
    ).toEqual([404, 5]);
  });

  test("a lease nobody keeps alive expires, and the server's timer deletes its keys", async () => {
    const { ID } = await grant(10);
    await call(url, '/v3/kv/put', { key: b64('foo'), value: b64('bar'), lease: ID });
    clock.advance(11_000);
    await waitFor(async () => {
      const range = await call(url, '/v3/kv/range', { key: b64('foo') });
      return range.kvs === undefined;
    }, 'foo to be deleted after its 10 s lease ran out');
    const ttl = await call(url, '/v3/lease/timetolive', { ID });
    expect(ttl.TTL, 'time-to-live of the expired lease').toBe('-1');
  });

  test('malformed lease requests and stream messages are answered with an error, never a 500', async () => {
    const bodies: Array<[string, string]> = [
      ['/v3/lease/grant', '{"TTL":{"a":1}}'],
      ['/v3/lease/revoke', '{"ID":"not a number"}'],
      ['/v3/watch', '"just a string"'],
      ['/v3/lease/keepalive', '{"ID":[1]}'],
    ];
    for (const [path, body] of bodies) {
      const answer = await post(url, path, body);
      expect(answer.status, `POST ${path} ${body}: status`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `POST ${path} ${body}: status`).toBeLessThan(500);
    }
  });
});
