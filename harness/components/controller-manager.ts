// `npx kata run controller-manager`: chapter 07's controllers, chapter 08's, chapter 09b's
// EndpointSlice controller, chapter 13a's Job and CronJob controllers, chapter 13b's DaemonSet
// and StatefulSet controllers, chapter 13c's PersistentVolume binder and local provisioner and
// chapter 14's HorizontalPodAutoscaler controller and chapter 15a's disruption controller (with
// chapter 03b's budget arithmetic), chapter 18b's CSR approver, signer and bootstrap signer, and
// the token cleaner (./token-cleaner.ts) in one program, as kube-controller-manager runs them,
// with its flag names (--local-path-dir, where the provisioner makes its volumes' directories,
// is this course's: kind's provisioner is a pod).
//
//   npx kata run controller-manager --master http://127.0.0.1:6443
//   npx kata run controller-manager --kubeconfig .kata/kubeconfig --controllers replicaset,endpoints
//
// Each controller is a reconcile loop on chapter 04's toolkit; each chapter comes from the learner
// once their tests pass (--use auto). With --leader-elect, several may run and the one holding the
// Lease kube-system/kube-controller-manager acts. It answers /healthz, /livez and /readyz on
// --bind-address:--secure-port (10257; plain HTTP here), /readyz once its controllers run.
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import type { KeyPair } from '../api/certificates.ts';
import type { CertificateSigningRequest, KubeObject } from '../api/types.ts';
import type { ClientConfig } from '../client/types.ts';
import type { CertificatesApiContract } from '../contracts/join.ts';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { kindResolver } from '../client/discover-kind.ts';
import { clientConfigFromFlags } from '../client/kubeconfig.ts';
import { repoRoot } from '../paths.ts';
import {
  clientFlagKinds,
  clientFlags,
  connect,
  type ClientFlags,
  runLeading,
} from './api-client.ts';
import { parseComponentFlags, parseDuration, UsageError } from './flags.ts';
import {
  controlPlaneEndpoints,
  servingFlagKinds,
  servingFlags,
  type ServingFlags,
  withHealth,
} from './health.ts';
import { chapterSource, describeSource, loadModule } from './implementation.ts';
import { serveUntilSignal } from './process.ts';
import { createRoleAggregationController } from './role-aggregation.ts';
import { createTokenCleaner } from './token-cleaner.ts';
import { loadToolkit } from './toolkit.ts';

/** What the garbage collector follows besides Services: its own default list (chapter 07). */
const collectedResources = [
  'pods',
  'replicasets',
  'replicationcontrollers',
  'deployments',
  'jobs',
  'cronjobs',
];

const controllerNames = [
  'deployment',
  'replicaset',
  'replicationcontroller',
  'endpoints',
  'endpointslice',
  'garbagecollector',
  'nodelifecycle',
  'taint-eviction-controller',
  'namespace',
  'job',
  'cronjob',
  'daemonset',
  'statefulset',
  'persistentvolume-binder',
  'local-path-provisioner',
  'horizontalpodautoscaling',
  'clusterrole-aggregation',
  'disruption',
  'csrapproving',
  'csrsigning',
  'bootstrapsigner',
  'tokencleaner',
];

const USAGE = `usage: kata run controller-manager (--kubeconfig FILE | --master URL)
                          [--controllers *|${controllerNames.join(',')}] [--leader-elect]
                          [--node-monitor-grace-period 50s] [--local-path-dir DIR]
                          [--horizontal-pod-autoscaler-sync-period 15s]
                          [--cluster-signing-cert-file FILE --cluster-signing-key-file FILE]
                          [--cluster-signing-duration 8760h]
                          [--secure-port 10257]
                          [--bind-address IP] [--kube-api-wait-timeout 5m]
                          [--use solutions|mine|auto]`;

export interface ControllerManagerFlags extends ClientFlags, ServingFlags {
  controllers: string[];
  leaderElect: boolean;
  nodeMonitorGracePeriodMs: number;
  /** How often the autoscaler looks at each HorizontalPodAutoscaler: 15 s. */
  horizontalPodAutoscalerSyncPeriodMs: number;
  /** Where the local provisioner makes volumes: <dir>/<node>/<volume>_<namespace>_<claim>. */
  localPathDir: string;
  /** The CA the CSR signer issues with (chapter 18b); without both, csrsigning does not run. */
  clusterSigningCertFile?: string;
  clusterSigningKeyFile?: string;
  /** The longest certificate the signer issues: a year. */
  clusterSigningDurationMs: number;
}

export function parseFlags(argv: string[]): ControllerManagerFlags {
  const values = parseComponentFlags(argv, {
    ...clientFlagKinds,
    ...servingFlagKinds,
    controllers: 'string',
    'leader-elect': 'boolean',
    'node-monitor-grace-period': 'string',
    'local-path-dir': 'string',
    'horizontal-pod-autoscaler-sync-period': 'string',
    'cluster-signing-cert-file': 'string',
    'cluster-signing-key-file': 'string',
    'cluster-signing-duration': 'string',
  });
  const text = (name: string) => values.get(name) as string | undefined;
  const shared = clientFlags(values);
  const asked = (text('controllers') ?? '*').split(',').map((name) => name.trim());
  const controllers = asked.includes('*') ? controllerNames : asked;
  const unknown = controllers.filter((name) => !controllerNames.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown controller ${unknown.join(', ')}; choose from ${controllerNames.join(', ')} or *`,
    );
  }
  return {
    ...shared,
    ...servingFlags(values, 10257),
    controllers,
    leaderElect: values.get('leader-elect') === true,
    nodeMonitorGracePeriodMs: parseDuration(
      text('node-monitor-grace-period') ?? '50s',
      'node-monitor-grace-period',
    ),
    horizontalPodAutoscalerSyncPeriodMs: parseDuration(
      text('horizontal-pod-autoscaler-sync-period') ?? '15s',
      'horizontal-pod-autoscaler-sync-period',
    ),
    clusterSigningCertFile: text('cluster-signing-cert-file'),
    clusterSigningKeyFile: text('cluster-signing-key-file'),
    clusterSigningDurationMs: parseDuration(
      text('cluster-signing-duration') ?? '8760h',
      'cluster-signing-duration',
    ),
    localPathDir: path.resolve(
      text('local-path-dir') ?? path.join(repoRoot, '.kata', 'local-path-provisioner'),
    ),
  };
}

/** The signer's CA from --cluster-signing-cert-file and --cluster-signing-key-file, if both. */
function readSigningCa(flags: ControllerManagerFlags): KeyPair | undefined {
  const { clusterSigningCertFile: certFile, clusterSigningKeyFile: keyFile } = flags;
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    throw new UsageError('give both --cluster-signing-cert-file and --cluster-signing-key-file');
  }
  try {
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8') };
  } catch (error) {
    throw new Error(`cannot read the cluster signing CA: ${(error as Error).message}`);
  }
}

/**
 * What the CSR approver asks of the API beyond chapter 04's client: PUT on the approval
 * subresource, and a SubjectAccessReview for the CSR's requestor.
 */
function certificatesApi(config: ClientConfig): CertificatesApiContract {
  const base = `${config.server}/apis`;
  const send = async (method: string, url: string, body: unknown) => {
    const answer = await fetch(url, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    const reply = (await answer.json()) as KubeObject & { message?: string };
    if (!answer.ok) throw new Error(`${method} ${url}: ${answer.status} ${reply.message ?? ''}`);
    return reply;
  };
  return {
    updateApproval: async (csr) =>
      (await send(
        'PUT',
        `${base}/certificates.k8s.io/v1/certificatesigningrequests/${csr.metadata.name}/approval`,
        csr,
      )) as CertificateSigningRequest,
    mayCreate: async (csr, subresource) => {
      const review = await send('POST', `${base}/authorization.k8s.io/v1/subjectaccessreviews`, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: csr.spec.username,
          uid: csr.spec.uid,
          groups: csr.spec.groups,
          extra: csr.spec.extra,
          resourceAttributes: {
            group: 'certificates.k8s.io',
            resource: 'certificatesigningrequests',
            verb: 'create',
            subresource,
          },
        },
      });
      return (review.status as { allowed?: boolean } | undefined)?.allowed === true;
    },
  };
}

/**
 * The controllers' code, chapter by chapter, from the learner's folder or the reference as --use
 * says (./implementation.ts), each chapter's source logged.
 */
async function loadControllerModules(
  use: ControllerManagerFlags['use'],
  log: (line: string) => void,
) {
  const folder = chapterSource('07', use);
  const { createReplicaSetController } = await loadModule('07', 'replicaset.ts', folder);
  const { createEndpointsController } = await loadModule('07', 'endpoints.ts', folder);
  const { createGarbageCollector } = await loadModule('07', 'garbage-collector.ts', folder);
  const { createNamespaceController } = await loadModule('07', 'namespace.ts', folder);
  const { createNodeLifecycleController } = await loadModule('07', 'node-lifecycle.ts', folder);
  const { createTaintEvictionController } = await loadModule('07', 'taint-eviction.ts', folder);
  log(`chapter 07, the controllers: ${describeSource(folder)}`);
  const deploymentsFolder = chapterSource('08', use);
  const { createDeploymentController } = await loadModule('08', 'deployment.ts', deploymentsFolder);
  log(`chapter 08, the deployment controller: ${describeSource(deploymentsFolder)}`);
  const slicesFolder = chapterSource('09b', use);
  const { createEndpointSliceController } = await loadModule(
    '09b',
    'endpointslices.ts',
    slicesFolder,
  );
  log(`chapter 09b, the endpointslice controller: ${describeSource(slicesFolder)}`);
  const jobsFolder = chapterSource('13a', use);
  const { createJobController } = await loadModule('13a', 'job.ts', jobsFolder);
  const { createCronJobController } = await loadModule('13a', 'cronjob.ts', jobsFolder);
  log(`chapter 13a, the job and cronjob controllers: ${describeSource(jobsFolder)}`);
  const workloadsFolder = chapterSource('13b', use);
  const { createDaemonSetController } = await loadModule('13b', 'daemonset.ts', workloadsFolder);
  const { createStatefulSetController } = await loadModule(
    '13b',
    'statefulset.ts',
    workloadsFolder,
  );
  log(`chapter 13b, the daemonset and statefulset controllers: ${describeSource(workloadsFolder)}`);
  const storageFolder = chapterSource('13c', use);
  const { createPersistentVolumeBinder } = await loadModule('13c', 'binder.ts', storageFolder);
  const { createLocalProvisioner } = await loadModule('13c', 'provisioner.ts', storageFolder);
  log(`chapter 13c, the volume binder and local provisioner: ${describeSource(storageFolder)}`);
  const autoscalingFolder = chapterSource('14', use);
  const { createHorizontalController } = await loadModule('14', 'horizontal.ts', autoscalingFolder);
  const { metricsApiSource } = await loadModule('14', 'resource-metrics.ts', autoscalingFolder);
  log(`chapter 14, the horizontal pod autoscaler: ${describeSource(autoscalingFolder)}`);
  const rbacFolder = chapterSource('11b', use);
  const { aggregatedRules } = await loadModule('11b', 'rbac.ts', rbacFolder);
  log(`chapter 11b, ClusterRole aggregation: ${describeSource(rbacFolder)}`);
  const { budgetStatus } = await loadModule('03b', 'subresources.ts', chapterSource('03b', use));
  const cloudFolder = chapterSource('15a', use);
  const { createDisruptionController } = await loadModule('15a', 'disruption.ts', cloudFolder);
  log(`chapter 15a, the disruption controller: ${describeSource(cloudFolder)}`);
  const joinFolder = chapterSource('18b', use);
  const { createCsrApprover, createCsrSigner } = await loadModule('18b', 'approver.ts', joinFolder);
  const { createBootstrapSigner } = await loadModule('18b', 'cluster-info.ts', joinFolder);
  log(
    `chapter 18b, the CSR approver and signer, the bootstrap signer: ${describeSource(joinFolder)}`,
  );
  return {
    createReplicaSetController,
    createEndpointsController,
    createGarbageCollector,
    createNamespaceController,
    createNodeLifecycleController,
    createTaintEvictionController,
    createDeploymentController,
    createEndpointSliceController,
    createJobController,
    createCronJobController,
    createDaemonSetController,
    createStatefulSetController,
    createPersistentVolumeBinder,
    createLocalProvisioner,
    createHorizontalController,
    metricsApiSource,
    aggregatedRules,
    budgetStatus,
    createDisruptionController,
    createCsrApprover,
    createCsrSigner,
    createBootstrapSigner,
  };
}

/** What each controller is made with: the cluster's client and toolkit, and the flags. */
interface ControllerContext {
  toolkit: Awaited<ReturnType<typeof loadToolkit>>;
  client: Awaited<ReturnType<typeof connect>>;
  config: ReturnType<typeof clientConfigFromFlags>;
  flags: ControllerManagerFlags;
  log: (line: string) => void;
}

/** Each controller by its --controllers name, made when it is to run. */
function controllerMakers(
  modules: Awaited<ReturnType<typeof loadControllerModules>>,
  { toolkit, client, config, flags, log }: ControllerContext,
) {
  const {
    createReplicaSetController,
    createEndpointsController,
    createGarbageCollector,
    createNamespaceController,
    createNodeLifecycleController,
    createTaintEvictionController,
    createDeploymentController,
    createEndpointSliceController,
    createJobController,
    createCronJobController,
    createDaemonSetController,
    createStatefulSetController,
    createPersistentVolumeBinder,
    createLocalProvisioner,
    createHorizontalController,
    metricsApiSource,
    aggregatedRules,
    budgetStatus,
    createDisruptionController,
    createCsrApprover,
    createCsrSigner,
    createBootstrapSigner,
  } = modules;
  const certificates = certificatesApi(config);
  const signingCa = readSigningCa(flags);
  const makers: Record<string, () => { run(signal: AbortSignal): Promise<void> }> = {
    deployment: () => createDeploymentController({ toolkit, client }),
    replicaset: () => createReplicaSetController({ toolkit, client }),
    replicationcontroller: () =>
      createReplicaSetController({ toolkit, client, kind: 'ReplicationController' }),
    endpoints: () => createEndpointsController({ toolkit, client }),
    endpointslice: () => createEndpointSliceController({ toolkit, client }),
    garbagecollector: () =>
      createGarbageCollector({
        toolkit,
        client,
        // Services too (a WebApp's, chapter 17), and owners of custom kinds found by discovery.
        resources: [...collectedResources, 'services'],
        resolveKind: kindResolver(client.config),
        // Owners it follows are watched; a resync every 30 s catches whatever a watch missed.
        resyncMs: 30_000,
      }),
    namespace: () => createNamespaceController({ toolkit, client }),
    nodelifecycle: () =>
      createNodeLifecycleController({
        toolkit,
        client,
        gracePeriodMs: flags.nodeMonitorGracePeriodMs,
      }),
    'taint-eviction-controller': () => createTaintEvictionController({ toolkit, client }),
    job: () => createJobController({ toolkit, client }),
    cronjob: () => createCronJobController({ toolkit, client }),
    daemonset: () => createDaemonSetController({ toolkit, client }),
    statefulset: () => createStatefulSetController({ toolkit, client }),
    'persistentvolume-binder': () => createPersistentVolumeBinder({ toolkit, client }),
    'local-path-provisioner': () =>
      createLocalProvisioner({ toolkit, client, volumesDir: flags.localPathDir }),
    horizontalpodautoscaling: () =>
      createHorizontalController({
        toolkit,
        client,
        metrics: metricsApiSource(config),
        syncPeriodMs: flags.horizontalPodAutoscalerSyncPeriodMs,
      }),
    'clusterrole-aggregation': () =>
      createRoleAggregationController({ toolkit, client, aggregatedRules }),
    disruption: () => createDisruptionController({ toolkit, client, budgetStatus }),
    csrapproving: () => createCsrApprover({ toolkit, client, certificates }),
    csrsigning: () =>
      signingCa
        ? createCsrSigner({
            toolkit,
            client,
            certificates,
            ca: signingCa,
            durationSeconds: flags.clusterSigningDurationMs / 1000,
          })
        : { run: async () => log('csrsigning: no --cluster-signing-cert-file, not signing') },
    bootstrapsigner: () => createBootstrapSigner({ toolkit, client }),
    tokencleaner: () => createTokenCleaner({ toolkit, client }),
  };
  return makers;
}

export async function startControllerManager(
  flags: ControllerManagerFlags,
  log: (line: string) => void,
) {
  const config = clientConfigFromFlags(flags);
  const toolkit = await loadToolkit(flags.use, log);
  const modules = await loadControllerModules(flags.use, log);
  const client = await connect(toolkit, config, 'kata-controller-manager', {
    timeoutMs: flags.kubeApiWaitTimeoutMs,
    log,
  });
  const makers = controllerMakers(modules, { toolkit, client, config, flags, log });
  const runAll = (signal: AbortSignal) => {
    // Every informer and work queue of every controller listens to this one signal (the leader's,
    // with --leader-elect): more than Node's default of ten listeners, and no leak.
    setMaxListeners(100, signal);
    return Promise.all(flags.controllers.map((name) => makers[name]!().run(signal))).then(() => {});
  };
  const stop = new AbortController();
  const done = runLeading(
    { toolkit, client, leaderElect: flags.leaderElect, lease: 'kube-controller-manager', log },
    runAll,
    stop.signal,
  );
  log(`running ${flags.controllers.join(', ')} against ${config.server}`);
  return {
    close: async () => {
      stop.abort();
      await done;
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => console.log(`kata controller-manager: ${line}`);
  let flags: ControllerManagerFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    console.error(`kata controller-manager: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    const running = await withHealth(
      {
        address: flags.bindAddress,
        port: flags.securePort,
        flag: '--bind-address and --secure-port',
        endpoints: (started) => controlPlaneEndpoints('controllers-started', started),
        log,
      },
      () => startControllerManager(flags, log),
    );
    return await serveUntilSignal('controller-manager', running, log);
  } catch (error) {
    console.error(`kata controller-manager: ${(error as Error).message}`);
    return 1;
  }
}

// Run directly (node --import tsx harness/components/controller-manager.ts ...), not imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
