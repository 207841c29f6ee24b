// Chapter 10a's modules, as the harness uses them: `kata run kubelet` fills the kubelet's
// PodConfiguration seam (./kubelet.ts) with pod-config.ts, and `kata run apiserver
// --encryption-provider-config FILE` wraps its store client with encryption.ts.
import type { ApiClient, Toolkit } from '../client/types.ts';
import type { Clock } from '../clock.ts';
import type { StoreClient } from '../store/client.ts';
import type { PodConfiguration } from './kubelet.ts';

export interface PodConfigOptions {
  client: ApiClient;
  toolkit: Toolkit;
  /** Where the pods' volumes live: the kubelet's <root-dir>/pods. */
  podsDir: string;
  /** The node's IP (status.hostIP) and what it has (a limit not set defaults to it). */
  nodeIp: string;
  allocatable: Record<string, string>;
  clock?: Clock;
}

/** pod-config.ts. */
export interface PodConfigModule {
  createPodConfiguration: (options: PodConfigOptions) => PodConfiguration;
}

/** encryption.ts: the store client as the API server sees it with an EncryptionConfiguration. */
export interface EncryptionModule {
  /** `store` with the providers of the EncryptionConfiguration `configText`; throws when invalid. */
  storeWithEncryption: (store: StoreClient, configText: string) => StoreClient;
}
