// The operator: pure functions from a WebApp to what it wants and to its status first, then the
// operator itself on the reference toolkit against the reference API server serving the WebApp
// CRD. Nothing runs Deployments here: the test writes a Deployment's status as its controller would.
import { afterAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ConfigMap, Deployment, Service } from '../../harness/api/types.ts';
import { loadReference } from '../../harness/components/implementation.ts';
import { toolkit } from '../../harness/components/reference-toolkit.ts';
import { startApiServer, type RunningApiServer } from '../../harness/testing/apiserver.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import {
  DIRECTORY_FINALIZER,
  desiredDeployment,
  desiredService,
  drifted,
  webApps,
  webAppStatus,
  WebAppOperator,
  type WebApp,
} from './webapp.ts';

const shop: WebApp = {
  apiVersion: 'example.com/v1',
  kind: 'WebApp',
  metadata: { name: 'shop', namespace: 'default', uid: 'u-shop', generation: 2 },
  spec: { image: 'kata/echo', replicas: 2, port: 8080 },
};
const owner = {
  apiVersion: 'example.com/v1',
  kind: 'WebApp',
  name: 'shop',
  uid: 'u-shop',
  controller: true,
  blockOwnerDeletion: true,
};
const labels = {
  'app.kubernetes.io/name': 'shop',
  'app.kubernetes.io/managed-by': 'webapp-operator',
};

let running: Promise<RunningApiServer> | undefined;
const stops: Array<() => void> = [];
afterAll(async () => {
  stops.forEach((stop) => stop());
  await (await running?.catch(() => undefined))?.close();
});

/** The reference API server with the WebApp CRD Established, and a running operator. */
async function cluster() {
  running ??= (async () => {
    const { createDefinitionServer } = await loadReference('17', 'serving.ts');
    const server = await startApiServer({ apiExtensions: { createDefinitionServer } });
    const crd = parse(
      readFileSync(
        new URL('../../harness/examples/custom-resources/webapp-crd.yaml', import.meta.url),
        'utf8',
      ),
    );
    await fetch(`${server.url}/apis/apiextensions.k8s.io/v1/customresourcedefinitions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(crd),
    });
    const client = toolkit.createClient({ server: server.url, resources: [webApps] });
    await waitFor(async () => {
      try {
        await client.resource('webapps', 'default').list();
        return true;
      } catch {
        return false;
      }
    }, 'webapps served');
    const operator = new WebAppOperator({ toolkit, config: { server: server.url } });
    const abort = new AbortController();
    void operator.run(abort.signal);
    stops.push(() => abort.abort());
    return server;
  })();
  const server = await running;
  return toolkit.createClient({ server: server.url, resources: [webApps] });
}

describe('The operator', () => {
  test('desiredDeployment: owned by the WebApp, its replicas, image and port, pods labelled', () => {
    const deployment = desiredDeployment(shop);
    expect(
      [
        deployment.metadata,
        deployment.spec.replicas,
        deployment.spec.selector,
        deployment.spec.template.spec?.containers,
      ],
      'the Deployment shop wants',
    ).toEqual([
      { name: 'shop', namespace: 'default', labels, ownerReferences: [owner] },
      2,
      { matchLabels: labels },
      [{ name: 'web', image: 'kata/echo', ports: [{ name: 'http', containerPort: 8080 }] }],
    ]);
  });

  test('desiredService: owned by the WebApp, port 80 to the pods\' port "http"', () => {
    const service = desiredService(shop);
    expect([service.metadata.ownerReferences, service.spec], 'the Service shop wants').toEqual([
      [owner],
      {
        selector: labels,
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      },
    ]);
  });

  test('drifted: replicas, image or port of a Deployment; selector or ports of a Service', () => {
    const deployment = desiredDeployment(shop);
    const service = desiredService(shop);
    expect(
      [
        drifted(deployment, desiredDeployment(shop)),
        drifted({ ...deployment, spec: { ...deployment.spec, replicas: 5 } }, deployment),
        drifted(desiredDeployment({ ...shop, spec: { ...shop.spec, image: 'nginx' } }), deployment),
        drifted(service, desiredService(shop)),
        drifted({ ...service, spec: { ...service.spec, selector: {} } }, service),
      ],
      'the wanted Deployment against itself, with 5 replicas, with another image; the Service, and without a selector',
    ).toEqual([false, true, true, false, true]);
  });

  test('webAppStatus: counts from the Deployment, the selector, Ready only when every replica is', () => {
    const deployment = { ...desiredDeployment(shop), status: { replicas: 2, readyReplicas: 1 } };
    const notReady = webAppStatus(shop, deployment, 't1');
    const ready = webAppStatus(
      { ...shop, status: notReady },
      { ...deployment, status: { replicas: 2, readyReplicas: 2 } },
      't2',
    );
    expect(
      [
        notReady.readyReplicas,
        notReady.selector,
        notReady.conditions,
        ready.conditions?.[0]?.status,
        ready.conditions?.[0]?.lastTransitionTime,
      ],
      'shop with 1 of 2 pods ready, then 2 of 2',
    ).toEqual([
      1,
      'app.kubernetes.io/name=shop,app.kubernetes.io/managed-by=webapp-operator',
      [
        {
          type: 'Ready',
          status: 'False',
          reason: 'ReplicasNotReady',
          message: '1 of 2 replicas ready',
          lastTransitionTime: 't1',
        },
      ],
      'True',
      't2',
    ]);
  });

  test('a WebApp created: the finalizer on, its Deployment and Service made, its directory entry, its status', async () => {
    const client = await cluster();
    await client
      .resource<WebApp>('webapps', 'default')
      .create({ ...shop, metadata: { name: 'shop', namespace: 'default' } });
    await waitFor(async () => {
      const webApp = await client.resource<WebApp>('webapps', 'default').get('shop');
      return webApp.status?.conditions?.[0]?.type === 'Ready';
    }, 'shop with a Ready condition');
    const webApp = await client.resource<WebApp>('webapps', 'default').get('shop');
    const deployment = await client.resource<Deployment>('deployments', 'default').get('shop');
    const service = await client.resource<Service>('services', 'default').get('shop');
    const directory = await client
      .resource<ConfigMap>('configmaps', 'kube-public')
      .get('webapp-directory');
    expect(
      [
        webApp.metadata.finalizers,
        deployment.metadata.ownerReferences?.[0]?.uid,
        service.spec.ports?.[0]?.port,
        directory.data,
        webApp.status?.conditions?.[0]?.status,
      ],
      'shop, its Deployment, its Service and the directory, once shop has a Ready condition',
    ).toEqual([
      [DIRECTORY_FINALIZER],
      webApp.metadata.uid,
      80,
      { 'default.shop': 'http://shop.default.svc' },
      'False',
    ]);
  });

  test("the Deployment's pods ready: the WebApp says Ready with its readyReplicas", async () => {
    const client = await cluster();
    await waitFor(
      async () =>
        (await client
          .resource<WebApp>('webapps', 'default')
          .get('shop')
          .catch(() => undefined)) !== undefined,
      'shop',
    );
    const deployments = client.resource<Deployment>('deployments', 'default');
    await waitFor(
      async () => (await deployments.get('shop').catch(() => undefined)) !== undefined,
      'the Deployment shop',
    );
    const deployment = await deployments.get('shop');
    await deployments.updateStatus({ ...deployment, status: { replicas: 2, readyReplicas: 2 } });
    await waitFor(async () => {
      const webApp = await client.resource<WebApp>('webapps', 'default').get('shop');
      return webApp.status?.readyReplicas === 2 && webApp.status.conditions?.[0]?.status === 'True';
    }, 'shop Ready with 2 ready replicas');
  });

  test('scaling the WebApp through its scale subresource scales its Deployment', async () => {
    const client = await cluster();
    await waitFor(
      async () =>
        (await client
          .resource<Deployment>('deployments', 'default')
          .get('shop')
          .catch(() => undefined)) !== undefined,
      'the Deployment shop',
    );
    await client.resource<WebApp>('webapps', 'default').scale('shop', 3);
    await waitFor(
      async () =>
        (await client.resource<Deployment>('deployments', 'default').get('shop')).spec.replicas ===
        3,
      'the Deployment shop at 3 replicas',
    );
  });

  test('a WebApp deleted: its directory entry goes, then its finalizer, then the WebApp', async () => {
    const client = await cluster();
    const webAppsClient = client.resource<WebApp>('webapps', 'default');
    await webAppsClient.create({ ...shop, metadata: { name: 'blog', namespace: 'default' } });
    const directory = client.resource<ConfigMap>('configmaps', 'kube-public');
    await waitFor(
      async () =>
        (await directory.get('webapp-directory').catch(() => undefined))?.data?.['default.blog'] !==
        undefined,
      'blog in the directory',
    );
    await webAppsClient.delete('blog');
    await waitFor(
      async () => (await webAppsClient.get('blog').catch(() => undefined)) === undefined,
      'blog gone',
    );
    expect(
      (await directory.get('webapp-directory')).data?.['default.blog'],
      'the directory entry of blog, once blog is gone',
    ).toBeUndefined();
  });
});
