import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { Store } from '../../solutions/01-store/store.ts';
import { bytes } from '../../harness/store/bytes.ts';
import { errors, GrpcCode, StoreError } from '../../harness/store/errors.ts';
import { b64, call, post, send } from '../../harness/testing/http.ts';
import { createStoreServer, errorAnswer, requestBytes, type StoreServer } from './server.ts';

let server: StoreServer;
let url: string;

beforeEach(async () => {
  server = createStoreServer({ store: new Store() });
  url = await server.listen(0);
});

afterEach(async () => {
  await server.close();
});

/** etcd's error body for a message and gRPC code, byte for byte. */
const etcdError = (message: string, code: number) =>
  JSON.stringify({ error: message, message, code });

/** The store's whole content and revision, to show a refused request changed nothing. */
async function everything() {
  return call(url, '/v3/kv/range', { key: 'AA==', range_end: 'AA==' });
}

async function expectRefused(
  path: string,
  body: unknown,
  status: number,
  code: number,
  what: string,
) {
  const before = await everything();
  const answer = await post(url, path, body);
  expect(answer.status, `${what}: HTTP status`).toBe(status);
  expect(answer.headers['content-type'], `${what}: Content-Type`).toBe('application/json');
  const error = JSON.parse(answer.text);
  expect(Object.keys(error), `${what}: the error body's fields`).toEqual([
    'error',
    'message',
    'code',
  ]);
  expect(error.code, `${what}: the gRPC code`).toBe(code);
  expect(await everything(), `${what}: the store afterwards`).toEqual(before);
  return error as { error: string; message: string; code: number };
}

describe('Errors', () => {
  test("errorAnswer keeps a StoreError's gRPC code and message, with the HTTP status etcd's gateway maps the code to", () => {
    const cases = [
      errors.keyNotProvided(),
      errors.leaseNotFound(),
      errors.leaseExists(),
      errors.compacted(),
      new StoreError(GrpcCode.Unavailable, 'kata store: the disk failed'),
    ];
    expect(
      cases.map((error) => errorAnswer(error)),
      'errorAnswer of key not provided (3), lease not found (5), lease exists (9), compacted (11), unavailable (14)',
    ).toEqual([
      { status: 400, code: 3, message: 'etcdserver: key is not provided' },
      { status: 404, code: 5, message: 'etcdserver: requested lease not found' },
      { status: 412, code: 9, message: 'etcdserver: lease already exists' },
      { status: 400, code: 11, message: 'etcdserver: mvcc: required revision has been compacted' },
      { status: 503, code: 14, message: 'kata store: the disk failed' },
    ]);
  });

  test("anything else thrown is a bug, not the client's mistake: Internal, code 13, HTTP 500", () => {
    expect(
      errorAnswer(new TypeError('x is undefined')),
      "errorAnswer(new TypeError('x is undefined'))",
    ).toEqual({ status: 500, code: 13, message: 'internal error: x is undefined' });
  });

  test('requestBytes counts the bytes of every key, value and range end, however deep', () => {
    const txn = {
      compare: [{ key: bytes('abc'), value: bytes('12345') }],
      success: [{ requestPut: { key: bytes('k'), value: new Uint8Array(10), lease: 7n } }],
      failure: [{ requestTxn: { success: [{ requestRange: { key: bytes('xy'), limit: 99 } }] } }],
    };
    expect(
      requestBytes(txn),
      'requestBytes of a txn holding keys and values of 3, 5, 1, 10 and 2 bytes (and numbers)',
    ).toBe(21);
  });

  test("an empty key is refused with etcd's error body and HTTP 400", async () => {
    const answer = await post(url, '/v3/kv/put', { key: '', value: b64('bar') });
    expect([answer.status, answer.text], 'put with an empty key').toEqual([
      400,
      etcdError('etcdserver: key is not provided', 3),
    ]);
  });

  test('a body that is not JSON is InvalidArgument (HTTP 400, code 3) and changes nothing', async () => {
    await call(url, '/v3/kv/put', { key: b64('foo'), value: b64('bar') });
    const error = await expectRefused(
      '/v3/kv/put',
      '{"key": "Zm9v", "value": ',
      400,
      3,
      'put with a cut-off body',
    );
    expect(error.error, 'the error text repeats the message').toBe(error.message);
  });

  test('a field of the wrong type is InvalidArgument, and the message names the field', async () => {
    const cases: Array<[object, string]> = [
      [{ key: 123 }, 'key'],
      [{ key: '!!!' }, 'key'],
      [{ key: b64('foo'), prev_kv: 'yes' }, 'prev_kv'],
      [{ key: b64('foo'), lease: 1.5 }, 'lease'],
      [[b64('foo')], 'PutRequest'],
    ];
    for (const [body, field] of cases) {
      const error = await expectRefused('/v3/kv/put', body, 400, 3, `put ${JSON.stringify(body)}`);
      expect(error.message, `put ${JSON.stringify(body)}: the message`).toContain(field);
    }
  });

  test('a lease that does not exist is NotFound: HTTP 404, code 5', async () => {
    const error = await expectRefused(
      '/v3/kv/put',
      { key: b64('foo'), lease: '12345' },
      404,
      5,
      'put with lease 12345',
    );
    expect(error.message, 'put with a missing lease').toBe('etcdserver: requested lease not found');
  });

  test('a future revision is OutOfRange: HTTP 400, code 11', async () => {
    const error = await expectRefused(
      '/v3/kv/range',
      { key: b64('foo'), revision: 99 },
      400,
      11,
      'range at revision 99',
    );
    expect(error.message, 'range at a future revision').toBe(
      'etcdserver: mvcc: required revision is a future revision',
    );
  });

  test('GET on a POST endpoint is 405 Method Not Allowed, in plain text', async () => {
    const answer = await send(url, 'GET', '/v3/kv/put');
    expect([answer.status, answer.text], 'GET /v3/kv/put').toEqual([405, 'Method Not Allowed\n']);
    expect(answer.headers['content-type'], 'GET /v3/kv/put: Content-Type').toBe(
      'text/plain; charset=utf-8',
    );
  });

  test('POST on GET /health is 405 too, and says which method is allowed', async () => {
    const answer = await send(url, 'POST', '/health', '');
    expect([answer.status, answer.headers.allow], 'POST /health').toEqual([405, 'GET']);
  });

  test('an unknown path is 404 in plain text: "Not Found" under /v3/, "404 page not found" elsewhere', async () => {
    const inside = await post(url, '/v3/kv/nope', {});
    expect([inside.status, inside.text], 'POST /v3/kv/nope').toEqual([404, 'Not Found\n']);
    const outside = await send(url, 'GET', '/v3alpha/kv/range');
    expect([outside.status, outside.text], 'GET /v3alpha/kv/range').toEqual([
      404,
      '404 page not found\n',
    ]);
  });

  test('a request over 1.5 MiB is refused with "request is too large" and changes nothing', async () => {
    const value = Buffer.alloc(1.5 * 1024 * 1024 + 1, 'x').toString('base64');
    const error = await expectRefused(
      '/v3/kv/put',
      { key: b64('big'), value },
      400,
      3,
      'put a 1.5 MiB + 1 byte value',
    );
    expect(error.message, 'put a value over the limit').toBe('etcdserver: request is too large');
    const fits = Buffer.alloc(1024 * 1024, 'x').toString('base64');
    const body = await call(url, '/v3/kv/put', { key: b64('big'), value: fits });
    expect(body.header.revision, 'put a 1 MiB value').toBe('2');
  });

  test('a body far over the limit is refused before it is all read', async () => {
    const answer = await post(url, '/v3/kv/put', Buffer.alloc(16 * 1024 * 1024, ' '));
    expect([answer.status, JSON.parse(answer.text).message], 'POST 16 MiB of spaces').toEqual([
      400,
      'etcdserver: request is too large',
    ]);
  });

  test('a txn with more than 128 operations in a branch is refused', async () => {
    const success = Array.from({ length: 129 }, (_, i) => ({ request_put: { key: b64(`k${i}`) } }));
    const error = await expectRefused('/v3/kv/txn', { success }, 400, 3, 'txn with 129 puts');
    expect(error.message, 'txn with 129 puts').toBe(
      'etcdserver: too many operations in txn request',
    );
  });

  test('a txn may not put the same key twice', async () => {
    const success = [{ request_put: { key: b64('a') } }, { request_put: { key: b64('a') } }];
    const error = await expectRefused('/v3/kv/txn', { success }, 400, 3, 'txn putting a twice');
    expect(error.message, 'txn putting a twice').toBe(
      'etcdserver: duplicate key given in txn request',
    );
  });

  test('a txn operation with no request in it is refused, as etcd does ("key not found")', async () => {
    const error = await expectRefused(
      '/v3/kv/txn',
      { success: [{}] },
      400,
      3,
      'txn with an empty operation',
    );
    expect(error.message, 'txn with an empty operation').toBe('etcdserver: key not found');
  });

  test('a txn refused part-way through changes nothing', async () => {
    const success = [
      { request_put: { key: b64('a'), value: b64('1') } },
      { request_put: { key: '' } },
    ];
    const error = await expectRefused(
      '/v3/kv/txn',
      { success },
      400,
      3,
      'txn putting a=1, then an empty key',
    );
    expect(error.message, 'txn putting a=1, then an empty key').toBe(
      'etcdserver: key is not provided',
    );
  });

  test('hostile input is answered with an error, never a crash and never a 500', async () => {
    const nested = `${'{"success":[{"request_txn":'.repeat(5000)}{}${'}]}'.repeat(5000)}`;
    const bodies: Array<[string, string | Buffer]> = [
      ['/v3/kv/put', Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22])],
      ['/v3/kv/put', '['.repeat(100_000)],
      ['/v3/kv/range', '{"key":"Zm9v","limit":1e400}'],
      ['/v3/kv/range', '{"key":"Zm9v","revision":"99999999999999999999999"}'],
      ['/v3/kv/txn', nested],
      ['/v3/kv/txn', '{"compare":[{"key":"Zm9v","target":"NOPE"}]}'],
    ];
    for (const [path, body] of bodies) {
      const answer = await post(url, path, body);
      const shown = String(body).slice(0, 40);
      expect(answer.status, `POST ${path} ${shown}: status`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `POST ${path} ${shown}: status`).toBeLessThan(500);
    }
    const body = await call(url, '/v3/kv/put', { key: b64('foo'), value: b64('bar') });
    expect(body.header.revision, 'a put after all that').toBe('2');
  });
});
