// Asking the authorizer instead of trying: the review resources and impersonation.
//
//   SelfSubjectAccessReview   "may I do this?"          kubectl auth can-i create pods
//   SelfSubjectRulesReview    "what may I do here?"     kubectl auth can-i --list -n dev
//   SubjectAccessReview       "may they do this?"       a webhook, a proxy, an admin's check
//   SelfSubjectReview         "who am I?"               kubectl auth whoami
//
// Each is created, never stored: the server answers the posted object with its status filled.
// Impersonation lets a user act as another (`kubectl --as jane`): the Impersonate-User and
// Impersonate-Group headers are honoured only when the real user may `impersonate` those users
// and groups, and from then on the request is the other user's, for authorization and audit.
import { ApiError } from '../../harness/api/errors.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type {
  Authorizer,
  RequestAttributes,
  ReviewHandler,
  UserInfo,
} from '../../harness/contracts/security.ts';
import { forbiddenMessage, type PolicyRule, type RbacAuthorizer } from './rbac.ts';

/** A review's spec.resourceAttributes or spec.nonResourceAttributes (authorization/v1). */
interface ReviewSpec {
  resourceAttributes?: {
    namespace?: string;
    verb?: string;
    group?: string;
    resource?: string;
    subresource?: string;
    name?: string;
  };
  nonResourceAttributes?: { path?: string; verb?: string };
  user?: string;
  groups?: string[];
  uid?: string;
  namespace?: string;
}

/** The request a review's spec describes, for `user`. */
export function attributesOfReview(spec: ReviewSpec, user: UserInfo): RequestAttributes {
  const resource = spec.resourceAttributes;
  if (resource) {
    return {
      user,
      verb: resource.verb ?? '',
      resourceRequest: true,
      apiGroup: resource.group ?? '',
      resource: resource.resource ?? '',
      subresource: resource.subresource || undefined,
      namespace: resource.namespace || undefined,
      name: resource.name || undefined,
    };
  }
  const path = spec.nonResourceAttributes;
  if (!path) {
    throw new ApiError(
      422,
      'Invalid',
      'spec.resourceAttributes: Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
    );
  }
  return {
    user,
    verb: path.verb ?? '',
    resourceRequest: false,
    apiGroup: '',
    resource: '',
    path: path.path ?? '',
  };
}

/** The posted review with its status: allowed, and the authorizer's reason when there is one. */
export function accessReviewAnswer(
  review: KubeObject,
  authorizer: Authorizer,
  user: UserInfo,
): KubeObject {
  const decision = authorizer.authorize(attributesOfReview(review.spec as ReviewSpec, user));
  const status: Record<string, unknown> = { allowed: decision.decision === 'allow' };
  if (decision.decision === 'deny') status.denied = true;
  if (decision.reason) status.reason = decision.reason;
  return { ...review, status };
}

/** A SelfSubjectRulesReview's status: the user's rules in the namespace, as RBAC holds them. */
export function rulesReviewStatus(rules: PolicyRule[]): Record<string, unknown> {
  const resourceRules = rules
    .filter((rule) => rule.resources?.length)
    .map((rule) => ({
      verbs: rule.verbs,
      apiGroups: rule.apiGroups ?? [],
      resources: rule.resources,
      ...(rule.resourceNames?.length ? { resourceNames: rule.resourceNames } : {}),
    }));
  const nonResourceRules = rules
    .filter((rule) => rule.nonResourceURLs?.length)
    .map((rule) => ({ verbs: rule.verbs, nonResourceURLs: rule.nonResourceURLs }));
  return { resourceRules, nonResourceRules, incomplete: false };
}

/** The four review resources, answered from the authorizer chain and RBAC's rules. */
export function reviewHandlers(authorizer: Authorizer, rbac: RbacAuthorizer): ReviewHandler[] {
  return [
    {
      resource: 'authorization.k8s.io/selfsubjectaccessreviews',
      review: (object, user) => accessReviewAnswer(object, authorizer, user),
    },
    {
      resource: 'authorization.k8s.io/subjectaccessreviews',
      review: (object, _user) => {
        const spec = object.spec as ReviewSpec;
        const subject = { username: spec.user ?? '', groups: spec.groups ?? [], uid: spec.uid };
        return accessReviewAnswer(object, authorizer, subject);
      },
    },
    {
      resource: 'authorization.k8s.io/selfsubjectrulesreviews',
      review: (object, user) => {
        const namespace = (object.spec as ReviewSpec | undefined)?.namespace || undefined;
        const rules = [
          ...rbac.rulesFor(user, undefined),
          ...(namespace ? rbac.rulesFor(user, namespace) : []),
        ];
        const unique = [...new Map(rules.map((rule) => [JSON.stringify(rule), rule])).values()];
        return { ...object, status: rulesReviewStatus(unique) };
      },
    },
    {
      resource: 'authentication.k8s.io/selfsubjectreviews',
      review: (object, user) => ({
        ...object,
        status: {
          userInfo: {
            username: user.username,
            groups: user.groups,
            ...(user.uid ? { uid: user.uid } : {}),
            ...(user.extra ? { extra: user.extra } : {}),
          },
        },
      }),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Impersonation
// ---------------------------------------------------------------------------------------------

/** The request that impersonating `name` of `kind` stands for (kube's impersonation filter). */
export function impersonationAttributes(
  user: UserInfo,
  kind: 'user' | 'group',
  name: string,
): RequestAttributes {
  const serviceAccount = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
  if (kind === 'user' && serviceAccount) {
    return {
      user,
      verb: 'impersonate',
      resourceRequest: true,
      apiGroup: '',
      resource: 'serviceaccounts',
      namespace: serviceAccount[1],
      name: serviceAccount[2],
    };
  }
  return {
    user,
    verb: 'impersonate',
    resourceRequest: true,
    apiGroup: '',
    resource: kind === 'user' ? 'users' : 'groups',
    name,
  };
}

/** The groups an impersonated user ends with: the asked ones, and those every such user has. */
export function impersonatedGroups(username: string, asked: string[]): string[] {
  const groups = [...asked];
  const serviceAccount = /^system:serviceaccount:([^:]+):/.exec(username);
  if (serviceAccount)
    groups.push('system:serviceaccounts', `system:serviceaccounts:${serviceAccount[1]}`);
  if (username !== 'system:anonymous' && !groups.includes('system:authenticated')) {
    groups.push('system:authenticated');
  }
  return groups;
}

/**
 * The user a request acts as: the real user, or, with Impersonate-User (and Impersonate-Group),
 * the one named, once the authorizer allowed the real user to impersonate each. 403 otherwise.
 */
export function impersonate(
  authorizer: Authorizer,
  user: UserInfo,
  headers: Record<string, string | string[] | undefined>,
): UserInfo {
  const all = (name: string) => [headers[name] ?? []].flat();
  const [username] = all('impersonate-user');
  const groups = all('impersonate-group');
  if (username === undefined) {
    if (groups.length > 0) {
      throw new ApiError(
        400,
        'BadRequest',
        `requested ${JSON.stringify(groups)} without impersonating a user`,
      );
    }
    return user;
  }
  const wanted = [
    impersonationAttributes(user, 'user', username),
    ...groups.map((group) => impersonationAttributes(user, 'group', group)),
  ];
  for (const attributes of wanted) {
    const decision = authorizer.authorize(attributes);
    if (decision.decision !== 'allow') {
      throw new ApiError(403, 'Forbidden', forbiddenMessage(attributes, decision.reason), {
        name: attributes.name,
        kind: attributes.resource,
      });
    }
  }
  return { username, groups: impersonatedGroups(username, groups) };
}
