// API aggregation on the reference API server: an APIService hands a group version to a small
// server of the test's own; discovery lists the group, requests under it arrive there with the
// caller's identity, and a Service without endpoints is an error a client can read.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { toolkit } from '../../solutions/04-client/index.ts';
import { testScope } from '../testing/scope.ts';
import {
  aggregatedResourceOf,
  createAggregator,
  groupVersionOf,
  type APIService,
} from './aggregation.ts';
import type { Endpoints } from './types.ts';

const scope = testScope();
const backends: http.Server[] = [];
afterEach(async () => {
  for (const server of backends.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A backend answering every request with what it was asked, and who asked. */
async function backend(): Promise<number> {
  const server = http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ url: request.url, user: request.headers['x-remote-user'] }));
  });
  backends.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** The API server with an aggregator, and an APIService for metrics.k8s.io/v1beta1 behind kube-system/metrics-server. */
async function aggregated(port?: number) {
  const server = await scope.apiServer({ aggregator: createAggregator() });
  const client = toolkit.createClient({ server: server.url });
  const metadata = { name: 'metrics-server', namespace: 'kube-system' };
  if (port !== undefined) {
    await client.resource<Endpoints>('endpoints', 'kube-system').create({
      metadata,
      subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port, protocol: 'TCP' }] }],
    });
  }
  await client.resource<APIService>('apiservices').create({
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1beta1.metrics.k8s.io' },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      service: metadata,
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
  });
  return server.url;
}

describe('API aggregation', () => {
  test('paths name their group version and resource', () => {
    expect(groupVersionOf('/apis/metrics.k8s.io/v1beta1/nodes'), 'a nodes path').toEqual({
      group: 'metrics.k8s.io',
      version: 'v1beta1',
    });
    expect(
      aggregatedResourceOf('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web'),
      'one pod',
    ).toEqual({
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      resource: 'pods',
      namespace: 'shop',
      name: 'web',
    });
    expect(
      aggregatedResourceOf('/apis/metrics.k8s.io/v1beta1'),
      "the version's discovery",
    ).toBeUndefined();
  });

  test("/apis lists an APIService's group, and its paths are proxied to the Service's endpoint", async () => {
    const url = await aggregated(await backend());
    const groups = (await (await fetch(`${url}/apis`)).json()) as {
      groups: Array<{ name: string }>;
    };
    expect(
      groups.groups.map((group) => group.name),
      'the groups of /apis',
    ).toContain('metrics.k8s.io');
    const answer = await fetch(`${url}/apis/metrics.k8s.io/v1beta1/nodes?limit=1`);
    expect(await answer.json(), 'what the backend was asked, and by whom').toEqual({
      url: '/apis/metrics.k8s.io/v1beta1/nodes?limit=1',
      user: 'system:anonymous',
    });
  });

  test('a Service without endpoints, or a backend that is down, is 503 ServiceUnavailable', async () => {
    const url = await aggregated();
    const none = await fetch(`${url}/apis/metrics.k8s.io/v1beta1/nodes`);
    expect(none.status, 'no Endpoints for the Service').toBe(503);
    const down = await aggregated(1);
    const refused = await fetch(`${down}/apis/metrics.k8s.io/v1beta1/nodes`);
    expect(refused.status, 'an endpoint nothing listens on').toBe(503);
    expect(await refused.json(), 'its Status').toMatchObject({
      kind: 'Status',
      reason: 'ServiceUnavailable',
    });
  });
});
