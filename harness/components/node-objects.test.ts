// A kubelet under the Node authorizer: it may not list Secrets, so chapter 10a is given a cache of
// the Secrets and ConfigMaps its own pods use, and chapter 13c one of its pods' claims and the
// volumes bound to them, read one by one, on the reference API server with chapter 11b's
// authorization.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessResources, builtinResources } from '../api/resources.ts';
import type { KubeObject, Pod } from '../api/types.ts';
import { startApiServer, type RunningApiServer } from '../testing/apiserver.ts';
import { waitFor } from '../testing/wait.ts';
import { loadReference } from './implementation.ts';
import { mayNotListSecrets, nodeScopedAccess } from './node-objects.ts';
import { toolkit } from './reference-toolkit.ts';

const TOKENS = `admin-token,kubernetes-admin,1,"system:masters"
n1-token,system:node:n1,2,"system:nodes"
`;

let server: RunningApiServer;
const stop = new AbortController();

beforeAll(async () => {
  const tokens = await loadReference('11b', 'tokens.ts');
  const authorization = await loadReference('11b', 'authorization.ts');
  server = await startApiServer({
    resources: [...builtinResources, ...accessResources],
    compactionIntervalMs: 0,
    security: {
      authenticator: tokens.tokenFileAuthenticator(tokens.parseTokenFile(TOKENS)),
      ...authorization.createAuthorization({ modes: ['Node', 'RBAC'], admissionPlugins: [] }),
    },
  });
  const admin = toolkit.createClient({ server: server.url, token: 'admin-token' });
  await admin.resource('namespaces').create({ metadata: { name: 'dev' } });
  for (const name of ['s1', 's2', 's3'])
    await admin.resource('secrets', 'dev').create({ metadata: { name }, data: {} } as KubeObject);
  await admin.resource('pods', 'dev').create(podUsing('on-n1', 'n1', 's1'));
  await admin.resource('pods', 'dev').create(podUsing('on-n2', 'n2', 's2'));
});

afterAll(async () => {
  stop.abort();
  await server?.close();
});

/** A pod bound to `node` whose container takes a variable from the Secret `secret`. */
function podUsing(name: string, node: string, secret: string): Pod {
  const env = [{ name: 'A', valueFrom: { secretKeyRef: { name: secret, key: 'a' } } }];
  return {
    metadata: { name },
    spec: { nodeName: node, containers: [{ name: 'app', image: 'busybox', env }] },
  } as Pod;
}

describe("A kubelet's Secrets under the Node authorizer", () => {
  test('the node may not list Secrets; the admin may', async () => {
    const node = toolkit.createClient({ server: server.url, token: 'n1-token' });
    const admin = toolkit.createClient({ server: server.url, token: 'admin-token' });
    expect(await mayNotListSecrets(node), 'a kubelet is refused the list').toBe(true);
    expect(await mayNotListSecrets(admin), 'the admin is not').toBe(false);
  });

  test("an informer of every Secret holds only those the node's pods use, and learns of a new pod's", async () => {
    const node = toolkit.createClient({ server: server.url, token: 'n1-token' });
    const scoped = nodeScopedAccess(node, toolkit, 'n1');
    const secrets = scoped.toolkit.createInformer(scoped.client.resource('secrets'));
    const added: string[] = [];
    secrets.addEventHandlers({ add: (secret) => added.push(secret.metadata.name ?? '') });
    secrets.run(stop.signal);
    await secrets.waitForSync(stop.signal);
    expect(secrets.get('dev/s1'), "the Secret of node n1's pod is there").toBeDefined();
    expect(secrets.get('dev/s2'), "another node's pod's Secret is not").toBeUndefined();
    const admin = toolkit.createClient({ server: server.url, token: 'admin-token' });
    await admin.resource('pods', 'dev').create(podUsing('second', 'n1', 's3'));
    await waitFor(() => added.includes('s3'), "the new pod's Secret to be added", 5_000);
    expect(
      secrets
        .list()
        .map((secret) => secret.metadata.name)
        .sort(),
    ).toEqual(['s1', 's3']);
  });
});

describe("A kubelet's claims and volumes under the Node authorizer", () => {
  test("informers of every claim and volume hold only its pods' claims and the volumes bound to them", async () => {
    const admin = toolkit.createClient({ server: server.url, token: 'admin-token' });
    for (const [claim, volume] of [
      ['mine', 'pv-mine'],
      ['theirs', 'pv-theirs'],
    ] as const) {
      await admin.resource('persistentvolumes').create({
        metadata: { name: volume },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          hostPath: { path: '/tmp' },
        },
      } as KubeObject);
      await admin.resource('persistentvolumeclaims', 'dev').create({
        metadata: { name: claim },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
          volumeName: volume,
        },
      } as KubeObject);
    }
    for (const [pod, node, claim] of [
      ['db-n1', 'n1', 'mine'],
      ['db-n2', 'n2', 'theirs'],
    ] as const)
      await admin.resource('pods', 'dev').create({
        metadata: { name: pod },
        spec: {
          nodeName: node,
          containers: [{ name: 'app', image: 'busybox' }],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }],
        },
      } as Pod);
    const node = toolkit.createClient({ server: server.url, token: 'n1-token' });
    const scoped = nodeScopedAccess(node, toolkit, 'n1');
    const claims = scoped.toolkit.createInformer(scoped.client.resource('persistentvolumeclaims'));
    const volumes = scoped.toolkit.createInformer(scoped.client.resource('persistentvolumes'));
    claims.run(stop.signal);
    volumes.run(stop.signal);
    await waitFor(() => volumes.get('pv-mine') !== undefined, "n1's pod's volume", 10_000);
    expect(
      [claims.list(), volumes.list()].map((objects) => objects.map((o) => o.metadata.name)),
      "the claims and volumes node n1 holds: only its pod's, none of n2's",
    ).toEqual([['mine'], ['pv-mine']]);
  });
});
