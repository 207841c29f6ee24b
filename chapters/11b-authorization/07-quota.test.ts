// ResourceQuota: what objects cost, the refusal's words, and charges that never overshoot.
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { accessResources, builtinResources } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type { AdmissionStore } from '../../harness/contracts/security.ts';
import {
  chargeQuotas,
  countName,
  countUsage,
  exceededQuota,
  formatAmount,
  hardOf,
  NamespaceLocks,
  parseAmount,
  resourceNameOf,
  ResourceQuotas,
  usageOf,
} from './quota.ts';

const resources = [...builtinResources, ...accessResources];
const find = (name: string) => resources.find((each) => each.resource === name)!;

/** A store of objects in memory whose update checks resourceVersion, as the API server does. */
function memoryStore(objects: KubeObject[]): AdmissionStore & { objects: KubeObject[] } {
  const same = (a: KubeObject, b: KubeObject) =>
    a.kind === b.kind &&
    a.metadata.namespace === b.metadata.namespace &&
    a.metadata.name === b.metadata.name;
  return {
    objects,
    resourceOf: (name) => resources.find((each) => each.resource === name.split('/').pop()),
    get: async (resource, namespace, name) =>
      objects.find(
        (o) =>
          o.kind === resource.kind &&
          o.metadata.namespace === namespace &&
          o.metadata.name === name,
      )!,
    list: async (resource, namespace) =>
      objects
        .filter((o) => o.kind === resource.kind && o.metadata.namespace === namespace)
        .map((o) => structuredClone(o)),
    create: async (_resource, object) => object,
    update: async (_resource, object) => {
      const index = objects.findIndex((o) => same(o, object));
      if (objects[index]!.metadata.resourceVersion !== object.metadata.resourceVersion)
        throw new ApiError(409, 'Conflict', 'changed');
      objects[index] = {
        ...object,
        metadata: {
          ...object.metadata,
          resourceVersion: `${Number(object.metadata.resourceVersion) + 1}`,
        },
      };
      return objects[index]!;
    },
  };
}

const pod = (name: string, cpu?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'dev' },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'busybox',
        ...(cpu ? { resources: { requests: { cpu }, limits: { cpu } } } : {}),
      },
    ],
  },
});
const quota = (hard: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ResourceQuota',
  metadata: { name: 'q', namespace: 'dev', resourceVersion: '1' },
  spec: { hard },
});

describe('ResourceQuota', () => {
  test('an object costs one of its count; a pod also its requests and limits', () => {
    expect(countName(find('deployments')), 'a deployment').toBe('count/deployments.apps');
    expect(
      usageOf(find('configmaps'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }),
      'a configmap',
    ).toEqual({ 'count/configmaps': 1, configmaps: 1 });
    expect(usageOf(find('pods'), pod('a', '250m')), 'a pod asking 250m').toEqual({
      'count/pods': 1,
      pods: 1,
      'requests.cpu': 250,
      'limits.cpu': 250,
      cpu: 250,
    });
    const done = { ...pod('b', '1'), status: { phase: 'Succeeded' } };
    expect(usageOf(find('pods'), done), 'a finished pod costs nothing').toEqual({});
  });

  test('amounts read and print as quantities: cpu in millicores, memory in Ki, Mi, Gi', () => {
    expect(parseAmount('requests.cpu', '1.5'), '1.5 cpu').toBe(1500);
    expect(parseAmount('limits.memory', '1Gi'), '1Gi').toBe(2 ** 30);
    expect(formatAmount('requests.cpu', 500), '500 millicores').toBe('500m');
    expect(formatAmount('cpu', 2000), '2000 millicores').toBe('2');
    expect(formatAmount('requests.memory', 64 * 2 ** 20), '64Mi').toBe('64Mi');
    expect(formatAmount('pods', 3), 'a count').toBe('3');
    expect(hardOf(quota({ pods: '2', 'requests.cpu': '1' })), 'hard as numbers').toEqual({
      pods: 2,
      'requests.cpu': 1000,
    });
  });

  test("a create past a quota is a 403 in kube's words", () => {
    const error = exceededQuota(
      find('pods'),
      'web-3',
      'two-pods',
      { pods: 1 },
      { pods: 2 },
      { pods: 2 },
    );
    expect(error.code, 'the code').toBe(403);
    expect(error.message, 'the message').toBe(
      'pods "web-3" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2',
    );
    expect(resourceNameOf('requests.memory'), 'requests.memory counts pods').toBe('pods');
    expect(resourceNameOf('count/deployments.apps'), 'count/deployments.apps').toBe(
      'apps/deployments',
    );
    expect(resourceNameOf('services'), 'services').toBe('services');
  });

  test("a namespace's use is counted from its objects", async () => {
    const store = memoryStore([pod('a', '100m'), pod('b', '200m')]);
    expect(
      await countUsage(store, 'dev', ['pods', 'requests.cpu', 'count/deployments.apps']),
      'two pods',
    ).toEqual({
      pods: 2,
      'requests.cpu': 300,
      'count/deployments.apps': 0,
    });
  });

  test('work on one namespace runs one piece at a time, in order, a failure not stopping the next', async () => {
    const locks = new NamespaceLocks();
    const order: string[] = [];
    const slow = locks.run('dev', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      order.push('first');
    });
    const failing = locks.run('dev', async () => {
      order.push('second');
      throw new Error('no');
    });
    const third = locks.run('dev', async () => order.push('third'));
    await Promise.allSettled([slow, failing, third]);
    expect(order, 'the order the pieces ran').toEqual(['first', 'second', 'third']);
  });

  test('a create is charged in status.used; the one past the limit is refused and not charged', async () => {
    const store = memoryStore([quota({ pods: '2', 'requests.cpu': '1' })]);
    await chargeQuotas(store, find('pods'), pod('a', '500m'));
    expect((store.objects[0]!.status as { used: unknown }).used, 'after one pod').toEqual({
      pods: '1',
      'requests.cpu': '500m',
    });
    await expect(
      chargeQuotas(store, find('pods'), pod('b', '600m')),
      'a pod over the cpu',
    ).rejects.toThrow(
      'exceeded quota: q, requested: requests.cpu=600m, used: requests.cpu=500m, limited: requests.cpu=1',
    );
    await chargeQuotas(store, find('services'), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'dev' },
    });
    expect(
      (store.objects[0]!.status as { used: unknown }).used,
      'a service is not limited here',
    ).toEqual({ pods: '1', 'requests.cpu': '500m' });
  });

  test('a quota on count/deployments.apps limits deployments, and not pods', async () => {
    const store = memoryStore([quota({ 'count/deployments.apps': '1' })]);
    const deployment = (name: string): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'dev' },
    });
    await chargeQuotas(store, find('deployments'), deployment('a'));
    await expect(
      chargeQuotas(store, find('deployments'), deployment('b')),
      'a second deployment',
    ).rejects.toThrow(
      'deployments.apps "b" is forbidden: exceeded quota: q, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1',
    );
    await chargeQuotas(store, find('pods'), pod('p'));
    expect((store.objects[0]!.status as { used: unknown }).used, 'the pod is not counted').toEqual({
      'count/deployments.apps': '1',
    });
  });

  test('creates racing for the last slot: exactly the limit pass, the rest are refused', async () => {
    const quotas = new ResourceQuotas();
    const store = memoryStore([quota({ pods: '2' })]);
    const request = (name: string) => ({
      operation: 'CREATE' as const,
      resource: find('pods'),
      namespace: 'dev',
      object: pod(name),
      user: { username: 'a', groups: [] },
    });
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd', 'e'].map((name) => quotas.admission.admit(request(name), store)),
    );
    expect(
      results.filter((result) => result.status === 'fulfilled').length,
      'five creates against pods: 2',
    ).toBe(2);
    expect(
      (store.objects[0]!.status as { used: unknown }).used,
      'the quota after the race',
    ).toEqual({ pods: '2' });
  });

  test('the controller fills a new quota from the objects and gives back what a delete used', async () => {
    const store = memoryStore([pod('a', '100m'), quota({ pods: '5' })]);
    const quotas = new ResourceQuotas();
    const events: Record<
      string,
      (event: { type: 'ADDED' | 'DELETED'; object: KubeObject }) => void
    > = {};
    await quotas.start({ follow: async (name, onEvent) => void (events[name] = onEvent) }, store);
    await quotas.fillStatus(store.objects[1]!);
    expect(store.objects[1]!.status, 'the quota filled from one pod').toEqual({
      hard: { pods: '5' },
      used: { pods: '1' },
    });
    await quotas.release(find('pods'), pod('a', '100m'));
    expect(
      (store.objects[1]!.status as { used: unknown }).used,
      'after the pod is deleted',
    ).toEqual({ pods: '0' });
    expect(Object.keys(events), 'what the controller follows').toContain('resourcequotas');
  });
});
