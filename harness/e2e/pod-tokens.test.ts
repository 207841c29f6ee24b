// Acceptance (issue #25, chapters 11c and 11d) on real components: the store, an API server with
// ServiceAccounts (--service-account-signing-key-file), the cluster CA (--client-ca-file) and
// --enable-admission-plugins ...,MutatingAdmissionWebhook,ValidatingAdmissionWebhook, and one
// kubelet. A pod finds its token, CA and namespace at /var/run/secrets/kubernetes.io/serviceaccount
// and the API server in its environment, and the token is its account's until the pod is deleted
// (it is bound to the pod); an HTTPS webhook labels every pod (a JSON Patch) and refuses the pods
// it denies.
// kata/echo answers what the container sees (GET /env, GET /files/<path>).
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../api/certificates.ts';
import { parseFlags as apiserverFlags, startApiServer } from '../components/apiserver.ts';
import { parseFlags as kubeletFlags, startKubelet } from '../components/kubelet.ts';
import { parseFlags as storeFlags, startStore } from '../components/store.ts';
import { nodeIp, podCidrForNode } from '../network.ts';
import { ProcessRuntime } from '../runtime/process-runtime.ts';
import { freePort } from '../testing/free-port.ts';
import { waitFor } from '../testing/wait.ts';
import { suiteNodeIndexBase } from './kubectl-cluster.ts';

/** This suite's node block and Service range (harness/e2e/kubectl-cluster.ts lists the others). */
const NODE_INDEX = suiteNodeIndexBase.podTokens;
const SERVICE_RANGE = '127.117.0.0/24';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kata-pod-tokens-'));
const stops: (() => Promise<void>)[] = [];
let api = '';
let webhook: Server;
let caBundle = '';
let clusterCa = '';

/** What the tests read of an answer: a Status's message, a pod's IP and labels. */
type Answer = {
  message?: string;
  status?: { podIP?: string };
  metadata?: { labels?: Record<string, string> };
};

/** The token pod identity found in its files. */
let podToken = '';

/** Who a bearer token is, by a SelfSubjectReview: the HTTP status and the username. */
async function whoIs(token: string): Promise<{ status: number; username?: string }> {
  const response = await fetch(`${api}/apis/authentication.k8s.io/v1/selfsubjectreviews`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }),
  });
  const review = (await response.json()) as { status?: { userInfo?: { username?: string } } };
  return { status: response.status, username: review.status?.userInfo?.username };
}

/** A request to the API server (plain HTTP on loopback, AlwaysAllow); status and JSON body. */
async function call(method: string, url: string, body?: object) {
  const response = await fetch(`${api}${url}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as Answer };
}

/** What kata/echo in pod `name` answers at `path`, or undefined while it cannot. */
async function ask(name: string, what: string): Promise<string | undefined> {
  const pod = await call('GET', `/api/v1/namespaces/default/pods/${name}`);
  const ip = pod.body.status?.podIP;
  if (!ip) return undefined;
  try {
    const response = await fetch(`http://${ip}:8080${what}`);
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An HTTPS webhook: at /mutate it labels every pod mutated=yes (a JSON Patch); at /validate it
 * denies pods labelled deny=yes.
 */
async function startWebhook(): Promise<number> {
  const ca = await createCertificateAuthority('webhook-ca');
  const serving = await issueCertificate(ca, {
    commonName: 'w',
    hosts: ['127.0.0.1'],
    usage: 'server',
  });
  caBundle = Buffer.from(ca.cert).toString('base64');
  webhook = createServer(serving, (request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const review = JSON.parse(body);
      const labels = review.request.object?.metadata?.labels;
      const allowed = labels?.deny !== 'yes';
      const status = allowed ? undefined : { code: 403, reason: 'Forbidden', message: 'deny=yes' };
      const add = labels
        ? [{ op: 'add', path: '/metadata/labels/mutated', value: 'yes' }]
        : [{ op: 'add', path: '/metadata/labels', value: { mutated: 'yes' } }];
      const patch = request.url!.startsWith('/mutate')
        ? { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(add)).toString('base64') }
        : { allowed, status };
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          ...review,
          response: { uid: review.request.uid, allowed: true, ...patch },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  return (webhook.address() as AddressInfo).port;
}

beforeAll(async () => {
  const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  writeFileSync(path.join(dataDir, 'sa.key'), key.export({ type: 'pkcs8', format: 'pem' }));
  clusterCa = (await createCertificateAuthority()).cert;
  writeFileSync(path.join(dataDir, 'ca.crt'), clusterCa);
  const quiet = () => {};
  const storeUrl = `http://127.0.0.1:${await freePort()}`;
  const store = await startStore(
    storeFlags([
      '--data-dir',
      path.join(dataDir, 'store'),
      '--listen-client-urls',
      storeUrl,
      '--advertise-client-urls',
      storeUrl,
      '--use',
      'solutions',
    ]),
    quiet,
  );
  stops.unshift(() => store.close());
  const server = await startApiServer(
    apiserverFlags([
      '--etcd-servers',
      storeUrl,
      '--secure-port',
      '0',
      '--service-cluster-ip-range',
      SERVICE_RANGE,
      '--service-account-signing-key-file',
      path.join(dataDir, 'sa.key'),
      '--client-ca-file',
      path.join(dataDir, 'ca.crt'),
      '--authorization-mode',
      'AlwaysAllow',
      '--enable-admission-plugins',
      'ServiceAccount,MutatingAdmissionWebhook,ValidatingAdmissionWebhook',
      '--use',
      'solutions',
    ]),
    quiet,
  );
  api = server.url;
  stops.unshift(() => server.close());
  const kubelet = await startKubelet(
    kubeletFlags([
      '--master',
      api,
      '--node-name',
      'tokens-1',
      '--node-ip',
      nodeIp(NODE_INDEX),
      '--pod-cidr',
      podCidrForNode(NODE_INDEX),
      '--root-dir',
      path.join(dataDir, 'kubelet'),
      '--port',
      String(await freePort()),
      '--use',
      'solutions',
    ]),
    quiet,
  );
  // The kubelet leaves its pods running (a restarted kubelet adopts them); stop them after it.
  const runtime = () =>
    new ProcessRuntime({
      stateDir: path.join(dataDir, 'kubelet', 'runtime'),
      podCidr: podCidrForNode(NODE_INDEX),
    });
  stops.unshift(async () => {
    await kubelet.close();
    await runtime().close({ stopAll: true });
  });
  const webhookPort = await startWebhook();
  stops.push(() => new Promise((resolve) => webhook.close(() => resolve())));
  for (const [kind, name, webhookName, url] of [
    ['Validating', 'deny-labelled', 'deny.example.com', 'validate'],
    ['Mutating', 'label-pods', 'label.example.com', 'mutate'],
  ]) {
    const created = await call(
      'POST',
      `/apis/admissionregistration.k8s.io/v1/${kind!.toLowerCase()}webhookconfigurations`,
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: `${kind}WebhookConfiguration`,
        metadata: { name },
        webhooks: [
          {
            name: webhookName,
            clientConfig: { url: `https://127.0.0.1:${webhookPort}/${url}`, caBundle },
            rules: [
              { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] },
            ],
            sideEffects: 'None',
            admissionReviewVersions: ['v1'],
          },
        ],
      },
    );
    expect(created.status, `the ${kind}WebhookConfiguration is created`).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  for (const stop of stops) await stop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
});

const echo = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { nodeName: 'tokens-1', containers: [{ name: 'echo', image: 'kata/echo' }] },
});

describe("A pod's token and admission webhooks on real components", () => {
  test('a pod finds its token, the cluster CA and its namespace, and the API server in its env', async () => {
    await waitFor(
      async () => (await call('GET', '/api/v1/nodes/tokens-1')).status === 200,
      'the node to register',
      30_000,
    );
    // Probe pods (on no node) until the plugins have seen both configurations: a probe is labelled.
    let probe = 0;
    await waitFor(
      async () => {
        const name = `probe-${++probe}`;
        const spec = { nodeName: 'nowhere', containers: [{ name: 'p', image: 'kata/echo' }] };
        const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec };
        const answer = await call('POST', '/api/v1/namespaces/default/pods', pod);
        return answer.status === 201 && answer.body.metadata?.labels?.mutated === 'yes';
      },
      'the webhook plugins to see their configurations',
      30_000,
    );
    const created = await call('POST', '/api/v1/namespaces/default/pods', echo('identity'));
    expect(created.status, `create pod identity: ${created.body.message}`).toBe(201);
    const stored = await call('GET', '/api/v1/namespaces/default/pods/identity');
    expect(
      stored.body.metadata?.labels,
      'pod identity, as the mutating webhook patched it',
    ).toEqual({ mutated: 'yes' });
    const dir = '/files/var/run/secrets/kubernetes.io/serviceaccount';
    await waitFor(
      async () => (await ask('identity', `${dir}/namespace`)) === 'default',
      'the namespace file in pod identity',
      60_000,
    );
    expect(await ask('identity', `${dir}/ca.crt`), 'ca.crt is the cluster CA').toBe(clusterCa);
    const env = (await ask('identity', '/env')) ?? '';
    expect(env, 'the kubernetes Service in the env').toMatch(
      /KUBERNETES_SERVICE_HOST=127\.117\.0\.1\n/,
    );
    expect(env, 'its port').toContain('KUBERNETES_SERVICE_PORT=443\n');
    podToken = (await ask('identity', `${dir}/token`)) ?? '';
    expect((await whoIs(podToken)).username, "the pod's token is its account's").toBe(
      'system:serviceaccount:default:default',
    );
  }, 120_000);

  test("the pod's token is bound to it: refused (401) once the pod is deleted", async () => {
    expect(podToken, 'the token read by the test before').not.toBe('');
    const deleted = await call('DELETE', '/api/v1/namespaces/default/pods/identity', {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      gracePeriodSeconds: 0,
    });
    expect(deleted.status, `delete pod identity: ${deleted.body.message}`).toBeLessThan(300);
    await waitFor(
      async () => (await call('GET', '/api/v1/namespaces/default/pods/identity')).status === 404,
      'pod identity to be gone',
      30_000,
    );
    await waitFor(
      async () => (await whoIs(podToken)).status === 401,
      "the API server to refuse the deleted pod's token",
      5000,
    );
  }, 60_000);

  test('the webhook refuses a pod it denies, with its message, and the pod is not stored', async () => {
    const refused = await call(
      'POST',
      '/api/v1/namespaces/default/pods',
      echo('refused', { deny: 'yes' }),
    );
    expect(refused.status, 'a pod labelled deny=yes').toBe(403);
    expect(refused.body.message, 'the refusal names the webhook').toBe(
      'admission webhook "deny.example.com" denied the request: deny=yes',
    );
    expect(
      (await call('GET', '/api/v1/namespaces/default/pods/refused')).status,
      'nothing stored',
    ).toBe(404);
  });
});
