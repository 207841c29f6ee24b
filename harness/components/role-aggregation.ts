// The ClusterRole aggregation controller (kube-controller-manager's `clusterrole-aggregation`).
// admin, edit and view carry no rules of their own, only an aggregationRule: a ClusterRole
// labelled rbac.authorization.k8s.io/aggregate-to-view: "true" adds its rules to view. The
// authorizer (chapter 11b) already gathers them when it decides; this controller also writes
// them into the aggregated role's `rules`, as kube does, so `kubectl describe clusterrole view`
// lists what a CRD's installer added, and a client reading the role sees what it grants.
//
// Any ClusterRole change queues every role with an aggregationRule; reconcile(name) gathers the
// picked roles' rules (chapter 11b's aggregatedRules), drops repeats, and updates the role when
// its stored rules differ.
import { accessResources } from '../api/resources.ts';
import type { KubeObject } from '../api/types.ts';
import type { ApiClient, Toolkit } from '../client/types.ts';
import type { RbacModule } from '../contracts/security.ts';

export interface RoleAggregationOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** Chapter 11b's aggregatedRules. */
  aggregatedRules: RbacModule['aggregatedRules'];
}

/** Rules without repeats, in the order first met (kube keeps one copy of each equal rule). */
export function withoutRepeats(rules: object[]): object[] {
  const seen = new Set<string>();
  return rules.filter((rule) => {
    const key = JSON.stringify(rule);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The controller: run(signal) follows ClusterRoles until the signal aborts. */
export function createRoleAggregationController(options: RoleAggregationOptions) {
  const { toolkit, client, aggregatedRules } = options;
  // ClusterRoles are among the access resources, which a client knows only when told.
  const rbac = toolkit.createClient({ ...client.config, resources: accessResources });
  const roles = rbac.resource<KubeObject>('clusterroles');
  const informer = toolkit.createInformer(roles);
  const controller = toolkit.createController({
    name: 'clusterrole-aggregation',
    reconcile: async (name) => {
      const role = informer.get(name);
      if (!role?.aggregationRule) return;
      const rules = withoutRepeats(aggregatedRules(role, informer.list()));
      if (JSON.stringify(rules) === JSON.stringify(role.rules ?? [])) return;
      await roles.update({ ...role, rules });
    },
  });
  // A change to any role may change what an aggregated role picks: look at each of them again.
  controller.watch(informer, () =>
    informer
      .list()
      .filter((role) => role.aggregationRule)
      .map((role) => role.metadata.name!),
  );
  return controller;
}
