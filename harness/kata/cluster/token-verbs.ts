// `kata token list` and `kata token delete`: the bootstrap tokens of a cluster, as kubeadm shows
// and revokes them (chapter 18b). A token is a Secret kube-system/bootstrap-token-<id> of type
// bootstrap.kubernetes.io/token; listing reads those Secrets, deleting removes one, after which
// the token no longer authenticates and no longer signs cluster-info.
//
//   kata token list               TOKEN TTL EXPIRES USAGES DESCRIPTION EXTRA GROUPS
//   kata token delete abcdef      or the whole token, abcdef.0123456789abcdef
import {
  bootstrapTokenNamespace,
  bootstrapTokenType,
  tokenSecretField as field,
} from '../../api/bootstrap-token-secrets.ts';
import type { Secret } from '../../api/types.ts';
import { readKubeconfig } from '../../client/kubeconfig.ts';
import { KataError } from '../output.ts';
import { kubeconfigPath } from './cluster-verbs.ts';
import { send } from './join-verbs.ts';

type Flags = Record<string, string | boolean | undefined>;

const TOKEN_ID = /^([a-z0-9]{6})$/;
const WHOLE_TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

/**
 * A duration as kubectl and kubeadm print ages: 45s, 12m, 23h, 3d, 2y; "<invalid>" when it is
 * more than a second in the past (an expired token the cleaner has not removed yet) or not a
 * time at all.
 */
export function shortHumanDuration(milliseconds: number): string {
  const seconds = Math.floor(milliseconds / 1000);
  if (Number.isNaN(seconds) || seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  return `${Math.floor(hours / 24 / 365)}y`;
}

/**
 * The row `kubeadm token list` prints for a token Secret: the whole token, the time it has left
 * ("<forever>" without an expiration), when it expires ("<never>"), its usages (the
 * usage-bootstrap-<usage> fields that are "true", sorted), its description and extra groups
 * ("<none>" when empty).
 */
export function tokenRow(secret: Secret, now: number): string[] {
  const expiration = field(secret, 'expiration');
  const usages = Object.keys({ ...secret.data, ...secret.stringData })
    .filter((key) => key.startsWith('usage-bootstrap-') && field(secret, key) === 'true')
    .map((key) => key.slice('usage-bootstrap-'.length))
    .sort();
  const orNone = (text: string | undefined) => (text ? text : '<none>');
  return [
    `${field(secret, 'token-id') ?? ''}.${field(secret, 'token-secret') ?? ''}`,
    expiration ? shortHumanDuration(Date.parse(expiration) - now) : '<forever>',
    expiration ?? '<never>',
    orNone(usages.join(',')),
    orNone(field(secret, 'description')),
    orNone(field(secret, 'auth-extra-groups')),
  ];
}

/** The table of `kata token list`: a header, then a row per bootstrap token Secret, padded. */
export function tokenTable(secrets: Secret[], now: number): string[] {
  const header = ['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS'];
  const rows = [
    header,
    ...secrets
      .filter((secret) => secret.type === bootstrapTokenType)
      .map((secret) => tokenRow(secret, now)),
  ];
  const widths = header.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column]! + 3))
      .join('')
      .trimEnd(),
  );
}

/**
 * The token id in a token id or a whole token, as `kubeadm token delete` takes either; anything
 * else is refused in kubeadm's words.
 */
export function tokenIdOf(given: string): string {
  const match = TOKEN_ID.exec(given) ?? WHOLE_TOKEN.exec(given);
  if (!match) {
    throw new KataError(
      `given token "${given}" didn't match pattern "${TOKEN_ID.source}" or "${WHOLE_TOKEN.source}"`,
    );
  }
  return match[1]!;
}

/** The admin's server and bearer token (a TLS kubeconfig's certificate is presented by itself). */
function adminOf(flags: Flags) {
  const file = typeof flags.kubeconfig === 'string' ? flags.kubeconfig : kubeconfigPath;
  try {
    return readKubeconfig(file);
  } catch (error) {
    throw new KataError((error as Error).message);
  }
}

const secretsUrl = (server: string) =>
  `${server}/api/v1/namespaces/${bootstrapTokenNamespace}/secrets`;

/** `kata token list`: the cluster's bootstrap tokens. */
export async function listTokens(
  flags: Flags,
  print: (line: string) => void = console.log,
): Promise<number> {
  const config = adminOf(flags);
  const list = await send(secretsUrl(config.server), 'GET', undefined, config.token);
  for (const line of tokenTable((list as { items?: Secret[] }).items ?? [], Date.now()))
    print(line);
  return 0;
}

/** `kata token delete <id or token>`: deletes its Secret, so the token is valid no more. */
export async function deleteToken(
  given: string | undefined,
  flags: Flags,
  print: (line: string) => void = console.log,
): Promise<number> {
  if (!given) throw new KataError('kata token delete needs a token id or a token');
  const id = tokenIdOf(given);
  const config = adminOf(flags);
  const name = `bootstrap-token-${id}`;
  try {
    await send(`${secretsUrl(config.server)}/${name}`, 'DELETE', undefined, config.token);
  } catch (error) {
    if (/ 404 /.test((error as Error).message)) {
      throw new KataError(`bootstrap token "${id}" not found: no Secret kube-system/${name}`);
    }
    throw error;
  }
  print(`bootstrap token "${id}" deleted`);
  return 0;
}
