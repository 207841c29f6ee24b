// RBAC, role-based access control: who may do what is written down as objects. A *rule* lists
// verbs on resources of API groups (or on non-resource paths such as /healthz); a *Role* holds
// rules inside one namespace and a *ClusterRole* holds rules for every namespace and for
// cluster-scoped resources. A *RoleBinding* grants one role to *subjects* (users, groups,
// ServiceAccounts) inside its namespace; a *ClusterRoleBinding* grants a ClusterRole everywhere.
// Nothing is ever denied by a rule: a request is allowed when some binding of its user grants
// it, and refused otherwise.
//
// The authorizer is asked on every request, so it never scans every binding: it keeps the
// bindings indexed by subject ("User:alice", "Group:system:masters") and looks at the few that
// name this user or one of their groups. kube-apiserver's RBAC authorizer
// (plugin/pkg/auth/authorizer/rbac) reads its roles and bindings from informers the same way.
import type { ObjectEvent } from '../../harness/api/object-watch.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type {
  Authorizer,
  Decision,
  ObjectFeed,
  RequestAttributes,
  UserInfo,
} from '../../harness/contracts/security.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

/** One rule of a role (rbac/v1 PolicyRule). "*" matches anything in verbs, groups, resources. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** Who a binding grants its role to (rbac/v1 Subject). */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  /** For a ServiceAccount: its namespace. */
  namespace?: string;
}

/** The role a binding grants (rbac/v1 RoleRef). */
export interface RoleRef {
  kind: 'Role' | 'ClusterRole';
  name: string;
  apiGroup?: string;
}

/** The RBAC API group, which every RBAC object belongs to. */
export const RBAC_GROUP = 'rbac.authorization.k8s.io';

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

/** Whether `wanted` is among `allowed`, where "*" allows anything. */
export function matchesAny(allowed: string[] | undefined, wanted: string): boolean {
  throw new NotImplemented('matchesAny', '§ RBAC');
}

/**
 * Whether a rule's resources take this resource and subresource: "*", the resource itself
 * (without a subresource), "pods/log" for the subresource, or "*\/log" for it on any resource.
 */
export function resourceMatches(rule: PolicyRule, resource: string, subresource?: string): boolean {
  throw new NotImplemented('resourceMatches', '§ RBAC');
}

/** Whether a rule's nonResourceURLs take a path: exactly, or by a prefix ending in "*". */
export function pathMatches(rule: PolicyRule, path: string): boolean {
  throw new NotImplemented('pathMatches', '§ RBAC');
}

/**
 * Whether one rule allows a request: its verb, and either its group, resource and name (a rule
 * with no resourceNames takes every name) or, for a non-resource request, its path.
 */
export function ruleAllows(rule: PolicyRule, attributes: RequestAttributes): boolean {
  throw new NotImplemented('ruleAllows', '§ RBAC');
}

// ---------------------------------------------------------------------------------------------
// Subjects
// ---------------------------------------------------------------------------------------------

/** The user name of a ServiceAccount: system:serviceaccount:<namespace>:<name>. */
export function serviceAccountUsername(namespace: string, name: string): string {
  throw new NotImplemented('serviceAccountUsername', '§ RBAC');
}

/**
 * The index key of a binding's subject: "User:<name>" or "Group:<name>". A ServiceAccount is the
 * user system:serviceaccount:<ns>:<name>, its namespace defaulting to the binding's own.
 */
export function subjectKey(subject: Subject, bindingNamespace?: string): string {
  throw new NotImplemented('subjectKey', '§ RBAC');
}

/** The index keys a user is found under: their name and each of their groups. */
export function keysOfUser(user: UserInfo): string[] {
  throw new NotImplemented('keysOfUser', '§ RBAC');
}

// ---------------------------------------------------------------------------------------------
// Aggregation
// ---------------------------------------------------------------------------------------------

/** Whether an object's labels hold every key=value of matchLabels. */
export function labelsMatch(
  labels: Record<string, string> | undefined,
  matchLabels: Record<string, string> | undefined,
): boolean {
  throw new NotImplemented('labelsMatch', '§ RBAC');
}

/**
 * A ClusterRole's rules: its own, or, when it has an aggregationRule, the rules of every
 * ClusterRole some selector of it picks by label (admin, edit and view are built this way, so a
 * ClusterRole labelled rbac.authorization.k8s.io/aggregate-to-view adds to view).
 */
export function aggregatedRules(
  role: KubeObject,
  clusterRoles: Iterable<KubeObject>,
): PolicyRule[] {
  throw new NotImplemented('aggregatedRules', '§ RBAC');
}

// ---------------------------------------------------------------------------------------------
// The index and the authorizer
// ---------------------------------------------------------------------------------------------

/** One binding, as the index keeps it. */
interface IndexedBinding {
  /** "RoleBinding default/readers" or "ClusterRoleBinding admins": for the decision's reason. */
  label: string;
  /** Where it grants: its namespace, or undefined for a ClusterRoleBinding (everywhere). */
  namespace?: string;
  roleRef: RoleRef;
}

/**
 * RBAC's authorizer: roles and bindings in memory, bindings indexed by subject. `observe` takes
 * each change the feed delivers; `authorize` answers from memory alone.
 */
export class RbacAuthorizer implements Authorizer {
  /** Follows the four RBAC resources through the feed. */
  async start(feed: ObjectFeed): Promise<void> {
    throw new NotImplemented('RbacAuthorizer.start', '§ RBAC');
  }

  /** Takes one change of a Role, ClusterRole, RoleBinding or ClusterRoleBinding. */
  observe({ type, object }: ObjectEvent): void {
    throw new NotImplemented('RbacAuthorizer.observe', '§ RBAC');
  }

  /** The rules a binding's roleRef grants (none when the role does not exist yet). */
  rulesOfRole(roleRef: RoleRef, namespace?: string): PolicyRule[] {
    throw new NotImplemented('RbacAuthorizer.rulesOfRole', '§ RBAC');
  }

  /** Each binding that applies to this user in this namespace (cluster-wide ones always). */
  *bindingsFor(user: UserInfo, namespace?: string): Generator<IndexedBinding> {
    throw new NotImplemented('RbacAuthorizer.bindingsFor', '§ RBAC');
  }

  /** Every rule this user holds in this namespace (or at the cluster scope, without one). */
  rulesFor(user: UserInfo, namespace?: string): PolicyRule[] {
    throw new NotImplemented('RbacAuthorizer.rulesFor', '§ RBAC');
  }

  /** Allows a request some binding of its user grants; no opinion otherwise. */
  authorize(attributes: RequestAttributes): Decision {
    throw new NotImplemented('RbacAuthorizer.authorize', '§ RBAC');
  }
}

// ---------------------------------------------------------------------------------------------
// Authorizers in turn, and the 403
// ---------------------------------------------------------------------------------------------

/** The group whose members may do anything, whatever the bindings say (kubeadm's admin). */
export const MASTERS_GROUP = 'system:masters';

/**
 * Several authorizers asked in turn, as kube-apiserver's --authorization-mode=Node,RBAC: members
 * of system:masters are always allowed; otherwise the first allow or deny wins, and when every
 * authorizer has no opinion the request is denied, with their reasons.
 */
export function chainAuthorizers(authorizers: Authorizer[]): Authorizer {
  throw new NotImplemented('chainAuthorizers', '§ RBAC');
}

/**
 * kube-apiserver's 403 message for a refused request: what was asked, by whom, where; then the
 * authorizers' reason, if any:
 *   pods "web" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "default"
 */
export function forbiddenMessage(attributes: RequestAttributes, reason: string): string {
  throw new NotImplemented('forbiddenMessage', '§ RBAC');
}
