// ResourceQuota: a namespace's hard limits, on how many objects it holds (pods: 10,
// count/deployments.apps: 5) and on what its pods ask for (requests.cpu: 4, limits.memory: 8Gi).
// The ResourceQuota admission plugin checks every create against each quota of the namespace and
// charges it in the quota's status.used before the object is stored, so two creates racing for
// the last slot cannot both pass: the charge is a compare-and-swap on the quota's
// resourceVersion, and one of them sees the other's. The quota controller fills a new quota's
// status.used by counting the namespace's objects, and gives back what each deleted object used. (kube-apiserver: plugin/pkg/admission/resourcequota; the
// controller: pkg/controller/resourcequota, run here beside the API server.)
import { ApiError } from '../../harness/api/errors.ts';
import { milliCpu, quantityValue } from '../../harness/api/quantity.ts';
import type { ResourceType } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type {
  AdmissionStore,
  ExternalAdmissionPlugin,
  ObjectFeed,
} from '../../harness/contracts/security.ts';

/** Amounts by quota resource name ("pods", "requests.cpu"): cpu in millicores, memory in bytes. */
export type Usage = Record<string, number>;

/** The resources whose quota also has a plain name besides count/<resource>. */
const LEGACY_COUNTS = [
  'pods',
  'services',
  'configmaps',
  'secrets',
  'replicationcontrollers',
  'resourcequotas',
  'persistentvolumeclaims',
];

/** "count/deployments.apps": the object-count name of a resource. */
export function countName(resource: ResourceType): string {
  return resource.group
    ? `count/${resource.resource}.${resource.group}`
    : `count/${resource.resource}`;
}

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

/** A container's requests and limits of cpu and memory, summed into `usage`. */
function addContainer(usage: Usage, resources: Resources | undefined): void {
  for (const kind of ['requests', 'limits'] as const) {
    const amounts = resources?.[kind] ?? {};
    if (amounts.cpu !== undefined)
      usage[`${kind}.cpu`] = (usage[`${kind}.cpu`] ?? 0) + milliCpu(amounts.cpu);
    if (amounts.memory !== undefined) {
      usage[`${kind}.memory`] = (usage[`${kind}.memory`] ?? 0) + quantityValue(amounts.memory);
    }
  }
}

/**
 * What one object costs a quota: one of its count, and for a pod that is not finished, its
 * containers' requests and limits (also under the short names cpu and memory for requests).
 */
export function usageOf(resource: ResourceType, object: KubeObject): Usage {
  const usage: Usage = { [countName(resource)]: 1 };
  if (resource.group === '' && LEGACY_COUNTS.includes(resource.resource))
    usage[resource.resource] = 1;
  if (resource.group === '' && resource.resource === 'pods') {
    const phase = (object.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return {};
    const containers = (object.spec as { containers?: { resources?: Resources }[] } | undefined)
      ?.containers;
    for (const container of containers ?? []) addContainer(usage, container.resources);
    if (usage['requests.cpu'] !== undefined) usage.cpu = usage['requests.cpu'];
    if (usage['requests.memory'] !== undefined) usage.memory = usage['requests.memory'];
  }
  return usage;
}

/** A hard limit or a used amount as a number, in usageOf's units. */
export function parseAmount(name: string, text: string): number {
  return name.endsWith('cpu') ? milliCpu(text) : quantityValue(text);
}

/** An amount as a quantity string: cpu as "2" or "500m", memory in the largest exact Ki/Mi/Gi. */
export function formatAmount(name: string, amount: number): string {
  if (name.endsWith('cpu')) return amount % 1000 === 0 ? `${amount / 1000}` : `${amount}m`;
  if (name.endsWith('memory') || name.endsWith('storage')) {
    for (const [suffix, size] of [
      ['Gi', 2 ** 30],
      ['Mi', 2 ** 20],
      ['Ki', 2 ** 10],
    ] as const) {
      if (amount > 0 && amount % size === 0) return `${amount / size}${suffix}`;
    }
  }
  return `${amount}`;
}

/** "a=1,b=2", sorted by name, as kube prints usage in its refusals. */
function printUsage(usage: Usage): string {
  return Object.keys(usage)
    .sort()
    .map((name) => `${name}=${formatAmount(name, usage[name]!)}`)
    .join(',');
}

/**
 * The 403 for a create one quota does not allow, in kube's words:
 *   pods "web-3" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2
 */
export function exceededQuota(
  resource: ResourceType,
  name: string | undefined,
  quota: string,
  requested: Usage,
  used: Usage,
  limited: Usage,
): ApiError {
  const what = `${resource.group ? `${resource.resource}.${resource.group}` : resource.resource}${name ? ` "${name}"` : ''}`;
  return new ApiError(
    403,
    'Forbidden',
    `${what} is forbidden: exceeded quota: ${quota}, requested: ${printUsage(requested)}, used: ${printUsage(used)}, limited: ${printUsage(limited)}`,
    { name, kind: resource.resource, ...(resource.group ? { group: resource.group } : {}) },
  );
}

/** A quota's hard limits as numbers. */
export function hardOf(quota: KubeObject): Usage {
  const hard = (quota.spec as { hard?: Record<string, string> } | undefined)?.hard ?? {};
  return Object.fromEntries(
    Object.entries(hard).map(([name, text]) => [name, parseAmount(name, text)]),
  );
}

/** The resource whose objects a quota name counts: pods for requests.cpu, the resource of count/x. */
export function resourceNameOf(name: string): string {
  if (/^(requests\.|limits\.)?(cpu|memory)$/.test(name)) return 'pods';
  if (name.startsWith('count/')) {
    const [resource, ...group] = name.slice('count/'.length).split('.');
    return group.length ? `${group.join('.')}/${resource}` : resource!;
  }
  return name;
}

/** What a namespace uses of each of `names`, counted from its objects. */
export async function countUsage(
  store: AdmissionStore,
  namespace: string,
  names: string[],
): Promise<Usage> {
  const used: Usage = Object.fromEntries(names.map((name) => [name, 0]));
  const byResource = new Map<string, string[]>();
  for (const name of names)
    byResource.set(resourceNameOf(name), [...(byResource.get(resourceNameOf(name)) ?? []), name]);
  for (const [resourceName, counted] of byResource) {
    const resource = store.resourceOf(resourceName);
    if (!resource) continue;
    for (const object of await store.list(resource, namespace)) {
      const usage = usageOf(resource, object);
      for (const name of counted) used[name]! += usage[name] ?? 0;
    }
  }
  return used;
}

/** status.used as numbers, with any name it lacks counted from the objects. */
async function usedOf(store: AdmissionStore, quota: KubeObject, names: string[]): Promise<Usage> {
  const status = (quota.status as { used?: Record<string, string> } | undefined)?.used ?? {};
  const missing = names.filter((name) => status[name] === undefined);
  const counted = missing.length ? await countUsage(store, quota.metadata.namespace!, missing) : {};
  return Object.fromEntries(
    names.map((name) => [
      name,
      status[name] !== undefined ? parseAmount(name, status[name]) : counted[name]!,
    ]),
  );
}

/** A quota with status.hard and status.used written out as quantities. */
export function withStatus(quota: KubeObject, used: Usage): KubeObject {
  const hard = (quota.spec as { hard?: Record<string, string> }).hard ?? {};
  const printed = Object.fromEntries(
    Object.entries(used).map(([name, amount]) => [name, formatAmount(name, amount)]),
  );
  return { ...quota, status: { hard, used: printed } };
}

/** Runs `work` for a namespace only after the namespace's earlier work has settled. */
export class NamespaceLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(namespace: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(namespace) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(work);
    this.tails.set(namespace, next);
    void next
      .finally(() => this.tails.get(namespace) === next && this.tails.delete(namespace))
      .catch(() => {});
    return next;
  }
}

/**
 * Checks a create against each quota of its namespace that limits something it uses, and charges
 * them all; refuses with the first quota it would exceed. A quota changed meanwhile (409) is read
 * again and the check repeated.
 */
export async function chargeQuotas(
  store: AdmissionStore,
  resource: ResourceType,
  object: KubeObject,
): Promise<void> {
  const requested = usageOf(resource, object);
  const quotas = store.resourceOf('resourcequotas')!;
  for (let attempt = 1; ; attempt++) {
    const charges: KubeObject[] = [];
    for (const quota of await store.list(quotas, object.metadata.namespace)) {
      const hard = hardOf(quota);
      const names = Object.keys(hard).filter((name) => requested[name] !== undefined);
      if (names.length === 0) continue;
      const used = await usedOf(store, quota, Object.keys(hard));
      const over = names.filter((name) => used[name]! + requested[name]! > hard[name]!);
      if (over.length > 0) {
        const pick = (usage: Usage) => Object.fromEntries(over.map((name) => [name, usage[name]!]));
        throw exceededQuota(
          resource,
          object.metadata.name,
          quota.metadata.name!,
          pick(requested),
          pick(used),
          pick(hard),
        );
      }
      for (const name of names) used[name]! += requested[name]!;
      charges.push(withStatus(quota, used));
    }
    try {
      for (const charge of charges) await store.update(quotas, charge);
      return;
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 409) || attempt >= 10) throw error;
    }
  }
}

/** The resources whose deletes give quota back. */
const RELEASED = [
  'pods',
  'services',
  'configmaps',
  'secrets',
  'replicationcontrollers',
  'persistentvolumeclaims',
];

/**
 * ResourceQuota, both halves sharing one lock per namespace: the admission plugin charges
 * creates, and the quota controller fills a new quota's status and gives back what a deleted
 * object used. Under the same lock, a charge and a release never overwrite each other.
 */
export class ResourceQuotas {
  private readonly locks = new NamespaceLocks();
  private store?: AdmissionStore;

  /** The admission plugin: creates are charged one namespace at a time. */
  readonly admission: ExternalAdmissionPlugin = {
    name: 'ResourceQuota',
    admit: async (request, store) => {
      if (
        request.operation !== 'CREATE' ||
        !request.namespace ||
        !request.object ||
        request.subresource
      )
        return;
      const { resource, object } = request;
      await this.locks.run(request.namespace, () => chargeQuotas(store, resource, object));
    },
  };

  /** The controller: follows quotas (to fill their status) and deletes (to release). */
  async start(feed: ObjectFeed, store: AdmissionStore): Promise<void> {
    this.store = store;
    await feed.follow('resourcequotas', (event) => {
      if (event.type !== 'DELETED') void this.fillStatus(event.object).catch(() => {});
    });
    for (const name of RELEASED.filter((each) => store.resourceOf(each))) {
      await feed.follow(name, (event) => {
        if (event.type === 'DELETED')
          void this.release(store.resourceOf(name)!, event.object).catch(() => {});
      });
    }
  }

  /** Writes status.hard and status.used of a quota that lacks them (or whose hard changed). */
  fillStatus(quota: KubeObject): Promise<void> {
    const store = this.store!;
    return this.locks.run(quota.metadata.namespace!, async () => {
      const quotas = store.resourceOf('resourcequotas')!;
      const current = await store.get(quotas, quota.metadata.namespace, quota.metadata.name!);
      const hard = (current.spec as { hard?: Record<string, string> }).hard ?? {};
      const status = current.status as { hard?: Record<string, string> } | undefined;
      if (JSON.stringify(status?.hard) === JSON.stringify(hard)) return;
      await store.update(
        quotas,
        withStatus(current, await usedOf(store, current, Object.keys(hard))),
      );
    });
  }

  /** Gives back to every quota of its namespace what a deleted object used. */
  release(resource: ResourceType, object: KubeObject): Promise<void> {
    const store = this.store!;
    const namespace = object.metadata.namespace!;
    const usage = usageOf(resource, object);
    return this.locks.run(namespace, async () => {
      const quotas = store.resourceOf('resourcequotas')!;
      for (const quota of await store.list(quotas, namespace)) {
        const names = Object.keys(hardOf(quota));
        if (!names.some((name) => usage[name] !== undefined)) continue;
        const used = await usedOf(store, quota, names);
        for (const name of names) used[name] = Math.max(0, used[name]! - (usage[name] ?? 0));
        await store.update(quotas, withStatus(quota, used));
      }
    });
  }
}
