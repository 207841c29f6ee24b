// CertificateSigningRequests (certificates.k8s.io/v1): how a client gets a certificate from the
// cluster's CA without ever holding the CA's key. The client makes a key pair, posts a PKCS#10
// request for the subject it wants; the API server records who asked (spec.username and groups,
// never taken from the client); someone approves it (a person with `kubectl certificate approve`,
// or the CSR approver for kubelets); then the signer named in spec.signerName issues the
// certificate into status.certificate, and the client reads it back.
//
//   create (username set by the server) → Approved (approval subresource) → signed (status)
import { NotImplemented } from '../../harness/not-implemented.ts';
import { ApiError, type FieldError } from '../../harness/api/errors.ts';
import type {
  CertificateSigningRequest,
  CertificateSigningRequestCondition,
} from '../../harness/api/types.ts';
import type { Subresource } from '../../harness/api/machinery.ts';
import type { ExternalAdmissionPlugin, UserInfo } from '../../harness/contracts/security.ts';

/** The signer of kubelets' client certificates (CN system:node:<name>, O system:nodes). */
export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
/** The signer of other client certificates for the API server. */
export const CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';

/** The key usages a request may name (certificates.k8s.io's KeyUsage values). */
export const KEY_USAGES = [
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
];

/** The request's PEM text, decoded from spec.request's base64. */
export function requestPem(csr: CertificateSigningRequest): string {
  throw new NotImplemented('requestPem', '§ Certificate signing requests');
}

/**
 * A create as the API server stores it: spec.username, uid, groups and extra are the requesting
 * user's, whatever the client sent; the status starts empty.
 */
export function withRequestor(
  csr: CertificateSigningRequest,
  user: UserInfo,
): CertificateSigningRequest {
  throw new NotImplemented('withRequestor', '§ Certificate signing requests');
}

/** The conditions of a CSR, or none. */
const conditionsOf = (csr: CertificateSigningRequest) => csr.status?.conditions ?? [];

/** Whether a condition of that type is True. */
export function hasCondition(
  csr: CertificateSigningRequest,
  type: CertificateSigningRequestCondition['type'],
): boolean {
  throw new NotImplemented('hasCondition', '§ Certificate signing requests');
}

/**
 * kube's rules for a CSR: spec.request is a PEM CERTIFICATE REQUEST, spec.signerName and
 * spec.usages are given and each usage is known; and no CSR is both Approved and Denied.
 */
export function validateCsr(csr: CertificateSigningRequest): FieldError[] {
  throw new NotImplemented('validateCsr', '§ Certificate signing requests');
}

/** The 422 Invalid of a CSR that breaks the rules. */
export function invalidCsr(name: string, errors: FieldError[]): ApiError {
  throw new NotImplemented('invalidCsr', '§ Certificate signing requests');
}

/**
 * The admission plugin that stands in for kube's CSR create strategy: a created CSR gets its
 * requestor from the request's user, then must be valid; an update of the CSR must stay valid.
 */
export function csrAdmission(): ExternalAdmissionPlugin {
  throw new NotImplemented('csrAdmission', '§ Certificate signing requests');
}

/**
 * The approval subresource (PUT certificatesigningrequests/<name>/approval): only the Approved and
 * Denied conditions of the body count; the rest of the stored CSR stays. Both at once: 422.
 */
export const approvalSubresource: Subresource = {
  name: 'approval',
  get: (parent) => parent,
  update(parent, body) {
    throw new NotImplemented('approvalSubresource.update', '§ Certificate signing requests');
  },
};
