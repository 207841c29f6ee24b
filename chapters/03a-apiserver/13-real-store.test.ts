// The same API server over real stores: chapter 02's store server and HTTP client (etcd's JSON
// API on a real socket), and a real etcd when one is on PATH. Nothing in the API server changes:
// it only ever talks to a StoreClient.
import request from 'supertest';
import { afterEach, describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { WatchReader } from '../../harness/api/watch-reader.ts';
import type { StoreClient } from '../../harness/store/client.ts';
import { etcdVersion, startEtcd } from '../../harness/testing/etcd.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createStoreClient } from '../../solutions/02-store-server/client.ts';
import { createStoreServer } from '../../solutions/02-store-server/server.ts';
import { createApiServer } from './server.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The kata store on a socket, and chapter 02's client for it. */
async function kataStore(): Promise<StoreClient> {
  const storeServer = createStoreServer({ store: new Store() });
  const url = await storeServer.listen(0);
  cleanups.push(() => storeServer.close());
  const client = createStoreClient(url);
  cleanups.push(() => client.close());
  return client;
}

async function realEtcd(): Promise<StoreClient> {
  const etcd = await startEtcd();
  cleanups.push(() => etcd.stop());
  const client = createStoreClient(etcd.url);
  cleanups.push(() => client.close());
  return client;
}

async function apiServerOn(client: StoreClient) {
  const server = await createApiServer({ store: client });
  const url = await server.listen(0);
  cleanups.push(() => server.close());
  return { url, api: request(url) };
}

const PODS = '/api/v1/namespaces/default/pods';

/** Create, read, list, a stale update, a watched change and a delete: the API server's round. */
async function exercise(client: StoreClient): Promise<void> {
  const { url, api } = await apiServerOn(client);
  const created = await api.post(PODS).send(examplePod('web'));
  expect(created.status, `POST ${PODS}: ${created.text}`).toBe(201);
  const read = await api.get(`${PODS}/web`);
  expect(read.body, `GET ${PODS}/web`).toEqual(created.body);
  const list = await api.get(PODS);
  expect(
    list.body.items.map((pod: KubeObject) => pod.metadata.name),
    `GET ${PODS}`,
  ).toEqual(['web']);

  const reader = new WatchReader(
    url,
    `${PODS}?watch=true&resourceVersion=${list.body.metadata.resourceVersion}`,
  );
  cleanups.push(() => reader.close());
  await reader.started;
  const changed = { ...created.body, metadata: { ...created.body.metadata, labels: { v: '2' } } };
  const updated = await api.put(`${PODS}/web`).send(changed);
  expect(updated.status, `PUT ${PODS}/web: ${updated.text}`).toBe(200);
  const stale = await api.put(`${PODS}/web`).send(changed);
  expect(stale.status, `PUT ${PODS}/web again from the same old version`).toBe(409);
  const event = await reader.next('the MODIFIED event');
  expect(
    [event?.type, (event?.object as KubeObject).metadata.resourceVersion],
    'the watch event for the PUT',
  ).toEqual(['MODIFIED', updated.body.metadata.resourceVersion]);
  const deleted = await api.delete(`${PODS}/web`);
  expect(deleted.status, `DELETE ${PODS}/web`).toBe(200);
  expect((await reader.next('the DELETED event'))?.type, 'the watch event for the DELETE').toBe(
    'DELETED',
  );
}

/** A watch from before a compaction ends with a 410 ERROR event over a real store too. */
async function expiredWatch(client: StoreClient): Promise<void> {
  const { url, api } = await apiServerOn(client);
  const first = await api.post(PODS).send(examplePod('a'));
  const second = await api.post(PODS).send(examplePod('b'));
  await client.compact(Number(second.body.metadata.resourceVersion));
  const reader = new WatchReader(
    url,
    `${PODS}?watch=true&resourceVersion=${Number(first.body.metadata.resourceVersion) - 1}`,
  );
  cleanups.push(() => reader.close());
  const events = await reader.rest(10_000);
  expect(
    events.map((event) => [event.type, (event.object as { code?: number }).code]),
    'the stream',
  ).toEqual([['ERROR', 410]]);
}

describe('On a real store', () => {
  test("over chapter 02's store server and client: create, read, update, watch and delete", async () => {
    await exercise(await kataStore());
  });

  test('over the wire, a watch from a compacted resourceVersion is still a 410 Expired', async () => {
    await expiredWatch(await kataStore());
  });

  // Skipped, with this reason, when no etcd is on PATH (CI always has one).
  const noEtcd = !etcdVersion();
  test.skipIf(noEtcd)('on a real etcd, when one is on PATH: the same round', async () => {
    await exercise(await realEtcd());
  });

  test.skipIf(noEtcd)(
    'on a real etcd, when one is on PATH: a compacted watch is a 410',
    async () => {
      await expiredWatch(await realEtcd());
    },
  );
});
