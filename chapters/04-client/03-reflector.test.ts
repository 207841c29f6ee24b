// The reflector against the reference API server. The server's timers are a FakeClock, so a test
// ends every open watch on demand (as a server's watch timeout would), and the reflector's own
// clock is another, so its back-off waits no real time.
import { describe, expect, test } from 'vitest';
import type { ConfigMap, KubeObject } from '../../harness/api/types.ts';
import type { ResourceClient } from '../../harness/client/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { countingClient } from '../../harness/testing/counting-client.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { createClient } from './client.ts';
import { Reflector, type ReflectorStore } from './reflector.ts';

/** A store that keeps what the reflector tells it, and a log of every call. */
class RecordingStore implements ReflectorStore<KubeObject> {
  readonly objects = new Map<string, KubeObject>();
  readonly log: string[] = [];
  replaces = 0;

  replace(objects: KubeObject[], resourceVersion: string): void {
    this.replaces++;
    this.objects.clear();
    for (const object of objects) this.objects.set(object.metadata.name!, object);
    this.log.push(`replace ${objects.length} at ${resourceVersion}`);
  }
  add(object: KubeObject): void {
    this.objects.set(object.metadata.name!, object);
    this.log.push(`add ${object.metadata.name}@${object.metadata.resourceVersion}`);
  }
  update(object: KubeObject): void {
    this.objects.set(object.metadata.name!, object);
    this.log.push(`update ${object.metadata.name}@${object.metadata.resourceVersion}`);
  }
  delete(object: KubeObject): void {
    this.objects.delete(object.metadata.name!);
    this.log.push(`delete ${object.metadata.name}@${object.metadata.resourceVersion}`);
  }
}

const scope = testScope();

/** A server whose watch timers the test controls, and a config map client for one namespace. */
async function setUp() {
  const serverClock = new FakeClock(Date.now());
  // Compaction off: the timers the server sets are then the watches' own.
  const server = await scope.apiServer({ timers: serverClock, compactionIntervalMs: 0 });
  const client = createClient({ server: server.url });
  await client.resource('namespaces').create({ metadata: { name: 'test' } });
  const configMaps = client.resource<ConfigMap>('configmaps', 'test');
  const stop = scope.stopper();
  return { server, serverClock, client, configMaps, stop };
}

const configMap = (name: string, value = '1'): ConfigMap => ({
  metadata: { name },
  data: { value },
});

describe('List and watch', () => {
  test('after a connection error it waits 800 ms, then 1.6 s, ... doubling up to 30 s, with jitter', () => {
    const noJitter = new Reflector(
      createClient({ server: 'http://127.0.0.1:1' }).resource('pods'),
      new RecordingStore(),
      {
        random: () => 0,
      },
    );
    expect(
      [1, 2, 3, 4, 5, 6, 7, 10].map((failures) => noJitter.backoffMs(failures)),
      'backoffMs after 1, 2, 3, 4, 5, 6, 7 and 10 failures, with random() = 0',
    ).toEqual([800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000]);
    const fullJitter = new Reflector(
      createClient({ server: 'http://127.0.0.1:1' }).resource('pods'),
      new RecordingStore(),
      {
        random: () => 0.5,
      },
    );
    expect(fullJitter.backoffMs(1), 'with random() = 0.5').toBe(1200);
  });

  test('a reflector lists first and hands the store what the list found', async () => {
    const { configMaps, stop } = await setUp();
    await configMaps.create(configMap('a'));
    await configMaps.create(configMap('b'));
    const store = new RecordingStore();
    const reflector = new Reflector(configMaps, store);
    inBackground(reflector.run(stop.signal));
    await waitFor(() => store.replaces === 1, 'the first list');
    expect([...store.objects.keys()], 'names in the store after the list').toEqual(['a', 'b']);
    expect(reflector.lastSyncResourceVersion(), 'the version after the list').toMatch(/^\d+$/);
  });

  test("then it watches from the list's version: later writes arrive as add, update and delete", async () => {
    const { configMaps, stop } = await setUp();
    const store = new RecordingStore();
    inBackground(new Reflector(configMaps, store).run(stop.signal));
    await waitFor(() => store.replaces === 1, 'the first list');
    const created = await configMaps.create(configMap('a'));
    const updated = await configMaps.update({ ...created, data: { value: '2' } });
    await configMaps.delete('a');
    await waitFor(() => store.log.length === 4, 'three events after the list');
    expect(store.log.slice(1), 'what the store was told').toEqual([
      `add a@${created.metadata.resourceVersion}`,
      `update a@${updated.metadata.resourceVersion}`,
      expect.stringMatching(/^delete a@\d+$/),
    ]);
  });

  test('a watch cut in the middle resumes from the last version seen, losing and repeating nothing', async () => {
    const { configMaps, serverClock, stop } = await setUp();
    const counting = countingClient(configMaps);
    const store = new RecordingStore();
    const reflector = new Reflector(counting.client, store);
    inBackground(reflector.run(stop.signal));
    await waitFor(() => store.replaces === 1, 'the first list');
    const a = await configMaps.create(configMap('a'));
    await configMaps.create(configMap('b'));
    await waitFor(() => store.objects.has('b'), 'b to arrive');
    const seenBefore = reflector.lastSyncResourceVersion();

    // The server ends every watch (its timeout passes); the reflector must come back by itself.
    counting.hold();
    serverClock.advance(60 * 60 * 1000);
    await waitFor(() => counting.watches === 2, 'a second watch');
    await configMaps.update({ ...a, data: { value: '2' } });
    await configMaps.delete('b');
    await configMaps.create(configMap('c'));
    counting.release();

    await waitFor(() => store.objects.has('c'), 'c to arrive after the new watch');
    expect(counting.watchedFrom[1], 'the second watch starts where the first stopped').toBe(
      seenBefore,
    );
    expect(counting.lists, 'a clean end is no reason to list again').toBe(1);
    expect(
      store.log.slice(1).map((line) => line.split('@')[0]),
      'every event exactly once, in order',
    ).toEqual(['add a', 'add b', 'update a', 'delete b', 'add c']);
  });

  test('a 410 Expired (the version was compacted away) makes it list again', async () => {
    const { configMaps, server, serverClock, stop } = await setUp();
    const counting = countingClient(configMaps);
    const store = new RecordingStore();
    inBackground(new Reflector(counting.client, store).run(stop.signal));
    await waitFor(() => store.replaces === 1, 'the first list');
    await waitFor(() => serverClock.pendingTimers > 0, 'the watch to be open on the server');
    counting.hold();
    serverClock.advance(60 * 60 * 1000);
    await waitFor(() => counting.watches === 2, 'a second watch');
    await configMaps.create(configMap('x'));
    await configMaps.create(configMap('y'));
    server.store.compact({ revision: server.store.revision });
    counting.release();
    await waitFor(() => store.replaces === 2, 'a second list');
    expect(counting.lists, 'lists: the first, and one after the 410').toBe(2);
    expect([...store.objects.keys()].sort(), 'the store after the relist').toEqual(['x', 'y']);
  });

  test('bookmarks move the version on without telling the store anything', async () => {
    // A hand-made client: a list at version 5, then a watch with one BOOKMARK at version 9.
    const stop = scope.stopper();
    const fake = {
      list: async () => ({ kind: 'PodList', metadata: { resourceVersion: '5' }, items: [] }),
      watch: async function* () {
        yield { type: 'BOOKMARK' as const, object: { metadata: { resourceVersion: '9' } } };
        await new Promise((resolve) => stop.signal.addEventListener('abort', resolve));
      },
    } as unknown as ResourceClient;
    const store = new RecordingStore();
    const reflector = new Reflector(fake, store);
    inBackground(reflector.run(stop.signal));
    await waitFor(() => reflector.lastSyncResourceVersion() === '9', 'the bookmark to arrive');
    expect(store.log, 'the store heard only the list').toEqual(['replace 0 at 5']);
  });

  test('a server that cannot be reached is tried again after each wait, not in a busy loop', async () => {
    const clock = new FakeClock();
    const unreachable = countingClient(
      createClient({ server: 'http://127.0.0.1:1' }).resource('pods'),
    );
    const stop = scope.stopper();
    inBackground(
      new Reflector(unreachable.client, new RecordingStore(), { clock, random: () => 0 }).run(
        stop.signal,
      ),
    );
    await waitFor(() => clock.pendingTimers === 1, 'the first wait');
    expect(unreachable.lists, 'attempts before any time passed').toBe(1);
    clock.advance(799);
    expect(unreachable.lists, 'attempts after 799 ms').toBe(1);
    clock.advance(1);
    await waitFor(() => unreachable.lists === 2 && clock.pendingTimers === 1, 'the second wait');
    clock.advance(1599);
    expect(unreachable.lists, 'attempts 1599 ms into the second wait').toBe(2);
    clock.advance(1);
    await waitFor(() => unreachable.lists === 3, 'the third attempt');
  });
});
