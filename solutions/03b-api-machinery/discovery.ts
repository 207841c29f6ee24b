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
 * `create -f` and `apply -f` to learn whether the server checks fields itself (then kubectl does
 * not need the full schemas). Without it, those commands need --validate=false.
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

/**
 * /openapi/v3/api/v1 and /openapi/v3/apis/<group>/<version>: a minimal OpenAPI document that
 * lists, for each kind, the PATCH operation and its `fieldValidation` parameter: what kubectl looks
 * for (cli-runtime query_param_verifier_v3.go). Schemas are left out: the server validates.
 */
export function openApiDocument(
  resources: ResourceType[],
  groupVersion: string,
): object | undefined {
  const inVersion = resources.filter((resource) => apiVersionOf(resource) === groupVersion);
  if (inVersion.length === 0) return undefined;
  const paths: Record<string, object> = {};
  for (const resource of inVersion) {
    const base = resource.group === '' ? '/api/v1' : `/apis/${groupVersion}`;
    const scope = resource.namespaced ? '/namespaces/{namespace}' : '';
    paths[`${base}${scope}/${resource.resource}/{name}`] = {
      patch: {
        'x-kubernetes-group-version-kind': {
          group: resource.group,
          version: resource.version,
          kind: resource.kind,
        },
        parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string' } }],
        responses: {},
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0+kata' },
    paths,
  };
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
