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
import { NotImplemented } from '../../harness/not-implemented.ts';
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
  throw new NotImplemented('clusterInfoKubeconfig', '§ Discovery');
}

/** The cluster a kubeconfig's first entry names: its server and CA (PEM). */
export function clusterOf(kubeconfig: string): { server: string; ca: string } {
  throw new NotImplemented('clusterOf', '§ Discovery');
}

const base64url = (bytes: string | Buffer) => Buffer.from(bytes).toString('base64url');

/**
 * A detached JWS of `content` with `token`: the protected header {"alg":"HS256","kid":<id>} and
 * the content, each base64url, joined by a dot and signed with HMAC-SHA256 keyed by the token's
 * secret; the answer is "<header>..<signature>", the content left out (it travels beside it).
 */
export function detachedSignature(content: string, token: BootstrapToken): string {
  throw new NotImplemented('detachedSignature', '§ Discovery');
}

/** The tokens the bootstrap signer signs with: bootstrap tokens for signing, not expired. */
export function signingTokens(secrets: Secret[], now: number): BootstrapToken[] {
  throw new NotImplemented('signingTokens', '§ Discovery');
}

/**
 * cluster-info's data as the signer wants it: the kubeconfig, and one signature per token and no
 * other (a deleted or expired token's goes). Other keys are kept.
 */
export function signedData(configMap: ConfigMap, tokens: BootstrapToken[]): Record<string, string> {
  throw new NotImplemented('signedData', '§ Discovery');
}

/**
 * The joiner's check of cluster-info with its token: the kubeconfig, once its signature under the
 * token's id is the one the token makes. Throws kubeadm's errors otherwise.
 */
export function verifyClusterInfo(configMap: ConfigMap, token: BootstrapToken): string {
  throw new NotImplemented('verifyClusterInfo', '§ Discovery');
}

/** The CA's pin: "sha256:" and the hex SHA-256 of its public key's DER SubjectPublicKeyInfo. */
export function caCertHash(caPem: string): string {
  throw new NotImplemented('caCertHash', '§ Discovery');
}

/** Throws kubeadm's error unless the CA's pin is one of `pins`. */
export function checkPinnedCa(caPem: string, pins: string[]): void {
  throw new NotImplemented('checkPinnedCa', '§ Discovery');
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
    throw new NotImplemented('BootstrapSigner constructor', '§ Discovery');
  }

  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('BootstrapSigner.run', '§ Discovery');
  }

  /** Signs cluster-info with the tokens of now, when its signatures are not those already. */
  async reconcile(): Promise<void> {
    throw new NotImplemented('BootstrapSigner.reconcile', '§ Discovery');
  }
}

export function createBootstrapSigner(options: BootstrapSignerOptions): BootstrapSigner {
  throw new NotImplemented('createBootstrapSigner', '§ Discovery');
}
