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
  return (allowed ?? []).some((each) => each === '*' || each === wanted);
}

/**
 * Whether a rule's resources take this resource and subresource: "*", the resource itself
 * (without a subresource), "pods/log" for the subresource, or "*\/log" for it on any resource.
 */
export function resourceMatches(rule: PolicyRule, resource: string, subresource?: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some(
    (each) => each === '*' || each === combined || (!!subresource && each === `*/${subresource}`),
  );
}

/** Whether a rule's nonResourceURLs take a path: exactly, or by a prefix ending in "*". */
export function pathMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some(
    (each) =>
      each === '*' || each === path || (each.endsWith('*') && path.startsWith(each.slice(0, -1))),
  );
}

/**
 * Whether one rule allows a request: its verb, and either its group, resource and name (a rule
 * with no resourceNames takes every name) or, for a non-resource request, its path.
 */
export function ruleAllows(rule: PolicyRule, attributes: RequestAttributes): boolean {
  if (!matchesAny(rule.verbs, attributes.verb)) return false;
  if (!attributes.resourceRequest) return pathMatches(rule, attributes.path ?? '');
  if (!matchesAny(rule.apiGroups, attributes.apiGroup)) return false;
  if (!resourceMatches(rule, attributes.resource, attributes.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (attributes.name !== undefined && names.includes(attributes.name));
}

// ---------------------------------------------------------------------------------------------
// Subjects
// ---------------------------------------------------------------------------------------------

/** The user name of a ServiceAccount: system:serviceaccount:<namespace>:<name>. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/**
 * The index key of a binding's subject: "User:<name>" or "Group:<name>". A ServiceAccount is the
 * user system:serviceaccount:<ns>:<name>, its namespace defaulting to the binding's own.
 */
export function subjectKey(subject: Subject, bindingNamespace?: string): string {
  if (subject.kind === 'ServiceAccount') {
    const namespace = subject.namespace || bindingNamespace || '';
    return `User:${serviceAccountUsername(namespace, subject.name)}`;
  }
  return `${subject.kind}:${subject.name}`;
}

/** The index keys a user is found under: their name and each of their groups. */
export function keysOfUser(user: UserInfo): string[] {
  return [`User:${user.username}`, ...user.groups.map((group) => `Group:${group}`)];
}

// ---------------------------------------------------------------------------------------------
// Aggregation
// ---------------------------------------------------------------------------------------------

/** Whether an object's labels hold every key=value of matchLabels. */
export function labelsMatch(
  labels: Record<string, string> | undefined,
  matchLabels: Record<string, string> | undefined,
): boolean {
  return Object.entries(matchLabels ?? {}).every(([key, value]) => labels?.[key] === value);
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
  const aggregation = role.aggregationRule as
    { clusterRoleSelectors?: { matchLabels?: Record<string, string> }[] } | undefined;
  if (!aggregation) return (role.rules as PolicyRule[] | undefined) ?? [];
  const rules: PolicyRule[] = [];
  for (const other of clusterRoles) {
    if (other.metadata.name === role.metadata.name) continue;
    const picked = (aggregation.clusterRoleSelectors ?? []).some((selector) =>
      labelsMatch(other.metadata.labels, selector.matchLabels),
    );
    if (picked) rules.push(...((other.rules as PolicyRule[] | undefined) ?? []));
  }
  return rules;
}

// ---------------------------------------------------------------------------------------------
// The index and the authorizer
// ---------------------------------------------------------------------------------------------

/** One binding, as the index keeps it. */
interface IndexedBinding {
  /** The reason of the decisions it allows, written once: 'RBAC: allowed by RoleBinding dev/x of Role "y"'. */
  reason: string;
  /** Where it grants: its namespace, or undefined for a ClusterRoleBinding (everywhere). */
  namespace?: string;
  roleRef: RoleRef;
}

/** A store key for a role: "<namespace>/<name>" for a Role, "/<name>" for a ClusterRole. */
function roleKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * RBAC's authorizer: roles and bindings in memory, bindings indexed by subject. `observe` takes
 * each change the feed delivers; `authorize` answers from memory alone.
 */
export class RbacAuthorizer implements Authorizer {
  private readonly roles = new Map<string, KubeObject>();
  private readonly clusterRoles = new Map<string, KubeObject>();
  /** Binding uid → the subject keys it was indexed under, to unindex it on change. */
  private readonly bindingKeys = new Map<string, string[]>();
  /** Subject key → binding uid → the binding. */
  private readonly bySubject = new Map<string, Map<string, IndexedBinding>>();
  /** Each ClusterRole's rules with aggregation done, until a ClusterRole changes. */
  private readonly clusterRules = new Map<string, PolicyRule[]>();

  /** Follows the four RBAC resources through the feed. */
  async start(feed: ObjectFeed): Promise<void> {
    for (const resource of ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings']) {
      await feed.follow(`${RBAC_GROUP}/${resource}`, (event) => this.observe(event));
    }
  }

  /** Takes one change of a Role, ClusterRole, RoleBinding or ClusterRoleBinding. */
  observe({ type, object }: ObjectEvent): void {
    const { name, namespace } = object.metadata;
    const gone = type === 'DELETED';
    if (object.kind === 'Role' || object.kind === 'ClusterRole') {
      const roles = object.kind === 'Role' ? this.roles : this.clusterRoles;
      if (object.kind === 'ClusterRole') this.clusterRules.clear();
      if (gone) roles.delete(roleKey(namespace, name!));
      else roles.set(roleKey(namespace, name!), object);
      return;
    }
    this.unindex(object);
    if (!gone) this.index(object);
  }

  /** Indexes a binding under each of its subjects. */
  private index(binding: KubeObject): void {
    const namespace = binding.metadata.namespace;
    const roleRef = binding.roleRef as RoleRef;
    const label = `${binding.kind} ${namespace ? `${namespace}/` : ''}${binding.metadata.name}`;
    const indexed: IndexedBinding = {
      reason: `RBAC: allowed by ${label} of ${roleRef.kind} "${roleRef.name}"`,
      namespace,
      roleRef,
    };
    const keys = ((binding.subjects as Subject[] | undefined) ?? []).map((subject) =>
      subjectKey(subject, namespace),
    );
    for (const key of keys) {
      if (!this.bySubject.has(key)) this.bySubject.set(key, new Map());
      this.bySubject.get(key)!.set(bindingId(binding), indexed);
    }
    this.bindingKeys.set(bindingId(binding), keys);
  }

  /** Removes a binding from the index. */
  private unindex(binding: KubeObject): void {
    const id = bindingId(binding);
    for (const key of this.bindingKeys.get(id) ?? []) this.bySubject.get(key)?.delete(id);
    this.bindingKeys.delete(id);
  }

  /** The rules a binding's roleRef grants (none when the role does not exist yet). */
  rulesOfRole(roleRef: RoleRef, namespace?: string): PolicyRule[] {
    if (roleRef.kind === 'Role') {
      return (this.roles.get(roleKey(namespace, roleRef.name))?.rules as PolicyRule[]) ?? [];
    }
    let rules = this.clusterRules.get(roleRef.name);
    if (rules === undefined) {
      const role = this.clusterRoles.get(roleKey(undefined, roleRef.name));
      rules = role ? aggregatedRules(role, this.clusterRoles.values()) : [];
      this.clusterRules.set(roleRef.name, rules);
    }
    return rules;
  }

  /** Each binding that applies to this user in this namespace (cluster-wide ones always). */
  *bindingsFor(user: UserInfo, namespace?: string): Generator<IndexedBinding> {
    for (const key of keysOfUser(user)) {
      for (const binding of this.bySubject.get(key)?.values() ?? []) {
        if (binding.namespace === undefined || binding.namespace === namespace) yield binding;
      }
    }
  }

  /** Every rule this user holds in this namespace (or at the cluster scope, without one). */
  rulesFor(user: UserInfo, namespace?: string): PolicyRule[] {
    return [...this.bindingsFor(user, namespace)].flatMap((binding) =>
      this.rulesOfRole(binding.roleRef, binding.namespace),
    );
  }

  /** Allows a request some binding of its user grants; no opinion otherwise. */
  authorize(attributes: RequestAttributes): Decision {
    for (const binding of this.bindingsFor(attributes.user, attributes.namespace)) {
      const rules = this.rulesOfRole(binding.roleRef, binding.namespace);
      if (rules.some((rule) => ruleAllows(rule, attributes))) {
        return { decision: 'allow', reason: binding.reason };
      }
    }
    return { decision: 'no-opinion', reason: '' };
  }
}

/** A binding's identity in the index: its kind, namespace and name. */
function bindingId(binding: KubeObject): string {
  return `${binding.kind}/${binding.metadata.namespace ?? ''}/${binding.metadata.name}`;
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
  return {
    async start(feed) {
      for (const authorizer of authorizers) await authorizer.start(feed);
    },
    authorize(attributes) {
      if (attributes.user.groups.includes(MASTERS_GROUP)) {
        return { decision: 'allow', reason: `member of ${MASTERS_GROUP}` };
      }
      const reasons: string[] = [];
      for (const authorizer of authorizers) {
        const answer = authorizer.authorize(attributes);
        if (answer.decision !== 'no-opinion') return answer;
        if (answer.reason) reasons.push(answer.reason);
      }
      return { decision: 'no-opinion', reason: reasons.join(', ') };
    },
  };
}

/**
 * kube-apiserver's 403 message for a refused request: what was asked, by whom, where; then the
 * authorizers' reason, if any:
 *   pods "web" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "default"
 */
export function forbiddenMessage(attributes: RequestAttributes, reason: string): string {
  const { user, verb } = attributes;
  let message: string;
  if (!attributes.resourceRequest) {
    message = `forbidden: User "${user.username}" cannot ${verb} path "${attributes.path}"`;
  } else {
    const groupResource = attributes.apiGroup
      ? `${attributes.resource}.${attributes.apiGroup}`
      : attributes.resource;
    const what = attributes.name ? `${groupResource} "${attributes.name}"` : groupResource;
    const resource = attributes.subresource
      ? `${attributes.resource}/${attributes.subresource}`
      : attributes.resource;
    const where = attributes.namespace
      ? `in the namespace "${attributes.namespace}"`
      : 'at the cluster scope';
    message =
      `${what} is forbidden: User "${user.username}" cannot ${verb} resource "${resource}" ` +
      `in API group "${attributes.apiGroup}" ${where}`;
  }
  return reason ? `${message}: ${reason}` : message;
}
