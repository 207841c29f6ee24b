// `kata up` (npm start): reads its flags, starts the cluster (harness/cluster/start.ts) and serves
// until Ctrl-C. Ctrl-C, SIGTERM or a closed terminal (SIGHUP) stop it, while it starts too: the
// pods' processes run detached, and would stay.
import path from 'node:path';
import { componentKinds, type ComponentKind } from '../../course.ts';
import { isUse, type Use } from '../../components/implementation.ts';
import { ClusterError, defaultDataDir, type ClusterOptions } from '../../cluster/options.ts';
import { startCluster } from '../../cluster/start.ts';
import { isNetworkChoice, networkModeFromEnvironment } from '../../network.ts';
import { KataError, paint, UsageError } from '../output.ts';

type Flags = Record<string, string | boolean | undefined>;

/** Reads `kata up`'s flags. */
export function parseUpFlags(flags: Flags): ClusterOptions {
  const text = (name: string) =>
    typeof flags[name] === 'string' ? (flags[name] as string) : undefined;
  const number = (name: string, fallback: number, least = 0) => {
    const value = text(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < least)
      throw new UsageError(
        `--${name} takes a whole number${least ? ` of at least ${least}` : ''}, not "${value}"`,
      );
    return Number(value);
  };
  const useOf = (flag: string, fallback: Use): Use => {
    const value = text(flag);
    if (value === undefined) return fallback;
    if (!isUse(value))
      throw new UsageError(`--${flag} takes auto, solutions or mine, not "${value}"`);
    return value;
  };
  const all = useOf('use', 'auto');
  const use = Object.fromEntries(
    componentKinds.map((kind) => [kind, useOf(`use-${kind}`, all)]),
  ) as Record<ComponentKind, Use>;
  const nodes = number('nodes', 3, 1);
  const nodeIndexBase = number('node-index-base', 0);
  let network = text('network');
  try {
    network ??= networkModeFromEnvironment() ?? 'auto';
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!isNetworkChoice(network))
    throw new UsageError(`--network takes auto, loopback or single, not "${network}"`);
  const proxyMode = text('proxy-mode') ?? 'userspace';
  if (proxyMode !== 'userspace' && proxyMode !== 'iptables')
    throw new UsageError(`--proxy-mode takes userspace or iptables, not "${proxyMode}"`);
  if (nodeIndexBase + nodes > 255)
    throw new UsageError('--nodes and --node-index-base: the address plan has room for 255 nodes');
  return {
    nodes,
    dataDir: path.resolve(text('data-dir') ?? defaultDataDir),
    fresh: flags.fresh === true,
    use,
    etcdServers: text('etcd-servers'),
    storePort: number('store-port', 2379),
    storeReplicas: number('store-replicas', 1, 1),
    apiserverPort: number('apiserver-port', 6443),
    kubeletPort: number('kubelet-port', 10250),
    nodeIndexBase,
    serviceClusterIpRange: text('service-cluster-ip-range'),
    nodeMonitorGracePeriod: text('node-monitor-grace-period'),
    autoscaleNodes: text('autoscale-nodes') ?? '0:2',
    scaleDownUnneededTime: text('scale-down-unneeded-time'),
    network,
    proxyMode,
    insecure: flags.insecure === true,
    kubeadm: flags.kubeadm === true,
    tracing: flags['no-tracing'] !== true,
  };
}

/** `kata up`: starts the cluster and serves until Ctrl-C. */
export async function up(flags: Flags, colour: boolean): Promise<number> {
  const options = parseUpFlags(flags);
  const stopping = new AbortController();
  // A second Ctrl-C while the cluster stops is answered, not obeyed: ending now would leave the
  // pods' processes running without a kubelet.
  const onSignal = () => {
    if (stopping.signal.aborted) {
      console.log('kata up: still stopping the cluster; its pods are being stopped too');
      return;
    }
    console.log('\nkata up: stopping the cluster');
    stopping.abort();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  try {
    const painted = colour ? paint(true) : undefined;
    const cluster = await startCluster({ ...options, paint: painted, signal: stopping.signal });
    await cluster.stopped;
  } catch (error) {
    if (stopping.signal.aborted) return 0;
    // Why the cluster did not start is one line the learner can act on.
    if (error instanceof ClusterError) throw new KataError(error.message);
    throw error;
  }
  return 0;
}
