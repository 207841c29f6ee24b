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
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Discovery';

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
 * version. kubectl reads it before `create -f` and `apply -f` to learn whether the server checks
 * fields itself (then kubectl does not need the full schemas). Without it, those commands need
 * --validate=false.
 */
export function openApiIndex(resources: ResourceType[]): object {
  throw new NotImplemented('openApiIndex', section);
}

/**
 * /openapi/v3/api/v1 and /openapi/v3/apis/<group>/<version>: { openapi: "3.0.0", info: { title,
 * version }, paths }, or undefined for a group version with no resources. For each resource, the
 * path of one object (/api/v1/namespaces/{namespace}/pods/{name}; no namespaces/{namespace} for a
 * cluster-scoped one) has a `patch` operation with "x-kubernetes-group-version-kind": { group,
 * version, kind } and parameters [{ name: "fieldValidation", in: "query", schema: { type:
 * "string" } }]: what kubectl looks for (cli-runtime query_param_verifier_v3.go).
 */
export function openApiDocument(
  resources: ResourceType[],
  groupVersion: string,
): object | undefined {
  throw new NotImplemented('openApiDocument', section);
}

/**
 * The discovery the API server is given: for a GET path (one trailing slash is fine), the answer
 * { body } for the documents above, { contentType: "text/plain", body: "ok" } for /healthz,
 * /livez and /readyz, and undefined for anything else (a path it does not know, or a group version
 * with no resources), so the server goes on to resources or answers 404.
 */
export function createDiscovery(): Discovery {
  throw new NotImplemented('createDiscovery', section);
}
