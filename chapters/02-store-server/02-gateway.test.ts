import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Store } from '../../solutions/01-store/store.ts';
import { b64, call, post, send } from '../../harness/testing/http.ts';
import { createStoreServer, memberHeader, routeOf, type StoreServer } from './server.ts';

let server: StoreServer;
let url: string;

beforeEach(async () => {
  server = createStoreServer({ store: new Store() });
  url = await server.listen(0);
});

afterEach(async () => {
  await server.close();
});

/** A response with its header cut down to the revision, the one field that matters here. */
function revisionOnly(body: Record<string, any>): Record<string, any> {
  return { ...body, header: { revision: body.header?.revision } };
}

const put = (key: string, value: string, extra: object = {}) =>
  call(url, '/v3/kv/put', { key: b64(key), value: b64(value), ...extra });

describe('The gateway', () => {
  test('routeOf sends each POST endpoint to its kind: unary calls, the watch stream, the keep-alive stream', () => {
    const paths = [
      '/v3/kv/put',
      '/v3/kv/txn',
      '/v3/lease/grant',
      '/v3/watch',
      '/v3/lease/keepalive',
    ];
    expect(
      paths.map((path) => routeOf('POST', path)),
      `routeOf('POST', path) for ${paths.join(', ')}`,
    ).toEqual([
      { kind: 'unary', path: '/v3/kv/put' },
      { kind: 'unary', path: '/v3/kv/txn' },
      { kind: 'unary', path: '/v3/lease/grant' },
      { kind: 'watch' },
      { kind: 'keepalive' },
    ]);
    expect(
      [routeOf('GET', '/health'), routeOf('GET', '/version')],
      "routeOf('GET', '/health') and routeOf('GET', '/version')",
    ).toEqual([{ kind: 'health' }, { kind: 'version' }]);
  });

  test('routeOf reads /v3beta/ paths as /v3/ ones, /v3/kv/lease/ paths as lease endpoints, and ignores a query string', () => {
    expect(
      [
        routeOf('POST', '/v3beta/kv/range'),
        routeOf('POST', '/v3/kv/lease/timetolive'),
        routeOf('POST', '/v3/kv/range?pretty=1'),
      ],
      "routeOf('POST', ...) for /v3beta/kv/range, /v3/kv/lease/timetolive and /v3/kv/range?pretty=1",
    ).toEqual([
      { kind: 'unary', path: '/v3/kv/range' },
      { kind: 'unary', path: '/v3/kv/lease/timetolive' },
      { kind: 'unary', path: '/v3/kv/range' },
    ]);
  });

  test('routeOf refuses the wrong method with 405, and says GET is the one allowed on /health', () => {
    expect(
      [routeOf('GET', '/v3/kv/put'), routeOf('POST', '/health')],
      "routeOf('GET', '/v3/kv/put') and routeOf('POST', '/health')",
    ).toEqual([
      { kind: 'refused', status: 405, text: 'Method Not Allowed' },
      { kind: 'refused', status: 405, text: 'Method Not Allowed', allow: 'GET' },
    ]);
  });

  test('routeOf refuses an unknown path with 404: "Not Found" under /v3/, "404 page not found" elsewhere', () => {
    expect(
      [routeOf('POST', '/v3/kv/nope'), routeOf('GET', '/v3alpha/kv/range')],
      "routeOf('POST', '/v3/kv/nope') and routeOf('GET', '/v3alpha/kv/range')",
    ).toEqual([
      { kind: 'refused', status: 404, text: 'Not Found' },
      { kind: 'refused', status: 404, text: '404 page not found' },
    ]);
  });

  test('memberHeader names the cluster and the member from the name, the same every time, with raft term 1', () => {
    const header = memberHeader('default')(7);
    expect(
      { revision: header.revision, raftTerm: header.raftTerm },
      "memberHeader('default')(7): revision and raftTerm",
    ).toEqual({ revision: 7, raftTerm: 1 });
    expect(
      [typeof header.clusterId, typeof header.memberId, header.clusterId === header.memberId],
      "memberHeader('default')(7): clusterId and memberId are 64-bit (bigint) and differ",
    ).toEqual(['bigint', 'bigint', false]);
    expect(memberHeader('default')(9), "memberHeader('default') again, at revision 9").toEqual({
      ...header,
      revision: 9,
    });
    expect(
      memberHeader('other')(7).memberId === header.memberId,
      "memberHeader('other')(7).memberId is the same as memberHeader('default')(7)'s",
    ).toBe(false);
  });

  test('GET /health answers {"health":"true"}', async () => {
    const answer = await send(url, 'GET', '/health');
    expect([answer.status, answer.text], 'GET /health').toEqual([200, '{"health":"true"}']);
  });

  test('GET /version names the etcd API version the server speaks', async () => {
    const answer = await send(url, 'GET', '/version');
    const version = JSON.parse(answer.text);
    expect(Object.keys(version), 'GET /version: the fields').toEqual(['etcdserver', 'etcdcluster']);
    expect(version.etcdcluster, 'GET /version: etcdcluster').toMatch(/^3\.4\./);
  });

  test('listen(0) picks a free port and resolves with the URL clients use; close() stops listening', async () => {
    const other = createStoreServer({ store: new Store() });
    const address = await other.listen(0);
    expect(address, 'listen(0): the URL').toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await send(address, 'GET', '/version')).status, 'GET /version at that URL').toBe(200);
    await other.close();
    await expect(
      send(address, 'GET', '/version'),
      'GET /version after close() should fail: nothing listens there any more',
    ).rejects.toThrow();
  });

  test('a put answers with the header: cluster_id, member_id, revision and raft_term, as strings', async () => {
    const answer = await post(url, '/v3/kv/put', { key: b64('foo'), value: b64('bar') });
    expect(answer.status, 'POST /v3/kv/put foo=bar: status').toBe(200);
    expect(answer.headers['content-type'], 'POST /v3/kv/put: Content-Type').toBe(
      'application/json',
    );
    const body = JSON.parse(answer.text);
    expect(Object.keys(body), 'put foo=bar: the response fields').toEqual(['header']);
    expect(Object.keys(body.header), 'put foo=bar: the header fields').toEqual([
      'cluster_id',
      'member_id',
      'revision',
      'raft_term',
    ]);
    for (const [field, value] of Object.entries(body.header)) {
      expect(
        value,
        `put foo=bar: header.${field} is a 64-bit integer, written as a string`,
      ).toMatch(/^\d+$/);
    }
    expect(body.header.revision, 'put foo=bar on a new store: header.revision').toBe('2');
  });

  test('a server listens on as many addresses as it is asked to, as etcd does for --listen-client-urls', async () => {
    const second = await server.listen(0);
    await put('foo', 'bar');
    const body = await call(second, '/v3/kv/range', { key: b64('foo') });
    expect(
      [second === url, body.kvs?.[0]?.value],
      'listen a second time, put foo=bar on the first URL, range foo on the second: [same URL?, the value]',
    ).toEqual([false, b64('bar')]);
  });

  test('a range returns keys and values in base64 and revisions as strings', async () => {
    await put('foo', 'bar');
    const body = await call(url, '/v3/kv/range', { key: b64('foo') });
    expect(revisionOnly(body), 'put foo=bar, then range foo').toEqual({
      header: { revision: '2' },
      kvs: [{ key: 'Zm9v', create_revision: '2', mod_revision: '2', version: '1', value: 'YmFy' }],
      count: '1',
    });
  });

  test('zero values are left out: a range that finds nothing has no kvs, count or more', async () => {
    const body = await call(url, '/v3/kv/range', { key: b64('nothing') });
    expect(Object.keys(body), 'range of a missing key: the response fields').toEqual(['header']);
  });

  test('input names may be camelCase: a prefix range with rangeEnd and a limit', async () => {
    for (const key of ['a/1', 'a/2', 'a/3', 'b']) await put(key, 'x');
    const body = await call(url, '/v3/kv/range', {
      key: b64('a/'),
      rangeEnd: b64('a0'),
      limit: 2,
      keysOnly: true,
    });
    expect(revisionOnly(body), 'range [a/, a0) limit 2 keys_only, over a/1 a/2 a/3 b').toEqual({
      header: { revision: '5' },
      kvs: [
        { key: b64('a/1'), create_revision: '2', mod_revision: '2', version: '1' },
        { key: b64('a/2'), create_revision: '3', mod_revision: '3', version: '1' },
      ],
      more: true,
      count: '3',
    });
  });

  test('prev_kv returns what a put replaced', async () => {
    await put('foo', 'bar');
    const body = await put('foo', 'baz', { prev_kv: true });
    expect(revisionOnly(body), 'put foo=bar, then put foo=baz with prev_kv').toEqual({
      header: { revision: '3' },
      prev_kv: {
        key: 'Zm9v',
        create_revision: '2',
        mod_revision: '2',
        version: '1',
        value: 'YmFy',
      },
    });
  });

  test('a range at an older revision sees the store as it was', async () => {
    await put('foo', 'bar');
    await put('foo', 'baz');
    const body = await call(url, '/v3/kv/range', { key: b64('foo'), revision: '2' });
    expect(body.kvs, 'put foo=bar (rev 2), foo=baz (rev 3), range foo at revision 2').toEqual([
      { key: 'Zm9v', create_revision: '2', mod_revision: '2', version: '1', value: 'YmFy' },
    ]);
  });

  test('deleterange says how many keys it deleted, and returns them when asked', async () => {
    await put('a/1', 'x');
    await put('a/2', 'y');
    const body = await call(url, '/v3/kv/deleterange', {
      key: b64('a/'),
      range_end: b64('a0'),
      prev_kv: true,
    });
    expect(revisionOnly(body), 'put a/1, a/2, then delete [a/, a0) with prev_kv').toEqual({
      header: { revision: '4' },
      deleted: '2',
      prev_kvs: [
        { key: b64('a/1'), create_revision: '2', mod_revision: '2', version: '1', value: b64('x') },
        { key: b64('a/2'), create_revision: '3', mod_revision: '3', version: '1', value: b64('y') },
      ],
    });
  });

  test('deleting nothing leaves the revision as it was', async () => {
    await put('foo', 'bar');
    const body = await call(url, '/v3/kv/deleterange', { key: b64('nothing') });
    expect(revisionOnly(body), 'put foo (rev 2), then delete a missing key').toEqual({
      header: { revision: '2' },
    });
  });

  test('a txn runs its success branch when every compare holds', async () => {
    const txn = {
      compare: [{ target: 'CREATE', key: b64('foo'), create_revision: '0' }],
      success: [{ request_put: { key: b64('foo'), value: b64('bar') } }],
      failure: [{ request_range: { key: b64('foo') } }],
    };
    const body = await call(url, '/v3/kv/txn', txn);
    expect(
      revisionOnly(body),
      'txn "if foo does not exist, put foo=bar" on an empty store',
    ).toEqual({
      header: { revision: '2' },
      succeeded: true,
      responses: [{ response_put: { header: { revision: '2' } } }],
    });
  });

  test('otherwise it runs its failure branch, and leaves out succeeded (false)', async () => {
    await put('foo', 'bar');
    const txn = {
      compare: [{ target: 'CREATE', key: b64('foo'), createRevision: 0 }],
      success: [{ requestPut: { key: b64('foo'), value: b64('new') } }],
      failure: [{ requestRange: { key: b64('foo') } }],
    };
    const body = await call(url, '/v3/kv/txn', txn);
    expect(revisionOnly(body), 'put foo=bar, then txn "if foo does not exist..."').toEqual({
      header: { revision: '2' },
      responses: [
        {
          response_range: {
            header: { revision: '2' },
            kvs: [
              { key: 'Zm9v', create_revision: '2', mod_revision: '2', version: '1', value: 'YmFy' },
            ],
            count: '1',
          },
        },
      ],
    });
  });

  test('every write of one txn shares one revision', async () => {
    const txn = {
      success: [
        { request_put: { key: b64('a'), value: b64('1') } },
        { request_put: { key: b64('b'), value: b64('2') } },
      ],
    };
    const body = await call(url, '/v3/kv/txn', txn);
    const range = await call(url, '/v3/kv/range', { key: b64('a'), range_end: b64('c') });
    expect(body.header.revision, 'txn putting a and b on a new store: header.revision').toBe('2');
    expect(
      range.kvs.map((kv: any) => kv.mod_revision),
      'mod_revision of a and b after the txn',
    ).toEqual(['2', '2']);
  });

  test('compaction answers with the header; revisions before it can no longer be read', async () => {
    await put('foo', '1');
    await put('foo', '2');
    await put('foo', '3');
    const body = await call(url, '/v3/kv/compaction', { revision: '3' });
    expect(revisionOnly(body), 'puts at revisions 2, 3, 4, then compact at 3').toEqual({
      header: { revision: '4' },
    });
    const old = await post(url, '/v3/kv/range', { key: b64('foo'), revision: '2' });
    expect(
      [old.status, JSON.parse(old.text)],
      'range foo at revision 2, after compacting at 3',
    ).toEqual([
      400,
      {
        error: 'etcdserver: mvcc: required revision has been compacted',
        message: 'etcdserver: mvcc: required revision has been compacted',
        code: 11,
      },
    ]);
    const kept = await call(url, '/v3/kv/range', { key: b64('foo'), revision: '3' });
    expect(kept.kvs[0].value, 'range foo at revision 3, the compact revision itself').toBe(
      b64('2'),
    );
  });

  test('/v3beta/ paths answer as /v3/ ones do, as in etcd 3.4', async () => {
    await put('foo', 'bar');
    const body = await call(url, '/v3beta/kv/range', { key: b64('foo') });
    expect(body.kvs?.[0]?.value, 'put foo=bar, then POST /v3beta/kv/range foo').toBe('YmFy');
  });
});
