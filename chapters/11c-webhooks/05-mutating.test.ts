// Mutating webhooks: an allowing answer may carry a JSON Patch; on the API server the patches are
// applied one webhook after another, in the order of the configurations' names, before the
// validating webhooks see the object and before it is stored.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, test } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../harness/api/certificates.ts';
import { accessResources, builtinResources } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { loadReference } from '../../harness/components/implementation.ts';
import { startApiServer, type RunningApiServer } from '../../harness/testing/apiserver.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import {
  createMutatingWebhooks,
  createValidatingWebhooks,
  InvalidResponse,
  reviewPatch,
  type AdmissionReview,
} from './webhooks.ts';

/** An allowing answer with these fields in its response. */
const allowing = (fields: object) => ({ response: { uid: 'u', allowed: true, ...fields } });
/** A JSON Patch as a webhook sends it: base64 of its JSON. */
const encoded = (operations: object[]) =>
  Buffer.from(JSON.stringify(operations)).toString('base64');

/** The error `run` throws, or undefined. */
function thrown(run: () => unknown): Error | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

// On the API server: a webhook server with one path per behaviour.

let apiServer: RunningApiServer;
let webhook: Server;
let caBundle: string;
let webhookPort: number;
/** What the validating webhook saw: the labels of each pod it was asked about. */
const validated: Record<string, string>[] = [];

/**
 * The webhooks' answers, by path: /label adds the label order=first; /append appends ".second"
 * to that label; /broken answers a patch that cannot apply; /validate refuses a pod without the
 * `order` label, so a pod passes only when the mutating webhooks ran first.
 */
function answer(path: string, object: KubeObject): object {
  const order = object.metadata.labels?.order;
  const labelsPath = object.metadata.labels
    ? []
    : [{ op: 'add', path: '/metadata/labels', value: {} }];
  if (path.startsWith('/label'))
    return {
      patch: [...labelsPath, { op: 'add', path: '/metadata/labels/order', value: 'first' }],
    };
  if (path.startsWith('/append'))
    return { patch: [{ op: 'replace', path: '/metadata/labels/order', value: `${order}.second` }] };
  if (path.startsWith('/broken')) return { patch: [{ op: 'remove', path: '/spec/nothing/here' }] };
  validated.push(object.metadata.labels ?? {});
  return order ? {} : { allowed: false, status: { code: 403, message: 'no order label' } };
}

async function startWebhook(): Promise<void> {
  const ca = await createCertificateAuthority('mutating-ca');
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
      const { patch, ...rest } = answer(request.url!, review.request!.object as KubeObject) as {
        patch?: object[];
      };
      const patchFields = patch ? { patch: encoded(patch), patchType: 'JSONPatch' } : {};
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          ...review,
          response: { uid: review.request!.uid, allowed: true, ...patchFields, ...rest },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  webhookPort = (webhook.address() as AddressInfo).port;
}

let starting: Promise<void> | undefined;

/** The webhook and an API server with both plugins, mutating first, as kube-apiserver orders them. */
function ready(): Promise<void> {
  starting ??= (async () => {
    await startWebhook();
    const { createPatcher } = await loadReference('03b', 'patch.ts');
    const patcher = createPatcher();
    const mutating = createMutatingWebhooks((object, operations, resource) =>
      patcher.apply('application/json-patch+json', object, operations, resource),
    );
    const validating = createValidatingWebhooks();
    apiServer = await startApiServer({
      resources: [...builtinResources, ...accessResources],
      compactionIntervalMs: 0,
      security: {
        admission: [mutating.admission, validating.admission],
        controllers: [mutating.controller, validating.controller],
      },
    });
    for (const name of ['ordered', 'broken']) {
      const namespace = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: { name } },
      };
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

/** A configuration of one webhook at `path`, for pod creates in the namespace named `namespace`. */
function configuration(kind: string, name: string, path: string, namespace: string) {
  const plural = kind === 'MutatingWebhookConfiguration' ? 'mutating' : 'validating';
  return {
    path: `/apis/admissionregistration.k8s.io/v1/${plural}webhookconfigurations`,
    body: {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind,
      metadata: { name },
      webhooks: [
        {
          name: `${name}.example.com`,
          clientConfig: { url: `https://127.0.0.1:${webhookPort}${path}`, caBundle },
          rules: [
            { operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] },
          ],
          namespaceSelector: { matchLabels: { name: namespace } },
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    },
  };
}

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'busybox' }] },
});

describe('Mutating webhooks', () => {
  test('an allowing answer may carry a JSON Patch: base64, with patchType JSONPatch, from a mutating webhook only', () => {
    const operations = [{ op: 'add', path: '/metadata/labels/team', value: 'blue' }];
    const patched = allowing({ patch: encoded(operations), patchType: 'JSONPatch' });
    expect(reviewPatch(patched, true), 'a mutating answer with a JSON Patch').toEqual(operations);
    expect(reviewPatch(allowing({}), true), 'a mutating answer without a patch').toBeUndefined();
    expect(reviewPatch(allowing({}), false), 'a validating answer').toBeUndefined();
    const cases: [object, boolean, string][] = [
      [
        { patch: encoded(operations) },
        true,
        'webhook returned response.patch but not response.patchType',
      ],
      [
        { patchType: 'JSONPatch' },
        true,
        'webhook returned response.patchType but not response.patch',
      ],
      [
        { patch: encoded(operations), patchType: 'MergePatch' },
        true,
        'webhook returned invalid response.patchType of "MergePatch"',
      ],
      [
        { patch: encoded(operations), patchType: 'JSONPatch' },
        false,
        'validating webhook may not return response.patch',
      ],
    ];
    for (const [fields, mutating, message] of cases) {
      const error = thrown(() => reviewPatch(allowing(fields), mutating));
      expect(error, `${JSON.stringify(fields)} (mutating: ${mutating})`).toBeInstanceOf(
        InvalidResponse,
      );
      expect(error!.message, `the words for ${JSON.stringify(fields)}`).toBe(message);
    }
  });

  test("on the API server, each webhook's patch is applied in the order of the configurations' names, before validation and storage", async () => {
    await ready();
    // Created in the reverse of their names' order: the names decide, not the creation.
    for (const [kind, name, path] of [
      ['ValidatingWebhookConfiguration', 'needs-order', '/validate'],
      ['MutatingWebhookConfiguration', 'b-append', '/append'],
      ['MutatingWebhookConfiguration', 'a-label', '/label'],
    ] as const) {
      const { path: url, body } = configuration(kind, name, path, 'ordered');
      const created = await call('POST', url, body);
      expect(created.status, `POST the ${kind} ${name}: ${created.body.message}`).toBe(201);
    }
    let created = { status: 0, body: {} as KubeObject & { message?: string } };
    let attempt = 0;
    await waitFor(async () => {
      created = await call('POST', '/api/v1/namespaces/ordered/pods', pod(`web-${++attempt}`));
      return created.status === 201 && created.body.metadata.labels?.order === 'first.second';
    }, 'the plugins to see the three configurations and a pod to be created through them');
    const stored = await call('GET', `/api/v1/namespaces/ordered/pods/web-${attempt}`);
    expect(stored.body.metadata.labels, 'the stored pod has both patches, a-label first').toEqual({
      order: 'first.second',
    });
    expect(validated.at(-1), 'the validating webhook saw the object as patched').toEqual({
      order: 'first.second',
    });
  });

  test('a patch that cannot be applied refuses the write with a 500, and nothing is stored', async () => {
    await ready();
    const { path, body } = configuration(
      'MutatingWebhookConfiguration',
      'c-broken',
      '/broken',
      'broken',
    );
    expect((await call('POST', path, body)).status, 'POST the broken configuration').toBe(201);
    let refused = { status: 0, body: {} as KubeObject & { message?: string } };
    let attempt = 0;
    await waitFor(async () => {
      refused = await call('POST', '/api/v1/namespaces/broken/pods', pod(`bad-${++attempt}`));
      return refused.status === 500;
    }, 'the plugin to see the broken configuration and refuse a pod');
    expect(refused.body.message, 'the refusal says it was an internal error').toMatch(
      /^Internal error occurred: /,
    );
    const read = await call('GET', `/api/v1/namespaces/broken/pods/bad-${attempt}`);
    expect(read.status, 'the refused pod was not stored').toBe(404);
  });
});
