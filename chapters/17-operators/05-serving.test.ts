// Serving custom resources: the definition server over a fake host first (what it serves, the
// status it writes, the clean-up), then over the reference API server, talked to over HTTP as
// kubectl would: a CRD applied, its kind served, checked, shown and scaled, then deleted.
import { afterAll, describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  CLEANUP_FINALIZER,
  type CustomResourceDefinition,
} from '../../harness/api/apiextensions.ts';
import { builtinResources, type ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type {
  CustomResourceBehaviour,
  ResourceHost,
} from '../../harness/contracts/apiextensions.ts';
import { startApiServer, type RunningApiServer } from '../../harness/testing/apiserver.ts';
import { waitFor } from '../../harness/testing/wait.ts';
import { resourcesOf } from './definitions.ts';
import { behaviourOf, cleanUp, createDefinitionServer, serveDefinition } from './serving.ts';

const webAppCrd = parse(
  readFileSync(
    new URL('../../harness/examples/custom-resources/webapp-crd.yaml', import.meta.url),
    'utf8',
  ),
) as CustomResourceDefinition;
const shop = (spec: object): KubeObject =>
  ({
    apiVersion: 'example.com/v1',
    kind: 'WebApp',
    metadata: { name: 'shop', namespace: 'default' },
    spec,
  }) as KubeObject;

/** A host that records what it is told, over a list of served resources and stored objects. */
function fakeHost(objects: KubeObject[] = []) {
  const served: ResourceType[] = [...builtinResources];
  const written: CustomResourceDefinition[] = [];
  const deleted: string[] = [];
  const host: ResourceHost = {
    served: () => served,
    serve: (resource: ResourceType, _behaviour: CustomResourceBehaviour) => {
      host.withdraw(resource);
      served.push(resource);
    },
    withdraw: (resource) => {
      const index = served.findIndex(
        (each) =>
          each.custom && each.resource === resource.resource && each.version === resource.version,
      );
      if (index >= 0) served.splice(index, 1);
    },
    list: async () =>
      objects.filter(
        (object) => !deleted.includes(object.metadata.name!) || object.metadata.finalizers?.length,
      ),
    deleteObject: async (_resource, object) => {
      deleted.push(object.metadata.name!);
    },
    updateDefinition: async (crd) => {
      written.push(crd);
    },
    now: () => '2026-01-01T00:00:00Z',
  };
  return { host, served, written, deleted };
}

let running: Promise<RunningApiServer> | undefined;
afterAll(async () => {
  await (await running?.catch(() => undefined))?.close();
});

/** The reference API server, serving CRDs through this chapter's serving.ts. */
async function server(): Promise<{
  url: string;
  call: (
    method: string,
    path: string,
    body?: unknown,
    accept?: string,
  ) => Promise<{ status: number; body: any }>;
}> {
  running ??= startApiServer({ apiExtensions: { createDefinitionServer } });
  const { url } = await running;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    accept = 'application/json',
  ) => {
    const response = await fetch(url + path, {
      method,
      headers: { 'content-type': 'application/json', accept },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return { url, call };
}
const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const WEBAPPS = '/apis/example.com/v1/namespaces/default/webapps';

/** Creates the WebApp CRD and waits until it is Established. */
async function establish(call: Awaited<ReturnType<typeof server>>['call']): Promise<void> {
  const created = await call('POST', CRDS, webAppCrd);
  expect([201, 409], 'POST of the WebApp CRD').toContain(created.status);
  await waitFor(async () => {
    const { body } = await call('GET', `${CRDS}/webapps.example.com`);
    return body.status?.conditions?.some(
      (c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True',
    );
  }, 'the WebApp CRD Established');
}

describe('Serving custom resources', () => {
  test('behaviourOf: prepare prunes then defaults; validate by the schema; the printer cells', () => {
    const behaviour = behaviourOf(resourcesOf(webAppCrd)[0]!);
    const prepared = behaviour.prepare(shop({ image: 'kata/echo', colour: 'red' }));
    expect(
      [
        prepared.spec,
        behaviour.validate(shop({ replicas: 30 })).map((error) => error.field),
        behaviour.cells(prepared, 0).slice(0, 2),
      ],
      'a WebApp with an undeclared colour prepared; one without image and 30 replicas validated; cells',
    ).toEqual([
      { image: 'kata/echo', replicas: 1, port: 8080 },
      ['spec.image', 'spec.replicas'],
      ['kata/echo', 1],
    ]);
  });

  test('serveDefinition serves each served version and writes NamesAccepted and Established', async () => {
    const { host, served, written } = fakeHost();
    await serveDefinition(host, webAppCrd);
    expect(
      [
        served
          .filter((resource) => resource.custom)
          .map((resource) => `${resource.resource}/${resource.version}`),
        written[0]?.status?.conditions?.map((c) => `${c.type}=${c.status}`),
      ],
      'the WebApp CRD served over an empty host',
    ).toEqual([['webapps/v1'], ['NamesAccepted=True', 'Established=True']]);
    await serveDefinition(host, written[0]!);
    expect(written.length, 'served again, with the status it wrote: nothing new to write').toBe(1);
  });

  test('a names conflict serves nothing, and says why in the status', async () => {
    const { host, served, written } = fakeHost();
    const pods = {
      ...webAppCrd,
      metadata: { name: 'pods.example.com' },
      spec: { ...webAppCrd.spec, names: { plural: 'pods', kind: 'Pod' } },
    };
    await serveDefinition(host, pods);
    expect(
      [served.some((resource) => resource.custom), written[0]?.status?.conditions?.[0]?.message],
      'a CRD whose plural is "pods"',
    ).toEqual([false, '"pods" is already in use']);
  });

  test('prepareForCreate puts the cleanup finalizer on and clears the status', () => {
    const { host } = fakeHost();
    const prepared = createDefinitionServer(host).prepareForCreate({
      ...webAppCrd,
      status: { storedVersions: ['v9'] },
    });
    expect([prepared.metadata.finalizers, prepared.status], 'a new CRD with a status').toEqual([
      [CLEANUP_FINALIZER],
      undefined,
    ]);
  });

  test('cleanUp deletes every object; while some are finalizing it says to come back', async () => {
    const held = {
      ...shop({}),
      metadata: { name: 'held', namespace: 'default', finalizers: ['x'] },
    };
    const { host, served, written, deleted } = fakeHost([shop({}), held]);
    await serveDefinition(host, webAppCrd);
    const deleting = {
      ...webAppCrd,
      metadata: {
        ...webAppCrd.metadata,
        finalizers: [CLEANUP_FINALIZER],
        deletionTimestamp: 'now',
      },
    };
    expect([await cleanUp(host, deleting), deleted], 'clean-up with one object finalizing').toEqual(
      [true, ['shop', 'held']],
    );
    held.metadata.finalizers = [];
    expect(
      [
        await cleanUp(host, deleting),
        served.some((resource) => resource.custom),
        written.at(-1)?.metadata.finalizers,
      ],
      'clean-up again, the finalizer gone',
    ).toEqual([false, false, []]);
  });

  test('on the API server: an Established CRD is in discovery, and its objects are pruned and defaulted', async () => {
    const { call } = await server();
    await establish(call);
    const resources = await call('GET', '/apis/example.com/v1');
    const created = await call('POST', WEBAPPS, shop({ image: 'kata/echo', colour: 'red' }));
    expect(
      [
        resources.body.resources.map((r: { name: string }) => r.name),
        created.status,
        created.body.spec,
      ],
      'GET /apis/example.com/v1, then POST a WebApp with an undeclared colour',
    ).toEqual([
      ['webapps', 'webapps/status', 'webapps/scale'],
      201,
      { image: 'kata/echo', replicas: 1, port: 8080 },
    ]);
  });

  test('on the API server: a schema violation is a 422 naming the field', async () => {
    const { call } = await server();
    await establish(call);
    const refused = await call('POST', WEBAPPS, {
      ...shop({ image: 'x', replicas: 'three' }),
      metadata: { name: 'bad' },
    });
    expect([refused.status, refused.body.message], 'POST a WebApp with replicas "three"').toEqual([
      422,
      'WebApp.example.com "bad" is invalid: spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
    ]);
  });

  test('on the API server: an undeclared field is a Warning, and under fieldValidation=Strict a 400', async () => {
    const { url, call } = await server();
    await establish(call);
    const warned = await fetch(`${url}${WEBAPPS}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...shop({ image: 'x', colour: 'red' }),
        metadata: { name: 'warned' },
      }),
    });
    const strict = await call('POST', `${WEBAPPS}?fieldValidation=Strict`, {
      ...shop({ image: 'x', colour: 'red' }),
      metadata: { name: 'strict' },
    });
    expect(
      [warned.status, warned.headers.get('warning'), strict.status, strict.body.message],
      'POST a WebApp with spec.colour, then the same with ?fieldValidation=Strict',
    ).toEqual([
      201,
      '299 - "unknown field \\"spec.colour\\""',
      400,
      'WebApp in version "v1" cannot be handled as a WebApp: strict decoding error: unknown field "spec.colour"',
    ]);
  });

  test('on the API server: Tables with the printer columns, the scale subresource, and the schema in OpenAPI', async () => {
    const { call } = await server();
    await establish(call);
    await call('POST', WEBAPPS, { ...shop({ image: 'kata/echo' }), metadata: { name: 'cart' } });
    const table = await call(
      'GET',
      `${WEBAPPS}/cart`,
      undefined,
      'application/json;as=Table;v=v1;g=meta.k8s.io',
    );
    const scale = await call('PUT', `${WEBAPPS}/cart/scale`, {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'cart' },
      spec: { replicas: 3 },
    });
    const openapi = await call('GET', '/openapi/v3/apis/example.com/v1');
    expect(
      [
        table.body.columnDefinitions.map((c: { name: string }) => c.name),
        table.body.rows[0].cells.slice(0, 3),
        [scale.status, scale.body.spec.replicas],
        openapi.body.components.schemas['com.example.v1.WebApp'].properties.spec.required,
      ],
      'the Table of cart, a PUT of its scale to 3, and the OpenAPI document of example.com/v1',
    ).toEqual([
      ['Name', 'Image', 'Desired', 'Ready', 'Age'],
      ['cart', 'kata/echo', 1],
      [200, 3],
      ['image'],
    ]);
  });

  test('on the API server: defaults apply on reads too, and a second version with conversion None is served', async () => {
    const { call } = await server();
    await establish(call);
    await call('POST', WEBAPPS, { ...shop({ image: 'kata/echo' }), metadata: { name: 'old' } });
    const crd = (await call('GET', `${CRDS}/webapps.example.com`)).body;
    const v1 = structuredClone(crd.spec.versions[0]);
    v1.schema.openAPIV3Schema.properties.spec.properties.tier = { type: 'string', default: 'web' };
    const v1beta1 = { ...structuredClone(v1), name: 'v1beta1', storage: false };
    crd.spec = { ...crd.spec, versions: [v1, v1beta1], conversion: { strategy: 'None' } };
    expect((await call('PUT', `${CRDS}/webapps.example.com`, crd)).status, 'PUT of the CRD').toBe(
      200,
    );
    const BETA = '/apis/example.com/v1beta1/namespaces/default/webapps';
    await waitFor(async () => (await call('GET', `${BETA}/old`)).status === 200, 'v1beta1 served');
    const created = await call('POST', BETA, {
      ...shop({ image: 'kata/echo' }),
      apiVersion: 'example.com/v1beta1',
      metadata: { name: 'beta' },
    });
    const old = (await call('GET', `${WEBAPPS}/old`)).body;
    const beta = (await call('GET', `${WEBAPPS}/beta`)).body;
    const listed = (await call('GET', BETA)).body;
    expect(
      [old.spec.tier, created.body.apiVersion, beta.apiVersion, listed.items[0].apiVersion],
      'old (stored before spec.tier had a default) read at v1; beta created at v1beta1, read at v1; the v1beta1 list',
    ).toEqual(['web', 'example.com/v1beta1', 'example.com/v1', 'example.com/v1beta1']);
  });

  test('on the API server: deleting the CRD deletes its objects, then the CRD, and the kind is gone', async () => {
    const { call } = await server();
    await establish(call);
    await call('POST', WEBAPPS, { ...shop({ image: 'kata/echo' }), metadata: { name: 'doomed' } });
    await call('DELETE', `${CRDS}/webapps.example.com`);
    await waitFor(
      async () => (await call('GET', `${CRDS}/webapps.example.com`)).status === 404,
      'the CRD gone',
    );
    expect((await call('GET', WEBAPPS)).status, 'GET webapps after the CRD is gone').toBe(404);
    await establish(call);
    expect(
      (await call('GET', WEBAPPS)).body.items,
      'webapps once the CRD is created again',
    ).toEqual([]);
  });
});
