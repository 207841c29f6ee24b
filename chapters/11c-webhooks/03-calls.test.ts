// Calling a webhook over HTTPS: the CA of caBundle, the timeout, a Service as the address, and
// failurePolicy when no answer comes.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../../harness/api/certificates.ts';
import { ApiError } from '../../harness/api/errors.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type { AdmissionRequest, AdmissionStore } from '../../harness/contracts/security.ts';
import {
  admissionReview,
  callWebhook,
  postReview,
  webhookTarget,
  type AdmissionReview,
  type ValidatingWebhook,
} from './webhooks.ts';

const resources = builtinResources;
const pods = resources.find((each) => each.resource === 'pods')!;

/** The store a plugin reads: here one Service, `webhook` in `system`, at 127.0.0.1. */
function storeWith(port: number): AdmissionStore {
  const service = {
    metadata: { name: 'webhook', namespace: 'system' },
    spec: { clusterIP: '127.0.0.1', ports: [{ port }] },
  } as KubeObject;
  const notFound = () => Promise.reject(new ApiError(404, 'NotFound', 'not found'));
  return {
    resourceOf: (name) => resources.find((each) => each.resource === name),
    get: (resource, namespace, name) =>
      resource.resource === 'services' && namespace === 'system' && name === 'webhook'
        ? Promise.resolve(service)
        : notFound(),
    list: () => Promise.resolve([]),
    update: notFound,
    create: notFound,
  };
}

/** A pod create, labelled as the test says. */
function podCreate(labels: Record<string, string> = {}): AdmissionRequest {
  const object = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'dev', labels },
    spec: {},
  };
  return {
    operation: 'CREATE',
    resource: pods,
    namespace: 'dev',
    name: 'web',
    object,
    user: { username: 'jane', groups: [] },
  };
}

let server: Server;
let port: number;
let caBundle: string;
/** The paths the webhook was asked at, in order. */
const asked: string[] = [];

/** The webhook: denies pods labelled deny=yes, answers /slow never, /broken with no JSON. */
function answer(path: string, review: AdmissionReview): AdmissionReview | undefined {
  const labels = (review.request!.object as KubeObject | null)?.metadata.labels ?? {};
  const allowed = labels.deny !== 'yes';
  const status = allowed
    ? undefined
    : { code: 403, reason: 'Forbidden', message: 'pods labelled deny=yes are refused' };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: review.request!.uid, allowed, status },
  };
}

beforeAll(async () => {
  const ca = await createCertificateAuthority('webhook-ca');
  const serving = await issueCertificate(ca, {
    commonName: 'webhook.system.svc',
    hosts: ['127.0.0.1', 'webhook.system.svc'],
    usage: 'server',
  });
  caBundle = Buffer.from(ca.cert).toString('base64');
  server = createServer({ cert: serving.cert, key: serving.key }, (request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      asked.push(request.url!);
      if (request.url!.startsWith('/slow')) return;
      if (request.url!.startsWith('/broken')) return response.end('not json');
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(answer(request.url!, JSON.parse(body) as AdmissionReview)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const hook = (fields: Partial<ValidatingWebhook> = {}, path = '/validate'): ValidatingWebhook => ({
  name: 'pods.example.com',
  clientConfig: { url: `https://127.0.0.1:${port}${path}`, caBundle },
  rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
  ...fields,
});

/** The error a call throws, or undefined when the write passes. */
async function refusal(call: Promise<unknown>): Promise<ApiError | undefined> {
  return call.then(
    () => undefined,
    (error: ApiError) => error,
  );
}

describe('Calling a webhook', () => {
  test("a review POSTed over HTTPS with the CA of caBundle gets the webhook's answer", async () => {
    const target = { url: `https://127.0.0.1:${port}/validate` };
    const answered = (await postReview(
      target,
      admissionReview(podCreate(), 'u1'),
      caBundle,
      10,
    )) as AdmissionReview;
    expect(answered.response, 'the webhook allows an unlabelled pod').toEqual({
      uid: 'u1',
      allowed: true,
    });
    expect(asked.at(-1), 'the path asked carries ?timeout=10s, as kube-apiserver sends it').toBe(
      '/validate?timeout=10s',
    );
  });

  test('a webhook whose certificate the caBundle did not sign is not trusted', async () => {
    const other = await createCertificateAuthority('another-ca');
    const target = { url: `https://127.0.0.1:${port}/validate` };
    const call = postReview(
      target,
      admissionReview(podCreate(), 'u2'),
      Buffer.from(other.cert).toString('base64'),
      10,
    );
    await expect(
      call,
      'a POST trusting another CA fails, naming the URL and why, as Go says it',
    ).rejects.toThrow(
      `Post "https://127.0.0.1:${port}/validate?timeout=10s": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    );
  });

  test('a Service is called as https://<name>.<namespace>.svc:<port><path>, dialled at its ClusterIP', async () => {
    const service = hook({
      clientConfig: {
        service: { namespace: 'system', name: 'webhook', port, path: '/validate' },
        caBundle,
      },
    });
    const target = await webhookTarget(service, storeWith(port));
    expect(target, 'the Service webhook/system, port and path').toEqual({
      url: `https://webhook.system.svc:${port}/validate`,
      connectTo: { host: '127.0.0.1', port },
    });
    const answered = (await postReview(
      target,
      admissionReview(podCreate(), 'u3'),
      caBundle,
      10,
    )) as AdmissionReview;
    expect(
      answered.response,
      'the Service webhook, reached at 127.0.0.1 as webhook.system.svc, allows the pod',
    ).toEqual({ uid: 'u3', allowed: true });
    const missing = hook({ clientConfig: { service: { namespace: 'system', name: 'gone' } } });
    await expect(
      webhookTarget(missing, storeWith(port)),
      'a Service that does not exist',
    ).rejects.toThrow('service "system/gone" not found');
  });

  test('callWebhook lets an allowed write pass and throws the denial of a refused one', async () => {
    const store = storeWith(port);
    expect(
      await refusal(callWebhook(hook(), podCreate(), store)),
      'an unlabelled pod passes',
    ).toBeUndefined();
    const denied = await refusal(callWebhook(hook(), podCreate({ deny: 'yes' }), store));
    expect(denied?.code, "a pod labelled deny=yes is refused with the webhook's 403").toBe(403);
    expect(denied?.message, 'the denial names the webhook').toBe(
      'admission webhook "pods.example.com" denied the request: pods labelled deny=yes are refused',
    );
  });

  test('failurePolicy Fail: a webhook that cannot be called refuses the write with a 500', async () => {
    const store = storeWith(port);
    const down = await refusal(
      callWebhook(
        hook({ clientConfig: { url: 'https://127.0.0.1:1/validate', caBundle } }),
        podCreate(),
        store,
      ),
    );
    expect(down?.code, 'a webhook on a closed port, failurePolicy unset (Fail)').toBe(500);
    expect(down?.reason, 'an InternalError').toBe('InternalError');
    expect(down?.message, "the webhook named and why, in Go's words").toBe(
      'Internal error occurred: failed calling webhook "pods.example.com": failed to call webhook: Post "https://127.0.0.1:1/validate?timeout=10s": dial tcp 127.0.0.1:1: connect: connection refused',
    );
    const broken = await refusal(callWebhook(hook({}, '/broken'), podCreate(), store));
    expect(broken?.message, 'an answer that is not JSON').toBe(
      'Internal error occurred: failed calling webhook "pods.example.com": received invalid webhook response: the response is not JSON',
    );
  });

  test('timeoutSeconds: a webhook that does not answer in time is "context deadline exceeded"', async () => {
    const slow = await refusal(
      callWebhook(hook({ timeoutSeconds: 1 }, '/slow'), podCreate(), storeWith(port)),
    );
    expect(slow?.message, 'a webhook silent for its 1 second').toBe(
      `Internal error occurred: failed calling webhook "pods.example.com": failed to call webhook: Post "https://127.0.0.1:${port}/slow?timeout=1s": context deadline exceeded`,
    );
  });

  test('failurePolicy Ignore: a webhook that cannot answer lets the write pass; a denial still refuses', async () => {
    const store = storeWith(port);
    const ignoring = (path: string) => hook({ failurePolicy: 'Ignore', timeoutSeconds: 1 }, path);
    expect(
      await refusal(callWebhook(ignoring('/broken'), podCreate(), store)),
      'a broken webhook, Ignore',
    ).toBeUndefined();
    expect(
      await refusal(callWebhook(ignoring('/slow'), podCreate(), store)),
      'a silent webhook, Ignore',
    ).toBeUndefined();
    const denied = await refusal(
      callWebhook(ignoring('/validate'), podCreate({ deny: 'yes' }), store),
    );
    expect(
      denied?.code,
      'Ignore is about failures, not denials: a deny=yes pod is still refused',
    ).toBe(403);
  });
});
