// The API server's module contract: what chapter 03a's server.ts exports, as the harness sees it.
// harness/components/apiserver.ts (the program) and harness/testing (the server tests start)
// build a server through these types, so they need not reach into solutions/ or chapters/ for
// them; the learner's server.ts and the reference re-export them.
import type express from 'express';
import type {
  BodyDecoder,
  Discovery,
  Patcher,
  ReadWarning,
  Selectors,
  ServiceAllocator,
  Subresource,
  Timers,
} from '../api/machinery.ts';
import type { ApiAggregator } from '../api/aggregation.ts';
import type { ServingModule } from './apiextensions.ts';
import type { ResourceType } from '../api/resources.ts';
import type { VersionConversion } from '../api/versions.ts';
import type { Clock } from '../clock.ts';
import type { PodConnecter } from './pod-streams.ts';
import type { KubeletDial } from '../api/kubelet-dial.ts';
import type { StoreClient } from '../store/client.ts';
import type { SecurityOptions } from './security.ts';

export interface ApiServerOptions {
  /** Where objects live: chapter 02's client (kata store or etcd), or an in-process double. */
  store: StoreClient;
  clock?: Clock;
  /** Random numbers in [0, 1) for uids, generated names and watch timeouts. Math.random. */
  random?: () => number;
  /** The resources served; harness/api/resources.ts's builtinResources by default. */
  resources?: ResourceType[];
  selectors?: Selectors;
  patcher?: Patcher;
  subresources?: Subresource[];
  discovery?: Discovery;
  /**
   * Words sent as Warning headers with every read of a resource (harness/api/machinery.ts):
   * `kata up` warns there that NetworkPolicies are stored but not enforced where no node enforces
   * them. None by default.
   */
  readWarnings?: ReadWarning[];
  /** Readers for body formats besides JSON and YAML, by Content-Type. */
  bodyDecoders?: BodyDecoder[];
  timers?: Timers;
  /** How often a watch that allows bookmarks gets one. One minute, like kube-apiserver. */
  bookmarkIntervalMs?: number;
  /** The largest request body. 3 MiB. */
  maxBodyBytes?: number;
  /**
   * pods/exec, pods/attach and pods/portforward (chapter 10b): each hands the client's upgraded
   * connection on to the pod's kubelet. Without them those paths are 404.
   */
  connecters?: PodConnecter[];
  /**
   * How pods/log reaches a kubelet (harness/api/kubelet-dial.ts): TLS with the server's client
   * certificate in a cluster over TLS. A plain TCP connection without it.
   */
  kubeletDial?: KubeletDial;
  /** Gives Services their ClusterIPs and node ports (chapter 09); without it, none are given. */
  serviceAllocator?: ServiceAllocator;
  /**
   * How often the server compacts the store's history, keeping one interval of it (kube-apiserver's
   * --etcd-compaction-interval). 5 minutes; 0 turns compaction off.
   */
  compactionIntervalMs?: number;
  /**
   * How many recent changes of each resource the watch cache keeps (kube-apiserver's
   * --default-watch-cache-size). 1000; 0 turns the cache off (--watch-cache=false).
   */
  watchCacheSize?: number;
  /**
   * Authentication, authorization, admission plugins and reviews (chapter 11); without it every
   * request is system:anonymous's and allowed.
   */
  security?: SecurityOptions;
  /**
   * API aggregation (chapter 14): group versions an APIService hands to another server, proxied
   * there and listed in discovery (harness/api/aggregation.ts). Without it, only the server's own.
   */
  aggregator?: ApiAggregator;
  /**
   * Served versions (chapter 14): resources served at a version besides the one they are stored
   * at (autoscaling/v1 HorizontalPodAutoscalers), converted on the way in and out
   * (harness/api/versions.ts). Discovery lists them when it is given withServedVersions.
   */
  conversions?: VersionConversion[];
  /**
   * CustomResourceDefinitions (chapter 17's serving.ts): the server serves the CRDs and, through
   * its resource host, the kinds they define. Without it, only the built-in kinds.
   */
  apiExtensions?: ServingModule;
}

export interface ApiServer {
  /** The request handler: give it to supertest, or to http.createServer. */
  readonly app: express.Express;
  /** Starts listening (port 0 picks a free one); resolves with the URL to use. */
  listen(port?: number, host?: string): Promise<string>;
  /** Ends every watch and stops listening. The store client stays open: it is the caller's. */
  close(): Promise<void>;
}

/** The module chapter 03a's server.ts is: the one function the harness calls. */
export interface ApiServerModule {
  createApiServer(options: ApiServerOptions): Promise<ApiServer>;
}
