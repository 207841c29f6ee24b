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
import { NotImplemented } from '../../harness/not-implemented.ts';

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
  throw new NotImplemented('countName', '§ ResourceQuota');
}

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

/**
 * What one object costs a quota: one of its count, and for a pod that is not finished, its
 * containers' requests and limits (also under the short names cpu and memory for requests).
 */
export function usageOf(resource: ResourceType, object: KubeObject): Usage {
  throw new NotImplemented('usageOf', '§ ResourceQuota');
}

/** A hard limit or a used amount as a number, in usageOf's units. */
export function parseAmount(name: string, text: string): number {
  throw new NotImplemented('parseAmount', '§ ResourceQuota');
}

/** An amount as a quantity string: cpu as "2" or "500m", memory in the largest exact Ki/Mi/Gi. */
export function formatAmount(name: string, amount: number): string {
  throw new NotImplemented('formatAmount', '§ ResourceQuota');
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
  throw new NotImplemented('exceededQuota', '§ ResourceQuota');
}

/** A quota's hard limits as numbers. */
export function hardOf(quota: KubeObject): Usage {
  throw new NotImplemented('hardOf', '§ ResourceQuota');
}

/** The resource whose objects a quota name counts: pods for requests.cpu, the resource of count/x. */
export function resourceNameOf(name: string): string {
  throw new NotImplemented('resourceNameOf', '§ ResourceQuota');
}

/** What a namespace uses of each of `names`, counted from its objects. */
export async function countUsage(
  store: AdmissionStore,
  namespace: string,
  names: string[],
): Promise<Usage> {
  throw new NotImplemented('countUsage', '§ ResourceQuota');
}

/** A quota with status.hard and status.used written out as quantities. */
export function withStatus(quota: KubeObject, used: Usage): KubeObject {
  throw new NotImplemented('withStatus', '§ ResourceQuota');
}

/** Runs `work` for a namespace only after the namespace's earlier work has settled. */
export class NamespaceLocks {
  run<T>(namespace: string, work: () => Promise<T>): Promise<T> {
    throw new NotImplemented('NamespaceLocks.run', '§ ResourceQuota');
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
  throw new NotImplemented('chargeQuotas', '§ ResourceQuota');
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
  /** The admission plugin: creates are charged one namespace at a time. */
  readonly admission: ExternalAdmissionPlugin = {
    name: 'ResourceQuota',
    admit: async (request, store) => {
      throw new NotImplemented('ResourceQuotas.admission.admit', '§ ResourceQuota');
    },
  };

  /** The controller: follows quotas (to fill their status) and deletes (to release). */
  async start(feed: ObjectFeed, store: AdmissionStore): Promise<void> {
    throw new NotImplemented('ResourceQuotas.start', '§ ResourceQuota');
  }

  /** Writes status.hard and status.used of a quota that lacks them (or whose hard changed). */
  fillStatus(quota: KubeObject): Promise<void> {
    throw new NotImplemented('ResourceQuotas.fillStatus', '§ ResourceQuota');
  }

  /** Gives back to every quota of its namespace what a deleted object used. */
  release(resource: ResourceType, object: KubeObject): Promise<void> {
    throw new NotImplemented('ResourceQuotas.release', '§ ResourceQuota');
  }
}
