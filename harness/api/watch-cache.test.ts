// The watch cache must change what watching costs, never what a watcher sees: each test below
// compares it with the storage's own watch, or counts the store watches it opens.
import { describe, expect, test } from 'vitest';
import { ObjectStorage } from '../../solutions/03a-apiserver/storage.ts';
import { Store } from '../../solutions/01-store/store.ts';
import type { StoreClient } from '../store/client.ts';
import { MemoryStoreClient } from '../testing/memory-store-client.ts';
import { waitFor } from '../testing/wait.ts';
import { examplePod } from './examples.ts';
import type { ObjectPredicate } from './machinery.ts';
import type { ObjectEvent, ObjectWatch, ObjectWatchHandlers, WatchSource } from './object-watch.ts';
import { builtinResources } from './resources.ts';
import type { Pod } from './types.ts';
import { WatchCache } from './watch-cache.ts';

const pods = builtinResources.find((r) => r.group === '' && r.resource === 'pods')!;

/** An ObjectStorage over an in-memory store, counting the store watches opened through it. */
function storage() {
  const store = new Store();
  const client = new MemoryStoreClient(store);
  const objects = new ObjectStorage(client);
  const counted = {
    watches: 0,
    list: objects.list.bind(objects),
    watch(...args: Parameters<ObjectStorage['watch']>): ObjectWatch {
      counted.watches++;
      return objects.watch(...args);
    },
  };
  return { objects, counted, client, store };
}

/** Collects a watch's events as "TYPE namespace/name@resourceVersion", and how far it has got. */
function recorder() {
  const events: string[] = [];
  const ends: unknown[] = [];
  const seen = { revision: 0 };
  const handlers: ObjectWatchHandlers = {
    onRevision: (revision) => (seen.revision = revision),
    onEvent: ({ type, object }: ObjectEvent) =>
      events.push(
        `${type} ${object.metadata.namespace}/${object.metadata.name}@${object.metadata.resourceVersion}`,
      ),
    onEnd: (end) => ends.push(end),
  };
  return { events, ends, seen, handlers };
}

const pod = (namespace: string, name: string, labels: Record<string, string> = {}): Pod => ({
  ...examplePod(name, labels),
  metadata: { name, namespace, labels },
});

async function relabel(objects: ObjectStorage, namespace: string, name: string, app: string) {
  await objects.update(pods, namespace, name, (current) => ({
    ...current,
    metadata: { ...current.metadata, resourceVersion: undefined, labels: { app } },
  }));
}

describe('the watch cache', () => {
  test('every watcher sees what a watch of its own on the storage would see', async () => {
    const { objects, client } = storage();
    const cache = new WatchCache(objects, client);
    const web: ObjectPredicate = (object) => object.metadata.labels?.app === 'web';
    // Each selection, and the last change it sees: pod z, created last in dev and in default.
    const selections: [string | undefined, ObjectPredicate, string][] = [
      [undefined, () => true, 'dev/z'],
      ['dev', () => true, 'dev/z'],
      [undefined, web, 'dev/z'],
      ['default', web, 'default/z'],
    ];
    await objects.create(pods, pod('default', 'before', { app: 'web' }));
    const from = (await objects.list(pods)).revision;
    const watched = selections.map(([namespace, selected, last]) => {
      const direct = recorder();
      const cached = recorder();
      objects.watch(pods, namespace, from, direct.handlers, selected);
      cache.watch(pods, namespace, from, cached.handlers, selected);
      return { direct, cached, last };
    });

    // In and out of each selection: created, relabelled both ways, deleted, created again.
    await objects.create(pods, pod('default', 'a', { app: 'web' }));
    await objects.create(pods, pod('dev', 'b', { app: 'db' }));
    await relabel(objects, 'dev', 'b', 'web');
    await relabel(objects, 'default', 'a', 'db');
    await relabel(objects, 'default', 'before', 'db');
    await objects.delete(pods, 'dev', 'b');
    await objects.delete(pods, 'default', 'a');
    await objects.create(pods, pod('default', 'a', { app: 'web' }));
    await objects.create(pods, pod('default', 'z', { app: 'web' }));
    await objects.create(pods, pod('dev', 'z', { app: 'web' }));

    for (const { direct, cached, last } of watched) {
      const done = (events: string[]) => events.at(-1)?.startsWith(`ADDED ${last}@`) === true;
      await waitFor(
        () => done(direct.events) && done(cached.events),
        `both watches to see ${last}`,
      );
      expect(cached.events, 'what the cached watcher saw').toEqual(direct.events);
    }
    cache.close();
  });

  test('watchers of one resource share one store watch', async () => {
    const { objects, counted, client } = storage();
    const cache = new WatchCache(counted, client);
    const from = (await objects.list(pods)).revision;
    const watchers = Array.from({ length: 5 }, () => recorder());
    for (const watcher of watchers) cache.watch(pods, undefined, from, watcher.handlers);
    await objects.create(pods, pod('default', 'a'));
    await waitFor(() => watchers.every((w) => w.events.length === 1), 'every watcher to see a');
    expect(counted.watches, 'store watches').toBe(1);
    cache.close();
  });

  test('a watcher a little behind is given what it missed from the window', async () => {
    const { objects, counted, client } = storage();
    const cache = new WatchCache(counted, client);
    const first = recorder();
    const from = (await objects.list(pods)).revision;
    cache.watch(pods, undefined, from, first.handlers);
    for (const name of ['a', 'b', 'c']) await objects.create(pods, pod('default', name));
    await waitFor(() => first.events.length === 3, 'the first watcher to see three pods');

    const late = recorder();
    await cache.watch(pods, undefined, from + 1, late.handlers).created;
    expect(late.events, 'what the late watcher was given').toEqual(first.events.slice(1));
    expect(counted.watches, 'store watches').toBe(1);
    cache.close();
  });

  test('a watcher older than the window gets a watch of its own on the storage', async () => {
    const { objects, counted, client } = storage();
    const cache = new WatchCache(counted, client, 2);
    const first = recorder();
    const from = (await objects.list(pods)).revision;
    await cache.watch(pods, undefined, from, first.handlers).created;
    for (const name of ['a', 'b', 'c', 'd']) await objects.create(pods, pod('default', name));
    await waitFor(() => first.events.length === 4, 'the first watcher to see four pods');

    const old = recorder();
    cache.watch(pods, undefined, from, old.handlers);
    await waitFor(() => old.events.length === 4, 'the old watcher to see all four pods');
    expect(old.events, 'what the old watcher saw').toEqual(first.events);
    expect(counted.watches, 'store watches: the shared one and the old watcher’s').toBe(2);
    cache.close();
  });

  test('a watcher from a compacted revision is told so by the store, window or not', async () => {
    const { objects, counted, client, store } = storage();
    const cache = new WatchCache(counted, client);
    const first = recorder();
    const from = (await objects.list(pods)).revision;
    cache.watch(pods, undefined, from, first.handlers);
    for (const name of ['a', 'b']) await objects.create(pods, pod('default', name));
    await waitFor(() => first.events.length === 2, 'the first watcher to see two pods');
    store.compact({ revision: store.revision });

    const late = recorder();
    cache.watch(pods, undefined, from, late.handlers);
    await waitFor(() => late.ends.length === 1, 'the late watch to end');
    expect(late.ends, 'how it ended').toEqual([{ compactRevision: store.revision }]);
    expect(late.events, 'what it saw').toEqual([]);
    cache.close();
  });

  test('a cancelled watcher hears nothing more', async () => {
    const { objects, client } = storage();
    const cache = new WatchCache(objects, client);
    const kept = recorder();
    const cancelled = recorder();
    const early = recorder();
    const from = (await objects.list(pods)).revision;
    cache.watch(pods, undefined, from, kept.handlers);
    const watch = cache.watch(pods, undefined, from, cancelled.handlers);
    cache.watch(pods, undefined, from, early.handlers).cancel(); // before it even started
    await watch.created;
    await objects.create(pods, pod('default', 'a'));
    await waitFor(() => cancelled.events.length === 1, 'the second watcher to see a');
    watch.cancel();
    await objects.create(pods, pod('default', 'b'));
    await waitFor(() => kept.events.length === 2, 'the first watcher to see b');
    expect(cancelled.events, 'the cancelled watcher').toHaveLength(1);
    expect(early.events, 'the watcher cancelled at once').toEqual([]);
    cache.close();
  });

  test('when the store ends the shared watch, every watcher ends, and the next starts afresh', async () => {
    const upstream: ObjectWatchHandlers[] = [];
    const source: WatchSource = {
      list: async () => ({ items: [], revision: 10 }),
      watch: (_resource, _namespace, _after, handlers) => {
        upstream.push(handlers);
        return { created: Promise.resolve(), cancel: () => {} };
      },
    };
    const nothingCompacted = { range: async () => ({}) } as unknown as StoreClient;
    const cache = new WatchCache(source, nothingCompacted);
    const watchers = [recorder(), recorder()];
    await Promise.all(watchers.map((w) => cache.watch(pods, undefined, 10, w.handlers).created));
    const failure = new Error('the store went away');
    upstream[0]!.onEnd({ error: failure });
    for (const watcher of watchers) {
      expect(watcher.ends, 'how the watcher ended').toEqual([{ error: failure }]);
    }

    const next = recorder();
    await cache.watch(pods, undefined, 10, next.handlers).created;
    expect(upstream, 'store watches').toHaveLength(2);
    upstream[1]!.onEvent({
      type: 'ADDED',
      object: {
        ...pod('default', 'a'),
        metadata: { ...pod('default', 'a').metadata, resourceVersion: '11' },
      },
    });
    expect(next.events, 'the new watcher').toEqual(['ADDED default/a@11']);
    cache.close();
  });
});
