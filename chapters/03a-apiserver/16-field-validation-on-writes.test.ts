// Field validation on every write: the server checks what a POST or PUT body becomes, and a
// PATCH's result, with fields.ts (07-field-validation), as ?fieldValidation asks, and tells of
// what it dropped in Warning headers.
import request from 'supertest';
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import type { Patcher } from '../../harness/api/machinery.ts';
import { builtinResources, type ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createApiServer } from './server.ts';

/** A pod whose container has the typo `imagee` beside its image. */
function typoPod(name = 'typo'): KubeObject {
  const pod = examplePod(name) as KubeObject;
  (pod.spec as { containers: Record<string, unknown>[] }).containers[0]!.imagee = 'kata/echo';
  return pod;
}

/** A patcher that merges the patch's top-level fields into the object: enough for PATCH here. */
const topLevelMerge: Patcher = {
  contentTypes: ['application/merge-patch+json'],
  apply: (_type, current, patch) => ({ ...structuredClone(current), ...(patch as object) }),
};

/** A kind the description does not know, served beside the built-in ones. */
const widgets: ResourceType = {
  group: 'example.com',
  version: 'v1',
  resource: 'widgets',
  singular: 'widget',
  kind: 'Widget',
  namespaced: true,
  shortNames: [],
  categories: [],
  subresources: [],
  nameRule: 'subdomain',
};

async function setup() {
  const server = await createApiServer({
    store: new MemoryStoreClient(new Store()),
    patcher: topLevelMerge,
    resources: [...builtinResources, widgets],
  });
  return request(server.app);
}

describe('Field validation on every write', () => {
  test('POST with fieldValidation=Strict and imagee: is a 400, and nothing is stored', async () => {
    const api = await setup();
    const response = await api
      .post('/api/v1/namespaces/default/pods?fieldValidation=Strict')
      .send(typoPod());
    expect([response.status, response.body.reason], 'POST of a pod with imagee:').toEqual([
      400,
      'BadRequest',
    ]);
    expect(response.body.message, 'the Status message').toBe(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"',
    );
    const get = await api.get('/api/v1/namespaces/default/pods/typo');
    expect(get.status, 'GET of the refused pod').toBe(404);
  });

  test('POST without fieldValidation stores the pod without the field, with a Warning header', async () => {
    const api = await setup();
    const response = await api.post('/api/v1/namespaces/default/pods').send(typoPod());
    expect(response.status, 'POST of a pod with imagee:, no fieldValidation').toBe(201);
    expect(response.headers.warning, 'the Warning header').toBe(
      '299 - "unknown field \\"spec.containers[0].imagee\\""',
    );
    expect(response.body.spec.containers[0], 'the stored container').not.toHaveProperty('imagee');
  });

  test('two unknown fields are two Warning headers, in the order they come', async () => {
    const api = await setup();
    const pod = typoPod() as KubeObject & Record<string, unknown>;
    pod.extra = true;
    const response = await api.post('/api/v1/namespaces/default/pods').send(pod);
    const raw = (response as unknown as { res: { rawHeaders: string[] } }).res.rawHeaders;
    const warnings = raw.filter(
      (_, index) => index % 2 === 1 && /^warning$/i.test(raw[index - 1]!),
    );
    expect(warnings, 'the Warning headers of the answer').toEqual([
      '299 - "unknown field \\"spec.containers[0].imagee\\""',
      '299 - "unknown field \\"extra\\""',
    ]);
  });

  test('POST reports a duplicate key of its JSON body; Ignore stores quietly', async () => {
    const api = await setup();
    const body =
      '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"twice"},' +
      '"spec":{"restartPolicy":"Always","restartPolicy":"Never","containers":[{"name":"app","image":"i"}]}}';
    const strict = await api
      .post('/api/v1/namespaces/default/pods?fieldValidation=Strict')
      .set('content-type', 'application/json')
      .send(body);
    expect([strict.status, strict.body.message], 'POST with restartPolicy twice, Strict').toEqual([
      400,
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: duplicate field "spec.restartPolicy"',
    ]);
    const ignored = await api
      .post('/api/v1/namespaces/default/pods?fieldValidation=Ignore')
      .send(typoPod());
    expect([ignored.status, ignored.headers.warning], 'POST of imagee: with Ignore').toEqual([
      201,
      undefined,
    ]);
  });

  test('PUT checks its body as POST does', async () => {
    const api = await setup();
    await api.post('/api/v1/namespaces/default/pods').send(examplePod('typo'));
    const response = await api
      .put('/api/v1/namespaces/default/pods/typo?fieldValidation=Strict')
      .send(typoPod());
    expect([response.status, response.body.message], 'PUT of a pod with imagee:, Strict').toEqual([
      400,
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"',
    ]);
  });

  test('PATCH checks the object as patched: an unknown field it adds is refused with Strict', async () => {
    const api = await setup();
    await api.post('/api/v1/namespaces/default/pods').send(examplePod('web'));
    const path = '/api/v1/namespaces/default/pods/web';
    const patch = { spec: { containers: [{ name: 'app', image: 'kata/echo:1.0', imagee: 'i' }] } };
    const strict = await api
      .patch(`${path}?fieldValidation=Strict`)
      .set('content-type', 'application/merge-patch+json')
      .send(patch);
    expect([strict.status, strict.body.message], 'PATCH adding imagee:, Strict').toEqual([
      400,
      'strict decoding error: unknown field "spec.containers[0].imagee"',
    ]);
    const warned = await api
      .patch(path)
      .set('content-type', 'application/merge-patch+json')
      .send(patch);
    expect(
      [warned.status, warned.headers.warning],
      'the same PATCH without fieldValidation',
    ).toEqual([200, '299 - "unknown field \\"spec.containers[0].imagee\\""']);
  });

  test('fieldValidation=Loose on a POST is a 422 Invalid of CreateOptions', async () => {
    const api = await setup();
    const response = await api
      .post('/api/v1/namespaces/default/pods?fieldValidation=Loose')
      .send(examplePod('web'));
    expect(
      [response.status, response.body.details?.kind],
      'POST with fieldValidation=Loose',
    ).toEqual([422, 'CreateOptions']);
  });

  test('a value of the wrong type in a POST is a 400, even with fieldValidation=Ignore', async () => {
    const api = await setup();
    const pod = examplePod('web') as KubeObject;
    (pod.spec as Record<string, unknown>).terminationGracePeriodSeconds = 'thirty';
    const response = await api
      .post('/api/v1/namespaces/default/pods?fieldValidation=Ignore')
      .send(pod);
    expect([response.status, response.body.message], 'POST with a string for a number').toEqual([
      400,
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64',
    ]);
  });

  test('a YAML body is checked as a JSON one is', async () => {
    const api = await setup();
    const yaml =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: typo\nspec:\n  containers:\n' +
      '  - name: app\n    image: kata/echo\n    imagee: kata/echo\n';
    const response = await api
      .post('/api/v1/namespaces/default/pods?fieldValidation=Strict')
      .set('content-type', 'application/yaml')
      .send(yaml);
    expect([response.status, response.body.message], 'POST of YAML with imagee:, Strict').toEqual([
      400,
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"',
    ]);
  });

  test('an object of a kind the description does not know is stored as sent', async () => {
    const api = await setup();
    const widget = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      size: 3,
    };
    const response = await api
      .post('/apis/example.com/v1/namespaces/default/widgets?fieldValidation=Strict')
      .send(widget);
    expect([response.status, response.body.size], 'POST of a Widget with Strict').toEqual([201, 3]);
  });
});
