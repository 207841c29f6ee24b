// Finding a kind by discovery: which resource serves objects of an apiVersion and a kind the
// client was not built with (a custom resource, chapter 17). The garbage collector needs it for
// owners of such kinds, as kube's garbage collector finds them through its REST mapper.
import type { ResourceType } from '../api/resources.ts';
import type { ClientConfig } from './types.ts';

interface DiscoveredResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  shortNames?: string[];
}

/**
 * A resolver for the API server at `config`: GET /api/v1 or /apis/<group>/<version>, and the
 * resource (not a subresource) of that kind; undefined when the server serves none.
 */
export function kindResolver(
  config: ClientConfig,
): (apiVersion: string, kind: string) => Promise<ResourceType | undefined> {
  return async (apiVersion, kind) => {
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (config.token) headers.authorization = `Bearer ${config.token}`;
    const response = await fetch(config.server.replace(/\/+$/, '') + path, { headers });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`discovery of ${apiVersion}: ${response.status}`);
    const list = (await response.json()) as { resources?: DiscoveredResource[] };
    const found = list.resources?.find((each) => each.kind === kind && !each.name.includes('/'));
    if (!found) return undefined;
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    return {
      group: group!,
      version: version!,
      resource: found.name,
      singular: found.singularName || kind.toLowerCase(),
      kind,
      namespaced: found.namespaced,
      shortNames: found.shortNames ?? [],
      categories: [],
      subresources: [],
      nameRule: 'subdomain',
    };
  };
}
