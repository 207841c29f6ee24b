// CustomResourceDefinitions (apiextensions.k8s.io/v1): the objects that add a kind to the API at
// run time. A CRD names a group, its versions, the kind and its plural, and for each version a
// schema (OpenAPI v3, the "structural" subset), the columns `kubectl get` shows and the
// subresources (status, scale) its objects have. Chapter 17 reads these types; the API server
// serves the CRDs themselves and, once one is Established, the resource it defines.
import type { DefinitionServer } from '../contracts/apiextensions.ts';
import type { Discovery, Timers } from './machinery.ts';
import type { WatchSource } from './object-watch.ts';
import type { ResourceType } from './resources.ts';
import type { KubeObject } from './types.ts';

/**
 * A schema in the OpenAPI v3 subset Kubernetes takes for custom resources (JSONSchemaProps).
 * Only the fields this course checks are listed; a CRD may carry others, which are kept.
 */
export interface JSONSchemaProps {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  format?: string;
  properties?: Record<string, JSONSchemaProps>;
  /** A map: every value has this schema (not together with properties). */
  additionalProperties?: JSONSchemaProps | boolean;
  items?: JSONSchemaProps;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  /** Keep fields the schema does not name, here and below (no pruning). */
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  /** A number or a string (replicas: 3, or "50%"). */
  'x-kubernetes-int-or-string'?: boolean;
  /** Embedded object with apiVersion, kind and metadata. */
  'x-kubernetes-embedded-resource'?: boolean;
}

/** A column of `kubectl get` for one version (additionalPrinterColumns). */
export interface CustomResourceColumnDefinition {
  name: string;
  /** integer, number, string, boolean or date (shown as an age). */
  type: string;
  format?: string;
  description?: string;
  /** 0: always shown; more: only with `-o wide`. */
  priority?: number;
  /** A simple JSONPath into the object: ".spec.replicas". */
  jsonPath: string;
}

/** The scale subresource: where in the object the replica counts are. */
export interface CustomResourceSubresourceScale {
  specReplicasPath: string;
  statusReplicasPath: string;
  labelSelectorPath?: string;
}

export interface CustomResourceSubresources {
  /** Present (an empty object): writes to the main resource ignore status, and /status writes only it. */
  status?: Record<string, never>;
  scale?: CustomResourceSubresourceScale;
}

export interface CustomResourceDefinitionVersion {
  name: string;
  served: boolean;
  /** Exactly one version is the one objects are stored in. */
  storage: boolean;
  deprecated?: boolean;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: CustomResourceSubresources;
  additionalPrinterColumns?: CustomResourceColumnDefinition[];
}

export interface CustomResourceDefinitionNames {
  plural: string;
  singular?: string;
  kind: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

export interface CustomResourceDefinitionCondition {
  /** Established, NamesAccepted, Terminating. */
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface CustomResourceDefinition extends KubeObject {
  spec: {
    group: string;
    names: CustomResourceDefinitionNames;
    scope: 'Namespaced' | 'Cluster';
    versions: CustomResourceDefinitionVersion[];
    conversion?: { strategy: 'None' | 'Webhook' };
  };
  status?: {
    conditions?: CustomResourceDefinitionCondition[];
    acceptedNames?: CustomResourceDefinitionNames;
    storedVersions?: string[];
  };
}

/** The finalizer the server puts on every CRD: its objects go before it does. */
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** The CRDs themselves: cluster-scoped, with a status the server writes. */
export const definitionResource: ResourceType = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  resource: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  kind: 'CustomResourceDefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  subresources: ['status'],
  nameRule: 'subdomain',
};

/** How long a deleted CRD whose objects are still finalizing waits before it is looked at again. */
const CLEANUP_RETRY_MS = 1000;

/**
 * Follows the stored CRDs and hands each to the definition server, one at a time and in order:
 * every CRD found at start, then every change from the store's watch (a removed CRD to forget).
 * A sync that asks to be run again (objects still finalizing) runs again a second later. A watch
 * that ends (its start compacted away, the store gone) starts over from a new list, unless the
 * server is closing. Adds its stop to `stops`; resolves once the first list is served.
 */
export async function followDefinitions(
  source: WatchSource,
  definitions: DefinitionServer,
  timers: Timers,
  stops: Set<() => void>,
): Promise<void> {
  let stopped = false;
  let chain = Promise.resolve();
  const sync = (crd: CustomResourceDefinition) => {
    chain = chain
      .then(() => definitions.sync(crd))
      .then((again) => {
        if (again && !stopped) timers.setTimeout(() => sync(crd), CLEANUP_RETRY_MS);
      })
      .catch(() => {
        if (!stopped) timers.setTimeout(() => sync(crd), CLEANUP_RETRY_MS);
      });
    return chain;
  };
  const start = async (): Promise<void> => {
    const { items, revision } = await source.list(definitionResource);
    const watch = source.watch(definitionResource, undefined, revision, {
      onEvent: (event) => {
        const crd = event.object as CustomResourceDefinition;
        if (event.type === 'DELETED') chain = chain.then(() => definitions.forget(crd));
        else void sync(crd);
      },
      onEnd: () => {
        stops.delete(stop);
        if (!stopped) void start().catch(() => {});
      },
    });
    const stop = () => {
      stopped = true;
      watch.cancel();
    };
    stops.add(stop);
    for (const crd of items) await sync(crd as CustomResourceDefinition);
    await watch.created;
  };
  await start();
}

/**
 * The discovery, with each custom resource's schema in its group version's OpenAPI document, as
 * the type of its kind (with x-kubernetes-group-version-kind, where `kubectl explain` looks), and
 * apiVersion, kind and metadata added as kube-apiserver publishes them.
 */
export function withCustomSchemas(discovery: Discovery): Discovery {
  return (path, context) => {
    const found = discovery(path, context);
    const match = /^\/openapi\/v3\/apis\/([^/]+)\/([^/]+)\/?$/.exec(path);
    if (!found || !match) return found;
    const custom = context.resources.filter(
      (resource) => resource.group === match[1] && resource.version === match[2] && resource.custom,
    );
    if (custom.length === 0) return found;
    const document = structuredClone(found.body) as { components: { schemas: object } };
    for (const resource of custom) {
      const schema = resource.custom!.schema ?? { type: 'object' };
      const name = `${resource.group.split('.').reverse().join('.')}.${resource.version}.${resource.kind}`;
      (document.components.schemas as Record<string, object>)[name] = {
        ...schema,
        properties: {
          apiVersion: { type: 'string', description: 'The versioned schema of this object.' },
          kind: { type: 'string', description: 'The REST resource this object represents.' },
          metadata: { type: 'object', description: "The object's metadata." },
          ...schema.properties,
        },
        'x-kubernetes-group-version-kind': [
          { group: resource.group, version: resource.version, kind: resource.kind },
        ],
      };
    }
    return { ...found, body: document };
  };
}

/** Whether a value is a plain JSON object (not an array, not null). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The paths of the fields `before` has and `after` lacks, at every level, in the order met:
 * what pruning an object by its schema dropped ("spec.colour", "spec.items[0].size"). Defaults
 * only add fields, so comparing an object with its prepared copy finds exactly the pruned ones.
 */
export function prunedPaths(before: unknown, after: unknown, path = ''): string[] {
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return before.flatMap((item, index) => prunedPaths(item, after[index], `${path}[${index}]`));
  }
  if (!isPlainObject(before) || !isPlainObject(after)) return [];
  return Object.keys(before).flatMap((key) => {
    const at = path === '' ? key : `${path}.${key}`;
    return Object.hasOwn(after, key) ? prunedPaths(before[key], after[key], at) : [at];
  });
}

/** What reading one resource's stored objects adds to each (a custom resource's defaults). */
export type StoredObjectReader = (object: KubeObject) => KubeObject;

/** The reads of the API server's object storage (chapter 03a's ObjectStorage) readsThrough changes. */
export interface StorageReads {
  get(resource: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject>;
  list(resource: ResourceType, namespace?: string, page?: object): Promise<{ items: KubeObject[] }>;
  update(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    tryUpdate: (current: KubeObject) => KubeObject | Promise<KubeObject>,
    options?: object,
  ): Promise<KubeObject>;
  delete(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    preconditions?: object,
    options?: object,
  ): Promise<KubeObject>;
  watch: WatchSource['watch'];
}

/**
 * Changes a storage's reads, in place, so that every object it reads (get, list, the current
 * state an update and a delete see, watch events) goes through the reader `readerOf` gives its
 * resource, when it gives one: kube-apiserver defaults custom objects as it decodes them.
 */
export function readsThrough(
  storage: StorageReads,
  readerOf: (resource: ResourceType) => StoredObjectReader | undefined,
): void {
  const read = (resource: ResourceType) => readerOf(resource) ?? ((object: KubeObject) => object);
  const { get, list, update, delete: remove, watch } = storage;
  storage.get = async (resource, ...rest) =>
    read(resource)(await get.call(storage, resource, ...rest));
  storage.list = async (resource, ...rest) => {
    const page = await list.call(storage, resource, ...rest);
    return { ...page, items: page.items.map(read(resource)) };
  };
  storage.update = (resource, namespace, name, tryUpdate, options) =>
    update.call(
      storage,
      resource,
      namespace,
      name,
      (current) => tryUpdate(read(resource)(current)),
      options,
    );
  storage.delete = async (resource, ...rest) =>
    read(resource)(await remove.call(storage, resource, ...rest));
  storage.watch = (resource, namespace, afterRevision, handlers, selected) =>
    watch.call(
      storage,
      resource,
      namespace,
      afterRevision,
      {
        ...handlers,
        onEvent: (event) => handlers.onEvent({ ...event, object: read(resource)(event.object) }),
      },
      selected,
    );
}
