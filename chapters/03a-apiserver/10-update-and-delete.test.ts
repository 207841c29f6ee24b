import request from 'supertest';
import { describe, expect, test } from 'vitest';
import { exampleDeployment, examplePod } from '../../harness/api/examples.ts';
import type { Pod } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createApiServer, gracePeriodOf } from './server.ts';

async function setup() {
  const store = new Store();
  let n = 0;
  const server = await createApiServer({
    store: new MemoryStoreClient(store),
    clock: new FakeClock(Date.UTC(2024, 0, 2)),
    random: () => (((n++ * 0.618) % 1) + 1) % 1,
    compactionIntervalMs: 0,
  });
  return { store, api: request(server.app) };
}

const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

describe('Update and delete', () => {
  test('PUT with the current resourceVersion replaces the object and gives it a newer one', async () => {
    const { api } = await setup();
    const { body: created } = await api.post(PODS).send(examplePod('web'));
    created.metadata.labels = { app: 'web', tier: 'front' };
    const response = await api.put(`${PODS}/web`).send(created);
    expect(
      response.status,
      `PUT ${PODS}/web with resourceVersion ${created.metadata.resourceVersion}: ${response.text}`,
    ).toBe(200);
    expect(response.body.metadata.labels, 'labels after the PUT').toEqual({
      app: 'web',
      tier: 'front',
    });
    expect(Number(response.body.metadata.resourceVersion), 'new resourceVersion').toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );
  });

  test('PUT with an old resourceVersion is a 409 Conflict, and changes nothing', async () => {
    const { api } = await setup();
    const { body: created } = await api.post(PODS).send(examplePod('web'));
    const first = { ...created, metadata: { ...created.metadata, labels: { by: 'first' } } };
    const second = { ...created, metadata: { ...created.metadata, labels: { by: 'second' } } };
    await api.put(`${PODS}/web`).send(first);
    const response = await api.put(`${PODS}/web`).send(second);
    expect(
      [response.status, response.body.reason],
      'a second PUT from the same old version',
    ).toEqual([409, 'Conflict']);
    expect(response.body.message, 'message').toBe(
      'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again',
    );
    const stored = await api.get(`${PODS}/web`);
    expect(stored.body.metadata.labels, 'labels stored').toEqual({ by: 'first' });
  });

  test('PUT without a resourceVersion is unconditional: the last writer wins', async () => {
    const { api } = await setup();
    await api.post(PODS).send(examplePod('web'));
    const pod = examplePod('web', { by: 'me' });
    const response = await api.put(`${PODS}/web`).send(pod);
    expect(
      [response.status, response.body.metadata.labels],
      `PUT ${PODS}/web without a resourceVersion`,
    ).toEqual([200, { by: 'me' }]);
  });

  test("PUT keeps the server's fields, whatever the body says", async () => {
    const { api } = await setup();
    const { body: created } = await api.post(PODS).send(examplePod('web'));
    const forged = {
      ...created,
      metadata: { ...created.metadata, uid: 'forged', creationTimestamp: '1999-01-01T00:00:00Z' },
    };
    const response = await api.put(`${PODS}/web`).send(forged);
    expect(
      [response.body.metadata.uid, response.body.metadata.creationTimestamp],
      'uid and creationTimestamp after the PUT',
    ).toEqual([created.metadata.uid, created.metadata.creationTimestamp]);
  });

  test('generation counts changes to the spec, not to labels', async () => {
    const { api } = await setup();
    const { body: created } = await api.post(DEPLOYMENTS).send(exampleDeployment('web'));
    created.metadata.labels = { app: 'web', tier: 'front' };
    const relabeled = await api.put(`${DEPLOYMENTS}/web`).send(created);
    expect(relabeled.body.metadata.generation, 'generation after a label change').toBe(1);
    relabeled.body.spec.replicas = 5;
    const scaled = await api.put(`${DEPLOYMENTS}/web`).send(relabeled.body);
    expect(scaled.body.metadata.generation, 'generation after replicas 2 → 5').toBe(2);
  });

  test("PUT on a deployment cannot change its status: that is the controller's half", async () => {
    const { api } = await setup();
    const { body: created } = await api.post(DEPLOYMENTS).send(exampleDeployment('web'));
    const response = await api
      .put(`${DEPLOYMENTS}/web`)
      .send({ ...created, status: { replicas: 99 } });
    expect(response.body.status, 'status after a PUT that sets status.replicas 99').toEqual({});
  });

  test('the name in the body must be the name in the URL', async () => {
    const { api } = await setup();
    const { body: created } = await api.post(PODS).send(examplePod('web'));
    const response = await api
      .put(`${PODS}/web`)
      .send({ ...created, metadata: { ...created.metadata, name: 'other' } });
    expect([response.status, response.body.message], `PUT ${PODS}/web a pod named other`).toEqual([
      400,
      'the name of the object (other) does not match the name on the URL (web)',
    ]);
  });

  test('PUT of a missing object is a 404', async () => {
    const { api } = await setup();
    const response = await api.put(`${PODS}/web`).send(examplePod('web'));
    expect([response.status, response.body.reason], `PUT ${PODS}/web before it exists`).toEqual([
      404,
      'NotFound',
    ]);
  });

  test("an update is validated too: changing a deployment's selector is a 422", async () => {
    const { api } = await setup();
    const { body: created } = await api.post(DEPLOYMENTS).send(exampleDeployment('web'));
    created.spec.selector = { matchLabels: { app: 'web', v: '2' } };
    created.spec.template.metadata.labels = { app: 'web', v: '2' };
    const response = await api.put(`${DEPLOYMENTS}/web`).send(created);
    expect(
      [response.status, response.body.message],
      'PUT a deployment with a new selector',
    ).toEqual([
      422,
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable',
    ]);
  });

  test('DELETE of a pod answers with the pod; then it is gone', async () => {
    const { api } = await setup();
    await api.post(PODS).send(examplePod('web'));
    const response = await api.delete(`${PODS}/web`);
    expect(
      [response.status, response.body.kind, response.body.metadata?.name],
      `DELETE ${PODS}/web`,
    ).toEqual([200, 'Pod', 'web']);
    expect((await api.get(`${PODS}/web`)).status, 'GET after DELETE').toBe(404);
  });

  test('DELETE of a deployment answers with a Success Status naming it', async () => {
    const { api } = await setup();
    const { body: created } = await api.post(DEPLOYMENTS).send(exampleDeployment('web'));
    const response = await api
      .delete(`${DEPLOYMENTS}/web`)
      .send({ propagationPolicy: 'Background' });
    expect(response.status, `DELETE ${DEPLOYMENTS}/web`).toBe(200);
    expect(response.body, 'the answer').toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'web', group: 'apps', kind: 'deployments', uid: created.metadata.uid },
    });
  });

  test('DELETE with preconditions deletes only that version of the object', async () => {
    const { api } = await setup();
    const { body: created } = await api.post(PODS).send(examplePod('web'));
    const wrong = await api.delete(`${PODS}/web`).send({ preconditions: { uid: 'someone-else' } });
    expect([wrong.status, wrong.body.reason], 'DELETE with another uid as precondition').toEqual([
      409,
      'Conflict',
    ]);
    const right = await api
      .delete(`${PODS}/web`)
      .send({ preconditions: { uid: created.metadata.uid } });
    expect(right.status, 'DELETE with its own uid').toBe(200);
  });

  test('DELETE of a missing object is a 404', async () => {
    const { api } = await setup();
    const response = await api.delete(`${PODS}/nope`);
    expect([response.status, response.body.message], `DELETE ${PODS}/nope`).toEqual([
      404,
      'pods "nope" not found',
    ]);
  });

  test('the default namespace cannot be deleted', async () => {
    const { api } = await setup();
    const response = await api.delete('/api/v1/namespaces/default');
    expect([response.status, response.body.reason], 'DELETE /api/v1/namespaces/default').toEqual([
      403,
      'Forbidden',
    ]);
  });

  test("a pod on a node waits for its grace period: the request's, else its own, else 30 s", () => {
    const pod = examplePod('web');
    pod.spec.nodeName = 'node-1';
    expect(gracePeriodOf(pod, {}), 'a pod on node-1, no grace anywhere').toBe(30);
    pod.spec.terminationGracePeriodSeconds = 20;
    expect(gracePeriodOf(pod, {}), 'a pod on node-1 with terminationGracePeriodSeconds 20').toBe(
      20,
    );
    expect(
      gracePeriodOf(pod, { gracePeriodSeconds: 5 }),
      'the same pod, deleted with gracePeriodSeconds 5',
    ).toBe(5);
    expect(
      gracePeriodOf(pod, { gracePeriodSeconds: 0 }),
      'the same pod, deleted with gracePeriodSeconds 0',
    ).toBe(0);
  });

  test('a pod on no node, or one that has finished, has nothing to stop: it goes at once', () => {
    const unscheduled = examplePod('web');
    expect(gracePeriodOf(unscheduled, {}), 'a pod without a nodeName').toBe(0);
    for (const phase of ['Succeeded', 'Failed']) {
      const finished = { ...examplePod('done'), status: { phase } } as Pod;
      finished.spec.nodeName = 'node-1';
      expect(gracePeriodOf(finished, {}), `a pod on node-1 in phase ${phase}`).toBe(0);
    }
  });

  test('DELETE on a collection deletes every object in it and answers the List of them', async () => {
    const { api } = await setup();
    for (const name of ['a', 'b']) await api.post(PODS).send(examplePod(name));
    await api.post('/api/v1/namespaces').send({ metadata: { name: 'other' } });
    await api.post('/api/v1/namespaces/other/pods').send(examplePod('c'));
    const response = await api.delete(PODS);
    expect(
      [
        response.status,
        response.body.kind,
        response.body.items.map((item: Pod) => item.metadata.name),
      ],
      `DELETE ${PODS}`,
    ).toEqual([200, 'PodList', ['a', 'b']]);
    expect((await api.get(PODS)).body.items, 'pods left in default').toEqual([]);
    expect(
      (await api.get('/api/v1/namespaces/other/pods')).body.items.length,
      'pods in other',
    ).toBe(1);
  });

  test('namespaces cannot be deleted all at once: DELETE on their collection is a 405', async () => {
    const { api } = await setup();
    const response = await api.delete('/api/v1/namespaces');
    expect([response.status, response.body.reason], 'DELETE /api/v1/namespaces').toEqual([
      405,
      'MethodNotAllowed',
    ]);
    expect((await api.get('/api/v1/namespaces')).body.items.length, 'namespaces left').toBe(4);
  });

  test('DELETE of a pod on a node marks it for its grace period; a second one with no grace removes it', async () => {
    const { api } = await setup();
    const pod = examplePod('running');
    pod.spec.nodeName = 'node-1';
    pod.spec.terminationGracePeriodSeconds = 20;
    await api.post(PODS).send(pod);
    const marked = await api.delete(`${PODS}/running`);
    expect(
      [
        marked.status,
        marked.body.metadata.deletionTimestamp,
        marked.body.metadata.deletionGracePeriodSeconds,
      ],
      'DELETE of a pod bound to node-1',
    ).toEqual([200, '2024-01-02T00:00:20Z', 20]);
    expect((await api.get(`${PODS}/running`)).status, 'still there, being deleted').toBe(200);
    const gone = await api
      .delete(`${PODS}/running`)
      .send({ kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 });
    expect(gone.status, 'DELETE with gracePeriodSeconds 0').toBe(200);
    expect((await api.get(`${PODS}/running`)).status, 'after the second delete').toBe(404);
  });

  test('a second DELETE with a shorter grace brings the deadline forward; a longer one does not', async () => {
    const { api } = await setup();
    const pod = examplePod('running');
    pod.spec.nodeName = 'node-1';
    await api.post(PODS).send(pod);
    const deadline = async (gracePeriodSeconds: number) => {
      const response = await api.delete(`${PODS}/running`).send({ gracePeriodSeconds });
      return [
        response.body.metadata.deletionTimestamp,
        response.body.metadata.deletionGracePeriodSeconds,
      ];
    };
    expect(await deadline(30), 'DELETE with gracePeriodSeconds 30').toEqual([
      '2024-01-02T00:00:30Z',
      30,
    ]);
    expect(await deadline(60), 'then DELETE with gracePeriodSeconds 60').toEqual([
      '2024-01-02T00:00:30Z',
      30,
    ]);
    expect(await deadline(10), 'then DELETE with gracePeriodSeconds 10').toEqual([
      '2024-01-02T00:00:10Z',
      10,
    ]);
  });

  test('DELETE on a collection deletes each object as a DELETE of it would: a pod on a node is marked for its grace period', async () => {
    const { api } = await setup();
    const onNode = examplePod('running');
    onNode.spec.nodeName = 'node-1';
    onNode.spec.terminationGracePeriodSeconds = 20;
    await api.post(PODS).send(onNode);
    await api.post(PODS).send(examplePod('pending'));
    // Preconditions name one object: a collection's DELETE leaves them out.
    const response = await api.delete(PODS).send({ preconditions: { uid: 'not-a-pod-here' } });
    expect(
      response.body.items?.map((item: Pod) => [
        item.metadata.name,
        item.metadata.deletionTimestamp,
      ]),
      `DELETE ${PODS} (one pod bound to node-1, one pending): ${response.text}`,
    ).toEqual([
      ['pending', undefined],
      ['running', '2024-01-02T00:00:20Z'],
    ]);
    const left = (await api.get(PODS)).body.items.map((item: Pod) => item.metadata.name);
    expect(left, 'pods left: the one on a node, marked, for its kubelet to stop').toEqual([
      'running',
    ]);
  });

  test('DELETE with propagationPolicy Orphan marks the object with the finalizer orphan; taking the last finalizer off removes it', async () => {
    const { api } = await setup();
    await api.post(DEPLOYMENTS).send(exampleDeployment('web'));
    const marked = await api
      .delete(`${DEPLOYMENTS}/web`)
      .send({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Orphan' });
    expect(
      [
        marked.status,
        marked.body.metadata.finalizers,
        typeof marked.body.metadata.deletionTimestamp,
      ],
      'DELETE with propagationPolicy Orphan',
    ).toEqual([200, ['orphan'], 'string']);
    const done = await api
      .put(`${DEPLOYMENTS}/web`)
      .send({ ...marked.body, metadata: { ...marked.body.metadata, finalizers: [] } });
    expect(done.status, 'the PUT that takes the finalizer off').toBe(200);
    expect((await api.get(`${DEPLOYMENTS}/web`)).status, 'afterwards').toBe(404);
  });

  test('DELETE of an object with finalizers marks it with a deletionTimestamp; taking the last finalizer off removes it', async () => {
    const { api } = await setup();
    const web = exampleDeployment('web');
    await api
      .post(DEPLOYMENTS)
      .send({ ...web, metadata: { ...web.metadata, finalizers: ['example.com/cleanup'] } });
    const marked = await api.delete(`${DEPLOYMENTS}/web`);
    expect(
      [
        marked.status,
        marked.body.metadata.finalizers,
        typeof marked.body.metadata.deletionTimestamp,
      ],
      'DELETE of a Deployment with the finalizer example.com/cleanup: marked, not removed',
    ).toEqual([200, ['example.com/cleanup'], 'string']);
    const done = await api
      .put(`${DEPLOYMENTS}/web`)
      .send({ ...marked.body, metadata: { ...marked.body.metadata, finalizers: [] } });
    expect(done.status, 'the PUT that takes the finalizer off').toBe(200);
    expect((await api.get(`${DEPLOYMENTS}/web`)).status, 'afterwards').toBe(404);
  });

  test('an Orphan DELETE with a stale precondition is a 409 Conflict, and marks nothing', async () => {
    const { api } = await setup();
    const { body: created } = await api.post(DEPLOYMENTS).send(exampleDeployment('web'));
    const response = await api.delete(`${DEPLOYMENTS}/web`).send({
      propagationPolicy: 'Orphan',
      preconditions: { resourceVersion: String(Number(created.metadata.resourceVersion) - 1) },
    });
    expect(
      [response.status, response.body.reason],
      'DELETE Orphan with an old resourceVersion',
    ).toEqual([409, 'Conflict']);
    const stored = await api.get(`${DEPLOYMENTS}/web`);
    expect(
      [stored.body.metadata.finalizers, stored.body.metadata.deletionTimestamp],
      'finalizers and deletionTimestamp afterwards',
    ).toEqual([undefined, undefined]);
  });

  test('taking the finalizers off an object that is not being deleted keeps it', async () => {
    const { api } = await setup();
    const deployment = exampleDeployment('web');
    deployment.metadata.finalizers = ['example.com/keep'];
    const { body: created } = await api.post(DEPLOYMENTS).send(deployment);
    const released = await api
      .put(`${DEPLOYMENTS}/web`)
      .send({ ...created, metadata: { ...created.metadata, finalizers: [] } });
    expect(released.status, 'the PUT that takes the finalizer off').toBe(200);
    expect((await api.get(`${DEPLOYMENTS}/web`)).status, 'GET afterwards').toBe(200);
  });
});
