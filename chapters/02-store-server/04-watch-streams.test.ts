import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { WatchRequest, WatchResponse, Watcher } from '../../harness/store/types.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { b64, call, LineStream } from '../../harness/testing/http.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { bytes } from '../../harness/store/bytes.ts';
import {
  createStoreServer,
  JsonSplitter,
  memberHeader,
  WatchStream,
  type ServerState,
  type StoreServer,
} from './server.ts';

let store: Store;
let server: StoreServer;
let url: string;
let streams: LineStream[];

beforeEach(async () => {
  store = new Store();
  server = createStoreServer({ store });
  url = await server.listen(0);
  streams = [];
});

afterEach(async () => {
  for (const stream of streams) stream.close();
  await server.close();
});

/** Opens POST /v3/watch and sends the given messages on it. */
function watch(...messages: unknown[]): LineStream {
  const stream = new LineStream(url, '/v3/watch');
  streams.push(stream);
  for (const message of messages) stream.send(message);
  return stream;
}

const put = (key: string, value: string) =>
  call(url, '/v3/kv/put', { key: b64(key), value: b64(value) });

/** The next message's result, with the header cut down to its revision. */
async function nextResult(stream: LineStream, what: string) {
  const line = await stream.next(what);
  expect(line, `${what}: expected a {"result":...} line`).toHaveProperty('result');
  const { header, ...rest } = line.result;
  return { header: { revision: header.revision }, ...rest };
}

/** Feeds chunks to a JsonSplitter and collects every message it hands over, then what end() gives. */
function split(...chunks: Array<string | Buffer>): {
  messages: string[];
  rest: string | undefined;
} {
  const splitter = new JsonSplitter(1024);
  const messages = chunks.flatMap((chunk) =>
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk),
  );
  return { messages, rest: splitter.end() };
}

/** A WatchStream on a fresh store, with what it sends collected as [revision, result] pairs. */
function watchStreamOn(store: Store) {
  const state: ServerState = {
    store,
    durability: undefined,
    maxRequestBytes: 1024,
    progressNotifyIntervalMs: 60_000,
    header: memberHeader('default'),
  };
  const sent: Array<{ revision: number; result: any }> = [];
  const stream = new WatchStream(state, {
    send: (result, revision) => sent.push({ revision, result }),
  });
  /** What was sent, each result's header cut down to its revision. */
  const messages = () =>
    sent.map(({ revision, result }) => ({
      revision,
      result: { ...result, header: { revision: result.header?.revision } },
    }));
  return { stream, messages };
}

const created = (revision: string, watchId?: string) => ({
  header: { revision },
  ...(watchId ? { watch_id: watchId } : {}),
  created: true,
});

describe('Watch streams', () => {
  test('JsonSplitter hands over each message when its outermost brace closes, back to back or one per line', () => {
    const { messages, rest } = split('{"a":1}{"b":{"c":[2]}}\n{"d":3}\n');
    expect(
      { messages: messages.map((message) => message.trim()), rest },
      'push {"a":1}{"b":{"c":[2]}}, a newline, {"d":3}, a newline; then end(): the messages, trimmed',
    ).toEqual({ messages: ['{"a":1}', '{"b":{"c":[2]}}', '{"d":3}'], rest: undefined });
  });

  test('a message may arrive in pieces cut anywhere, even inside a string or a character', () => {
    const body = Buffer.from('{"key":"é}"}{"x":2}');
    const pieces = [
      body.subarray(0, 3),
      body.subarray(3, 9),
      body.subarray(9, 10),
      body.subarray(10),
    ];
    expect(
      split(...pieces),
      'push {"key":"é}"}{"x":2} in four pieces, one cut inside the two bytes of é',
    ).toEqual({ messages: ['{"key":"é}"}', '{"x":2}'], rest: undefined });
  });

  test('braces inside strings do not count, and an escaped quote does not end a string', () => {
    expect(split('{"a":"}{","b":"say \\"}\\""}'), 'push {"a":"}{","b":"say \\"}\\""}').toEqual({
      messages: ['{"a":"}{","b":"say \\"}\\""}'],
      rest: undefined,
    });
  });

  test('what is not an object is handed over as it is, to be reported; end() returns an unfinished message', () => {
    const junk = split('junk {"a":1}').messages;
    expect(
      [junk.length > 0, junk[0]?.trim().startsWith('junk')],
      'push "junk {\\"a\\":1}": is something handed over, starting with junk?',
    ).toEqual([true, true]);
    expect(split('{"a":1}{"b":'), 'push {"a":1}{"b": and end the body').toEqual({
      messages: ['{"a":1}'],
      rest: '{"b":',
    });
  });

  test('a WatchStream answers a create_request "created", at the current revision; watch 0 has no watch_id', () => {
    const store = new Store();
    store.put({ key: bytes('foo'), value: bytes('bar') });
    const { stream, messages } = watchStreamOn(store);
    stream.handle({ create_request: { key: b64('foo') } });
    expect(messages(), 'put foo (revision 2), then handle a create_request for foo').toEqual([
      { revision: 2, result: { header: { revision: '2' }, created: true } },
    ]);
  });

  test('each later revision goes out as one message of its events, at that revision', () => {
    const store = new Store();
    const { stream, messages } = watchStreamOn(store);
    stream.handle({ create_request: { key: b64('a'), range_end: b64('c') } });
    store.put({ key: bytes('a'), value: bytes('1') });
    store.put({ key: bytes('x'), value: bytes('not watched') });
    store.deleteRange({ key: bytes('a') });
    expect(
      messages().slice(1),
      'watch [a, c), then put a (revision 2), put x (3), delete a (4): the messages after created',
    ).toEqual([
      {
        revision: 2,
        result: {
          header: { revision: '2' },
          events: [
            {
              kv: {
                key: b64('a'),
                create_revision: '2',
                mod_revision: '2',
                version: '1',
                value: b64('1'),
              },
            },
          ],
        },
      },
      {
        revision: 4,
        result: {
          header: { revision: '4' },
          events: [{ type: 'DELETE', kv: { key: b64('a'), mod_revision: '4' } }],
        },
      },
    ]);
  });

  test('the watches of one stream are numbered 0, 1, 2, ...; a watch_id asked for is used as given', () => {
    const { stream, messages } = watchStreamOn(new Store());
    stream.handle({ create_request: { key: b64('a') } });
    stream.handle({ create_request: { key: b64('b'), watch_id: '1' } });
    stream.handle({ create_request: { key: b64('c') } });
    stream.handle({ create_request: { key: b64('d') } });
    expect(
      messages().map(({ result }) => result.watch_id),
      'four create_requests, the second asking for watch_id 1: the IDs of the created messages',
    ).toEqual([undefined, '1', '2', '3']);
  });

  test('a message that is none of create, cancel or progress is ignored', () => {
    const { stream, messages } = watchStreamOn(new Store());
    stream.handle({});
    stream.handle(null);
    expect(messages(), 'handle {} and null').toEqual([]);
  });

  test('closing a WatchStream cancels its watches in the store', () => {
    const store = new Store();
    const { stream, messages } = watchStreamOn(store);
    stream.handle({ create_request: { key: b64('foo') } });
    stream.close();
    store.put({ key: bytes('foo'), value: bytes('bar') });
    expect(messages().length, 'watch foo, close the stream, put foo: messages sent').toBe(1);
  });

  test('the first message says the watch is created, with the current revision and no watch_id', async () => {
    await put('foo', 'bar');
    const stream = watch({ create_request: { key: b64('foo') } });
    const line = await stream.next('the created message');
    expect(Object.keys(line), 'the first line of a watch').toEqual(['result']);
    expect(Object.keys(line.result.header), 'its header').toEqual([
      'cluster_id',
      'member_id',
      'revision',
      'raft_term',
    ]);
    expect(await stream.response, 'the watch response').toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
    expect(
      { ...line.result, header: { revision: line.result.header.revision } },
      'created, at revision 2',
    ).toEqual(created('2'));
  });

  test('a put is streamed as one {"result":...} line; PUT events have no type', async () => {
    const stream = watch({ create_request: { key: b64('foo') } });
    await stream.next('the created message');
    await put('foo', 'bar');
    expect(
      await nextResult(stream, 'the event of put foo=bar'),
      'watch foo, then put foo=bar',
    ).toEqual({
      header: { revision: '2' },
      events: [
        {
          kv: { key: 'Zm9v', create_revision: '2', mod_revision: '2', version: '1', value: 'YmFy' },
        },
      ],
    });
  });

  test("a delete is a DELETE event whose kv holds only the key and the delete's revision", async () => {
    await put('foo', 'bar');
    const stream = watch({ create_request: { key: b64('foo') } });
    await stream.next('the created message');
    await call(url, '/v3/kv/deleterange', { key: b64('foo') });
    expect(
      await nextResult(stream, 'the event of delete foo'),
      'watch foo, then delete it',
    ).toEqual({
      header: { revision: '3' },
      events: [{ type: 'DELETE', kv: { key: 'Zm9v', mod_revision: '3' } }],
    });
  });

  test('prev_kv adds the state of the key before each change', async () => {
    await put('foo', 'bar');
    const stream = watch({ create_request: { key: b64('foo'), prev_kv: true } });
    await stream.next('the created message');
    await put('foo', 'baz');
    const result = await nextResult(stream, 'the event of put foo=baz');
    expect(
      result.events[0].prev_kv,
      'watch foo with prev_kv, then put foo=baz over foo=bar',
    ).toEqual({
      key: 'Zm9v',
      create_revision: '2',
      mod_revision: '2',
      version: '1',
      value: 'YmFy',
    });
  });

  test('start_revision replays history first, in one message stamped with the current revision', async () => {
    await put('foo', '1');
    await put('foo', '2');
    await put('other', 'x');
    const stream = watch({ create_request: { key: b64('foo'), start_revision: '2' } });
    expect(await nextResult(stream, 'the created message'), 'created').toEqual(created('4'));
    const history = await nextResult(stream, 'the replayed history');
    expect(
      history.header.revision,
      'history of foo from revision 2, the store at revision 4: header.revision',
    ).toBe('4');
    expect(
      history.events.map((event: any) => event.kv.mod_revision),
      'history of foo from revision 2: the events',
    ).toEqual(['2', '3']);
  });

  test('a range_end watches every key in [key, range_end)', async () => {
    const stream = watch({ create_request: { key: b64('a/'), range_end: b64('a0') } });
    await stream.next('the created message');
    await put('b', 'not watched');
    await put('a/1', 'watched');
    const result = await nextResult(stream, 'the event of put a/1');
    expect(result.events[0].kv.key, 'watch [a/, a0), put b then a/1').toBe(b64('a/1'));
  });

  test('the events of one txn arrive together, in one message', async () => {
    const stream = watch({ create_request: { key: 'AA==', range_end: 'AA==' } });
    await stream.next('the created message');
    await call(url, '/v3/kv/txn', {
      success: [
        { request_put: { key: b64('a'), value: b64('1') } },
        { request_put: { key: b64('b'), value: b64('2') } },
      ],
    });
    const result = await nextResult(stream, 'the events of the txn');
    expect(
      result.events.map((event: any) => [event.kv.key, event.kv.mod_revision]),
      'watch everything, then a txn putting a and b',
    ).toEqual([
      [b64('a'), '2'],
      [b64('b'), '2'],
    ]);
  });

  test('more watches on one stream are numbered 1, 2, ...; a chosen watch_id is used as given', async () => {
    const stream = watch(
      { create_request: { key: b64('a') } },
      { create_request: { key: b64('b') } },
      { create_request: { key: b64('c'), watch_id: 7 } },
      { create_request: { key: b64('d') } },
    );
    const ids = [];
    for (let i = 0; i < 4; i++)
      ids.push((await stream.next(`created message ${i + 1}`)).result.watch_id);
    expect(ids, 'four watches, the third asking for id 7').toEqual([undefined, '1', '7', '2']);
    await put('c', 'x');
    expect(
      (await stream.next('the event of put c')).result.watch_id,
      'the watch that hears put c',
    ).toBe('7');
  });

  test('a watch_id already in use is refused with watch_id -1 and a cancel_reason', async () => {
    const stream = watch(
      { create_request: { key: b64('a'), watch_id: 3 } },
      { create_request: { key: b64('b'), watch_id: 3 } },
    );
    await stream.next('the first created message');
    expect(
      await nextResult(stream, 'the answer to the second watch'),
      'two watches asking for id 3',
    ).toEqual({
      header: { revision: '1' },
      watch_id: '-1',
      created: true,
      canceled: true,
      cancel_reason: 'mvcc: duplicate watch ID provided on the WatchStream',
    });
  });

  test('a range whose end is not after its key is refused: "mvcc: watcher range is empty"', async () => {
    const stream = watch({ create_request: { key: b64('b'), range_end: b64('a') } });
    expect(await nextResult(stream, 'the answer'), 'watch [b, a)').toEqual({
      header: { revision: '1' },
      watch_id: '-1',
      created: true,
      canceled: true,
      cancel_reason: 'mvcc: watcher range is empty',
    });
  });

  test('progress_request is answered with the current revision and watch_id -1', async () => {
    await put('foo', 'bar');
    const stream = watch({ progress_request: {} });
    expect(
      await nextResult(stream, 'the progress answer'),
      'progress_request at revision 2',
    ).toEqual({
      header: { revision: '2' },
      watch_id: '-1',
    });
  });

  test('progress_notify: a watch that heard nothing for an interval is told the current revision', async () => {
    const quick = createStoreServer({ store, progressNotifyIntervalMs: 20 });
    try {
      const quickUrl = await quick.listen(0);
      await call(quickUrl, '/v3/kv/put', { key: b64('other'), value: b64('x') });
      const stream = new LineStream(quickUrl, '/v3/watch');
      streams.push(stream);
      stream.send({ create_request: { key: b64('foo'), progress_notify: true } });
      await stream.next('the created message');
      expect(
        await nextResult(stream, 'the progress notification'),
        'watch foo with progress_notify on a server notifying every 20 ms, store at revision 2',
      ).toEqual({ header: { revision: '2' } });
    } finally {
      await quick.close();
    }
  });

  test('cancel_request stops a watch and is answered with canceled', async () => {
    const stream = watch({ create_request: { key: b64('foo'), watch_id: 5 } });
    await stream.next('the created message');
    stream.send({ cancel_request: { watch_id: '5' } });
    expect(await nextResult(stream, 'the cancel answer'), 'cancel watch 5').toEqual({
      header: { revision: '1' },
      watch_id: '5',
      canceled: true,
    });
    await put('foo', 'bar');
    // Messages come in order, so if the put had been sent it would come before this answer.
    stream.send({ progress_request: {} });
    expect(
      (await stream.next('the progress answer')).result.watch_id,
      'the next message after put foo',
    ).toBe('-1');
  });

  test('filters leave out the events asked for: NODELETE', async () => {
    const stream = watch({ create_request: { key: b64('foo'), filters: ['NODELETE'] } });
    await stream.next('the created message');
    await put('foo', '1');
    await call(url, '/v3/kv/deleterange', { key: b64('foo') });
    await put('foo', '2');
    const first = await nextResult(stream, 'the first event');
    const second = await nextResult(stream, 'the second event');
    expect(
      [first.events[0].kv.mod_revision, second.events[0].kv.mod_revision],
      'watch foo with NODELETE; put, delete, put',
    ).toEqual(['2', '4']);
  });

  test('a start_revision below the compaction is canceled with compact_revision; that header has no revision', async () => {
    await put('foo', '1');
    await put('foo', '2');
    await call(url, '/v3/kv/compaction', { revision: 3 });
    const stream = watch({ create_request: { key: b64('foo'), start_revision: 2 } });
    expect(await nextResult(stream, 'the created message'), 'created').toEqual(created('3'));
    const line = await stream.next('the cancel message');
    expect(
      line.result.header.revision,
      'the compacted message has no header.revision',
    ).toBeUndefined();
    expect(
      { ...line.result, header: undefined },
      'watch foo from revision 2 after compacting at 3',
    ).toEqual({
      header: undefined,
      canceled: true,
      compact_revision: '3',
    });
  });

  test('watches go on after the request body ends, until the client goes away', async () => {
    const stream = watch({ create_request: { key: b64('foo') } }).endBody();
    await stream.next('the created message');
    await put('foo', 'bar');
    expect(
      (await nextResult(stream, 'the event')).events[0].kv.value,
      'put foo=bar after the body ended',
    ).toBe('YmFy');
  });

  test('when the client goes away, its watches are canceled', async () => {
    const active = new Set<Watcher>();
    const watchStore = store.watch.bind(store);
    store.watch = (request: WatchRequest, listener: (response: WatchResponse) => void) => {
      const watcher = watchStore(request, listener);
      active.add(watcher);
      return {
        cancel() {
          active.delete(watcher);
          watcher.cancel();
        },
      };
    };
    const stream = watch(
      { create_request: { key: b64('a') } },
      { create_request: { key: b64('b') } },
    );
    await stream.next('created 1');
    await stream.next('created 2');
    expect(active.size, 'watchers in the store while the stream is open').toBe(2);
    stream.close();
    await waitFor(() => active.size === 0, 'the watchers to be canceled after the client left');
  });

  test('a first message that is not JSON gets an error answer (HTTP 400), not a stream', async () => {
    const stream = watch('this is not json').endBody();
    expect((await stream.response).status, 'POST /v3/watch with a junk body: status').toBe(400);
    const body = await stream.next('the error body');
    expect(body.code, 'the error code').toBe(3);
  });

  test('a malformed message later in the stream ends it with an error line', async () => {
    const stream = watch({ create_request: { key: b64('foo') } });
    await stream.next('the created message');
    stream.send('{"create_request": {"key": 5}}');
    const line = await stream.next('the error line');
    expect(Object.keys(line), 'the last line').toEqual(['error']);
    expect(line.error, 'the error line').toMatchObject({
      grpc_code: 3,
      http_code: 400,
      http_status: 'Bad Request',
    });
    expect(await stream.next('the end of the stream'), 'after the error line').toBeUndefined();
  });
});
