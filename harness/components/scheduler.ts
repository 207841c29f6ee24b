// `npx kata run scheduler`: the scheduler as a program, with kube-scheduler's flag names.
//
//   npx kata run scheduler --kubeconfig .kata/kubeconfig
//   npx kata run scheduler --master http://127.0.0.1:6443 --leader-elect --secure-port 0
//
// It builds chapter 05's scheduler on chapter 04's toolkit, with chapter 13c's VolumeBinding filter
// after chapter 05's own filters (a pod goes where its claims' volumes are), each from the
// learner's chapter once that chapter passes and from the reference until then (--use auto, the
// default), and runs until
// SIGINT or SIGTERM. With --leader-elect, several can run and the one holding the Lease
// kube-system/kube-scheduler schedules; the others wait to take over. It answers /healthz, /livez
// and /readyz on --bind-address:--secure-port (10259; plain HTTP here), /readyz once it schedules.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { clientConfigFromFlags } from '../client/kubeconfig.ts';
import {
  clientFlagKinds,
  clientFlags,
  connect,
  type ClientFlags,
  runLeading,
} from './api-client.ts';
import { parseComponentFlags } from './flags.ts';
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

const USAGE = `usage: kata run scheduler (--kubeconfig FILE | --master URL) [--scheduler-name NAME]
                          [--leader-elect] [--secure-port 10259] [--bind-address IP]
                          [--kube-api-wait-timeout 5m]
                          [--use solutions|mine|auto]`;

export interface SchedulerFlags extends ClientFlags, ServingFlags {
  schedulerName: string;
  leaderElect: boolean;
}

export function parseFlags(argv: string[]): SchedulerFlags {
  const values = parseComponentFlags(argv, {
    ...clientFlagKinds,
    ...servingFlagKinds,
    'scheduler-name': 'string',
    'leader-elect': 'boolean',
  });
  const shared = clientFlags(values);
  const flags: SchedulerFlags = {
    ...shared,
    ...servingFlags(values, 10259),
    schedulerName: (values.get('scheduler-name') as string | undefined) ?? 'default-scheduler',
    leaderElect: values.get('leader-elect') === true,
  };
  return flags;
}

export async function startScheduler(flags: SchedulerFlags, log: (line: string) => void) {
  const config = clientConfigFromFlags(flags);
  const toolkit = await loadToolkit(flags.use, log);
  const folder = chapterSource('05', flags.use);
  const { createScheduler } = await loadModule('05', 'scheduler.ts', folder);
  const { defaultFilters } = await loadModule('05', 'filters.ts', folder);
  log(`chapter 05, the scheduler: ${describeSource(folder)}`);
  const storageFolder = chapterSource('13c', flags.use);
  const { createVolumeBinding } = await loadModule('13c', 'volume-binding.ts', storageFolder);
  log(`chapter 13c, the VolumeBinding filter: ${describeSource(storageFolder)}`);
  const client = await connect(toolkit, config, 'kata-scheduler', {
    timeoutMs: flags.kubeApiWaitTimeoutMs,
    log,
  });
  const volumeBinding = createVolumeBinding({ toolkit, client });
  const scheduler = createScheduler({
    toolkit,
    client,
    schedulerName: flags.schedulerName,
    filters: [...defaultFilters, volumeBinding.filter],
  });
  const stop = new AbortController();
  // The filter answers from its informers: they are synced before the first pod is scheduled.
  const done = runLeading(
    { toolkit, client, leaderElect: flags.leaderElect, lease: 'kube-scheduler', log },
    async (signal) => {
      await volumeBinding.run(signal);
      await scheduler.run(signal);
    },
    stop.signal,
  );
  log(`scheduling pods of ${flags.schedulerName} through ${config.server}`);
  return {
    close: async () => {
      stop.abort();
      await done;
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => console.log(`kata scheduler: ${line}`);
  let flags: SchedulerFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    console.error(`kata scheduler: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    const running = await withHealth(
      {
        address: flags.bindAddress,
        port: flags.securePort,
        flag: '--bind-address and --secure-port',
        endpoints: (started) => controlPlaneEndpoints('sched-handler-sync', started),
        log,
      },
      () => startScheduler(flags, log),
    );
    return await serveUntilSignal('scheduler', running, log);
  } catch (error) {
    console.error(`kata scheduler: ${(error as Error).message}`);
    return 1;
  }
}

// Run directly (node --import tsx harness/components/scheduler.ts ...), not imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
