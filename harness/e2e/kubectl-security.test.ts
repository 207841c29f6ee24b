// Issue #25's acceptance on a whole cluster, with the real kubectl: `kata up` serves TLS with a
// cluster CA, each component signs in with its own client certificate, and authentication, RBAC,
// the Node authorizer and admission are on. kubectl as the admin may do anything; with the token of
// a ServiceAccount bound to `view` in one namespace it lists pods there and is refused elsewhere and
// for writes; a kubelet may not read a Secret no pod of its node uses; a quota of two pods stops the
// third with kube's message; the kubelet's port 10250 is TLS, 401 without a certificate and 403
// for a caller RBAC does not allow, while kubectl logs and exec pass through the API server's own
// certificate. Skipped, with the reason, without kubectl.
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { credentialsFor } from '../client/tls.ts';
import { hasKubectl, noKubectl } from '../testing/kubectl.ts';
import { startKubectlCluster, suiteNodeIndexBase, type KubectlCluster } from './kubectl-cluster.ts';

let cluster: KubectlCluster | undefined;

beforeAll(async () => {
  if (hasKubectl)
    cluster = await startKubectlCluster(2, suiteNodeIndexBase.security, '127.116.0.0/24');
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** kubectl's output; a non-zero exit fails the test with kubectl's stderr. */
const kubectl = (...args: string[]) => cluster!.kubectl.output(...args);

/** kubectl with no kubeconfig but the cluster's CA and these flags (a token, a certificate). */
function kubectlWith(...credentials: string[]) {
  const ca = path.join(cluster!.kubectl.home, 'ca.crt');
  writeFileSync(ca, credentialsFor(cluster!.cluster.apiserver)!.ca);
  const flags = ['--kubeconfig', '/dev/null', '--certificate-authority', ca, ...credentials];
  return (...args: string[]) => cluster!.kubectl.run(...flags, ...args);
}

describe.skipIf(!hasKubectl)('kata up over TLS, with authentication and authorization', () => {
  test('the admin is kubernetes-admin in system:masters, over https', async () => {
    expect(cluster!.cluster.apiserver, 'the API server serves TLS').toMatch(/^https:\/\//);
    const whoami = await kubectl('auth', 'whoami');
    expect(whoami, 'kubectl auth whoami as the admin').toMatch(/Username\s+kubernetes-admin/);
    expect(whoami, "the admin's groups").toMatch(/system:masters/);
  });

  test('a view ServiceAccount token lists pods in its namespace only, and may not write', async () => {
    await kubectl('create', 'namespace', 'team');
    await kubectl('-n', 'team', 'create', 'serviceaccount', 'reader');
    await kubectl(
      ...['-n', 'team', 'create', 'rolebinding', 'reader-view', '--clusterrole=view'],
      '--serviceaccount=team:reader',
    );
    const token = (await kubectl('-n', 'team', 'create', 'token', 'reader')).trim();
    const reader = kubectlWith('--token', token);
    const inTeam = await reader('-n', 'team', 'get', 'pods');
    expect(inTeam.code, `listing pods in team (stderr: ${inTeam.stderr})`).toBe(0);
    const elsewhere = await reader('-n', 'default', 'get', 'pods');
    expect(elsewhere.stderr, 'listing pods in default is refused with kube’s 403').toContain(
      'pods is forbidden: User "system:serviceaccount:team:reader" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    const write = await reader('-n', 'team', 'create', 'configmap', 'c', '--from-literal=a=b');
    expect(write.stderr, 'a write in team is refused').toMatch(/forbidden.*cannot create/);
    const bogus = await kubectlWith('--token', 'not-a-token')('get', 'pods');
    expect(bogus.stderr, 'a bad token is 401').toMatch(/Unauthorized/);
  });

  test('a kubelet may not read a Secret no pod of its node uses', async () => {
    await kubectl('create', 'secret', 'generic', 'private', '--from-literal=a=b');
    const node = path.join(cluster!.dataDir, 'kubeconfigs', 'kubelet-node-1.conf');
    const read = await cluster!.kubectl.run('--kubeconfig', node, 'get', 'secret', 'private');
    expect(read.stderr, "node-1's kubelet reading a Secret no pod of its uses").toContain(
      `secrets "private" is forbidden: User "system:node:node-1" cannot get resource "secrets"`,
    );
  });

  test('a quota of two pods stops the third with kube’s message', async () => {
    await kubectl('create', 'namespace', 'small');
    await kubectl('-n', 'small', 'create', 'quota', 'two-pods', '--hard=pods=2');
    for (const name of ['p1', 'p2'])
      await kubectl('-n', 'small', 'run', name, '--image=kata/echo:1.0');
    const third = await cluster!.kubectl.run('-n', 'small', 'run', 'p3', '--image=kata/echo:1.0');
    expect(third.stderr, 'the third pod').toContain(
      'pods "p3" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2',
    );
  });

  test('the kubelet answers 401 without a certificate, 403 to kube-proxy, and kubectl logs and exec pass', async () => {
    const where = await kubectl(
      ...['get', 'node', 'node-1', '-o'],
      'jsonpath={.status.addresses[0].address}:{.status.daemonEndpoints.kubeletEndpoint.Port}',
    );
    const [host, port] = where.split(':');
    const proxy = readFileSync(path.join(cluster!.dataDir, 'kubeconfigs', 'proxy.conf'), 'utf8');
    const field = (name: string) =>
      Buffer.from(new RegExp(`${name}: (\\S+)`).exec(proxy)![1]!, 'base64').toString();
    const ask = (client: { cert?: string; key?: string }) =>
      new Promise<string>((resolve, reject) => {
        const options = { host, port: Number(port), path: '/pods', rejectUnauthorized: false };
        https
          .get({ ...options, ...client }, (response) => {
            let text = `${response.statusCode} `;
            response.on('data', (chunk) => (text += chunk));
            response.on('end', () => resolve(text));
          })
          .on('error', reject);
      });
    expect(await ask({}), 'GET /pods on the kubelet with no certificate (curl -k)').toBe(
      '401 Unauthorized',
    );
    const asProxy = { cert: field('client-certificate-data'), key: field('client-key-data') };
    expect(await ask(asProxy), 'GET /pods on the kubelet as system:kube-proxy').toBe(
      '403 Forbidden (user=system:kube-proxy, verb=get, resource=nodes, subresource=proxy)',
    );
    await kubectl('run', 'talker', '--image=busybox', '--', 'sh', '-c', 'echo hello; sleep 3600');
    await kubectl('wait', '--for=condition=Ready', 'pod/talker', '--timeout=60s');
    expect(await kubectl('logs', 'talker'), 'kubectl logs through the API server').toContain(
      'hello',
    );
    expect(
      await kubectl('exec', 'talker', '--', 'sh', '-c', 'echo inside'),
      'kubectl exec through the API server',
    ).toContain('inside');
  });
});

describe.skipIf(hasKubectl)('kata up over TLS, with authentication and authorization', () => {
  test(noKubectl, () => {});
});
