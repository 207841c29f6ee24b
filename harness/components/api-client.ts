// What every component that talks to the API server shares: the flags that say where it is
// (--kubeconfig or --master) and whose code runs (--use), and a first request that turns "cannot
// connect" into one line naming the fix, instead of a component retrying in silence.
import os from 'node:os';
import type { ApiClient, ClientConfig, Toolkit } from '../client/types.ts';
import { UsageError } from './flags.ts';
import { isUse, uses, type Use } from './implementation.ts';

export const clientFlagKinds = { kubeconfig: 'string', master: 'string', use: 'string' } as const;

export interface ClientFlags {
  kubeconfig?: string;
  master?: string;
  use: Use;
}

/** Reads the shared flags from parsed values; one of --kubeconfig and --master is required. */
export function clientFlags(values: Map<string, string | boolean>): ClientFlags {
  const text = (name: string) => values.get(name) as string | undefined;
  const use = text('use') ?? 'auto';
  if (!isUse(use)) throw new UsageError(`--use must be one of ${uses.join(', ')}, not "${use}"`);
  if (!text('kubeconfig') && !text('master')) {
    throw new UsageError('say where the API server is: --kubeconfig FILE or --master URL');
  }
  return { kubeconfig: text('kubeconfig'), master: text('master'), use };
}

/** A client for the API server, once a first request has reached it. */
export async function connect(
  toolkit: Toolkit,
  config: ClientConfig,
  userAgent: string,
): Promise<ApiClient> {
  const client = toolkit.createClient({ ...config, userAgent });
  try {
    await client.resource('namespaces').get('kube-system');
  } catch (error) {
    throw new Error(
      `cannot reach the API server at ${config.server} (${(error as Error).message}); start it ` +
        'with `npx kata run apiserver`, or check --master / --kubeconfig',
    );
  }
  return client;
}

/**
 * Runs `work` until `signal` aborts: at once, or, with `leaderElect`, only while this process
 * holds the Lease kube-system/<lease> (as kube-scheduler and kube-controller-manager do, so that
 * of several copies one works and the others wait). Resolves once everything has stopped.
 */
export function runLeading(
  options: {
    toolkit: Toolkit;
    client: ApiClient;
    leaderElect: boolean;
    lease: string;
    log: (line: string) => void;
  },
  work: (signal: AbortSignal) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  const { toolkit, client, lease, log } = options;
  if (!options.leaderElect) return work(signal);
  const identity = `${os.hostname()}_${Math.random().toString(16).slice(2, 10)}`;
  const elector = toolkit.createLeaderElector({
    client,
    namespace: 'kube-system',
    name: lease,
    identity,
    onStartedLeading: (leading) => {
      log(`leading as ${identity}`);
      void work(leading);
    },
    onStoppedLeading: () => log('no longer the leader: waiting'),
    onNewLeader: (leader) => leader !== identity && log(`the leader is ${leader}`),
  });
  log(`waiting for the lease kube-system/${lease} (--leader-elect)`);
  return elector.run(signal);
}
