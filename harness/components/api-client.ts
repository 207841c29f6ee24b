// What every component that talks to the API server shares: the flags that say where it is
// (--kubeconfig or --master), whose code runs (--use) and how long to wait for it
// (--kube-api-wait-timeout), and a first request that waits for the API server, saying so in one
// line, instead of a component failing because it started first or retrying in silence.
import os from 'node:os';
import { isForbidden } from '../client/errors.ts';
import type { ApiClient, ClientConfig, Toolkit } from '../client/types.ts';
import { parseDuration, UsageError } from './flags.ts';
import { isUse, uses, type Use } from './implementation.ts';
import { GaveUpWaiting, waitForDependency, type WaitClock } from './waiting.ts';

export const clientFlagKinds = {
  kubeconfig: 'string',
  master: 'string',
  use: 'string',
  'kube-api-wait-timeout': 'string',
} as const;

export interface ClientFlags {
  kubeconfig?: string;
  master?: string;
  use: Use;
  /** How long to wait for the API server to answer at start (--kube-api-wait-timeout, 5m). */
  kubeApiWaitTimeoutMs: number;
}

/** Reads the shared flags from parsed values; one of --kubeconfig and --master is required. */
export function clientFlags(values: Map<string, string | boolean>): ClientFlags {
  const text = (name: string) => values.get(name) as string | undefined;
  const use = text('use') ?? 'auto';
  if (!isUse(use)) throw new UsageError(`--use must be one of ${uses.join(', ')}, not "${use}"`);
  if (!text('kubeconfig') && !text('master')) {
    throw new UsageError('say where the API server is: --kubeconfig FILE or --master URL');
  }
  return {
    kubeconfig: text('kubeconfig'),
    master: text('master'),
    use,
    kubeApiWaitTimeoutMs: parseDuration(
      text('kube-api-wait-timeout') ?? '5m',
      'kube-api-wait-timeout',
    ),
  };
}

/**
 * A client for the API server, once a first request has reached it: until then it waits,
 * saying so on `log`, for up to `timeoutMs`; a failure other than "not there yet" is one line.
 * A 403 is an answer too: the server knows who this component is (RBAC may not let every
 * component read kube-system), so it is up.
 */
export async function connect(
  toolkit: Toolkit,
  config: ClientConfig,
  userAgent: string,
  waiting: { timeoutMs: number; log: (line: string) => void; clock?: WaitClock },
): Promise<ApiClient> {
  const client = toolkit.createClient({ ...config, userAgent });
  const hint = 'start it with `npx kata run apiserver`, or check --master / --kubeconfig';
  try {
    const reached = (error: unknown) => {
      if (!isForbidden(error)) throw error;
    };
    const probe = () => client.resource('namespaces').get('kube-system').catch(reached);
    await waitForDependency(probe, {
      what: 'the API server',
      address: config.server,
      hint,
      timeoutFlag: '--kube-api-wait-timeout',
      ...waiting,
    });
  } catch (error) {
    if (error instanceof GaveUpWaiting) throw error;
    throw new Error(
      `cannot use the API server at ${config.server} (${(error as Error).message}); ${hint}`,
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
