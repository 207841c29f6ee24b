// RBAC's escalation check: no one grants what they do not hold. Whoever may create Roles could
// otherwise write a Role with every right and bind themselves to it, so kube-apiserver's RBAC
// storage (pkg/registry/rbac, validation.ConfirmNoEscalation) lets a write of a Role or a
// ClusterRole through only when its author already holds every rule in it, and a write of a
// binding only when the author holds every rule of the role it grants. Two verbs lift the check
// on purpose: `escalate` on roles (write any role) and `bind` on a role (grant it without
// holding it). Members of system:masters hold everything.
import { ApiError } from '../../harness/api/errors.ts';
import type {
  AdmissionRequest,
  Authorizer,
  ExternalAdmissionPlugin,
} from '../../harness/contracts/security.ts';
import {
  MASTERS_GROUP,
  RBAC_GROUP,
  matchesAny,
  pathMatches,
  resourceMatches,
  type PolicyRule,
  type RbacAuthorizer,
  type RoleRef,
} from './rbac.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

/**
 * Every single right a rule grants, one verb, group, resource and name (or path) each: the unit
 * in which coverage is checked.
 */
export function breakDown(rule: PolicyRule): PolicyRule[] {
  throw new NotImplemented('breakDown', '§ Escalation');
}

/** Whether one owned rule grants a single right (as breakDown makes them). */
export function ruleCovers(owner: PolicyRule, right: PolicyRule): boolean {
  throw new NotImplemented('ruleCovers', '§ Escalation');
}

/** The rights of `wanted` that none of `owned` grants: empty when the owner holds them all. */
export function uncoveredRights(owned: PolicyRule[], wanted: PolicyRule[]): PolicyRule[] {
  throw new NotImplemented('uncoveredRights', '§ Escalation');
}

/** One right as kube prints it in the refusal: {APIGroups:["apps"], Resources:["pods"], Verbs:["get"]}. */
export function describeRight(right: PolicyRule): string {
  throw new NotImplemented('describeRight', '§ Escalation');
}

/** The 403 for a write that would grant what its author does not hold. */
export function escalationRefused(
  request: AdmissionRequest,
  missing: PolicyRule[],
  namespace: string | undefined,
): ApiError {
  throw new NotImplemented('escalationRefused', '§ Escalation');
}

/**
 * The escalation check, as an admission plugin on writes of RBAC objects. `rbac` knows what the
 * author holds; `authorizer` (the whole chain) answers whether they may `escalate` or `bind`.
 */
export function escalationCheck(
  rbac: RbacAuthorizer,
  authorizer: Authorizer,
): ExternalAdmissionPlugin {
  throw new NotImplemented('escalationCheck', '§ Escalation');
}
