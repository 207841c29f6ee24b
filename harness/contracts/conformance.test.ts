// The reference and the stubs both meet the contracts the loader reads them by. The type checker
// does the work (`npx tsc --noEmit -p .`, as `kata check` runs it): each chapter file the harness
// loads is listed twice below, the reference's and the stub's, and each list must extend the
// loader's table of contracts (ChapterModules in harness/components/implementation.ts). A stub
// whose signature drifts from its contract fails to compile here, naming the chapter, the file and
// the export. The loader's run-time list of those files must name them all, and at run time the
// test checks that both twins of each exist.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  chapterModuleFiles,
  type ChapterModules,
  type ChapterWithModules,
  type ModuleFile,
} from '../components/implementation.ts';
import { findChapter, folderOf } from '../course.ts';
import { chaptersDir, solutionsDir } from '../paths.ts';

/** Compiles only when every listed module meets its contract. */
type Conforms<Modules extends ChapterModules> = Modules;

export type ReferenceConforms = Conforms<{
  '01': { 'store.ts': typeof import('../../solutions/01-store/store.ts') };
  '02': {
    'durable-store.ts': typeof import('../../solutions/02-store-server/durable-store.ts');
    'server.ts': typeof import('../../solutions/02-store-server/server.ts');
    'client.ts': typeof import('../../solutions/02-store-server/client.ts');
    'wal.ts': typeof import('../../solutions/02-store-server/wal.ts');
  };
  '02b': {
    'server.ts': typeof import('../../solutions/02b-store-grpc/server.ts');
    'client-port.ts': typeof import('../../solutions/02b-store-grpc/client-port.ts');
    'snapshot-file.ts': typeof import('../../solutions/02b-store-grpc/snapshot-file.ts');
  };
  '03a': { 'server.ts': typeof import('../../solutions/03a-apiserver/server.ts') };
  '03b': {
    'selectors.ts': typeof import('../../solutions/03b-api-machinery/selectors.ts');
    'patch.ts': typeof import('../../solutions/03b-api-machinery/patch.ts');
    'subresources.ts': typeof import('../../solutions/03b-api-machinery/subresources.ts');
    'discovery.ts': typeof import('../../solutions/03b-api-machinery/discovery.ts');
  };
  '04': { 'index.ts': typeof import('../../solutions/04-client/index.ts') };
  '05': {
    'scheduler.ts': typeof import('../../solutions/05-scheduler/scheduler.ts');
    'filters.ts': typeof import('../../solutions/05-scheduler/filters.ts');
  };
  '06': { 'kubelet.ts': typeof import('../../solutions/06-kubelet/kubelet.ts') };
  '07': {
    'replicaset.ts': typeof import('../../solutions/07-controllers/replicaset.ts');
    'endpoints.ts': typeof import('../../solutions/07-controllers/endpoints.ts');
    'garbage-collector.ts': typeof import('../../solutions/07-controllers/garbage-collector.ts');
    'namespace.ts': typeof import('../../solutions/07-controllers/namespace.ts');
    'node-lifecycle.ts': typeof import('../../solutions/07-controllers/node-lifecycle.ts');
    'taint-eviction.ts': typeof import('../../solutions/07-controllers/taint-eviction.ts');
  };
  '08': { 'deployment.ts': typeof import('../../solutions/08-deployments/deployment.ts') };
  '09': {
    'proxy.ts': typeof import('../../solutions/09-services/proxy.ts');
    'allocator.ts': typeof import('../../solutions/09-services/allocator.ts');
  };
  '09b': {
    'endpointslices.ts': typeof import('../../solutions/09b-iptables/endpointslices.ts');
    'iptables-proxy.ts': typeof import('../../solutions/09b-iptables/iptables-proxy.ts');
  };
  '10a': {
    'pod-config.ts': typeof import('../../solutions/10a-pod-config/pod-config.ts');
    'encryption.ts': typeof import('../../solutions/10a-pod-config/encryption.ts');
  };
  '10b': {
    'streaming-server.ts': typeof import('../../solutions/10b-pod-streams/streaming-server.ts');
    'connect.ts': typeof import('../../solutions/10b-pod-streams/connect.ts');
  };
  '11a': {
    'service-accounts.ts': typeof import('../../solutions/11a-service-accounts/service-accounts.ts');
  };
  '11b': {
    'authorization.ts': typeof import('../../solutions/11b-authorization/authorization.ts');
    'tokens.ts': typeof import('../../solutions/11b-authorization/tokens.ts');
    'rbac.ts': typeof import('../../solutions/11b-authorization/rbac.ts');
  };
  '11c': { 'webhooks.ts': typeof import('../../solutions/11c-webhooks/webhooks.ts') };
  '11d': { 'pod-token.ts': typeof import('../../solutions/11d-pod-tokens/pod-token.ts') };
  '12': {
    'server.ts': typeof import('../../solutions/12-dns/server.ts');
    'pod-dns.ts': typeof import('../../solutions/12-dns/pod-dns.ts');
  };
  '13a': {
    'job.ts': typeof import('../../solutions/13a-jobs/job.ts');
    'cronjob.ts': typeof import('../../solutions/13a-jobs/cronjob.ts');
  };
  '13b': {
    'daemonset.ts': typeof import('../../solutions/13b-daemonsets-statefulsets/daemonset.ts');
    'statefulset.ts': typeof import('../../solutions/13b-daemonsets-statefulsets/statefulset.ts');
  };
  '13c': {
    'binder.ts': typeof import('../../solutions/13c-storage/binder.ts');
    'provisioner.ts': typeof import('../../solutions/13c-storage/provisioner.ts');
    'volume-binding.ts': typeof import('../../solutions/13c-storage/volume-binding.ts');
    'claim-volumes.ts': typeof import('../../solutions/13c-storage/claim-volumes.ts');
  };
  '16a': { 'raft.ts': typeof import('../../solutions/16a-raft/raft.ts') };
  '16b': {
    'member.ts': typeof import('../../solutions/16b-raft-server/member.ts');
    'raft-storage.ts': typeof import('../../solutions/16b-raft-server/raft-storage.ts');
    'routing.ts': typeof import('../../solutions/16b-raft-server/routing.ts');
  };
  '14': {
    'horizontal.ts': typeof import('../../solutions/14-autoscaling/horizontal.ts');
    'resource-metrics.ts': typeof import('../../solutions/14-autoscaling/resource-metrics.ts');
    'stats.ts': typeof import('../../solutions/14-autoscaling/stats.ts');
    'metrics-server.ts': typeof import('../../solutions/14-autoscaling/metrics-server.ts');
    'versions.ts': typeof import('../../solutions/14-autoscaling/versions.ts');
  };
  '15b': { 'controller.ts': typeof import('../../solutions/15b-ingress/controller.ts') };
  '17': {
    'serving.ts': typeof import('../../solutions/17-operators/serving.ts');
    'webapp.ts': typeof import('../../solutions/17-operators/webapp.ts');
  };
  '18a': { 'static-pods.ts': typeof import('../../solutions/18a-static-pods/static-pods.ts') };
  '18b': {
    'bootstrap-tokens.ts': typeof import('../../solutions/18b-join/bootstrap-tokens.ts');
    'cluster-info.ts': typeof import('../../solutions/18b-join/cluster-info.ts');
    'csr.ts': typeof import('../../solutions/18b-join/csr.ts');
    'approver.ts': typeof import('../../solutions/18b-join/approver.ts');
    'join.ts': typeof import('../../solutions/18b-join/join.ts');
  };
  '15a': {
    'address-pool.ts': typeof import('../../solutions/15a-cloud/address-pool.ts');
    'load-balancer.ts': typeof import('../../solutions/15a-cloud/load-balancer.ts');
    'service-controller.ts': typeof import('../../solutions/15a-cloud/service-controller.ts');
    'node-controller.ts': typeof import('../../solutions/15a-cloud/node-controller.ts');
    'cluster-autoscaler.ts': typeof import('../../solutions/15a-cloud/cluster-autoscaler.ts');
    'disruption.ts': typeof import('../../solutions/15a-cloud/disruption.ts');
  };
}>;

export type StubsConform = Conforms<{
  '01': { 'store.ts': typeof import('../../chapters/01-store/store.ts') };
  '02': {
    'durable-store.ts': typeof import('../../chapters/02-store-server/durable-store.ts');
    'server.ts': typeof import('../../chapters/02-store-server/server.ts');
    'client.ts': typeof import('../../chapters/02-store-server/client.ts');
    'wal.ts': typeof import('../../chapters/02-store-server/wal.ts');
  };
  '02b': {
    'server.ts': typeof import('../../chapters/02b-store-grpc/server.ts');
    'client-port.ts': typeof import('../../chapters/02b-store-grpc/client-port.ts');
    'snapshot-file.ts': typeof import('../../chapters/02b-store-grpc/snapshot-file.ts');
  };
  '03a': { 'server.ts': typeof import('../../chapters/03a-apiserver/server.ts') };
  '03b': {
    'selectors.ts': typeof import('../../chapters/03b-api-machinery/selectors.ts');
    'patch.ts': typeof import('../../chapters/03b-api-machinery/patch.ts');
    'subresources.ts': typeof import('../../chapters/03b-api-machinery/subresources.ts');
    'discovery.ts': typeof import('../../chapters/03b-api-machinery/discovery.ts');
  };
  '04': { 'index.ts': typeof import('../../chapters/04-client/index.ts') };
  '05': {
    'scheduler.ts': typeof import('../../chapters/05-scheduler/scheduler.ts');
    'filters.ts': typeof import('../../chapters/05-scheduler/filters.ts');
  };
  '06': { 'kubelet.ts': typeof import('../../chapters/06-kubelet/kubelet.ts') };
  '07': {
    'replicaset.ts': typeof import('../../chapters/07-controllers/replicaset.ts');
    'endpoints.ts': typeof import('../../chapters/07-controllers/endpoints.ts');
    'garbage-collector.ts': typeof import('../../chapters/07-controllers/garbage-collector.ts');
    'namespace.ts': typeof import('../../chapters/07-controllers/namespace.ts');
    'node-lifecycle.ts': typeof import('../../chapters/07-controllers/node-lifecycle.ts');
    'taint-eviction.ts': typeof import('../../chapters/07-controllers/taint-eviction.ts');
  };
  '08': { 'deployment.ts': typeof import('../../chapters/08-deployments/deployment.ts') };
  '09': {
    'proxy.ts': typeof import('../../chapters/09-services/proxy.ts');
    'allocator.ts': typeof import('../../chapters/09-services/allocator.ts');
  };
  '09b': {
    'endpointslices.ts': typeof import('../../chapters/09b-iptables/endpointslices.ts');
    'iptables-proxy.ts': typeof import('../../chapters/09b-iptables/iptables-proxy.ts');
  };
  '10a': {
    'pod-config.ts': typeof import('../../chapters/10a-pod-config/pod-config.ts');
    'encryption.ts': typeof import('../../chapters/10a-pod-config/encryption.ts');
  };
  '10b': {
    'streaming-server.ts': typeof import('../../chapters/10b-pod-streams/streaming-server.ts');
    'connect.ts': typeof import('../../chapters/10b-pod-streams/connect.ts');
  };
  '11a': {
    'service-accounts.ts': typeof import('../../chapters/11a-service-accounts/service-accounts.ts');
  };
  '11b': {
    'authorization.ts': typeof import('../../chapters/11b-authorization/authorization.ts');
    'tokens.ts': typeof import('../../chapters/11b-authorization/tokens.ts');
    'rbac.ts': typeof import('../../chapters/11b-authorization/rbac.ts');
  };
  '11c': { 'webhooks.ts': typeof import('../../chapters/11c-webhooks/webhooks.ts') };
  '11d': { 'pod-token.ts': typeof import('../../chapters/11d-pod-tokens/pod-token.ts') };
  '12': {
    'server.ts': typeof import('../../chapters/12-dns/server.ts');
    'pod-dns.ts': typeof import('../../chapters/12-dns/pod-dns.ts');
  };
  '13a': {
    'job.ts': typeof import('../../chapters/13a-jobs/job.ts');
    'cronjob.ts': typeof import('../../chapters/13a-jobs/cronjob.ts');
  };
  '13b': {
    'daemonset.ts': typeof import('../../chapters/13b-daemonsets-statefulsets/daemonset.ts');
    'statefulset.ts': typeof import('../../chapters/13b-daemonsets-statefulsets/statefulset.ts');
  };
  '13c': {
    'binder.ts': typeof import('../../chapters/13c-storage/binder.ts');
    'provisioner.ts': typeof import('../../chapters/13c-storage/provisioner.ts');
    'volume-binding.ts': typeof import('../../chapters/13c-storage/volume-binding.ts');
    'claim-volumes.ts': typeof import('../../chapters/13c-storage/claim-volumes.ts');
  };
  '16a': { 'raft.ts': typeof import('../../chapters/16a-raft/raft.ts') };
  '16b': {
    'member.ts': typeof import('../../chapters/16b-raft-server/member.ts');
    'raft-storage.ts': typeof import('../../chapters/16b-raft-server/raft-storage.ts');
    'routing.ts': typeof import('../../chapters/16b-raft-server/routing.ts');
  };
  '14': {
    'horizontal.ts': typeof import('../../chapters/14-autoscaling/horizontal.ts');
    'resource-metrics.ts': typeof import('../../chapters/14-autoscaling/resource-metrics.ts');
    'stats.ts': typeof import('../../chapters/14-autoscaling/stats.ts');
    'metrics-server.ts': typeof import('../../chapters/14-autoscaling/metrics-server.ts');
    'versions.ts': typeof import('../../chapters/14-autoscaling/versions.ts');
  };
  '15b': { 'controller.ts': typeof import('../../chapters/15b-ingress/controller.ts') };
  '17': {
    'serving.ts': typeof import('../../chapters/17-operators/serving.ts');
    'webapp.ts': typeof import('../../chapters/17-operators/webapp.ts');
  };
  '18a': { 'static-pods.ts': typeof import('../../chapters/18a-static-pods/static-pods.ts') };
  '18b': {
    'bootstrap-tokens.ts': typeof import('../../chapters/18b-join/bootstrap-tokens.ts');
    'cluster-info.ts': typeof import('../../chapters/18b-join/cluster-info.ts');
    'csr.ts': typeof import('../../chapters/18b-join/csr.ts');
    'approver.ts': typeof import('../../chapters/18b-join/approver.ts');
    'join.ts': typeof import('../../chapters/18b-join/join.ts');
  };
  '15a': {
    'address-pool.ts': typeof import('../../chapters/15a-cloud/address-pool.ts');
    'load-balancer.ts': typeof import('../../chapters/15a-cloud/load-balancer.ts');
    'service-controller.ts': typeof import('../../chapters/15a-cloud/service-controller.ts');
    'node-controller.ts': typeof import('../../chapters/15a-cloud/node-controller.ts');
    'cluster-autoscaler.ts': typeof import('../../chapters/15a-cloud/cluster-autoscaler.ts');
    'disruption.ts': typeof import('../../chapters/15a-cloud/disruption.ts');
  };
}>;

/** Files of ChapterModules that chapterModuleFiles leaves out: none, or this does not compile. */
type Unlisted = {
  [C in ChapterWithModules]: Exclude<ModuleFile<C>, (typeof chapterModuleFiles)[C][number]>;
}[ChapterWithModules];
export const everyFileListed: [Unlisted] extends [never] ? true : Unlisted = true;

describe('Module contracts', () => {
  test('every file the loader reads by contract exists in solutions/ and in chapters/', () => {
    const missing: string[] = [];
    for (const [id, files] of Object.entries(chapterModuleFiles)) {
      const chapter = findChapter(id as ChapterWithModules);
      expect(chapter, `chapter ${id} in harness/course.ts`).toBeDefined();
      for (const file of files) {
        for (const parent of [solutionsDir, chaptersDir]) {
          const twin = path.join(parent, folderOf(chapter!), file);
          if (!existsSync(twin)) missing.push(path.relative(path.dirname(parent), twin));
        }
      }
    }
    expect(missing, 'files named in chapterModuleFiles').toEqual([]);
  });
});
