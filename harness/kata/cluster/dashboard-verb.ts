// `kata dashboard`: the running cluster as a live page (harness/trace/dashboard.ts), fed by the
// admin's watches, the cluster's control endpoint and the API server's /metrics; each object's
// trace comes from the cluster's trace files and its history from its store. Runs until Ctrl-C.
import { existsSync } from 'node:fs';
import { readKubeconfig } from '../../client/kubeconfig.ts';
import { loadReference } from '../../components/implementation.ts';
import { toolkit } from '../../components/reference-toolkit.ts';
import { traceDir } from '../../cluster/arguments.ts';
import { ClusterView } from '../../trace/cluster-view.ts';
import { startDashboard, type RunningDashboard } from '../../trace/dashboard.ts';
import { feedDashboard } from '../../trace/dashboard-feed.ts';
import { historyEntries, storedRevisions } from '../../trace/history.ts';
import { readTraceDir } from '../../trace/otlp.ts';
import { traceSteps } from '../../trace/waterfall.ts';
import type { ClusterState } from '../../cluster/state.ts';
import { KataError, UsageError } from '../output.ts';
import { dataDirOf, runningCluster } from './components.ts';

type Flags = Record<string, string | boolean | undefined>;

export interface OpenDashboard {
  dashboard: RunningDashboard;
  /** Stops the watches, the store client and the server. */
  close(): Promise<void>;
}

/** Serves the dashboard of the cluster `state` describes, running from `dataDir`. */
export async function openDashboard(
  state: ClusterState,
  dataDir: string,
  listen: { port?: number; address?: string } = {},
): Promise<OpenDashboard> {
  // Over TLS, this process presents the admin's certificate to the API server from now on.
  if (existsSync(state.kubeconfig)) readKubeconfig(state.kubeconfig);
  const stop = new AbortController();
  const client = toolkit.createClient({ server: state.apiserver, userAgent: 'kata-dashboard' });
  const { createStoreClient } = await loadReference('02', 'client.ts');
  const store = state.store ? createStoreClient(state.store) : undefined;
  const view = new ClusterView();
  let scraped: { metrics(): { name: string; value: number }[] } | undefined;
  const dashboard = await startDashboard(
    {
      view,
      trace: (key) => traceSteps(readTraceDir(traceDir(dataDir)), key),
      history: async (key) =>
        store
          ? historyEntries(await storedRevisions(store, key), readTraceDir(traceDir(dataDir)))
          : [],
      metrics: () => scraped?.metrics() ?? [],
    },
    listen,
  ).catch(async (error: unknown) => {
    // Nothing may keep the process alive after a failed start (the store client's connections).
    await store?.close();
    throw error;
  });
  scraped = feedDashboard({
    client,
    toolkit,
    view,
    changed: dashboard.changed,
    signal: stop.signal,
    controlUrl: state.control,
    metricsUrl: `${state.apiserver}/metrics`,
  });
  return {
    dashboard,
    close: async () => {
      stop.abort();
      await dashboard.close();
      await store?.close();
    },
  };
}

/** `kata dashboard`: serves the page until Ctrl-C. */
export async function dashboard(flags: Flags): Promise<number> {
  const port = typeof flags.port === 'string' ? Number(flags.port) : 7080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number, not "${flags.port}"`);
  }
  const address = typeof flags.address === 'string' ? flags.address : '127.0.0.1';
  const dataDir = dataDirOf(flags);
  const open = await openDashboard(runningCluster(dataDir), dataDir, { port, address }).catch(
    (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'the port is in use' : error.message;
      throw new KataError(
        `cannot serve the dashboard on ${address}:${port}: ${why}; choose another with --port`,
      );
    },
  );
  console.log(
    `The dashboard of the cluster in ${dataDir}: ${open.dashboard.url}  (Ctrl-C stops it)`,
  );
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await open.close();
  return 0;
}
