// RBAC on its own: rules, subjects, aggregation, the index of bindings and the 403's words.
import { describe, expect, test } from 'vitest';
import type { ObjectEvent } from '../../harness/api/object-watch.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type { RequestAttributes, UserInfo } from '../../harness/contracts/security.ts';
import {
  aggregatedRules,
  chainAuthorizers,
  forbiddenMessage,
  keysOfUser,
  labelsMatch,
  pathMatches,
  RbacAuthorizer,
  resourceMatches,
  ruleAllows,
  subjectKey,
} from './rbac.ts';

const alice: UserInfo = { username: 'alice', groups: ['devs', 'system:authenticated'] };

/** A request by `user` to `verb` a resource, with the other attributes given. */
function ask(
  verb: string,
  resource: string,
  fields: Partial<RequestAttributes> = {},
): RequestAttributes {
  return { user: alice, verb, resourceRequest: true, apiGroup: '', resource, ...fields };
}

/** A Role (with a namespace) or ClusterRole (without) holding `rules`. */
function role(
  name: string,
  rules: object[],
  namespace?: string,
  labels?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: namespace ? 'Role' : 'ClusterRole',
    metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) },
    rules,
  };
}

/** A RoleBinding (with a namespace) or ClusterRoleBinding of `roleRef` to `subjects`. */
function binding(
  name: string,
  roleRef: { kind: string; name: string },
  subjects: object[],
  namespace?: string,
): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: namespace ? 'RoleBinding' : 'ClusterRoleBinding',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects,
  };
}

/** An RBAC authorizer that has seen `objects` added. */
function rbacWith(...objects: KubeObject[]): RbacAuthorizer {
  const rbac = new RbacAuthorizer();
  for (const object of objects) rbac.observe({ type: 'ADDED', object });
  return rbac;
}

const podReader = role(
  'pod-reader',
  [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] }],
  'dev',
);

describe('RBAC', () => {
  test('a rule allows its verbs on its resources of its groups, and "*" stands for any', () => {
    const rule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
    expect(ruleAllows(rule, ask('get', 'pods')), 'get pods under a get,list pods rule').toBe(true);
    expect(ruleAllows(rule, ask('delete', 'pods')), 'delete pods under a get,list rule').toBe(
      false,
    );
    expect(
      ruleAllows(rule, ask('get', 'pods', { apiGroup: 'apps' })),
      'a rule of group "" on apps',
    ).toBe(false);
    const any = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
    expect(
      ruleAllows(any, ask('delete', 'deployments', { apiGroup: 'apps' })),
      '"*" everywhere allows anything',
    ).toBe(true);
  });

  test('a rule with resourceNames takes only those names', () => {
    const rule = {
      verbs: ['get'],
      apiGroups: [''],
      resources: ['configmaps'],
      resourceNames: ['settings'],
    };
    expect(
      ruleAllows(rule, ask('get', 'configmaps', { name: 'settings' })),
      'get the named configmap',
    ).toBe(true);
    expect(
      ruleAllows(rule, ask('get', 'configmaps', { name: 'other' })),
      'get another configmap',
    ).toBe(false);
    expect(ruleAllows(rule, ask('get', 'configmaps')), 'a request naming no object').toBe(false);
  });

  test('a subresource needs its own rule: pods does not cover pods/log, but */log does', () => {
    const pods = { verbs: ['get'], resources: ['pods'] };
    expect(resourceMatches(pods, 'pods'), 'pods under a pods rule').toBe(true);
    expect(resourceMatches(pods, 'pods', 'log'), 'pods/log under a pods rule').toBe(false);
    expect(
      resourceMatches({ verbs: ['get'], resources: ['pods/log'] }, 'pods', 'log'),
      'pods/log under pods/log',
    ).toBe(true);
    expect(
      resourceMatches({ verbs: ['get'], resources: ['*/log'] }, 'pods', 'log'),
      'pods/log under */log',
    ).toBe(true);
  });

  test('non-resource URLs match exactly, or by a prefix ending in *', () => {
    const rule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/api/*'] };
    expect(pathMatches(rule, '/healthz'), '/healthz listed').toBe(true);
    expect(pathMatches(rule, '/api/v1'), '/api/v1 under /api/*').toBe(true);
    expect(pathMatches(rule, '/version'), '/version not listed').toBe(false);
    const attributes = { ...ask('get', ''), resourceRequest: false, path: '/healthz' };
    expect(ruleAllows(rule, attributes), 'a GET of /healthz').toBe(true);
  });

  test('a ServiceAccount subject is the user system:serviceaccount:<ns>:<name>', () => {
    expect(subjectKey({ kind: 'User', name: 'alice' }), 'a User').toBe('User:alice');
    expect(subjectKey({ kind: 'Group', name: 'devs' }), 'a Group').toBe('Group:devs');
    expect(
      subjectKey({ kind: 'ServiceAccount', name: 'ci', namespace: 'build' }),
      'an account',
    ).toBe('User:system:serviceaccount:build:ci');
    expect(
      subjectKey({ kind: 'ServiceAccount', name: 'ci' }, 'dev'),
      "no namespace: the binding's",
    ).toBe('User:system:serviceaccount:dev:ci');
    expect(keysOfUser(alice), 'alice is found by name and by each group').toEqual([
      'User:alice',
      'Group:devs',
      'Group:system:authenticated',
    ]);
  });

  test('an aggregated ClusterRole holds the rules of every ClusterRole its selectors pick', () => {
    expect(labelsMatch({ a: '1', b: '2' }, { a: '1' }), 'a subset of the labels').toBe(true);
    expect(labelsMatch({ a: '1' }, { a: '2' }), 'another value').toBe(false);
    const monitoring = role(
      'monitoring',
      [{ verbs: ['get'], apiGroups: [''], resources: ['nodes'] }],
      undefined,
      {
        'rbac.authorization.k8s.io/aggregate-to-view': 'true',
      },
    );
    const other = role('other', [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]);
    const view: KubeObject = {
      ...role('view', []),
      aggregationRule: {
        clusterRoleSelectors: [
          { matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
        ],
      },
    };
    expect(
      aggregatedRules(view, [view, monitoring, other]),
      "view gains the labelled role's rules only",
    ).toEqual(monitoring.rules);
    expect(
      aggregatedRules(other, [view, other]),
      'a role without aggregation keeps its own',
    ).toEqual(other.rules);
  });

  test('a RoleBinding grants its Role to its subjects, in its namespace only', () => {
    const rbac = rbacWith(
      podReader,
      binding(
        'read',
        { kind: 'Role', name: 'pod-reader' },
        [{ kind: 'User', name: 'alice' }],
        'dev',
      ),
    );
    expect(
      rbac.authorize(ask('list', 'pods', { namespace: 'dev' })).decision,
      'alice lists pods in dev',
    ).toBe('allow');
    expect(
      rbac.authorize(ask('list', 'pods', { namespace: 'prod' })).decision,
      'alice lists pods in prod',
    ).toBe('no-opinion');
    expect(
      rbac.authorize(ask('delete', 'pods', { namespace: 'dev' })).decision,
      'alice deletes a pod in dev',
    ).toBe('no-opinion');
    const bob = { username: 'bob', groups: [] };
    expect(
      rbac.authorize(ask('list', 'pods', { namespace: 'dev', user: bob })).decision,
      'bob, not bound',
    ).toBe('no-opinion');
  });

  test('a ClusterRoleBinding grants everywhere; a RoleBinding to a ClusterRole grants it in its namespace', () => {
    const reader = role('reader', [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }]);
    const rbac = rbacWith(
      reader,
      binding('everywhere', { kind: 'ClusterRole', name: 'reader' }, [
        { kind: 'Group', name: 'devs' },
      ]),
      binding(
        'ops-here',
        { kind: 'ClusterRole', name: 'reader' },
        [{ kind: 'User', name: 'carol' }],
        'ops',
      ),
    );
    expect(
      rbac.authorize(ask('get', 'secrets', { namespace: 'any' })).decision,
      'a devs member, any namespace',
    ).toBe('allow');
    const carol = { username: 'carol', groups: [] };
    expect(
      rbac.authorize(ask('get', 'secrets', { namespace: 'ops', user: carol })).decision,
      'carol in ops',
    ).toBe('allow');
    expect(
      rbac.authorize(ask('get', 'secrets', { namespace: 'dev', user: carol })).decision,
      'carol in dev',
    ).toBe('no-opinion');
    expect(
      rbac.authorize(ask('get', 'pods', { namespace: 'ops', user: carol })).reason,
      'a refusal has no reason',
    ).toBe('');
  });

  test('a deleted binding grants nothing more, and a binding waits for its role to exist', () => {
    const bound = binding(
      'read',
      { kind: 'Role', name: 'pod-reader' },
      [{ kind: 'User', name: 'alice' }],
      'dev',
    );
    const rbac = rbacWith(bound);
    const list = () => rbac.authorize(ask('list', 'pods', { namespace: 'dev' })).decision;
    expect(list(), 'bound to a role that does not exist yet').toBe('no-opinion');
    rbac.observe({ type: 'ADDED', object: podReader });
    expect(list(), 'once the role exists').toBe('allow');
    rbac.observe({ type: 'DELETED', object: bound });
    expect(list(), 'once the binding is deleted').toBe('no-opinion');
    rbac.observe({ type: 'DELETED', object: podReader });
    expect(
      rbac.rulesOfRole({ kind: 'Role', name: 'pod-reader' }, 'dev'),
      'a deleted role has no rules',
    ).toEqual([]);
  });

  test('a binding changed to other subjects is indexed again: the old subject loses the grant', () => {
    const toAlice = binding(
      'read',
      { kind: 'Role', name: 'pod-reader' },
      [{ kind: 'User', name: 'alice' }],
      'dev',
    );
    const rbac = rbacWith(podReader, toAlice);
    rbac.observe({
      type: 'MODIFIED',
      object: { ...toAlice, subjects: [{ kind: 'User', name: 'bob' }] },
    });
    const bob = { username: 'bob', groups: [] };
    expect(
      rbac.authorize(ask('get', 'pods', { namespace: 'dev' })).decision,
      'alice, no longer a subject',
    ).toBe('no-opinion');
    expect(
      rbac.authorize(ask('get', 'pods', { namespace: 'dev', user: bob })).decision,
      'bob, the new subject',
    ).toBe('allow');
  });

  test('rulesFor lists what a user holds in a namespace; the allow names the binding', () => {
    const rbac = rbacWith(
      podReader,
      binding(
        'read',
        { kind: 'Role', name: 'pod-reader' },
        [{ kind: 'Group', name: 'devs' }],
        'dev',
      ),
    );
    expect(rbac.rulesFor(alice, 'dev'), 'alice in dev').toEqual(podReader.rules);
    expect(rbac.rulesFor(alice, 'prod'), 'alice in prod').toEqual([]);
    expect(
      rbac.authorize(ask('get', 'pods', { namespace: 'dev' })).reason,
      'the reason of an allow',
    ).toBe('RBAC: allowed by RoleBinding dev/read of Role "pod-reader"');
  });

  test('start follows roles, cluster roles and both kinds of binding through the feed', async () => {
    const followed: string[] = [];
    const rbac = new RbacAuthorizer();
    await rbac.start({
      follow: async (resource, onEvent: (event: ObjectEvent) => void) => {
        followed.push(resource);
        if (resource.endsWith('/roles')) onEvent({ type: 'ADDED', object: podReader });
      },
    });
    expect(followed, 'the resources followed').toEqual([
      'rbac.authorization.k8s.io/roles',
      'rbac.authorization.k8s.io/clusterroles',
      'rbac.authorization.k8s.io/rolebindings',
      'rbac.authorization.k8s.io/clusterrolebindings',
    ]);
    expect(
      rbac.rulesOfRole({ kind: 'Role', name: 'pod-reader' }, 'dev'),
      'the role fed in',
    ).toEqual(podReader.rules);
  });

  test('authorizers in turn: system:masters always, then the first decision, else a refusal with the reasons', () => {
    const says = (decision: 'allow' | 'deny' | 'no-opinion', reason: string) => ({
      start: async () => {},
      authorize: () => ({ decision, reason }),
    });
    const masters = { username: 'admin', groups: ['system:masters'] };
    expect(
      chainAuthorizers([]).authorize(ask('delete', 'nodes', { user: masters })).decision,
      'a master',
    ).toBe('allow');
    const chain = chainAuthorizers([
      says('no-opinion', 'not a node'),
      says('deny', 'no'),
      says('allow', 'yes'),
    ]);
    expect(chain.authorize(ask('get', 'pods')), 'the first that decides').toEqual({
      decision: 'deny',
      reason: 'no',
    });
    const none = chainAuthorizers([
      says('no-opinion', 'a'),
      says('no-opinion', ''),
      says('no-opinion', 'b'),
    ]);
    expect(none.authorize(ask('get', 'pods')), 'nobody decides').toEqual({
      decision: 'no-opinion',
      reason: 'a, b',
    });
  });

  test("the 403 says what was asked, by whom and where, in kube-apiserver's words", () => {
    expect(
      forbiddenMessage(ask('get', 'pods', { name: 'web', namespace: 'dev' }), ''),
      'one pod',
    ).toBe(
      'pods "web" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "dev"',
    );
    expect(
      forbiddenMessage(ask('list', 'deployments', { apiGroup: 'apps' }), ''),
      'a cluster-wide list',
    ).toBe(
      'deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" at the cluster scope',
    );
    expect(
      forbiddenMessage(
        ask('get', 'pods', { subresource: 'log', name: 'web', namespace: 'dev' }),
        'why',
      ),
      'a log',
    ).toBe(
      'pods "web" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "dev": why',
    );
    expect(
      forbiddenMessage({ ...ask('get', ''), resourceRequest: false, path: '/metrics' }, ''),
      'a path',
    ).toBe('forbidden: User "alice" cannot get path "/metrics"');
  });
});
