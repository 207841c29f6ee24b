import request from 'supertest';
import { describe, expect, test } from 'vitest';
import { examplePod } from '../../harness/api/examples.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { pathSegmentProblem, parseResourceVersion } from './paths.ts';
import { createApiServer } from './server.ts';

async function setup() {
  const store = new Store();
  const server = await createApiServer({
    store: new MemoryStoreClient(store),
    compactionIntervalMs: 0,
  });
  return { store, api: request(server.app) };
}

const PODS = '/api/v1/namespaces/default/pods';

const POD_YAML = `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: app
    image: kata/echo:1.0
`;

describe('Bad input', () => {
  test('a body may be YAML (Content-Type: application/yaml)', async () => {
    const { api } = await setup();
    const response = await api.post(PODS).set('content-type', 'application/yaml').send(POD_YAML);
    expect(response.status, `POST ${PODS} a YAML pod: ${response.text}`).toBe(201);
    expect(response.body.spec.containers[0].image, 'its image').toBe('kata/echo:1.0');
  });

  test('a body that is not JSON is a 400 BadRequest Status', async () => {
    const { api } = await setup();
    const response = await api
      .post(PODS)
      .set('content-type', 'application/json')
      .send('{"kind": "Pod",');
    expect(
      [response.status, response.body.kind, response.body.reason],
      'POST a truncated JSON body',
    ).toEqual([400, 'Status', 'BadRequest']);
  });

  test('YAML that does not parse, or holds several documents, is a 400', async () => {
    const { api } = await setup();
    const broken = await api
      .post(PODS)
      .set('content-type', 'application/yaml')
      .send('metadata: [unclosed');
    const several = await api
      .post(PODS)
      .set('content-type', 'application/yaml')
      .send(`${POD_YAML}---\n${POD_YAML}`);
    expect([broken.status, several.status], 'POST broken YAML, then two YAML documents').toEqual([
      400, 400,
    ]);
  });

  test('a body that is not an object is a 400', async () => {
    const { api } = await setup();
    for (const body of ['[]', '"pod"', 'null', '42']) {
      const response = await api.post(PODS).set('content-type', 'application/json').send(body);
      expect(response.status, `POST ${PODS} the body ${body}`).toBe(400);
    }
  });

  test("an object of another kind than the URL's resource is a 400", async () => {
    const { api } = await setup();
    const response = await api.post(PODS).send({ ...examplePod('web'), kind: 'Service' });
    expect(
      [response.status, response.body.message],
      `POST ${PODS} an object of kind Service`,
    ).toEqual([400, 'the kind in the data (Service) does not match the expected kind (Pod)']);
    const version = await api.post(PODS).send({ ...examplePod('web'), apiVersion: 'apps/v1' });
    expect(version.body.message, `POST ${PODS} an object of apiVersion apps/v1`).toBe(
      'the API version in the data (apps/v1) does not match the expected API version (v1)',
    );
  });

  test('a body in a format the server does not read is a 415', async () => {
    const { api } = await setup();
    for (const type of ['text/plain', 'application/vnd.kubernetes.protobuf']) {
      const response = await api.post(PODS).set('content-type', type).send('anything');
      expect(
        [response.status, response.body.reason],
        `POST ${PODS} with Content-Type ${type}`,
      ).toEqual([415, 'UnsupportedMediaType']);
    }
  });

  test('a body over 3 MiB is a 413', async () => {
    const { api } = await setup();
    const pod = examplePod('web');
    pod.metadata.annotations = { big: 'x'.repeat(3 * 1024 * 1024) };
    const response = await api.post(PODS).send(pod);
    expect([response.status, response.body.reason], `POST ${PODS} a 3 MiB pod`).toEqual([
      413,
      'RequestEntityTooLarge',
    ]);
  });

  test('a body nested too deeply is a 400, not a crash', async () => {
    const { api } = await setup();
    const deep = `{"metadata":{"name":"web"},"spec":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const response = await api.post(PODS).set('content-type', 'application/json').send(deep);
    expect(response.status, `POST ${PODS} a body nested 5000 deep`).toBe(400);
  });

  test('a resourceVersion that is not a revision is a 400, on a get and on a list', async () => {
    const { api } = await setup();
    await api.post(PODS).send(examplePod('web'));
    const message =
      'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax';
    for (const path of [`${PODS}?resourceVersion=abc`, `${PODS}/web?resourceVersion=abc`]) {
      const response = await api.get(path);
      expect([response.status, response.body.message], `GET ${path}`).toEqual([400, message]);
    }
    expect(parseResourceVersion(new URLSearchParams('resourceVersion=42')), 'a revision').toBe(42);
    expect(parseResourceVersion(new URLSearchParams('resourceVersion=0')), '"0"').toBeUndefined();
  });

  test('a namespace or name "." or ".." in the path is a 400, never a key of the store', async () => {
    const { api } = await setup();
    const inNamespace = await api.get('/api/v1/namespaces/../pods');
    expect(
      [inNamespace.status, inNamespace.body.message],
      'GET /api/v1/namespaces/../pods',
    ).toEqual([400, `Namespace parameter invalid: "..": may not be '..'`]);
    const named = await api.delete(`${PODS}/.`);
    expect([named.status, named.body.message], `DELETE ${PODS}/.`).toEqual([
      400,
      `Name parameter invalid: ".": may not be '.'`,
    ]);
    expect(pathSegmentProblem('a%2f'), 'a segment with a %').toBe("may not contain '%'");
    expect(pathSegmentProblem('web'), 'a plain name').toBeUndefined();
  });

  test('nothing a client sends is a 500, and refused writes change nothing', async () => {
    const { api, store } = await setup();
    await api.post(PODS).send(examplePod('web'));
    const revision = store.revision;
    const hostile: Array<[string, string, string | undefined, string | undefined]> = [
      ['POST', PODS, 'application/json', '{"metadata":{"name":["web"]}}'],
      ['POST', PODS, 'application/json', '{"metadata":"web"}'],
      [
        'POST',
        PODS,
        'application/json',
        '{"metadata":{"name":"x","labels":"app"},"spec":{"containers":"app"}}',
      ],
      [
        'POST',
        PODS,
        'application/json',
        '{"metadata":{"name":"x"},"spec":{"containers":[null,1,"a"]}}',
      ],
      ['POST', PODS, 'application/json', '{"__proto__":{"polluted":true},"metadata":{"name":"x"}}'],
      ['POST', PODS, 'application/yaml', 'a: &a [*a, *a]'],
      ['POST', PODS, 'application/json', ''],
      ['PUT', `${PODS}/web`, 'application/json', '{"metadata":{"resourceVersion":7}}'],
      [
        'PUT',
        `${PODS}/web`,
        'application/json',
        '{"metadata":{"name":"web"},"spec":{"containers":[{"name":"app","image":"x","ports":[{"containerPort":"80"}]}]}}',
      ],
      ['DELETE', `${PODS}/web`, 'application/json', '[1]'],
      ['DELETE', `${PODS}/web`, 'application/json', '{"preconditions":{"uid":"nope"}}'],
      ['GET', '/api/v1/namespaces/%E0%A4%A/pods', undefined, undefined],
      ['GET', `${PODS}/${'x'.repeat(5000)}`, undefined, undefined],
    ];
    for (const [method, path, type, body] of hostile) {
      let call = api[method.toLowerCase() as 'post'](path);
      if (type) call = call.set('content-type', type);
      const response = await (body === undefined ? call : call.send(body));
      expect(
        response.status,
        `${method} ${path} ${body ?? ''}: ${response.text}`,
      ).toBeGreaterThanOrEqual(400);
      expect(response.status, `${method} ${path} ${body ?? ''}: ${response.text}`).toBeLessThan(
        500,
      );
      expect(response.body.kind, `${method} ${path}: the answer is a Status`).toBe('Status');
    }
    expect(store.revision, 'store revision after every refused request').toBe(revision);
    expect(
      ({} as Record<string, unknown>).polluted,
      'Object.prototype after a __proto__ body',
    ).toBeUndefined();
    expect((await api.get(`${PODS}/web`)).status, 'the server still answers').toBe(200);
  });
});
