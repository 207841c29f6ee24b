// The ReplicaSet controller: first its pure steps (selectors, which pods count, owner references,
// the order of deletion, expectations, status, claiming), then each of its API calls on its own,
// then the whole loop against the reference API server, with a fake kubelet (a test double that
// binds pods and reports them Running and ready) so pods come alive in milliseconds.
import { describe, expect, test } from 'vitest';
import { exampleReplicaSet, examplePod } from '../../harness/api/examples.ts';
import type {
  KubeObject,
  OwnerReference,
  Pod,
  PodPhase,
  ReplicaSet,
  ReplicationController,
} from '../../harness/api/types.ts';
import type { ApiClient } from '../../harness/client/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { FakeKubelet } from '../../harness/testing/fake-kubelet.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { Expectations } from './expectations.ts';
import { matchesSelector } from './label-selector.ts';
import {
  claimAction,
  controllerOf,
  createReplicaSetController,
  deletionOrder,
  isActive,
  isAvailable,
  isReady,
  ownerReferenceTo,
  podFromTemplate,
  replicaSetKeysFor,
  replicaSetStatus,
  selectorOf,
  slowStartBatches,
} from './replicaset.ts';

const scope = testScope();

async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const kubelet = new FakeKubelet({ toolkit, client, nodes: ['node-1', 'node-2'] });
  inBackground(kubelet.run(scope.stopper().signal));
  inBackground(createReplicaSetController({ toolkit, client }).run(scope.stopper().signal));
  const pods = client.resource<Pod>('pods', 'default');
  const replicaSets = client.resource<ReplicaSet>('replicasets', 'default');
  const running = async () =>
    (await pods.list()).items.filter((pod) => !pod.metadata.deletionTimestamp);
  return { client, kubelet, pods, replicaSets, running };
}

/** An API server and a controller that is not running: its steps are called one by one. */
async function steps(client?: (real: ApiClient) => ApiClient) {
  const server = await scope.apiServer();
  const real = toolkit.createClient({ server: server.url });
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  const controller = createReplicaSetController({
    toolkit,
    client: client ? client(real) : real,
    clock,
  });
  return {
    controller,
    clock,
    pods: real.resource<Pod>('pods', 'default'),
    replicaSets: real.resource<ReplicaSet>('replicasets', 'default'),
  };
}

/** A pod as the scheduler and kubelet would leave it, for ranking. */
function ranked(
  name: string,
  fields: {
    node?: string;
    phase?: PodPhase;
    ready?: boolean;
    created?: string;
    restarts?: number;
  },
): Pod {
  const pod = examplePod(name);
  if (fields.node) pod.spec.nodeName = fields.node;
  pod.metadata.creationTimestamp = fields.created ?? '2026-01-01T00:00:00Z';
  pod.status = {
    phase: fields.phase,
    conditions: [{ type: 'Ready', status: fields.ready ? 'True' : 'False' }],
    containerStatuses: [
      {
        name: 'app',
        ready: fields.ready ?? false,
        restartCount: fields.restarts ?? 0,
        image: 'kata/echo:1.0',
      },
    ],
  };
  return pod;
}

/** A ReplicaSet as the API server returns it: in default, with a uid and a generation. */
function stored(name: string, replicas = 2): ReplicaSet {
  const rs = exampleReplicaSet(name, replicas);
  rs.metadata = { ...rs.metadata, namespace: 'default', uid: `uid-${name}`, generation: 1 };
  return rs;
}

/** A pod in default, with a uid, and optionally a controller ownerReference to `owner`. */
function podOf(name: string, labels: Record<string, string>, owner?: ReplicaSet): Pod {
  const pod = examplePod(name, labels);
  pod.metadata = { ...pod.metadata, namespace: 'default', uid: `uid-${name}` };
  if (owner) pod.metadata.ownerReferences = [ownerReferenceTo(owner)];
  return pod;
}

/** A client whose pod creations are counted. */
function countingCreates(counter: { creates: number }) {
  return (real: ApiClient): ApiClient => ({
    config: real.config,
    bind: (binding) => real.bind(binding),
    resource: <T extends KubeObject>(resource: string, namespace?: string) => {
      const inner = real.resource<T>(resource, namespace);
      return new Proxy(inner, {
        get(target, property) {
          if (property === 'create') {
            return (object: Parameters<typeof inner.create>[0]) => {
              counter.creates++;
              return inner.create(object);
            };
          }
          const value = Reflect.get(target, property) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  });
}

/** A client whose every delete fails as a fetch to a restarting API server does. */
function refusingDeletes(real: ApiClient): ApiClient {
  return {
    config: real.config,
    bind: (binding) => real.bind(binding),
    resource: <T extends KubeObject>(resource: string, namespace?: string) => {
      const inner = real.resource<T>(resource, namespace);
      return new Proxy(inner, {
        get(target, property) {
          if (property === 'delete') return () => Promise.reject(new TypeError('fetch failed'));
          const value = Reflect.get(target, property) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
}

describe('ReplicaSets', () => {
  test("a selector's matchLabels hold when the labels have every pair", () => {
    const labels = { app: 'web', tier: 'front' };
    expect(
      matchesSelector({ matchLabels: { app: 'web' } }, labels),
      'matchLabels app=web on app=web,tier=front should match',
    ).toBe(true);
    expect(
      matchesSelector({ matchLabels: { app: 'web', tier: 'back' } }, labels),
      'matchLabels app=web,tier=back on app=web,tier=front should not match: tier differs',
    ).toBe(false);
    expect(
      matchesSelector({ matchLabels: { app: 'web', zone: 'a' } }, labels),
      'matchLabels app=web,zone=a on labels without zone should not match',
    ).toBe(false);
  });

  test('matchExpressions In and NotIn compare the value with a list; a missing key is NotIn', () => {
    const labels = { app: 'web', tier: 'front' };
    const holds = (operator: 'In' | 'NotIn', key: string, values: string[]) =>
      matchesSelector({ matchExpressions: [{ key, operator, values }] }, labels);
    expect(holds('In', 'tier', ['front', 'back']), 'tier In (front, back)').toBe(true);
    expect(holds('In', 'tier', ['back']), 'tier In (back)').toBe(false);
    expect(holds('In', 'zone', ['a']), 'zone In (a), zone missing').toBe(false);
    expect(holds('NotIn', 'tier', ['front']), 'tier NotIn (front)').toBe(false);
    expect(holds('NotIn', 'tier', ['back']), 'tier NotIn (back)').toBe(true);
    expect(holds('NotIn', 'zone', ['a']), 'zone NotIn (a), zone missing').toBe(true);
  });

  test('matchExpressions Exists and DoesNotExist look at the key alone', () => {
    const labels = { app: 'web', gpu: '' };
    const holds = (operator: 'Exists' | 'DoesNotExist', key: string) =>
      matchesSelector({ matchExpressions: [{ key, operator }] }, labels);
    expect(holds('Exists', 'gpu'), 'gpu Exists, gpu="" present').toBe(true);
    expect(holds('Exists', 'zone'), 'zone Exists, zone missing').toBe(false);
    expect(holds('DoesNotExist', 'zone'), 'zone DoesNotExist, zone missing').toBe(true);
    expect(holds('DoesNotExist', 'gpu'), 'gpu DoesNotExist, gpu present').toBe(false);
  });

  test('an empty selector matches every pod, even one without labels', () => {
    expect(matchesSelector({}, { app: 'web' }), 'selector {} on app=web').toBe(true);
    expect(matchesSelector({}, undefined), 'selector {} on a pod without labels').toBe(true);
    expect(matchesSelector(undefined, undefined), 'no selector at all, no labels').toBe(true);
    expect(
      matchesSelector({ matchLabels: { app: 'web' } }, undefined),
      'matchLabels app=web on a pod without labels',
    ).toBe(false);
  });

  test('a label selector: every matchLabels pair, and every expression', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(
      [
        matchesSelector({ matchLabels: { app: 'web' } }, labels),
        matchesSelector({ matchLabels: { app: 'db' } }, labels),
        matchesSelector(
          { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] },
          labels,
        ),
        matchesSelector(
          { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] },
          labels,
        ),
        matchesSelector({ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }, labels),
        matchesSelector({ matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }, labels),
        matchesSelector({}, labels),
        matchesSelector(
          {
            matchLabels: { app: 'web' },
            matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }],
          },
          labels,
        ),
      ],
      'app=web / app=db / tier in (front,back) / tier notin (front) / !gpu / gpu / {} / app=web and tier in (back)',
    ).toEqual([true, false, true, false, true, false, true, false]);
  });

  test('a pod counts while it is neither being deleted nor finished', () => {
    const pod = (phase?: PodPhase, deleting = false): Pod => ({
      ...examplePod('p'),
      metadata: { name: 'p', ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
      status: phase ? { phase } : undefined,
    });
    expect(isActive(pod()), 'a pod with no status yet').toBe(true);
    expect(isActive(pod('Pending')), 'a Pending pod').toBe(true);
    expect(isActive(pod('Running')), 'a Running pod').toBe(true);
    expect(isActive(pod('Succeeded')), 'a Succeeded pod has finished').toBe(false);
    expect(isActive(pod('Failed')), 'a Failed pod has finished').toBe(false);
    expect(isActive(pod('Running', true)), 'a Running pod with a deletionTimestamp').toBe(false);
  });

  test('a pod is ready when its Ready condition is True', () => {
    expect(isReady(ranked('a', { ready: true })), 'Ready True').toBe(true);
    expect(isReady(ranked('b', { ready: false })), 'Ready False').toBe(false);
    expect(isReady(examplePod('c')), 'no status at all').toBe(false);
    const scheduledOnly = examplePod('d');
    scheduledOnly.status = { conditions: [{ type: 'PodScheduled', status: 'True' }] };
    expect(isReady(scheduledOnly), 'PodScheduled True, but no Ready condition').toBe(false);
  });

  test('the controller of an object is its ownerReference marked controller: true', () => {
    const pod = examplePod('p');
    expect(controllerOf(pod), 'a pod without ownerReferences').toBeUndefined();
    const plain: OwnerReference = { apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'u1' };
    const boss: OwnerReference = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'web',
      uid: 'u2',
      controller: true,
    };
    pod.metadata.ownerReferences = [plain];
    expect(controllerOf(pod), 'only an owner that is not the controller').toBeUndefined();
    pod.metadata.ownerReferences = [plain, boss];
    expect(controllerOf(pod), 'a plain owner, then the controller').toEqual(boss);
  });

  test("a ReplicaSet's selector is spec.selector; a ReplicationController's plain map reads as matchLabels", () => {
    const rs = exampleReplicaSet('web');
    expect(selectorOf(rs), 'a ReplicaSet').toEqual({ matchLabels: { app: 'web' } });
    const { spec } = exampleReplicaSet('old');
    const rc: ReplicationController = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'old' },
      spec: { replicas: 1, selector: { app: 'old', tier: 'x' }, template: spec.template },
    };
    expect(selectorOf(rc), 'a ReplicationController with selector app=old,tier=x').toEqual({
      matchLabels: { app: 'old', tier: 'x' },
    });
    delete rc.spec.selector;
    expect(
      selectorOf(rc),
      "a ReplicationController without a selector selects its template's labels",
    ).toEqual({ matchLabels: { app: 'old' } });
  });

  test("a ReplicaSet's pods carry a controller ownerReference to it, with its name and uid", () => {
    expect(ownerReferenceTo(stored('web')), 'the ownerReference to ReplicaSet web').toEqual({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'web',
      uid: 'uid-web',
      controller: true,
      blockOwnerDeletion: true,
    });
  });

  test("a ReplicationController's ownerReference names v1 ReplicationController", () => {
    const { spec } = exampleReplicaSet('old');
    const rc: ReplicationController = {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'old', uid: 'uid-old' },
      spec: { replicas: 1, template: spec.template },
    };
    expect(ownerReferenceTo(rc), 'the ownerReference to ReplicationController old').toMatchObject({
      apiVersion: 'v1',
      kind: 'ReplicationController',
      name: 'old',
      uid: 'uid-old',
    });
  });

  test('a pod from the template: generateName "<rs>-", its namespace and labels, owned by it', () => {
    const rs = stored('web');
    const pod = podFromTemplate(rs);
    expect(
      [pod.apiVersion, pod.kind, pod.metadata.name, pod.metadata.generateName],
      'apiVersion, kind, name (none: the server makes one) and generateName',
    ).toEqual(['v1', 'Pod', undefined, 'web-']);
    expect(pod.metadata.namespace, "the ReplicaSet's namespace").toBe('default');
    expect(pod.metadata.labels, "the template's labels").toEqual({ app: 'web' });
    expect(pod.metadata.ownerReferences, 'one ownerReference: ownerReferenceTo(rs)').toEqual([
      ownerReferenceTo(rs),
    ]);
    expect(pod.spec, "the template's spec").toEqual(rs.spec.template.spec);
  });

  test('a pod from the template is a copy: changing the pod leaves the ReplicaSet alone', () => {
    const rs = stored('web');
    const pod = podFromTemplate(rs);
    pod.metadata.labels!.extra = 'yes';
    pod.spec.containers[0]!.image = 'changed';
    expect(
      rs.spec.template.metadata?.labels,
      "the template's labels after the pod's changed",
    ).toEqual({ app: 'web' });
    expect(
      rs.spec.template.spec.containers[0]!.image,
      "the template's image after the pod's changed",
    ).toBe('kata/echo:1.0');
  });

  test('surplus pods go in order: unscheduled, pending, not ready, then the newest', () => {
    const pods = [
      ranked('old-ready', {
        node: 'n',
        phase: 'Running',
        ready: true,
        created: '2026-01-01T00:00:00Z',
      }),
      ranked('new-ready', {
        node: 'n',
        phase: 'Running',
        ready: true,
        created: '2026-01-02T00:00:00Z',
      }),
      ranked('not-ready', { node: 'n', phase: 'Running', ready: false }),
      ranked('pending', { node: 'n', phase: 'Pending' }),
      ranked('unscheduled', { phase: 'Pending' }),
    ];
    expect(
      pods.sort(deletionOrder).map((pod) => pod.metadata.name),
      'five pods sorted with deletionOrder, the first to delete first',
    ).toEqual(['unscheduled', 'pending', 'not-ready', 'new-ready', 'old-ready']);
  });

  test('between two ready pods of the same age, the one restarted more often goes first', () => {
    const steady = ranked('steady', { node: 'n', phase: 'Running', ready: true, restarts: 0 });
    const flaky = ranked('flaky', { node: 'n', phase: 'Running', ready: true, restarts: 4 });
    expect(
      [steady, flaky].sort(deletionOrder).map((pod) => pod.metadata.name),
      'steady (0 restarts) and flaky (4 restarts), sorted with deletionOrder',
    ).toEqual(['flaky', 'steady']);
    expect(deletionOrder(steady, steady), 'a pod compared with itself').toBe(0);
  });

  test('with nothing expected, a controller may act', () => {
    const expectations = new Expectations(new FakeClock());
    expect(expectations.satisfied('default/web'), 'a key never seen').toBe(true);
    expectations.expectCreations('default/web', 0);
    expect(expectations.satisfied('default/web'), 'zero creations expected').toBe(true);
  });

  test('expectations: a controller waits until what it asked for has been seen', () => {
    const clock = new FakeClock();
    const expectations = new Expectations(clock);
    expectations.expectCreations('default/web', 2);
    expect(expectations.satisfied('default/web'), 'two creations pending').toBe(false);
    expectations.creationObserved('default/web');
    expect(expectations.satisfied('default/web'), 'one of two seen').toBe(false);
    expectations.creationObserved('default/web');
    expect(expectations.satisfied('default/web'), 'both seen').toBe(true);
    expectations.expectDeletions('default/web', ['u1']);
    expect(expectations.satisfied('default/web'), 'a deletion pending').toBe(false);
    clock.advance(5 * 60 * 1000 + 1);
    expect(expectations.satisfied('default/web'), 'a deletion never seen, after 5 minutes').toBe(
      true,
    );
  });

  test('expected deletions count by uid: the deletion of another pod does not count', () => {
    const expectations = new Expectations(new FakeClock());
    expectations.expectDeletions('default/web', ['u1', 'u2']);
    expectations.deletionObserved('default/web', 'u1');
    expectations.deletionObserved('default/web', 'u9');
    expect(expectations.satisfied('default/web'), 'u1 and u9 seen, u2 still expected').toBe(false);
    expectations.deletionObserved('default/web', 'u2');
    expect(expectations.satisfied('default/web'), 'u1 and u2 seen').toBe(true);
    expectations.creationObserved('default/other');
    expect(
      expectations.satisfied('default/other'),
      'a creation seen for a key never expected',
    ).toBe(true);
  });

  test('a new expectation replaces the old one, forget drops it, and keys are apart', () => {
    const expectations = new Expectations(new FakeClock());
    expectations.expectCreations('default/web', 3);
    expectations.expectCreations('default/web', 1);
    expectations.creationObserved('default/web');
    expect(expectations.satisfied('default/web'), '3 expected, then 1, then 1 seen').toBe(true);
    expectations.expectCreations('default/web', 2);
    expectations.expectCreations('default/db', 1);
    expectations.forget('default/web');
    expect(expectations.satisfied('default/web'), '2 expected, then forgotten').toBe(true);
    expect(
      expectations.satisfied('default/db'),
      'db expects 1: web forgotten changes nothing',
    ).toBe(false);
  });

  test('a ready pod is available once it has been ready for minReadySeconds', () => {
    const now = Date.parse('2026-01-01T00:01:00Z');
    const pod = ranked('p', { ready: true });
    pod.status!.conditions![0]!.lastTransitionTime = '2026-01-01T00:00:30Z';
    expect(isAvailable(pod, 0, now), 'ready, minReadySeconds 0').toBe(true);
    expect(isAvailable(pod, 30, now), 'ready for 30 s, minReadySeconds 30').toBe(true);
    expect(isAvailable(pod, 31, now), 'ready for 30 s, minReadySeconds 31').toBe(false);
    expect(isAvailable(ranked('q', { ready: false }), 0, now), 'not ready').toBe(false);
  });

  test('status counts the pods, the fully labelled, the ready and the available, at the observed generation', () => {
    const rs = stored('web', 3);
    rs.spec.template.metadata!.labels = { app: 'web', tier: 'front' };
    rs.metadata.generation = 4;
    const pods = [
      ranked('a', { ready: true }),
      ranked('b', { ready: true }),
      ranked('c', { ready: false }),
    ];
    pods[0]!.metadata.labels = { app: 'web', tier: 'front' };
    pods[1]!.metadata.labels = { app: 'web' };
    pods[2]!.metadata.labels = { app: 'web', tier: 'front', extra: 'x' };
    expect(
      replicaSetStatus(rs, pods, Date.parse('2026-01-02T00:00:00Z')),
      'three pods: two ready, two with every template label (a third label is fine)',
    ).toEqual({
      replicas: 3,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 4,
    });
  });

  test('writeStatus writes the counts to the status, and nothing when they have not changed', async () => {
    const { controller, replicaSets } = await steps();
    const rs = await replicaSets.create(exampleReplicaSet('web', 2));
    const pods = [ranked('a', { ready: true }), ranked('b', { ready: false })];
    for (const pod of pods) pod.metadata.labels = { app: 'web' };
    await controller.writeStatus(rs, pods);
    const written = await replicaSets.get('web');
    expect(written.status, 'the status after writeStatus with one ready pod of two').toMatchObject({
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: 1,
      availableReplicas: 1,
      observedGeneration: 1,
    });
    await controller.writeStatus(written, pods);
    expect(
      (await replicaSets.get('web')).metadata.resourceVersion,
      'writeStatus again with the same pods should write nothing: the resourceVersion stays',
    ).toBe(written.metadata.resourceVersion);
  });

  test('claiming keeps an owned pod that matches and releases one that no longer does', () => {
    const rs = stored('web');
    expect(claimAction(rs, podOf('a', { app: 'web' }, rs)), 'owned, labels app=web').toBe('keep');
    expect(claimAction(rs, podOf('b', { app: 'db' }, rs)), 'owned, relabelled app=db').toBe(
      'release',
    );
  });

  test('claiming adopts an active orphan that matches, and leaves alone what another controls', () => {
    const rs = stored('web');
    expect(claimAction(rs, podOf('a', { app: 'web' })), 'an orphan with app=web').toBe('adopt');
    expect(claimAction(rs, podOf('b', { app: 'db' })), 'an orphan with app=db').toBe('ignore');
    const done = podOf('c', { app: 'web' });
    done.status = { phase: 'Succeeded' };
    expect(claimAction(rs, done), 'a Succeeded orphan with app=web').toBe('ignore');
    expect(
      claimAction(rs, podOf('d', { app: 'web' }, stored('other'))),
      'a pod with app=web controlled by another ReplicaSet',
    ).toBe('ignore');
    const leaving = { ...rs, metadata: { ...rs.metadata, deletionTimestamp: 'now' } };
    expect(
      claimAction(leaving, podOf('e', { app: 'web' })),
      'an orphan with app=web, the ReplicaSet being deleted',
    ).toBe('ignore');
  });

  test('claimPods adopts a matching orphan with a patch that adds its ownerReference', async () => {
    const { controller, pods, replicaSets } = await steps();
    const rs = await replicaSets.create(exampleReplicaSet('web', 1));
    const orphan = await pods.create(examplePod('orphan', { app: 'web' }));
    const stranger = await pods.create(examplePod('stranger', { app: 'db' }));
    const claimed = await controller.claimPods(rs, [orphan, stranger]);
    expect(
      claimed.map((pod) => pod.metadata.name),
      'claimPods over an orphan with app=web and one with app=db',
    ).toEqual(['orphan']);
    expect(
      (await pods.get('orphan')).metadata.ownerReferences,
      'the orphan, read back from the API server',
    ).toEqual([ownerReferenceTo(rs)]);
    expect(
      (await pods.get('stranger')).metadata.ownerReferences ?? [],
      'the pod with app=db, read back',
    ).toEqual([]);
  });

  test('claimPods releases a pod that no longer matches: it keeps running, owned by nobody', async () => {
    const { controller, pods, replicaSets } = await steps();
    const rs = await replicaSets.create(exampleReplicaSet('web', 1));
    const mine = podFromTemplate(rs);
    mine.metadata.name = 'mine';
    const stray = await pods.create({
      ...mine,
      metadata: { ...mine.metadata, labels: { app: 'x' } },
    });
    const kept = await pods.create({ ...mine, metadata: { ...mine.metadata, name: 'kept' } });
    const claimed = await controller.claimPods(rs, [stray, kept]);
    expect(
      claimed.map((pod) => pod.metadata.name),
      'claimPods over an owned pod relabelled app=x and an owned one with app=web',
    ).toEqual(['kept']);
    const released = await pods.get('mine');
    expect(released.metadata.deletionTimestamp, 'the released pod is not deleted').toBeUndefined();
    expect(released.metadata.ownerReferences ?? [], 'its ownerReferences, read back').toEqual([]);
  });

  test('pods are created in batches of 1, 2, 4, ..., the last one what is left', () => {
    expect(slowStartBatches(0), '0 pods').toEqual([]);
    expect(slowStartBatches(1), '1 pod').toEqual([1]);
    expect(slowStartBatches(3), '3 pods').toEqual([1, 2]);
    expect(slowStartBatches(10), '10 pods').toEqual([1, 2, 4, 3]);
    expect(slowStartBatches(15), '15 pods').toEqual([1, 2, 4, 8]);
  });

  test('createPods makes the pods from the template and expects them until the informer sees them', async () => {
    const { controller, pods, replicaSets } = await steps();
    const rs = await replicaSets.create(exampleReplicaSet('web', 3));
    await controller.createPods(rs, 'default/web', 3);
    const created = (await pods.list()).items;
    expect(created.length, 'pods after createPods(rs, key, 3)').toBe(3);
    expect(
      created.every((pod) => /^web-[a-z0-9]{5}$/.test(pod.metadata.name!)),
      `pod names ${created.map((pod) => pod.metadata.name).join(', ')} should be web-xxxxx`,
    ).toBe(true);
    expect(controller.expectations.satisfied('default/web'), 'right after creating 3').toBe(false);
    for (let n = 0; n < 3; n++) controller.expectations.creationObserved('default/web');
    expect(controller.expectations.satisfied('default/web'), 'once 3 creations are seen').toBe(
      true,
    );
  });

  test('a batch that fails stops the creating: one request, not one per pod, and nothing left expected', async () => {
    const counter = { creates: 0 };
    const { controller, pods } = await steps(countingCreates(counter));
    const broken = stored('broken', 5);
    broken.spec.template.spec.containers = [];
    await expect(
      controller.createPods(broken, 'default/broken', 5),
      'createPods of 5 from a template without containers should throw the API server\'s "Required value" error',
    ).rejects.toThrow(/Required value/);
    expect(counter.creates, 'create requests sent: the first batch, of 1, failed').toBe(1);
    expect((await pods.list()).items.length, 'pods created').toBe(0);
    expect(
      controller.expectations.satisfied('default/broken'),
      'expectations after the failure: none of the 5 will ever be seen',
    ).toBe(true);
  });

  test('deletePods deletes the victims and expects their deletions by uid', async () => {
    const { controller, pods } = await steps();
    const doomed = await pods.create(examplePod('doomed', { app: 'web' }));
    const spared = await pods.create(examplePod('spared', { app: 'web' }));
    const rs = stored('web');
    await controller.deletePods(rs, 'default/web', [doomed]);
    expect(
      (await pods.list()).items.map((pod) => pod.metadata.name),
      'pods left after deletePods([doomed])',
    ).toEqual(['spared']);
    expect(controller.expectations.satisfied('default/web'), 'the deletion not yet seen').toBe(
      false,
    );
    controller.expectations.deletionObserved('default/web', spared.metadata.uid!);
    expect(controller.expectations.satisfied('default/web'), "spared's uid seen instead").toBe(
      false,
    );
    controller.expectations.deletionObserved('default/web', doomed.metadata.uid!);
    expect(controller.expectations.satisfied('default/web'), "doomed's uid seen").toBe(true);
  });

  test('a deletion that fails counts as seen at once, and its error is thrown for a retry', async () => {
    const { controller, pods } = await steps(refusingDeletes);
    const doomed = await pods.create(examplePod('doomed', { app: 'web' }));
    await expect(
      controller.deletePods(stored('web'), 'default/web', [doomed]),
      'deletePods([doomed]) while every delete fails (the API server restarting) should throw that failure',
    ).rejects.toThrow(/fetch failed/);
    expect(
      controller.expectations.satisfied('default/web'),
      'expectations after the failed delete: it will never be seen, so nothing may be left waiting for it',
    ).toBe(true);
    expect(
      (await pods.list()).items.map((pod) => pod.metadata.name),
      'pods left after the failed delete',
    ).toEqual(['doomed']);
  });

  test("a pod's change concerns its controller; an orphan's, every ReplicaSet of its namespace that selects it", () => {
    const web = stored('web');
    const all = stored('all');
    all.spec.selector = {};
    const elsewhere = { ...stored('web2'), metadata: { name: 'web2', namespace: 'team-a' } };
    const replicaSets = [web, all, elsewhere];
    expect(
      replicaSetKeysFor(podOf('a', { app: 'web' }, web), replicaSets, 'ReplicaSet'),
      'a pod controlled by ReplicaSet web',
    ).toEqual(['default/web']);
    expect(
      replicaSetKeysFor(podOf('b', { app: 'web' }), replicaSets, 'ReplicaSet'),
      'an orphan with app=web in default (web2 is in team-a)',
    ).toEqual(['default/web', 'default/all']);
    expect(
      replicaSetKeysFor(podOf('c', { app: 'web' }, web), replicaSets, 'ReplicationController'),
      'a pod controlled by a ReplicaSet, asked by the ReplicationController controller',
    ).toEqual([]);
  });

  test('a new ReplicaSet gets its pods: named after it, owned by it, counted in its status', async () => {
    const { replicaSets, running } = await setUp();
    const rs = await replicaSets.create(exampleReplicaSet('web', 3));
    await waitFor(
      async () => (await replicaSets.get('web')).status?.readyReplicas === 3,
      'three ready',
    );
    const pods = await running();
    expect(pods.length, 'pods in all (never more)').toBe(3);
    for (const pod of pods) {
      expect(pod.metadata.name, 'a pod name').toMatch(/^web-[a-z0-9]{5}$/);
      expect(pod.metadata.ownerReferences, `the ownerReferences of ${pod.metadata.name}`).toEqual([
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'web',
          uid: rs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    expect((await replicaSets.get('web')).status, "the ReplicaSet's status").toMatchObject({
      replicas: 3,
      fullyLabeledReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
  });

  test('a pod that is deleted is replaced', async () => {
    const { replicaSets, running, pods } = await setUp();
    await replicaSets.create(exampleReplicaSet('web', 2));
    await waitFor(async () => (await running()).length === 2, 'two pods');
    const [victim] = await running();
    await pods.delete(victim!.metadata.name!);
    await waitFor(async () => {
      const now = await running();
      return now.length === 2 && now.every((pod) => pod.metadata.name !== victim!.metadata.name);
    }, 'a replacement');
  });

  test('scaling down deletes the pod that is not ready first', async () => {
    const { replicaSets, running, kubelet } = await setUp();
    await replicaSets.create(exampleReplicaSet('web', 3));
    await waitFor(
      async () => (await replicaSets.get('web')).status?.readyReplicas === 3,
      'three ready',
    );
    const [sick] = await running();
    kubelet.ready = (pod) => pod.metadata.name !== sick!.metadata.name;
    kubelet.resync();
    await waitFor(
      async () => (await replicaSets.get('web')).status?.readyReplicas === 2,
      'one not ready',
    );
    await replicaSets.scale('web', 2);
    await waitFor(async () => (await running()).length === 2, 'two pods left');
    expect(
      (await running()).map((pod) => pod.metadata.name),
      `scaled from 3 to 2, the pod left should not include the not-ready ${sick!.metadata.name}`,
    ).not.toContain(sick!.metadata.name);
  });

  test('a matching orphan is adopted instead of a new pod created; a pod relabelled away is released', async () => {
    const { replicaSets, running, pods } = await setUp();
    await pods.create(examplePod('orphan', { app: 'web' }));
    await replicaSets.create(exampleReplicaSet('web', 1));
    await waitFor(
      async () => (await pods.get('orphan')).metadata.ownerReferences?.[0]?.name === 'web',
      'the orphan adopted',
    );
    expect((await running()).length, 'pods: the orphan alone').toBe(1);
    await pods.patch('orphan', { metadata: { labels: { app: 'other' } } });
    await waitFor(
      async () => (await pods.get('orphan')).metadata.ownerReferences?.length === 0,
      'the relabelled pod released',
    );
    await waitFor(async () => (await running()).length === 2, 'a new pod for web');
  });

  test('a ReplicationController, with its plain selector, keeps its pods as a ReplicaSet does', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    inBackground(new FakeKubelet({ toolkit, client }).run(scope.stopper().signal));
    inBackground(
      createReplicaSetController({ toolkit, client, kind: 'ReplicationController' }).run(
        scope.stopper().signal,
      ),
    );
    const { spec } = exampleReplicaSet('old', 2);
    await client.resource<ReplicationController>('replicationcontrollers', 'default').create({
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'old' },
      spec: { replicas: 2, selector: { app: 'old' }, template: spec.template },
    });
    const pods = client.resource<Pod>('pods', 'default');
    await waitFor(async () => (await pods.list()).items.length === 2, 'two pods');
    expect(
      (await pods.list()).items[0]!.metadata.ownerReferences?.[0],
      "a pod's ownerReference",
    ).toMatchObject({
      apiVersion: 'v1',
      kind: 'ReplicationController',
      name: 'old',
    });
  });
});
