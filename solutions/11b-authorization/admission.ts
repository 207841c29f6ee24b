// Two admission plugins that change a pod before it is stored, as kube-apiserver's mutating
// admission does:
//
//   ServiceAccount   a pod runs as a ServiceAccount: `default` unless it names one, and the one
//                    it names must exist (plugin/pkg/admission/serviceaccount); a mirror pod
//                    (chapter 18a) is left as the kubelet wrote it, and may name no account,
//                    no Secret and no token projection
//   LimitRanger      a namespace's LimitRange gives containers default requests and limits, and
//                    bounds them (plugin/pkg/admission/limitranger)
//
// Both run before ResourceQuota, so a quota counts the requests a LimitRange filled in.
import { ApiError } from '../../harness/api/errors.ts';
import { isMirrorPod } from '../../harness/api/static-pods.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type {
  AdmissionRequest,
  ExternalAdmissionPlugin,
} from '../../harness/contracts/security.ts';
import { formatAmount, parseAmount } from './quota.ts';

/** A pod's containers as the plugins read them. */
type Container = {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};

/** Whether a request creates a pod (not one of its subresources). */
function createsPod(request: AdmissionRequest): boolean {
  return (
    request.operation === 'CREATE' &&
    request.resource.group === '' &&
    request.resource.resource === 'pods' &&
    !request.subresource &&
    request.object !== undefined
  );
}

/** A 403 for a pod, in kube's admission words: pods "web" is forbidden: <why>. */
export function podForbidden(pod: KubeObject, why: string): ApiError {
  const name = pod.metadata.name;
  return new ApiError(403, 'Forbidden', `pods${name ? ` "${name}"` : ''} is forbidden: ${why}`, {
    name,
    kind: 'pods',
  });
}

/** A pod spec's parts that may name a Secret, as the plugin reads them. */
type PodReferences = {
  serviceAccountName?: string;
  imagePullSecrets?: unknown[];
  containers?: ContainerReferences[];
  initContainers?: ContainerReferences[];
  ephemeralContainers?: ContainerReferences[];
  volumes?: {
    secret?: unknown;
    projected?: { sources?: { secret?: unknown; serviceAccountToken?: unknown }[] };
  }[];
};
type ContainerReferences = {
  env?: { name?: string; value?: string; valueFrom?: { secretKeyRef?: unknown } }[];
  envFrom?: { secretRef?: unknown }[];
};

/** Whether a pod names a Secret: imagePullSecrets, any container's env or envFrom, a volume. */
export function namesSecret(spec: PodReferences): boolean {
  const { containers = [], initContainers = [], ephemeralContainers = [] } = spec;
  const inContainer = (container: ContainerReferences) =>
    (container.env ?? []).some((variable) => variable.valueFrom?.secretKeyRef) ||
    (container.envFrom ?? []).some((source) => source.secretRef);
  return (
    (spec.imagePullSecrets ?? []).length > 0 ||
    [...containers, ...initContainers, ...ephemeralContainers].some(inContainer) ||
    (spec.volumes ?? []).some(
      (volume) => volume.secret || volume.projected?.sources?.some((source) => source.secret),
    )
  );
}

/**
 * Why a mirror pod may not be stored, in kube's words, or undefined. A static pod runs from a
 * file with no API server behind it, so its mirror may name no ServiceAccount, no Secret and no
 * ServiceAccountToken projection.
 */
export function mirrorPodProblem(pod: KubeObject): string | undefined {
  const spec = pod.spec as PodReferences;
  if (spec.serviceAccountName) return 'a mirror pod may not reference service accounts';
  if (namesSecret(spec)) return 'a mirror pod may not reference secrets';
  const sources = (spec.volumes ?? []).flatMap((volume) => volume.projected?.sources ?? []);
  if (sources.some((source) => source.serviceAccountToken))
    return 'a mirror pod may not use ServiceAccountToken volume projections';
  return undefined;
}

/**
 * The ServiceAccount plugin: fills spec.serviceAccountName and checks the account exists. A
 * mirror pod is only checked (mirrorPodProblem): the kubelet compares it with its file, and a
 * filled-in account would make them differ.
 */
export const serviceAccountAdmission: ExternalAdmissionPlugin = {
  name: 'ServiceAccount',
  async admit(request, store) {
    if (!createsPod(request)) return;
    const pod = request.object!;
    if (isMirrorPod(pod)) {
      const problem = mirrorPodProblem(pod);
      if (problem) throw podForbidden(pod, problem);
      return;
    }
    const spec = pod.spec as { serviceAccountName?: string; serviceAccount?: string };
    spec.serviceAccountName ||= spec.serviceAccount || 'default';
    spec.serviceAccount = spec.serviceAccountName;
    const accounts = store.resourceOf('serviceaccounts')!;
    const namespace = request.namespace!;
    await store.get(accounts, namespace, spec.serviceAccountName).catch((error: unknown) => {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
      throw podForbidden(
        pod,
        `error looking up service account ${namespace}/${spec.serviceAccountName}: serviceaccount "${spec.serviceAccountName}" not found`,
      );
    });
  },
};

/** One limit of a LimitRange (spec.limits[]). */
interface LimitRangeItem {
  type: string;
  default?: Record<string, string>;
  defaultRequest?: Record<string, string>;
  min?: Record<string, string>;
  max?: Record<string, string>;
}

/**
 * A container with the LimitRange's defaults: a missing limit takes `default`, a missing request
 * takes `defaultRequest`, or else the container's limit (as kube does).
 */
export function applyLimitDefaults(container: Container, limit: LimitRangeItem): void {
  const resources = (container.resources ??= {});
  const limits = { ...limit.default, ...resources.limits };
  const requests = { ...limit.defaultRequest };
  for (const [name, amount] of Object.entries(limits)) requests[name] ??= amount;
  Object.assign(requests, resources.requests);
  if (Object.keys(limits).length) resources.limits = limits;
  if (Object.keys(requests).length) resources.requests = requests;
}

/**
 * What breaks the LimitRange's bounds in a container, in kube's words:
 *   maximum cpu usage per Container is 1, but limit is 2
 *   minimum memory usage per Container is 64Mi, but request is 32Mi
 */
export function limitViolations(container: Container, limit: LimitRangeItem): string[] {
  const problems: string[] = [];
  const { requests = {}, limits = {} } = container.resources ?? {};
  for (const [name, text] of Object.entries(limit.max ?? {})) {
    const value = limits[name];
    if (value === undefined)
      problems.push(`maximum ${name} usage per Container is ${text}.  No limit is specified`);
    else if (parseAmount(name, value) > parseAmount(name, text)) {
      problems.push(
        `maximum ${name} usage per Container is ${text}, but limit is ${formatAmount(name, parseAmount(name, value))}`,
      );
    }
  }
  for (const [name, text] of Object.entries(limit.min ?? {})) {
    const value = requests[name];
    if (value === undefined)
      problems.push(`minimum ${name} usage per Container is ${text}.  No request is specified`);
    else if (parseAmount(name, value) < parseAmount(name, text)) {
      problems.push(
        `minimum ${name} usage per Container is ${text}, but request is ${formatAmount(name, parseAmount(name, value))}`,
      );
    }
  }
  return problems;
}

/** The LimitRanger plugin: defaults, then bounds, from every LimitRange of the namespace. */
export const limitRangerAdmission: ExternalAdmissionPlugin = {
  name: 'LimitRanger',
  async admit(request, store) {
    if (!createsPod(request)) return;
    const pod = request.object!;
    const ranges = await store.list(store.resourceOf('limitranges')!, request.namespace);
    const containers = (pod.spec as { containers?: Container[] }).containers ?? [];
    const problems: string[] = [];
    for (const range of ranges) {
      const items = (range.spec as { limits?: LimitRangeItem[] }).limits ?? [];
      for (const limit of items.filter((item) => item.type === 'Container')) {
        for (const container of containers) {
          applyLimitDefaults(container, limit);
          problems.push(...limitViolations(container, limit));
        }
      }
    }
    if (problems.length) throw podForbidden(pod, problems.join(', '));
  },
};
