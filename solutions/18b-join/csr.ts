// CertificateSigningRequests (certificates.k8s.io/v1): how a client gets a certificate from the
// cluster's CA without ever holding the CA's key. The client makes a key pair, posts a PKCS#10
// request for the subject it wants; the API server records who asked (spec.username and groups,
// never taken from the client); someone approves it (a person with `kubectl certificate approve`,
// or the CSR approver for kubelets); then the signer named in spec.signerName issues the
// certificate into status.certificate, and the client reads it back.
//
//   create (username set by the server) → Approved (approval subresource) → signed (status)
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
  return Buffer.from(csr.spec?.request ?? '', 'base64').toString('utf8');
}

/**
 * A create as the API server stores it: spec.username, uid, groups and extra are the requesting
 * user's, whatever the client sent; the status starts empty.
 */
export function withRequestor(
  csr: CertificateSigningRequest,
  user: UserInfo,
): CertificateSigningRequest {
  const spec = { ...csr.spec, username: user.username, groups: [...user.groups] };
  if (user.uid) spec.uid = user.uid;
  else delete spec.uid;
  if (user.extra) spec.extra = user.extra;
  else delete spec.extra;
  const { status: _ignored, ...rest } = csr;
  return { ...rest, spec };
}

/** The conditions of a CSR, or none. */
const conditionsOf = (csr: CertificateSigningRequest) => csr.status?.conditions ?? [];

/** Whether a condition of that type is True. */
export function hasCondition(
  csr: CertificateSigningRequest,
  type: CertificateSigningRequestCondition['type'],
): boolean {
  return conditionsOf(csr).some(
    (condition) => condition.type === type && condition.status === 'True',
  );
}

/**
 * kube's rules for a CSR: spec.request is a PEM CERTIFICATE REQUEST, spec.signerName and
 * spec.usages are given and each usage is known; and no CSR is both Approved and Denied.
 */
export function validateCsr(csr: CertificateSigningRequest): FieldError[] {
  const errors: FieldError[] = [];
  if (!csr.spec?.request) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.request' });
  } else if (!/-----BEGIN CERTIFICATE REQUEST-----/.test(requestPem(csr))) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'spec.request',
      value: '<certificate data>',
      detail: 'PEM block type must be CERTIFICATE REQUEST',
    });
  }
  if (!csr.spec?.signerName) errors.push({ type: 'FieldValueRequired', field: 'spec.signerName' });
  const usages = csr.spec?.usages ?? [];
  if (usages.length === 0) errors.push({ type: 'FieldValueRequired', field: 'spec.usages' });
  usages.forEach((usage, index) => {
    if (!KEY_USAGES.includes(usage)) {
      errors.push({
        type: 'FieldValueNotSupported',
        field: `spec.usages[${index}]`,
        value: usage,
        detail: `supported values: ${KEY_USAGES.map((known) => `"${known}"`).join(', ')}`,
      });
    }
  });
  if (hasCondition(csr, 'Approved') && hasCondition(csr, 'Denied')) {
    const index = conditionsOf(csr).findIndex((condition) => condition.type === 'Denied');
    errors.push({
      type: 'FieldValueInvalid',
      field: `status.conditions[${index}].type`,
      value: 'Denied',
      detail: 'Approved and Denied conditions are mutually exclusive',
    });
  }
  return errors;
}

/** A field error in words, as Status messages write it. */
function describe(error: FieldError): string {
  const what = {
    FieldValueRequired: 'Required value',
    FieldValueInvalid: `Invalid value: ${JSON.stringify(error.value)}`,
    FieldValueNotSupported: `Unsupported value: ${JSON.stringify(error.value)}`,
    FieldValueDuplicate: `Duplicate value: ${JSON.stringify(error.value)}`,
    FieldValueForbidden: 'Forbidden',
    FieldValueTooLong: 'Too long',
  }[error.type];
  return `${error.field}: ${error.detail ? `${what}: ${error.detail}` : what}`;
}

/** The 422 Invalid of a CSR that breaks the rules. */
export function invalidCsr(name: string, errors: FieldError[]): ApiError {
  const lines = errors.map(describe);
  const joined = lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`;
  return new ApiError(
    422,
    'Invalid',
    `CertificateSigningRequest.certificates.k8s.io "${name}" is invalid: ${joined}`,
    {
      name,
      group: 'certificates.k8s.io',
      kind: 'CertificateSigningRequest',
      causes: errors.map((error) => ({
        reason: error.type,
        message: describe(error),
        field: error.field,
      })),
    },
  );
}

/**
 * The admission plugin that stands in for kube's CSR create strategy: a created CSR gets its
 * requestor from the request's user, then must be valid; an update of the CSR must stay valid.
 */
export function csrAdmission(): ExternalAdmissionPlugin {
  return {
    name: 'CertificateSigningRequest',
    async admit(request) {
      if (request.resource.resource !== 'certificatesigningrequests' || !request.object) return;
      const csr = request.object as CertificateSigningRequest;
      if (request.operation === 'CREATE') {
        const made = withRequestor(csr, request.user);
        for (const key of Object.keys(csr)) delete csr[key];
        Object.assign(csr, made);
      }
      const errors = validateCsr(csr);
      if (errors.length > 0) throw invalidCsr(csr.metadata.name ?? '', errors);
    },
  };
}

/**
 * The approval subresource (PUT certificatesigningrequests/<name>/approval): only the Approved and
 * Denied conditions of the body count; the rest of the stored CSR stays. Both at once: 422.
 */
export const approvalSubresource: Subresource = {
  name: 'approval',
  get: (parent) => parent,
  update(parent, body) {
    const csr = parent as CertificateSigningRequest;
    const wanted = conditionsOf(body as CertificateSigningRequest).filter(
      (condition) => condition.type === 'Approved' || condition.type === 'Denied',
    );
    const others = conditionsOf(csr).filter(
      (condition) => condition.type !== 'Approved' && condition.type !== 'Denied',
    );
    const next: CertificateSigningRequest = {
      ...csr,
      status: { ...csr.status, conditions: [...wanted, ...others] },
    };
    const errors = validateCsr(next).filter((error) => error.field.startsWith('status.'));
    if (errors.length > 0) throw invalidCsr(csr.metadata.name ?? '', errors);
    return next;
  },
};
