// `npx kata run dns`: the cluster DNS (chapter 12's server) as a program, kata's kube-dns.
//
//   npx kata run dns --kubeconfig .kata/kubeconfig
//   npx kata run dns --master http://127.0.0.1:6443 --port 1053 --upstream 192.0.2.53:53
//
// It listens on the tenth address of the Service range (127.96.0.10, as kubeadm's 10.96.0.10), UDP
// and TCP, on port 53 when it may bind it (root, or net.ipv4.ip_unprivileged_port_start at most
// 53) and on 1053 otherwise, and says which. It binds first, then makes sure of the Service
// kube-system/kube-dns on that address (ports dns/UDP and dns-tcp/TCP) and its Endpoints, so that
// `kubectl get svc -n kube-system` shows it and a kube-proxy finds the address already served.
// Names outside the cluster domain go to --upstream when one is given, and are refused otherwise.
// /health and /ready answer on --health-bind-address (CoreDNS's health and ready plugins).
// In the single-address network mode (../network.ts) ClusterIPs cannot be bound: it listens on
// 127.0.0.1 instead.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Endpoints, Namespace, Service } from '../api/types.ts';
import { clientConfigFromFlags } from '../client/kubeconfig.ts';
import { isAlreadyExists, isNotFound } from '../client/errors.ts';
import type { ApiClient } from '../client/types.ts';
import {
  clusterDnsIp,
  clusterDnsPort,
  defaultServiceRangeFor,
  singleAddress,
  type NetworkMode,
} from '../network.ts';
import { clientFlagKinds, clientFlags, connect, type ClientFlags } from './api-client.ts';
import {
  parseComponentFlags,
  parseHostPort,
  parseNetworkMode,
  parsePort,
  UsageError,
} from './flags.ts';
import { withHealth, type HealthEndpoints } from './health.ts';
import { chapterSource, describeSource, loadModule } from './implementation.ts';
import { serveUntilSignal } from './process.ts';
import { loadToolkit } from './toolkit.ts';

const USAGE = `usage: kata run dns (--kubeconfig FILE | --master URL)
                    [--service-cluster-ip-range 127.96.0.0/12] [--address IP] [--port 53|1053]
                    [--cluster-domain cluster.local] [--upstream IP:PORT]
                    [--health-bind-address 127.0.0.1:8080]
                    [--network loopback|single ($KATA_NETWORK)] [--use solutions|mine|auto]`;

export interface DnsFlags extends ClientFlags {
  /** The ClusterIP of kube-dns: the tenth address of --service-cluster-ip-range. */
  clusterIp: string;
  /** Where it listens: the ClusterIP (127.0.0.1 in the single-address mode), or --address. */
  address: string;
  port: number;
  clusterDomain: string;
  upstream?: string;
  health: { address: string; port: number };
  network: NetworkMode;
}

export function parseFlags(argv: string[]): DnsFlags {
  const values = parseComponentFlags(argv, {
    ...clientFlagKinds,
    'service-cluster-ip-range': 'string',
    address: 'string',
    port: 'string',
    'cluster-domain': 'string',
    upstream: 'string',
    'health-bind-address': 'string',
    network: 'string',
  });
  const text = (name: string) => values.get(name) as string | undefined;
  const network = parseNetworkMode(text('network'));
  const range = text('service-cluster-ip-range') ?? defaultServiceRangeFor(process.platform);
  let clusterIp: string;
  try {
    clusterIp = clusterDnsIp(range);
  } catch (error) {
    throw new UsageError(`--service-cluster-ip-range: ${(error as Error).message}`);
  }
  const upstream = text('upstream');
  if (upstream !== undefined) parseHostPort(upstream, 'upstream');
  return {
    ...clientFlags(values),
    clusterIp,
    address: text('address') ?? (network === 'single' ? singleAddress : clusterIp),
    port: text('port') === undefined ? clusterDnsPort() : parsePort(text('port')!, 'port'),
    clusterDomain: text('cluster-domain') ?? 'cluster.local',
    upstream,
    health: parseHostPort(text('health-bind-address') ?? '127.0.0.1:8080', 'health-bind-address'),
    network,
  };
}

/** Creates `object` through `create`, or leaves the one that exists. */
async function createUnlessThere(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

/**
 * The Service kube-system/kube-dns on the ClusterIP with the port DNS answers on, UDP and TCP, and
 * its Endpoints: the address DNS listens on. An existing Service gets the port of this run.
 */
export async function ensureDnsService(
  client: ApiClient,
  clusterIp: string,
  address: string,
  port: number,
): Promise<void> {
  const namespace = 'kube-system';
  await createUnlessThere(() =>
    client.resource<Namespace>('namespaces').create({ metadata: { name: namespace } }),
  );
  const labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' };
  const ports = [
    { name: 'dns', port, protocol: 'UDP' as const, targetPort: port },
    { name: 'dns-tcp', port, protocol: 'TCP' as const, targetPort: port },
  ];
  const metadata = { name: 'kube-dns', namespace, labels };
  const services = client.resource<Service>('services', namespace);
  try {
    const existing = await services.get('kube-dns');
    await services.update({ ...existing, spec: { ...existing.spec, ports } });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await services.create({ metadata, spec: { clusterIP: clusterIp, ports } });
  }
  const endpoints = client.resource<Endpoints>('endpoints', namespace);
  const subsets = [
    {
      addresses: [{ ip: address }],
      ports: ports.map(({ name, port, protocol }) => ({ name, port, protocol })),
    },
  ];
  try {
    const existing = await endpoints.get('kube-dns');
    await endpoints.update({ ...existing, subsets });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await endpoints.create({ metadata, subsets });
  }
}

export async function startDns(flags: DnsFlags, log: (line: string) => void) {
  const config = clientConfigFromFlags(flags);
  const toolkit = await loadToolkit(flags.use, log);
  const folder = chapterSource('12', flags.use);
  const { createDnsServer } = await loadModule('12', 'server.ts', folder);
  log(`chapter 12, cluster DNS: ${describeSource(folder)}`);
  const client = await connect(toolkit, config, 'kata-dns', {
    timeoutMs: flags.kubeApiWaitTimeoutMs,
    log,
  });
  const server = createDnsServer({
    toolkit,
    client,
    address: flags.address,
    port: flags.port,
    zone: flags.clusterDomain,
    upstream: flags.upstream,
  });
  const port = await server.start();
  try {
    await ensureDnsService(client, flags.clusterIp, flags.address, port);
  } catch (error) {
    await server.close();
    throw error;
  }
  const why = port === 53 ? '' : ' (port 53 needs privileges: run as root to have it)';
  log(`serving ${flags.clusterDomain} on ${flags.address}:${port}, UDP and TCP${why}`);
  log(
    flags.upstream
      ? `names outside ${flags.clusterDomain} go to ${flags.upstream}`
      : `names outside ${flags.clusterDomain} are refused (no --upstream)`,
  );
  log(`try: dig @${flags.address} -p ${port} kubernetes.default.svc.${flags.clusterDomain}`);
  return { close: () => server.close() };
}

/** CoreDNS's health plugin (/health, always OK) and ready plugin (/ready, once it serves). */
function dnsEndpoints(started: () => boolean): HealthEndpoints {
  const text = (status: number, body: string) => ({ status, contentType: 'text/plain', body });
  return {
    '/health': () => text(200, 'OK'),
    '/ready': () => (started() ? text(200, 'OK') : text(503, 'not ready: informers syncing')),
  };
}

export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => console.log(`kata dns: ${line}`);
  let flags: DnsFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    console.error(`kata dns: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    const running = await withHealth(
      { ...flags.health, flag: '--health-bind-address', endpoints: dnsEndpoints, log },
      () => startDns(flags, log),
    );
    return await serveUntilSignal('dns', running, log);
  } catch (error) {
    console.error(`kata dns: ${(error as Error).message}`);
    return 1;
  }
}

// Run directly (node --import tsx harness/components/dns.ts ...), not imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
