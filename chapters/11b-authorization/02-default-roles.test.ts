// The roles and bindings a cluster starts with, read by RBAC as any others.
import { describe, expect, test } from 'vitest';
import type { RequestAttributes, UserInfo } from '../../harness/contracts/security.ts';
import {
  AGGREGATE_TO,
  defaultClusterRoleBindings,
  defaultClusterRoles,
  nodeRules,
} from '../../harness/api/default-roles.ts';
import { RbacAuthorizer, ruleAllows } from './rbac.ts';

/** RBAC with the defaults, and a RoleBinding of `clusterRole` to jane in the namespace dev. */
function defaultsWithJaneAs(clusterRole: string): RbacAuthorizer {
  const rbac = new RbacAuthorizer();
  for (const object of [...defaultClusterRoles(), ...defaultClusterRoleBindings()])
    rbac.observe({ type: 'ADDED', object });
  rbac.observe({
    type: 'ADDED',
    object: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'jane', namespace: 'dev' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
      subjects: [{ kind: 'User', name: 'jane' }],
    },
  });
  return rbac;
}

const jane: UserInfo = { username: 'jane', groups: ['system:authenticated'] };

/** Whether `rbac` lets `user` do `verb` on `resource` (of `apiGroup`) in dev. */
function may(
  rbac: RbacAuthorizer,
  verb: string,
  resource: string,
  apiGroup = '',
  user = jane,
  subresource?: string,
): boolean {
  const attributes: RequestAttributes = {
    user,
    verb,
    resourceRequest: true,
    apiGroup,
    resource,
    namespace: 'dev',
    subresource,
  };
  return rbac.authorize(attributes).decision === 'allow';
}

describe('Default roles', () => {
  test('cluster-admin is bound to system:masters and allows everything', () => {
    const roles = defaultClusterRoles().map((role) => role.metadata.name);
    expect(roles, 'the default ClusterRoles include the four for people').toEqual(
      expect.arrayContaining(['cluster-admin', 'admin', 'edit', 'view']),
    );
    const admin = { username: 'kubernetes-admin', groups: ['system:masters'] };
    expect(
      may(defaultsWithJaneAs('view'), 'delete', 'nodes', '', admin),
      'a system:masters member deletes nodes',
    ).toBe(true);
  });

  test('view reads a namespace but not its Secrets, and writes nothing', () => {
    const rbac = defaultsWithJaneAs('view');
    expect(may(rbac, 'list', 'pods'), 'jane (view) lists pods').toBe(true);
    expect(may(rbac, 'get', 'deployments', 'apps'), 'jane (view) gets deployments').toBe(true);
    expect(may(rbac, 'get', 'secrets'), 'jane (view) gets secrets').toBe(false);
    expect(may(rbac, 'create', 'pods'), 'jane (view) creates a pod').toBe(false);
  });

  test('edit writes workloads and Secrets; admin also manages Roles; both aggregate', () => {
    const edit = defaultsWithJaneAs('edit');
    expect(may(edit, 'create', 'deployments', 'apps'), 'jane (edit) creates deployments').toBe(
      true,
    );
    expect(may(edit, 'get', 'secrets'), 'jane (edit) reads secrets').toBe(true);
    expect(
      may(edit, 'create', 'roles', 'rbac.authorization.k8s.io'),
      'jane (edit) creates roles',
    ).toBe(false);
    const admin = defaultsWithJaneAs('admin');
    expect(
      may(admin, 'create', 'rolebindings', 'rbac.authorization.k8s.io'),
      'jane (admin) binds',
    ).toBe(true);
    expect(may(admin, 'list', 'pods'), 'jane (admin) lists pods, from view').toBe(true);
    const view = defaultClusterRoles().find((role) => role.metadata.name === 'view')!;
    expect(view.aggregationRule, 'view is aggregated by its label').toEqual({
      clusterRoleSelectors: [{ matchLabels: { [AGGREGATE_TO('view')]: 'true' } }],
    });
  });

  test('the components hold their system roles, and everyone signed in may ask what they may do', () => {
    const rbac = defaultsWithJaneAs('view');
    const scheduler = { username: 'system:kube-scheduler', groups: ['system:authenticated'] };
    expect(may(rbac, 'create', 'pods', '', scheduler, 'binding'), 'the scheduler binds pods').toBe(
      true,
    );
    const proxy = { username: 'system:kube-proxy', groups: ['system:authenticated'] };
    expect(may(rbac, 'list', 'services', '', proxy), 'kube-proxy lists services').toBe(true);
    expect(
      may(rbac, 'create', 'selfsubjectaccessreviews', 'authorization.k8s.io'),
      'jane asks about herself',
    ).toBe(true);
    const nodeStatus = {
      user: jane,
      verb: 'patch',
      resourceRequest: true,
      apiGroup: '',
      resource: 'nodes',
      subresource: 'status',
    };
    expect(
      nodeRules.some((rule) => ruleAllows(rule, nodeStatus)),
      "a node's rules patch nodes/status",
    ).toBe(true);
  });
});
