// Discovery: how a client learns what the server serves before it asks for anything.
//
// kubectl knows no resource by heart. For `kubectl get deploy` it reads the server's lists of API
// groups and resources, finds that "deploy" is a short name of deployments in apps/v1, which is
// namespaced, and only then builds /apis/apps/v1/namespaces/default/deployments. The same lists
// tell `kubectl scale` that deployments have a scale subresource, and `kubectl get all` which
// resources are in the "all" category. kubectl keeps them in ~/.kube/cache/discovery for hours.
//
//   /api                 APIVersions: the core group's versions, ["v1"]
//   /api/v1              APIResourceList: the core resources, with verbs and short names
//   /apis                APIGroupList: every other group and its versions
//   /apis/apps/v1        APIResourceList for apps/v1
//   /version             which Kubernetes this claims to be (kubectl warns on a big skew)
//   /healthz /livez /readyz   "ok", for load balancers and `kubectl get --raw /readyz`
//
// This is the "legacy" discovery format, as plain application/json; clients that ask for the
// newer aggregated format accept it too (fact sheet B3).
import type { Discovery } from '../../harness/api/machinery.ts';
import { apiVersionOf, type ResourceType } from '../../harness/api/resources.ts';
import { kindTypeName, META, schemas, type FieldSchema } from '../../harness/api/schemas.ts';

/**
 * The Content-Type of /openapi/v2 as protobuf. (kubectl asks for
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf, a name with an "@" that Go cannot
 * read back as a Content-Type, so the answer is plain bytes.)
 */
export const OPENAPI_V2_PROTOBUF = 'application/octet-stream';

/** The verbs every resource here takes; namespaces, as in Kubernetes, have no deletecollection. */
const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NAMESPACE_VERBS = VERBS.filter((verb) => verb !== 'deletecollection');

/**
 * What each subresource is, in discovery's terms: its verbs, and its kind, group and version when
 * they are not its resource's (a deployment's scale is an autoscaling/v1 Scale).
 */
export const subresourceDiscovery: Record<
  string,
  { kind?: string; group?: string; version?: string; verbs: string[] }
> = {
  status: { verbs: ['get', 'patch', 'update'] },
  scale: { kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
  binding: { kind: 'Binding', verbs: ['create'] },
  eviction: { kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
};

/** /api: the core group's versions, and where to reach the server. */
export function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

/** /apis: every group but the core one, each with its versions and the preferred one. */
export function apiGroupList(resources: ResourceType[]): object {
  const groups = new Map<string, string[]>();
  for (const { group, version } of resources) {
    if (group === '') continue;
    const versions = groups.get(group) ?? [];
    if (!versions.includes(version)) versions.push(version);
    groups.set(group, versions);
  }
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => {
      const all = versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions: all, preferredVersion: all[0] };
    }),
  };
}

/**
 * /api/v1 or /apis/<group>/<version>: the resources of one group version, each followed by its
 * subresources ("pods/status"), or undefined when no resource has that group version.
 */
export function apiResourceList(
  resources: ResourceType[],
  groupVersion: string,
): object | undefined {
  const inVersion = resources.filter((resource) => apiVersionOf(resource) === groupVersion);
  if (inVersion.length === 0) return undefined;
  const entries: object[] = [];
  for (const resource of inVersion) {
    entries.push({
      name: resource.resource,
      singularName: resource.singular,
      namespaced: resource.namespaced,
      kind: resource.kind,
      verbs: resource.resource === 'namespaces' ? NAMESPACE_VERBS : VERBS,
      ...(resource.shortNames.length > 0 ? { shortNames: resource.shortNames } : {}),
      ...(resource.categories.length > 0 ? { categories: resource.categories } : {}),
    });
    for (const name of resource.subresources) {
      const { kind, group, version, verbs } = subresourceDiscovery[name] ?? { verbs: ['get'] };
      entries.push({
        name: `${resource.resource}/${name}`,
        singularName: '',
        namespaced: resource.namespaced,
        ...(group !== undefined ? { group, version } : {}),
        kind: kind ?? resource.kind,
        verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources: entries };
}

/** /version: the Kubernetes version this server speaks for (1.32, as the fact sheet). */
export function versionInfo(): object {
  return {
    major: '1',
    minor: '32',
    gitVersion: 'v1.32.0+kata',
    gitCommit: 'kubekata',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'tsx',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

/**
 * /openapi/v3: the index of OpenAPI documents, one per group version. kubectl reads it before
 * `create -f` and `apply -f` (does the server check fields itself?), for `kubectl explain`, and
 * for how `apply` merges lists.
 */
export function openApiIndex(resources: ResourceType[]): object {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const resource of resources) {
    const prefix = resource.group === '' ? 'api' : 'apis';
    const key = `${prefix}/${apiVersionOf(resource)}`;
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}` };
  }
  return { paths };
}

/** Where the schemas of a document are, for a $ref. */
const REF = '#/components/schemas/';

/** The types Kubernetes names for its strings with a meaning, and what OpenAPI says of each. */
export const namedScalars: Record<string, { name: string; schema: object }> = {
  'int-or-string': {
    name: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    schema: { type: 'string', format: 'int-or-string', description: 'A number or a string.' },
  },
  quantity: {
    name: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
    schema: { type: 'string', description: 'An amount with a unit: "500m", "128Mi", "2".' },
  },
  time: {
    name: `${META}Time`,
    schema: { type: 'string', format: 'date-time', description: 'A time, RFC 3339, in seconds.' },
  },
  'micro-time': {
    name: `${META}MicroTime`,
    schema: { type: 'string', format: 'date-time', description: 'A time with microseconds.' },
  },
};

/**
 * One field of the description (harness/api/schemas.ts) as an OpenAPI v3 schema, the way
 * kube-apiserver writes it: a named type is `allOf: [{$ref}]`, a list has `items`, a map has
 * `additionalProperties`, free-form says `x-kubernetes-preserve-unknown-fields`, and the
 * strategic merge facts go in `x-kubernetes-patch-merge-key` and `x-kubernetes-patch-strategy`.
 */
export function openApiSchema(field: FieldSchema): Record<string, unknown> {
  const schema: Record<string, unknown> = {};
  if (field.description) schema.description = field.description;
  const named = namedScalars[field.type];
  if (named) {
    schema.allOf = [{ $ref: REF + named.name }];
  } else if (field.type === 'object' && field.ref) {
    schema.allOf = [{ $ref: REF + field.ref }];
    schema.default = {};
  } else if (field.type === 'object') {
    Object.assign(schema, objectSchema(field.fields ?? {}, field.required));
  } else if (field.type === 'array') {
    Object.assign(schema, { type: 'array', items: openApiSchema(field.items!) });
  } else if (field.type === 'map') {
    const values = field.values ?? { type: 'string', description: '' };
    Object.assign(schema, { type: 'object', additionalProperties: openApiSchema(values) });
  } else if (field.type === 'free-form') {
    Object.assign(schema, { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  } else {
    schema.type = field.type;
    if (field.format) schema.format = field.format;
  }
  if (field.enum) schema.enum = field.enum;
  if (field.patchMergeKey) schema['x-kubernetes-patch-merge-key'] = field.patchMergeKey;
  if (field.patchStrategy) schema['x-kubernetes-patch-strategy'] = field.patchStrategy;
  return schema;
}

/** An object's fields as `properties`, with `required` when some are. */
function objectSchema(fields: Record<string, FieldSchema>, required?: string[]): object {
  const properties: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) properties[name] = openApiSchema(field);
  return { type: 'object', properties, ...(required?.length ? { required } : {}) };
}

/**
 * `components.schemas` for a document about these kinds: each named type they reach, through
 * their fields, by its Kubernetes name, with `x-kubernetes-group-version-kind` on the kinds' own
 * types (where `kubectl explain` finds a kind), and the named strings the fields use.
 */
export function openApiComponents(typeNames: string[]): Record<string, object> {
  const components: Record<string, object> = {};
  const pending = [...typeNames];
  const reach = (field: FieldSchema) => {
    if (field.ref) pending.push(field.ref);
    const named = namedScalars[field.type];
    if (named) components[named.name] = named.schema;
    for (const inner of [field.items, field.values, ...Object.values(field.fields ?? {})]) {
      if (inner) reach(inner);
    }
  };
  while (pending.length > 0) {
    const name = pending.pop()!;
    const type = schemas[name];
    if (components[name] || !type) continue;
    const schema: Record<string, unknown> = {
      description: type.description,
      ...objectSchema(type.fields, type.required),
    };
    if (type.kind) schema['x-kubernetes-group-version-kind'] = [type.kind];
    components[name] = schema;
    Object.values(type.fields).forEach(reach);
  }
  return components;
}

/** The body types a PATCH takes: kubectl apply merges strategically when it finds the third. */
const PATCH_BODIES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

/**
 * /openapi/v3/api/v1 and /openapi/v3/apis/<group>/<version>: the OpenAPI document of one group
 * version, or undefined when nothing is served there. For each resource, the PATCH operation of
 * an object with its kind, its `fieldValidation` parameter (what kubectl's query-param verifier
 * looks for) and the patch bodies it takes; and in `components.schemas`, the kinds' types.
 */
export function openApiDocument(
  resources: ResourceType[],
  groupVersion: string,
): object | undefined {
  const inVersion = resources.filter((resource) => apiVersionOf(resource) === groupVersion);
  if (inVersion.length === 0) return undefined;
  const paths: Record<string, object> = {};
  const kinds: string[] = [];
  for (const resource of inVersion) {
    const base = resource.group === '' ? '/api/v1' : `/apis/${groupVersion}`;
    const scope = resource.namespaced ? '/namespaces/{namespace}' : '';
    const body = { schema: { $ref: `${REF}${META}Patch` } };
    paths[`${base}${scope}/${resource.resource}/{name}`] = {
      patch: {
        'x-kubernetes-group-version-kind': {
          group: resource.group,
          version: resource.version,
          kind: resource.kind,
        },
        parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string' } }],
        requestBody: { content: Object.fromEntries(PATCH_BODIES.map((type) => [type, body])) },
        responses: {},
      },
    };
    const typeName = kindTypeName(resource.group, resource.version, resource.kind);
    if (typeName) kinds.push(typeName);
  }
  const components = openApiComponents(kinds);
  components[`${META}Patch`] = { type: 'object', description: 'A patch, in one of the formats.' };
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0+kata' },
    paths,
    components: { schemas: components },
  };
}

/**
 * /openapi/v2: the older, single document, which kubectl reads as protobuf. This server
 * publishes its schemas in v3 only, so v2 is an empty Swagger 2.0 document (swagger "2.0" and
 * its title): kubectl, finding no schema there for a kind it does not know, leaves the kind to
 * the server, which answers `no matches for kind`, as a real cluster does.
 */
export function openApiV2(): Uint8Array {
  const text = (field: number, value: string) => {
    const bytes = Buffer.from(value);
    return Buffer.concat([Buffer.from([(field << 3) | 2, bytes.length]), bytes]);
  };
  const info = Buffer.concat([text(1, 'Kubernetes'), text(2, 'v1.32.0+kata')]);
  return Buffer.concat([text(1, '2.0'), Buffer.from([(2 << 3) | 2, info.length]), info]);
}

/** The discovery the API server is given: answers GETs on the paths above, and only those. */
export function createDiscovery(): Discovery {
  return (path, { resources, serverAddress }) => {
    const route = path.replace(/\/+$/, '') || '/';
    if (route === '/healthz' || route === '/livez' || route === '/readyz') {
      return { contentType: 'text/plain', body: 'ok' };
    }
    if (route === '/version') return { body: versionInfo() };
    if (route === '/api') return { body: apiVersions(serverAddress) };
    if (route === '/apis') return { body: apiGroupList(resources) };
    if (route === '/openapi/v3') return { body: openApiIndex(resources) };
    if (route === '/openapi/v2') return { contentType: OPENAPI_V2_PROTOBUF, body: openApiV2() };
    const openApi = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))$/.exec(route);
    if (openApi) {
      const document = openApiDocument(resources, openApi[1] ?? openApi[2]!);
      return document === undefined ? undefined : { body: document };
    }
    const groupVersion =
      /^\/api\/(v1)$/.exec(route)?.[1] ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(route)?.[1];
    const list = groupVersion === undefined ? undefined : apiResourceList(resources, groupVersion);
    return list === undefined ? undefined : { body: list };
  };
}
