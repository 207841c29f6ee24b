import request from 'supertest';
import { afterEach, describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type { Timers } from '../../harness/api/machinery.ts';
import type { Table } from '../../harness/api/tables.ts';
import type { KubeObject, Status } from '../../harness/api/types.ts';
import { WatchReader } from '../../harness/api/watch-reader.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createApiServer, type ApiServer } from './server.ts';
import {
  bookmarkEvent,
  isWatchRequest,
  parseWatchParameters,
  watchLine,
  watchTimeoutMs,
} from './watch.ts';

/** Timers that fire only when the test says so: no test waits for real time to pass. */
class ManualTimers implements Timers {
  private readonly pending = new Map<number, { callback: () => void; milliseconds: number }>();
  private nextId = 1;

  setTimeout(callback: () => void, milliseconds: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { callback, milliseconds });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** The delays of the timers waiting now. */
  delays(): number[] {
    return [...this.pending.values()].map((timer) => timer.milliseconds);
  }

  /** Fires every waiting timer with this delay. */
  fire(milliseconds: number): void {
    for (const [id, timer] of [...this.pending]) {
      if (timer.milliseconds !== milliseconds) continue;
      this.pending.delete(id);
      timer.callback();
    }
  }
}

const running: Array<{ server: ApiServer; readers: WatchReader[] }> = [];
afterEach(async () => {
  for (const { server, readers } of running.splice(0)) {
    readers.forEach((reader) => reader.close());
    await server.close();
  }
});

async function setup() {
  const store = new Store();
  const timers = new ManualTimers();
  const server = await createApiServer({
    store: new MemoryStoreClient(store),
    timers,
    random: () => 0.5,
    bookmarkIntervalMs: 60_000,
    // Off here, so the timers waiting are the watches' own; the last test turns it on.
    compactionIntervalMs: 0,
  });
  const url = await server.listen(0);
  const readers: WatchReader[] = [];
  running.push({ server, readers });
  const watch = (path: string, headers?: Record<string, string>) => {
    const reader = new WatchReader(url, path, { headers });
    readers.push(reader);
    return reader;
  };
  return { store, server, timers, api: request(url), watch };
}

const PODS = '/api/v1/namespaces/default/pods';
const nameOf = (event: { object: KubeObject | Status } | undefined) =>
  (event?.object as KubeObject | undefined)?.metadata.name;

describe('Watch', () => {
  test('a request watches when ?watch has any value but "0" or "false"', () => {
    const watches = ['watch=true', 'watch=1', 'watch=', 'watch=false', 'watch=0', ''].map((query) =>
      isWatchRequest(new URLSearchParams(query)),
    );
    expect(watches, 'isWatchRequest of watch=true, 1, (empty), false, 0, and of no watch').toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  test('parseWatchParameters reads resourceVersion, timeoutSeconds and allowWatchBookmarks', () => {
    expect(
      parseWatchParameters(
        new URLSearchParams('resourceVersion=41&timeoutSeconds=5&allowWatchBookmarks=true'),
      ),
      'parseWatchParameters(resourceVersion=41&timeoutSeconds=5&allowWatchBookmarks=true)',
    ).toEqual({ resourceVersion: 41, timeoutSeconds: 5, allowWatchBookmarks: true });
  });

  test('no resourceVersion, or "0", means: start from what is there now', () => {
    for (const query of ['', 'resourceVersion=', 'resourceVersion=0']) {
      expect(
        parseWatchParameters(new URLSearchParams(query)),
        `parseWatchParameters(${query || 'nothing'})`,
      ).toEqual({ allowWatchBookmarks: false });
    }
  });

  test('a resourceVersion or timeoutSeconds that is not a whole number is a 400', () => {
    for (const query of ['resourceVersion=latest', 'resourceVersion=-1', 'timeoutSeconds=-1']) {
      let error: unknown;
      try {
        parseWatchParameters(new URLSearchParams(query));
      } catch (thrown) {
        error = thrown;
      }
      expect(
        [(error as Status | undefined)?.code, (error as Status | undefined)?.reason],
        `parseWatchParameters(${query}) should throw a 400 BadRequest`,
      ).toEqual([400, 'BadRequest']);
    }
  });

  test('an event goes out as one line of JSON', () => {
    const event = { type: 'ADDED' as const, object: examplePod('a\nb') };
    const line = watchLine(event);
    expect(
      [line.endsWith('\n'), line.indexOf('\n'), JSON.parse(line)],
      'watchLine of an ADDED pod whose name holds a newline: ends in one newline, parses back',
    ).toEqual([true, line.length - 1, event]);
  });

  test('a watch lasts timeoutSeconds, or else a random 30 to 60 minutes', () => {
    const given = { timeoutSeconds: 5, allowWatchBookmarks: false };
    expect(
      watchTimeoutMs(given, () => 0.5),
      'watchTimeoutMs with timeoutSeconds 5',
    ).toBe(5000);
    const none = { allowWatchBookmarks: false };
    expect(
      [0, 0.5, 0.999].map((random) => watchTimeoutMs(none, () => random) / 1000),
      'seconds without timeoutSeconds, for random 0, 0.5 and 0.999 (whole seconds)',
    ).toEqual([1800, 2700, 3598]);
  });

  test('a BOOKMARK carries only the kind and a resourceVersion', () => {
    const deployments = builtinResources.find((r) => r.resource === 'deployments')!;
    expect(bookmarkEvent(deployments, 42), 'bookmarkEvent(deployments, 42)').toEqual({
      type: 'BOOKMARK',
      object: { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { resourceVersion: '42' } },
    });
  });

  test('?watch=true answers 200 with a stream of JSON events', async () => {
    const { watch } = await setup();
    const reader = watch(`${PODS}?watch=true`);
    expect(await reader.started, `GET ${PODS}?watch=true`).toEqual({
      status: 200,
      contentType: 'application/json',
    });
  });

  test('without a resourceVersion, the current objects come first, as ADDED', async () => {
    const { api, watch } = await setup();
    await api.post(PODS).send(examplePod('a'));
    await api.post(PODS).send(examplePod('b'));
    const reader = watch(`${PODS}?watch=true`);
    const first = await reader.next('the first event');
    const second = await reader.next('the second event');
    expect(
      [first?.type, nameOf(first), second?.type, nameOf(second)],
      'the first two events',
    ).toEqual(['ADDED', 'a', 'ADDED', 'b']);
  });

  test('then every change arrives as it happens, one JSON object per line', async () => {
    const { api, watch } = await setup();
    const reader = watch(`${PODS}?watch=1`);
    await reader.started;
    const created = await api.post(PODS).send(examplePod('web'));
    const line = await reader.nextLine('the event for the created pod');
    expect(JSON.parse(line!), 'the line after POST pod web').toEqual({
      type: 'ADDED',
      object: created.body,
    });
  });

  test("an update is MODIFIED; a delete is DELETED, at the delete's resourceVersion", async () => {
    const { api, watch, store } = await setup();
    const { body: created } = await api.post(PODS).send(examplePod('web'));
    const reader = watch(`${PODS}?watch=true&resourceVersion=${created.metadata.resourceVersion}`);
    await reader.started;
    await api
      .put(`${PODS}/web`)
      .send({ ...created, metadata: { ...created.metadata, labels: { v: '2' } } });
    await api.delete(`${PODS}/web`);
    const modified = await reader.next('MODIFIED');
    const deleted = await reader.next('DELETED');
    expect(
      [modified?.type, (modified?.object as KubeObject).metadata.labels],
      'the event for the PUT',
    ).toEqual(['MODIFIED', { v: '2' }]);
    expect(
      [deleted?.type, (deleted?.object as KubeObject).metadata.resourceVersion],
      'the event for the DELETE',
    ).toEqual(['DELETED', String(store.revision)]);
  });

  test('from a resourceVersion, only changes after it: no ADDED for what was already there', async () => {
    const { api, watch } = await setup();
    await api.post(PODS).send(examplePod('a'));
    const { body: b } = await api.post(PODS).send(examplePod('b'));
    await api.post(PODS).send(examplePod('c'));
    const reader = watch(`${PODS}?watch=true&resourceVersion=${b.metadata.resourceVersion}`);
    const event = await reader.next('the first event after b');
    expect(
      [event?.type, nameOf(event)],
      `watch from b's resourceVersion ${b.metadata.resourceVersion}`,
    ).toEqual(['ADDED', 'c']);
  });

  test("a list's resourceVersion is where a watch continues without a gap", async () => {
    const { api, watch } = await setup();
    await api.post(PODS).send(examplePod('a'));
    const list = await api.get(PODS);
    await api.post(PODS).send(examplePod('b'));
    const reader = watch(
      `${PODS}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`,
    );
    expect(
      nameOf(await reader.next('the event after the list')),
      'the first event after the list',
    ).toBe('b');
  });

  test('a watch in a namespace sees only that namespace', async () => {
    const { api, watch } = await setup();
    const reader = watch(`${PODS}?watch=true`);
    await reader.started;
    await api.post('/api/v1/namespaces/kube-system/pods').send(examplePod('elsewhere'));
    await api.post(PODS).send(examplePod('here'));
    expect(nameOf(await reader.next('an event')), 'the first event seen in default').toBe('here');
  });

  test("kubectl's watch asks for Tables: a row per event, the columns only in the first", async () => {
    const { api, watch } = await setup();
    await api.post(PODS).send(examplePod('web'));
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const reader = watch(`${PODS}?watch=true`, { accept });
    await reader.started;
    await api.post(PODS).send(examplePod('db'));
    const events = [await reader.next('ADDED web'), await reader.next('ADDED db')];
    const tables = events.map((event) => event?.object as unknown as Table);
    expect(
      tables.map((table) => [table.kind, table.rows.map((row) => row.cells[0])]),
      'each event',
    ).toEqual([
      ['Table', ['web']],
      ['Table', ['db']],
    ]);
    expect(
      tables.map((table) => table.columnDefinitions.length > 0),
      'column definitions in each event',
    ).toEqual([true, false]);
  });

  test('a compacted resourceVersion gets one ERROR event with a 410 Expired Status, then the end', async () => {
    const { api, watch, store } = await setup();
    await api.post(PODS).send(examplePod('a'));
    await api.post(PODS).send(examplePod('b'));
    store.compact({ revision: store.revision });
    const reader = watch(`${PODS}?watch=true&resourceVersion=2`);
    expect((await reader.started).status, 'HTTP status of a watch from a compacted revision').toBe(
      200,
    );
    const events = await reader.rest();
    expect(events, 'the whole stream').toEqual([
      {
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `too old resource version: 2 (${store.compactRevision})`,
          reason: 'Expired',
          code: 410,
        },
      },
    ]);
  });

  test('timeoutSeconds: the server ends the stream when that much time has passed', async () => {
    const { watch, timers } = await setup();
    const reader = watch(`${PODS}?watch=true&timeoutSeconds=5`);
    await reader.started;
    expect(timers.delays(), 'timers waiting after a watch with timeoutSeconds=5').toEqual([5000]);
    timers.fire(5000);
    expect(await reader.rest(), 'what follows the timeout').toEqual([]);
  });

  test('without timeoutSeconds a watch still ends, after 30 to 60 minutes', async () => {
    const { watch, timers } = await setup();
    const reader = watch(`${PODS}?watch=true`);
    await reader.started;
    expect(timers.delays(), 'timers waiting (random 0.5)').toEqual([45 * 60 * 1000]);
  });

  test('with allowWatchBookmarks, a BOOKMARK tells how far the watch has got', async () => {
    const { api, watch, timers, store } = await setup();
    const reader = watch(`${PODS}?watch=true&allowWatchBookmarks=true&timeoutSeconds=600`);
    await reader.started;
    await api.post('/api/v1/namespaces/kube-system/pods').send(examplePod('elsewhere'));
    await api.post(PODS).send(examplePod('here'));
    expect(nameOf(await reader.next('ADDED here')), 'the event for pod here').toBe('here');
    timers.fire(60_000);
    expect(await reader.next('a bookmark'), 'the event after a bookmark interval').toEqual({
      type: 'BOOKMARK',
      object: {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { resourceVersion: String(store.revision) },
      },
    });
    expect(timers.delays(), 'timers waiting after a bookmark').toEqual([600_000, 60_000]);
  });

  test('no bookmarks unless the client allows them', async () => {
    const { watch, timers } = await setup();
    const reader = watch(`${PODS}?watch=true&timeoutSeconds=600`);
    await reader.started;
    expect(timers.delays(), 'timers waiting').toEqual([600_000]);
  });

  test('watch=false or watch=0 is a plain list', async () => {
    const { api } = await setup();
    for (const value of ['false', '0']) {
      const response = await api.get(`${PODS}?watch=${value}`);
      expect(response.body.kind, `GET ${PODS}?watch=${value}`).toBe('PodList');
    }
  });

  test('a watch whose parameters are not numbers is a 400 before it starts', async () => {
    const { api } = await setup();
    for (const query of ['resourceVersion=latest', 'timeoutSeconds=-1']) {
      const response = await api.get(`${PODS}?watch=true&${query}`);
      expect([response.status, response.body.reason], `GET ${PODS}?watch=true&${query}`).toEqual([
        400,
        'BadRequest',
      ]);
    }
  });

  test('closing the server ends every open watch', async () => {
    const { watch, server } = await setup();
    const reader = watch(`${PODS}?watch=true`);
    await reader.started;
    await server.close();
    expect(await reader.rest(), 'the stream after server.close()').toEqual([]);
  });

  test('every compaction interval, the server forgets history older than one interval', async () => {
    const store = new Store();
    const timers = new ManualTimers();
    const server = await createApiServer({
      store: new MemoryStoreClient(store),
      timers,
      compactionIntervalMs: 300_000,
    });
    running.push({ server, readers: [] });
    const api = request(server.app);
    expect(timers.delays(), 'timers waiting once the server is up').toEqual([300_000]);
    await api.post(PODS).send(examplePod('early'));
    const early = store.revision;
    timers.fire(300_000);
    await waitFor(() => timers.delays().length === 1, 'the first interval to pass');
    expect(store.compactRevision, 'after one interval nothing is forgotten yet').toBe(0);
    await api.post(PODS).send(examplePod('late'));
    timers.fire(300_000);
    await waitFor(() => store.compactRevision === early, `a compaction to revision ${early}`);
  });

  test('compaction stops with the server, and a compactionIntervalMs of 0 turns it off', async () => {
    const store = new Store();
    const timers = new ManualTimers();
    const server = await createApiServer({
      store: new MemoryStoreClient(store),
      timers,
      compactionIntervalMs: 60_000,
    });
    expect(timers.delays(), 'timers waiting once the server is up').toEqual([60_000]);
    await server.close();
    expect(timers.delays(), 'timers waiting after close()').toEqual([]);
    const off = await createApiServer({
      store: new MemoryStoreClient(new Store()),
      timers,
      compactionIntervalMs: 0,
    });
    running.push({ server: off, readers: [] });
    expect(timers.delays(), 'timers waiting for a server with compactionIntervalMs 0').toEqual([]);
  });
});
