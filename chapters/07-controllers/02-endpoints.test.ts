// The endpoints controller: first what one pod contributes (its ports, its address), then the
// subsets of a Service and how they are written, then the loop against the reference API server,
// with the fake kubelet.
import { describe, expect, test } from 'vitest';
import { examplePod, exampleService } from '../../harness/api/examples.ts';
import type { Endpoints, Pod, Service } from '../../harness/api/types.ts';
import { FakeKubelet } from '../../harness/testing/fake-kubelet.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import {
  createEndpointsController,
  endpointAddress,
  endpointPorts,
  endpointSubsets,
  resolveTargetPort,
  selects,
} from './endpoints.ts';

const scope = testScope();

async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const kubelet = new FakeKubelet({ toolkit, client });
  inBackground(kubelet.run(scope.stopper().signal));
  const controller = createEndpointsController({ toolkit, client });
  inBackground(controller.run(scope.stopper().signal));
  return {
    controller,
    kubelet,
    pods: client.resource<Pod>('pods', 'default'),
    services: client.resource<Service>('services', 'default'),
    endpoints: client.resource<Endpoints>('endpoints', 'default'),
  };
}

/** A controller that is not running, to call writeEndpoints on, and a Service stored for it. */
async function writer() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const controller = createEndpointsController({ toolkit, client });
  const service = exampleService('web');
  service.metadata.labels = { tier: 'front' };
  const stored = await client.resource<Service>('services', 'default').create(service);
  return {
    controller,
    service: stored,
    endpoints: client.resource<Endpoints>('endpoints', 'default'),
  };
}

/** A pod in default with a uid, an IP, and a Ready condition True or False. */
function withStatus(pod: Pod, ip: string | undefined, isReady: boolean): Pod {
  return {
    ...pod,
    metadata: { ...pod.metadata, namespace: 'default', uid: `uid-${pod.metadata.name}` },
    status: {
      ...(ip ? { podIP: ip } : {}),
      conditions: [{ type: 'Ready', status: isReady ? 'True' : 'False' }],
    },
  };
}

/** A pod with a containerPort named http. */
function webPod(name: string, port = 8080): Pod {
  const pod = examplePod(name, { app: 'web' });
  pod.spec.containers[0]!.ports = [{ name: 'http', containerPort: port }];
  return pod;
}

describe('Endpoints', () => {
  test('a targetPort is a number, the name of a container port, or the service port itself', () => {
    const pod = webPod('p');
    expect(resolveTargetPort({ port: 80, targetPort: 9000 }, pod), 'targetPort 9000').toBe(9000);
    expect(resolveTargetPort({ port: 80, targetPort: '9000' }, pod), 'targetPort "9000"').toBe(
      9000,
    );
    expect(
      resolveTargetPort({ port: 80, targetPort: 'http' }, pod),
      'targetPort "http" on a pod whose port http is 8080',
    ).toBe(8080);
    expect(resolveTargetPort({ port: 80 }, pod), 'no targetPort, port 80').toBe(80);
    expect(
      resolveTargetPort({ port: 80, targetPort: 'grpc' }, pod),
      'targetPort "grpc", a name the pod does not have',
    ).toBeUndefined();
  });

  test("a pod's ports: one for each Service port that resolves on it, with its name and protocol", () => {
    const service = exampleService('web');
    service.spec.ports = [
      { name: 'web', port: 80, targetPort: 'http' },
      { name: 'grpc', port: 81, targetPort: 'grpc' },
      { port: 53, targetPort: 5353, protocol: 'UDP' },
    ];
    expect(
      endpointPorts(service, webPod('p')),
      'ports web (-> http), grpc (-> a name the pod lacks) and 53/UDP (-> 5353) on a pod with http=8080',
    ).toEqual([
      { name: 'web', port: 8080, protocol: 'TCP' },
      { port: 5353, protocol: 'UDP' },
    ]);
  });

  test("an address: the pod's IP, its node, and a targetRef to the pod", () => {
    const pod = withStatus(webPod('a'), '127.244.0.3', true);
    expect(endpointAddress(pod), 'the address of pod a, not bound yet').toEqual({
      ip: '127.244.0.3',
      targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' },
    });
    pod.spec.nodeName = 'node-1';
    expect(endpointAddress(pod).nodeName, 'the nodeName of pod a, bound to node-1').toBe('node-1');
  });

  test('a pod whose subdomain names the Service is reached by its hostname too', () => {
    const pod = withStatus(webPod('a'), '127.244.0.3', true);
    pod.spec.hostname = 'web-0';
    pod.spec.subdomain = 'web';
    expect(
      endpointAddress(pod, exampleService('web')).hostname,
      'the address of pod a (hostname web-0, subdomain web) for Service web',
    ).toBe('web-0');
    expect(
      endpointAddress(pod, exampleService('other')).hostname,
      'the same pod in the Endpoints of Service other',
    ).toBeUndefined();
  });

  test('ready pods are addresses, others notReadyAddresses; pods whose named port differs get their own subset', () => {
    const service = exampleService('web');
    service.spec.ports = [{ port: 80, targetPort: 'http' }];
    const subsets = endpointSubsets(service, [
      withStatus(webPod('a'), '127.244.0.3', true),
      withStatus(webPod('b'), '127.244.0.2', false),
      withStatus(webPod('c', 9090), '127.244.0.4', true),
    ]);
    expect(
      subsets.map((subset) => [
        subset.ports?.[0]?.port,
        (subset.addresses ?? []).map((a) => a.ip),
        (subset.notReadyAddresses ?? []).map((a) => a.ip),
      ]),
      'subsets as [port, addresses, notReadyAddresses] for a (8080, ready), b (8080, not ready), c (9090, ready)',
    ).toEqual([
      [8080, ['127.244.0.3'], ['127.244.0.2']],
      [9090, ['127.244.0.4'], []],
    ]);
    expect(subsets[0]!.addresses![0]!.targetRef, "the first address's targetRef").toEqual({
      kind: 'Pod',
      namespace: 'default',
      name: 'a',
      uid: 'uid-a',
    });
    expect(
      'notReadyAddresses' in subsets[1]!,
      'the 9090 subset has no not-ready pod: no notReadyAddresses field at all',
    ).toBe(false);
  });

  test('pods without an IP, being deleted, or with no port that resolves are left out; addresses sort by IP as numbers', () => {
    const service = exampleService('web');
    service.spec.ports = [{ port: 80, targetPort: 'http' }];
    const leaving = withStatus(webPod('leaving'), '127.244.0.5', true);
    leaving.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    const portless = withStatus(examplePod('portless', { app: 'web' }), '127.244.0.6', true);
    const subsets = endpointSubsets(service, [
      withStatus(webPod('ten'), '127.244.0.10', true),
      withStatus(webPod('nine'), '127.244.0.9', true),
      withStatus(webPod('starting'), undefined, false),
      leaving,
      portless,
    ]);
    expect(
      subsets.map((subset) => (subset.addresses ?? []).map((a) => a.targetRef?.name)),
      'subsets of ten (.10), nine (.9), starting (no IP), leaving (deleting), portless (no http port)',
    ).toEqual([['nine', 'ten']]);
    expect(endpointSubsets(service, []), 'no pods at all').toEqual([]);
  });

  test("writeEndpoints creates the Endpoints: the Service's name, namespace and labels", async () => {
    const { controller, service, endpoints } = await writer();
    const subsets = [{ addresses: [{ ip: '127.244.0.2' }], ports: [{ port: 8080 }] }];
    await controller.writeEndpoints(service, subsets);
    const written = await endpoints.get('web');
    expect(
      [written.metadata.name, written.metadata.namespace, written.metadata.labels],
      'name, namespace and labels of the Endpoints written for Service web (labels tier=front)',
    ).toEqual(['web', 'default', { tier: 'front' }]);
    expect(written.subsets, 'the subsets written').toEqual(subsets);
  });

  test('writeEndpoints updates changed subsets, and writes nothing when they are the same', async () => {
    const { controller, service, endpoints } = await writer();
    const one = [{ addresses: [{ ip: '127.244.0.2' }], ports: [{ port: 8080 }] }];
    const two = [
      { addresses: [{ ip: '127.244.0.2' }, { ip: '127.244.0.3' }], ports: [{ port: 8080 }] },
    ];
    await controller.writeEndpoints(service, one);
    await controller.writeEndpoints(service, two);
    const updated = await endpoints.get('web');
    expect(updated.subsets, 'after writing one address, then two').toEqual(two);
    await controller.writeEndpoints(service, two);
    expect(
      (await endpoints.get('web')).metadata.resourceVersion,
      'writing the same two addresses again should not write: the resourceVersion stays',
    ).toBe(updated.metadata.resourceVersion);
  });

  test('a Service selects the pods of its namespace that carry its labels; one without a selector, none', () => {
    const service = { ...exampleService('web'), metadata: { name: 'web', namespace: 'default' } };
    const pod = withStatus(webPod('a'), '127.244.0.2', true);
    expect(selects(service, pod), 'Service app=web, pod app=web, both in default').toBe(true);
    const other = { ...pod, metadata: { ...pod.metadata, namespace: 'team-a' } };
    expect(selects(service, other), 'the same pod in team-a').toBe(false);
    const db = withStatus(examplePod('db', { app: 'db' }), '127.244.0.3', true);
    expect(selects(service, db), 'a pod with app=db').toBe(false);
    const manual = { ...service, spec: { ...service.spec, selector: undefined } };
    expect(selects(manual, pod), 'a Service without a selector').toBe(false);
  });

  test("a Service's Endpoints list its pods as they start, and follow their readiness", async () => {
    const { kubelet, pods, services, endpoints } = await setUp();
    await services.create(exampleService('web'));
    await pods.create(webPod('one'));
    await pods.create(webPod('two'));
    const addresses = async () =>
      (await endpoints.get('web').catch(() => undefined))?.subsets?.flatMap(
        (subset) => subset.addresses ?? [],
      ).length ?? 0;
    await waitFor(async () => (await addresses()) === 2, 'two addresses');
    kubelet.ready = (pod) => pod.metadata.name !== 'two';
    kubelet.resync();
    await waitFor(async () => (await addresses()) === 1, 'one address once two is not ready');
    const subset = (await endpoints.get('web')).subsets![0]!;
    expect(
      subset.notReadyAddresses?.map((a) => a.targetRef?.name),
      'notReadyAddresses once pod two is not ready',
    ).toEqual(['two']);
    expect(subset.ports, 'ports of Service web (80 -> 8080)').toEqual([
      { port: 8080, protocol: 'TCP' },
    ]);
  });

  test('a Service without a selector keeps the Endpoints written by hand', async () => {
    const { controller, pods, services, endpoints } = await setUp();
    const byHand = [{ addresses: [{ ip: '127.0.0.9' }], ports: [{ port: 5432 }] }];
    await endpoints.create({ metadata: { name: 'db' }, subsets: byHand });
    const manual = exampleService('db');
    delete manual.spec.selector;
    await services.create(manual);
    // web comes after db: once web's Endpoints exist, the informer has db too.
    await services.create(exampleService('web'));
    await pods.create(webPod('one'));
    await waitFor(async () => (await endpoints.list()).items.length === 2, "web's Endpoints too");
    await controller.reconcile('default/db');
    expect(
      (await endpoints.get('db')).subsets,
      "db's hand-written Endpoints after the controller reconciled Service db (no selector)",
    ).toEqual(byHand);
  });

  test('deleting the Service deletes its Endpoints', async () => {
    const { pods, services, endpoints } = await setUp();
    await services.create(exampleService('web'));
    await pods.create(webPod('one'));
    await waitFor(async () => (await endpoints.list()).items.length === 1, 'the Endpoints');
    await services.delete('web');
    await waitFor(async () => (await endpoints.list()).items.length === 0, 'no Endpoints');
  });
});
