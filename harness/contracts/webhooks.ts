// Chapters 11c and 11d, as the harness uses them: `kata run apiserver --enable-admission-plugins
// ...,MutatingAdmissionWebhook,ValidatingAdmissionWebhook` adds 11c's webhooks.ts plugins (and their
// caches, started beside the server); `kata run kubelet` wraps chapter 10a's PodConfiguration with 11d's pod-token.ts, so every
// pod gets its ServiceAccount token, the cluster CA and its namespace; the API server with
// --client-ca-file publishes that CA in every namespace (11d's pod-token.ts too).
import type { ResourceType } from '../api/resources.ts';
import type { KubeObject } from '../api/types.ts';
import type { ApiClient } from '../client/types.ts';
import type { PodConfiguration } from './kubelet.ts';
import type { AdmissionStore, ExternalAdmissionPlugin, ObjectFeed } from './security.ts';

/** An admission plugin of chapter 11c and the caches it starts beside the server. */
export interface WebhookPlugin {
  admission: ExternalAdmissionPlugin;
  controller: { start(feed: ObjectFeed, store: AdmissionStore): Promise<void> };
}

/** Applies JSON Patch operations to an object, as the server's PATCH does (chapter 03b). */
export type JsonPatcher = (
  object: KubeObject,
  operations: unknown[],
  resource: ResourceType,
) => KubeObject;

/** webhooks.ts. */
export interface WebhooksModule {
  createValidatingWebhooks: () => WebhookPlugin;
  /** MutatingAdmissionWebhook: its webhooks' JSON Patches applied with `jsonPatch`. */
  createMutatingWebhooks: (jsonPatch: JsonPatcher) => WebhookPlugin;
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
