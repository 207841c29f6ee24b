// The same requests, sent to the kata store and to a real etcd 3.4, must get the same answers,
// field by field. Only what differs by nature is set aside: cluster_id, member_id and raft_term,
// and the wording of JSON decoding errors (Go's decoder and ours phrase them differently; the
// status and code must still match). Runs when `etcd` is on PATH; CI installs it.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { b64, LineStream, send, type Answer } from '../../harness/testing/http.ts';
import { etcdVersion, startEtcd, type RunningEtcd } from '../../harness/testing/etcd.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { bytes, prefixEnd, text } from '../../harness/store/bytes.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createStoreClient } from './client.ts';
import { createStoreServer, type StoreServer } from './server.ts';

const version = etcdVersion();

interface Step {
  path: string;
  body?: unknown;
  method?: string;
}

/** An answer with what may differ by nature set aside. */
interface Seen {
  status: number;
  contentType: string | undefined;
  body: unknown;
}

function normalizeJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeJson);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    if (name === 'header' && typeof item === 'object' && item !== null) {
      const {
        cluster_id: _cluster,
        member_id: _member,
        raft_term: _term,
        ...rest
      } = item as Record<string, unknown>;
      copy[name] = rest;
    } else {
      copy[name] = normalizeJson(item);
    }
  }
  // Errors from decoding JSON are worded by each side's decoder; etcd's own errors must match.
  if (
    copy.code === 3 &&
    typeof copy.message === 'string' &&
    !copy.message.startsWith('etcdserver:')
  ) {
    copy.message = copy.error = '(a JSON decoding error)';
  }
  return copy;
}

function seen(answer: Answer): Seen {
  let body: unknown = answer.text;
  try {
    body = normalizeJson(JSON.parse(answer.text));
  } catch {
    // plain text: compared as it is
  }
  return { status: answer.status, contentType: answer.headers['content-type'], body };
}

/** Each test runs only when etcd is on PATH; without one, a single skipped test says why. */
const it = test.skipIf(!version);
const noEtcd = 'skipped: no etcd on PATH (install etcd 3.4, e.g. Debian etcd-server, to run these)';

describe('Conformance with etcd', () => {
  if (!version) test.skip(noEtcd, () => {});

  let etcd: RunningEtcd;
  let kata: StoreServer | undefined;
  let kataUrl: string;
  let kataProblem: unknown;
  const streams: LineStream[] = [];

  beforeAll(async () => {
    if (!version) return;
    etcd = await startEtcd();
    // A server that cannot start fails every test below (with its own error), not the hook.
    try {
      kata = createStoreServer({ store: new Store() });
      kataUrl = await kata.listen(0);
    } catch (error) {
      kataProblem = error;
    }
  }, 30_000);

  beforeEach(() => {
    if (kataProblem) throw kataProblem;
  });

  afterAll(async () => {
    for (const stream of streams) stream.close();
    await kata?.close();
    await etcd?.stop();
  });

  /** Sends each step to etcd and to the kata store, in order, and compares every answer. */
  async function same(steps: Step[]): Promise<void> {
    for (const step of steps) {
      const method = step.method ?? 'POST';
      const body = step.body === undefined ? '' : step.body;
      const fromEtcd = seen(await send(etcd.url, method, step.path, body));
      const fromKata = seen(await send(kataUrl, method, step.path, body));
      const shown = typeof body === 'string' ? body : JSON.stringify(body);
      expect(
        fromKata,
        `${method} ${step.path} ${shown.slice(0, 200)}: the kata store vs etcd`,
      ).toEqual(fromEtcd);
    }
  }

  /**
   * Opens a watch stream on both and sends `messages`; reads `before` lines from each, runs
   * `then`, reads `after` more, and compares them.
   */
  async function sameWatch(
    messages: unknown[],
    before: number,
    after = 0,
    then: () => Promise<void> = async () => {},
  ) {
    const open = (url: string) => {
      const stream = new LineStream(url, '/v3/watch');
      streams.push(stream);
      for (const message of messages) stream.send(message);
      return stream;
    };
    const fromEtcd = open(etcd.url);
    const fromKata = open(kataUrl);
    const read = async (stream: LineStream, n: number, side: string) => {
      const lines = [];
      for (let i = 0; i < n; i++)
        lines.push(normalizeJson(await stream.next(`${side}: watch line ${lines.length + 1}`)));
      return lines;
    };
    // Both sides must have set up their watches (and sent any history) before anything is written.
    const early = [
      await read(fromEtcd, before, 'etcd'),
      await read(fromKata, before, 'kata store'),
    ];
    await then();
    const late = [await read(fromEtcd, after, 'etcd'), await read(fromKata, after, 'kata store')];
    fromEtcd.close();
    fromKata.close();
    // Watchers of one stream may take turns differently; compare each watch's own messages.
    const byWatch = (lines: any[]) => {
      const groups: Record<string, unknown[]> = {};
      for (const line of lines) (groups[line.result?.watch_id ?? '0'] ??= []).push(line);
      return groups;
    };
    expect(
      byWatch([...early[1]!, ...late[1]!]),
      `watch ${JSON.stringify(messages)}: the kata store's messages vs etcd's`,
    ).toEqual(byWatch([...early[0]!, ...late[0]!]));
  }

  const put = (key: string, value: string, extra: object = {}): Step => ({
    path: '/v3/kv/put',
    body: { key: b64(key), value: b64(value), ...extra },
  });

  it('health and version', async () => {
    await same([{ method: 'GET', path: '/health' }]);
    const [fromEtcd, fromKata] = await Promise.all([
      send(etcd.url, 'GET', '/version'),
      send(kataUrl, 'GET', '/version'),
    ]);
    expect(Object.keys(JSON.parse(fromKata.text)), 'GET /version: the fields').toEqual(
      Object.keys(JSON.parse(fromEtcd.text)),
    );
  });

  it('put and range: encoding, prefixes, limits, revisions', async () => {
    await same([
      put('c/foo', 'bar'),
      put('c/foo', 'baz', { prev_kv: true }),
      put('c/zap', ''),
      { path: '/v3/kv/range', body: { key: b64('c/foo') } },
      { path: '/v3/kv/range', body: { key: b64('c/'), range_end: b64('c0'), limit: 1 } },
      { path: '/v3/kv/range', body: { key: b64('c/'), rangeEnd: b64('c0'), countOnly: true } },
      { path: '/v3/kv/range', body: { key: b64('c/'), range_end: b64('c0'), keys_only: true } },
      { path: '/v3/kv/range', body: { key: b64('c/'), range_end: 'AA==' } },
      { path: '/v3/kv/range', body: { key: b64('c/foo'), revision: 2 } },
      { path: '/v3/kv/range', body: { key: b64('c/none') } },
      { path: '/v3beta/kv/range', body: { key: b64('c/foo') } },
    ]);
  });

  it('deleterange', async () => {
    await same([
      put('d/1', 'x'),
      put('d/2', 'y'),
      {
        path: '/v3/kv/deleterange',
        body: { key: b64('d/'), range_end: b64('d0'), prev_kv: true },
      },
      { path: '/v3/kv/deleterange', body: { key: b64('d/1') } },
      { path: '/v3/kv/range', body: { key: b64('d/'), range_end: b64('d0') } },
      put('d/1', 'again'),
      { path: '/v3/kv/range', body: { key: b64('d/1') } },
    ]);
  });

  it('txn: compares, both branches, nested txns, the headers of each response', async () => {
    await same([
      {
        path: '/v3/kv/txn',
        body: {
          compare: [{ target: 'CREATE', key: b64('t/a'), createRevision: '0' }],
          success: [
            { requestRange: { key: b64('t/a') } },
            { requestPut: { key: b64('t/a'), value: b64('1') } },
            { requestRange: { key: b64('t/a') } },
            { requestPut: { key: b64('t/b'), value: b64('1'), prevKv: true } },
            { requestDeleteRange: { key: b64('t/none') } },
          ],
          failure: [{ requestRange: { key: b64('t/a') } }],
        },
      },
      {
        path: '/v3/kv/txn',
        body: {
          compare: [{ target: 'CREATE', key: b64('t/a'), create_revision: 0 }],
          failure: [{ request_range: { key: b64('t/a'), count_only: true } }],
        },
      },
      {
        path: '/v3/kv/txn',
        body: {
          compare: [{ key: b64('t/a'), target: 'VALUE', value: b64('1') }],
          success: [
            {
              requestTxn: {
                compare: [{ key: b64('t/a'), result: 'GREATER', version: '5' }],
                failure: [{ requestRange: { key: b64('t/b') } }],
              },
            },
          ],
        },
      },
      { path: '/v3/kv/txn', body: { success: [{ requestTxn: {} }] } },
      { path: '/v3/kv/txn', body: {} },
      {
        path: '/v3/kv/txn',
        body: { compare: [{ key: b64('t/none'), target: 'VALUE', value: '' }] },
      },
      {
        path: '/v3/kv/txn',
        body: { compare: [{ key: b64('t/a'), target: 'MOD', result: 'LESS', mod_revision: 1 }] },
      },
    ]);
  });

  it('compaction', async () => {
    await same([
      put('k/a', '1'),
      put('k/a', '2'),
      put('k/a', '3'),
      { path: '/v3/kv/range', body: { key: b64('k/a') } },
    ]);
    const current = JSON.parse(
      (await send(kataUrl, 'POST', '/v3/kv/range', { key: b64('k/a') })).text,
    );
    const revision = Number(current.header.revision);
    await same([
      { path: '/v3/kv/compaction', body: { revision: revision - 1 } },
      { path: '/v3/kv/compaction', body: { revision: revision - 1 } },
      { path: '/v3/kv/compaction', body: { revision: revision + 10 } },
      { path: '/v3/kv/range', body: { key: b64('k/a'), revision: revision - 2 } },
      { path: '/v3/kv/range', body: { key: b64('k/a'), revision: revision - 1 } },
      { path: '/v3/kv/compaction', body: { revision } },
    ]);
  });

  it('errors: messages, codes, HTTP statuses', async () => {
    const big = Buffer.alloc(1.5 * 1024 * 1024 + 100, 'x').toString('base64');
    const fits = Buffer.alloc(1.5 * 1024 * 1024 - 100, 'x').toString('base64');
    await same([
      { path: '/v3/kv/put', body: { key: '' } },
      { path: '/v3/kv/put', body: '' },
      { path: '/v3/kv/put', body: 'null' },
      { path: '/v3/kv/range', body: {} },
      { path: '/v3/kv/put', body: { key: b64('e/a'), value: b64('x'), ignore_value: true } },
      { path: '/v3/kv/put', body: { key: b64('e/a'), lease: '5', ignore_lease: true } },
      { path: '/v3/kv/put', body: { key: b64('e/none'), ignore_value: true } },
      { path: '/v3/kv/put', body: { key: b64('e/a'), lease: '12345' } },
      { path: '/v3/kv/range', body: { key: b64('e/a'), revision: '100000' } },
      { path: '/v3/kv/put', body: 'not json' },
      { path: '/v3/kv/put', body: { key: 123 } },
      { path: '/v3/kv/put', body: { key: '!!!' } },
      { path: '/v3/kv/put', body: { key: 'Zm9vYQ' } },
      { path: '/v3/kv/range', body: { key: b64('e/a'), keys_only: 'true' } },
      { path: '/v3/kv/range', body: { key: b64('e/a'), revision: 1.5 } },
      { path: '/v3/kv/range', body: { key: b64('e/a'), sort_order: 'BOGUS' } },
      { path: '/v3/kv/put', body: [] },
      {
        path: '/v3/kv/txn',
        body: {
          success: [{ requestPut: { key: b64('e/a') } }, { requestPut: { key: b64('e/a') } }],
        },
      },
      { path: '/v3/kv/txn', body: { success: [{ requestPut: { key: '' } }] } },
      { path: '/v3/kv/txn', body: { success: [{}] } },
      {
        path: '/v3/kv/txn',
        body: {
          success: Array.from({ length: 129 }, (_, i) => ({
            requestPut: { key: b64(`e/${i}`) },
          })),
        },
      },
      { path: '/v3/kv/put', body: { key: b64('e/big'), value: big } },
      { path: '/v3/kv/put', body: { key: b64('e/big'), value: fits } },
      { method: 'GET', path: '/v3/kv/put' },
      { method: 'PUT', path: '/v3/kv/range', body: '{}' },
      { path: '/v3/kv/nope', body: {} },
      { method: 'GET', path: '/v3/nope' },
      { path: '/v3alpha/kv/range', body: {} },
      { method: 'GET', path: '/nope' },
      { method: 'GET', path: '/v3/watch' },
    ]);
  });

  it('leases: grant, time-to-live, leases, revoke', async () => {
    await same([
      { path: '/v3/lease/grant', body: { TTL: 60, ID: '7001' } },
      { path: '/v3/lease/grant', body: { TTL: '60', ID: 7001 } },
      { path: '/v3/lease/grant', body: { TTL: 1, ID: '7002' } },
      { path: '/v3/lease/grant', body: { TTL: '9000000001' } },
      put('l/a', 'x', { lease: '7001' }),
      put('l/b', 'y', { lease: '7001' }),
      { path: '/v3/kv/range', body: { key: b64('l/'), range_end: b64('l0') } },
      { path: '/v3/lease/timetolive', body: { ID: '7009' } },
      { path: '/v3/kv/lease/revoke', body: { ID: '7002' } },
      { path: '/v3/lease/revoke', body: { ID: '7001' } },
      { path: '/v3/lease/revoke', body: { ID: '7001' } },
      { path: '/v3/kv/range', body: { key: b64('l/'), range_end: b64('l0') } },
      { path: '/v3/lease/leases', body: {} },
    ]);
    // Seconds left depend on when each side was asked; the shape and the granted TTL must match.
    await same([
      { path: '/v3/lease/grant', body: { TTL: 60, ID: '7003' } },
      put('l/c', 'z', { lease: '7003' }),
    ]);
    const ask = async (url: string) => {
      const body = JSON.parse(
        (await send(url, 'POST', '/v3/kv/lease/timetolive', { ID: '7003', keys: true })).text,
      );
      return {
        ...(normalizeJson(body) as object),
        TTL: Number(body.TTL) >= 59 ? '59 or 60' : body.TTL,
      };
    };
    expect(
      await ask(kataUrl),
      'time-to-live of lease 7003 with keys: the kata store vs etcd',
    ).toEqual(await ask(etcd.url));
    await same([{ path: '/v3/lease/revoke', body: { ID: '7003' } }]);
  });

  it('keep-alive streams', async () => {
    await same([{ path: '/v3/lease/grant', body: { TTL: 60, ID: '8001' } }]);
    const keepAlive = async (url: string) =>
      (
        await new LineStream(url, '/v3/lease/keepalive')
          .send({ ID: '8001' })
          .send({ ID: '8999' })
          .endBody()
          .rest()
      ).map(normalizeJson);
    expect(
      await keepAlive(kataUrl),
      'keep-alive leases 8001 and 8999: the kata store vs etcd',
    ).toEqual(await keepAlive(etcd.url));
    await same([{ path: '/v3/lease/revoke', body: { ID: '8001' } }]);
  });

  it('watch: created, puts, deletes with prev_kv, txns', async () => {
    await same([put('w/a', '0')]);
    await sameWatch(
      [{ create_request: { key: b64('w/'), range_end: b64('w0'), prev_kv: true } }],
      1,
      3,
      () =>
        same([
          put('w/a', '1'),
          { path: '/v3/kv/deleterange', body: { key: b64('w/a') } },
          {
            path: '/v3/kv/txn',
            body: {
              success: [
                { requestPut: { key: b64('w/b'), value: b64('2') } },
                { requestPut: { key: b64('w/c'), value: b64('3') } },
              ],
            },
          },
        ]),
    );
  });

  it('watch: history from a start revision, filters, ids, progress, cancel', async () => {
    await same([put('h/a', '1'), put('h/a', '2'), put('h/b', '1')]);
    const current = JSON.parse(
      (await send(kataUrl, 'POST', '/v3/kv/range', { key: b64('h/a') })).text,
    );
    const start = Number(current.header.revision) - 2;
    await sameWatch(
      [
        { create_request: { key: b64('h/'), range_end: b64('h0'), start_revision: start } },
        { create_request: { key: b64('h/a'), watch_id: 7, filters: ['NOPUT'] } },
        { create_request: { key: b64('h/b'), watch_id: 7 } },
        { create_request: { key: b64('h/z'), range_end: b64('h/a') } },
      ],
      5,
      2,
      () => same([{ path: '/v3/kv/deleterange', body: { key: b64('h/a') } }]),
    );
    await sameWatch(
      [
        { create_request: { key: b64('h/a'), watch_id: 3 } },
        { cancel_request: { watch_id: 3 } },
        { progress_request: {} },
      ],
      3,
    );
  });

  it('watch: a start revision that was compacted', async () => {
    await same([put('x/a', '1'), put('x/a', '2')]);
    const current = JSON.parse(
      (await send(kataUrl, 'POST', '/v3/kv/range', { key: b64('x/a') })).text,
    );
    const revision = Number(current.header.revision);
    await same([{ path: '/v3/kv/compaction', body: { revision } }]);
    await sameWatch([{ create_request: { key: b64('x/a'), start_revision: revision - 1 } }], 2);
  });
  it('the client gets the same answers from both, 63-bit lease IDs and watch history included', async () => {
    const session = async (url: string) => {
      const client = createStoreClient(url);
      const seen: string[] = [];
      try {
        const first = await client.put({ key: bytes('cl/a'), value: bytes('1') });
        await client.put({ key: bytes('cl/a'), value: bytes('2') });
        await client.txn({
          success: [
            { requestPut: { key: bytes('cl/b'), value: bytes('1') } },
            { requestDeleteRange: { key: bytes('cl/a') } },
          ],
        });
        const watch = client.watch(
          {
            key: bytes('cl/'),
            rangeEnd: prefixEnd(bytes('cl/')),
            startRevision: first.header.revision,
          },
          {
            onResponse: (response) => {
              for (const event of response.events)
                seen.push(
                  `${response.revision - first.header.revision} ${event.type} ${text(event.kv.key)}`,
                );
            },
          },
        );
        await watch.created;
        await waitFor(() => seen.length === 4, 'four events of history');
        watch.cancel();
        const lease = await client.leaseGrant(60);
        const renewed = await client.leaseKeepAlive(lease.id);
        await client.leaseRevoke(lease.id);
        const range = await client.range({
          key: bytes('cl/'),
          rangeEnd: prefixEnd(bytes('cl/')),
        });
        return {
          seen,
          leaseIdIsBigint: typeof lease.id === 'bigint' && lease.id > 0n,
          renewed: [renewed.id === lease.id, renewed.ttl],
          keys: range.kvs.map((kv) => `${text(kv.key)}=${text(kv.value)}`),
        };
      } finally {
        await client.close();
      }
    };
    expect(await session(kataUrl), 'the same client session: the kata store vs etcd').toEqual(
      await session(etcd.url),
    );
  });
});
