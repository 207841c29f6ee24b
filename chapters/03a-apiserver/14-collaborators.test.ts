// The server's collaborators (harness/api/machinery.ts) are what chapter 03b builds: selectors,
// patches, subresources and discovery. These tests hand the server tiny stand-ins, to check the
// server's half of each: it calls them at the right moment, and stores what they return with the
// same care as any write (defaults, validation, a compare on the resourceVersion).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterEach, describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { exampleDeployment, examplePod } from '../../harness/api/examples.ts';
import type {
  Discovery,
  Patcher,
  ReadWarning,
  Selectors,
  Subresource,
} from '../../harness/api/machinery.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type { DeleteOptions, KubeObject, Pod } from '../../harness/api/types.ts';
import { WatchReader } from '../../harness/api/watch-reader.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createApiServer, type ApiServerOptions } from './server.ts';

/** Selects objects that carry the label named by the selector text ("tier" → has tier). */
const hasLabel: Selectors = {
  labelSelector: (text) => (object) => object.metadata.labels?.[text] !== undefined,
  fieldSelector: (text, resource) => {
    if (text !== 'metadata.name=web')
      throw new ApiError(
        400,
        'BadRequest',
        `field label not supported on ${resource.resource}: ${text}`,
      );
    return (object) => object.metadata.name === 'web';
  },
};

/** Applies "patches" that add labels, set a status or rename: enough to see the server's side. */
const simplePatcher: Patcher = {
  contentTypes: ['application/x-simple+json'],
  apply: (_type, current, patch) => {
    const { labels, status, name } = patch as {
      labels?: Record<string, string>;
      status?: unknown;
      name?: string;
    };
    const next = structuredClone(current);
    if (labels) next.metadata.labels = { ...next.metadata.labels, ...labels };
    if (status) next.status = status;
    if (name) next.metadata.name = name;
    return next;
  },
};

/** A status subresource in miniature: shows the object, writes only its status. */
const status: Subresource = {
  name: 'status',
  get: (parent) => parent,
  update: (parent, body) => ({ ...parent, status: body.status }),
};

/** A scale subresource without PUT or PATCH, to see 405s. */
const readOnlyScale: Subresource = {
  name: 'scale',
  get: (parent) => ({
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: parent.metadata,
    spec: { replicas: (parent.spec as { replicas: number }).replicas },
  }),
};

/** Answers /healthz (as text) and /api (as JSON); nothing else. */
const discovery: Discovery = (path) =>
  path === '/healthz'
    ? { contentType: 'text/plain', body: 'ok' }
    : path === '/api'
      ? { body: { kind: 'APIVersions', versions: ['v1'] } }
      : undefined;

/** A binding-like subresource: POST sets spec.nodeName, answers a Success Status. */
const binding: Subresource = {
  name: 'binding',
  create: (parent, body) => ({
    parent: {
      ...parent,
      spec: { ...(parent.spec as object), nodeName: (body.target as { name: string }).name },
    },
    answer: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
  }),
};

/**
 * An eviction-like subresource that acts: it counts the namespace's pods into the deployment
 * "app"'s status, deletes its parent with the body's deleteOptions, and says if it was a dry run.
 */
const eviction: Subresource = {
  name: 'eviction',
  act: async (parent, body, actions) => {
    const pods = await actions.list(actions.resource, parent.metadata.namespace!);
    const deployments = builtinResources.find((r) => r.resource === 'deployments')!;
    const [app] = await actions.list(deployments, parent.metadata.namespace!);
    await actions.updateStatus(deployments, { ...app!, status: { replicas: pods.length } });
    await actions.deleteParent((body.deleteOptions ?? {}) as DeleteOptions);
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      message: `dryRun ${actions.dryRun}`,
    };
  },
};

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function setup(options: Partial<ApiServerOptions> = {}) {
  const store = new Store();
  const server = await createApiServer({
    store: new MemoryStoreClient(store),
    selectors: hasLabel,
    patcher: simplePatcher,
    subresources: [status, readOnlyScale, binding, eviction],
    // Reads "name=image" bodies: a stand-in for kubectl's protobuf.
    bodyDecoders: [
      {
        mediaType: 'application/x-name-image',
        decode: (raw) => {
          const [name, image] = Buffer.from(raw).toString().split('=');
          return {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name },
            spec: { containers: [{ name: 'app', image }] },
          };
        },
      },
    ],
    compactionIntervalMs: 0,
    ...options,
  });
  servers.push(server);
  const api = request(server.app);
  await api.post(PODS).send(examplePod('web', { tier: 'front' }));
  await api.post(PODS).send(examplePod('db', {}));
  await api.post(DEPLOYMENTS).send(exampleDeployment('app'));
  return { server, store, api };
}

const PODS = '/api/v1/namespaces/default/pods';

/**
 * A stand-in kubelet on a free port: answers every request with `status` and `body`, or lets
 * `body` write the answer as it likes.
 */
async function fakeKubelet(
  status: number,
  body: string | ((response: http.ServerResponse) => Promise<void>),
) {
  const seen: string[] = [];
  const server = http.createServer((request, response) => {
    seen.push(request.url ?? '');
    response.writeHead(status, { 'content-type': 'text/plain' });
    if (typeof body === 'string') response.end(body);
    else void body(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  servers.push({ close });
  return { port, seen, close };
}

/** Node node-1, whose kubelet listens on 127.0.0.1:<port>. */
function nodeAt(port: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1' },
    status: {
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: port } },
    },
  };
}

/** examplePod bound to `node`. */
function podOn(name: string, node: string): Pod {
  const pod = examplePod(name);
  pod.spec.nodeName = node;
  return pod;
}

const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';
const names = (list: { items: KubeObject[] }) => list.items.map((item) => item.metadata.name);

describe('Collaborators', () => {
  test("without chapter 03b's collaborators: a PATCH is a 415 and a selector a 400", async () => {
    const bare = await createApiServer({
      store: new MemoryStoreClient(new Store()),
      compactionIntervalMs: 0,
    });
    servers.push(bare);
    const api = request(bare.app);
    await api.post(PODS).send(examplePod('web'));
    const patch = await api
      .patch(`${PODS}/web`)
      .set('content-type', 'application/merge-patch+json')
      .send('{}');
    expect([patch.status, patch.body.reason], `PATCH ${PODS}/web`).toEqual([
      415,
      'UnsupportedMediaType',
    ]);
    const selected = await api.get(`${PODS}?labelSelector=app%3Dweb`);
    expect([selected.status, selected.body.reason], `GET ${PODS}?labelSelector=app=web`).toEqual([
      400,
      'BadRequest',
    ]);
    const status = await api.get(`${PODS}/web/status`);
    expect(status.status, `GET ${PODS}/web/status`).toBe(404);
  });

  test('a list keeps only what the labelSelector and fieldSelector select', async () => {
    const { api } = await setup();
    expect(
      names((await api.get(`${PODS}?labelSelector=tier`)).body),
      `GET ${PODS}?labelSelector=tier`,
    ).toEqual(['web']);
    expect(
      names((await api.get(`${PODS}?fieldSelector=metadata.name%3Dweb`)).body),
      'GET ...?fieldSelector=metadata.name=web',
    ).toEqual(['web']);
    const both = await api.get(`${PODS}?labelSelector=nothing&fieldSelector=metadata.name%3Dweb`);
    expect(names(both.body), 'both selectors: they must both hold').toEqual([]);
  });

  test('a selector the collaborator refuses is its error, as a Status', async () => {
    const { api } = await setup();
    const response = await api.get(`${PODS}?fieldSelector=spec.magic%3D1`);
    expect([response.status, response.body.message], 'GET ...?fieldSelector=spec.magic=1').toEqual([
      400,
      'field label not supported on pods: spec.magic=1',
    ]);
  });

  test('a watch with a selector sees only selected objects, from the first ADDED on', async () => {
    const { server, api } = await setup();
    const url = await server.listen(0);
    const reader = new WatchReader(url, `${PODS}?watch=true&labelSelector=tier`);
    try {
      const first = await reader.next('the first event');
      expect(
        [first?.type, (first?.object as KubeObject).metadata.name],
        'the initial event',
      ).toEqual(['ADDED', 'web']);
      await api.post(PODS).send(examplePod('cache', {}));
      await api.post(PODS).send(examplePod('edge', { tier: 'edge' }));
      const next = await reader.next('the next event');
      expect(
        [next?.type, (next?.object as KubeObject).metadata.name],
        'the next event (cache has no tier)',
      ).toEqual(['ADDED', 'edge']);
    } finally {
      reader.close();
    }
  });

  test('PATCH hands the stored object and the parsed body to the patcher, and stores the result', async () => {
    const { api } = await setup();
    const before = await api.get(`${PODS}/web`);
    const response = await api
      .patch(`${PODS}/web`)
      .set('content-type', 'application/x-simple+json')
      .send('{"labels":{"v":"2"}}');
    expect(response.status, `PATCH ${PODS}/web: ${response.text}`).toBe(200);
    expect(response.body.metadata.labels, 'labels after the patch').toEqual({
      tier: 'front',
      v: '2',
    });
    expect(
      Number(response.body.metadata.resourceVersion),
      'resourceVersion after the patch',
    ).toBeGreaterThan(Number(before.body.metadata.resourceVersion));
  });

  test('a PATCH in a format the patcher does not take is a 415 that lists the ones it does', async () => {
    const { api } = await setup();
    const response = await api
      .patch(`${PODS}/web`)
      .set('content-type', 'application/merge-patch+json')
      .send('{}');
    expect([response.status, response.body.message], 'PATCH as merge-patch').toEqual([
      415,
      'the body of the request was in an unknown format (application/merge-patch+json) - accepted media types include: application/x-simple+json',
    ]);
  });

  test('a patched object is checked like any update: no renaming, no invalid labels', async () => {
    const { api } = await setup();
    const renamed = await api
      .patch(`${PODS}/web`)
      .set('content-type', 'application/x-simple+json')
      .send('{"name":"other"}');
    expect(renamed.status, 'PATCH that renames the pod').toBe(400);
    const invalid = await api
      .patch(`${PODS}/web`)
      .set('content-type', 'application/x-simple+json')
      .send('{"labels":{"bad":"a b"}}');
    expect([invalid.status, invalid.body.reason], 'PATCH that sets an invalid label').toEqual([
      422,
      'Invalid',
    ]);
    const missing = await api
      .patch(`${PODS}/nope`)
      .set('content-type', 'application/x-simple+json')
      .send('{}');
    expect(missing.status, 'PATCH of a missing pod').toBe(404);
  });

  test('GET on a subresource shows what the subresource shows', async () => {
    const { api } = await setup();
    const response = await api.get(`${DEPLOYMENTS}/app/scale`);
    expect(
      [response.status, response.body.kind, response.body.spec],
      `GET ${DEPLOYMENTS}/app/scale`,
    ).toEqual([200, 'Scale', { replicas: 2 }]);
  });

  test('PUT on /status changes the status and nothing else', async () => {
    const { api } = await setup();
    const { body: current } = await api.get(`${DEPLOYMENTS}/app`);
    const response = await api.put(`${DEPLOYMENTS}/app/status`).send({
      ...current,
      spec: { ...current.spec, replicas: 9 },
      status: { replicas: 2, observedGeneration: 1 },
    });
    expect(response.status, `PUT ${DEPLOYMENTS}/app/status: ${response.text}`).toBe(200);
    expect(
      [response.body.status, response.body.spec.replicas, response.body.metadata.generation],
      'status, spec.replicas, generation',
    ).toEqual([{ replicas: 2, observedGeneration: 1 }, 2, 1]);
  });

  test('a write to a subresource with an old resourceVersion is a 409', async () => {
    const { api } = await setup();
    const { body: current } = await api.get(`${DEPLOYMENTS}/app`);
    await api.put(`${DEPLOYMENTS}/app/status`).send({ ...current, status: { replicas: 1 } });
    const response = await api
      .put(`${DEPLOYMENTS}/app/status`)
      .send({ ...current, status: { replicas: 2 } });
    expect([response.status, response.body.reason], 'PUT status from an old version').toEqual([
      409,
      'Conflict',
    ]);
  });

  test("a write through /status keeps the server's fields, whatever the body says", async () => {
    const { api } = await setup();
    const { body: current } = await api.get(`${DEPLOYMENTS}/app`);
    const response = await api.put(`${DEPLOYMENTS}/app/status`).send({
      ...current,
      metadata: { ...current.metadata, uid: 'forged', creationTimestamp: '2000-01-01T00:00:00Z' },
      status: { replicas: 2 },
    });
    expect(
      [response.status, response.body.metadata.uid, response.body.metadata.creationTimestamp],
      `PUT ${DEPLOYMENTS}/app/status with another uid and creationTimestamp`,
    ).toEqual([200, current.metadata.uid, current.metadata.creationTimestamp]);
  });

  test('a subresource of a missing object is a 404, on a GET and on a PUT', async () => {
    const { api } = await setup();
    const get = await api.get(`${DEPLOYMENTS}/nope/scale`);
    const put = await api
      .put(`${DEPLOYMENTS}/nope/status`)
      .send({ metadata: { name: 'nope' }, status: { replicas: 1 } });
    expect(
      [get.status, get.body.reason, put.status, put.body.reason],
      `GET ${DEPLOYMENTS}/nope/scale, PUT ${DEPLOYMENTS}/nope/status`,
    ).toEqual([404, 'NotFound', 404, 'NotFound']);
  });

  test('PATCH on a subresource patches what GET shows, then writes it back through the subresource', async () => {
    const { api } = await setup();
    const response = await api
      .patch(`${DEPLOYMENTS}/app/status`)
      .set('content-type', 'application/x-simple+json')
      .send('{"labels":{"ignored":"yes"},"status":{"replicas":1}}');
    expect(response.status, `PATCH ${DEPLOYMENTS}/app/status: ${response.text}`).toBe(200);
    expect(
      [response.body.status, response.body.metadata.labels],
      'status and labels (a status write keeps only the status)',
    ).toEqual([{ replicas: 1 }, { app: 'app' }]);
  });

  test('a PATCH through a subresource may not rename its parent: 400, and nothing changes', async () => {
    const { api } = await setup();
    const response = await api
      .patch(`${DEPLOYMENTS}/app/status`)
      .set('content-type', 'application/x-simple+json')
      .send('{"name":"other","status":{"replicas":1}}');
    expect(
      [response.status, response.body.reason],
      `PATCH ${DEPLOYMENTS}/app/status renaming it to "other"`,
    ).toEqual([400, 'BadRequest']);
    const { body: app } = await api.get(`${DEPLOYMENTS}/app`);
    expect(app.status, 'the status of deployment app after the refused PATCH').toEqual({});
  });

  test('POST on a subresource stores the new parent and answers 201 with what it says', async () => {
    const { api } = await setup();
    const response = await api.post(`${PODS}/web/binding`).send({
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'web' },
      target: { name: 'node-1' },
    });
    expect(
      [response.status, response.body.status],
      `POST ${PODS}/web/binding: ${response.text}`,
    ).toEqual([201, 'Success']);
    expect((await api.get(`${PODS}/web`)).body.spec.nodeName, "the pod's nodeName").toBe('node-1');
  });

  test("POST on an acting subresource gets the server's verbs: list, write a status, delete the parent", async () => {
    const { api } = await setup();
    const dry = await api
      .post(`${PODS}/db/eviction`)
      .send({ kind: 'Eviction', deleteOptions: { dryRun: ['All'], gracePeriodSeconds: 0 } });
    expect([dry.status, dry.body.message], `a dry-run POST ${PODS}/db/eviction`).toEqual([
      201,
      'dryRun true',
    ]);
    expect((await api.get(`${PODS}/db`)).status, 'the pod after a dry run').toBe(200);
    const real = await api
      .post(`${PODS}/db/eviction`)
      .send({ kind: 'Eviction', deleteOptions: { gracePeriodSeconds: 0 } });
    expect([real.status, real.body.message], `POST ${PODS}/db/eviction`).toEqual([
      201,
      'dryRun false',
    ]);
    expect((await api.get(`${PODS}/db`)).status, 'the pod after the POST').toBe(404);
    const { body: app } = await api.get(`${DEPLOYMENTS}/app`);
    expect(app.status, 'the status the subresource wrote on deployment app').toEqual({
      replicas: 2,
    });
  });

  test('a verb the subresource does not have is a 405; a subresource the resource does not have is a 404', async () => {
    const { api } = await setup();
    const put = await api.put(`${DEPLOYMENTS}/app/scale`).send({ spec: { replicas: 3 } });
    const post = await api.post(`${DEPLOYMENTS}/app/status`).send({});
    const getBinding = await api.get(`${PODS}/web/binding`);
    const deleteStatus = await api.delete(`${PODS}/web/status`);
    expect(
      [put.status, post.status, getBinding.status, deleteStatus.status],
      'PUT scale, POST status, GET binding, DELETE status',
    ).toEqual([405, 405, 405, 405]);
    expect(
      (await api.get(`${PODS}/web/scale`)).status,
      'GET pods/web/scale (pods have no scale)',
    ).toBe(404);
  });

  test('a body in a format a body decoder reads goes through it; others still go to parseBody', async () => {
    const { api } = await setup();
    const decoded = await api
      .post(PODS)
      .set('content-type', 'application/x-name-image')
      .send('cache=kata/echo:1.0');
    expect(
      [decoded.status, decoded.body.metadata?.name, decoded.body.spec?.containers[0].image],
      `POST a pod as name=image: ${decoded.text}`,
    ).toEqual([201, 'cache', 'kata/echo:1.0']);
    const other = await api.post(PODS).set('content-type', 'application/x-other').send('x');
    expect(other.status, 'POST in a format nobody reads').toBe(415);
  });

  test('GETs the resources do not answer go to discovery; a string body is sent as text', async () => {
    const { api } = await setup({ discovery });
    const health = await api.get('/healthz');
    expect([health.status, health.headers['content-type'], health.text], 'GET /healthz').toEqual([
      200,
      'text/plain; charset=utf-8',
      'ok',
    ]);
    const versions = await api.get('/api');
    expect(versions.body, 'GET /api').toEqual({ kind: 'APIVersions', versions: ['v1'] });
    expect((await api.get('/apis')).status, 'GET /apis (discovery does not know it)').toBe(404);
  });

  test('a read warning of pods goes with every read of pods as a Warning header, from what it lists; writes and other resources get none', async () => {
    const podCount: ReadWarning = {
      group: '',
      resource: 'pods',
      warnings: async (cluster) => [`${(await cluster.list('', 'pods')).length} pods stored`],
    };
    const { server, api } = await setup({ readWarnings: [podCount] });
    const listed = await api.get(PODS);
    expect(listed.headers.warning, 'GET the pods with a read warning that counts pods').toBe(
      '299 - "2 pods stored"',
    );
    // A GET of one object would take the hot path: with a read warning it goes the full way.
    const url = await server.listen();
    const one = await fetch(`${url}${PODS}/web`);
    expect(one.headers.get('warning'), 'GET pod web over HTTP (the hot path)').toBe(
      '299 - "2 pods stored"',
    );
    const written = await api.post(PODS).send(examplePod('cache'));
    expect(written.headers.warning, 'POST a pod: a write is no read').toBeUndefined();
    const other = await api.get(DEPLOYMENTS);
    expect(other.headers.warning, 'GET the deployments: not the warned resource').toBeUndefined();
  });

  test('a ServiceAllocator gives each Service its address before it is stored, and takes it back on delete', async () => {
    const calls: string[] = [];
    let next = 10;
    const serviceAllocator = {
      rebuild: (services: KubeObject[]) => void calls.push(`rebuild ${services.length}`),
      kubernetesIp: () => '127.96.0.1',
      onCreate: (service: KubeObject) => {
        calls.push(`create ${service.metadata.name}`);
        const spec = service.spec as { clusterIP?: string };
        return { ...service, spec: { ...spec, clusterIP: spec.clusterIP ?? `127.96.0.${next++}` } };
      },
      onUpdate: (_old: KubeObject, service: KubeObject) => service,
      onDelete: (service: KubeObject) => void calls.push(`delete ${service.metadata.name}`),
    };
    const { api, store } = await setup({ serviceAllocator });
    const kubernetes = await api.get('/api/v1/namespaces/default/services/kubernetes');
    expect(kubernetes.body.spec.clusterIP, 'the kubernetes Service, made at start').toBe(
      '127.96.0.1',
    );
    const web = await api
      .post('/api/v1/namespaces/default/services')
      .send({ metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } });
    expect([web.status, web.body.spec.clusterIP], 'POST a Service').toEqual([201, '127.96.0.10']);
    await api.delete('/api/v1/namespaces/default/services/web');
    expect(calls, 'what the allocator was asked').toEqual([
      'rebuild 0',
      'create kubernetes',
      'create web',
      'delete web',
    ]);
    // Started again on the same store, it finds the kubernetes Service there already.
    calls.length = 0;
    await setup({ serviceAllocator, store: new MemoryStoreClient(store) });
    expect(calls, 'what the allocator was asked by a second start').toEqual(['rebuild 1']);
  });

  test('a DELETE on the services collection gives back the addresses of each Service it deletes; a dry run gives back none', async () => {
    const released: string[] = [];
    const serviceAllocator = {
      rebuild: () => {},
      kubernetesIp: () => '127.96.0.1',
      onCreate: (service: KubeObject) => service,
      onUpdate: (_old: KubeObject, service: KubeObject) => service,
      onDelete: (service: KubeObject) => void released.push(service.metadata.name!),
    };
    const { api } = await setup({ serviceAllocator });
    const services = '/api/v1/namespaces/default/services';
    for (const name of ['db', 'web']) {
      await api
        .post(services)
        .send({ metadata: { name, labels: { tier: name } }, spec: { ports: [{ port: 80 }] } });
    }
    const dryRun = await api.delete(`${services}?labelSelector=tier&dryRun=All`);
    expect(dryRun.status, `a dry-run DELETE on the collection: ${dryRun.text}`).toBe(200);
    expect(released, 'what a dry-run DELETE on the collection gave back').toEqual([]);
    const deleted = await api.delete(`${services}?labelSelector=tier`);
    expect(
      deleted.body.items?.map((service: KubeObject) => service.metadata.name),
      `the Services a DELETE on the collection deleted: ${deleted.text}`,
    ).toEqual(['db', 'web']);
    expect(released, 'what the allocator got back from a DELETE on the collection').toEqual([
      'db',
      'web',
    ]);
  });

  test("a Service's update goes through the allocator; a refused one has it learn again what is taken", async () => {
    const calls: string[] = [];
    const serviceAllocator = {
      rebuild: (services: KubeObject[]) => void calls.push(`rebuild ${services.length}`),
      kubernetesIp: () => '127.96.0.1',
      onCreate: (service: KubeObject) => service,
      onUpdate: (_old: KubeObject, service: KubeObject) => {
        calls.push(`update ${service.metadata.name}`);
        return service;
      },
      onDelete: () => {},
    };
    const { api } = await setup({ serviceAllocator });
    const web = await api.post('/api/v1/namespaces/default/services').send({
      metadata: { name: 'web' },
      spec: { clusterIP: '127.96.0.9', ports: [{ port: 80 }] },
    });
    calls.length = 0;
    const moved = { ...web.body, spec: { ...web.body.spec, ports: [{ port: 81 }] } };
    const updated = await api.put('/api/v1/namespaces/default/services/web').send(moved);
    expect(updated.status, `PUT the Service web with port 81: ${updated.text}`).toBe(200);
    const refused = await api
      .put('/api/v1/namespaces/default/services/web')
      .send({ ...updated.body, spec: { ...updated.body.spec, ports: [] } });
    expect(refused.status, 'PUT the Service web without ports').toBe(422);
    expect(calls, 'what the allocator was asked').toEqual(['update web', 'rebuild 2']);
  });

  test("pods/log passes the request on to the kubelet of the pod's node, and streams its answer", async () => {
    const { api } = await setup();
    const kubelet = await fakeKubelet(200, 'line 1\nline 2\n');
    await api.post('/api/v1/nodes').send(nodeAt(kubelet.port));
    await api.post(PODS).send(podOn('talker', 'node-1'));
    const query = 'tailLines=2&follow=false&previous=true&timestamps=true&limitBytes=9&pretty=x';
    const response = await api.get(`${PODS}/talker/log?${query}`);
    expect(
      [response.status, response.headers['content-type'], response.text],
      `GET ${PODS}/talker/log?${query}`,
    ).toEqual([200, 'text/plain', 'line 1\nline 2\n']);
    expect(
      kubelet.seen,
      "what the kubelet on node-1 was asked: kube's log options, in the server's order, no pretty",
    ).toEqual([
      '/containerLogs/default/talker/app?follow=false&tailLines=2&previous=true&timestamps=true&limitBytes=9',
    ]);
  });

  test('a pod with several containers needs ?container=, one of its own; only GET reads a log', async () => {
    const { api } = await setup();
    const kubelet = await fakeKubelet(200, 'from sidecar\n');
    await api.post('/api/v1/nodes').send(nodeAt(kubelet.port));
    const pod = podOn('pair', 'node-1');
    pod.spec.containers.push({ name: 'sidecar', image: 'kata/echo:1.0' });
    await api.post(PODS).send(pod);
    const unnamed = await api.get(`${PODS}/pair/log`);
    expect([unnamed.status, unnamed.body.message], `GET ${PODS}/pair/log`).toEqual([
      400,
      'a container name must be specified for pod pair, choose one of: [app sidecar]',
    ]);
    const wrong = await api.get(`${PODS}/pair/log?container=db`);
    expect([wrong.status, wrong.body.message], `GET ${PODS}/pair/log?container=db`).toEqual([
      400,
      'container db is not valid for pod pair',
    ]);
    const named = await api.get(`${PODS}/pair/log?container=sidecar`);
    expect([named.status, named.text], `GET ${PODS}/pair/log?container=sidecar`).toEqual([
      200,
      'from sidecar\n',
    ]);
    const posted = await api.post(`${PODS}/pair/log`).send({});
    expect(posted.status, `POST ${PODS}/pair/log`).toBe(405);
  });

  test('a pod on no node has no log yet, and a node without an InternalIP cannot be asked: 400', async () => {
    const { api } = await setup();
    await api.post(PODS).send(examplePod('waiting'));
    const waiting = await api.get(`${PODS}/waiting/log`);
    expect([waiting.status, waiting.body.message], `GET ${PODS}/waiting/log`).toEqual([
      400,
      'container "app" in pod "waiting" is waiting to start: not scheduled',
    ]);
    await api
      .post('/api/v1/nodes')
      .send({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'bare' } });
    await api.post(PODS).send(podOn('lost', 'bare'));
    const lost = await api.get(`${PODS}/lost/log`);
    expect(
      [lost.status, lost.body.message],
      `GET ${PODS}/lost/log (node bare has no address)`,
    ).toEqual([400, 'node "bare" has no InternalIP to reach its kubelet']);
  });

  test("the kubelet's own refusal is a 400 with its words; a kubelet that does not answer is a 500", async () => {
    const { api } = await setup();
    const kubelet = await fakeKubelet(404, 'container app is not running\n');
    await api.post('/api/v1/nodes').send(nodeAt(kubelet.port));
    await api.post(PODS).send(podOn('talker', 'node-1'));
    const refused = await api.get(`${PODS}/talker/log`);
    expect(
      [refused.status, refused.body.message],
      `GET ${PODS}/talker/log, the kubelet says 404`,
    ).toEqual([400, 'container app is not running']);
    const gone = await fakeKubelet(200, '');
    await gone.close();
    await api.post('/api/v1/nodes').send({ ...nodeAt(gone.port), metadata: { name: 'node-2' } });
    await api.post(PODS).send(podOn('orphan', 'node-2'));
    const unreachable = await api.get(`${PODS}/orphan/log`);
    expect(
      [unreachable.status, unreachable.body.reason],
      `GET ${PODS}/orphan/log, nobody listens on node-2's kubelet port`,
    ).toEqual([500, 'InternalError']);
  });

  test('with ?follow=true the log streams: each line arrives as the kubelet writes it', async () => {
    const { server, api } = await setup();
    let release = () => {};
    const more = new Promise<void>((resolve) => (release = resolve));
    const kubelet = await fakeKubelet(200, async (response) => {
      response.write('one\n');
      await more;
      response.end('two\n');
    });
    await api.post('/api/v1/nodes').send(nodeAt(kubelet.port));
    await api.post(PODS).send(podOn('talker', 'node-1'));
    const url = await server.listen(0);
    const answer = await fetch(`${url}${PODS}/talker/log?follow=true`);
    const reader = answer.body!.getReader();
    const first = await reader.read();
    expect(
      new TextDecoder().decode(first.value),
      'the first chunk, while the kubelet has written one line and waits',
    ).toBe('one\n');
    release();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += new TextDecoder().decode(chunk.value);
    }
    expect(rest, 'what follows once the kubelet writes its second line and ends').toBe('two\n');
  });
});
