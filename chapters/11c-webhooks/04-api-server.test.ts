// Chapter 11c's plugin on a real API server: a ValidatingWebhookConfiguration is an object like
// any other, the webhooks it lists are called for the writes they want, and a refused write is
// not stored.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../harness/api/certificates.ts';
import { accessResources, builtinResources } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { startApiServer, type RunningApiServer } from '../../harness/testing/apiserver.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import {
  configurationProblems,
  createValidatingWebhooks,
  type AdmissionReview,
  type ValidatingWebhook,
} from './webhooks.ts';

let apiServer: RunningApiServer;
let webhook: Server;
let caBundle: string;
let webhookPort: number;
/** The names of the objects the webhook was asked about. */
const reviewed: string[] = [];

/** A request to the API server; its status and JSON body. */
async function call(method: string, path: string, body?: object) {
  const response = await fetch(`${apiServer.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return {
    status: response.status,
    body: (await response.json()) as KubeObject & { message?: string },
  };
}

const pod = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'app', image: 'busybox' }] },
});
const configurations = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations';

/** A webhook that refuses pods labelled deny=yes. */
async function startWebhook(): Promise<void> {
  const ca = await createCertificateAuthority('webhook-ca');
  const serving = await issueCertificate(ca, {
    commonName: 'webhook',
    hosts: ['127.0.0.1'],
    usage: 'server',
  });
  caBundle = Buffer.from(ca.cert).toString('base64');
  webhook = createServer({ cert: serving.cert, key: serving.key }, (request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const review = JSON.parse(body) as AdmissionReview;
      const object = review.request!.object as KubeObject;
      reviewed.push(object.metadata.name!);
      const allowed = object.metadata.labels?.deny !== 'yes';
      const status = allowed ? undefined : { code: 403, reason: 'Forbidden', message: 'deny=yes' };
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({ ...review, response: { uid: review.request!.uid, allowed, status } }),
      );
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  webhookPort = (webhook.address() as AddressInfo).port;
}

let starting: Promise<void> | undefined;

/** Starts the webhook and the server once, with the plugin and two namespaces, one selected. */
function ready(): Promise<void> {
  starting ??= (async () => {
    await startWebhook();
    const webhooks = createValidatingWebhooks();
    apiServer = await startApiServer({
      resources: [...builtinResources, ...accessResources],
      compactionIntervalMs: 0,
      security: { admission: [webhooks.admission], controllers: [webhooks.controller] },
    });
    for (const [name, labels] of [
      ['checked', { webhooks: 'on' }],
      ['free', {}],
    ] as const) {
      const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
      await call('POST', '/api/v1/namespaces', namespace);
    }
  })();
  return starting;
}

afterAll(async () => {
  await apiServer?.close();
  webhook?.closeAllConnections();
  if (webhook) await new Promise((resolve) => webhook.close(resolve));
});

describe('On the API server', () => {
  test("a configuration the server could never call has its problems named, in kube's words", () => {
    const good: ValidatingWebhook = {
      name: 'ok.example.com',
      clientConfig: { url: 'https://127.0.0.1:9443/' },
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
    };
    expect(configurationProblems([good]), 'a webhook with everything it needs').toEqual([]);
    const bad = [
      {
        ...good,
        name: 'short',
        clientConfig: { url: 'http://127.0.0.1/' },
        failurePolicy: 'Maybe',
      },
      {
        ...good,
        clientConfig: {},
        sideEffects: undefined,
        admissionReviewVersions: [],
        timeoutSeconds: 31,
      },
      { ...good, sideEffects: 'Some' },
    ] as ValidatingWebhook[];
    expect(configurationProblems(bad), 'every problem of three bad webhooks').toEqual([
      'webhooks[0].name: Invalid value: "short": should be a domain with at least three segments separated by dots',
      'webhooks[0].clientConfig.url: Unsupported value: "http": supported values: "https"',
      'webhooks[0].failurePolicy: Unsupported value: "Maybe": supported values: "Fail", "Ignore"',
      'webhooks[1].clientConfig: Required value: exactly one of url or service is required',
      'webhooks[1].sideEffects: Required value: must specify one of None, NoneOnDryRun',
      'webhooks[1].admissionReviewVersions: Required value: must specify one of v1, v1beta1',
      'webhooks[1].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds',
      'webhooks[2].name: Duplicate value: "ok.example.com"',
      'webhooks[2].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"',
    ]);
  });

  test('a ValidatingWebhookConfiguration is stored and read back like any object', async () => {
    await ready();
    const created = await call('POST', configurations, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'deny-labelled' },
      webhooks: [
        {
          name: 'deny.example.com',
          clientConfig: { url: `https://127.0.0.1:${webhookPort}/validate`, caBundle },
          rules: [
            { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] },
          ],
          namespaceSelector: { matchLabels: { webhooks: 'on' } },
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    });
    expect(created.status, `POST a ValidatingWebhookConfiguration: ${created.body.message}`).toBe(
      201,
    );
    const read = await call('GET', `${configurations}/deny-labelled`);
    expect(read.body.kind, 'GET it back').toBe('ValidatingWebhookConfiguration');
  });

  test('a pod the webhook denies is refused with its Status and not stored; the others pass', async () => {
    await ready();
    const path = '/api/v1/namespaces/checked/pods';
    let refused = { status: 0, body: {} as KubeObject & { message?: string } };
    let attempt = 0;
    await waitFor(async () => {
      refused = await call('POST', path, pod(`bad-${++attempt}`, { deny: 'yes' }));
      return refused.status === 403;
    }, 'the plugin to see the configuration and the webhook to refuse a deny=yes pod');
    expect(refused.body.message, 'the refusal names the webhook').toBe(
      'admission webhook "deny.example.com" denied the request: deny=yes',
    );
    const stored = await call('GET', path);
    const names = (stored.body as unknown as { items: KubeObject[] }).items.map(
      (each) => each.metadata.name,
    );
    expect(names, 'the refused pod was not stored').not.toContain(`bad-${attempt}`);
    const good = await call('POST', path, pod('good'));
    expect(good.status, 'an unlabelled pod in the checked namespace').toBe(201);
  });

  test('the namespaceSelector keeps the webhook out of namespaces it does not select', async () => {
    await ready();
    const before = reviewed.length;
    const free = await call('POST', '/api/v1/namespaces/free/pods', pod('loose', { deny: 'yes' }));
    expect(free.status, 'a deny=yes pod in a namespace without webhooks=on is created').toBe(201);
    expect(reviewed.length, 'the webhook was not asked about it').toBe(before);
  });

  test('the server refuses such a configuration with 422 Invalid and stores nothing', async () => {
    await ready();
    const refused = await call('POST', configurations, {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'plain-http' },
      webhooks: [
        {
          name: 'plain.example.com',
          clientConfig: { url: 'http://127.0.0.1:1/' },
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    });
    expect(refused.status, 'a webhook on plain HTTP').toBe(422);
    expect(refused.body.message, 'the Invalid message names the configuration and the field').toBe(
      'ValidatingWebhookConfiguration.admissionregistration.k8s.io "plain-http" is invalid: webhooks[0].clientConfig.url: Unsupported value: "http": supported values: "https"',
    );
    expect((await call('GET', `${configurations}/plain-http`)).status, 'nothing stored').toBe(404);
  });
});
