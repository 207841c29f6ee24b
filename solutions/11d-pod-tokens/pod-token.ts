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
  return (
    (pod.spec as { automountServiceAccountToken?: boolean }).automountServiceAccountToken !== false
  );
}

/** The TokenRequest for a pod: the API server's audience, TOKEN_SECONDS, bound to the pod. */
export function podTokenRequest(pod: Pod): TokenRequest {
  const { name, uid } = pod.metadata;
  return {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: {
      audiences: [],
      expirationSeconds: TOKEN_SECONDS,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: name!, uid: uid! },
    },
  };
}

/** A token the kubelet holds for a pod: the JWT, and when it was issued and ends (seconds). */
export interface HeldToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

/** Whether a held token is due for renewal: past 80% of its life (or none held yet). */
export function needsRenewal(held: HeldToken | undefined, now: number): boolean {
  if (!held) return true;
  return now >= held.issuedAt + 0.8 * (held.expiresAt - held.issuedAt);
}

/**
 * The variables that find the API server, from the `kubernetes` Service's ClusterIP and port, as
 * the kubelet sets them for every container: KUBERNETES_SERVICE_HOST, KUBERNETES_SERVICE_PORT,
 * KUBERNETES_SERVICE_PORT_HTTPS, KUBERNETES_PORT=tcp://<ip>:<port> and KUBERNETES_PORT_<port>_TCP*.
 */
export function kubernetesServiceEnv(host: string, port: number): EnvVar[] {
  const tcp = `KUBERNETES_PORT_${port}_TCP`;
  return [
    { name: 'KUBERNETES_SERVICE_HOST', value: host },
    { name: 'KUBERNETES_SERVICE_PORT', value: String(port) },
    { name: 'KUBERNETES_SERVICE_PORT_HTTPS', value: String(port) },
    { name: 'KUBERNETES_PORT', value: `tcp://${host}:${port}` },
    { name: tcp, value: `tcp://${host}:${port}` },
    { name: `${tcp}_PROTO`, value: 'tcp' },
    { name: `${tcp}_PORT`, value: String(port) },
    { name: `${tcp}_ADDR`, value: host },
  ];
}

/** Writes a file so a reader sees the old content or the new, never half: a write, then a rename. */
function replaceFile(path: string, content: string): void {
  writeFileSync(`${path}.tmp`, content, { mode: 0o644 });
  renameSync(`${path}.tmp`, path);
}

/** Chapter 10a's PodConfiguration, with a ServiceAccount token in every pod. */
export class PodTokens implements PodConfiguration {
  private readonly inner: PodConfiguration;
  private readonly options: PodTokenOptions;
  /** The token held for each pod, by uid. */
  private readonly held = new Map<string, HeldToken>();
  private apiServer?: { host: string; port: number };

  constructor(inner: PodConfiguration, options: PodTokenOptions) {
    this.inner = inner;
    this.options = options;
  }

  /** Where a pod's ServiceAccount files are on the node. */
  tokenDir(pod: Pod): string {
    const uid = pod.metadata.uid!;
    return join(this.options.podsDir, uid, 'volumes', 'kubernetes.io~projected', 'kube-api-access');
  }

  /**
   * The root CA a pod's namespace publishes (kube-root-ca.crt), or '' in a cluster that publishes
   * none (no CA: plain HTTP). Any other failure (a 403) is thrown: the pod waits for it.
   */
  private async rootCa(namespace: string): Promise<string> {
    const configMaps = this.options.client.resource('configmaps', namespace);
    const found = await configMaps.get(ROOT_CA_CONFIGMAP).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 404) return undefined;
      throw error;
    });
    return (found as { data?: Record<string, string> } | undefined)?.data?.['ca.crt'] ?? '';
  }

  /**
   * Asks for the pod's token when it has none or it is due for renewal, and writes the three
   * files. A refused TokenRequest, or a CA that cannot be read, is why the volume cannot be set
   * up (the kubelet's FailedMount message).
   */
  private async writeToken(pod: Pod): Promise<string | undefined> {
    const uid = pod.metadata.uid!;
    const namespace = pod.metadata.namespace ?? 'default';
    const now = this.options.now();
    if (!needsRenewal(this.held.get(uid), now)) return undefined;
    const failed = 'MountVolume.SetUp failed for volume "kube-api-access"';
    const account = pod.spec.serviceAccountName || 'default';
    let status: { token: string; expirationTimestamp: string } | undefined;
    try {
      status = (await this.options.requestToken(namespace, account, podTokenRequest(pod))).status;
    } catch (error) {
      return `${failed}: failed to fetch token: ${(error as Error).message}`;
    }
    let rootCa: string;
    try {
      rootCa = await this.rootCa(namespace);
    } catch (error) {
      return `${failed}: configmap "${ROOT_CA_CONFIGMAP}": ${(error as Error).message}`;
    }
    const expiresAt = Math.floor(Date.parse(status!.expirationTimestamp) / 1000);
    this.held.set(uid, { token: status!.token, issuedAt: now, expiresAt });
    const dir = this.tokenDir(pod);
    mkdirSync(dir, { recursive: true });
    replaceFile(join(dir, 'token'), status!.token);
    replaceFile(join(dir, 'namespace'), namespace);
    replaceFile(join(dir, 'ca.crt'), rootCa);
    return undefined;
  }

  run(signal: AbortSignal, resync: (podKey: string) => void): Promise<void> {
    return this.inner.run(signal, resync);
  }

  async preparePod(pod: Pod, sandbox: PodSandboxStatus): Promise<string | undefined> {
    const problem = await this.inner.preparePod(pod, sandbox);
    if (problem || !mountsToken(pod)) return problem;
    return this.writeToken(pod);
  }

  /** The `kubernetes` Service's address, looked up once. */
  private async kubernetesService(): Promise<{ host: string; port: number } | undefined> {
    if (this.apiServer) return this.apiServer;
    const services = this.options.client.resource('services', 'default');
    const found = await services.get('kubernetes').catch(() => undefined);
    const spec = found?.spec as { clusterIP?: string; ports?: { port: number }[] } | undefined;
    if (!spec?.clusterIP || !spec.ports?.length) return undefined;
    this.apiServer = { host: spec.clusterIP, port: spec.ports[0]!.port };
    return this.apiServer;
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
    const configured = await this.inner.configureContainer(pod, container, config, sandbox);
    const mounts = configured.mounts ?? [];
    if (mountsToken(pod) && !mounts.some((mount) => mount.containerPath === SERVICE_ACCOUNT_DIR)) {
      mounts.push({
        containerPath: SERVICE_ACCOUNT_DIR,
        hostPath: this.tokenDir(pod),
        readonly: true,
      });
    }
    const env = configured.env ?? [];
    const service = await this.kubernetesService();
    if (service) {
      const taken = new Set(env.map((variable) => variable.name));
      const added = kubernetesServiceEnv(service.host, service.port);
      env.unshift(
        ...added
          .filter((variable) => !taken.has(variable.name))
          .map(({ name, value }) => ({ name, value: value! })),
      );
    }
    return { ...configured, mounts, env };
  }

  initPlan(pod: Pod, latest: ReadonlyMap<string, RuntimeContainerStatus | undefined>): InitPlan {
    return this.inner.initPlan(pod, latest);
  }

  completeStatus(pod: Pod, status: PodStatus, initStatuses: ContainerStatus[]): PodStatus {
    return this.inner.completeStatus(pod, status, initStatuses);
  }

  stopOrder(pod: Pod | undefined, names: string[]): string[][] {
    return this.inner.stopOrder(pod, names);
  }

  async cleanupPod(uid: string): Promise<void> {
    this.held.delete(uid);
    await this.inner.cleanupPod(uid);
  }
}

/**
 * The root CA publisher (kube-controller-manager's root-ca-cert-publisher): every namespace has
 * the ConfigMap kube-root-ca.crt holding the cluster's CA in ca.crt, where the kubelet reads a
 * pod's ca.crt. It follows namespaces, and makes or mends the ConfigMap of each that is not going
 * away. Here it runs beside the API server, as chapter 11's other controllers do.
 */
export class RootCaPublisher {
  private readonly caCert: string;

  constructor(caCert: string) {
    this.caCert = caCert;
  }

  async start(feed: ObjectFeed, store: AdmissionStore): Promise<void> {
    await feed.follow('namespaces', ({ type, object }) => {
      if (type !== 'DELETED') void this.publish(store, object).catch(() => {});
    });
  }

  /** Creates the namespace's kube-root-ca.crt, or puts the CA back in it if it differs. */
  async publish(store: AdmissionStore, namespace: KubeObject): Promise<void> {
    if (namespace.metadata.deletionTimestamp) return;
    const configMaps = store.resourceOf('configmaps')!;
    const name = namespace.metadata.name!;
    const data = { 'ca.crt': this.caCert };
    const found = await store.get(configMaps, name, ROOT_CA_CONFIGMAP).catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 404) return undefined;
      throw error;
    });
    if (!found) {
      const metadata = { name: ROOT_CA_CONFIGMAP, namespace: name };
      await store.create(configMaps, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata,
        data,
      } as KubeObject);
    } else if ((found as { data?: Record<string, string> }).data?.['ca.crt'] !== this.caCert) {
      await store.update(configMaps, { ...found, data } as KubeObject);
    }
  }
}

/** The publisher of `caCert` (PEM) as every namespace's kube-root-ca.crt. */
export function createRootCaPublisher(caCert: string): RootCaPublisher {
  return new RootCaPublisher(caCert);
}

/** The kubelet's PodConfiguration `inner` with a ServiceAccount token in every pod. */
export function withPodTokens(inner: PodConfiguration, options: PodTokenOptions): PodConfiguration {
  return new PodTokens(inner, options);
}
