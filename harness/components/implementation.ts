// Which code a component runs: the reference in solutions/, the learner's in chapters/, or (auto)
// the learner's for every chapter they have finished and the reference for the rest. Each chapter
// is chosen on its own, so a learner's store server can run over the reference store.
//
// This is the one place the harness reaches into solutions/ and chapters/: everything else loads a
// chapter's file through loadModule (or loadReference, for the harness's own tools: benchmarks, the
// test helpers' API server, the CLI's clients) and sees it through its contract in
// harness/contracts/, which the reference and the stubs both meet (harness/contracts/conformance
// .test.ts has the type checker say so).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApiServerModule } from '../contracts/apiserver.ts';
import type { AllocatorModule } from '../contracts/allocator.ts';
import type {
  DiscoveryModule,
  PatchModule,
  SelectorsModule,
  SubresourcesModule,
} from '../contracts/api-machinery.ts';
import type { ToolkitModule } from '../contracts/client.ts';
import type {
  EndpointsModule,
  GarbageCollectorModule,
  NamespaceModule,
  NodeLifecycleModule,
  ReplicaSetModule,
  TaintEvictionModule,
} from '../contracts/controllers.ts';
import type {
  HorizontalModule,
  MetricsServerModule,
  ResourceMetricsModule,
  StatsModule,
  VersionsModule,
} from '../contracts/autoscaling.ts';
import type { IngressModule } from '../contracts/ingress.ts';
import type {
  AddressPoolModule,
  CloudNodeModule,
  ClusterAutoscalerModule,
  DisruptionModule,
  LoadBalancerModule,
  ServiceControllerModule,
} from '../contracts/cloud.ts';
import type { DeploymentModule } from '../contracts/deployments.ts';
import type { OperatorModule, ServingModule } from '../contracts/apiextensions.ts';
import type { DnsServerModule, PodDnsModule } from '../contracts/dns.ts';
import type { CronJobModule, JobModule } from '../contracts/jobs.ts';
import type { DaemonSetModule, StatefulSetModule } from '../contracts/workloads.ts';
import type { KubeletModule, StaticPodsModule } from '../contracts/kubelet.ts';
import type { ConnectModule, StreamingServerModule } from '../contracts/pod-streams.ts';
import type { EncryptionModule, PodConfigModule } from '../contracts/pod-config.ts';
import type { EndpointSliceModule, IptablesProxyModule, ProxyModule } from '../contracts/proxy.ts';
import type { SchedulerFiltersModule, SchedulerModule } from '../contracts/scheduler.ts';
import type { RaftModule } from '../contracts/raft.ts';
import type { MemberModule, RaftStorageModule, RoutingModule } from '../contracts/raft-server.ts';
import type {
  ApproverModule,
  BootstrapTokensModule,
  ClusterInfoModule,
  CsrModule,
  JoinModule,
} from '../contracts/join.ts';
import type {
  AuthorizationModule,
  ServiceAccountsModule,
  RbacModule,
  TokenFileModule,
} from '../contracts/security.ts';
import type {
  DurableStoreModule,
  StoreClientModule,
  StoreServerModule,
  WalModule,
} from '../contracts/store-server.ts';
import type {
  ClientPortModule,
  GrpcServerModule,
  SnapshotFileModule,
} from '../contracts/store-grpc.ts';
import type {
  BinderModule,
  ClaimVolumesModule,
  ProvisionerModule,
  VolumeBindingModule,
} from '../contracts/storage.ts';
import type { StoreModule } from '../contracts/store.ts';
import type { PodTokenModule, WebhooksModule } from '../contracts/webhooks.ts';
import { findChapter, folderOf } from '../course.ts';
import { repoRoot, solutionsDir } from '../paths.ts';
import { loadProgress, type Progress } from '../progress.ts';

export type Use = 'solutions' | 'mine' | 'auto';

export const uses: Use[] = ['solutions', 'mine', 'auto'];

export function isUse(value: string): value is Use {
  return (uses as string[]).includes(value);
}

/**
 * Where the learner's chapters are: chapters/, unless KATA_CHAPTERS_DIR says otherwise (the
 * end-to-end tests point it at a copy, so they never touch the learner's files).
 */
export function learnerChaptersDir(): string {
  return process.env.KATA_CHAPTERS_DIR ?? path.join(repoRoot, 'chapters');
}

/** Whether a folder chapterSource gave is the learner's (not the reference's). */
export function isLearnerSource(folder: string): boolean {
  return !path.relative(repoRoot, folder).startsWith('solutions');
}

/** The folder a chapter's code is loaded from, e.g. solutions/01-store. */
export function chapterSource(
  chapterId: string,
  use: Use,
  progress: () => Progress = () => loadProgress(),
): string {
  const chapter = findChapter(chapterId);
  if (!chapter) throw new Error(`no chapter ${chapterId} in harness/course.ts`);
  const mine = use === 'mine' || (use === 'auto' && progress()[chapter.id]?.done === true);
  return path.join(mine ? learnerChaptersDir() : solutionsDir, folderOf(chapter));
}

/** "reference" or "yours", for a component's start-up log. */
export function describeSource(folder: string): string {
  const relative = path.relative(repoRoot, folder);
  return isLearnerSource(folder) ? `yours (${relative})` : `the reference (${relative})`;
}

/** Every chapter file the harness loads, by chapter id and file name, and the contract it meets. */
export interface ChapterModules {
  '01': { 'store.ts': StoreModule };
  '02': {
    'durable-store.ts': DurableStoreModule;
    'server.ts': StoreServerModule;
    'client.ts': StoreClientModule;
    'wal.ts': WalModule;
  };
  '02b': {
    'server.ts': GrpcServerModule;
    'client-port.ts': ClientPortModule;
    'snapshot-file.ts': SnapshotFileModule;
  };
  '03a': { 'server.ts': ApiServerModule };
  '03b': {
    'selectors.ts': SelectorsModule;
    'patch.ts': PatchModule;
    'subresources.ts': SubresourcesModule;
    'discovery.ts': DiscoveryModule;
  };
  '04': { 'index.ts': ToolkitModule };
  '05': { 'scheduler.ts': SchedulerModule; 'filters.ts': SchedulerFiltersModule };
  '06': { 'kubelet.ts': KubeletModule };
  '07': {
    'replicaset.ts': ReplicaSetModule;
    'endpoints.ts': EndpointsModule;
    'garbage-collector.ts': GarbageCollectorModule;
    'namespace.ts': NamespaceModule;
    'node-lifecycle.ts': NodeLifecycleModule;
    'taint-eviction.ts': TaintEvictionModule;
  };
  '08': { 'deployment.ts': DeploymentModule };
  '09': { 'proxy.ts': ProxyModule; 'allocator.ts': AllocatorModule };
  '09b': { 'endpointslices.ts': EndpointSliceModule; 'iptables-proxy.ts': IptablesProxyModule };
  '10a': { 'pod-config.ts': PodConfigModule; 'encryption.ts': EncryptionModule };
  '10b': { 'streaming-server.ts': StreamingServerModule; 'connect.ts': ConnectModule };
  '11a': { 'service-accounts.ts': ServiceAccountsModule };
  '11b': {
    'authorization.ts': AuthorizationModule;
    'tokens.ts': TokenFileModule;
    'rbac.ts': RbacModule;
  };
  '11c': { 'webhooks.ts': WebhooksModule };
  '11d': { 'pod-token.ts': PodTokenModule };
  '12': { 'server.ts': DnsServerModule; 'pod-dns.ts': PodDnsModule };
  '13a': { 'job.ts': JobModule; 'cronjob.ts': CronJobModule };
  '13b': { 'daemonset.ts': DaemonSetModule; 'statefulset.ts': StatefulSetModule };
  '13c': {
    'binder.ts': BinderModule;
    'provisioner.ts': ProvisionerModule;
    'volume-binding.ts': VolumeBindingModule;
    'claim-volumes.ts': ClaimVolumesModule;
  };
  '16a': { 'raft.ts': RaftModule };
  '16b': {
    'member.ts': MemberModule;
    'raft-storage.ts': RaftStorageModule;
    'routing.ts': RoutingModule;
  };
  '14': {
    'horizontal.ts': HorizontalModule;
    'resource-metrics.ts': ResourceMetricsModule;
    'stats.ts': StatsModule;
    'metrics-server.ts': MetricsServerModule;
    'versions.ts': VersionsModule;
  };
  '15a': {
    'address-pool.ts': AddressPoolModule;
    'load-balancer.ts': LoadBalancerModule;
    'service-controller.ts': ServiceControllerModule;
    'node-controller.ts': CloudNodeModule;
    'cluster-autoscaler.ts': ClusterAutoscalerModule;
    'disruption.ts': DisruptionModule;
  };
  '15b': { 'controller.ts': IngressModule };
  '17': { 'serving.ts': ServingModule; 'webapp.ts': OperatorModule };
  '18a': { 'static-pods.ts': StaticPodsModule };
  '18b': {
    'bootstrap-tokens.ts': BootstrapTokensModule;
    'cluster-info.ts': ClusterInfoModule;
    'csr.ts': CsrModule;
    'approver.ts': ApproverModule;
    'join.ts': JoinModule;
  };
}

export type ChapterWithModules = keyof ChapterModules;

/** The files of a chapter the harness loads. */
export type ModuleFile<C extends ChapterWithModules> = keyof ChapterModules[C] & string;

/**
 * The same table at run time: each chapter's files. harness/contracts/conformance.test.ts checks
 * that it names every file of ChapterModules, and that both twins of each exist.
 */
export const chapterModuleFiles = {
  '01': ['store.ts'],
  '02': ['durable-store.ts', 'server.ts', 'client.ts', 'wal.ts'],
  '02b': ['server.ts', 'client-port.ts', 'snapshot-file.ts'],
  '03a': ['server.ts'],
  '03b': ['selectors.ts', 'patch.ts', 'subresources.ts', 'discovery.ts'],
  '04': ['index.ts'],
  '05': ['scheduler.ts', 'filters.ts'],
  '06': ['kubelet.ts'],
  '07': [
    'replicaset.ts',
    'endpoints.ts',
    'garbage-collector.ts',
    'namespace.ts',
    'node-lifecycle.ts',
    'taint-eviction.ts',
  ],
  '08': ['deployment.ts'],
  '09': ['proxy.ts', 'allocator.ts'],
  '09b': ['endpointslices.ts', 'iptables-proxy.ts'],
  '10a': ['pod-config.ts', 'encryption.ts'],
  '10b': ['streaming-server.ts', 'connect.ts'],
  '11a': ['service-accounts.ts'],
  '11b': ['authorization.ts', 'tokens.ts', 'rbac.ts'],
  '11c': ['webhooks.ts'],
  '11d': ['pod-token.ts'],
  '12': ['server.ts', 'pod-dns.ts'],
  '13a': ['job.ts', 'cronjob.ts'],
  '13b': ['daemonset.ts', 'statefulset.ts'],
  '13c': ['binder.ts', 'provisioner.ts', 'volume-binding.ts', 'claim-volumes.ts'],
  '16a': ['raft.ts'],
  '16b': ['member.ts', 'raft-storage.ts', 'routing.ts'],
  '14': ['horizontal.ts', 'resource-metrics.ts', 'stats.ts', 'metrics-server.ts', 'versions.ts'],
  '15a': [
    'address-pool.ts',
    'load-balancer.ts',
    'service-controller.ts',
    'node-controller.ts',
    'cluster-autoscaler.ts',
    'disruption.ts',
  ],
  '15b': ['controller.ts'],
  '17': ['serving.ts', 'webapp.ts'],
  '18a': ['static-pods.ts'],
  '18b': ['bootstrap-tokens.ts', 'cluster-info.ts', 'csr.ts', 'approver.ts', 'join.ts'],
} as const satisfies { [C in ChapterWithModules]: readonly ModuleFile<C>[] };

/**
 * Loads one of a chapter's files from `folder` (one chapterSource gave, or a folder under test),
 * typed by the contract it meets.
 */
export async function loadModule<C extends ChapterWithModules, F extends ModuleFile<C>>(
  chapterId: C,
  file: F,
  folder: string,
): Promise<ChapterModules[C][F]> {
  return (await import(pathToFileURL(path.join(folder, file)).href)) as ChapterModules[C][F];
}

/**
 * Loads one of a chapter's files from the reference: what the harness's own tools run on (the
 * benchmarks, the API server test helpers start, the CLI's clients), whoever's code is under test.
 */
export function loadReference<C extends ChapterWithModules, F extends ModuleFile<C>>(
  chapterId: C,
  file: F,
): Promise<ChapterModules[C][F]> {
  return loadModule(chapterId, file, chapterSource(chapterId, 'solutions'));
}
