// Bootstrap token Secrets as the harness's own tools read them (`kata token list`, the token
// cleaner): chapter 18b builds tokens, their Secrets and the authenticator; these few reads are
// what a CLI and a controller outside the chapter need. A token <id>.<secret> is the Secret
// kube-system/bootstrap-token-<id> of type bootstrap.kubernetes.io/token, its fields in `data`.
import type { Secret } from './types.ts';

/** The Secret type that marks a bootstrap token. */
export const bootstrapTokenType = 'bootstrap.kubernetes.io/token';
/** The namespace every bootstrap token Secret is in. */
export const bootstrapTokenNamespace = 'kube-system';

/** One field of a token Secret as text: from stringData, else decoded from data (base64). */
export function tokenSecretField(secret: Secret, key: string): string | undefined {
  const plain = secret.stringData?.[key];
  if (plain !== undefined) return plain;
  const encoded = secret.data?.[key];
  return encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
}

/**
 * When the token expires, in milliseconds since the epoch: undefined when it never does (no
 * `expiration`), NaN when its expiration is not a time, which kube takes as already expired.
 */
export function tokenExpiry(secret: Secret): number | undefined {
  const expiration = tokenSecretField(secret, 'expiration');
  return expiration === undefined || expiration === '' ? undefined : Date.parse(expiration);
}
