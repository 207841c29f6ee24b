// The Secrets, ConfigMaps, claims and volumes a kubelet may read. Under the Node authorizer
// (chapter 11b) a kubelet may get only the Secrets, ConfigMaps and PersistentVolumeClaims its own
// pods use, and the PersistentVolumes bound to those claims, and may list or watch none: a node
// taken over must not read the cluster's Secrets. Chapter 10a's pod configuration keeps informers
// on both resources, which list and watch every one; so when the API server refuses this kubelet
// that list, the kubelet gives chapter 10a instead a cache of the objects its pods use, each read
// with a GET when a pod naming it arrives and read again every few seconds, as the real kubelet's
// "Cache" change-detection strategy does (configMapAndSecretChangeDetectionStrategy). Chapter 10a
// sees an informer like any other, with add, update and delete events; so does chapter 13c's
// claim mounting, whose volumes are those bound to the claims in the claims' cache.
import type { KubeObject, Pod } from '../api/types.ts';
import { isForbidden, isNotFound } from '../client/errors.ts';
import type {
  ApiClient,
  EventHandlers,
  Informer,
  ResourceClient,
  Toolkit,
} from '../client/types.ts';

/** The resources a node reads one object at a time. */
const nodeScoped = [
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'persistentvolumes',
] as const;
type NodeScoped = (typeof nodeScoped)[number];

/** The keys of the objects a pod uses: "<namespace>/<name>", or "<name>" for a volume. */
type Uses = (pod: Pod) => string[];

/** How often each object in use is read again. */
export const refreshMs = 2_000;

/** The names of the Secrets or ConfigMaps a pod uses: its volumes, projections and env. */
export function podReferences(pod: Pod, resource: 'secrets' | 'configmaps'): string[] {
  const names = new Set<string>();
  const secrets = resource === 'secrets';
  const add = (name: string | undefined) => name && names.add(name);
  for (const volume of pod.spec?.volumes ?? []) {
    add(secrets ? volume.secret?.secretName : volume.configMap?.name);
    for (const source of volume.projected?.sources ?? [])
      add(secrets ? source.secret?.name : source.configMap?.name);
  }
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const container of containers) {
    for (const variable of container.env ?? []) {
      const from = variable.valueFrom;
      add(secrets ? from?.secretKeyRef?.name : from?.configMapKeyRef?.name);
    }
    for (const source of container.envFrom ?? [])
      add(secrets ? source.secretRef?.name : source.configMapRef?.name);
  }
  return [...names];
}

/** An informer of the objects of one resource that this node's pods use. */
class NodeObjectCache<T extends KubeObject> implements Informer<T> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: EventHandlers<T>[] = [];
  /** The objects each pod uses (key: the pod's key). */
  private readonly usedBy = new Map<string, string[]>();
  private synced: Promise<void> | undefined;
  private resourceVersion = '';

  private readonly client: ApiClient;
  private readonly resource: NodeScoped;
  private readonly pods: Informer<Pod>;
  /** Runs the pods' informer, shared by every cache, once. */
  private readonly runPods: (signal: AbortSignal) => void;
  private readonly uses: Uses;

  constructor(
    client: ApiClient,
    resource: NodeScoped,
    pods: Informer<Pod>,
    runPods: (signal: AbortSignal) => void,
    uses: Uses,
  ) {
    this.client = client;
    this.resource = resource;
    this.pods = pods;
    this.runPods = runPods;
    this.uses = uses;
  }

  addEventHandlers(handlers: EventHandlers<T>): void {
    this.handlers.push(handlers);
  }

  /** Notes what a pod uses; returns it. */
  private noteUses(pod: Pod): string[] {
    const { namespace, name } = pod.metadata;
    const used = this.uses(pod);
    this.usedBy.set(`${namespace}/${name}`, used);
    return used;
  }

  run(signal: AbortSignal): void {
    const podChanged = (pod: Pod) => {
      const used = this.noteUses(pod);
      void Promise.all(used.filter((one) => !this.cache.has(one)).map((one) => this.read(one)));
    };
    this.pods.addEventHandlers({
      add: podChanged,
      update: (_, pod) => podChanged(pod),
      delete: (pod) => {
        this.usedBy.delete(`${pod.metadata.namespace}/${pod.metadata.name}`);
        this.forgetUnused();
      },
    });
    this.runPods(signal);
    // No abort listeners of its own: the kubelet's signal has many already (Node warns past ten).
    this.synced = this.pods.waitForSync().then(() => this.refresh());
    const timer = setInterval(() => {
      if (signal.aborted) clearInterval(timer);
      else void this.refresh();
    }, refreshMs);
    timer.unref();
  }

  /** Every object the node's pods use (as the pods' cache has them now), read again. */
  private async refresh(): Promise<void> {
    this.usedBy.clear();
    for (const pod of this.pods.list()) this.noteUses(pod);
    const used = new Set([...this.usedBy.values()].flat());
    await Promise.all([...used].map((key) => this.read(key)));
    this.forgetUnused();
  }

  /** Reads one object and tells the handlers what changed; gone or refused is absent. */
  private async read(key: string): Promise<void> {
    const [namespace, name] = key.includes('/') ? key.split('/') : [undefined, key];
    let object: T | undefined;
    try {
      object = await this.client.resource<T>(this.resource, namespace).get(name!);
    } catch (error) {
      // Refused: the authorizer has not yet seen the pod that uses it; the next refresh asks again.
      if (!isNotFound(error) && !isForbidden(error)) return;
    }
    const before = this.cache.get(key);
    if (object) {
      this.resourceVersion = object.metadata.resourceVersion ?? this.resourceVersion;
      if (before?.metadata.resourceVersion === object.metadata.resourceVersion) return;
      this.cache.set(key, object);
      for (const handler of this.handlers)
        before ? handler.update?.(before, object) : handler.add?.(object);
    } else if (before) {
      this.cache.delete(key);
      for (const handler of this.handlers) handler.delete?.(before);
    }
  }

  /** Drops the objects no pod uses any more. */
  private forgetUnused(): void {
    const used = new Set([...this.usedBy.values()].flat());
    for (const [key, object] of this.cache) {
      if (used.has(key)) continue;
      this.cache.delete(key);
      for (const handler of this.handlers) handler.delete?.(object);
    }
  }

  hasSynced(): boolean {
    return this.pods.hasSynced();
  }

  async waitForSync(signal?: AbortSignal): Promise<void> {
    await this.pods.waitForSync(signal);
    await this.synced;
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(): T[] {
    return [...this.cache.values()];
  }

  byIndex(index: string, value: string): T[] {
    if (index !== 'namespace') return [];
    return this.list().filter((object) => object.metadata.namespace === value);
  }

  lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }
}

/** Whether the API server refuses this client a list of every Secret (the Node authorizer). */
export async function mayNotListSecrets(client: ApiClient): Promise<boolean> {
  try {
    await client.resource('secrets').list({ limit: 1 });
    return false;
  } catch (error) {
    return isForbidden(error);
  }
}

/** The claims a pod mounts, as "<namespace>/<claim>". */
function podClaims(pod: Pod): string[] {
  const claims = (pod.spec?.volumes ?? []).map((volume) => volume.persistentVolumeClaim?.claimName);
  return claims.filter((claim) => claim).map((claim) => `${pod.metadata.namespace}/${claim}`);
}

/**
 * The client and toolkit chapters 10a and 13c are given on a node that may not list Secrets: the
 * same, except that an informer of every Secret, ConfigMap, claim or volume is a NodeObjectCache.
 */
export function nodeScopedAccess(
  client: ApiClient,
  toolkit: Toolkit,
  nodeName: string,
): { client: ApiClient; toolkit: Toolkit } {
  const pods = toolkit.createInformer(client.resource<Pod>('pods'), {
    fieldSelector: `spec.nodeName=${nodeName}`,
  });
  let podsRunning = false;
  const runPods = (signal: AbortSignal) => {
    if (!podsRunning) pods.run(signal);
    podsRunning = true;
  };
  const caches = new Map<ResourceClient, Informer>();
  // The volumes a pod uses are those bound to its claims, as the claims' cache has them.
  const claims = new NodeObjectCache<KubeObject>(
    client,
    'persistentvolumeclaims',
    pods,
    runPods,
    podClaims,
  );
  const uses: Record<NodeScoped, Uses> = {
    secrets: (pod) =>
      podReferences(pod, 'secrets').map((name) => `${pod.metadata.namespace}/${name}`),
    configmaps: (pod) =>
      podReferences(pod, 'configmaps').map((name) => `${pod.metadata.namespace}/${name}`),
    persistentvolumeclaims: podClaims,
    persistentvolumes: (pod) =>
      podClaims(pod)
        .map((key) => (claims.get(key)?.spec as { volumeName?: string } | undefined)?.volumeName)
        .filter((volume): volume is string => Boolean(volume)),
  };
  const scopedClient: ApiClient = Object.assign(Object.create(client) as ApiClient, {
    resource<T extends KubeObject>(resource: string, namespace?: string): ResourceClient<T> {
      const resourceClient = client.resource<T>(resource, namespace);
      if (!namespace && (nodeScoped as readonly string[]).includes(resource)) {
        const scoped = resource as NodeScoped;
        const cache =
          scoped === 'persistentvolumeclaims'
            ? claims
            : new NodeObjectCache(client, scoped, pods, runPods, uses[scoped]);
        caches.set(resourceClient as ResourceClient, cache);
      }
      return resourceClient;
    },
  });
  const scopedToolkit: Toolkit = Object.assign(Object.create(toolkit) as Toolkit, {
    createInformer<T extends KubeObject>(resourceClient: ResourceClient<T>, options?: object) {
      const cache = caches.get(resourceClient as ResourceClient) as Informer<T> | undefined;
      return cache ?? toolkit.createInformer(resourceClient, options);
    },
  });
  return { client: scopedClient, toolkit: scopedToolkit };
}
