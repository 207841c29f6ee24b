// The joining node's side (`kata join`, as `kubeadm join` and the kubelet's TLS bootstrap do it):
//
//   1. discovery: read cluster-info (anonymously, trusting nothing yet), check its signature with
//      the token and the CA's pin: now the node knows the API server and trusts its CA;
//   2. with the token as its credential, post a CertificateSigningRequest for
//      CN=system:node:<name>, O=system:nodes to the kubelet client signer;
//   3. once the approver has approved it and the signer issued it, write the kubelet's kubeconfig
//      with that certificate: from then on the node is system:node:<name>, and the Node authorizer
//      lets it do a node's work. The token is not used again.
import { createHash } from 'node:crypto';
import type { CertificateSigningRequest, ConfigMap } from '../../harness/api/types.ts';
import type { BootstrapToken } from './bootstrap-tokens.ts';
import { checkPinnedCa, clusterOf, verifyClusterInfo } from './cluster-info.ts';
import { hasCondition, KUBELET_CLIENT_SIGNER } from './csr.ts';

/** What discovery learns: where the API server is and the CA to trust it by. */
export interface DiscoveredCluster {
  server: string;
  ca: string;
}

/**
 * Discovery: cluster-info's kubeconfig, verified with the token, and its CA checked against the
 * pins. Throws the first check's error that fails.
 */
export function discover(
  clusterInfo: ConfigMap,
  token: BootstrapToken,
  pins: string[],
): DiscoveredCluster {
  const kubeconfig = verifyClusterInfo(clusterInfo, token);
  const cluster = clusterOf(kubeconfig);
  checkPinnedCa(cluster.ca, pins);
  return cluster;
}

/**
 * The CSR a joining kubelet posts for its PEM request: named node-csr-<32 hex digits of the
 * request's SHA-256> (kube's kubelet uses base64url, which this server's names do not allow)
 * (the same request, the same name), for the kubelet client signer, usages digital signature and
 * client auth.
 */
export function nodeCsr(requestPem: string): CertificateSigningRequest {
  const digest = createHash('sha256').update(requestPem).digest('hex').slice(0, 32);
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name: `node-csr-${digest}` },
    spec: {
      request: Buffer.from(requestPem).toString('base64'),
      signerName: KUBELET_CLIENT_SIGNER,
      usages: ['digital signature', 'client auth'],
    },
  };
}

/**
 * What became of the CSR: the issued certificate (PEM), or undefined while it waits. A Denied or
 * Failed request throws, with its reason and message.
 */
export function issuedCertificate(csr: CertificateSigningRequest): string | undefined {
  for (const type of ['Denied', 'Failed'] as const) {
    if (!hasCondition(csr, type)) continue;
    const condition = csr.status!.conditions!.find((candidate) => candidate.type === type)!;
    throw new Error(
      `certificate signing request ${csr.metadata.name} is ${type.toLowerCase()}, reason: ${condition.reason ?? ''}, message: ${condition.message ?? ''}`,
    );
  }
  const certificate = csr.status?.certificate;
  return certificate ? Buffer.from(certificate, 'base64').toString('utf8') : undefined;
}
