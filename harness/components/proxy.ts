// `npx kata run proxy`: kube-proxy as a program, with kube-proxy's flag names.
//
//   npx kata run proxy --kubeconfig .kata/kubeconfig --node-name node-0 --node-ip 127.20.0.1
//   npx kata run proxy --master http://127.0.0.1:6443 --node-name node-1
//   sudo npx kata run proxy --proxy-mode iptables --kubeconfig .kata/kubeconfig --node-name node-1
//
// --proxy-mode userspace (the default) runs chapter 09's proxy, which carries every connection
// itself; --proxy-mode iptables runs chapter 09b's, which writes iptables rules and lets the kernel
// carry them. That needs root (CAP_NET_ADMIN) and the iptables programs, and changes the tables
// of the network namespace it runs in; without them it stops with one line saying so.
// It builds chapter 09's proxy on chapter 04's toolkit, each from the learner's chapter once that
// chapter passes and from the reference until then (--use auto, the default), and runs until
// SIGINT or SIGTERM. Without --node-ip, NodePort Services are not served on this node. It answers
// /healthz and /livez, as kube-proxy does, on --healthz-bind-address (0.0.0.0:10256; port 0: any).
// It writes its mode on its Node (the kata.dev/proxy-mode annotation; the iptables proxy takes it
// away on exit), so the API server can warn on NetworkPolicy reads where nothing enforces them.
// With --node-ip it also answers the health checks of LoadBalancer Services with
// externalTrafficPolicy Local on their healthCheckNodePort (./service-health.ts), in either mode.
// With --network single (../network.ts) it sends a Service's connections to the ports each pod was
// published on (host-ports.ts), and leaves out ClusterIPs this machine cannot bind.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { proxyModeAnnotation } from '../api/policy-enforcement.ts';
import { systemClock, sleep } from '../clock.ts';
import { clientConfigFromFlags } from '../client/kubeconfig.ts';
import { isNotFound } from '../client/errors.ts';
import type { ApiClient } from '../client/types.ts';
import { clientFlagKinds, clientFlags, connect, type ClientFlags } from './api-client.ts';
import {
  parseComponentFlags,
  parseDuration,
  parseHostPort,
  parseNetworkMode,
  UsageError,
} from './flags.ts';
import { reachingClient } from './host-ports.ts';
import type { NetworkMode } from '../network.ts';
import { proxyEndpoints, withHealth } from './health.ts';
import { chapterSource, describeSource, loadModule } from './implementation.ts';
import { serveUntilSignal } from './process.ts';
import { ServiceHealth } from './service-health.ts';
import { loadToolkit } from './toolkit.ts';

const USAGE = `usage: kata run proxy (--kubeconfig FILE | --master URL) --node-name NAME
                      [--proxy-mode userspace|iptables] [--iptables-sync-period 30s]
                      [--node-ip IP] [--healthz-bind-address 0.0.0.0:10256]
                      [--network loopback|single ($KATA_NETWORK)] [--kube-api-wait-timeout 5m]
                      [--use solutions|mine|auto]`;

/** Who carries a Service's connections: the proxy itself (chapter 09), or the kernel (09b). */
export type ProxyMode = 'userspace' | 'iptables';

export interface ProxyFlags extends ClientFlags {
  nodeName: string;
  proxyMode: ProxyMode;
  /** --iptables-sync-period: a full sync at least this often, in iptables mode. */
  syncPeriodMs: number;
  nodeIp?: string;
  /** Where /healthz and /livez are served (--healthz-bind-address). */
  healthz: { address: string; port: number };
  /** single: pods dialled on their published ports. Default: KATA_NETWORK, else loopback. */
  network: NetworkMode;
}

export function parseFlags(argv: string[]): ProxyFlags {
  const values = parseComponentFlags(argv, {
    ...clientFlagKinds,
    'node-name': 'string',
    'node-ip': 'string',
    'proxy-mode': 'string',
    'iptables-sync-period': 'string',
    'healthz-bind-address': 'string',
    network: 'string',
  });
  const network = parseNetworkMode(values.get('network') as string | undefined);
  const shared = clientFlags(values);
  const nodeName = values.get('node-name') as string | undefined;
  if (!nodeName) throw new UsageError('say which node this proxy serves: --node-name NAME');
  const proxyMode = (values.get('proxy-mode') as string | undefined) ?? 'userspace';
  if (proxyMode !== 'userspace' && proxyMode !== 'iptables')
    throw new UsageError(`--proxy-mode takes userspace or iptables, not "${proxyMode}"`);
  if (proxyMode === 'iptables' && network === 'single') {
    throw new UsageError(
      '--proxy-mode iptables needs the loopback network (pods on their own IPs), not --network single',
    );
  }
  const flags: ProxyFlags = {
    ...shared,
    nodeName,
    proxyMode,
    syncPeriodMs: parseDuration(
      (values.get('iptables-sync-period') as string | undefined) ?? '30s',
      'iptables-sync-period',
    ),
    nodeIp: values.get('node-ip') as string | undefined,
    healthz: parseHostPort(
      (values.get('healthz-bind-address') as string | undefined) ?? '0.0.0.0:10256',
      'healthz-bind-address',
    ),
    network,
  };
  return flags;
}

export async function startProxy(flags: ProxyFlags, log: (line: string) => void) {
  const config = clientConfigFromFlags(flags);
  const toolkit = await loadToolkit(flags.use, log);
  const proxy =
    flags.proxyMode === 'iptables'
      ? await iptablesProxy(flags, toolkit, config, log)
      : await userspaceProxy(flags, toolkit, config, log);
  const stop = new AbortController();
  const done = proxy.run(stop.signal);
  // The cloud's health checks of Local Services: on the node's IP, so only with --node-ip.
  const health = flags.nodeIp
    ? new ServiceHealth({
        toolkit,
        client: proxy.client,
        nodeName: flags.nodeName,
        nodeIp: flags.nodeIp,
        log,
      }).run(stop.signal)
    : Promise.resolve();
  // The API server warns on NetworkPolicy reads where no proxy said iptables (see markNode).
  const marked = markNode(proxy.client, flags.nodeName, flags.proxyMode, stop.signal, log);
  log(
    `proxying Services for node ${flags.nodeName} in ${flags.proxyMode} mode` +
      (flags.proxyMode === 'iptables'
        ? ' (NodePorts on every local address)'
        : flags.nodeIp
          ? ` (NodePorts on ${flags.nodeIp})`
          : ' (no --node-ip: no NodePorts)'),
  );
  return {
    close: async () => {
      stop.abort();
      await Promise.all([done, marked, health]);
      // Its rules are gone: this node enforces no policy any more.
      if (flags.proxyMode === 'iptables') await unmarkNode(proxy.client, flags.nodeName);
    },
  };
}

type Toolkit = Awaited<ReturnType<typeof loadToolkit>>;
type ClientConfig = ReturnType<typeof clientConfigFromFlags>;

/** Chapter 09's proxy: listeners on Service addresses, each connection piped to a pod. */
async function userspaceProxy(
  flags: ProxyFlags,
  toolkit: Toolkit,
  config: ClientConfig,
  log: (line: string) => void,
) {
  const folder = chapterSource('09', flags.use);
  const { createProxy } = await loadModule('09', 'proxy.ts', folder);
  log(`chapter 09, kube-proxy: ${describeSource(folder)}`);
  // Said once, so nobody takes a stored NetworkPolicy for an enforced one.
  log('userspace mode: NetworkPolicies are stored but not enforced (--proxy-mode iptables does)');
  const connected = await connect(toolkit, config, 'kata-proxy', {
    timeoutMs: flags.kubeApiWaitTimeoutMs,
    log,
  });
  const client = flags.network === 'single' ? reachingClient(connected, log) : connected;
  const proxy = createProxy({ toolkit, client, nodeName: flags.nodeName, nodeIp: flags.nodeIp });
  return { run: (signal: AbortSignal) => proxy.run(signal), client: connected };
}

/** Chapter 09b's proxy: iptables rules in this network namespace's tables. */
async function iptablesProxy(
  flags: ProxyFlags,
  toolkit: Toolkit,
  config: ClientConfig,
  log: (line: string) => void,
) {
  const folder = chapterSource('09b', flags.use);
  const { createIptablesProxy, iptablesCommand, checkIptables } = await loadModule(
    '09b',
    'iptables-proxy.ts',
    folder,
  );
  log(`chapter 09b, kube-proxy in iptables mode: ${describeSource(folder)}`);
  // Without CAP_NET_ADMIN or the programs, one line now rather than a proxy that never syncs.
  const iptables = iptablesCommand();
  await checkIptables(iptables);
  const client = await connect(toolkit, config, 'kata-proxy', {
    timeoutMs: flags.kubeApiWaitTimeoutMs,
    log,
  });
  const proxy = createIptablesProxy({
    toolkit,
    client,
    nodeName: flags.nodeName,
    iptables,
    syncPeriodMs: flags.syncPeriodMs,
  });
  return { run: (signal: AbortSignal) => proxy.run(signal), client };
}

/** How often a proxy checks that its Node still carries its mode (a Node may be made anew). */
const markCheckMs = 30_000;
/** How soon it tries again while the Node is not there yet (its kubelet starts beside it). */
const markRetryMs = 2_000;

/**
 * Writes this proxy's mode on its Node, in the annotation harness/api/policy-enforcement.ts
 * reads: the API server's warning on NetworkPolicy reads names the nodes without iptables. The
 * Node may not be registered yet, or may be deleted and made anew, so the mark is checked again
 * every markCheckMs until `signal` aborts; a failure other than NotFound is said once, then
 * tried again.
 */
export async function markNode(
  client: ApiClient,
  nodeName: string,
  mode: ProxyMode,
  signal: AbortSignal,
  log: (line: string) => void,
): Promise<void> {
  const nodes = client.resource('nodes');
  let failing = false;
  while (!signal.aborted) {
    try {
      const node = await nodes.get(nodeName);
      if (node.metadata.annotations?.[proxyModeAnnotation] !== mode) {
        const annotations = { [proxyModeAnnotation]: mode };
        await nodes.patch(nodeName, { metadata: { annotations } }, 'merge');
      }
      failing = false;
    } catch (error) {
      // A Node not registered yet is expected (its kubelet starts beside this proxy).
      if (!failing && !signal.aborted && !isNotFound(error))
        log(
          `cannot mark node ${nodeName} with ${proxyModeAnnotation}=${mode} yet: ${(error as Error).message}; trying again`,
        );
      failing = true;
    }
    await sleep(systemClock, failing ? markRetryMs : markCheckMs, signal);
  }
}

/** Takes the mark away (the iptables proxy's rules are gone); a node already gone is fine. */
export async function unmarkNode(client: ApiClient, nodeName: string): Promise<void> {
  const annotations = { [proxyModeAnnotation]: null };
  await client
    .resource('nodes')
    .patch(nodeName, { metadata: { annotations } }, 'merge')
    .catch(() => {});
}

export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => console.log(`kata proxy: ${line}`);
  let flags: ProxyFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    console.error(`kata proxy: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    const running = await withHealth(
      { ...flags.healthz, flag: '--healthz-bind-address', endpoints: () => proxyEndpoints(), log },
      () => startProxy(flags, log),
    );
    return await serveUntilSignal('proxy', running, log);
  } catch (error) {
    console.error(`kata proxy: ${(error as Error).message}`);
    return 1;
  }
}

// Run directly (node --import tsx harness/components/proxy.ts ...), not imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
