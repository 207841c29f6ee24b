import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { examplePod } from '../../harness/api/examples.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { bytes, text } from '../../harness/store/bytes.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { ObjectStorage, type ObjectEvent } from './storage.ts';

const pods = builtinResources.find((r) => r.resource === 'pods')!;

function setup() {
  const store = new Store();
  const storage = new ObjectStorage(new MemoryStoreClient(store));
  return { store, storage };
}

/** A pod in a namespace, as the server would hand it to storage. */
function pod(name: string, namespace = 'default', labels?: Record<string, string>): KubeObject {
  const object = examplePod(name, labels);
  object.metadata.namespace = namespace;
  return object;
}

/** The error a promise rejects with, or a failure when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected an error, but the call succeeded');
}

describe('Objects in the store', () => {
  test('create stores the object as JSON at its key', async () => {
    const { store, storage } = setup();
    await storage.create(pods, pod('web'));
    const [kv] = store.range({ key: bytes('/registry/pods/default/web') }).kvs;
    expect(
      kv && JSON.parse(text(kv.value)),
      'create pod default/web, then read /registry/pods/default/web',
    ).toEqual(pod('web'));
  });

  test("the resourceVersion is the key's modRevision, and is not stored in the value", async () => {
    const { store, storage } = setup();
    store.put({ key: bytes('/unrelated'), value: bytes('x') });
    const created = await storage.create(pods, pod('web'));
    const [kv] = store.range({ key: bytes('/registry/pods/default/web') }).kvs;
    expect(created.metadata.resourceVersion, "the created pod's resourceVersion").toBe(
      String(kv!.modRevision),
    );
    expect(
      JSON.parse(text(kv!.value)).metadata.resourceVersion,
      'resourceVersion in the stored JSON',
    ).toBeUndefined();
  });

  test('creating a name that is taken is AlreadyExists (409)', async () => {
    const { storage } = setup();
    await storage.create(pods, pod('web'));
    const error = await rejection(storage.create(pods, pod('web')));
    expect([error.code, error.reason], 'create default/web twice').toEqual([409, 'AlreadyExists']);
  });

  test('get returns the object with its resourceVersion', async () => {
    const { storage } = setup();
    const created = await storage.create(pods, pod('web'));
    expect(await storage.get(pods, 'default', 'web'), 'get default/web after creating it').toEqual(
      created,
    );
  });

  test('getting a missing object is NotFound (404)', async () => {
    const { storage } = setup();
    const error = await rejection(storage.get(pods, 'default', 'nope'));
    expect([error.code, error.message], 'get default/nope').toEqual([404, 'pods "nope" not found']);
  });

  test("list reads one namespace, in name order, at the store's revision", async () => {
    const { store, storage } = setup();
    await storage.create(pods, pod('b'));
    await storage.create(pods, pod('a'));
    await storage.create(pods, pod('c', 'default2'));
    const list = await storage.list(pods, 'default');
    expect(
      list.items.map((item) => item.metadata.name),
      'pods in "default" (not "default2")',
    ).toEqual(['a', 'b']);
    expect(list.revision, "the list's revision").toBe(store.revision);
  });

  test('list without a namespace reads every namespace', async () => {
    const { storage } = setup();
    await storage.create(pods, pod('a', 'dev'));
    await storage.create(pods, pod('b', 'prod'));
    const list = await storage.list(pods);
    expect(
      list.items.map((item) => `${item.metadata.namespace}/${item.metadata.name}`),
      'all pods',
    ).toEqual(['dev/a', 'prod/b']);
  });

  test('a limit reads one page, with a continue token and the count of what remains', async () => {
    const { storage } = setup();
    for (const name of ['a', 'b', 'c', 'd', 'e']) await storage.create(pods, pod(name));
    const first = await storage.list(pods, 'default', { limit: 2 });
    expect(
      first.items.map((item) => item.metadata.name),
      'the first page',
    ).toEqual(['a', 'b']);
    expect(first.remainingItemCount, 'remainingItemCount after the first page').toBe(3);
    expect(first.continue, 'a continue token').toEqual(expect.any(String));
    const second = await storage.list(pods, 'default', { limit: 2, continue: first.continue });
    const third = await storage.list(pods, 'default', { limit: 2, continue: second.continue });
    expect(
      [...second.items, ...third.items].map((item) => item.metadata.name),
      'the next pages',
    ).toEqual(['c', 'd', 'e']);
    expect(third.continue, 'the last page has no continue token').toBeUndefined();
  });

  test("every page is read at the first page's revision, whatever is written in between", async () => {
    const { store, storage } = setup();
    for (const name of ['a', 'b', 'c']) await storage.create(pods, pod(name));
    const first = await storage.list(pods, 'default', { limit: 2 });
    await storage.create(pods, pod('d'));
    store.deleteRange({ key: bytes('/registry/pods/default/c') });
    const rest = await storage.list(pods, 'default', { limit: 2, continue: first.continue });
    expect(
      rest.items.map((item) => item.metadata.name),
      'the second page',
    ).toEqual(['c']);
    expect(rest.revision, "the second page's revision").toBe(first.revision);
  });

  test('a continue token whose revision was compacted is 410 Expired; a made-up one is 400', async () => {
    const { store, storage } = setup();
    for (const name of ['a', 'b', 'c']) await storage.create(pods, pod(name));
    const first = await storage.list(pods, 'default', { limit: 1 });
    await storage.create(pods, pod('d'));
    store.compact({ revision: store.revision });
    const expired = await rejection(storage.list(pods, 'default', { continue: first.continue }));
    expect([expired.code, expired.reason], 'a token from before the compaction').toEqual([
      410,
      'Expired',
    ]);
    const garbage = await rejection(storage.list(pods, 'default', { continue: 'not-a-token' }));
    expect([garbage.code, garbage.reason], 'continue=not-a-token').toEqual([400, 'BadRequest']);
  });

  test('update writes the new state when the resourceVersion is current', async () => {
    const { store, storage } = setup();
    const created = await storage.create(pods, pod('web'));
    const updated = await storage.update(pods, 'default', 'web', (current) => {
      current.metadata.labels = { tier: 'front' };
      return current;
    });
    expect(updated.metadata.labels, 'labels after the update').toEqual({ tier: 'front' });
    expect(updated.metadata.resourceVersion, 'resourceVersion after the update').toBe(
      String(store.revision),
    );
    expect(Number(updated.metadata.resourceVersion), 'new vs old resourceVersion').toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );
  });

  test('an update that names an old resourceVersion is a Conflict (409) and writes nothing', async () => {
    const { store, storage } = setup();
    const created = await storage.create(pods, pod('web'));
    await storage.update(pods, 'default', 'web', (current) => ({
      ...current,
      metadata: { ...current.metadata, labels: { v: '2' } },
    }));
    const revision = store.revision;
    const error = await rejection(
      storage.update(pods, 'default', 'web', () => ({
        ...created,
        metadata: { ...created.metadata, labels: { v: 'stale' } },
      })),
    );
    expect(
      [error.code, error.reason],
      'update with the resourceVersion from before another update',
    ).toEqual([409, 'Conflict']);
    expect(store.revision, 'store revision after the refused update').toBe(revision);
  });

  test('an update without a resourceVersion is tried again when someone wrote in between', async () => {
    const { store, storage } = setup();
    await storage.create(pods, pod('web'));
    let calls = 0;
    const updated = await storage.update(pods, 'default', 'web', (current) => {
      calls++;
      if (calls === 1) {
        // Someone else writes between our read and our write.
        const other = {
          ...current,
          metadata: { ...current.metadata, annotations: { other: 'yes' } },
        };
        delete other.metadata.resourceVersion;
        store.put({
          key: bytes('/registry/pods/default/web'),
          value: bytes(JSON.stringify(other)),
        });
      }
      delete current.metadata.resourceVersion;
      current.metadata.labels = { mine: 'yes' };
      return current;
    });
    expect(calls, 'times tryUpdate was called').toBe(2);
    expect(updated.metadata.annotations, "the other writer's change is kept").toEqual({
      other: 'yes',
    });
    expect(updated.metadata.labels, 'our change is applied on top').toEqual({ mine: 'yes' });
  });

  test('an update that changes nothing is not written', async () => {
    const { store, storage } = setup();
    const created = await storage.create(pods, pod('web'));
    const revision = store.revision;
    const same = await storage.update(pods, 'default', 'web', (current) => current);
    expect(store.revision, 'store revision after a no-op update').toBe(revision);
    expect(same.metadata.resourceVersion, 'resourceVersion after a no-op update').toBe(
      created.metadata.resourceVersion,
    );
  });

  test('updating a missing object is NotFound', async () => {
    const { storage } = setup();
    const error = await rejection(storage.update(pods, 'default', 'nope', (current) => current));
    expect(error.code, 'update default/nope').toBe(404);
  });

  test("delete removes the key and returns the last state at the delete's revision", async () => {
    const { store, storage } = setup();
    await storage.create(pods, pod('web'));
    const last = await storage.delete(pods, 'default', 'web');
    expect(last.metadata.name, 'the deleted object').toBe('web');
    expect(last.metadata.resourceVersion, 'its resourceVersion').toBe(String(store.revision));
    expect(store.range({ key: bytes('/registry/pods/default/web') }).count, 'keys left').toBe(0);
  });

  test('delete checks its preconditions: a different uid or resourceVersion is a Conflict', async () => {
    const { storage } = setup();
    const created = await storage.create(pods, {
      ...pod('web'),
      metadata: { ...pod('web').metadata, uid: 'u-1' },
    });
    const byUid = await rejection(storage.delete(pods, 'default', 'web', { uid: 'u-2' }));
    const byVersion = await rejection(
      storage.delete(pods, 'default', 'web', { resourceVersion: '1' }),
    );
    expect(
      [byUid.code, byVersion.code],
      'delete with uid u-2, then with resourceVersion 1',
    ).toEqual([409, 409]);
    await storage.delete(pods, 'default', 'web', {
      uid: 'u-1',
      resourceVersion: created.metadata.resourceVersion,
    });
    expect(
      (await rejection(storage.get(pods, 'default', 'web'))).code,
      'get after a matching delete',
    ).toBe(404);
  });

  test('watch turns store changes into ADDED, MODIFIED and DELETED events', async () => {
    const { store, storage } = setup();
    const events: ObjectEvent[] = [];
    const watch = storage.watch(pods, 'default', store.revision, {
      onEvent: (event) => events.push(event),
      onEnd: () => {},
    });
    await watch.created;
    await storage.create(pods, pod('web'));
    await storage.update(pods, 'default', 'web', (current) => ({
      ...current,
      metadata: { ...current.metadata, labels: { v: '2' } },
    }));
    const last = await storage.delete(pods, 'default', 'web');
    await waitFor(() => events.length === 3, 'three watch events');
    watch.cancel();
    expect(
      events.map((event) => event.type),
      'events for create, update, delete',
    ).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(events[1]!.object.metadata.labels, 'the MODIFIED object').toEqual({ v: '2' });
    expect(events[2]!.object.metadata.resourceVersion, "the DELETED object's resourceVersion").toBe(
      last.metadata.resourceVersion,
    );
  });

  test('a watch starts after the revision it is given, and sees only its namespace', async () => {
    const { storage } = setup();
    const first = await storage.create(pods, pod('old'));
    await storage.create(pods, pod('other', 'elsewhere'));
    await storage.create(pods, pod('new'));
    const names: string[] = [];
    const watch = storage.watch(pods, 'default', Number(first.metadata.resourceVersion), {
      onEvent: (event) => names.push(event.object.metadata.name!),
      onEnd: () => {},
    });
    await waitFor(() => names.length === 1, 'the replayed event');
    watch.cancel();
    expect(names, 'events after "old" was created, in namespace default').toEqual(['new']);
  });

  test('with a selection, objects that enter it are ADDED and objects that leave it are DELETED', async () => {
    const { store, storage } = setup();
    await storage.create(pods, pod('web', 'default', { tier: 'back' }));
    const events: string[] = [];
    const watch = storage.watch(
      pods,
      'default',
      store.revision,
      {
        onEvent: (event) => events.push(`${event.type} ${event.object.metadata.labels?.tier}`),
        onEnd: () => {},
      },
      (object) => object.metadata.labels?.tier === 'front',
    );
    const relabel = (tier: string) =>
      storage.update(pods, 'default', 'web', (current) => ({
        ...current,
        metadata: { ...current.metadata, labels: { tier } },
      }));
    await relabel('front');
    await relabel('front2');
    await relabel('back');
    await relabel('front');
    await storage.delete(pods, 'default', 'web');
    await waitFor(() => events.length === 4, 'four watch events');
    watch.cancel();
    // back→front: ADDED; front→front2: leaves (the last state it was seen in); →back: nothing;
    // back→front: ADDED; delete: DELETED.
    expect(events, 'events for a watch of tier=front').toEqual([
      'ADDED front',
      'DELETED front',
      'ADDED front',
      'DELETED front',
    ]);
  });

  test('a watch from a compacted revision ends, telling the compact revision', async () => {
    const { store, storage } = setup();
    await storage.create(pods, pod('a'));
    await storage.create(pods, pod('b'));
    store.compact({ revision: store.revision });
    let ended: { compactRevision?: number } | undefined;
    storage.watch(pods, 'default', 1, { onEvent: () => {}, onEnd: (end) => (ended = end) });
    await waitFor(() => ended !== undefined, 'the watch to end');
    expect(ended?.compactRevision, 'compactRevision the watch ended with').toBe(store.revision);
  });
});
