// The real kubectl (1.32) against chapter 03a's server with this chapter's machinery. Every flow
// here starts with discovery, and each command sends what the fact sheet (B12) says it sends: run
// one with -v=8 to watch the requests go by. Skipped, with the reason, when kubectl is not on PATH.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, test } from 'vitest';
import { protobufDecoder } from '../../harness/api/protobuf.ts';
import { hasKubectl, kubectlFor, noKubectl, type Kubectl } from '../../harness/testing/kubectl.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createApiServer, type ApiServer } from '../../solutions/03a-apiserver/server.ts';
import { createDiscovery } from './discovery.ts';
import { createPatcher } from './patch.ts';
import { createSelectors } from './selectors.ts';
import { createSubresources } from './subresources.ts';

let server: ApiServer | undefined;
let url: string;
let cli: Kubectl | undefined;
let started: Promise<void> | undefined;

/**
 * Starts the server once, on the first test that needs it (not in beforeAll: a learner whose code
 * throws then sees every test fail with the reason, not a skipped suite).
 */
function start(): Promise<void> {
  started ??= (async () => {
    server = await createApiServer({
      store: new MemoryStoreClient(new Store()),
      selectors: createSelectors(),
      patcher: createPatcher(),
      subresources: createSubresources(),
      discovery: createDiscovery(),
      bodyDecoders: [protobufDecoder],
    });
    url = await server.listen(0);
    cli = kubectlFor(url);
  })();
  return started;
}

afterAll(async () => {
  await server?.close();
  cli?.close();
});

const kubectl = (...args: string[]) => cli!.run(...args);

/** Writes a manifest into the temporary directory and returns its path. */
function manifest(name: string, text: string): string {
  const file = path.join(cli!.home, name);
  writeFileSync(file, text);
  return file;
}

const pod = (name: string, image: string, labels = `app: ${name}`) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {${labels}}
spec:
  containers:
  - name: app
    image: ${image}
`;

const it = test.skipIf(!hasKubectl);

describe('Answering kubectl', () => {
  if (!hasKubectl) test.skip(noKubectl, () => {});

  it('kubectl get namespaces: discovery, then a list', async () => {
    await start();
    const result = await kubectl('get', 'namespaces');
    expect(result.code, `kubectl get namespaces: ${result.stderr}`).toBe(0);
    expect(result.stdout.split('\n')[0], 'the header kubectl get namespaces prints').toMatch(
      /^NAME\s+STATUS\s+AGE$/,
    );
    for (const name of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) {
      expect(result.stdout, `kubectl get namespaces lists ${name}`).toContain(name);
    }
  });

  it('kubectl create -f creates from a manifest', async () => {
    await start();
    const result = await kubectl(
      'create',
      '-f',
      manifest('web.yaml', pod('web', 'kata/echo:1.0', 'app: web, tier: front')),
    );
    expect(
      [result.code, result.stdout.trim()],
      `kubectl create -f web.yaml: ${result.stderr}`,
    ).toEqual([0, 'pod/web created']);
  });

  it('kubectl get pods: default, -o wide, -o yaml, -l and -A', async () => {
    await start();
    await kubectl('create', '-f', manifest('db.yaml', pod('db', 'kata/echo:1.0', 'app: db')));
    const plain = await kubectl('get', 'pods');
    // The columns come from the server, as a Table (harness/api/tables.ts).
    expect(plain.stdout, `kubectl get pods: ${plain.stderr}`).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\ndb\s+0\/1\s+Pending\s+0\s+\S+\nweb\s+0\/1\s+Pending\s+0\s+\S+\n$/,
    );
    const wide = await kubectl('get', 'pods', '-o', 'wide');
    expect(wide.stdout.split('\n')[0], `kubectl get pods -o wide: ${wide.stderr}`).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    );
    const yaml = await kubectl('get', 'pod', 'web', '-o', 'yaml');
    expect(yaml.stdout, 'kubectl get pod web -o yaml').toMatch(
      /kind: Pod[\s\S]*name: web[\s\S]*resourceVersion: "\d+"/,
    );
    const labeled = await kubectl('get', 'pods', '-l', 'tier=front', '-o', 'name');
    expect(labeled.stdout.trim(), 'kubectl get pods -l tier=front -o name').toBe('pod/web');
    const all = await kubectl('get', 'pods', '-A');
    expect(all.stdout.split('\n')[0], 'kubectl get pods -A header').toMatch(
      /^NAMESPACE\s+NAME\s+READY\s+STATUS/,
    );
    expect(all.stdout, 'kubectl get pods -A').toMatch(/default\s+web/);
  });

  it("kubectl get of a missing object prints the server's Status", async () => {
    await start();
    const result = await kubectl('get', 'pod', 'nope');
    expect([result.code, result.stderr.trim()], 'kubectl get pod nope').toEqual([
      1,
      'Error from server (NotFound): pods "nope" not found',
    ]);
  });

  it('kubectl apply -f twice: created, then configured (a strategic merge patch)', async () => {
    await start();
    const file = manifest('api.yaml', pod('api', 'kata/echo:1.0'));
    const first = await kubectl('apply', '--validate=false', '-f', file);
    expect(first.stdout.trim(), `first apply: ${first.stderr}`).toBe('pod/api created');
    manifest('api.yaml', pod('api', 'kata/echo:2.0'));
    const second = await kubectl('apply', '--validate=false', '-f', file);
    expect(second.stdout.trim(), `second apply: ${second.stderr}`).toBe('pod/api configured');
    const image = await kubectl('get', 'pod', 'api', '-o', 'jsonpath={.spec.containers[0].image}');
    expect(image.stdout, 'the image after the second apply').toBe('kata/echo:2.0');
    const third = await kubectl('apply', '--validate=false', '-f', file);
    expect(third.stdout.trim(), `third apply: ${third.stderr}`).toBe('pod/api unchanged');
  });

  it('kubectl create deployment (sent as protobuf) and kubectl scale deployment (a patch on /scale)', async () => {
    await start();
    const created = await kubectl(
      'create',
      'deployment',
      'shop',
      '--image=kata/echo:1.0',
      '--replicas=2',
    );
    expect(created.stdout.trim(), `kubectl create deployment shop: ${created.stderr}`).toBe(
      'deployment.apps/shop created',
    );
    const scaled = await kubectl('scale', 'deployment', 'shop', '--replicas=5');
    expect(
      scaled.stdout.trim(),
      `kubectl scale deployment shop --replicas=5: ${scaled.stderr}`,
    ).toBe('deployment.apps/shop scaled');
    const stored = await request(url).get('/apis/apps/v1/namespaces/default/deployments/shop');
    expect(
      [stored.body.spec.replicas, stored.body.spec.selector, stored.body.spec.strategy.type],
      'the stored deployment',
    ).toEqual([5, { matchLabels: { app: 'shop' } }, 'RollingUpdate']);
  });

  it('kubectl delete: a Status for a deployment, the object for a pod', async () => {
    await start();
    const deployment = await kubectl('delete', 'deployment', 'shop');
    expect(deployment.stdout.trim(), `kubectl delete deployment shop: ${deployment.stderr}`).toBe(
      'deployment.apps "shop" deleted',
    );
    const deleted = await kubectl('delete', 'pod', 'db');
    expect(deleted.stdout.trim(), `kubectl delete pod db: ${deleted.stderr}`).toBe(
      'pod "db" deleted',
    );
    expect(
      (await request(url).get('/api/v1/namespaces/default/pods/db')).status,
      'GET the pod afterwards',
    ).toBe(404);
  });

  it('kubectl get --watch prints each change as it happens, in the pod columns', async () => {
    await start();
    const child = cli!.start('get', 'pods', '--watch', '--output-watch-events');
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitFor(
        () => /ADDED\s+web/.test(output),
        `kubectl get --watch to list web; it printed:\n${output}`,
      );
      await request(url)
        .post('/api/v1/namespaces/default/pods')
        .send({
          metadata: { name: 'watched' },
          spec: { containers: [{ name: 'app', image: 'kata/echo:1.0' }] },
        });
      await waitFor(
        () => /ADDED\s+watched/.test(output),
        `kubectl get --watch to print the new pod; it printed:\n${output}`,
      );
      // The server's Tables give every row the pod columns, under one header.
      expect(output, 'the row of the new pod').toMatch(/ADDED\s+watched\s+0\/1\s+Pending\s+0\s/);
      expect(
        output.match(/^EVENT\s+NAME/gm),
        'header lines printed by kubectl get --watch',
      ).toHaveLength(1);
    } finally {
      child.kill();
    }
  });
});
