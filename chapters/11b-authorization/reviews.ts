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
import { NotImplemented } from '../../harness/not-implemented.ts';

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
  throw new NotImplemented('attributesOfReview', '§ Reviews and impersonation');
}

/** The posted review with its status: allowed, and the authorizer's reason when there is one. */
export function accessReviewAnswer(
  review: KubeObject,
  authorizer: Authorizer,
  user: UserInfo,
): KubeObject {
  throw new NotImplemented('accessReviewAnswer', '§ Reviews and impersonation');
}

/** A SelfSubjectRulesReview's status: the user's rules in the namespace, as RBAC holds them. */
export function rulesReviewStatus(rules: PolicyRule[]): Record<string, unknown> {
  throw new NotImplemented('rulesReviewStatus', '§ Reviews and impersonation');
}

/** The four review resources, answered from the authorizer chain and RBAC's rules. */
export function reviewHandlers(authorizer: Authorizer, rbac: RbacAuthorizer): ReviewHandler[] {
  throw new NotImplemented('reviewHandlers', '§ Reviews and impersonation');
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
  throw new NotImplemented('impersonationAttributes', '§ Reviews and impersonation');
}

/** The groups an impersonated user ends with: the asked ones, and those every such user has. */
export function impersonatedGroups(username: string, asked: string[]): string[] {
  throw new NotImplemented('impersonatedGroups', '§ Reviews and impersonation');
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
  throw new NotImplemented('impersonate', '§ Reviews and impersonation');
}
