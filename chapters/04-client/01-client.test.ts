// The REST client against the reference API server, over real HTTP on a free port. Each test
// creates what it needs under its own names, so the tests share one server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { exampleDeployment, examplePod } from '../../harness/api/examples.ts';
import type { Lease, Node, Pod } from '../../harness/api/types.ts';
import {
  isAlreadyExists,
  isConflict,
  isExpired,
  isInvalid,
  isNotFound,
} from '../../harness/client/errors.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type { ApiClient, ObjectEvent } from '../../harness/client/types.ts';
import { startApiServer, type RunningApiServer } from '../../harness/testing/apiserver.ts';
import { collectionPath, createClient, errorFromStatus, keyOf, queryOf } from './client.ts';

const resource = (name: string) => builtinResources.find((type) => type.resource === name)!;

let running: Promise<RunningApiServer> | undefined;

/** The server and a client for it, started by the first test that asks (so a stub fails each test). */
async function connect(): Promise<{ server: RunningApiServer; client: ApiClient }> {
  running ??= startApiServer();
  const server = await running;
  return { server, client: createClient({ server: server.url }) };
}

afterAll(async () => {
  await (await running)?.close();
});

/** What a failed call rejected with. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded, but it should have failed');
}

/** Reads events from a watch until `count` have arrived. */
async function firstEvents<T>(events: AsyncIterable<T>, count: number): Promise<T[]> {
  const seen: T[] = [];
  for await (const event of events) {
    seen.push(event);
    if (seen.length === count) break;
  }
  return seen;
}

/** A one-off server that answers every request with `code` and `body`, and records the headers. */
async function fakeServer(
  code: number,
  body: string,
): Promise<{ url: string; headers: http.IncomingHttpHeaders[]; close(): void }> {
  const headers: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((request, response) => {
    headers.push(request.headers);
    response.writeHead(code, { 'content-type': 'text/plain' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, headers, close: () => server.close() };
}

describe('The REST client', () => {
  test('keyOf is namespace/name, or the name alone for a cluster-scoped object', () => {
    expect(
      keyOf({ metadata: { name: 'web', namespace: 'default' } }),
      'keyOf a pod web in default',
    ).toBe('default/web');
    expect(keyOf({ metadata: { name: 'node-1' } }), 'keyOf a node node-1 (no namespace)').toBe(
      'node-1',
    );
  });

  test('collectionPath: core resources under /api/v1, the others under /apis/<group>/<version>', () => {
    expect(collectionPath(resource('pods'), 'default'), 'collectionPath(pods, "default")').toBe(
      '/api/v1/namespaces/default/pods',
    );
    expect(
      collectionPath(resource('deployments'), 'shop'),
      'collectionPath(deployments, "shop")',
    ).toBe('/apis/apps/v1/namespaces/shop/deployments');
    expect(
      collectionPath(resource('leases'), 'kube-node-lease'),
      'collectionPath(leases, "kube-node-lease")',
    ).toBe('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases');
  });

  test('collectionPath leaves the namespace out for a cluster-scoped resource, or when none is given', () => {
    expect(
      collectionPath(resource('nodes'), 'default'),
      'collectionPath(nodes, "default"): nodes have no namespace',
    ).toBe('/api/v1/nodes');
    expect(
      collectionPath(resource('pods')),
      'collectionPath(pods) without a namespace: every namespace',
    ).toBe('/api/v1/pods');
  });

  test('queryOf writes the options that are set, encoded, after a "?"', () => {
    expect(
      queryOf({ labelSelector: 'app=web,tier in (a,b)', fieldSelector: undefined, watch: true }),
      'queryOf a label selector, an undefined field selector and watch=true',
    ).toBe('?labelSelector=app%3Dweb%2Ctier+in+%28a%2Cb%29&watch=true');
    expect(
      queryOf({ resourceVersion: '', limit: 500 }),
      'queryOf an empty resourceVersion and limit 500',
    ).toBe('?limit=500');
    expect(queryOf({}), 'queryOf no options at all').toBe('');
  });

  test("errorFromStatus keeps a Status's code, reason, message and details", () => {
    const error = errorFromStatus(
      {
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        code: 404,
        reason: 'NotFound',
        message: 'pods "web" not found',
        details: { name: 'web', kind: 'pods' },
      },
      404,
      'GET /api/v1/namespaces/default/pods/web',
    );
    expect(error, 'errorFromStatus of a NotFound Status').toBeInstanceOf(ApiError);
    expect(
      [error.code, error.reason, error.message, error.details],
      'code, reason, message and details of the ApiError',
    ).toEqual([404, 'NotFound', 'pods "web" not found', { name: 'web', kind: 'pods' }]);
    const expired = errorFromStatus(
      { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' },
      500,
      'GET /api/v1/pods?watch=true',
    );
    expect(
      [expired.code, expired.reason],
      "a watch's ERROR event (given code 500): the Status's own code wins",
    ).toEqual([410, 'Expired']);
  });

  test('errorFromStatus of a body that is not a Status takes the reason from the code', () => {
    const error = errorFromStatus(undefined, 503, 'GET /api/v1/pods');
    expect(
      [error.code, error.reason, error.message],
      'errorFromStatus(undefined, 503, "GET /api/v1/pods")',
    ).toEqual([503, 'ServiceUnavailable', 'GET /api/v1/pods: the server answered 503']);
    expect(
      errorFromStatus('I am a teapot', 418, 'GET /').reason,
      'the reason for a code Kubernetes has no name for',
    ).toBe('Unknown');
  });

  test('create sends the object to its collection and answers with what was stored', async () => {
    const { client } = await connect();
    const pod = await client.resource<Pod>('pods', 'default').create(examplePod('create-1'));
    expect(pod.metadata.name, 'name of the created pod').toBe('create-1');
    expect(pod.metadata.uid, 'a created object has a uid').toMatch(/^[0-9a-f-]{36}$/);
    expect(pod.metadata.resourceVersion, 'and a resourceVersion').toMatch(/^\d+$/);
  });

  test('get reads an object back by its namespace and name', async () => {
    const { client } = await connect();
    const pods = client.resource<Pod>('pods', 'default');
    const created = await pods.create(examplePod('get-1'));
    const read = await pods.get('get-1');
    expect(read, 'GET after POST').toEqual(created);
  });

  test('a cluster-scoped resource has no namespace in its path: nodes', async () => {
    const { client } = await connect();
    const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-get-1' } };
    await client.resource<Node>('nodes').create(node);
    const read = await client.resource<Node>('nodes').get('node-get-1');
    expect(read.metadata.namespace, 'a node has no namespace').toBeUndefined();
    expect(read.metadata.name, 'name of the node read back').toBe('node-get-1');
  });

  test("a named group's resources live under /apis: deployments in apps/v1", async () => {
    const { client } = await connect();
    const deployments = client.resource('deployments', 'default');
    await deployments.create(exampleDeployment('apps-1'));
    const read = await deployments.get('apps-1');
    expect(read.apiVersion, 'apiVersion of the deployment read back').toBe('apps/v1');
  });

  test('an unknown resource name is refused before anything is sent', async () => {
    const { client } = await connect();
    expect(
      () => client.resource('podz', 'default'),
      'client.resource("podz") should throw an Error that names "podz"',
    ).toThrow(/podz/);
  });

  test('a missing object rejects with an ApiError: 404 NotFound', async () => {
    const { client } = await connect();
    const error = await failure(client.resource('pods', 'default').get('no-such-pod'));
    expect(error, 'GET of a missing pod').toBeInstanceOf(ApiError);
    expect((error as ApiError).code, 'code of the ApiError').toBe(404);
    expect(isNotFound(error), `isNotFound(${String(error)})`).toBe(true);
    expect((error as ApiError).message, "the Status's message").toBe(
      'pods "no-such-pod" not found',
    );
  });

  test('creating an object that exists rejects with 409 AlreadyExists', async () => {
    const { client } = await connect();
    const pods = client.resource<Pod>('pods', 'default');
    await pods.create(examplePod('twice'));
    const error = await failure(pods.create(examplePod('twice')));
    expect(isAlreadyExists(error), `second create: ${String(error)}`).toBe(true);
  });

  test('an invalid object rejects with 422 Invalid, and the error keeps the causes', async () => {
    const { client } = await connect();
    const pod = examplePod('invalid');
    pod.spec.containers[0]!.image = '';
    const error = await failure(client.resource<Pod>('pods', 'default').create(pod));
    expect(isInvalid(error), `create with no image: ${String(error)}`).toBe(true);
    expect((error as ApiError).details?.causes?.[0]?.field, 'the first cause names the field').toBe(
      'spec.containers[0].image',
    );
  });

  test('a server that is not there rejects with the connection error, not an ApiError', async () => {
    const idle = await fakeServer(200, '{}');
    idle.close();
    const client = createClient({ server: idle.url });
    const error = await failure(client.resource('pods', 'default').get('x'));
    expect(error, 'a GET to a closed port').toBeInstanceOf(Error);
    expect(error, 'a connection problem is not an answer from the API').not.toBeInstanceOf(
      ApiError,
    );
  });

  test('an error answer that is not a Status still becomes an ApiError with the code', async () => {
    const proxy = await fakeServer(503, 'upstream unavailable');
    try {
      const pods = createClient({ server: proxy.url }).resource('pods', 'default');
      const error = await failure(pods.get('web'));
      expect(error, 'a 503 with a plain-text body').toBeInstanceOf(ApiError);
      expect(
        [(error as ApiError).code, (error as ApiError).reason],
        'code and reason of the ApiError',
      ).toEqual([503, 'ServiceUnavailable']);
    } finally {
      proxy.close();
    }
  });

  test('the bearer token and user agent go with every request', async () => {
    const recorder = await fakeServer(200, '{"kind":"PodList","metadata":{},"items":[]}');
    try {
      const client = createClient({
        server: recorder.url,
        token: 'abc123',
        userAgent: 'kata-test',
      });
      await client.resource('pods', 'default').get('web');
      expect(recorder.headers[0]?.authorization, 'Authorization header').toBe('Bearer abc123');
      expect(recorder.headers[0]?.['user-agent'], 'User-Agent header').toBe('kata-test');
    } finally {
      recorder.close();
    }
  });
  test('list answers a List of the items with the resourceVersion to watch from', async () => {
    const { client } = await connect();
    const pods = client.resource<Pod>('pods', 'list-1');
    await client.resource('namespaces').create({ metadata: { name: 'list-1' } });
    await pods.create(examplePod('a'));
    await pods.create(examplePod('b'));
    const list = await pods.list();
    expect(list.kind, 'kind of a list of pods').toBe('PodList');
    expect(
      list.items.map((pod) => pod.metadata.name),
      'names of the pods in list-1',
    ).toEqual(['a', 'b']);
    expect(list.metadata.resourceVersion, "the list's resourceVersion").toMatch(/^\d+$/);
  });

  test('list sends labelSelector and fieldSelector to the server', async () => {
    const { client } = await connect();
    await client.resource('namespaces').create({ metadata: { name: 'list-2' } });
    const pods = client.resource<Pod>('pods', 'list-2');
    await pods.create(examplePod('web-1', { app: 'web' }));
    await pods.create(examplePod('db-1', { app: 'db' }));
    const byLabel = await pods.list({ labelSelector: 'app=web' });
    expect(
      byLabel.items.map((pod) => pod.metadata.name),
      'labelSelector app=web',
    ).toEqual(['web-1']);
    const byField = await pods.list({ fieldSelector: 'metadata.name=db-1' });
    expect(
      byField.items.map((pod) => pod.metadata.name),
      'fieldSelector metadata.name=db-1',
    ).toEqual(['db-1']);
  });

  test('a client without a namespace lists across every namespace', async () => {
    const { client } = await connect();
    await client.resource('namespaces').create({ metadata: { name: 'list-3' } });
    await client
      .resource<Pod>('pods', 'list-3')
      .create(examplePod('everywhere', { every: 'where' }));
    await client
      .resource<Pod>('pods', 'default')
      .create(examplePod('everywhere', { every: 'where' }));
    const list = await client.resource<Pod>('pods').list({ labelSelector: 'every=where' });
    expect(list.items.map(keyOf).sort(), 'pods labelled every=where, all namespaces').toEqual([
      'default/everywhere',
      'list-3/everywhere',
    ]);
  });

  test('update with a stale resourceVersion rejects with 409 Conflict', async () => {
    const { client } = await connect();
    const pods = client.resource<Pod>('pods', 'default');
    const first = await pods.create(examplePod('stale'));
    await pods.update({ ...first, metadata: { ...first.metadata, labels: { turn: '1' } } });
    const error = await failure(
      pods.update({ ...first, metadata: { ...first.metadata, labels: { turn: '2' } } }),
    );
    expect(isConflict(error), `update from the old resourceVersion: ${String(error)}`).toBe(true);
  });

  test('updateStatus writes the status and leaves the spec alone', async () => {
    const { client } = await connect();
    const pods = client.resource<Pod>('pods', 'default');
    const pod = await pods.create(examplePod('status-1'));
    const written = await pods.updateStatus({
      ...pod,
      spec: { ...pod.spec, nodeName: 'sneaky' },
      status: { phase: 'Running' },
    });
    expect(written.status?.phase, 'status.phase after updateStatus').toBe('Running');
    expect(written.spec.nodeName, 'spec.nodeName is not written through status').toBeUndefined();
  });

  test('patch sends a merge patch by default, and a JSON patch when asked', async () => {
    const { client } = await connect();
    const pods = client.resource<Pod>('pods', 'default');
    await pods.create(examplePod('patch-1'));
    const merged = await pods.patch('patch-1', { metadata: { labels: { tier: 'front' } } });
    expect(merged.metadata.labels, 'labels after the merge patch').toEqual({
      app: 'patch-1',
      tier: 'front',
    });
    const patched = await pods.patch(
      'patch-1',
      [{ op: 'remove', path: '/metadata/labels/tier' }],
      'json',
    );
    expect(patched.metadata.labels, 'labels after the JSON patch').toEqual({ app: 'patch-1' });
  });

  test('delete removes the object; getting it afterwards is NotFound', async () => {
    const { client } = await connect();
    const pods = client.resource<Pod>('pods', 'default');
    await pods.create(examplePod('delete-1'));
    await pods.delete('delete-1');
    expect(isNotFound(await failure(pods.get('delete-1'))), 'GET after DELETE').toBe(true);
    expect(isNotFound(await failure(pods.delete('delete-1'))), 'a second DELETE').toBe(true);
  });

  test('delete sends its options: a precondition on the uid that does not hold is a Conflict', async () => {
    const { client } = await connect();
    const pods = client.resource<Pod>('pods', 'default');
    await pods.create(examplePod('delete-2'));
    const error = await failure(pods.delete('delete-2', { preconditions: { uid: 'not-its-uid' } }));
    expect(isConflict(error), `DELETE with a wrong uid precondition: ${String(error)}`).toBe(true);
  });

  test('bind puts a pod on a node; binding it again is a Conflict', async () => {
    const { client } = await connect();
    const pods = client.resource<Pod>('pods', 'default');
    await pods.create(examplePod('bind-1'));
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'bind-1', namespace: 'default' },
      target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
    };
    await client.bind(binding);
    expect((await pods.get('bind-1')).spec.nodeName, 'spec.nodeName after binding').toBe('node-1');
    expect(isConflict(await failure(client.bind(binding))), 'binding twice').toBe(true);
  });

  test("scale reads and writes a deployment's replicas through its scale subresource", async () => {
    const { client } = await connect();
    const deployments = client.resource('deployments', 'default');
    await deployments.create(exampleDeployment('scale-1', 2));
    expect((await deployments.getScale('scale-1')).spec.replicas, 'replicas before').toBe(2);
    const scale = await deployments.scale('scale-1', 5);
    expect(scale.spec.replicas, 'the Scale answered').toBe(5);
    const deployment = (await deployments.get('scale-1')) as ReturnType<typeof exampleDeployment>;
    expect(deployment.spec.replicas, "the deployment's replicas after scaling").toBe(5);
  });

  test('watch yields ADDED, MODIFIED and DELETED events as they happen', async () => {
    const { client } = await connect();
    await client.resource('namespaces').create({ metadata: { name: 'watch-1' } });
    const leases = client.resource<Lease>('leases', 'watch-1');
    // Watching from the list's version, not "from now": nothing written after the list is missed,
    // however long the watch takes to open.
    const from = (await leases.list()).metadata.resourceVersion;
    const stop = new AbortController();
    const reading = firstEvents(leases.watch({ resourceVersion: from, signal: stop.signal }), 3);
    const lease: Lease = { metadata: { name: 'l' }, spec: { holderIdentity: 'a' } };
    const created = await leases.create(lease);
    const updated = await leases.update({ ...created, spec: { holderIdentity: 'b' } });
    await leases.delete('l');
    const seen = await reading;
    stop.abort();
    expect(
      seen.map((event) => event.type),
      'event types',
    ).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(seen[1]!.object, 'the MODIFIED event carries the new object').toEqual(updated);
  });

  test('a watch from an older resourceVersion first replays what happened since', async () => {
    const { client } = await connect();
    await client.resource('namespaces').create({ metadata: { name: 'watch-2' } });
    const leases = client.resource<Lease>('leases', 'watch-2');
    const from = (await leases.list()).metadata.resourceVersion;
    await leases.create({ metadata: { name: 'one' } });
    await leases.create({ metadata: { name: 'two' } });
    const stop = new AbortController();
    const seen = await firstEvents(leases.watch({ resourceVersion: from, signal: stop.signal }), 2);
    stop.abort();
    expect(
      seen.map((event) => `${event.type} ${event.object.metadata.name}`),
      `watch from resourceVersion ${from}`,
    ).toEqual(['ADDED one', 'ADDED two']);
  });

  test('a watch from a compacted resourceVersion throws 410 Expired', async () => {
    const { client, server } = await connect();
    await client.resource('namespaces').create({ metadata: { name: 'watch-3' } });
    const leases = client.resource<Lease>('leases', 'watch-3');
    const from = (await leases.list()).metadata.resourceVersion;
    await leases.create({ metadata: { name: 'later' } });
    await leases.create({ metadata: { name: 'later-still' } });
    // Compacting at the newest revision forgets the first write after `from`: the watch cannot replay it.
    server.store.compact({ revision: server.store.revision });
    const error = await failure(firstEvents(leases.watch({ resourceVersion: from }), 1));
    expect(error, 'the watch from a compacted version').toBeInstanceOf(ApiError);
    expect(isExpired(error), `isExpired(${String(error)})`).toBe(true);
    expect((error as ApiError).code, 'code of the ApiError').toBe(410);
  });

  test('aborting the signal ends a watch without an error', async () => {
    const { client } = await connect();
    const stop = new AbortController();
    const seen: ObjectEvent[] = [];
    const watching = (async () => {
      for await (const event of client
        .resource('configmaps', 'default')
        .watch({ signal: stop.signal }))
        seen.push(event);
    })();
    stop.abort();
    await expect(watching, 'the for-await loop over an aborted watch').resolves.toBeUndefined();
    expect(seen, 'no events on a quiet collection').toEqual([]);
  });

  test('a watch event cut across two chunks of the answer still arrives whole', async () => {
    const line = (name: string) =>
      `${JSON.stringify({ type: 'ADDED', object: { metadata: { name } } })}\n`;
    const answer = line('first') + line('second');
    const cut = line('first').length + 12; // in the middle of the second event
    let sendTheRest = () => {};
    const server = http.createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(answer.slice(0, cut));
      sendTheRest = () => response.end(answer.slice(cut));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = createClient({ server: `http://127.0.0.1:${port}` });
      const events = client.resource('pods', 'default').watch()[Symbol.asyncIterator]();
      // The first event comes from the first chunk alone: the rest has not been sent yet.
      const first = await events.next();
      sendTheRest();
      const second = await events.next();
      expect(
        [first, second].map(({ value }) => `${value?.type} ${value?.object.metadata.name}`),
        'events from an answer sent in two chunks, the first ending inside the second line',
      ).toEqual(['ADDED first', 'ADDED second']);
      await events.return?.();
    } finally {
      server.close();
    }
  });
});
