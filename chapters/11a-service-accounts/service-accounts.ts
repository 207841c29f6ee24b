// ServiceAccounts: identities for programs. A pod runs as a ServiceAccount of its namespace
// (`default` unless it names another), and proves it to the API server with a token the server
// itself issued: a JSON Web Token signed with the cluster's service-account key. The API server
// checks the signature, the expiry and that the account still exists with the same uid (a token
// of a deleted account is worthless, even if a new account of the same name was made), and the
// request is then the user system:serviceaccount:<namespace>:<name>, in the groups
// system:serviceaccounts and system:serviceaccounts:<namespace>.
//
//   kubectl create token ci   → POST .../serviceaccounts/ci/token (a TokenRequest) → a JWT
//   Authorization: Bearer <JWT> → verified → system:serviceaccount:dev:ci
//
// kube-apiserver: pkg/serviceaccount (the JWT claims and their checks), pkg/registry/core/
// serviceaccount (TokenRequest); the `default` account is made by kube-controller-manager's
// serviceaccount controller.
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { ApiError } from '../../harness/api/errors.ts';
import type { ObjectEvent } from '../../harness/api/object-watch.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type {
  AdmissionStore,
  Authenticator,
  ObjectFeed,
  ReviewHandler,
  ServiceAccountSecurity,
  UserInfo,
} from '../../harness/contracts/security.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

/** What a ServiceAccount token says (the claims kube-apiserver writes). */
export interface TokenClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: { name: string; uid: string };
    /** The object the token is bound to (TokenRequest's boundObjectRef): it dies with it. */
    pod?: { name: string; uid: string };
    secret?: { name: string; uid: string };
  };
}

/** base64url of bytes or a string, without padding (JWT's encoding). */
export function base64url(input: Buffer | string): string {
  throw new NotImplemented('base64url', '§ Tokens');
}

/** The claims of a token for one account, valid `seconds` from `now` (seconds since 1970). */
export function tokenClaims(
  account: { namespace: string; name: string; uid: string },
  issuer: string,
  audiences: string[],
  now: number,
  seconds: number,
): TokenClaims {
  throw new NotImplemented('tokenClaims', '§ Tokens');
}

/** A JWT: header.claims.signature, ES256 (ECDSA P-256 with SHA-256) by the private key. */
export function signToken(claims: TokenClaims, privateKey: KeyObject): string {
  throw new NotImplemented('signToken', '§ Tokens');
}

/** The 401 for a token that proves nothing, with why (for the server's log, not the client). */
export function invalidToken(why: string): ApiError {
  throw new NotImplemented('invalidToken', '§ Tokens');
}

/** Whether a bearer token looks like a JWT (three base64url parts), not a token file's. */
export function looksLikeJwt(token: string): boolean {
  throw new NotImplemented('looksLikeJwt', '§ Tokens');
}

/**
 * The claims of a token signed by `publicKey` for `audience` and valid at `now`; a 401 naming
 * why otherwise: malformed, another algorithm, a bad signature, expired, not yet valid, or for
 * another audience or issuer.
 */
export function verifyToken(
  token: string,
  publicKey: KeyObject,
  issuer: string,
  now: number,
): TokenClaims {
  throw new NotImplemented('verifyToken', '§ Tokens');
}

/** The user a ServiceAccount is, with its groups and uid. */
export function serviceAccountUser(namespace: string, name: string, uid: string): UserInfo {
  throw new NotImplemented('serviceAccountUser', '§ Accounts and TokenRequest');
}

/** The kinds a token may be bound to, and the resources they are followed as. */
export const BINDABLE_KINDS: Record<string, string> = { Pod: 'pods', Secret: 'secrets' };

/** An object a token may be bound to, as the authenticator knows it. */
export interface BindableObject {
  uid: string;
  /** A pod's spec.serviceAccountName: a token for another account cannot be bound to it. */
  serviceAccountName?: string;
}

/**
 * The cluster's ServiceAccounts as the authenticator knows them ("<ns>/<name>" → uid), and the
 * objects tokens may be bound to ("Pod/<ns>/<name>", "Secret/<ns>/<name>").
 */
export class ServiceAccounts {
  readonly uids = new Map<string, string>();
  readonly bindable = new Map<string, BindableObject>();

  async start(feed: ObjectFeed): Promise<void> {
    throw new NotImplemented('ServiceAccounts.start', '§ Accounts and TokenRequest');
  }

  observe({ type, object }: ObjectEvent): void {
    throw new NotImplemented('ServiceAccounts.observe', '§ Accounts and TokenRequest');
  }

  /** A pod or secret came, changed or went. */
  observeBindable(kind: string, { type, object }: ObjectEvent): void {
    throw new NotImplemented('ServiceAccounts.observeBindable', '§ Tokens bound to a pod');
  }
}

/** How tokens are checked and made: the cluster's key pair, issuer and clock (seconds). */
export interface TokenSettings {
  privateKey: KeyObject;
  issuer: string;
  now: () => number;
}

/**
 * The ServiceAccount token authenticator: a JWT bearer token is verified, and its account must
 * still exist with the uid in the token (401 otherwise). Other tokens: no opinion.
 */
export function serviceAccountAuthenticator(
  accounts: ServiceAccounts,
  settings: TokenSettings,
): Authenticator {
  throw new NotImplemented('serviceAccountAuthenticator', '§ Accounts and TokenRequest');
}

/**
 * The user of a token bound to a pod or a secret, while that object exists with the uid the
 * token names (a 401 otherwise): the account, with the pod in `extra` as kube names it.
 */
export function boundUser(
  accounts: ServiceAccounts,
  claims: TokenClaims,
  user: UserInfo,
): UserInfo {
  throw new NotImplemented('boundUser', '§ Tokens bound to a pod');
}

/** What TokenRequest's spec.boundObjectRef names. */
export interface BoundObjectRef {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
}

/**
 * The object a token asked for `account` is bound to, as the claims name it: a Pod or a Secret of
 * the account's namespace that exists (404 otherwise), with the uid the reference gives, if any
 * (409: it was deleted and made again), and for a pod, one that runs as this account (400).
 * Any other kind is a 400, in kube-apiserver's words.
 */
export function boundObject(
  accounts: ServiceAccounts,
  namespace: string,
  account: string,
  ref: BoundObjectRef,
): { pod?: { name: string; uid: string }; secret?: { name: string; uid: string } } {
  throw new NotImplemented('boundObject', '§ Tokens bound to a pod');
}

/**
 * TokenRequest (POST serviceaccounts/<name>/token, `kubectl create token`): a token for an
 * existing account, for the asked audiences (the issuer by default) and lifetime (an hour by
 * default, ten minutes at least), answered in status.token and status.expirationTimestamp. With
 * spec.boundObjectRef the token names that object and is worth nothing once it is gone.
 */
export function tokenRequestHandler(
  accounts: ServiceAccounts,
  settings: TokenSettings,
): ReviewHandler {
  throw new NotImplemented('tokenRequestHandler', '§ Accounts and TokenRequest');
}

/**
 * The ServiceAccount controller: every namespace has a `default` account. Follows namespaces and
 * creates the account in each that lacks it.
 */
export class DefaultServiceAccountController {
  async start(feed: ObjectFeed, store: AdmissionStore): Promise<void> {
    throw new NotImplemented(
      'DefaultServiceAccountController.start',
      '§ Accounts and TokenRequest',
    );
  }

  /** Creates `default` in the namespace unless it exists or the namespace is going away. */
  async ensureDefault(store: AdmissionStore, namespace: KubeObject): Promise<void> {
    throw new NotImplemented(
      'DefaultServiceAccountController.ensureDefault',
      '§ Accounts and TokenRequest',
    );
  }
}

/** What the API server is handed for ServiceAccounts: their authenticator, TokenRequest, the controller. */
export function createServiceAccountSecurity(settings: TokenSettings): ServiceAccountSecurity {
  throw new NotImplemented('createServiceAccountSecurity', '§ On the API server');
}
