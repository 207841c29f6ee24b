import request from 'supertest';
import { describe, expect, test } from 'vitest';
import { exampleDeployment, examplePod, exampleReplicaSet } from '../../harness/api/examples.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createApiServer } from '../../solutions/03a-apiserver/server.ts';
import { createPatcher } from './patch.ts';
import {
  bindingSubresource,
  createSubresources,
  scaleSubresource,
  statusSubresource,
} from './subresources.ts';

const clock = new FakeClock(Date.UTC(2024, 0, 2, 3, 4, 5));
const context = { resource: builtinResources.find((r) => r.resource === 'deployments')!, clock };

/** chapter 03a's API server, with this chapter's subresources and patcher. */
async function setup() {
  const server = await createApiServer({
    store: new MemoryStoreClient(new Store()),
    clock,
    subresources: createSubresources(),
    patcher: createPatcher(),
  });
  return request(server.app);
}

const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';
const binding = (node: string) => ({
  apiVersion: 'v1',
  kind: 'Binding',
  metadata: { name: 'web' },
  target: { apiVersion: 'v1', kind: 'Node', name: node },
});

describe('Subresources', () => {
  test("status: a write takes only the body's status", () => {
    const parent = { ...exampleDeployment('web'), status: { replicas: 1 } } as KubeObject;
    const body = { ...exampleDeployment('web', 9), status: { replicas: 2 } } as KubeObject;
    const updated = statusSubresource.update!(parent, body, context);
    expect(
      [(updated.spec as { replicas: number }).replicas, updated.status],
      'replicas and status after writing status',
    ).toEqual([2, { replicas: 2 }]);
    expect(statusSubresource.get!(parent, context), 'GET status shows the whole object').toEqual(
      parent,
    );
  });

  test('GET and PUT /status over HTTP: spec and status stay apart, generation moves only with spec', async () => {
    const api = await setup();
    const { body: created } = await api.post(DEPLOYMENTS).send(exampleDeployment('web'));
    const status = await api.put(`${DEPLOYMENTS}/web/status`).send({
      ...created,
      spec: { ...created.spec, replicas: 7 },
      status: { replicas: 2, observedGeneration: 1 },
    });
    expect(status.status, `PUT ${DEPLOYMENTS}/web/status: ${status.text}`).toBe(200);
    expect(
      [status.body.spec.replicas, status.body.status, status.body.metadata.generation],
      'replicas, status and generation',
    ).toEqual([2, { replicas: 2, observedGeneration: 1 }, 1]);
    const read = await api.get(`${DEPLOYMENTS}/web/status`);
    expect(read.body.status, `GET ${DEPLOYMENTS}/web/status`).toEqual({
      replicas: 2,
      observedGeneration: 1,
    });
  });

  test("PATCH /status, as a kubelet reports a pod's phase", async () => {
    const api = await setup();
    await api.post(PODS).send(examplePod('web'));
    const response = await api
      .patch(`${PODS}/web/status`)
      .set('content-type', 'application/strategic-merge-patch+json')
      .send({ status: { phase: 'Running', podIP: '127.244.0.5' } });
    expect(
      [response.status, response.body.status.phase, response.body.status.podIP],
      `PATCH ${PODS}/web/status: ${response.text}`,
    ).toEqual([200, 'Running', '127.244.0.5']);
  });

  test("scale shows a Deployment's replicas as an autoscaling/v1 Scale", () => {
    const parent = { ...exampleDeployment('web', 3), status: { replicas: 2 } } as KubeObject;
    parent.metadata = {
      ...parent.metadata,
      namespace: 'default',
      uid: 'u-1',
      resourceVersion: '7',
      creationTimestamp: '2024-01-02T03:04:05Z',
    };
    expect(
      scaleSubresource.get!(parent, context),
      'the Scale of a deployment with 3 wanted, 2 running',
    ).toEqual({
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: 'web',
        namespace: 'default',
        uid: 'u-1',
        resourceVersion: '7',
        creationTimestamp: '2024-01-02T03:04:05Z',
      },
      spec: { replicas: 3 },
      status: { replicas: 2, selector: 'app=web' },
    });
  });

  test('writing a Scale changes only spec.replicas; a negative count is a 422', () => {
    const parent = exampleDeployment('web', 3);
    const updated = scaleSubresource.update!(
      parent,
      { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: {}, spec: { replicas: 5 } },
      context,
    );
    expect(updated, 'the deployment after scaling to 5').toEqual({
      ...parent,
      spec: { ...parent.spec, replicas: 5 },
    });
    let code: number | undefined;
    try {
      scaleSubresource.update!(parent, { metadata: {}, spec: { replicas: -1 } }, context);
    } catch (error) {
      code = (error as { code: number }).code;
    }
    expect(code, 'the code of the error from writing a Scale of -1 replicas').toBe(422);
  });

  test('GET, PUT and PATCH /scale, as kubectl scale does', async () => {
    const api = await setup();
    await api.post(DEPLOYMENTS).send(exampleDeployment('web', 2));
    const scale = await api.get(`${DEPLOYMENTS}/web/scale`);
    expect(
      [scale.body.kind, scale.body.spec.replicas, scale.body.status.selector],
      `GET ${DEPLOYMENTS}/web/scale`,
    ).toEqual(['Scale', 2, 'app=web']);
    const put = await api
      .put(`${DEPLOYMENTS}/web/scale`)
      .send({ ...scale.body, spec: { replicas: 4 } });
    expect(
      [put.status, put.body.kind, put.body.spec.replicas],
      `PUT scale to 4: ${put.text}`,
    ).toEqual([200, 'Scale', 4]);
    const patch = await api
      .patch(`${DEPLOYMENTS}/web/scale`)
      .set('content-type', 'application/merge-patch+json')
      .send({ spec: { replicas: 6 } });
    expect([patch.status, patch.body.spec.replicas], `PATCH scale to 6: ${patch.text}`).toEqual([
      200, 6,
    ]);
    const deployment = await api.get(`${DEPLOYMENTS}/web`);
    expect(
      [deployment.body.spec.replicas, deployment.body.metadata.generation],
      "the deployment's replicas and generation",
    ).toEqual([6, 3]);
  });

  test('a Scale from an old resourceVersion is a 409; replica sets scale too', async () => {
    const api = await setup();
    await api.post(DEPLOYMENTS).send(exampleDeployment('web', 2));
    const { body: scale } = await api.get(`${DEPLOYMENTS}/web/scale`);
    await api.put(`${DEPLOYMENTS}/web/scale`).send({ ...scale, spec: { replicas: 3 } });
    const stale = await api
      .put(`${DEPLOYMENTS}/web/scale`)
      .send({ ...scale, spec: { replicas: 4 } });
    expect([stale.status, stale.body.reason], 'PUT scale with the old resourceVersion').toEqual([
      409,
      'Conflict',
    ]);
    const rs = '/apis/apps/v1/namespaces/default/replicasets';
    await api.post(rs).send(exampleReplicaSet('cache', 1));
    const patched = await api
      .patch(`${rs}/cache/scale`)
      .set('content-type', 'application/merge-patch+json')
      .send({ spec: { replicas: 2 } });
    expect(patched.body.spec?.replicas, `PATCH ${rs}/cache/scale`).toBe(2);
  });

  test('binding puts a pod on a node and marks it PodScheduled', () => {
    const { parent, answer } = bindingSubresource.create!(
      examplePod('web'),
      binding('node-1'),
      context,
    );
    expect((parent.spec as { nodeName: string }).nodeName, 'spec.nodeName after binding').toBe(
      'node-1',
    );
    expect(
      (parent.status as { conditions: unknown[] }).conditions,
      'conditions after binding',
    ).toEqual([
      {
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: '2024-01-02T03:04:05Z',
      },
    ]);
    expect(answer, 'the answer to the binding: a Success Status').toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
  });

  test('POST /binding assigns the pod: 201 with a Success Status', async () => {
    const api = await setup();
    await api.post(PODS).send(examplePod('web'));
    const response = await api.post(`${PODS}/web/binding`).send(binding('node-1'));
    expect(
      [response.status, response.body.status],
      `POST ${PODS}/web/binding: ${response.text}`,
    ).toEqual([201, 'Success']);
    const pod = await api.get(`${PODS}/web`);
    expect(
      [pod.body.spec.nodeName, pod.body.status.conditions?.[0]?.type],
      'the pod after binding',
    ).toEqual(['node-1', 'PodScheduled']);
  });

  test('binding a pod that is already on a node is a 409 Conflict', async () => {
    const api = await setup();
    await api.post(PODS).send(examplePod('web'));
    await api.post(`${PODS}/web/binding`).send(binding('node-1'));
    const again = await api.post(`${PODS}/web/binding`).send(binding('node-2'));
    expect(
      [again.status, again.body.reason, again.body.message],
      'a second binding of web, to node-2',
    ).toEqual([
      409,
      'Conflict',
      'Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "node-1"',
    ]);
  });

  test('a binding without a target is a 422; a pod cannot be bound by a PUT of its spec', async () => {
    const api = await setup();
    const { body: pod } = await api.post(PODS).send(examplePod('web'));
    const empty = await api
      .post(`${PODS}/web/binding`)
      .send({ metadata: { name: 'web' }, target: {} });
    expect(empty.status, 'POST a binding with no target name').toBe(422);
    const put = await api
      .put(`${PODS}/web`)
      .send({ ...pod, spec: { ...pod.spec, nodeName: 'node-1' } });
    expect([put.status, put.body.reason], 'PUT the pod with spec.nodeName set').toEqual([
      422,
      'Invalid',
    ]);
  });

  test('with ?dryRun=All, a scale or a binding answers as it would and stores nothing', async () => {
    const api = await setup();
    await api.post(DEPLOYMENTS).send(exampleDeployment('web', 2));
    const scaled = await api
      .patch(`${DEPLOYMENTS}/web/scale?dryRun=All`)
      .set('content-type', 'application/merge-patch+json')
      .send({ spec: { replicas: 7 } });
    expect(scaled.body.spec?.replicas, `PATCH scale ?dryRun=All: ${scaled.text}`).toBe(7);
    const { body: deployment } = await api.get(`${DEPLOYMENTS}/web`);
    expect(deployment.spec.replicas, 'replicas after a dry-run scale').toBe(2);
    await api.post(PODS).send(examplePod('web'));
    const bound = await api.post(`${PODS}/web/binding?dryRun=All`).send(binding('node-1'));
    expect(bound.status, `POST binding ?dryRun=All: ${bound.text}`).toBe(201);
    const { body: pod } = await api.get(`${PODS}/web`);
    expect(pod.spec.nodeName, 'nodeName after a dry-run binding').toBeUndefined();
  });
});
