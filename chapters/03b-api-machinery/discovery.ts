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
import type { ResourceType } from '../../harness/api/resources.ts';
import { META, type FieldSchema } from '../../harness/api/schemas.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Discovery';

/**
 * The Content-Type of /openapi/v2 as protobuf. (kubectl asks for
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf, a name with an "@" that Go cannot
 * read back as a Content-Type, so the answer is plain bytes.)
 */
export const OPENAPI_V2_PROTOBUF = 'application/octet-stream';

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

/**
 * /api: { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR:
 * "0.0.0.0/0", serverAddress }] }.
 */
export function apiVersions(serverAddress: string): object {
  throw new NotImplemented('apiVersions', section);
}

/**
 * /apis: { kind: "APIGroupList", apiVersion: "v1", groups }: every group but the core one (""),
 * in the order the resources list them, each { name, versions: [{ groupVersion, version }],
 * preferredVersion: the first of them }.
 */
export function apiGroupList(resources: ResourceType[]): object {
  throw new NotImplemented('apiGroupList', section);
}

/**
 * /api/v1 or /apis/<group>/<version>: { kind: "APIResourceList", apiVersion: "v1", groupVersion,
 * resources }, or undefined when no resource has that group version (apiVersionOf in
 * harness/api/resources.ts). Each resource, in order, is { name, singularName, namespaced, kind,
 * verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
 * (namespaces: the same without deletecollection), shortNames and
 * categories (left out when empty) }, followed by one entry per subresource { name:
 * "<resource>/<subresource>", singularName: "", namespaced, group and version (only when
 * subresourceDiscovery gives them), kind (subresourceDiscovery's, or the resource's), verbs }.
 */
export function apiResourceList(
  resources: ResourceType[],
  groupVersion: string,
): object | undefined {
  throw new NotImplemented('apiResourceList', section);
}

/**
 * /version: { major: "1", minor: "32", gitVersion: "v1.32.0+kata", gitCommit, gitTreeState,
 * buildDate, goVersion, compiler, platform } (the last five as you like).
 */
export function versionInfo(): object {
  throw new NotImplemented('versionInfo', section);
}

/**
 * /openapi/v3: { paths: { "api/v1": { serverRelativeURL: "/openapi/v3/api/v1" },
 * "apis/apps/v1": { serverRelativeURL: "/openapi/v3/apis/apps/v1" }, ... } }, one per group
 * version. kubectl reads it before `create -f` and `apply -f` (does the server check fields
 * itself?), for `kubectl explain`, and for how `apply` merges lists.
 */
export function openApiIndex(resources: ResourceType[]): object {
  throw new NotImplemented('openApiIndex', section);
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
 * kube-apiserver writes it. `description` when the field has one (not when it is ""), then by
 * type:
 * - int-or-string, quantity, time, micro-time: allOf: [{ $ref: REF + namedScalars[type].name }];
 * - an object of a named type: allOf: [{ $ref: REF + field.ref }], default: {};
 * - an inline object: type "object", properties (each field's openApiSchema), and required
 *   when the field lists some;
 * - array: type "array", items (openApiSchema of field.items);
 * - map: type "object", additionalProperties (openApiSchema of field.values, or of a string);
 * - free-form: type "object", "x-kubernetes-preserve-unknown-fields": true;
 * - string, integer, number, boolean: type, and format when the field has one.
 * Then enum, "x-kubernetes-patch-merge-key" (patchMergeKey) and "x-kubernetes-patch-strategy"
 * (patchStrategy) when the field has them.
 */
export function openApiSchema(field: FieldSchema): Record<string, unknown> {
  throw new NotImplemented('openApiSchema', section);
}

/**
 * `components.schemas` for a document about the types named (the kinds' own): each named type
 * they reach through their fields (ref, items, values, inline fields), by its full name, as
 * { description, type: "object", properties, required (when some are) }, with
 * "x-kubernetes-group-version-kind": [type.kind] on the types of kinds; and, for each named
 * string a field uses, namedScalars' schema under its name.
 */
export function openApiComponents(typeNames: string[]): Record<string, object> {
  throw new NotImplemented('openApiComponents', section);
}

/**
 * /openapi/v3/api/v1 and /openapi/v3/apis/<group>/<version>: { openapi: "3.0.0", info: { title,
 * version }, paths, components: { schemas } }, or undefined for a group version with no
 * resources. For each resource, the path of one object (/api/v1/namespaces/{namespace}/pods/
 * {name}; no namespaces/{namespace} for a cluster-scoped one) has a `patch` operation with
 * "x-kubernetes-group-version-kind": { group, version, kind }, parameters [{ name:
 * "fieldValidation", in: "query", schema: { type: "string" } }] (what kubectl's
 * query_param_verifier_v3.go looks for), requestBody: { content: { <each patch Content-Type>:
 * { schema: { $ref: REF + META + "Patch" } } } } (kubectl apply merges strategically when it
 * finds application/strategic-merge-patch+json) and responses: {}. components.schemas is
 * openApiComponents of the kinds' types (kindTypeName), plus META + "Patch": { type: "object" }.
 */
export function openApiDocument(
  resources: ResourceType[],
  groupVersion: string,
): object | undefined {
  throw new NotImplemented('openApiDocument', section);
}

/**
 * /openapi/v2: the older single document, which kubectl reads as protobuf. The schemas are in
 * v3, so this is an empty Swagger 2.0 document as protobuf bytes: field 1 (swagger) "2.0" and
 * field 2 (info), a message of field 1 (title) "Kubernetes" and field 2 (version)
 * "v1.32.0+kata"; each a length-delimited field: one byte (field << 3 | 2), one byte of length,
 * the bytes. Finding no schema there for a kind it does not know, kubectl leaves the kind to the
 * server, which answers `no matches for kind`.
 */
export function openApiV2(): Uint8Array {
  throw new NotImplemented('openApiV2', section);
}

/**
 * The discovery the API server is given: for a GET path (one trailing slash is fine), the answer
 * { body } for the documents above ({ contentType: OPENAPI_V2_PROTOBUF, body: openApiV2() } for
 * /openapi/v2), { contentType: "text/plain", body: "ok" } for /healthz,
 * /livez and /readyz, and undefined for anything else (a path it does not know, or a group version
 * with no resources), so the server goes on to resources or answers 404.
 */
export function createDiscovery(): Discovery {
  throw new NotImplemented('createDiscovery', section);
}
