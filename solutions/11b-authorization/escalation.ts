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

/**
 * Every single right a rule grants, one verb, group, resource and name (or path) each: the unit
 * in which coverage is checked.
 */
export function breakDown(rule: PolicyRule): PolicyRule[] {
  const rights: PolicyRule[] = [];
  for (const verb of rule.verbs) {
    for (const path of rule.nonResourceURLs ?? [])
      rights.push({ verbs: [verb], nonResourceURLs: [path] });
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
        for (const name of names) {
          rights.push({
            verbs: [verb],
            apiGroups: [group],
            resources: [resource],
            ...(name === undefined ? {} : { resourceNames: [name] }),
          });
        }
      }
    }
  }
  return rights;
}

/** Whether one owned rule grants a single right (as breakDown makes them). */
export function ruleCovers(owner: PolicyRule, right: PolicyRule): boolean {
  if (!matchesAny(owner.verbs, right.verbs[0]!)) return false;
  if (right.nonResourceURLs) return pathMatches(owner, right.nonResourceURLs[0]!);
  if (!matchesAny(owner.apiGroups, right.apiGroups![0]!)) return false;
  const [resource, subresource] = right.resources![0]!.split('/') as [string, string | undefined];
  if (
    !(owner.resources ?? []).includes(right.resources![0]!) &&
    !resourceMatches(owner, resource, subresource)
  ) {
    return false;
  }
  const ownedNames = owner.resourceNames ?? [];
  if (ownedNames.length === 0) return true;
  return !!right.resourceNames && ownedNames.includes(right.resourceNames[0]!);
}

/** The rights of `wanted` that none of `owned` grants: empty when the owner holds them all. */
export function uncoveredRights(owned: PolicyRule[], wanted: PolicyRule[]): PolicyRule[] {
  return wanted
    .flatMap(breakDown)
    .filter((right) => !owned.some((rule) => ruleCovers(rule, right)));
}

/** One right as kube prints it in the refusal: {APIGroups:["apps"], Resources:["pods"], Verbs:["get"]}. */
export function describeRight(right: PolicyRule): string {
  const list = (values: string[]) => values.map((value) => `"${value}"`).join(' ');
  if (right.nonResourceURLs) {
    return `{NonResourceURLs:[${list(right.nonResourceURLs)}], Verbs:[${list(right.verbs)}]}`;
  }
  const names = right.resourceNames ? `, ResourceNames:[${list(right.resourceNames)}]` : '';
  return `{APIGroups:[${list(right.apiGroups!)}], Resources:[${list(right.resources!)}]${names}, Verbs:[${list(right.verbs)}]}`;
}

/** The 403 for a write that would grant what its author does not hold. */
export function escalationRefused(
  request: AdmissionRequest,
  missing: PolicyRule[],
  namespace: string | undefined,
): ApiError {
  const kind = `${request.resource.resource}.${RBAC_GROUP}`;
  const name = request.object?.metadata.name ?? '';
  const scope = namespace ? `namespace "${namespace}"` : 'the cluster';
  return new ApiError(
    403,
    'Forbidden',
    `${kind} "${name}" is forbidden: user "${request.user.username}" (groups=${JSON.stringify(request.user.groups).replaceAll(',', ' ')}) ` +
      `is attempting to grant RBAC permissions not currently held:\n${missing.map(describeRight).join('\n')}` +
      ` in ${scope}`,
    { name, group: RBAC_GROUP, kind: request.resource.resource },
  );
}

/**
 * The escalation check, as an admission plugin on writes of RBAC objects. `rbac` knows what the
 * author holds; `authorizer` (the whole chain) answers whether they may `escalate` or `bind`.
 */
export function escalationCheck(
  rbac: RbacAuthorizer,
  authorizer: Authorizer,
): ExternalAdmissionPlugin {
  return {
    name: 'RBACEscalation',
    async admit(request) {
      const object = request.object;
      if (!object || request.resource.group !== RBAC_GROUP || request.operation === 'DELETE')
        return;
      const { user } = request;
      if (user.groups.includes(MASTERS_GROUP)) return;
      const namespace = request.namespace;
      const isRole =
        request.resource.resource === 'roles' || request.resource.resource === 'clusterroles';
      const allowed = (verb: string, resource: string, name?: string) =>
        authorizer.authorize({
          user,
          verb,
          resourceRequest: true,
          apiGroup: RBAC_GROUP,
          resource,
          namespace,
          name,
        }).decision === 'allow';
      let wanted: PolicyRule[];
      if (isRole) {
        if (allowed('escalate', request.resource.resource)) return;
        wanted = (object.rules as PolicyRule[] | undefined) ?? [];
      } else {
        const roleRef = object.roleRef as RoleRef;
        const roleResource = roleRef.kind === 'Role' ? 'roles' : 'clusterroles';
        if (allowed('bind', roleResource, roleRef.name)) return;
        wanted = rbac.rulesOfRole(roleRef, namespace);
      }
      const missing = uncoveredRights(rbac.rulesFor(user, namespace), wanted);
      if (missing.length > 0) throw escalationRefused(request, missing, namespace);
    },
  };
}
