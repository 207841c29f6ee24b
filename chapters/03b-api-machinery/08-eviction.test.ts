// Eviction: `kubectl drain` does not delete pods, it asks: it POSTs an Eviction to each pod's
// eviction subresource, and the API server deletes the pod only if the PodDisruptionBudget that
// covers it can afford one more pod down. Otherwise it answers 429, and drain waits and asks again.
import request from 'supertest';
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { examplePod } from '../../harness/api/examples.ts';
import type { SubresourceActions } from '../../harness/api/machinery.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type { KubeObject, PodDisruptionBudget } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createApiServer } from '../../solutions/03a-apiserver/server.ts';
import { createPatcher } from './patch.ts';
import { createSelectors } from './selectors.ts';
import {
  budgetSelects,
  budgetStatus,
  createSubresources,
  evictionSubresource,
  scaledBound,
} from './subresources.ts';

const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);
const PODS = '/api/v1/namespaces/default/pods';
const BUDGETS = '/apis/policy/v1/namespaces/default/poddisruptionbudgets';

async function setup() {
  const server = await createApiServer({
    store: new MemoryStoreClient(new Store()),
    clock: new FakeClock(NOW),
    subresources: createSubresources(),
    patcher: createPatcher(),
    selectors: createSelectors(),
    compactionIntervalMs: 0,
  });
  return request(server.app);
}

/** A pod as a budget sees it: on a node, Running, and Ready or not. */
function pod(name: string, ready = true, labels = { app: 'web' }): KubeObject {
  return {
    ...examplePod(name, labels),
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function budget(spec: PodDisruptionBudget['spec']): PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web', namespace: 'default', generation: 1 },
    spec,
  };
}

const eviction = (name: string, deleteOptions?: object) => ({
  apiVersion: 'policy/v1',
  kind: 'Eviction',
  metadata: { name, namespace: 'default' },
  ...(deleteOptions ? { deleteOptions } : {}),
});

/** Creates Running, Ready pods on node n1 over HTTP (their status through /status). */
async function runningPods(api: request.Agent | ReturnType<typeof request>, names: string[]) {
  for (const name of names) {
    const created = pod(name);
    const { body } = await api
      .post(PODS)
      .send({ ...created, spec: { ...(created.spec as object), nodeName: 'n1' } });
    await api.put(`${PODS}/${name}/status`).send({ ...body, status: created.status });
  }
}

describe('Eviction and disruption budgets', () => {
  test('a budget covers the pods its selector selects; {} selects every pod, no selector none', () => {
    const selective = budget({ selector: { matchLabels: { app: 'web' } } });
    expect(budgetSelects(selective, pod('a')), 'app=web selects a pod app=web').toBe(true);
    expect(budgetSelects(selective, pod('b', true, { app: 'db' })), 'nor app=db').toBe(false);
    expect(budgetSelects(budget({ selector: {} }), pod('c')), 'an empty selector').toBe(true);
    expect(budgetSelects(budget({}), pod('d')), 'no selector at all').toBe(false);
  });

  test('a bound is a number of pods, or a percentage of the expected pods rounded up', () => {
    expect(scaledBound(2, 10), 'the bound 2').toBe(2);
    expect(scaledBound('50%', 3), '50% of 3').toBe(2);
    expect(scaledBound('10%', 10), '10% of 10').toBe(1);
  });

  test('minAvailable: the Ready pods not being deleted are counted against it', () => {
    const terminating = pod('c');
    terminating.metadata.deletionTimestamp = '2024-01-02T03:04:05Z';
    const pods = [pod('a'), pod('b'), terminating, pod('d', false), pod('e', true, { app: 'db' })];
    const status = budgetStatus(
      budget({ minAvailable: 1, selector: { matchLabels: { app: 'web' } } }),
      pods,
      NOW,
    );
    expect(
      status,
      'the status of a budget minAvailable 1 over a, b (Ready), c (deleted), d',
    ).toEqual({
      observedGeneration: 1,
      disruptedPods: {},
      disruptionsAllowed: 1,
      currentHealthy: 2,
      desiredHealthy: 1,
      expectedPods: 3,
    });
  });

  test('maxUnavailable: the pods that must stay healthy are the expected ones less those allowed down', () => {
    const pods = [pod('a'), pod('b'), pod('c'), pod('d')];
    const status = budgetStatus(
      budget({ maxUnavailable: '25%', selector: { matchLabels: { app: 'web' } } }),
      pods,
      NOW,
    );
    expect(
      [status.desiredHealthy, status.disruptionsAllowed],
      'desired healthy and disruptions allowed with maxUnavailable 25% of 4',
    ).toEqual([3, 1]);
  });

  test('an eviction of a pod no budget covers deletes it as a DELETE would: 201 and a Success Status', async () => {
    const api = await setup();
    await api.post(PODS).send(examplePod('web'));
    const older = { ...eviction('web'), apiVersion: 'policy/v1beta1' };
    const response = await api.post(`${PODS}/web/eviction`).send(older);
    expect(response.status, `POST ${PODS}/web/eviction (policy/v1beta1): ${response.text}`).toBe(
      201,
    );
    expect(response.body, 'the answer').toMatchObject({ kind: 'Status', status: 'Success' });
    const get = await api.get(`${PODS}/web`);
    expect(get.status, 'GET the pod (on no node: removed at once) after its eviction').toBe(404);
  });

  test("an eviction the budget cannot afford is a 429 TooManyRequests naming the budget's need", async () => {
    const api = await setup();
    await runningPods(api, ['a', 'b']);
    await api
      .post(BUDGETS)
      .send(budget({ minAvailable: 2, selector: { matchLabels: { app: 'web' } } }));
    const response = await api.post(`${PODS}/a/eviction`).send(eviction('a'));
    expect(response.status, `evict a while minAvailable is 2 of 2: ${response.text}`).toBe(429);
    expect(response.body, 'the Status').toMatchObject({
      reason: 'TooManyRequests',
      message: "Cannot evict pod as it would violate the pod's disruption budget.",
      details: {
        causes: [
          {
            reason: 'DisruptionBudget',
            message: 'The disruption budget web needs 2 healthy pods and has 2 currently',
          },
        ],
      },
    });
    const { body: still } = await api.get(`${PODS}/a`);
    expect(still.metadata.deletionTimestamp, 'the pod after a refused eviction').toBeUndefined();
  });

  test("a granted eviction is written in the budget's status: one disruption fewer, the pod noted", async () => {
    const api = await setup();
    await runningPods(api, ['a', 'b', 'c']);
    await api
      .post(BUDGETS)
      .send(budget({ minAvailable: 2, selector: { matchLabels: { app: 'web' } } }));
    const first = await api.post(`${PODS}/a/eviction`).send(eviction('a'));
    expect(first.status, `the first eviction of three pods, minAvailable 2: ${first.text}`).toBe(
      201,
    );
    const { body: pdb } = await api.get(`${BUDGETS}/web`);
    expect(pdb.status, "the budget's status after it").toMatchObject({
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      disruptionsAllowed: 0,
      disruptedPods: { a: '2024-01-02T03:04:05Z' },
    });
    const second = await api.post(`${PODS}/b/eviction`).send(eviction('b'));
    expect(second.status, 'a second eviction, with a being deleted').toBe(429);
  });

  test('two evictions at the same moment cannot both spend the last disruption', async () => {
    // The budget's status write is a 409 the first time: another eviction, of b, wrote it first.
    let current = budget({ minAvailable: 2, selector: { matchLabels: { app: 'web' } } });
    let writes = 0;
    let deleted = false;
    const actions: SubresourceActions = {
      resource: builtinResources.find((r) => r.resource === 'pods')!,
      clock: new FakeClock(NOW),
      dryRun: false,
      list: async (resource) =>
        resource.resource === 'pods' ? [pod('a'), pod('b'), pod('c')] : [current],
      updateStatus: async (_resource, object) => {
        if (++writes === 1) {
          current = {
            ...current,
            status: {
              ...(object as PodDisruptionBudget).status!,
              disruptedPods: { b: '2024-01-02T03:04:05Z' },
            },
          };
          throw new ApiError(409, 'Conflict', 'the object has been modified');
        }
        return object;
      },
      deleteParent: async () => {
        deleted = true;
        return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
      },
    };
    const refusal = await evictionSubresource.act!(pod('a'), eviction('a'), actions).catch(
      (error: ApiError) => error,
    );
    expect((refusal as ApiError).code, 'evicting a after b took the last disruption').toBe(429);
    expect(deleted, 'whether pod a was deleted').toBe(false);
  });

  test("the Eviction's deleteOptions are the delete's: its grace period and preconditions", async () => {
    const api = await setup();
    await runningPods(api, ['a', 'b']);
    const wrong = await api
      .post(`${PODS}/a/eviction`)
      .send(eviction('a', { preconditions: { uid: 'not-its-uid' } }));
    expect(wrong.status, `an eviction whose precondition names another uid: ${wrong.text}`).toBe(
      409,
    );
    const graceful = await api.post(`${PODS}/a/eviction`).send(eviction('a'));
    expect(graceful.status, 'an eviction with no options').toBe(201);
    const { body: marked } = await api.get(`${PODS}/a`);
    expect(marked.metadata.deletionGracePeriodSeconds, 'pod a is marked, with 30 s').toBe(30);
    await api.post(`${PODS}/b/eviction`).send(eviction('b', { gracePeriodSeconds: 0 }));
    expect((await api.get(`${PODS}/b`)).status, 'pod b, evicted with grace 0').toBe(404);
  });

  test('a dry-run eviction checks the budget but deletes nothing and writes no status', async () => {
    const api = await setup();
    await runningPods(api, ['a', 'b']);
    await api
      .post(BUDGETS)
      .send(budget({ minAvailable: 1, selector: { matchLabels: { app: 'web' } } }));
    const response = await api
      .post(`${PODS}/a/eviction`)
      .send(eviction('a', { dryRun: ['All'], gracePeriodSeconds: 0 }));
    expect(response.status, `a dry-run eviction: ${response.text}`).toBe(201);
    expect((await api.get(`${PODS}/a`)).status, 'the pod after a dry-run eviction').toBe(200);
    const { body: pdb } = await api.get(`${BUDGETS}/web`);
    expect(pdb.status?.disruptedPods, "the budget's disruptedPods").toBeUndefined();
  });

  test('a pod that two budgets cover cannot be evicted: kube-apiserver supports only one', async () => {
    const api = await setup();
    await runningPods(api, ['a']);
    await api.post(BUDGETS).send(budget({ minAvailable: 0, selector: {} }));
    const other = budget({ minAvailable: 0, selector: { matchLabels: { app: 'web' } } });
    await api.post(BUDGETS).send({ ...other, metadata: { ...other.metadata, name: 'other' } });
    const response = await api.post(`${PODS}/a/eviction`).send(eviction('a'));
    expect(response.status, `evict a pod two budgets cover: ${response.text}`).toBe(500);
    expect(response.body.message, 'the message').toContain('more than one PodDisruptionBudget');
  });
});
