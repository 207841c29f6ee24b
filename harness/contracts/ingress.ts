// Chapter 15b's module, as the harness uses it: `kata run ingress` starts the ingress controller
// (controller.ts) on the toolkit and a client, with its ports, the IngressClass controller name it
// answers to, the Service whose address it publishes, and its default certificate.
import type { KeyPair } from '../api/certificates.ts';
import type { ApiClient, Toolkit } from '../client/types.ts';

/** Where one of the controller's servers listens: port 0 picks a free one. */
export interface ListenAddress {
  host: string;
  port: number;
}

export interface IngressControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** The IngressClass spec.controller this controller answers to: "kubekata.dev/ingress". */
  controller: string;
  /** --publish-service: "namespace/name" of the Service in front of the controller. */
  publishService?: string;
  http: ListenAddress;
  https: ListenAddress;
  /**
   * Served to a TLS client whose server name no Ingress has a certificate for. RSA, so that SNI
   * certificates of either key type win over it (selfSignedRsaCertificate says why).
   */
  defaultCertificate: KeyPair;
  log?: (line: string) => void;
}

export interface RunningIngressController {
  /** http://host:port and https://host:port, with the ports chosen. */
  httpUrl: string;
  httpsUrl: string;
  close(): Promise<void>;
}

/** controller.ts. */
export interface IngressModule {
  startIngressController: (options: IngressControllerOptions) => Promise<RunningIngressController>;
}
