// Server-side dry run: every write with ?dryRun=All goes through every step (defaults, metadata,
// validation, the checks of the store) and answers as if it stored, but the store is not touched.
// First the storage, the one place that decides whether anything is written; then the verbs.
// `kubectl create --dry-run=server`, `kubectl apply --dry-run=server` and `kubectl diff` rely on it.
import request from 'supertest';
import { describe, expect, test } from 'vitest';
import { exampleDeployment, examplePod, exampleService } from '../../harness/api/examples.ts';
import type { Patcher, ServiceAllocator, Subresource } from '../../harness/api/machinery.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { ApiError } from '../../harness/api/errors.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createApiServer, type ApiServerOptions } from './server.ts';
import { ObjectStorage } from './storage.ts';

async function setup(options: Partial<ApiServerOptions> = {}) {
  const store = new Store();
  const server = await createApiServer({
    store: new MemoryStoreClient(store),
    compactionIntervalMs: 0,
    ...options,
  });
  return { store, api: request(server.app) };
}

const pods = builtinResources.find((r) => r.resource === 'pods')!;

/** The storage alone, over a fresh store. */
function storageSetup() {
  const store = new Store();
  const storage = new ObjectStorage(new MemoryStoreClient(store));
  return { store, storage };
}

/** A pod in the default namespace, as the server would hand it to storage. */
function pod(name: string): KubeObject {
  const object = examplePod(name);
  object.metadata.namespace = 'default';
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

const PODS = '/api/v1/namespaces/default/pods';
const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

/** A status subresource stand-in: PUT takes the body's status. */
const status: Subresource = {
  name: 'status',
  get: (parent) => parent,
  update: (parent, body) => ({ ...parent, status: body.status }),
};

/** A patcher stand-in: the body is labels to add. */
const labelPatcher: Patcher = {
  contentTypes: ['application/x-labels+json'],
  apply: (_type, current, patch) => ({
    ...current,
    metadata: {
      ...current.metadata,
      labels: { ...current.metadata.labels, ...(patch as Record<string, string>) },
    },
  }),
};

/** Hands out 127.96.0.<n> and remembers what it holds, to see that a dry run keeps nothing. */
function countingAllocator(): ServiceAllocator & { held: Set<string> } {
  const held = new Set<string>();
  let next = 1;
  return {
    held,
    rebuild: (services) => {
      held.clear();
      for (const service of services) held.add((service.spec as { clusterIP: string }).clusterIP);
    },
    kubernetesIp: () => '127.96.0.1',
    onCreate: (service) => {
      const clusterIP = `127.96.0.${++next}`;
      held.add(clusterIP);
      return { ...service, spec: { ...(service.spec as object), clusterIP } };
    },
    onUpdate: (_old, service) => service,
    onDelete: (service) => held.delete((service.spec as { clusterIP: string }).clusterIP),
  };
}

describe('Dry run', () => {
  test('a dry-run create checks the name is free, answers the object, and writes nothing', async () => {
    const { store, storage } = storageSetup();
    const before = store.revision;
    const answered = await storage.create(pods, pod('web'), { dryRun: true });
    expect(answered.metadata.name, 'the object a dry-run create answers').toBe('web');
    expect(
      answered.metadata.resourceVersion,
      'it was not stored: no resourceVersion',
    ).toBeUndefined();
    expect(store.revision, 'the store revision after a dry-run create').toBe(before);
    await storage.create(pods, pod('taken'));
    const taken = await rejection(storage.create(pods, pod('taken'), { dryRun: true }));
    expect(taken.code, 'a dry-run create of a taken name').toBe(409);
  });

  test('a dry-run update answers the new state at the current resourceVersion, and writes nothing', async () => {
    const { store, storage } = storageSetup();
    const created = await storage.create(pods, pod('web'));
    const answered = await storage.update(
      pods,
      'default',
      'web',
      (current) => ({ ...current, metadata: { ...current.metadata, labels: { v: '2' } } }),
      { dryRun: true },
    );
    expect(answered.metadata.labels, 'labels the dry-run update answers').toEqual({ v: '2' });
    expect(answered.metadata.resourceVersion, 'its resourceVersion').toBe(
      created.metadata.resourceVersion,
    );
    const stored = await storage.get(pods, 'default', 'web');
    expect(stored.metadata.labels, 'labels stored after a dry-run update').toEqual({ app: 'web' });
    expect(store.revision, 'store revision').toBe(Number(created.metadata.resourceVersion));
  });

  test('a dry-run delete checks the preconditions, answers the object, and it stays', async () => {
    const { storage } = storageSetup();
    await storage.create(pods, pod('web'));
    const answered = await storage.delete(pods, 'default', 'web', {}, { dryRun: true });
    expect(answered.metadata.name, 'the object a dry-run delete answers').toBe('web');
    const still = await storage.get(pods, 'default', 'web');
    expect(still.metadata.name, 'the object after a dry-run delete').toBe('web');
    const wrongUid = storage.delete(pods, 'default', 'web', { uid: 'other' }, { dryRun: true });
    expect((await rejection(wrongUid)).code, 'a dry-run delete with a wrong uid').toBe(409);
  });

  test("a dryRun other than All is a 422 Invalid on the verb's options, as kube-apiserver answers", async () => {
    const { api } = await setup();
    const response = await api.post(`${PODS}?dryRun=Maybe`).send(examplePod('web'));
    expect(response.status, `POST ${PODS}?dryRun=Maybe: ${response.text}`).toBe(422);
    expect(response.body.message, 'the message').toBe(
      'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Maybe"}: ' +
        'supported values: "All"',
    );
    expect(response.body.details, 'details name the options kind').toMatchObject({
      group: 'meta.k8s.io',
      kind: 'CreateOptions',
      causes: [{ reason: 'FieldValueNotSupported', field: 'dryRun' }],
    });
  });

  test('a dry-run create answers 201 with the object completed (uid, creationTimestamp), and stores nothing', async () => {
    const { api } = await setup();
    const response = await api.post(`${PODS}?dryRun=All`).send(examplePod('web'));
    expect(response.status, `POST ${PODS}?dryRun=All: ${response.text}`).toBe(201);
    expect(response.body.metadata.uid, 'the answered uid').toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body.metadata.creationTimestamp, 'creationTimestamp').toBeDefined();
    expect(response.body.spec.restartPolicy, 'defaults applied').toBe('Always');
    const get = await api.get(`${PODS}/web`);
    expect(get.status, 'GET the pod after a dry-run create').toBe(404);
  });

  test('a dry-run create is still validated: an invalid object is a 422, a taken name a 409', async () => {
    const { api } = await setup();
    const invalid = await api
      .post(`${PODS}?dryRun=All`)
      .send({ metadata: { name: 'web' }, spec: {} });
    expect(invalid.status, `a dry-run create of a pod without containers: ${invalid.text}`).toBe(
      422,
    );
    await api.post(PODS).send(examplePod('web'));
    const taken = await api.post(`${PODS}?dryRun=All`).send(examplePod('web'));
    expect(taken.status, `a dry-run create of a taken name: ${taken.text}`).toBe(409);
  });

  test('a dry-run PUT answers the changed object and leaves the stored one as it was', async () => {
    const { api } = await setup();
    const { body: created } = await api.post(DEPLOYMENTS).send(exampleDeployment('web', 2));
    created.spec.replicas = 5;
    const response = await api.put(`${DEPLOYMENTS}/web?dryRun=All`).send(created);
    expect(response.status, `PUT ?dryRun=All: ${response.text}`).toBe(200);
    expect(response.body.spec.replicas, 'replicas answered').toBe(5);
    expect(response.body.metadata.generation, 'generation answered').toBe(2);
    const { body: stored } = await api.get(`${DEPLOYMENTS}/web`);
    expect(stored.spec.replicas, 'replicas stored after a dry-run PUT').toBe(2);
    expect(stored.metadata.resourceVersion, 'resourceVersion').toBe(
      created.metadata.resourceVersion,
    );
  });

  test('a dry-run PATCH answers the patched object and leaves the stored one as it was', async () => {
    const { api } = await setup({ patcher: labelPatcher });
    await api.post(PODS).send(examplePod('web'));
    const response = await api
      .patch(`${PODS}/web?dryRun=All`)
      .set('content-type', 'application/x-labels+json')
      .send({ tier: 'front' });
    expect(response.body.metadata?.labels, `PATCH ?dryRun=All: ${response.text}`).toEqual({
      app: 'web',
      tier: 'front',
    });
    const { body: stored } = await api.get(`${PODS}/web`);
    expect(stored.metadata.labels, 'labels stored after a dry-run PATCH').toEqual({ app: 'web' });
  });

  test('a dry-run DELETE answers as a delete would, and the object stays', async () => {
    const { api } = await setup();
    await api.post(DEPLOYMENTS).send(exampleDeployment('web'));
    const response = await api.delete(`${DEPLOYMENTS}/web?dryRun=All`);
    expect(response.status, `DELETE ?dryRun=All: ${response.text}`).toBe(200);
    expect(response.body.status, 'the answered Status').toBe('Success');
    const get = await api.get(`${DEPLOYMENTS}/web`);
    expect(get.status, 'GET after a dry-run DELETE').toBe(200);
  });

  test('a DELETE whose DeleteOptions say dryRun: ["All"] deletes nothing, nor marks a pod', async () => {
    const { api } = await setup();
    const pod = { ...examplePod('web'), spec: { ...examplePod('web').spec, nodeName: 'n1' } };
    await api.post(PODS).send(pod);
    const response = await api.delete(`${PODS}/web`).send({ dryRun: ['All'] });
    expect(response.status, `DELETE with DeleteOptions dryRun: ${response.text}`).toBe(200);
    expect(response.body.metadata.deletionTimestamp, 'the pod answered is marked').toBeDefined();
    const { body: stored } = await api.get(`${PODS}/web`);
    expect(stored.metadata.deletionTimestamp, 'the stored pod is not marked').toBeUndefined();
  });

  test('a dry-run deletecollection answers what it would delete, and deletes nothing', async () => {
    const { api } = await setup();
    await api.post(PODS).send(examplePod('a'));
    await api.post(PODS).send(examplePod('b'));
    const response = await api.delete(`${PODS}?dryRun=All`);
    expect(response.body.items?.length, `DELETE ${PODS}?dryRun=All: ${response.text}`).toBe(2);
    const { body: list } = await api.get(PODS);
    expect(list.items.length, 'pods left after a dry-run deletecollection').toBe(2);
  });

  test('a deletecollection with dryRun in its DeleteOptions body deletes nothing', async () => {
    const { api } = await setup();
    await api.post(PODS).send(examplePod('a'));
    const response = await api.delete(PODS).send({ kind: 'DeleteOptions', dryRun: ['All'] });
    expect(
      response.body.items?.length,
      `DELETE ${PODS} with body dryRun All: ${response.text}`,
    ).toBe(1);
    const { body: list } = await api.get(PODS);
    expect(list.items.length, 'pods left after it').toBe(1);
  });

  test('a dry-run write through a subresource stores nothing', async () => {
    const { api } = await setup({ subresources: [status] });
    await api.post(PODS).send(examplePod('web'));
    const { body: pod } = await api.get(`${PODS}/web`);
    const changed: KubeObject = { ...pod, status: { phase: 'Running' } };
    const response = await api.put(`${PODS}/web/status?dryRun=All`).send(changed);
    expect(response.body.status?.phase, `PUT status ?dryRun=All: ${response.text}`).toBe('Running');
    const { body: stored } = await api.get(`${PODS}/web`);
    expect(stored.status?.phase, 'the stored phase').toBe('Pending');
  });

  test('a dry-run Service create shows the address it would get, and keeps none', async () => {
    const allocator = countingAllocator();
    const { api } = await setup({ serviceAllocator: allocator });
    const held = allocator.held.size;
    const SERVICES = '/api/v1/namespaces/default/services';
    const response = await api.post(`${SERVICES}?dryRun=All`).send(exampleService('web'));
    expect(response.body.spec?.clusterIP, `POST ?dryRun=All: ${response.text}`).toMatch(/^127\./);
    expect(allocator.held.size, 'addresses held after a dry-run create').toBe(held);
  });
});
