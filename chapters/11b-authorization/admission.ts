// Two admission plugins that change a pod before it is stored, as kube-apiserver's mutating
// admission does:
//
//   ServiceAccount   a pod runs as a ServiceAccount: `default` unless it names one, and the one
//                    it names must exist (plugin/pkg/admission/serviceaccount)
//   LimitRanger      a namespace's LimitRange gives containers default requests and limits, and
//                    bounds them (plugin/pkg/admission/limitranger)
//
// Both run before ResourceQuota, so a quota counts the requests a LimitRange filled in.
import { ApiError } from '../../harness/api/errors.ts';
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

/** The ServiceAccount plugin: fills spec.serviceAccountName and checks the account exists. */
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
