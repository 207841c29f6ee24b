// Bootstrap tokens: how a machine that has nothing yet (no certificate, no kubeconfig) proves it
// may join the cluster. A token is "<id>.<secret>", six and sixteen characters of [a-z0-9]. The
// cluster keeps it as a Secret in kube-system, `bootstrap-token-<id>`, of type
// `bootstrap.kubernetes.io/token`; the API server's bootstrap token authenticator takes
// `Authorization: Bearer <id>.<secret>` to be the user `system:bootstrap:<id>`, in the group
// `system:bootstrappers` and the groups the Secret adds (kubeadm's
// `system:bootstrappers:kubeadm:default-node-token`). The token expires; RBAC lets that group do
// little more than ask for a certificate.
import { NotImplemented } from '../../harness/not-implemented.ts';
import { timingSafeEqual } from 'node:crypto';
import { ApiError } from '../../harness/api/errors.ts';
import type { Secret } from '../../harness/api/types.ts';
import type { Authenticator, UserInfo } from '../../harness/contracts/security.ts';
import type { ObjectEvent } from '../../harness/api/object-watch.ts';

/** The shape of a bootstrap token, as kubeadm and the authenticator check it. */
export const TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
/** The Secret type that marks a bootstrap token. */
export const BOOTSTRAP_TOKEN_TYPE = 'bootstrap.kubernetes.io/token';
/** The group every bootstrap token's user is in. */
export const BOOTSTRAPPERS = 'system:bootstrappers';
/** The extra group kubeadm gives its join tokens, which its RBAC bindings name. */
export const DEFAULT_NODE_TOKEN_GROUP = 'system:bootstrappers:kubeadm:default-node-token';

/** A token's two halves. */
export interface BootstrapToken {
  id: string;
  secret: string;
}

/** Splits "<id>.<secret>"; throws kubeadm's error for anything else. */
export function parseToken(token: string): BootstrapToken {
  throw new NotImplemented('parseToken', '§ Bootstrap tokens');
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A new token: each character drawn from [a-z0-9] with `random` (numbers in [0, 1)). */
export function generateToken(random: () => number): string {
  throw new NotImplemented('generateToken', '§ Bootstrap tokens');
}

/** What `kata token create` says of a new token. */
export interface TokenOptions {
  /** Now, in milliseconds since the epoch. */
  now: number;
  /** How long it lives; 24 hours by default (kubeadm's --ttl). 0: for ever. */
  ttlSeconds?: number;
  description?: string;
  /** Groups besides system:bootstrappers; kubeadm's default node token group by default. */
  groups?: string[];
}

/**
 * The Secret that makes `token` valid: kube-system/bootstrap-token-<id>, its fields base64 in
 * `data`: token-id, token-secret, expiration (RFC 3339, none with a ttl of 0),
 * usage-bootstrap-authentication and usage-bootstrap-signing "true", auth-extra-groups (comma
 * separated) and the description when there is one.
 */
export function tokenSecret(token: BootstrapToken, options: TokenOptions): Secret {
  throw new NotImplemented('tokenSecret', '§ Bootstrap tokens');
}

/** One field of a Secret as text: from stringData, else decoded from data. */
export function secretField(secret: Secret, key: string): string | undefined {
  throw new NotImplemented('secretField', '§ Bootstrap tokens');
}

/** Whether a token Secret has expired at `now` (one without an expiration never does). */
export function isExpired(secret: Secret, now: number): boolean {
  throw new NotImplemented('isExpired', '§ Bootstrap tokens');
}

/**
 * Who `token` is, by its Secret: system:bootstrap:<id>, in system:bootstrappers, the Secret's
 * auth-extra-groups and system:authenticated. Undefined (not this token) when the Secret is not a
 * bootstrap token, its secret differs, it has expired, or it is not for authentication.
 */
export function tokenUser(
  secret: Secret,
  token: BootstrapToken,
  now: number,
): UserInfo | undefined {
  throw new NotImplemented('tokenUser', '§ Bootstrap tokens');
}

/**
 * The API server's bootstrap token authenticator: it follows Secrets and keeps those in
 * kube-system by name. A bearer token not shaped as a bootstrap token is not its business
 * (undefined); one shaped so that no Secret makes valid is refused with 401 Unauthorized.
 */
export function bootstrapTokenAuthenticator(now: () => number = Date.now): Authenticator {
  throw new NotImplemented('bootstrapTokenAuthenticator', '§ Bootstrap tokens');
}
