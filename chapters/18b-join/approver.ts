// The CSR approver and signer, two controllers of kube-controller-manager (`csrapproving`,
// `csrsigning`). The approver knows one kind of request only: a kubelet's client certificate,
// CN system:node:<name> and O system:nodes, with client usages. It approves one when the requestor
// may ask for it, as RBAC says through a SubjectAccessReview on the subresource `nodeclient` (a new
// node, asking with its bootstrap token) or `selfnodeclient` (a node renewing its own). Everything
// else waits for a person. The signer issues what is approved, with the cluster's CA, for the
// signers it serves; a request its signer must not sign fails with a Failed condition.
import { NotImplemented } from '../../harness/not-implemented.ts';
import {
  readCertificateRequest,
  signCertificateRequest,
  type KeyPair,
  type RequestedSubject,
} from '../../harness/api/certificates.ts';
import type {
  CertificateSigningRequest,
  CertificateSigningRequestCondition,
} from '../../harness/api/types.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import { CLIENT_SIGNER, hasCondition, KUBELET_CLIENT_SIGNER, requestPem } from './csr.ts';

/** The usages a kubelet's client certificate may ask for (kube allows these three sets). */
const KUBELET_USAGES = [
  ['digital signature', 'client auth'],
  ['digital signature', 'key encipherment', 'client auth'],
  ['key encipherment', 'client auth'],
];

/** Whether a request asks for a kubelet's client certificate: its signer, subject and usages. */
export function isNodeClientRequest(
  csr: CertificateSigningRequest,
  subject: RequestedSubject,
): boolean {
  throw new NotImplemented('isNodeClientRequest', '§ The approver and the signer');
}

/**
 * Which permission approving it needs: `selfnodeclient` when a node asks for its own name again,
 * `nodeclient` for a kubelet certificate asked by anyone else; undefined when it is not a
 * kubelet's client certificate at all.
 */
export function approvalPermission(
  csr: CertificateSigningRequest,
  subject: RequestedSubject,
): 'nodeclient' | 'selfnodeclient' | undefined {
  throw new NotImplemented('approvalPermission', '§ The approver and the signer');
}

/** The condition the approver adds, in kube's words. */
export function autoApproved(now: number): CertificateSigningRequestCondition {
  throw new NotImplemented('autoApproved', '§ The approver and the signer');
}

/** What the controllers need of the API beyond a resource client. */
export interface CertificatesApi {
  /** PUT certificatesigningrequests/<name>/approval with the CSR's conditions. */
  updateApproval(csr: CertificateSigningRequest): Promise<CertificateSigningRequest>;
  /**
   * A SubjectAccessReview: may the CSR's requestor (spec.username, groups, uid, extra) create
   * certificatesigningrequests/<subresource> in certificates.k8s.io?
   */
  mayCreate(csr: CertificateSigningRequest, subresource: string): Promise<boolean>;
}

export interface CsrControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  certificates: CertificatesApi;
  now?: () => number;
}

/** The approver: pending kubelet client requests whose requestor may ask, approved. */
export class CsrApprover {
  private readonly options: CsrControllerOptions;
  private readonly requests: Informer<CertificateSigningRequest>;

  constructor(options: CsrControllerOptions) {
    throw new NotImplemented('CsrApprover constructor', '§ The approver and the signer');
  }

  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('CsrApprover.run', '§ The approver and the signer');
  }

  /** Approves the CSR under `name` when it is pending, recognized, and its requestor may ask. */
  async reconcile(name: string): Promise<void> {
    throw new NotImplemented('CsrApprover.reconcile', '§ The approver and the signer');
  }
}

/**
 * Why the signer must not sign a request, or undefined when it may: a kubelet's client
 * certificate must be one; a plain client one must ask for client auth.
 */
export function signingProblem(
  csr: CertificateSigningRequest,
  subject: RequestedSubject,
): string | undefined {
  throw new NotImplemented('signingProblem', '§ The approver and the signer');
}

export interface CsrSignerOptions extends CsrControllerOptions {
  /** The cluster's CA (--cluster-signing-cert-file and --cluster-signing-key-file). */
  ca: KeyPair;
  /** How long an issued certificate lasts, at most (--cluster-signing-duration): a year. */
  durationSeconds?: number;
}

/** The signer: approved requests for its signers get a certificate, or a Failed condition. */
export class CsrSigner {
  private readonly options: CsrSignerOptions;
  private readonly requests: Informer<CertificateSigningRequest>;

  constructor(options: CsrSignerOptions) {
    throw new NotImplemented('CsrSigner constructor', '§ The approver and the signer');
  }

  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('CsrSigner.run', '§ The approver and the signer');
  }

  /** Signs the CSR under `name` once it is Approved, not Denied nor Failed, and not issued. */
  async reconcile(name: string): Promise<void> {
    throw new NotImplemented('CsrSigner.reconcile', '§ The approver and the signer');
  }
}

export function createCsrApprover(options: CsrControllerOptions): CsrApprover {
  throw new NotImplemented('createCsrApprover', '§ The approver and the signer');
}

export function createCsrSigner(options: CsrSignerOptions): CsrSigner {
  throw new NotImplemented('createCsrSigner', '§ The approver and the signer');
}
