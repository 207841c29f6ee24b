import request from 'supertest';
import { describe, expect, test } from 'vitest';
import { builtinResources } from '../../harness/api/resources.ts';
import { APPS, CORE, META, schemas, type FieldSchema } from '../../harness/api/schemas.ts';
import { MemoryStoreClient } from '../../harness/testing/memory-store-client.ts';
import { Store } from '../../solutions/01-store/store.ts';
import { createApiServer } from '../../solutions/03a-apiserver/server.ts';
import {
  apiGroupList,
  apiResourceList,
  apiVersions,
  createDiscovery,
  openApiComponents,
  openApiDocument,
  openApiIndex,
  openApiSchema,
  openApiV2,
  OPENAPI_V2_PROTOBUF,
  versionInfo,
} from './discovery.ts';

type Entry = {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  group?: string;
  version?: string;
};
const entry = (list: object | undefined, name: string) =>
  (list as { resources: Entry[] }).resources.find((r) => r.name === name);

/** chapter 03a's API server, with this chapter's discovery. */
async function setup() {
  const server = await createApiServer({
    store: new MemoryStoreClient(new Store()),
    discovery: createDiscovery(),
  });
  return request(server.app);
}

describe('Discovery', () => {
  test("/api lists the core group's one version, v1, and where the server is", () => {
    expect(apiVersions('127.0.0.1:6443'), 'apiVersions("127.0.0.1:6443")').toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }],
    });
  });

  test('/apis lists every other group with its versions and the preferred one', () => {
    const list = apiGroupList(builtinResources) as {
      kind: string;
      groups: Array<{ name: string; preferredVersion: unknown }>;
    };
    expect(list.kind, 'apiGroupList(builtinResources).kind').toBe('APIGroupList');
    expect(
      list.groups.map((group) => group.name),
      'the names of the groups in /apis (the core group is not one of them)',
    ).toEqual([
      'apps',
      'batch',
      'policy',
      'coordination.k8s.io',
      'autoscaling',
      'apiregistration.k8s.io',
      'discovery.k8s.io',
      'networking.k8s.io',
      'storage.k8s.io',
      'certificates.k8s.io',
    ]);
    expect(list.groups[0], 'the apps group, with v1 as its one and preferred version').toEqual({
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    });
  });

  test('/api/v1 is an APIResourceList: each resource with its kind, scope, verbs and short names', () => {
    const list = apiResourceList(builtinResources, 'v1') as { kind: string; groupVersion: string };
    expect([list.kind, list.groupVersion], 'kind and groupVersion').toEqual([
      'APIResourceList',
      'v1',
    ]);
    expect(entry(list, 'pods'), 'the pods entry of apiResourceList(v1)').toEqual({
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(entry(list, 'nodes')?.namespaced, 'nodes are cluster-scoped').toBe(false);
    expect(
      entry(list, 'namespaces')?.verbs,
      'namespaces cannot be deleted as a collection',
    ).toEqual(['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
  });

  test('subresources are listed as <resource>/<subresource>', () => {
    const core = apiResourceList(builtinResources, 'v1');
    expect(entry(core, 'pods/status'), 'the pods/status entry of /api/v1').toMatchObject({
      kind: 'Pod',
      verbs: ['get', 'patch', 'update'],
    });
    expect(entry(core, 'pods/binding'), 'the pods/binding entry of /api/v1').toMatchObject({
      kind: 'Binding',
      verbs: ['create'],
    });
  });

  test('deployments/scale is an autoscaling/v1 Scale: what kubectl scale looks for', () => {
    const apps = apiResourceList(builtinResources, 'apps/v1');
    expect(entry(apps, 'deployments')?.shortNames, "deployments' short names").toEqual(['deploy']);
    expect(
      entry(apps, 'deployments/scale'),
      'the deployments/scale entry of /apis/apps/v1',
    ).toMatchObject({
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
      verbs: ['get', 'patch', 'update'],
    });
  });

  test('pods/eviction is a policy/v1 Eviction, and policy/v1 serves pdb: what kubectl drain looks for', () => {
    const core = apiResourceList(builtinResources, 'v1');
    expect(entry(core, 'pods/eviction'), 'the pods/eviction entry of /api/v1').toMatchObject({
      group: 'policy',
      version: 'v1',
      kind: 'Eviction',
      verbs: ['create'],
    });
    const groups = (apiGroupList(builtinResources) as { groups: { name: string }[] }).groups;
    expect(
      groups.map((group) => group.name),
      'the groups /apis lists',
    ).toContain('policy');
    const policy = apiResourceList(builtinResources, 'policy/v1');
    expect(
      entry(policy, 'poddisruptionbudgets'),
      'poddisruptionbudgets in /apis/policy/v1',
    ).toMatchObject({
      kind: 'PodDisruptionBudget',
      namespaced: true,
      shortNames: ['pdb'],
    });
  });

  test('a group version the server does not serve has no list', () => {
    expect(
      apiResourceList(builtinResources, 'node.k8s.io/v1'),
      'apiResourceList(node.k8s.io/v1)',
    ).toBeUndefined();
  });

  test('/version says which Kubernetes this is: 1.32', () => {
    const version = versionInfo() as { major: string; minor: string; gitVersion: string };
    expect([version.major, version.minor], 'versionInfo() major and minor').toEqual(['1', '32']);
    expect(version.gitVersion, 'versionInfo().gitVersion').toMatch(/^v1\.32\.\d+/);
  });

  test('/openapi/v3 is an index of one document per group version', () => {
    expect(openApiIndex(builtinResources), 'openApiIndex(builtinResources)').toMatchObject({
      paths: {
        'api/v1': { serverRelativeURL: '/openapi/v3/api/v1' },
        'apis/apps/v1': { serverRelativeURL: '/openapi/v3/apis/apps/v1' },
      },
    });
  });

  test('a field as OpenAPI: a named type is a $ref in allOf, a list has items, a map additionalProperties', () => {
    const spec: FieldSchema = { type: 'object', ref: `${CORE}PodSpec`, description: 'The spec.' };
    expect(openApiSchema(spec), 'openApiSchema of a PodSpec field').toEqual({
      description: 'The spec.',
      allOf: [{ $ref: `#/components/schemas/${CORE}PodSpec` }],
      default: {},
    });
    const args: FieldSchema = {
      type: 'array',
      items: { type: 'string', description: '' },
      description: 'Args.',
    };
    expect(openApiSchema(args), 'a list of strings').toEqual({
      description: 'Args.',
      type: 'array',
      items: { type: 'string' },
    });
    expect(openApiSchema({ type: 'map', description: 'Labels.' }), 'a map of strings').toEqual({
      description: 'Labels.',
      type: 'object',
      additionalProperties: { type: 'string' },
    });
    expect(
      openApiSchema({ type: 'integer', format: 'int64', description: '' }),
      'an int64',
    ).toEqual({
      type: 'integer',
      format: 'int64',
    });
  });

  test('named strings, inline objects, free-form fields, enums, and the strategic merge facts', () => {
    const fields = schemas[`${CORE}PodSpec`]!.fields;
    expect(openApiSchema(fields.containers!), 'PodSpec.containers').toMatchObject({
      type: 'array',
      items: { allOf: [{ $ref: `#/components/schemas/${CORE}Container` }] },
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    expect(
      openApiSchema(fields.tolerations!),
      'PodSpec.tolerations: replaced whole',
    ).not.toHaveProperty('x-kubernetes-patch-merge-key');
    expect(openApiSchema(fields.restartPolicy!).enum, 'PodSpec.restartPolicy').toEqual([
      'Always',
      'Never',
      'OnFailure',
    ]);
    expect(openApiSchema({ type: 'int-or-string', description: '' }), 'an int-or-string').toEqual({
      allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' }],
    });
    const inline: FieldSchema = {
      type: 'object',
      description: '',
      fields: { seconds: { type: 'integer', description: '' } },
      required: ['seconds'],
    };
    expect(openApiSchema(inline), 'an inline object').toEqual({
      type: 'object',
      properties: { seconds: { type: 'integer' } },
      required: ['seconds'],
    });
    expect(openApiSchema({ type: 'free-form', description: '' }), 'a free-form field').toEqual({
      type: 'object',
      'x-kubernetes-preserve-unknown-fields': true,
    });
  });

  test("components.schemas: every type a kind reaches, by Kubernetes' name; the kind's own says which kind", () => {
    const components = openApiComponents([`${APPS}Deployment`]) as Record<
      string,
      Record<string, unknown>
    >;
    for (const name of [
      `${APPS}Deployment`,
      `${APPS}DeploymentSpec`,
      `${APPS}DeploymentStrategy`,
      `${CORE}PodSpec`,
      `${CORE}Container`,
      `${META}ObjectMeta`,
      `${META}LabelSelector`,
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
      `${META}Time`,
    ]) {
      expect(components[name], `components.schemas["${name}"]`).toBeDefined();
    }
    expect(components[`${CORE}Service`], 'a type no Deployment reaches').toBeUndefined();
    const deployment = components[`${APPS}Deployment`]!;
    expect(
      deployment['x-kubernetes-group-version-kind'],
      'the Deployment type names its kind',
    ).toEqual([{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
    expect(deployment.type, 'a type is an object').toBe('object');
    expect(Object.keys(deployment.properties as object), 'with the fields of a Deployment').toEqual(
      ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
    );
    expect(components[`${APPS}DeploymentSpec`]!.required, 'what a DeploymentSpec needs').toEqual([
      'selector',
      'template',
    ]);
    expect(
      components[`${CORE}PodSpec`]!['x-kubernetes-group-version-kind'],
      'a PodSpec is no kind',
    ).toBeUndefined();
  });

  test('components: a type reached by many fields is written once; a name not described is left out', () => {
    const components = openApiComponents([
      `${CORE}Pod`,
      `${CORE}Pod`,
      'io.k8s.api.example.v1.Widget',
    ]);
    expect(
      components['io.k8s.api.example.v1.Widget'],
      'a name the description does not have',
    ).toBeUndefined();
    expect(
      (components[`${META}ObjectMeta`] as { description: string }).description,
      'ObjectMeta, reached from several fields, is there once',
    ).toBe(schemas[`${META}ObjectMeta`]!.description);
    expect(openApiComponents([]), 'no types at all').toEqual({});
  });

  test("/openapi/v3/apis/apps/v1 lists each kind's PATCH with its fieldValidation parameter", () => {
    const apps = openApiDocument(builtinResources, 'apps/v1') as {
      paths: Record<
        string,
        {
          patch: {
            parameters: Array<{ name: string }>;
            'x-kubernetes-group-version-kind': unknown;
          };
        }
      >;
    };
    const deployment = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    expect(
      deployment?.patch['x-kubernetes-group-version-kind'],
      "the deployment PATCH operation's kind",
    ).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' });
    expect(
      deployment?.patch.parameters.map((p) => p.name),
      'the parameters of the deployment PATCH operation',
    ).toEqual(['fieldValidation']);
    const core = openApiDocument(builtinResources, 'v1') as { paths: Record<string, unknown> };
    expect(
      Object.keys(core.paths),
      'the v1 document names nodes without a namespace, pods with one',
    ).toEqual(
      expect.arrayContaining([
        '/api/v1/nodes/{name}',
        '/api/v1/namespaces/{namespace}/pods/{name}',
      ]),
    );
    expect(
      openApiDocument(builtinResources, 'node.k8s.io/v1'),
      'openApiDocument for node.k8s.io/v1, which the server does not serve',
    ).toBeUndefined();
  });

  test("the document of a group version carries its kinds' schemas, and PATCH takes a strategic merge", () => {
    const core = openApiDocument(builtinResources, 'v1') as {
      paths: Record<string, { patch: { requestBody: { content: Record<string, unknown> } } }>;
      components: { schemas: Record<string, object> };
    };
    for (const kind of ['Pod', 'Node', 'Namespace', 'Service', 'ConfigMap', 'Event']) {
      expect(
        core.components.schemas[`${CORE}${kind}`],
        `the v1 document has the ${kind} type`,
      ).toBeDefined();
    }
    expect(
      core.components.schemas[`${APPS}Deployment`],
      'but not the types of apps/v1',
    ).toBeUndefined();
    const patch = core.paths['/api/v1/namespaces/{namespace}/pods/{name}']!.patch;
    expect(Object.keys(patch.requestBody.content).sort(), 'the bodies a pod PATCH takes').toEqual([
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
    ]);
  });

  test('/openapi/v2 is an empty Swagger 2.0 document, in protobuf', () => {
    const bytes = Buffer.from(openApiV2());
    const info = Buffer.concat([
      Buffer.from([0x0a, 10]),
      Buffer.from('Kubernetes'),
      Buffer.from([0x12, 12]),
      Buffer.from('v1.32.0+kata'),
    ]);
    expect(
      bytes.toString('hex'),
      'openApiV2(): swagger "2.0", then info with title and version',
    ).toBe(
      Buffer.concat([
        Buffer.from([0x0a, 3]),
        Buffer.from('2.0'),
        Buffer.from([0x12, info.length]),
        info,
      ]).toString('hex'),
    );
  });

  test('createDiscovery answers its paths and no others', () => {
    const discovery = createDiscovery();
    const context = { resources: builtinResources, serverAddress: 'here:1' };
    expect(discovery('/healthz', context), 'GET /healthz').toEqual({
      contentType: 'text/plain',
      body: 'ok',
    });
    expect(discovery('/api/v1/', context)?.body, 'GET /api/v1/ (trailing slash)').toEqual(
      apiResourceList(builtinResources, 'v1'),
    );
    expect(discovery('/openapi/v2', context), 'GET /openapi/v2: protobuf bytes').toEqual({
      contentType: OPENAPI_V2_PROTOBUF,
      body: openApiV2(),
    });
    for (const path of [
      '/api/v1/pods',
      '/apis/apps',
      '/apis/node.k8s.io/v1',
      '/openapi/v3/apis/node.k8s.io/v1',
      '/metrics',
      '/',
    ]) {
      expect(discovery(path, context), `GET ${path}`).toBeUndefined();
    }
  });

  test('over HTTP: /api, /apis, /api/v1, /apis/apps/v1 and /version are JSON', async () => {
    const api = await setup();
    for (const [path, kind] of [
      ['/api', 'APIVersions'],
      ['/apis', 'APIGroupList'],
      ['/api/v1', 'APIResourceList'],
      ['/apis/apps/v1', 'APIResourceList'],
    ]) {
      const response = await api.get(path!).set('host', '127.0.0.1:6443');
      expect(
        [response.status, response.headers['content-type'], response.body.kind],
        `GET ${path}`,
      ).toEqual([200, 'application/json; charset=utf-8', kind]);
    }
    const versions = await api.get('/api').set('host', '127.0.0.1:6443');
    expect(
      versions.body.serverAddressByClientCIDRs[0].serverAddress,
      'serverAddress (from the Host header)',
    ).toBe('127.0.0.1:6443');
    expect((await api.get('/version')).body.minor, 'GET /version').toBe('32');
  });

  test('over HTTP: /healthz, /livez and /readyz answer "ok"', async () => {
    const api = await setup();
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const response = await api.get(path);
      expect([response.status, response.text], `GET ${path}`).toEqual([200, 'ok']);
    }
  });

  test('resources are still served beside discovery', async () => {
    const api = await setup();
    const response = await api.get('/api/v1/namespaces/default');
    expect([response.status, response.body.kind], 'GET /api/v1/namespaces/default').toEqual([
      200,
      'Namespace',
    ]);
  });
});
