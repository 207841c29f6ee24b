// Bootstrap tokens: how a machine that has nothing yet (no certificate, no kubeconfig) proves it
// may join the cluster. A token is "<id>.<secret>", six and sixteen characters of [a-z0-9]. The
// cluster keeps it as a Secret in kube-system, `bootstrap-token-<id>`, of type
// `bootstrap.kubernetes.io/token`; the API server's bootstrap token authenticator takes
// `Authorization: Bearer <id>.<secret>` to be the user `system:bootstrap:<id>`, in the group
// `system:bootstrappers` and the groups the Secret adds (kubeadm's
// `system:bootstrappers:kubeadm:default-node-token`). The token expires; RBAC lets that group do
// little more than ask for a certificate.
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
  const match = TOKEN_PATTERN.exec(token);
  if (!match) {
    throw new Error(`the bootstrap token "${token}" was not of the form "${TOKEN_PATTERN.source}"`);
  }
  return { id: match[1]!, secret: match[2]! };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A new token: each character drawn from [a-z0-9] with `random` (numbers in [0, 1)). */
export function generateToken(random: () => number): string {
  const draw = (length: number) =>
    Array.from({ length }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('');
  return `${draw(6)}.${draw(16)}`;
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
  const ttl = options.ttlSeconds ?? 24 * 60 * 60;
  const fields: Record<string, string> = {
    'token-id': token.id,
    'token-secret': token.secret,
    ...(ttl > 0 ? { expiration: rfc3339(options.now + ttl * 1000) } : {}),
    'usage-bootstrap-authentication': 'true',
    'usage-bootstrap-signing': 'true',
    'auth-extra-groups': (options.groups ?? [DEFAULT_NODE_TOKEN_GROUP]).join(','),
    ...(options.description ? { description: options.description } : {}),
  };
  const data = Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
  );
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `bootstrap-token-${token.id}`, namespace: 'kube-system' },
    type: BOOTSTRAP_TOKEN_TYPE,
    data,
  };
}

/** A time as Kubernetes writes it: RFC 3339, in UTC, to the second. */
function rfc3339(milliseconds: number): string {
  return new Date(milliseconds).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** One field of a Secret as text: from stringData, else decoded from data. */
export function secretField(secret: Secret, key: string): string | undefined {
  const plain = secret.stringData?.[key];
  if (plain !== undefined) return plain;
  const encoded = secret.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

/** Whether a token Secret has expired at `now` (one without an expiration never does). */
export function isExpired(secret: Secret, now: number): boolean {
  const expiration = secretField(secret, 'expiration');
  return expiration !== undefined && !(Date.parse(expiration) > now);
}

/** The same text in constant time, so a wrong secret's answer tells nothing of the right one. */
function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
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
  if (secret.type !== BOOTSTRAP_TOKEN_TYPE) return undefined;
  if (secretField(secret, 'token-id') !== token.id) return undefined;
  if (!sameSecret(secretField(secret, 'token-secret') ?? '', token.secret)) return undefined;
  if (isExpired(secret, now)) return undefined;
  if (secretField(secret, 'usage-bootstrap-authentication') !== 'true') return undefined;
  const extra = (secretField(secret, 'auth-extra-groups') ?? '')
    .split(',')
    .map((group) => group.trim())
    .filter((group) => group !== '');
  return {
    username: `system:bootstrap:${token.id}`,
    groups: [BOOTSTRAPPERS, ...extra, 'system:authenticated'],
  };
}

/**
 * The API server's bootstrap token authenticator: it follows Secrets and keeps those in
 * kube-system by name. A bearer token not shaped as a bootstrap token is not its business
 * (undefined); one shaped so that no Secret makes valid is refused with 401 Unauthorized.
 */
export function bootstrapTokenAuthenticator(now: () => number = Date.now): Authenticator {
  const secrets = new Map<string, Secret>();
  const observe = ({ type, object }: ObjectEvent) => {
    if (object.metadata.namespace !== 'kube-system') return;
    if (type === 'DELETED') secrets.delete(object.metadata.name!);
    else secrets.set(object.metadata.name!, object as Secret);
  };
  return {
    start: (feed) => feed.follow('secrets', observe),
    authenticate({ authorization }) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      if (!match || !TOKEN_PATTERN.test(match[1]!)) return undefined;
      const token = parseToken(match[1]!);
      const secret = secrets.get(`bootstrap-token-${token.id}`);
      const user = secret && tokenUser(secret, token, now());
      if (!user) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      return user;
    },
  };
}
