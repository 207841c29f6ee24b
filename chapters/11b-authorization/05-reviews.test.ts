// Asking instead of trying: access reviews, rules reviews, whoami, and impersonation.
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type { UserInfo } from '../../harness/contracts/security.ts';
import { chainAuthorizers, RbacAuthorizer } from './rbac.ts';
import {
  accessReviewAnswer,
  attributesOfReview,
  impersonate,
  impersonatedGroups,
  impersonationAttributes,
  reviewHandlers,
  rulesReviewStatus,
} from './reviews.ts';

const alice: UserInfo = { username: 'alice', groups: ['system:authenticated'] };

/** RBAC where alice may list pods in dev and impersonate the user jane (and nobody else). */
function rbac(): RbacAuthorizer {
  const authorizer = new RbacAuthorizer();
  const objects: KubeObject[] = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'lister' },
      rules: [
        { verbs: ['list'], apiGroups: [''], resources: ['pods'] },
        { verbs: ['get'], nonResourceURLs: ['/healthz'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'as-jane' },
      rules: [
        { verbs: ['impersonate'], apiGroups: [''], resources: ['users'], resourceNames: ['jane'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'a', namespace: 'dev' },
      roleRef: { kind: 'ClusterRole', name: 'lister' },
      subjects: [{ kind: 'User', name: 'alice' }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'b' },
      roleRef: { kind: 'ClusterRole', name: 'as-jane' },
      subjects: [{ kind: 'User', name: 'alice' }],
    },
  ];
  for (const object of objects) authorizer.observe({ type: 'ADDED', object });
  return authorizer;
}

/** A SelfSubjectAccessReview of `verb` `resource` in `namespace`. */
function accessReview(verb: string, resource: string, namespace?: string): KubeObject {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: {},
    spec: { resourceAttributes: { verb, resource, ...(namespace ? { namespace } : {}) } },
  };
}

describe('Reviews and impersonation', () => {
  test("a review's attributes are the request it describes, for the user asking", () => {
    const review = accessReview('list', 'pods', 'dev');
    expect(attributesOfReview(review.spec as object, alice), 'list pods in dev').toEqual({
      user: alice,
      verb: 'list',
      resourceRequest: true,
      apiGroup: '',
      resource: 'pods',
      subresource: undefined,
      namespace: 'dev',
      name: undefined,
    });
    expect(
      attributesOfReview({ nonResourceAttributes: { path: '/healthz', verb: 'get' } }, alice).path,
      'a path',
    ).toBe('/healthz');
    expect(
      () => attributesOfReview({}, alice),
      'a review with neither attributes is a 422',
    ).toThrow(ApiError);
  });

  test('a SelfSubjectAccessReview answers allowed, as kubectl auth can-i reads it', () => {
    const chain = chainAuthorizers([rbac()]);
    expect(
      accessReviewAnswer(accessReview('list', 'pods', 'dev'), chain, alice).status,
      'can-i list pods -n dev',
    ).toMatchObject({ allowed: true });
    expect(
      accessReviewAnswer(accessReview('list', 'pods', 'prod'), chain, alice).status,
      'can-i list pods -n prod',
    ).toEqual({ allowed: false });
    const denying = {
      start: async () => {},
      authorize: () => ({ decision: 'deny' as const, reason: 'never' }),
    };
    expect(
      accessReviewAnswer(accessReview('get', 'pods'), denying, alice).status,
      'an explicit deny',
    ).toEqual({
      allowed: false,
      denied: true,
      reason: 'never',
    });
  });

  test('the other reviews: for someone else, the rules held, and who am I', () => {
    const authorizer = rbac();
    const [, subject, rules, whoami] = reviewHandlers(chainAuthorizers([authorizer]), authorizer);
    const forAlice: KubeObject = {
      ...accessReview('list', 'pods', 'dev'),
      kind: 'SubjectAccessReview',
    };
    (forAlice.spec as Record<string, unknown>).user = 'alice';
    expect(
      subject!.review(forAlice, { username: 'admin', groups: [] }).status,
      'may alice list pods in dev',
    ).toMatchObject({ allowed: true });
    const listed = rules!.review(
      {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectRulesReview',
        metadata: {},
        spec: { namespace: 'dev' },
      },
      alice,
    );
    expect(
      (listed.status as { resourceRules: unknown[] }).resourceRules,
      "alice's rules in dev, each once",
    ).toEqual([
      { verbs: ['impersonate'], apiGroups: [''], resources: ['users'], resourceNames: ['jane'] },
      { verbs: ['list'], apiGroups: [''], resources: ['pods'] },
    ]);
    expect(rulesReviewStatus([]), 'no rules').toEqual({
      resourceRules: [],
      nonResourceRules: [],
      incomplete: false,
    });
    expect(
      (listed.status as { nonResourceRules: unknown[] }).nonResourceRules,
      'her path rules',
    ).toEqual([{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]);
    expect(
      whoami!.review(
        { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} },
        alice,
      ).status,
      'whoami',
    ).toEqual({
      userInfo: { username: 'alice', groups: ['system:authenticated'] },
    });
  });

  test('impersonating a user, a group or a ServiceAccount asks for the impersonate verb on it', () => {
    expect(impersonationAttributes(alice, 'user', 'jane'), 'a user').toMatchObject({
      verb: 'impersonate',
      resource: 'users',
      name: 'jane',
    });
    expect(impersonationAttributes(alice, 'group', 'ops'), 'a group').toMatchObject({
      resource: 'groups',
      name: 'ops',
    });
    expect(
      impersonationAttributes(alice, 'user', 'system:serviceaccount:dev:ci'),
      'an account',
    ).toMatchObject({
      resource: 'serviceaccounts',
      namespace: 'dev',
      name: 'ci',
    });
    expect(impersonatedGroups('system:serviceaccount:dev:ci', []), "an account's groups").toEqual([
      'system:serviceaccounts',
      'system:serviceaccounts:dev',
      'system:authenticated',
    ]);
  });

  test('Impersonate-User is honoured only with the impersonate verb: 403 otherwise', () => {
    const chain = chainAuthorizers([rbac()]);
    expect(impersonate(chain, alice, {}), 'no headers: the real user').toBe(alice);
    expect(impersonate(chain, alice, { 'impersonate-user': ['jane'] }), 'alice as jane').toEqual({
      username: 'jane',
      groups: ['system:authenticated'],
    });
    let refusal: ApiError | undefined;
    try {
      impersonate(chain, alice, {
        'impersonate-user': ['admin'],
        'impersonate-group': ['system:masters'],
      });
    } catch (error) {
      refusal = error as ApiError;
    }
    expect(refusal?.code, 'alice as admin').toBe(403);
    expect(refusal?.message, "the refusal's words").toBe(
      'users "admin" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope',
    );
    expect(
      () => impersonate(chain, alice, { 'impersonate-group': ['x'] }),
      'a group without a user is a 400',
    ).toThrow(ApiError);
  });
});
