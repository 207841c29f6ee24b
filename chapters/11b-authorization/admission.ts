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
import { NotImplemented } from '../../harness/not-implemented.ts';

/** A pod's containers as the plugins read them. */
type Container = {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};

/** A 403 for a pod, in kube's admission words: pods "web" is forbidden: <why>. */
export function podForbidden(pod: KubeObject, why: string): ApiError {
  throw new NotImplemented('podForbidden', '§ Admission');
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
  throw new NotImplemented('namesSecret', '§ Admission');
}

/**
 * Why a mirror pod may not be stored, in kube's words, or undefined. A static pod runs from a
 * file with no API server behind it, so its mirror may name no ServiceAccount, no Secret and no
 * ServiceAccountToken projection.
 */
export function mirrorPodProblem(pod: KubeObject): string | undefined {
  throw new NotImplemented('mirrorPodProblem', '§ Admission');
}

/**
 * The ServiceAccount plugin: fills spec.serviceAccountName and checks the account exists. A
 * mirror pod is only checked (mirrorPodProblem): the kubelet compares it with its file, and a
 * filled-in account would make them differ.
 */
export const serviceAccountAdmission: ExternalAdmissionPlugin = {
  name: 'ServiceAccount',
  async admit(request, store) {
    throw new NotImplemented('serviceAccountAdmission.admit', '§ Admission');
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
  throw new NotImplemented('applyLimitDefaults', '§ Admission');
}

/**
 * What breaks the LimitRange's bounds in a container, in kube's words:
 *   maximum cpu usage per Container is 1, but limit is 2
 *   minimum memory usage per Container is 64Mi, but request is 32Mi
 */
export function limitViolations(container: Container, limit: LimitRangeItem): string[] {
  throw new NotImplemented('limitViolations', '§ Admission');
}

/** The LimitRanger plugin: defaults, then bounds, from every LimitRange of the namespace. */
export const limitRangerAdmission: ExternalAdmissionPlugin = {
  name: 'LimitRanger',
  async admit(request, store) {
    throw new NotImplemented('limitRangerAdmission.admit', '§ Admission');
  },
};
