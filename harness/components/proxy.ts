// `npx kata run proxy`: kube-proxy (userspace mode) as a program, with kube-proxy's flag names.
//
//   npx kata run proxy --kubeconfig .kata/kubeconfig --node-name node-0 --node-ip 127.20.0.1
//   npx kata run proxy --master http://127.0.0.1:6443 --node-name node-1
//
// It builds chapter 09's proxy on chapter 04's toolkit, each from the learner's chapter once that
// chapter passes and from the reference until then (--use auto, the default), and runs until
// SIGINT or SIGTERM. Without --node-ip, NodePort Services are not served on this node. It answers
// /healthz and /livez, as kube-proxy does, on --healthz-bind-address (0.0.0.0:10256; port 0: any).
// With --network single (../network.ts) it sends a Service's connections to the ports each pod was
// published on (host-ports.ts), and leaves out ClusterIPs this machine cannot bind.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { clientConfigFromFlags } from '../client/kubeconfig.ts';
import { clientFlagKinds, clientFlags, connect, type ClientFlags } from './api-client.ts';
import { parseComponentFlags, parseHostPort, parseNetworkMode, UsageError } from './flags.ts';
import { reachingClient } from './host-ports.ts';
import type { NetworkMode } from '../network.ts';
import { proxyEndpoints, withHealth } from './health.ts';
import { chapterSource, describeSource, loadModule } from './implementation.ts';
import { serveUntilSignal } from './process.ts';
import { loadToolkit } from './toolkit.ts';

const USAGE = `usage: kata run proxy (--kubeconfig FILE | --master URL) --node-name NAME
                      [--node-ip IP] [--healthz-bind-address 0.0.0.0:10256]
                      [--network loopback|single ($KATA_NETWORK)] [--kube-api-wait-timeout 5m]
                      [--use solutions|mine|auto]`;

export interface ProxyFlags extends ClientFlags {
  nodeName: string;
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
    'healthz-bind-address': 'string',
    network: 'string',
  });
  const network = parseNetworkMode(values.get('network') as string | undefined);
  const shared = clientFlags(values);
  const nodeName = values.get('node-name') as string | undefined;
  if (!nodeName) throw new UsageError('say which node this proxy serves: --node-name NAME');
  const flags: ProxyFlags = {
    ...shared,
    nodeName,
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
  const folder = chapterSource('09', flags.use);
  const { createProxy } = await loadModule('09', 'proxy.ts', folder);
  log(`chapter 09, kube-proxy: ${describeSource(folder)}`);
  const connected = await connect(toolkit, config, 'kata-proxy', {
    timeoutMs: flags.kubeApiWaitTimeoutMs,
    log,
  });
  const client = flags.network === 'single' ? reachingClient(connected, log) : connected;
  const proxy = createProxy({ toolkit, client, nodeName: flags.nodeName, nodeIp: flags.nodeIp });
  const stop = new AbortController();
  const done = proxy.run(stop.signal);
  log(
    `proxying Services for node ${flags.nodeName}` +
      (flags.nodeIp ? ` (NodePorts on ${flags.nodeIp})` : ' (no --node-ip: no NodePorts)'),
  );
  return {
    close: async () => {
      stop.abort();
      await done;
    },
  };
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
