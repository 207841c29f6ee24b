import request from 'supertest';
import { describe, expect, test } from 'vitest';
import { exampleDeployment, examplePod } from '../../harness/api/examples.ts';
import type { Pod } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { bytes, text } from '../../harness/store/bytes.ts';
import type { StoreClient } from '../../harness/store/client.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import { verbOf } from './filters.ts';
import { createApiServer } from './server.ts';

const JAN_2 = Date.UTC(2024, 0, 2, 3, 4, 5);

/** A server over a fresh store (or `store`), with `wrap` around its client if given. */
async function setup(
  wrap: (client: StoreClient) => StoreClient = (client) => client,
  store = new Store(),
) {
  let n = 0;
  const server = await createApiServer({
    store: wrap(new MemoryStoreClient(store)),
    clock: new FakeClock(JAN_2),
    random: () => (((n++ * 0.618) % 1) + 1) % 1,
    compactionIntervalMs: 0,
  });
  return { store, server, api: request(server.app) };
}

const PODS = '/api/v1/namespaces/default/pods';

describe('Create, get and list', () => {
  test('at start, the store holds the namespaces every cluster has', async () => {
    const { store } = await setup();
    const keys = store
      .range({ key: bytes('/registry/namespaces/'), rangeEnd: bytes('/registry/namespaces0') })
      .kvs.map((kv) => text(kv.key));
    expect(keys, 'the keys under /registry/namespaces/ once createApiServer resolved').toEqual([
      '/registry/namespaces/default',
      '/registry/namespaces/kube-node-lease',
      '/registry/namespaces/kube-public',
      '/registry/namespaces/kube-system',
    ]);
  });

  test('each of them is stored as a create would store it: uid, creation time, defaults', async () => {
    const { store } = await setup();
    const [kv] = store.range({ key: bytes('/registry/namespaces/kube-system') }).kvs;
    const namespace = kv && JSON.parse(text(kv.value));
    expect(
      [namespace?.kind, namespace?.metadata.name, namespace?.metadata.creationTimestamp],
      'kind, name and creationTimestamp of the stored kube-system',
    ).toEqual(['Namespace', 'kube-system', '2024-01-02T03:04:05Z']);
    expect(namespace?.metadata.uid, 'its uid').toMatch(/^[0-9a-f-]{36}$/);
    expect([namespace?.spec, namespace?.status], 'its spec and status (the defaults)').toEqual([
      { finalizers: ['kubernetes'] },
      { phase: 'Active' },
    ]);
  });

  test('started again on the same store, the server finds its namespaces there and writes nothing', async () => {
    const { store } = await setup();
    const revision = store.revision;
    await setup(undefined, store);
    expect(store.revision, 'store revision after a second server started on the same store').toBe(
      revision,
    );
  });

  test('a store that refuses writes at start makes createApiServer fail with its error', async () => {
    const refusing = (client: StoreClient) => {
      const failing = Object.create(client) as StoreClient;
      failing.txn = () => Promise.reject(new Error('disk full'));
      return failing;
    };
    const outcome = await setup(refusing).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(outcome, 'createApiServer over a store whose every txn fails').toBe('disk full');
  });

  test("the body reader's refusals are Statuses too: too large is a 413, an unknown encoding a 415", async () => {
    const server = await createApiServer({
      store: new MemoryStoreClient(new Store()),
      compactionIntervalMs: 0,
      maxBodyBytes: 1024,
    });
    const api = request(server.app);
    const large = await api
      .post(PODS)
      .set('content-type', 'application/json')
      .send('x'.repeat(2000));
    expect(
      [large.status, large.body.kind, large.body.reason],
      `POST ${PODS} 2000 bytes to a server whose maxBodyBytes is 1024`,
    ).toEqual([413, 'Status', 'RequestEntityTooLarge']);
    const encoded = await api
      .post(PODS)
      .set('content-type', 'application/json')
      .set('content-encoding', 'compress')
      .send('{}');
    expect(
      [encoded.status, encoded.body.kind, encoded.body.reason],
      `POST ${PODS} with Content-Encoding: compress`,
    ).toEqual([415, 'Status', 'UnsupportedMediaType']);
  });

  test('a path that names no resource is a 404 Status', async () => {
    const { api } = await setup();
    for (const path of [
      '/api/v1/widgets',
      '/apis/apps/v1/namespaces/default/pods',
      '/nothing/here',
      '/api/v1/namespaces/default/pods/web/nonsense',
    ]) {
      const response = await api.get(path);
      expect([response.status, response.body.kind, response.body.reason], `GET ${path}`).toEqual([
        404,
        'Status',
        'NotFound',
      ]);
    }
  });

  test('a verb a path does not take is a 405 Status', async () => {
    const { api } = await setup();
    const tries = {
      [`PUT ${PODS}`]: api.put(PODS).send(examplePod('web')),
      [`POST ${PODS}/web`]: api.post(`${PODS}/web`).send(examplePod('web')),
      [`OPTIONS ${PODS}/web`]: api.options(`${PODS}/web`),
    };
    for (const [what, call] of Object.entries(tries)) {
      const response = await call;
      expect([response.status, response.body.reason], what).toEqual([405, 'MethodNotAllowed']);
    }
  });

  test("each request has kube's verb: get, list, watch, create, update, patch, delete, deletecollection", () => {
    const pods = builtinResources.find((r) => r.group === '' && r.resource === 'pods')!;
    const collection = { resource: pods, namespace: 'default' };
    const object = { ...collection, name: 'web' };
    const none = new URLSearchParams();
    const verbs = [
      verbOf('GET', object, none),
      verbOf('GET', collection, none),
      verbOf('GET', collection, new URLSearchParams('watch=true')),
      verbOf('POST', collection, none),
      verbOf('PUT', object, none),
      verbOf('PATCH', object, none),
      verbOf('DELETE', object, none),
      verbOf('DELETE', collection, none),
      verbOf('OPTIONS', object, none),
    ];
    expect(
      verbs,
      'verbOf of GET web, GET pods, GET pods?watch=true, POST pods, PUT, PATCH and DELETE web, DELETE pods, OPTIONS web',
    ).toEqual([
      'get',
      'list',
      'watch',
      'create',
      'update',
      'patch',
      'delete',
      'deletecollection',
      undefined,
    ]);
  });

  test('GET of a missing object is a 404 Status', async () => {
    const { api } = await setup();
    const response = await api.get(`${PODS}/nope`);
    expect(response.status, `GET ${PODS}/nope`).toBe(404);
    expect(response.body, 'the answer').toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'pods' },
      code: 404,
    });
  });

  test('GET /api/v1/namespaces/<name> finds each of them', async () => {
    const { api } = await setup();
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      const response = await api.get(`/api/v1/namespaces/${name}`);
      expect(
        [response.status, response.body.kind, response.body.metadata?.name],
        `GET /api/v1/namespaces/${name} on a new server`,
      ).toEqual([200, 'Namespace', name]);
      expect(response.body.status, `the status of namespace ${name}`).toEqual({ phase: 'Active' });
    }
  });

  test("GET answers what is stored at the object's key, with its modRevision as resourceVersion", async () => {
    const { api, store } = await setup();
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' } };
    store.put({ key: bytes('/registry/pods/default/web'), value: bytes(JSON.stringify(pod)) });
    const response = await api.get(`${PODS}/web`);
    expect(
      [response.status, response.body],
      `GET ${PODS}/web after putting a pod at /registry/pods/default/web (revision ${store.revision})`,
    ).toEqual([
      200,
      { ...pod, metadata: { ...pod.metadata, resourceVersion: String(store.revision) } },
    ]);
  });

  test('when the store fails, the answer is a 500 InternalError Status, not a crash', async () => {
    const { api } = await setup((client) => {
      const failing = Object.create(client) as StoreClient;
      failing.range = () => Promise.reject(new Error('connection refused'));
      return failing;
    });
    const response = await api.get(`${PODS}/web`);
    expect(
      [response.status, response.body.reason, response.body.message],
      `GET ${PODS}/web with the store down`,
    ).toEqual([500, 'InternalError', 'Internal error occurred: connection refused']);
  });

  test('every answer is JSON, with its length', async () => {
    const { api } = await setup();
    for (const path of ['/api/v1/namespaces/default', `${PODS}/nope`, '/nothing']) {
      const response = await api.get(path);
      expect(response.headers['content-type'], `Content-Type of GET ${path}`).toMatch(
        /^application\/json/,
      );
      expect(Number(response.headers['content-length']), `Content-Length of GET ${path}`).toBe(
        Buffer.byteLength(response.text),
      );
    }
  });

  test('POST a pod: 201 with the stored pod', async () => {
    const { api } = await setup();
    const response = await api.post(PODS).send(examplePod('web'));
    expect(response.status, `POST ${PODS} a pod named web: ${response.text}`).toBe(201);
    expect(response.headers['content-type'], 'Content-Type').toMatch(/^application\/json/);
    expect(
      [response.body.kind, response.body.apiVersion, response.body.metadata.name],
      'kind, apiVersion, name',
    ).toEqual(['Pod', 'v1', 'web']);
  });

  test("the stored pod has the server's fields: namespace, uid, creationTimestamp, generation, resourceVersion", async () => {
    const { api } = await setup();
    const { body } = await api.post(PODS).send(examplePod('web'));
    const { namespace, uid, creationTimestamp, generation, resourceVersion } = body.metadata;
    expect(namespace, 'namespace (from the URL)').toBe('default');
    expect(uid, 'uid').toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(creationTimestamp, 'creationTimestamp').toBe('2024-01-02T03:04:05Z');
    expect(generation, 'generation').toBe(1);
    expect(resourceVersion, 'resourceVersion').toMatch(/^\d+$/);
  });

  test("the resourceVersion is the store's modRevision of the pod's key", async () => {
    const { api, store } = await setup();
    const { body } = await api.post(PODS).send(examplePod('web'));
    const [kv] = store.range({ key: bytes('/registry/pods/default/web') }).kvs;
    expect(
      body.metadata.resourceVersion,
      'resourceVersion vs the modRevision of /registry/pods/default/web',
    ).toBe(String(kv?.modRevision));
  });

  test('GET returns the object as stored', async () => {
    const { api } = await setup();
    const created = await api.post(PODS).send(examplePod('web'));
    const response = await api.get(`${PODS}/web`);
    expect(response.status, `GET ${PODS}/web`).toBe(200);
    expect(response.body, 'the pod read back').toEqual(created.body);
  });

  test('generateName: the server picks the rest of the name', async () => {
    const { api } = await setup();
    const pod = examplePod('');
    pod.metadata = { generateName: 'web-' };
    const response = await api.post(PODS).send(pod);
    expect(response.status, `POST a pod with generateName "web-": ${response.text}`).toBe(201);
    expect(response.body.metadata.name, 'its name').toMatch(
      /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
    );
  });

  test('creating a name that is taken is a 409 AlreadyExists', async () => {
    const { api } = await setup();
    await api.post(PODS).send(examplePod('web'));
    const response = await api.post(PODS).send(examplePod('web'));
    expect(
      [response.status, response.body.reason, response.body.message],
      'POST pod web twice',
    ).toEqual([409, 'AlreadyExists', 'pods "web" already exists']);
  });

  test("a list is a PodList with the store's revision as its resourceVersion", async () => {
    const { api, store } = await setup();
    await api.post(PODS).send(examplePod('b'));
    await api.post(PODS).send(examplePod('a'));
    const response = await api.get(PODS);
    expect(response.status, `GET ${PODS}`).toBe(200);
    expect([response.body.kind, response.body.apiVersion], 'kind and apiVersion').toEqual([
      'PodList',
      'v1',
    ]);
    expect(response.body.metadata.resourceVersion, 'list resourceVersion').toBe(
      String(store.revision),
    );
    expect(
      response.body.items.map((pod: { metadata: { name: string } }) => pod.metadata.name),
      'items',
    ).toEqual(['a', 'b']);
  });

  test('an empty list still has items: []', async () => {
    const { api } = await setup();
    const response = await api.get(PODS);
    expect(response.body.items, `GET ${PODS} with no pods`).toEqual([]);
  });

  test('/api/v1/pods lists pods in every namespace', async () => {
    const { api } = await setup();
    await api.post('/api/v1/namespaces/kube-system/pods').send(examplePod('dns'));
    await api.post(PODS).send(examplePod('web'));
    const response = await api.get('/api/v1/pods');
    expect(
      response.body.items.map(
        (pod: { metadata: { namespace: string; name: string } }) =>
          `${pod.metadata.namespace}/${pod.metadata.name}`,
      ),
      'GET /api/v1/pods',
    ).toEqual(['default/web', 'kube-system/dns']);
  });

  test('named groups work the same way: a Deployment under /apis/apps/v1, with its defaults', async () => {
    const { api } = await setup();
    const path = '/apis/apps/v1/namespaces/default/deployments';
    const response = await api.post(path).send(exampleDeployment('web'));
    expect(response.status, `POST ${path}: ${response.text}`).toBe(201);
    expect(response.body.spec.strategy.type, "the stored deployment's strategy").toBe(
      'RollingUpdate',
    );
    const list = await api.get(path);
    expect([list.body.kind, list.body.apiVersion], `GET ${path}`).toEqual([
      'DeploymentList',
      'apps/v1',
    ]);
  });

  test('creating in a namespace that does not exist is a 404 for the namespace', async () => {
    const { api } = await setup();
    const response = await api.post('/api/v1/namespaces/nope/pods').send(examplePod('web'));
    expect([response.status, response.body.message], 'POST a pod in namespace nope').toEqual([
      404,
      'namespaces "nope" not found',
    ]);
  });

  test('a new namespace can hold objects', async () => {
    const { api } = await setup();
    const created = await api
      .post('/api/v1/namespaces')
      .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    expect(created.status, `POST namespace team-a: ${created.text}`).toBe(201);
    const pod = await api.post('/api/v1/namespaces/team-a/pods').send(examplePod('web'));
    expect(pod.status, `POST a pod in team-a: ${pod.text}`).toBe(201);
  });

  test('cluster-scoped objects live outside namespaces', async () => {
    const { api } = await setup();
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-1', namespace: 'default' },
    };
    const created = await api.post('/api/v1/nodes').send(node);
    expect(created.status, `POST /api/v1/nodes: ${created.text}`).toBe(201);
    expect(created.body.metadata.namespace, "a node's namespace (ignored)").toBeUndefined();
    const read = await api.get('/api/v1/nodes/node-1');
    expect(read.body.metadata.name, 'GET /api/v1/nodes/node-1').toBe('node-1');
  });

  test('an invalid object is a 422 Invalid naming every bad field, and is not stored', async () => {
    const { api, store } = await setup();
    const pod = examplePod('Web');
    pod.spec.containers = [{ name: 'app', image: '' }];
    const revision = store.revision;
    const response = await api.post(PODS).send(pod);
    expect(
      [response.status, response.body.reason],
      `POST an invalid pod: ${response.text}`,
    ).toEqual([422, 'Invalid']);
    expect(
      response.body.details.causes.map((cause: { field: string }) => cause.field),
      'the causes',
    ).toEqual(['metadata.name', 'spec.containers[0].image']);
    expect(store.revision, 'store revision after the refused create').toBe(revision);
  });

  test("an object for another namespace than the URL's is a 400", async () => {
    const { api } = await setup();
    const pod = examplePod('web');
    pod.metadata.namespace = 'kube-system';
    const response = await api.post(PODS).send(pod);
    expect(
      [response.status, response.body.reason],
      'POST to default a pod that says kube-system',
    ).toEqual([400, 'BadRequest']);
  });

  test('objects are created in a namespace, not in the list across namespaces: 405', async () => {
    const { api } = await setup();
    const response = await api.post('/api/v1/pods').send(examplePod('web'));
    expect([response.status, response.body.reason], 'POST /api/v1/pods').toEqual([
      405,
      'MethodNotAllowed',
    ]);
  });

  test('?limit pages a list: metadata.continue fetches the next page, until none is left', async () => {
    const { api } = await setup();
    for (const name of ['a', 'b', 'c']) await api.post(PODS).send(examplePod(name));
    const first = await api.get(`${PODS}?limit=2`);
    expect(
      [
        first.body.items.map((item: Pod) => item.metadata.name),
        first.body.metadata.remainingItemCount,
      ],
      `GET ${PODS}?limit=2: names and remainingItemCount`,
    ).toEqual([['a', 'b'], 1]);
    const next = `${PODS}?limit=2&continue=${encodeURIComponent(first.body.metadata.continue)}`;
    const second = await api.get(next);
    expect(
      second.body.items.map((item: Pod) => item.metadata.name),
      'the second page',
    ).toEqual(['c']);
    expect(second.body.metadata.continue, 'no continue on the last page').toBeUndefined();
    expect(second.body.metadata.resourceVersion, 'both pages at one version').toBe(
      first.body.metadata.resourceVersion,
    );
    const bad = await api.get(`${PODS}?limit=-1`);
    expect([bad.status, bad.body.reason], 'limit=-1').toEqual([400, 'BadRequest']);
  });

  test("kubectl's Accept asks for a Table: the columns to print, and a row per object", async () => {
    const { api } = await setup();
    await api.post(PODS).send(examplePod('web'));
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const list = await api.get(PODS).set('accept', accept);
    expect(
      [list.body.kind, list.body.apiVersion, list.body.rows.length],
      `GET ${PODS} with Accept: ${accept}`,
    ).toEqual(['Table', 'meta.k8s.io/v1', 1]);
    expect(
      list.body.columnDefinitions.map((column: { name: string }) => column.name).slice(0, 5),
      'the first columns',
    ).toEqual(['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    expect(list.body.rows[0].cells.slice(0, 4), 'the cells of web').toEqual([
      'web',
      '0/1',
      'Pending',
      0,
    ]);
    const one = await api.get(`${PODS}/web`).set('accept', accept);
    expect([one.body.kind, one.body.rows[0].object.metadata.name], 'GET of one pod').toEqual([
      'Table',
      'web',
    ]);
  });

  test("a Table of a list carries the list's resourceVersion; ?includeObject=None leaves the objects out", async () => {
    const { api } = await setup();
    await api.post(PODS).send(examplePod('web'));
    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io';
    const list = await api.get(PODS).set('accept', accept);
    const plain = await api.get(PODS);
    expect(
      list.body.metadata.resourceVersion,
      "the Table's resourceVersion, against the PodList's",
    ).toBe(plain.body.metadata.resourceVersion);
    expect(list.body.rows[0].object.metadata.name, 'a row carries its object by default').toBe(
      'web',
    );
    const bare = await api.get(`${PODS}?includeObject=None`).set('accept', accept);
    expect(bare.body.rows[0].object, `a row of GET ${PODS}?includeObject=None`).toBeUndefined();
  });

  test('listen(0) picks a free port and answers with its URL; close() stops serving', async () => {
    const { server } = await setup();
    const url = await server.listen(0);
    expect(url, 'what listen(0) resolves with').toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const served = await fetch(`${url}/api/v1/namespaces/default`);
    expect(served.status, `GET ${url}/api/v1/namespaces/default`).toBe(200);
    await server.close();
    const refused = await fetch(`${url}/api/v1/namespaces/default`).then(
      () => 'answered',
      () => 'refused',
    );
    expect(refused, 'a GET after close()').toBe('refused');
  });

  test('over the network, a GET answers the same bytes as the app itself, found or not', async () => {
    const store = new Store();
    const server = await createApiServer({
      store: new MemoryStoreClient(store),
      compactionIntervalMs: 0,
    });
    const url = await server.listen(0);
    try {
      await request(server.app).post(PODS).send(examplePod('web'));
      for (const path of [`${PODS}/web`, `${PODS}/nobody`, '/api/v1/namespaces/default']) {
        const direct = await request(server.app).get(path);
        const served = await fetch(`${url}${path}`);
        expect(
          [served.status, served.headers.get('content-type'), await served.text()],
          `GET ${path} over HTTP, against the app's own answer`,
        ).toEqual([direct.status, direct.headers['content-type'], direct.text]);
      }
    } finally {
      await server.close();
    }
  });
});
