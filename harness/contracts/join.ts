// Chapter 18b's contract with the harness: what the API server (the bootstrap token
// authenticator, the CSR admission and approval subresource), the controller-manager (the bootstrap
// signer, the CSR approver and signer) and `kata token create` / `kata join` load from it.
import type { Subresource } from '../api/machinery.ts';
import type { KeyPair } from '../api/certificates.ts';
import type { CertificateSigningRequest, ConfigMap, Secret } from '../api/types.ts';
import type { ApiClient, Toolkit } from '../client/types.ts';
import type { Authenticator, ExternalAdmissionPlugin } from './security.ts';

/** A bootstrap token's two halves. */
export interface BootstrapTokenParts {
  id: string;
  secret: string;
}

/** A controller-manager loop. */
export interface RunningLoop {
  run(signal: AbortSignal): Promise<void>;
}

/** What the CSR approver needs of the API beyond a resource client. */
export interface CertificatesApiContract {
  updateApproval(csr: CertificateSigningRequest): Promise<CertificateSigningRequest>;
  mayCreate(csr: CertificateSigningRequest, subresource: string): Promise<boolean>;
}

export interface BootstrapTokensModule {
  parseToken(token: string): BootstrapTokenParts;
  generateToken(random: () => number): string;
  tokenSecret(
    token: BootstrapTokenParts,
    options: { now: number; ttlSeconds?: number; description?: string; groups?: string[] },
  ): Secret;
  bootstrapTokenAuthenticator(now?: () => number): Authenticator;
}

export interface ClusterInfoModule {
  clusterInfoKubeconfig(server: string, caPem: string): string;
  caCertHash(caPem: string): string;
  createBootstrapSigner(options: { toolkit: Toolkit; client: ApiClient }): RunningLoop;
}

export interface CsrModule {
  csrAdmission(): ExternalAdmissionPlugin;
  approvalSubresource: Subresource;
}

export interface ApproverModule {
  createCsrApprover(options: {
    toolkit: Toolkit;
    client: ApiClient;
    certificates: CertificatesApiContract;
  }): RunningLoop;
  createCsrSigner(options: {
    toolkit: Toolkit;
    client: ApiClient;
    certificates: CertificatesApiContract;
    ca: KeyPair;
    durationSeconds?: number;
  }): RunningLoop;
}

export interface JoinModule {
  discover(
    clusterInfo: ConfigMap,
    token: BootstrapTokenParts,
    pins: string[],
  ): { server: string; ca: string };
  nodeCsr(requestPem: string): CertificateSigningRequest;
  issuedCertificate(csr: CertificateSigningRequest): string | undefined;
}
