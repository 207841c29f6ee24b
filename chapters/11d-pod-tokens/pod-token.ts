// A pod's identity: every container finds, at /var/run/secrets/kubernetes.io/serviceaccount,
//
//   token       a ServiceAccount token the kubelet asked for through TokenRequest, bound to the pod
//   ca.crt      the cluster's CA (the kube-root-ca.crt ConfigMap of its namespace), to trust the server
//   namespace   the pod's namespace
//
// and KUBERNETES_SERVICE_HOST / KUBERNETES_SERVICE_PORT in its environment: the `kubernetes`
// Service, where the API server answers. With the three files and the two variables, any client
// library's "in-cluster config" calls the API server as the pod's ServiceAccount.
//
// This wraps the kubelet's PodConfiguration seam (harness/contracts/kubelet.ts) around chapter
// 10a's: preparePod writes the files (and renews the token once 80% of its life is gone, as the
// kubelet's token manager does), configureContainer mounts them and sets the variables. Last, the
// publisher that gives every namespace the kube-root-ca.crt ConfigMap ca.crt is read from.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  Container,
  ContainerStatus,
  EnvVar,
  KubeObject,
  Pod,
  PodStatus,
} from '../../harness/api/types.ts';
import { ApiError } from '../../harness/api/errors.ts';
import type { InitPlan, PodConfiguration } from '../../harness/contracts/kubelet.ts';
import type { AdmissionStore, ObjectFeed } from '../../harness/contracts/security.ts';
import type { PodTokenSettings } from '../../harness/contracts/webhooks.ts';
import type {
  ContainerConfig,
  ContainerStatus as RuntimeContainerStatus,
  PodSandboxStatus,
} from '../../harness/runtime/cri.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

/** The ConfigMap every namespace has, holding the cluster's CA in ca.crt. */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

/** Where a container finds its ServiceAccount's files. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The lifetime the kubelet asks for: an hour and seven seconds, as kube's admission sets it. */
export const TOKEN_SECONDS = 3607;

/** A TokenRequest (authentication.k8s.io/v1), as posted to serviceaccounts/<name>/token. */
export interface TokenRequest {
  apiVersion: 'authentication.k8s.io/v1';
  kind: 'TokenRequest';
  spec: {
    audiences: string[];
    expirationSeconds: number;
    boundObjectRef?: { apiVersion: string; kind: string; name: string; uid: string };
  };
  status?: { token: string; expirationTimestamp: string };
}

/** What the kubelet hands this module: its client, TokenRequest, its pods' directory, a clock. */
export type PodTokenOptions = PodTokenSettings;

/** Whether a pod gets a token: unless spec.automountServiceAccountToken is false. */
export function mountsToken(pod: Pod): boolean {
  throw new NotImplemented('mountsToken', "§ A pod's token");
}

/** The TokenRequest for a pod: the API server's audience, TOKEN_SECONDS, bound to the pod. */
export function podTokenRequest(pod: Pod): TokenRequest {
  throw new NotImplemented('podTokenRequest', "§ A pod's token");
}

/** A token the kubelet holds for a pod: the JWT, and when it was issued and ends (seconds). */
export interface HeldToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

/** Whether a held token is due for renewal: past 80% of its life (or none held yet). */
export function needsRenewal(held: HeldToken | undefined, now: number): boolean {
  throw new NotImplemented('needsRenewal', "§ A pod's token");
}

/**
 * The variables that find the API server, from the `kubernetes` Service's ClusterIP and port, as
 * the kubelet sets them for every container: KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT,
 * KUBERNETES_SERVICE_PORT_HTTPS, KUBERNETES_PORT=tcp://<ip>:<port> and KUBERNETES_PORT_<port>_TCP*.
 */
export function kubernetesServiceEnv(host: string, port: number): EnvVar[] {
  throw new NotImplemented('kubernetesServiceEnv', "§ A pod's token");
}
/** Chapter 10a's PodConfiguration, with a ServiceAccount token in every pod. */
export class PodTokens implements PodConfiguration {
  constructor(inner: PodConfiguration, options: PodTokenOptions) {
    throw new NotImplemented('PodTokens', "§ A pod's token");
  }

  /** Where a pod's ServiceAccount files are on the node. */
  tokenDir(pod: Pod): string {
    throw new NotImplemented('PodTokens.tokenDir', "§ A pod's token");
  }

  run(signal: AbortSignal, resync: (podKey: string) => void): Promise<void> {
    throw new NotImplemented('PodTokens.run', "§ A pod's token");
  }

  /**
   * Chapter 10a's preparePod, then (unless the pod opts out) the token asked for when none is
   * held or it is due for renewal, and the three files written. A refused TokenRequest is why the
   * volume cannot be set up (the kubelet's FailedMount message).
   */
  async preparePod(pod: Pod, sandbox: PodSandboxStatus): Promise<string | undefined> {
    throw new NotImplemented('PodTokens.preparePod', "§ A pod's token");
  }

  /**
   * Chapter 10a's config, then the token's directory mounted read-only at SERVICE_ACCOUNT_DIR
   * (unless the container mounts something there itself) and the API server's variables
   * (unless the container already has them).
   */
  async configureContainer(
    pod: Pod,
    container: Container,
    config: ContainerConfig,
    sandbox: PodSandboxStatus,
  ): Promise<ContainerConfig> {
    throw new NotImplemented('PodTokens.configureContainer', "§ A pod's token");
  }

  initPlan(pod: Pod, latest: ReadonlyMap<string, RuntimeContainerStatus | undefined>): InitPlan {
    throw new NotImplemented('PodTokens.initPlan', "§ A pod's token");
  }

  completeStatus(pod: Pod, status: PodStatus, initStatuses: ContainerStatus[]): PodStatus {
    throw new NotImplemented('PodTokens.completeStatus', "§ A pod's token");
  }

  stopOrder(pod: Pod | undefined, names: string[]): string[][] {
    throw new NotImplemented('PodTokens.stopOrder', "§ A pod's token");
  }

  /** Forgets the pod's token, then chapter 10a's cleanup. */
  async cleanupPod(uid: string): Promise<void> {
    throw new NotImplemented('PodTokens.cleanupPod', "§ A pod's token");
  }
}

/**
 * The root CA publisher (kube-controller-manager's root-ca-cert-publisher): every namespace has
 * the ConfigMap kube-root-ca.crt holding the cluster's CA in ca.crt, where the kubelet reads a
 * pod's ca.crt. It follows namespaces, and makes or mends the ConfigMap of each that is not going
 * away. Here it runs beside the API server, as chapter 11's other controllers do.
 */
export class RootCaPublisher {
  constructor(caCert: string) {
    throw new NotImplemented('RootCaPublisher', "§ A pod's token");
  }

  async start(feed: ObjectFeed, store: AdmissionStore): Promise<void> {
    throw new NotImplemented('RootCaPublisher.start', "§ A pod's token");
  }

  /** Creates the namespace's kube-root-ca.crt, or puts the CA back in it if it differs. */
  async publish(store: AdmissionStore, namespace: KubeObject): Promise<void> {
    throw new NotImplemented('RootCaPublisher.publish', "§ A pod's token");
  }
}

/** The publisher of `caCert` (PEM) as every namespace's kube-root-ca.crt. */
export function createRootCaPublisher(caCert: string): RootCaPublisher {
  throw new NotImplemented('createRootCaPublisher', "§ A pod's token");
}

/** The kubelet's PodConfiguration `inner` with a ServiceAccount token in every pod. */
export function withPodTokens(inner: PodConfiguration, options: PodTokenOptions): PodConfiguration {
  throw new NotImplemented('withPodTokens', "§ A pod's token");
}
