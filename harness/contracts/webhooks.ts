// Chapters 11c and 11d, as the harness uses them: `kata run apiserver --enable-admission-plugins
// ...,ValidatingAdmissionWebhook` adds 11c's webhooks.ts plugin (and its caches, started beside the
// server); `kata run kubelet` wraps chapter 10a's PodConfiguration with 11d's pod-token.ts, so every
// pod gets its ServiceAccount token, the cluster CA and its namespace; the API server with
// --client-ca-file publishes that CA in every namespace (11d's pod-token.ts too).
import type { ApiClient } from '../client/types.ts';
import type { PodConfiguration } from './kubelet.ts';
import type { AdmissionStore, ExternalAdmissionPlugin, ObjectFeed } from './security.ts';

/** webhooks.ts. */
export interface WebhooksModule {
  createValidatingWebhooks: () => {
    admission: ExternalAdmissionPlugin;
    controller: { start(feed: ObjectFeed, store: AdmissionStore): Promise<void> };
  };
}

/** What the kubelet hands pod-token.ts. */
export interface PodTokenSettings {
  client: ApiClient;
  /** POSTs a TokenRequest to serviceaccounts/<name>/token; answers it with status filled. */
  requestToken: (
    namespace: string,
    serviceAccountName: string,
    request: { spec: object },
  ) => Promise<{ status?: { token: string; expirationTimestamp: string } }>;
  /** The kubelet's <root-dir>/pods. */
  podsDir: string;
  /** Seconds since the epoch. */
  now: () => number;
}

/** pod-token.ts. */
export interface PodTokenModule {
  withPodTokens: (inner: PodConfiguration, options: PodTokenSettings) => PodConfiguration;
  /** Every namespace's kube-root-ca.crt, holding `caCert`; started beside the API server. */
  createRootCaPublisher: (caCert: string) => {
    start(feed: ObjectFeed, store: AdmissionStore): Promise<void>;
  };
}
