// `npx kata run cloud-controller-manager`: the kata cloud and chapter 15a's controllers in one
// program, as a cloud's cloud-controller-manager runs them, with its flag names: the service
// controller (load balancers for Services of type LoadBalancer), the cloud node controller and
// the cloud node lifecycle controller. With --nodes MIN:MAX:GROUP (the cluster autoscaler's flag)
// it also runs chapter 15a's cluster autoscaler over that node group of the cloud; kube runs the
// autoscaler as a program of its own, here it shares the process that owns the cloud's machines.
//
//   npx kata run cloud-controller-manager --kubeconfig .kata/kubeconfig \
//       --cloud-provider kata --cloud-config .kata/cloud-config.json [--nodes 0:1:kata-pool]
//
// It answers /healthz, /livez and /readyz on --bind-address:--secure-port (10258; plain HTTP
// here), /readyz once its controllers run. Everything the cloud started (load balancers,
// machines) ends with it.
import { readFileSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { KataCloud } from '../cloud/kata-cloud.ts';
import type { CloudConfig } from '../cloud/machines.ts';
import { clientConfigFromFlags } from '../client/kubeconfig.ts';
import { endsWithProgram } from '../lifetime.ts';
import {
  clientFlagKinds,
  clientFlags,
  connect,
  runLeading,
  type ClientFlags,
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
import { loadToolkit } from './toolkit.ts';

const USAGE = `usage: kata run cloud-controller-manager (--kubeconfig FILE | --master URL)
                          --cloud-config FILE [--cloud-provider kata]
                          [--nodes MIN:MAX:GROUP] [--scan-interval 10s]
                          [--scale-down-unneeded-time 10m] [--node-monitor-period 5s]
                          [--secure-port 10258] [--bind-address IP] [--leader-elect]
                          [--use solutions|mine|auto]`;

export interface CloudControllerManagerFlags extends ClientFlags, ServingFlags {
  cloudConfig: string;
  /** The autoscaled group's bounds, when the cluster autoscaler runs. */
  nodes?: { minSize: number; maxSize: number; id: string };
  scanIntervalMs: number;
  scaleDownUnneededMs: number;
  nodeMonitorPeriodMs: number;
  leaderElect: boolean;
}

/** "1:3:kata-pool" → its bounds and group; anything else is a usage error. */
export function parseNodeGroupFlag(text: string) {
  const match = /^(\d+):(\d+):([a-z0-9-]+)$/.exec(text);
  if (!match || Number(match[1]) > Number(match[2]))
    throw new UsageError(`--nodes must be MIN:MAX:GROUP with MIN <= MAX, not "${text}"`);
  return { minSize: Number(match[1]), maxSize: Number(match[2]), id: match[3]! };
}

export function parseFlags(argv: string[]): CloudControllerManagerFlags {
  const values = parseComponentFlags(argv, {
    ...clientFlagKinds,
    ...servingFlagKinds,
    'cloud-config': 'string',
    'cloud-provider': 'string',
    nodes: 'string',
    'scan-interval': 'string',
    'scale-down-unneeded-time': 'string',
    'node-monitor-period': 'string',
    'leader-elect': 'boolean',
  });
  const text = (name: string) => values.get(name) as string | undefined;
  const provider = text('cloud-provider') ?? 'kata';
  if (provider !== 'kata')
    throw new UsageError(`--cloud-provider ${provider}: the only cloud here is "kata"`);
  const cloudConfig = text('cloud-config');
  if (!cloudConfig) throw new UsageError('--cloud-config is required');
  const nodes = text('nodes');
  return {
    ...clientFlags(values),
    ...servingFlags(values, 10258),
    cloudConfig: path.resolve(cloudConfig),
    nodes: nodes ? parseNodeGroupFlag(nodes) : undefined,
    scanIntervalMs: parseDuration(text('scan-interval') ?? '10s', 'scan-interval'),
    scaleDownUnneededMs: parseDuration(
      text('scale-down-unneeded-time') ?? '10m',
      'scale-down-unneeded-time',
    ),
    nodeMonitorPeriodMs: parseDuration(text('node-monitor-period') ?? '5s', 'node-monitor-period'),
    leaderElect: values.get('leader-elect') === true,
  };
}

/** The cloud's configuration file, with --nodes's group in place of the file's. */
function readCloudConfig(flags: CloudControllerManagerFlags): CloudConfig {
  let config: CloudConfig;
  try {
    config = JSON.parse(readFileSync(flags.cloudConfig, 'utf8')) as CloudConfig;
  } catch (error) {
    throw new UsageError(
      `cannot read --cloud-config ${flags.cloudConfig}: ${(error as Error).message}`,
    );
  }
  return flags.nodes ? { ...config, nodeGroup: flags.nodes } : config;
}

export async function startCloudControllerManager(
  flags: CloudControllerManagerFlags,
  log: (line: string) => void,
) {
  const config = clientConfigFromFlags(flags);
  const toolkit = await loadToolkit(flags.use, log);
  const folder = chapterSource('15a', flags.use);
  const modules = {
    'address-pool.ts': await loadModule('15a', 'address-pool.ts', folder),
    'load-balancer.ts': await loadModule('15a', 'load-balancer.ts', folder),
    'service-controller.ts': await loadModule('15a', 'service-controller.ts', folder),
    'node-controller.ts': await loadModule('15a', 'node-controller.ts', folder),
    'cluster-autoscaler.ts': await loadModule('15a', 'cluster-autoscaler.ts', folder),
  };
  log(`chapter 15a, the cloud controllers: ${describeSource(folder)}`);
  const cloud = new KataCloud(readCloudConfig(flags), modules, log);
  const endCloud = endsWithProgram(() => cloud.close());
  const client = await connect(toolkit, config, 'kata-cloud-controller-manager', {
    timeoutMs: flags.kubeApiWaitTimeoutMs,
    log,
  });
  const options = { toolkit, client, cloud };
  const { createCloudNodeController, createCloudNodeLifecycleController } =
    modules['node-controller.ts'];
  const controllers = [
    modules['service-controller.ts'].createServiceController(options),
    createCloudNodeController(options),
    createCloudNodeLifecycleController({ ...options, monitorPeriodMs: flags.nodeMonitorPeriodMs }),
    ...(flags.nodes
      ? [
          modules['cluster-autoscaler.ts'].createClusterAutoscaler({
            ...options,
            scanIntervalMs: flags.scanIntervalMs,
            scaleDownUnneededMs: flags.scaleDownUnneededMs,
          }),
        ]
      : []),
  ];
  const runAll = (signal: AbortSignal) => {
    setMaxListeners(100, signal);
    return Promise.all(controllers.map((controller) => controller.run(signal))).then(() => {});
  };
  const stop = new AbortController();
  const done = runLeading(
    { toolkit, client, leaderElect: flags.leaderElect, lease: 'cloud-controller-manager', log },
    runAll,
    stop.signal,
  );
  const group = flags.nodes
    ? `, the cluster autoscaler over ${flags.nodes.id} (${flags.nodes.minSize}..${flags.nodes.maxSize})`
    : '';
  log(
    `running service, cloud-node and cloud-node-lifecycle controllers${group} against ${config.server}`,
  );
  return {
    close: async () => {
      stop.abort();
      await done;
      await endCloud();
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => console.log(`kata cloud-controller-manager: ${line}`);
  let flags: CloudControllerManagerFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    console.error(`kata cloud-controller-manager: ${(error as Error).message}\n${USAGE}`);
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
      () => startCloudControllerManager(flags, log),
    );
    return await serveUntilSignal('cloud-controller-manager', running, log);
  } catch (error) {
    console.error(`kata cloud-controller-manager: ${(error as Error).message}`);
    return 1;
  }
}

// Run directly (node --import tsx harness/components/cloud-controller-manager.ts ...), not imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
