import request from 'supertest';
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { exampleDeployment, examplePod, exampleService } from '../../harness/api/examples.ts';
import { APPS, CORE, fieldAt, META } from '../../harness/api/schemas.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createApiServer } from '../../solutions/03a-apiserver/server.ts';
import {
  addAt,
  applyDirectives,
  createPatcher,
  jsonPatch,
  listStrategy,
  mergeByKey,
  mergePatch,
  parsePointer,
  removeAt,
  setElementOrder,
  strategicMergePatch,
  valueAt,
} from './patch.ts';

function failure(run: () => unknown): ApiError {
  try {
    run();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected an ApiError, but nothing was thrown');
}

/** A small document with an object and a list in it. */
const sample = () => ({
  metadata: { name: 'web', labels: { app: 'web' } },
  spec: { containers: [{ name: 'a' }, { name: 'b' }] },
});

/** chapter 03a's API server, with this chapter's patcher. */
async function setup() {
  const server = await createApiServer({
    store: new MemoryStoreClient(new Store()),
    patcher: createPatcher(),
  });
  return request(server.app);
}

const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

describe('Patches', () => {
  test('a merge patch merges objects key by key', () => {
    expect(
      mergePatch({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 9 }, e: 5 }),
      'merge {b: {c: 9}, e: 5} into {a: 1, b: {c: 2, d: 3}}',
    ).toEqual({
      a: 1,
      b: { c: 9, d: 3 },
      e: 5,
    });
  });

  test('in a merge patch, null deletes a key and a list replaces the whole list', () => {
    expect(
      mergePatch({ a: 1, b: 2, list: [1, 2, 3] }, { a: null, list: [4] }),
      'merge {a: null, list: [4]}',
    ).toEqual({ b: 2, list: [4] });
  });

  test('a merge patch leaves the original alone', () => {
    const original = { a: { b: 1 } };
    mergePatch(original, { a: { b: 2 } });
    expect(original, 'the target after patching').toEqual({ a: { b: 1 } });
  });

  test('a JSON pointer names a place in a document: "/" separates, ~1 is "/" and ~0 is "~"', () => {
    expect(
      parsePointer('/metadata/annotations/example.com~1owner~0x'),
      'parsePointer of /metadata/annotations/example.com~1owner~0x',
    ).toEqual(['metadata', 'annotations', 'example.com/owner~x']);
    expect(parsePointer(''), 'parse ""').toEqual([]);
  });

  test('valueAt follows a pointer through objects and lists', () => {
    const document = sample();
    expect(valueAt(document, '/spec/containers/1/name'), 'valueAt /spec/containers/1/name').toBe(
      'b',
    );
    expect(valueAt(document, '/metadata/labels'), 'valueAt /metadata/labels').toEqual({
      app: 'web',
    });
    expect(valueAt(document, ''), 'valueAt "" (the whole document)').toBe(document);
  });

  test('valueAt of a key or an index that is not there is a 422', () => {
    for (const pointer of [
      '/spec/nope',
      '/spec/containers/2',
      '/spec/containers/01',
      '/spec/containers/x/name',
      '/metadata/name/first',
    ]) {
      expect(failure(() => valueAt(sample(), pointer)).code, `valueAt ${pointer}`).toBe(422);
    }
  });

  test('addAt sets a key of an object, in the document itself', () => {
    const document = sample();
    expect(addAt(document, '/metadata/labels/tier', 'front'), 'addAt answers the document').toBe(
      document,
    );
    addAt(document, '/metadata/name', 'db');
    expect(document.metadata, 'metadata after adding labels/tier and replacing name').toEqual({
      name: 'db',
      labels: { app: 'web', tier: 'front' },
    });
    expect(addAt(document, '', { kind: 'New' }), 'addAt "" (the whole document)').toEqual({
      kind: 'New',
    });
  });

  test('addAt inserts into a list before an index, or appends with -', () => {
    const document = { list: ['a', 'b'] };
    addAt(document, '/list/1', 'x');
    expect(document.list, "addAt /list/1 'x' to [a, b]").toEqual(['a', 'x', 'b']);
    addAt(document, '/list/-', 'y');
    addAt(document, '/list/4', 'z');
    expect(document.list, "then addAt /list/- 'y' and /list/4 'z'").toEqual([
      'a',
      'x',
      'b',
      'y',
      'z',
    ]);
  });

  test('removeAt takes a key out of an object, or an element out of a list', () => {
    const document = sample();
    removeAt(document, '/spec/containers/0');
    removeAt(document, '/metadata/labels');
    expect(document, 'after removing containers/0 and labels').toEqual({
      metadata: { name: 'web' },
      spec: { containers: [{ name: 'b' }] },
    });
  });

  test('adding past the end of a list, or removing what is not there, is a 422', () => {
    const cases: Array<[string, () => unknown]> = [
      ['addAt /spec/containers/3', () => addAt(sample(), '/spec/containers/3', {})],
      ['addAt /status/phase (no status)', () => addAt(sample(), '/status/phase', 'Running')],
      ['removeAt /spec/nope', () => removeAt(sample(), '/spec/nope')],
      ['removeAt /spec/containers/2', () => removeAt(sample(), '/spec/containers/2')],
      ['removeAt "" (the whole document)', () => removeAt(sample(), '')],
    ];
    for (const [what, run] of cases) expect(failure(run).code, what).toBe(422);
  });

  test('a JSON patch adds, replaces and removes by pointer', () => {
    const document = { spec: { replicas: 1, containers: [{ name: 'a' }] }, old: true };
    const patched = jsonPatch(document, [
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/spec/containers/-', value: { name: 'b' } },
      { op: 'add', path: '/spec/containers/0', value: { name: 'first' } },
      { op: 'remove', path: '/old' },
    ]);
    expect(patched, 'after replace, append, insert and remove').toEqual({
      spec: { replicas: 3, containers: [{ name: 'first' }, { name: 'a' }, { name: 'b' }] },
    });
  });

  test('a JSON patch can move, copy and test', () => {
    const patched = jsonPatch({ a: { x: 1 }, b: {} }, [
      { op: 'test', path: '/a/x', value: 1 },
      { op: 'copy', from: '/a/x', path: '/b/y' },
      { op: 'move', from: '/a', path: '/c' },
    ]);
    expect(patched, 'after test, copy and move').toEqual({ b: { y: 1 }, c: { x: 1 } });
  });

  test('a JSON patch that cannot apply is a 422, and applies nothing', () => {
    const document = { a: 1 };
    const test = failure(() =>
      jsonPatch(document, [
        { op: 'replace', path: '/a', value: 2 },
        { op: 'test', path: '/a', value: 1 },
      ]),
    );
    const missing = failure(() => jsonPatch(document, [{ op: 'remove', path: '/nope' }]));
    const outOfRange = failure(() =>
      jsonPatch({ list: [1] }, [{ op: 'replace', path: '/list/5', value: 2 }]),
    );
    expect(
      [test.code, missing.code, outOfRange.code],
      'a failed test, removing a missing key, an index out of range',
    ).toEqual([422, 422, 422]);
    expect(document, 'the document after the failed patch').toEqual({ a: 1 });
  });

  test('a JSON patch that is not a list of operations is a 400', () => {
    for (const patch of [
      { op: 'add' },
      [{ op: 'fly', path: '/a' }],
      [{ path: '/a' }],
      [{ op: 'add', path: '/a' }],
      [{ op: 'add', path: 'a', value: 1 }],
    ]) {
      expect(failure(() => jsonPatch({}, patch)).code, `JSON patch ${JSON.stringify(patch)}`).toBe(
        400,
      );
    }
  });

  test("strategic merge knows each list's key: env by name, container ports by number, service ports by port", () => {
    const pod = (...path: string[]) => listStrategy(fieldAt(CORE + 'Pod', path));
    expect(pod('spec', 'containers'), "a pod's spec.containers").toEqual({ mergeKey: 'name' });
    expect(
      listStrategy(fieldAt(APPS + 'Deployment', ['spec', 'template', 'spec', 'containers', 'env'])),
      "a Deployment's template container's env",
    ).toEqual({ mergeKey: 'name' });
    expect(pod('spec', 'containers', 'ports'), "a container's ports").toEqual({
      mergeKey: 'containerPort',
    });
    expect(
      listStrategy(fieldAt(CORE + 'Service', ['spec', 'ports'])),
      "a Service's spec.ports",
    ).toEqual({ mergeKey: 'port' });
    expect(pod('status', 'conditions'), "a pod's status.conditions").toEqual({ mergeKey: 'type' });
    expect(pod('metadata', 'ownerReferences'), 'metadata.ownerReferences').toEqual({
      mergeKey: 'uid',
    });
    expect(pod('metadata', 'finalizers'), 'metadata.finalizers').toBe('union');
    expect(pod('spec', 'volumes'), "'merge,retainKeys' on a pod's volumes").toEqual({
      mergeKey: 'name',
    });
    expect(pod('spec', 'containers', 'args'), "a container's args").toBeUndefined();
    expect(pod('spec', 'imagee'), 'a field the description does not know').toBeUndefined();
  });

  test('mergeByKey merges the elements whose keys match, and appends the new ones', () => {
    const current = [
      { name: 'app', image: 'kata/echo:1.0', ports: [{ containerPort: 8080 }] },
      { name: 'sidecar', image: 'kata/proxy:1.0' },
    ];
    const merged = mergeByKey(
      current,
      [
        { name: 'app', image: 'kata/echo:2.0' },
        { name: 'logger', image: 'kata/log:1.0' },
      ],
      'name',
      mergePatch,
    );
    expect(merged, 'merge [app: echo:2.0, logger] into [app, sidecar] on name').toEqual([
      { name: 'app', image: 'kata/echo:2.0', ports: [{ containerPort: 8080 }] },
      { name: 'sidecar', image: 'kata/proxy:1.0' },
      { name: 'logger', image: 'kata/log:1.0' },
    ]);
    expect(current[0]!.image, 'the current list afterwards (left alone)').toBe('kata/echo:1.0');
  });

  test('mergeByKey: $patch: delete removes an element, and $patch: replace makes the list the patch', () => {
    const current = [{ name: 'app' }, { name: 'sidecar' }];
    expect(
      mergeByKey(current, [{ name: 'sidecar', $patch: 'delete' }], 'name', mergePatch),
      'delete sidecar from [app, sidecar]',
    ).toEqual([{ name: 'app' }]);
    expect(
      mergeByKey(current, [{ $patch: 'replace' }, { name: 'only' }], 'name', mergePatch),
      'replace [app, sidecar] with [only]',
    ).toEqual([{ name: 'only' }]);
  });

  test('setElementOrder puts a list in the given order by merge key; the others go last', () => {
    const list = [{ name: 'a' }, { name: 'b', image: 'b' }, { name: 'c' }];
    expect(
      setElementOrder(list, [{ name: 'c' }, { name: 'a' }], 'name'),
      'order [a, b, c] as [c, a] by name',
    ).toEqual([{ name: 'c' }, { name: 'a' }, { name: 'b', image: 'b' }]);
    expect(
      setElementOrder(['x', 'y', 'z'], ['z', 'x'], undefined),
      'order [x, y, z] as [z, x], without a merge key',
    ).toEqual(['z', 'x', 'y']);
  });

  test('applyDirectives: $setElementOrder orders a list on the merge key listStrategy gives', () => {
    const merged = { containers: [{ name: 'app' }, { name: 'b' }] };
    const result = applyDirectives(
      merged,
      { '$setElementOrder/containers': [{ name: 'b' }, { name: 'app' }] },
      fieldAt(CORE + 'Pod', ['spec']),
    );
    expect(result, 'applyDirectives answers the object it was given').toBe(merged);
    expect(
      merged.containers.map((c) => c.name),
      'containers after $setElementOrder/containers [b, app]',
    ).toEqual(['b', 'app']);
  });

  test('applyDirectives: $deleteFromPrimitiveList removes values; $retainKeys drops unnamed keys', () => {
    const metadata = { finalizers: ['x', 'y'] };
    applyDirectives(
      metadata,
      { '$deleteFromPrimitiveList/finalizers': ['x'] },
      fieldAt(META + 'ObjectMeta', []),
    );
    expect(metadata.finalizers, 'finalizers [x, y] after $deleteFromPrimitiveList [x]').toEqual([
      'y',
    ]);
    const strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } };
    applyDirectives(
      strategy,
      { $retainKeys: ['type'] },
      fieldAt(APPS + 'Deployment', ['spec', 'strategy']),
    );
    expect(strategy, 'a strategy after $retainKeys [type]').toEqual({ type: 'Recreate' });
  });

  test('strategic merge: containers merge by name, so patching one keeps the others', () => {
    const pod = examplePod('web');
    pod.spec.containers.push({ name: 'sidecar', image: 'kata/proxy:1.0' });
    const patched = strategicMergePatch(
      pod,
      { spec: { containers: [{ name: 'app', image: 'kata/echo:2.0' }] } },
      CORE + 'Pod',
    ) as typeof pod;
    expect(patched.spec.containers, "containers after patching app's image").toEqual([
      { name: 'app', image: 'kata/echo:2.0' },
      { name: 'sidecar', image: 'kata/proxy:1.0' },
    ]);
  });

  test("strategic merge: a Service's ports merge by port number", () => {
    const service = exampleService('web');
    const patched = strategicMergePatch(
      service,
      { spec: { ports: [{ port: 443, name: 'https' }] } },
      CORE + 'Service',
    ) as typeof service;
    expect(
      patched.spec.ports?.map((port) => port.port),
      'service ports [80] after a patch with port 443',
    ).toEqual([80, 443]);
  });

  test('strategic merge: $patch: delete removes a list element, $patch: replace replaces the list', () => {
    const pod = examplePod('web');
    pod.spec.containers.push({ name: 'sidecar', image: 'kata/proxy:1.0' });
    const removed = strategicMergePatch(
      pod,
      { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } },
      CORE + 'Pod',
    ) as typeof pod;
    expect(
      removed.spec.containers.map((c) => c.name),
      'containers after deleting sidecar',
    ).toEqual(['app']);
    const replaced = strategicMergePatch(
      pod,
      { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } },
      CORE + 'Pod',
    ) as typeof pod;
    expect(replaced.spec.containers, 'containers after replacing the list').toEqual([
      { name: 'only', image: 'x' },
    ]);
  });

  test('strategic merge: null deletes, finalizers are unioned, and lists without a key are replaced', () => {
    const target = {
      metadata: { finalizers: ['a'], labels: { x: '1', y: '2' } },
      spec: { containers: [{ name: 'app', args: ['1', '2'] }] },
    };
    const patched = strategicMergePatch(
      target,
      {
        metadata: { finalizers: ['b', 'a'], labels: { x: null } },
        spec: { containers: [{ name: 'app', args: ['3'] }] },
      },
      CORE + 'Pod',
    );
    expect(patched, "a pod after finalizers [b, a], labels.x null and app's args [3]").toEqual({
      metadata: { finalizers: ['a', 'b'], labels: { y: '2' } },
      spec: { containers: [{ name: 'app', args: ['3'] }] },
    });
  });

  test("strategic merge follows kubectl apply's directives: $setElementOrder, $retainKeys, $deleteFromPrimitiveList", () => {
    const deployment = exampleDeployment('web');
    deployment.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } };
    deployment.spec.template.spec.containers.push({ name: 'b', image: 'b' });
    const patched = strategicMergePatch(
      deployment,
      {
        metadata: { finalizers: ['x', 'y'], '$deleteFromPrimitiveList/finalizers': ['x'] },
        spec: {
          strategy: { $retainKeys: ['type'], type: 'Recreate' },
          template: { spec: { '$setElementOrder/containers': [{ name: 'b' }, { name: 'app' }] } },
        },
      },
      APPS + 'Deployment',
    ) as typeof deployment;
    expect(patched.spec.strategy, 'strategy after $retainKeys: [type]').toEqual({
      type: 'Recreate',
    });
    expect(
      patched.spec.template.spec.containers.map((c) => c.name),
      'containers after $setElementOrder',
    ).toEqual(['b', 'app']);
    expect(patched.metadata.finalizers, 'finalizers after $deleteFromPrimitiveList').toEqual(['y']);
  });

  test('a patch cannot reach Object.prototype', () => {
    const patch = JSON.parse(
      '{"__proto__": {"polluted": true}, "a": {"__proto__": {"polluted": true}}}',
    );
    mergePatch({}, patch);
    strategicMergePatch({}, patch, CORE + 'Pod');
    jsonPatch({}, [{ op: 'add', path: '/__proto__', value: { polluted: true } }]);
    expect(({} as Record<string, unknown>).polluted, 'Object.prototype.polluted').toBeUndefined();
  });

  test('PATCH with application/merge-patch+json changes only what it names', async () => {
    const api = await setup();
    await api.post(DEPLOYMENTS).send(exampleDeployment('web'));
    const response = await api
      .patch(`${DEPLOYMENTS}/web`)
      .set('content-type', 'application/merge-patch+json')
      .send({ spec: { replicas: 5 } });
    expect(
      [response.status, response.body.spec.replicas, response.body.metadata.generation],
      `PATCH ${DEPLOYMENTS}/web {spec: {replicas: 5}}`,
    ).toEqual([200, 5, 2]);
    expect(response.body.spec.template.spec.containers[0].image, 'the image, untouched').toBe(
      'kata/echo:1.0',
    );
  });

  test('PATCH with application/json-patch+json, as client libraries send by default', async () => {
    const api = await setup();
    await api.post(DEPLOYMENTS).send(exampleDeployment('web'));
    const response = await api
      .patch(`${DEPLOYMENTS}/web`)
      .set('content-type', 'application/json-patch+json')
      .send([
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'kata/echo:2.0' },
      ]);
    expect(
      [response.status, response.body.spec.template.spec.containers[0].image],
      'PATCH replace the image',
    ).toEqual([200, 'kata/echo:2.0']);
  });

  test('PATCH with application/strategic-merge-patch+json, as kubectl sends', async () => {
    const api = await setup();
    const deployment = exampleDeployment('web');
    deployment.spec.template.spec.containers.push({ name: 'sidecar', image: 'kata/proxy:1.0' });
    await api.post(DEPLOYMENTS).send(deployment);
    const response = await api
      .patch(`${DEPLOYMENTS}/web`)
      .set('content-type', 'application/strategic-merge-patch+json')
      .send({
        spec: { template: { spec: { containers: [{ name: 'app', image: 'kata/echo:2.0' }] } } },
      });
    expect(
      response.body.spec.template.spec.containers.map((c: { image: string }) => c.image),
      'images after the patch',
    ).toEqual(['kata/echo:2.0', 'kata/proxy:1.0']);
  });

  test('a patch whose result is invalid is a 422; one with an old resourceVersion a 409', async () => {
    const api = await setup();
    const { body: created } = await api.post(DEPLOYMENTS).send(exampleDeployment('web'));
    await api
      .patch(`${DEPLOYMENTS}/web`)
      .set('content-type', 'application/merge-patch+json')
      .send({ spec: { replicas: 3 } });
    const invalid = await api
      .patch(`${DEPLOYMENTS}/web`)
      .set('content-type', 'application/merge-patch+json')
      .send({ spec: { replicas: -1 } });
    expect([invalid.status, invalid.body.reason], 'PATCH replicas -1').toEqual([422, 'Invalid']);
    const stale = await api
      .patch(`${DEPLOYMENTS}/web`)
      .set('content-type', 'application/merge-patch+json')
      .send({
        metadata: { resourceVersion: created.metadata.resourceVersion },
        spec: { replicas: 4 },
      });
    expect(
      [stale.status, stale.body.reason],
      'PATCH with the resourceVersion from before the last change',
    ).toEqual([409, 'Conflict']);
  });

  test('a merge patch that is not an object is a 400; server-side apply is a 415', async () => {
    const api = await setup();
    await api.post(DEPLOYMENTS).send(exampleDeployment('web'));
    const list = await api
      .patch(`${DEPLOYMENTS}/web`)
      .set('content-type', 'application/merge-patch+json')
      .send('[1]');
    expect(list.status, 'PATCH merge-patch [1]').toBe(400);
    const apply = await api
      .patch(`${DEPLOYMENTS}/web`)
      .set('content-type', 'application/apply-patch+yaml')
      .send('spec: {}');
    expect([apply.status, apply.body.reason], 'PATCH apply-patch+yaml').toEqual([
      415,
      'UnsupportedMediaType',
    ]);
  });
});
