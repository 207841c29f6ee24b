// The CSR approver and signer, two controllers of kube-controller-manager (`csrapproving`,
// `csrsigning`). The approver knows one kind of request only: a kubelet's client certificate,
// CN system:node:<name> and O system:nodes, with client usages. It approves one when the requestor
// may ask for it, as RBAC says through a SubjectAccessReview on the subresource `nodeclient` (a new
// node, asking with its bootstrap token) or `selfnodeclient` (a node renewing its own). Everything
// else waits for a person. The signer issues what is approved, with the cluster's CA, for the
// signers it serves; a request its signer must not sign fails with a Failed condition.
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

/** Whether the usages are one of the allowed sets, in any order. */
function kubeletUsages(usages: string[] = []): boolean {
  const asked = [...usages].sort().join(',');
  return KUBELET_USAGES.some((set) => [...set].sort().join(',') === asked);
}

/** Whether a request asks for a kubelet's client certificate: its signer, subject and usages. */
export function isNodeClientRequest(
  csr: CertificateSigningRequest,
  subject: RequestedSubject,
): boolean {
  return (
    csr.spec.signerName === KUBELET_CLIENT_SIGNER &&
    subject.organizations.length === 1 &&
    subject.organizations[0] === 'system:nodes' &&
    subject.commonName.startsWith('system:node:') &&
    kubeletUsages(csr.spec.usages)
  );
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
  if (!isNodeClientRequest(csr, subject)) return undefined;
  return csr.spec.username === subject.commonName ? 'selfnodeclient' : 'nodeclient';
}

/** The condition the approver adds, in kube's words. */
export function autoApproved(now: number): CertificateSigningRequestCondition {
  return {
    type: 'Approved',
    status: 'True',
    reason: 'AutoApproved',
    message: 'Auto approving kubelet client certificate after SubjectAccessReview.',
    lastUpdateTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
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

/** The CSRs of the cluster, as both controllers watch them. */
function csrInformer({ toolkit, client }: CsrControllerOptions) {
  return toolkit.createInformer(
    client.resource<CertificateSigningRequest>('certificatesigningrequests'),
  );
}

/** The approver: pending kubelet client requests whose requestor may ask, approved. */
export class CsrApprover {
  private readonly options: CsrControllerOptions;
  private readonly requests: Informer<CertificateSigningRequest>;

  constructor(options: CsrControllerOptions) {
    this.options = options;
    this.requests = csrInformer(options);
  }

  async run(signal: AbortSignal): Promise<void> {
    const controller = this.options.toolkit.createController({
      name: 'csrapproving',
      reconcile: (key) => this.reconcile(key),
    });
    controller.watch(this.requests);
    await controller.run(signal);
  }

  /** Approves the CSR under `name` when it is pending, recognized, and its requestor may ask. */
  async reconcile(name: string): Promise<void> {
    const csr = this.requests.get(name);
    if (!csr || hasCondition(csr, 'Approved') || hasCondition(csr, 'Denied')) return;
    if (csr.status?.certificate) return;
    let subject: RequestedSubject;
    try {
      subject = await readCertificateRequest(requestPem(csr));
    } catch {
      return; // not a request the approver can read: a person decides
    }
    const permission = approvalPermission(csr, subject);
    if (!permission || !(await this.options.certificates.mayCreate(csr, permission))) return;
    const now = (this.options.now ?? Date.now)();
    const conditions = [...(csr.status?.conditions ?? []), autoApproved(now)];
    await this.options.certificates.updateApproval({
      ...csr,
      status: { ...csr.status, conditions },
    });
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
  if (csr.spec.signerName === KUBELET_CLIENT_SIGNER && !isNodeClientRequest(csr, subject)) {
    return 'invalid certificate request: subject must be CN=system:node:<name>, O=system:nodes, with client usages';
  }
  if (csr.spec.signerName === CLIENT_SIGNER && !csr.spec.usages?.includes('client auth')) {
    return 'invalid usage for client certificate: client auth is required';
  }
  return undefined;
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
    this.options = options;
    this.requests = csrInformer(options);
  }

  async run(signal: AbortSignal): Promise<void> {
    const controller = this.options.toolkit.createController({
      name: 'csrsigning',
      reconcile: (key) => this.reconcile(key),
    });
    controller.watch(this.requests);
    await controller.run(signal);
  }

  /** Signs the CSR under `name` once it is Approved, not Denied nor Failed, and not issued. */
  async reconcile(name: string): Promise<void> {
    const csr = this.requests.get(name);
    if (!csr || !hasCondition(csr, 'Approved') || hasCondition(csr, 'Denied')) return;
    if (hasCondition(csr, 'Failed') || csr.status?.certificate) return;
    if (csr.spec.signerName !== KUBELET_CLIENT_SIGNER && csr.spec.signerName !== CLIENT_SIGNER)
      return;
    const status = { ...csr.status };
    const problem = await readCertificateRequest(requestPem(csr)).then(
      (subject) => signingProblem(csr, subject),
      (error: Error) => `unable to parse csr: ${error.message}`,
    );
    if (problem) {
      status.conditions = [...(status.conditions ?? []), this.failed(problem)];
    } else {
      const certificate = await signCertificateRequest(
        this.options.ca,
        requestPem(csr),
        this.days(csr),
      );
      status.certificate = Buffer.from(certificate).toString('base64');
    }
    await this.options.client
      .resource<CertificateSigningRequest>('certificatesigningrequests')
      .updateStatus({ ...csr, status });
  }

  /** The certificate's life in days: the request's expirationSeconds, within the signer's duration. */
  private days(csr: CertificateSigningRequest): number {
    const limit = this.options.durationSeconds ?? 365 * 24 * 60 * 60;
    const asked = csr.spec.expirationSeconds ?? limit;
    return Math.min(asked, limit) / (24 * 60 * 60);
  }

  private failed(message: string): CertificateSigningRequestCondition {
    const at = new Date((this.options.now ?? Date.now)()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      type: 'Failed',
      status: 'True',
      reason: 'SignerValidationFailure',
      message,
      lastUpdateTime: at,
    };
  }
}

export function createCsrApprover(options: CsrControllerOptions): CsrApprover {
  return new CsrApprover(options);
}

export function createCsrSigner(options: CsrSignerOptions): CsrSigner {
  return new CsrSigner(options);
}
