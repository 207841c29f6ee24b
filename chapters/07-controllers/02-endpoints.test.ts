// The endpoints controller against the reference API server, with the fake kubelet.
import { describe, expect, test } from 'vitest';
import { examplePod, exampleService } from '../../harness/api/examples.ts';
import type { Endpoints, Pod, Service } from '../../harness/api/types.ts';
import { FakeKubelet } from '../../harness/testing/fake-kubelet.ts';
import { testScope } from '../../harness/testing/scope.ts';
import { inBackground, waitFor } from '../../harness/testing/wait.ts';
import { toolkit } from '../../solutions/04-client/index.ts';
import { createEndpointsController, endpointSubsets, resolveTargetPort } from './endpoints.ts';

const scope = testScope();

async function setUp() {
  const server = await scope.apiServer();
  const client = toolkit.createClient({ server: server.url });
  const kubelet = new FakeKubelet({ toolkit, client });
  inBackground(kubelet.run(scope.stopper().signal));
  inBackground(createEndpointsController({ toolkit, client }).run(scope.stopper().signal));
  return {
    kubelet,
    pods: client.resource<Pod>('pods', 'default'),
    services: client.resource<Service>('services', 'default'),
    endpoints: client.resource<Endpoints>('endpoints', 'default'),
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
    expect(resolveTargetPort({ port: 80, targetPort: 9000 }, pod)).toBe(9000);
    expect(resolveTargetPort({ port: 80, targetPort: 'http' }, pod)).toBe(8080);
    expect(resolveTargetPort({ port: 80 }, pod)).toBe(80);
    expect(
      resolveTargetPort({ port: 80, targetPort: 'grpc' }, pod),
      'an unknown name',
    ).toBeUndefined();
  });

  test('ready pods are addresses, others notReadyAddresses; pods whose named port differs get their own subset', () => {
    const ready = (pod: Pod, ip: string, isReady: boolean): Pod => ({
      ...pod,
      metadata: { ...pod.metadata, namespace: 'default', uid: `uid-${ip}` },
      status: { podIP: ip, conditions: [{ type: 'Ready', status: isReady ? 'True' : 'False' }] },
    });
    const service = exampleService('web');
    service.spec.ports = [{ port: 80, targetPort: 'http' }];
    const subsets = endpointSubsets(service, [
      ready(webPod('a'), '127.244.0.3', true),
      ready(webPod('b'), '127.244.0.2', false),
      ready(webPod('c', 9090), '127.244.0.4', true),
    ]);
    expect(
      subsets.map((subset) => [
        subset.ports?.[0]?.port,
        (subset.addresses ?? []).map((a) => a.ip),
        (subset.notReadyAddresses ?? []).map((a) => a.ip),
      ]),
    ).toEqual([
      [8080, ['127.244.0.3'], ['127.244.0.2']],
      [9090, ['127.244.0.4'], []],
    ]);
    expect(subsets[0]!.addresses![0]!.targetRef).toEqual({
      kind: 'Pod',
      namespace: 'default',
      name: 'a',
      uid: 'uid-127.244.0.3',
    });
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
    expect(subset.notReadyAddresses?.map((a) => a.targetRef?.name)).toEqual(['two']);
    expect(subset.ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
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
