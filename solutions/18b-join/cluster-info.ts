// Discovery: how a joining machine finds out which API server to trust, before it trusts anything.
// kubeadm publishes the cluster's CA and address as the `cluster-info` ConfigMap in kube-public,
// readable by anyone (even unauthenticated). Anyone could fake such an answer, so two checks make it
// trustworthy:
//
//   - the bootstrap signer (in the controller-manager) signs the ConfigMap's kubeconfig with every
//     bootstrap token meant for signing, as a detached JWS (RFC 7515, appendix F) under
//     `jws-kubeconfig-<token id>`: HMAC-SHA256 keyed by the token's secret. Only who knows the token
//     can make that signature, so a joiner holding the token knows the answer came from the cluster;
//   - the joiner pins the CA: `--discovery-token-ca-cert-hash sha256:<hex>` is the SHA-256 of the
//     CA certificate's public key (its DER SubjectPublicKeyInfo), and the CA in the answer must
//     have it. Then the token alone cannot be used to send the joiner to another cluster.
import { createHash, createHmac, timingSafeEqual, X509Certificate } from 'node:crypto';
import { parse } from 'yaml';
import type { ConfigMap, Secret } from '../../harness/api/types.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import {
  isExpired,
  secretField,
  BOOTSTRAP_TOKEN_TYPE,
  type BootstrapToken,
} from './bootstrap-tokens.ts';

/** Where kubeadm publishes the cluster's address and CA. */
export const CLUSTER_INFO = { namespace: 'kube-public', name: 'cluster-info' };
/** The prefix of the signatures' keys in cluster-info's data. */
export const SIGNATURE_PREFIX = 'jws-kubeconfig-';

/**
 * cluster-info's kubeconfig: one cluster with no name, its server and its CA (base64, inline), no
 * users and no contexts, as kubeadm writes it.
 */
export function clusterInfoKubeconfig(server: string, caPem: string): string {
  return [
    'apiVersion: v1',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${Buffer.from(caPem).toString('base64')}`,
    `    server: ${server}`,
    '  name: ""',
    'contexts: null',
    'current-context: ""',
    'kind: Config',
    'preferences: {}',
    'users: null',
    '',
  ].join('\n');
}

/** The cluster a kubeconfig's first entry names: its server and CA (PEM). */
export function clusterOf(kubeconfig: string): { server: string; ca: string } {
  const config = parse(kubeconfig) as {
    clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
  } | null;
  const cluster = config?.clusters?.[0]?.cluster;
  const caData = cluster?.['certificate-authority-data'];
  if (!cluster?.server || !caData) {
    throw new Error('the cluster-info kubeconfig names no server or no certificate-authority-data');
  }
  return { server: cluster.server, ca: Buffer.from(caData, 'base64').toString('utf8') };
}

const base64url = (bytes: string | Buffer) => Buffer.from(bytes).toString('base64url');

/**
 * A detached JWS of `content` with `token`: the protected header {"alg":"HS256","kid":<id>} and
 * the content, each base64url, joined by a dot and signed with HMAC-SHA256 keyed by the token's
 * secret; the answer is "<header>..<signature>", the content left out (it travels beside it).
 */
export function detachedSignature(content: string, token: BootstrapToken): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', kid: token.id }));
  const signingInput = `${header}.${base64url(content)}`;
  const signature = createHmac('sha256', token.secret).update(signingInput).digest();
  return `${header}..${base64url(signature)}`;
}

/** The tokens the bootstrap signer signs with: bootstrap tokens for signing, not expired. */
export function signingTokens(secrets: Secret[], now: number): BootstrapToken[] {
  return secrets
    .filter((secret) => secret.type === BOOTSTRAP_TOKEN_TYPE)
    .filter((secret) => secretField(secret, 'usage-bootstrap-signing') === 'true')
    .filter((secret) => !isExpired(secret, now))
    .map((secret) => ({
      id: secretField(secret, 'token-id') ?? '',
      secret: secretField(secret, 'token-secret') ?? '',
    }))
    .filter((token) => token.id !== '' && token.secret !== '');
}

/**
 * cluster-info's data as the signer wants it: the kubeconfig, and one signature per token and no
 * other (a deleted or expired token's goes). Other keys are kept.
 */
export function signedData(configMap: ConfigMap, tokens: BootstrapToken[]): Record<string, string> {
  const data = configMap.data ?? {};
  const kept = Object.entries(data).filter(([key]) => !key.startsWith(SIGNATURE_PREFIX));
  const kubeconfig = data.kubeconfig;
  if (kubeconfig === undefined) return Object.fromEntries(kept);
  const signatures = tokens.map(
    (token) => [`${SIGNATURE_PREFIX}${token.id}`, detachedSignature(kubeconfig, token)] as const,
  );
  return Object.fromEntries([...kept, ...signatures]);
}

/**
 * The joiner's check of cluster-info with its token: the kubeconfig, once its signature under the
 * token's id is the one the token makes. Throws kubeadm's errors otherwise.
 */
export function verifyClusterInfo(configMap: ConfigMap, token: BootstrapToken): string {
  const kubeconfig = configMap.data?.kubeconfig;
  if (kubeconfig === undefined) {
    throw new Error('there is no "kubeconfig" key in the cluster-info ConfigMap');
  }
  const signature = configMap.data?.[`${SIGNATURE_PREFIX}${token.id}`];
  if (signature === undefined) {
    throw new Error(
      `token id "${token.id}" is invalid for this cluster or it has expired. Use "kata token create" on the control-plane node to create a new valid token`,
    );
  }
  const expected = Buffer.from(detachedSignature(kubeconfig, token));
  const actual = Buffer.from(signature);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new Error(
      "failed to verify JWS signature of received cluster info object, can't trust this API Server",
    );
  }
  return kubeconfig;
}

/** The CA's pin: "sha256:" and the hex SHA-256 of its public key's DER SubjectPublicKeyInfo. */
export function caCertHash(caPem: string): string {
  const spki = new X509Certificate(caPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

/** Throws kubeadm's error unless the CA's pin is one of `pins`. */
export function checkPinnedCa(caPem: string, pins: string[]): void {
  const hash = caCertHash(caPem);
  if (!pins.map((pin) => pin.toLowerCase()).includes(hash)) {
    throw new Error(
      `cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${hash}" are pinned`,
    );
  }
}

/** The same keys with the same values, in any order. */
function sameData(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

export interface BootstrapSignerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  now?: () => number;
}

/**
 * The bootstrap signer (kube-controller-manager's `bootstrapsigner`): whenever cluster-info or a
 * token Secret in kube-system changes, cluster-info is signed again with the tokens of now.
 */
export class BootstrapSigner {
  private readonly options: BootstrapSignerOptions;
  private readonly secrets: Informer<Secret>;
  private readonly configMaps: Informer<ConfigMap>;

  constructor(options: BootstrapSignerOptions) {
    this.options = options;
    const { toolkit, client } = options;
    this.secrets = toolkit.createInformer(client.resource<Secret>('secrets', 'kube-system'));
    this.configMaps = toolkit.createInformer(
      client.resource<ConfigMap>('configmaps', CLUSTER_INFO.namespace),
    );
  }

  async run(signal: AbortSignal): Promise<void> {
    const controller = this.options.toolkit.createController({
      name: 'bootstrap-signer',
      reconcile: () => this.reconcile(),
    });
    const clusterInfoKey = `${CLUSTER_INFO.namespace}/${CLUSTER_INFO.name}`;
    controller.watch(this.secrets, () => [clusterInfoKey]);
    controller.watch(this.configMaps, () => [clusterInfoKey]);
    await controller.run(signal);
  }

  /** Signs cluster-info with the tokens of now, when its signatures are not those already. */
  async reconcile(): Promise<void> {
    const current = this.configMaps.get(`${CLUSTER_INFO.namespace}/${CLUSTER_INFO.name}`);
    if (!current) return;
    const now = (this.options.now ?? Date.now)();
    const data = signedData(current, signingTokens(this.secrets.list(), now));
    if (sameData(data, current.data ?? {})) return;
    const client = this.options.client.resource<ConfigMap>('configmaps', CLUSTER_INFO.namespace);
    await client.update({ ...current, data });
  }
}

export function createBootstrapSigner(options: BootstrapSignerOptions): BootstrapSigner {
  return new BootstrapSigner(options);
}
