// EndpointSlices: first what one pod contributes (conditions, the endpoint, its ports), then how
// a Service's endpoints are grouped and placed into slices of at most 100, then the controller
// against the reference API server, with the fake kubelet playing the nodes.
import { describe, expect, test } from 'vitest';
import { examplePod, exampleService } from '../../harness/api/examples.ts';
import type { EndpointSlice, Pod, Service } from '../../harness/api/types.ts';
import { FakeKubelet } from '../../harness/testing/fake-kubelet.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  createEndpointSliceController,
  endpointConditions,
  endpointGroups,
  managedByLabel,
  planSlices,
  podEndpoint,
  serviceNameLabel,
  SliceExpectations,
  slicePorts,
} from './endpointslices.ts';

const scope = testScope();

/** A pod of app=web in default with an IP, ready unless told otherwise. */
function runningPod(name: string, ip: string, ready = true): Pod {
  const pod = examplePod(name, { app: 'web' });
  pod.metadata.namespace = 'default';
  pod.metadata.uid = `uid-${name}`;
  pod.spec.nodeName = 'node-1';
  pod.status = {
    phase: 'Running',
    podIP: ip,
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  };
  return pod;
}

/** The Service web in default: app=web, port 80 (named http) to the pods' 8080. */
function webService(): Service {
  const service = exampleService('web');
  service.metadata.namespace = 'default';
  service.metadata.uid = 'uid-web';
  service.spec.ports = [{ name: 'http', port: 80, targetPort: 8080 }];
  return service;
}

/** `count` ready pods with IPs 127.244.<i / 250>.<i % 250 + 1>. */
function manyPods(count: number): Pod[] {
  return Array.from({ length: count }, (_, i) =>
    runningPod(`web-${i}`, `127.244.${Math.floor(i / 250)}.${(i % 250) + 1}`),
  );
}

/** A managed slice `name` of the Service web, at `resourceVersion`. */
function slice(name: string, resourceVersion: string): EndpointSlice {
  const labels = { [serviceNameLabel]: 'web', [managedByLabel]: 'endpointslice-controller.k8s.io' };
  return {
    metadata: { name, namespace: 'default', resourceVersion, labels },
    addressType: 'IPv4',
    endpoints: [],
  };
}

/**
 * The reference API server, the fake kubelet, the controller (at most `max` endpoints a slice) and
 * the Service web; `ready()` lists the names of the pods ready in web's slices.
 */
async function controllerSetUp(max?: number) {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const kubelet = new FakeKubelet({ toolkit, client });
  inBackground(kubelet.run(scope.stopper().signal));
  const controller = createEndpointSliceController({ toolkit, client, maxEndpointsPerSlice: max });
  inBackground(controller.run(scope.stopper().signal));
  const services = client.resource<Service>('services', 'default');
  await services.create(exampleService('web'));
  const slices = client.resource<EndpointSlice>('endpointslices', 'default');
  const webSlices = async () =>
    (await slices.list({ labelSelector: `${serviceNameLabel}=web` })).items;
  const ready = async () =>
    (await webSlices())
      .flatMap((s) => s.endpoints)
      .filter((e) => e.conditions?.ready)
      .map((e) => e.targetRef?.name)
      .sort();
  return { kubelet, services, webSlices, ready, pods: client.resource<Pod>('pods', 'default') };
}

describe('EndpointSlices', () => {
  test('a ready pod is ready and serving; a terminating one only serving; an unready one neither', () => {
    expect(endpointConditions(runningPod('a', '127.244.0.2')), 'a ready pod').toEqual({
      ready: true,
      serving: true,
      terminating: false,
    });
    const leaving = runningPod('b', '127.244.0.3');
    leaving.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(endpointConditions(leaving), 'a ready pod being deleted').toEqual({
      ready: false,
      serving: true,
      terminating: true,
    });
    expect(endpointConditions(runningPod('c', '127.244.0.4', false)), 'a pod not ready').toEqual({
      ready: false,
      serving: false,
      terminating: false,
    });
  });

  test('a pod is an endpoint with its IP, its node and a reference to it', () => {
    expect(podEndpoint(runningPod('a', '127.244.0.2')), 'podEndpoint of pod a').toEqual({
      addresses: ['127.244.0.2'],
      conditions: { ready: true, serving: true, terminating: false },
      nodeName: 'node-1',
      targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' },
    });
  });

  test('a pod whose subdomain names the Service is an endpoint with its hostname', () => {
    const pod = runningPod('a', '127.244.0.2');
    pod.spec.hostname = 'web-0';
    pod.spec.subdomain = 'web';
    const service = webService();
    expect(
      [podEndpoint(pod, service).hostname, podEndpoint(pod).hostname],
      `podEndpoint of pod a (hostname web-0, subdomain web), for Service ${service.metadata.name}, then for none`,
    ).toEqual(['web-0', undefined]);
  });

  test("a slice's ports carry the Service ports' names and the numbers they reach on the pod", () => {
    const service = webService();
    service.spec.ports!.push({ port: 9090, targetPort: 'metrics' }, { port: 7070 });
    const pod = runningPod('a', '127.244.0.2');
    pod.spec.containers[0]!.ports = [{ name: 'metrics', containerPort: 9100 }];
    expect(slicePorts(service, pod), 'slicePorts of http:80->8080, 9090->metrics, 7070').toEqual([
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: '', port: 9100, protocol: 'TCP' },
      { name: '', port: 7070, protocol: 'TCP' },
    ]);
    expect(
      slicePorts(service, runningPod('b', '127.244.0.3')),
      'a pod without the named port metrics: that port is left out',
    ).toHaveLength(2);
  });

  test('endpoints are grouped by their ports and sorted by IP; pods without an IP are left out', () => {
    const pods = [runningPod('b', '127.244.0.10'), runningPod('a', '127.244.0.9')];
    pods.push({ ...runningPod('c', ''), status: { phase: 'Pending' } });
    const groups = endpointGroups(webService(), pods);
    expect(groups.size, 'one group: every pod resolves http to 8080').toBe(1);
    const [group] = [...groups.values()];
    expect(
      group!.endpoints.map((e) => e.addresses[0]),
      'the addresses, sorted as numbers',
    ).toEqual(['127.244.0.9', '127.244.0.10']);
  });

  test('250 endpoints make three new slices of at most 100, labelled with the Service and the controller', () => {
    const service = webService();
    const plan = planSlices(service, [], endpointGroups(service, manyPods(250)));
    expect(
      plan.create.map((s) => s.endpoints.length),
      'endpoints per new slice',
    ).toEqual([100, 100, 50]);
    const [slice] = plan.create;
    expect(slice!.metadata.labels, 'the labels of a new slice').toEqual({
      [serviceNameLabel]: 'web',
      [managedByLabel]: 'endpointslice-controller.k8s.io',
    });
    expect(
      [slice!.metadata.generateName, slice!.addressType, slice!.ports],
      'generateName, addressType and ports of a new slice',
    ).toEqual(['web-', 'IPv4', [{ name: 'http', port: 8080, protocol: 'TCP' }]]);
    expect(slice!.metadata.ownerReferences?.[0], 'the slice is owned by its Service').toMatchObject(
      {
        kind: 'Service',
        name: 'web',
        uid: 'uid-web',
        controller: true,
      },
    );
  });

  test('one pod gone rewrites only its slice; a new pod fills a slice with room', () => {
    const service = webService();
    const pods = manyPods(150);
    const first = planSlices(service, [], endpointGroups(service, pods)).create.map((s, i) => ({
      ...s,
      metadata: { ...s.metadata, name: `web-${i}` },
    }));
    const gone = planSlices(service, first, endpointGroups(service, pods.slice(1)));
    expect(
      [gone.create.length, gone.update.map((s) => s.metadata.name), gone.delete.length],
      'creates, updated slices and deletes after the first pod went',
    ).toEqual([0, ['web-0'], 0]);
    const more = [...pods, runningPod('extra', '127.244.9.1')];
    const added = planSlices(service, first, endpointGroups(service, more));
    expect(
      [added.create.length, added.update.map((s) => s.metadata.name)],
      'a 151st pod goes into the slice of 50, not a new one',
    ).toEqual([0, ['web-1']]);
    const same = planSlices(service, first, endpointGroups(service, pods));
    expect(same, 'nothing changed: nothing to write').toEqual({
      create: [],
      update: [],
      delete: [],
    });
  });

  test('a slice left empty, or whose ports no endpoint has any more, is deleted', () => {
    const service = webService();
    const [slice] = planSlices(service, [], endpointGroups(service, manyPods(2))).create;
    const existing = { ...slice!, metadata: { ...slice!.metadata, name: 'web-0' } };
    expect(
      planSlices(service, [existing], new Map()).delete.map((s) => s.metadata.name),
      'no pods at all',
    ).toEqual(['web-0']);
    service.spec.ports![0]!.targetPort = 9999;
    const moved = planSlices(service, [existing], endpointGroups(service, manyPods(2)));
    expect(
      [moved.delete.map((s) => s.metadata.name), moved.create.length],
      'targetPort changed to 9999: the old slice goes, a new one comes',
    ).toEqual([['web-0'], 1]);
  });

  test('a write is pending until the cache shows the slice at that resourceVersion or later', () => {
    const expectations = new SliceExpectations();
    const written = slice('web-abcde', '12');
    expectations.expectWritten(written);
    expect(expectations.pending('default/web'), 'right after the write').toBe(true);
    expectations.observe(slice('web-abcde', '11'), false);
    expect(expectations.pending('default/web'), 'the cache shows version 11 of it').toBe(true);
    expectations.observe(slice('web-abcde', '12'), false);
    expect(expectations.pending('default/web'), 'the cache shows version 12').toBe(false);
    expect(expectations.pending('default/other'), 'a Service this controller never wrote').toBe(
      false,
    );
  });

  test('a delete is pending until the cache reports the slice deleted', () => {
    const expectations = new SliceExpectations();
    expectations.expectDeleted(slice('web-abcde', '12'));
    expectations.observe(slice('web-abcde', '13'), false);
    expect(expectations.pending('default/web'), 'the cache still has the slice').toBe(true);
    expectations.observe(slice('web-abcde', '13'), true);
    expect(expectations.pending('default/web'), 'the cache saw it deleted').toBe(false);
  });

  test('writePlan creates, updates and deletes; a slice already gone is no error', async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    const controller = createEndpointSliceController({ toolkit, client });
    const service = webService();
    const [fresh] = planSlices(service, [], endpointGroups(service, manyPods(2))).create;
    await controller.writePlan('default', { create: [fresh!], update: [], delete: [] });
    const slices = client.resource<EndpointSlice>('endpointslices', 'default');
    const [made] = (await slices.list()).items;
    expect(made?.metadata.name, 'the name the API server gave the new slice').toMatch(/^web-/);
    const fewer = { ...made!, endpoints: made!.endpoints.slice(1) };
    await controller.writePlan('default', { create: [], update: [fewer], delete: [] });
    expect(
      (await slices.get(made!.metadata.name!)).endpoints.length,
      'endpoints of the slice after an update with one of its two',
    ).toBe(1);
    await controller.writePlan('default', { create: [], update: [], delete: [made!, made!] });
    expect((await slices.list()).items, 'slices after deleting it (twice)').toEqual([]);
  });

  test('the controller keeps slices in step with pods coming and going', async () => {
    const { pods, webSlices, ready } = await controllerSetUp();
    for (const name of ['web-a', 'web-b', 'web-c'])
      await pods.create(examplePod(name, { app: 'web' }));
    await waitFor(
      async () => JSON.stringify(await ready()) === '["web-a","web-b","web-c"]',
      'a slice with the three pods, ready',
    );
    expect((await webSlices()).length, 'slices for three pods').toBe(1);
    await pods.delete('web-b', { gracePeriodSeconds: 0 });
    await waitFor(
      async () => JSON.stringify(await ready()) === '["web-a","web-c"]',
      'web-b gone from the slice',
    );
  });

  test('a pod that turns unready stays in its slice, not ready; a Service deleted takes its slices', async () => {
    const { pods, services, kubelet, webSlices, ready } = await controllerSetUp();
    for (const name of ['web-a', 'web-b']) await pods.create(examplePod(name, { app: 'web' }));
    await waitFor(async () => (await ready()).length === 2, 'both pods ready in the slice');
    kubelet.ready = (pod) => pod.metadata.name !== 'web-a';
    kubelet.resync();
    await waitFor(
      async () => JSON.stringify(await ready()) === '["web-b"]',
      'web-a no longer ready in the slice',
    );
    const all = (await webSlices()).flatMap((s) => s.endpoints.map((e) => e.targetRef?.name));
    expect(all.sort(), 'every endpoint of the slices, ready or not').toEqual(['web-a', 'web-b']);
    await services.delete('web');
    await waitFor(async () => (await webSlices()).length === 0, 'the slices gone with the Service');
  });

  test('five pods with at most two endpoints a slice make three slices, never a duplicate', async () => {
    const { pods, webSlices, ready } = await controllerSetUp(2);
    for (let i = 0; i < 5; i++) await pods.create(examplePod(`web-${i}`, { app: 'web' }));
    await waitFor(async () => (await ready()).length === 5, 'five ready endpoints');
    expect(
      (await webSlices()).map((s) => s.endpoints.length).sort(),
      'endpoints per slice, once all five are in',
    ).toEqual([1, 2, 2]);
  });

  test("slices written by hand, without the controller's label, are left alone", async () => {
    const server = await scope.apiServer();
    const client = toolkit.createClient({ server: server.url });
    inBackground(new FakeKubelet({ toolkit, client }).run(scope.stopper().signal));
    inBackground(createEndpointSliceController({ toolkit, client }).run(scope.stopper().signal));
    const slices = client.resource<EndpointSlice>('endpointslices', 'default');
    await slices.create({
      metadata: { name: 'by-hand', labels: { [serviceNameLabel]: 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['127.244.7.7'] }],
      ports: [{ name: '', port: 8080, protocol: 'TCP' }],
    });
    await client.resource<Service>('services', 'default').create(exampleService('web'));
    await client.resource<Pod>('pods', 'default').create(examplePod('web-a', { app: 'web' }));
    const managed = async () =>
      (await slices.list({ labelSelector: `${managedByLabel}` })).items.length;
    await waitFor(async () => (await managed()) === 1, "the controller's own slice for web-a");
    expect(
      (await slices.get('by-hand')).endpoints,
      'the endpoints of the slice written by hand, once the controller wrote its own',
    ).toEqual([{ addresses: ['127.244.7.7'] }]);
  });
});
