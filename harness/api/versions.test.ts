// Served versions on the reference API server: HorizontalPodAutoscalers at autoscaling/v1 beside
// v2, stored once at v2. A v1 object written is stored as v2; reads, lists, watches and patches
// at v1 see the v1 view; discovery lists both versions with v2 preferred.
import { describe, expect, test } from 'vitest';
import { createDiscovery } from '../../solutions/03b-api-machinery/discovery.ts';
import { autoscalingV1Conversion } from '../../solutions/14-autoscaling/versions.ts';
import { testScope } from '../testing/scope.ts';
import { withServedVersions } from './versions.ts';

const scope = testScope();

async function serving() {
  const conversions = [autoscalingV1Conversion()];
  const server = await scope.apiServer({
    conversions,
    discovery: withServedVersions(createDiscovery(), conversions),
  });
  const base = `${server.url}/apis/autoscaling`;
  const call = async (method: string, path: string, body?: unknown, type = 'application/json') => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': type },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { code: response.status, body: (await response.json()) as Record<string, any> };
  };
  return { url: server.url, call };
}

const v1Autoscaler = {
  apiVersion: 'autoscaling/v1',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 1,
    maxReplicas: 5,
    targetCPUUtilizationPercentage: 50,
  },
};

describe('autoscaling/v1 beside v2', () => {
  test('a v1 autoscaler written is stored at v2, and read back at either version', async () => {
    const { call } = await serving();
    const created = await call(
      'POST',
      '/v1/namespaces/default/horizontalpodautoscalers',
      v1Autoscaler,
    );
    expect(created, 'POST of a v1 autoscaler: 201 with the v1 view').toMatchObject({
      code: 201,
      body: { apiVersion: 'autoscaling/v1', spec: { targetCPUUtilizationPercentage: 50 } },
    });
    const asV2 = await call('GET', '/v2/namespaces/default/horizontalpodautoscalers/web');
    expect(asV2.body, 'GET at v2 of the autoscaler written at v1').toMatchObject({
      apiVersion: 'autoscaling/v2',
      spec: {
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { averageUtilization: 50 } } },
        ],
      },
    });
    const list = await call('GET', '/v1/namespaces/default/horizontalpodautoscalers');
    expect(list.body, 'a list at v1: its items are v1').toMatchObject({
      apiVersion: 'autoscaling/v1',
      items: [{ apiVersion: 'autoscaling/v1', spec: { targetCPUUtilizationPercentage: 50 } }],
    });
  });

  test('a watch at v1 sees v1 objects', async () => {
    const { url, call } = await serving();
    const watch = await fetch(
      `${url}/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers?watch=true&timeoutSeconds=5`,
    );
    const reader = watch.body!.getReader();
    await call('POST', '/v2/namespaces/default/horizontalpodautoscalers', {
      ...v1Autoscaler,
      apiVersion: 'autoscaling/v2',
      spec: { ...v1Autoscaler.spec, targetCPUUtilizationPercentage: undefined, metrics: [] },
    });
    let text = '';
    while (!text.includes('\n')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const event = JSON.parse(text.split('\n')[0]!);
    expect(event, 'the ADDED event of an autoscaler written at v2, watched at v1').toMatchObject({
      type: 'ADDED',
      object: { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler' },
    });
  });

  test('a merge patch at v1 changes the v1 view and keeps what only v2 has', async () => {
    const { call } = await serving();
    const behavior = { scaleDown: { stabilizationWindowSeconds: 15 } };
    await call('POST', '/v2/namespaces/default/horizontalpodautoscalers', {
      ...v1Autoscaler,
      apiVersion: 'autoscaling/v2',
      spec: { scaleTargetRef: v1Autoscaler.spec.scaleTargetRef, maxReplicas: 5, behavior },
    });
    const patched = await call(
      'PATCH',
      '/v1/namespaces/default/horizontalpodautoscalers/web',
      { spec: { targetCPUUtilizationPercentage: 70 } },
      'application/merge-patch+json',
    );
    expect(patched, 'PATCH at v1 of targetCPUUtilizationPercentage').toMatchObject({
      code: 200,
      body: { spec: { targetCPUUtilizationPercentage: 70 } },
    });
    const asV2 = await call('GET', '/v2/namespaces/default/horizontalpodautoscalers/web');
    expect(asV2.body.spec, 'the autoscaler at v2 after the v1 patch').toMatchObject({
      behavior,
      metrics: [{ resource: { name: 'cpu', target: { averageUtilization: 70 } } }],
    });
    expect(asV2.body.metadata.annotations, 'no annotation is left at v2').toBeUndefined();
  });

  test('a v2 body sent to the v1 path is a 400, as kube-apiserver words it', async () => {
    const { call } = await serving();
    const answer = await call('POST', '/v1/namespaces/default/horizontalpodautoscalers', {
      ...v1Autoscaler,
      apiVersion: 'autoscaling/v2',
    });
    expect(answer, 'POST of an autoscaling/v2 body to the v1 path').toMatchObject({
      code: 400,
      body: {
        kind: 'Status',
        message:
          'the API version in the data (autoscaling/v2) does not match the expected API version (autoscaling/v1)',
      },
    });
  });

  test('discovery lists autoscaling v2 then v1, v2 preferred, and the resources of v1', async () => {
    const { url } = await serving();
    const groups = (await (await fetch(`${url}/apis`)).json()) as {
      groups: Array<{
        name: string;
        versions: Array<{ version: string }>;
        preferredVersion: { version: string };
      }>;
    };
    const autoscaling = groups.groups.find((group) => group.name === 'autoscaling');
    expect(autoscaling, '/apis: the autoscaling group').toMatchObject({
      versions: [{ version: 'v2' }, { version: 'v1' }],
      preferredVersion: { version: 'v2' },
    });
    const v1 = (await (await fetch(`${url}/apis/autoscaling/v1`)).json()) as {
      resources: Array<{ name: string }>;
    };
    expect(
      v1.resources.map((each) => each.name),
      '/apis/autoscaling/v1',
    ).toEqual(['horizontalpodautoscalers', 'horizontalpodautoscalers/status']);
  });
});
