// `npx kata run kubelet`: one node's kubelet as a program, with the kubelet's flag names.
//
//   npx kata run kubelet --master http://127.0.0.1:6443 --node-name node-1
//   npx kata run kubelet --kubeconfig .kata/kubeconfig --node-name node-2 --node-ip 127.20.0.2 \
//       --pod-cidr 127.244.1.0/24
//
// It runs chapter 06's kubelet on chapter 04's toolkit (each the learner's once that chapter
// passes, --use auto) and on the process runtime: every container a real child process, its state
// and logs under --root-dir, so a kubelet started again adopts what runs. Chapter 10a fills the
// kubelet's PodConfiguration seam: env from ConfigMaps and Secrets, volumes under
// <root-dir>/pods/<uid>/volumes, init containers and sidecars; chapter 13c goes in front of it,
// turning each persistentVolumeClaim volume into its PersistentVolume's directory
// (./claim-mounts.ts). Ctrl-C stops the kubelet
// and leaves the pods running, as stopping a real kubelet does.
//
// With --cluster-dns (kube-dns's ClusterIP, with :port when it is not 53) each pod gets a resolver
// configuration from its dnsPolicy (chapter 12's pod-dns.ts), which the process runtime makes the
// resolver of the pod's programs; --cluster-domain is its domain, --resolv-conf the node's own
// resolver configuration (what dnsPolicy Default gives). Without --cluster-dns pods use the host's.
//
// With --tls-cert-file, --tls-private-key-file and --client-ca-file the kubelet API on --port is
// HTTPS: callers show a client certificate from that CA, and with --authorization-mode Webhook
// the API server says what each may do (./kubelet-serving.ts); --anonymous-auth=false answers a
// caller without one 401, as kubeadm sets it. Without them the kubelet API is plain HTTP.
// With --pod-manifest-path (kubeadm's /etc/kubernetes/manifests) the kubelet also runs the static
// pods of that folder (chapter 18a's static-pods.ts) and publishes their mirror pods. It then starts
// without waiting for the API server, which may be one of those pods (./kubelet-bootstrap.ts).
//
// With --network single (../network.ts) the node and its pods are all on 127.0.0.1: --node-ip and
// --pod-cidr default to 127.0.0.1 and 127.0.0.1/32, and each port a pod declares is published on a
// free port of 127.0.0.1 and recorded on the pod (host-ports.ts) before the kubelet starts it.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { clientConfigFromFlags } from '../client/kubeconfig.ts';
import {
  cidrContains,
  nodeIp,
  parseCidr,
  podCidrForNode,
  singleAddress,
  singleAddressPodCidr,
  type NetworkMode,
} from '../network.ts';
import type { Pod, Taint } from '../api/types.ts';
import type { ApiClient, ClientConfig, Toolkit } from '../client/types.ts';
import type { PodConfigModule } from '../contracts/pod-config.ts';
import { deferredPodConfiguration, offlineToolkit } from './kubelet-bootstrap.ts';
import type { PodConfiguration, StaticPodSource } from '../contracts/kubelet.ts';
import type { DnsConfig } from '../runtime/cri.ts';
import { parseResolvConf } from '../runtime/images/pod-resolver.mjs';
import { ProcessRuntime } from '../runtime/process-runtime.ts';
import { repoRoot } from '../paths.ts';
import { clientFlagKinds, clientFlags, connect, type ClientFlags } from './api-client.ts';
import { parseComponentFlags, parseNetworkMode, UsageError } from './flags.ts';
import { publishingClient } from './host-ports.ts';
import { withClaimVolumes } from './claim-mounts.ts';
import { hostNetworkLookup } from './host-network.ts';
import type { KubeletRoute } from '../contracts/kubelet.ts';
import {
  chapterSource,
  describeSource,
  isLearnerSource,
  loadModule,
  type Use,
} from './implementation.ts';
import { serveUntilSignal } from './process.ts';
import { mayNotListSecrets, nodeScopedAccess } from './node-objects.ts';
import { loadToolkit } from './toolkit.ts';
import { kubeletHealthRoute } from './health.ts';
import {
  parseRegisterTaints,
  registeringWithTaints,
  registrationTaints,
} from './node-registration.ts';
import { metricsRoute, registerKubeletGauges } from './prometheus.ts';
import { apiserverReview, kubeletServing } from './kubelet-serving.ts';

const USAGE = `usage: kata run kubelet (--kubeconfig FILE | --master URL) [--node-name NAME] [--node-ip IP]
                        [--pod-cidr CIDR] [--root-dir DIR] [--port 10250]
                        [--cluster-dns IP[:PORT],...] [--cluster-domain cluster.local]
                        [--resolv-conf /etc/resolv.conf]
                        [--cloud-provider external] [--register-with-taints key=value:Effect,...]
                        [--tls-cert-file FILE --tls-private-key-file FILE --client-ca-file FILE]
                        [--authorization-mode Webhook|AlwaysAllow] [--anonymous-auth=false]
                        [--pod-manifest-path DIR]
                        [--network loopback|single ($KATA_NETWORK)] [--kube-api-wait-timeout 5m]
                        [--use solutions|mine|auto]`;

export interface KubeletFlags extends ClientFlags {
  nodeName: string;
  nodeIp: string;
  podCidr: string;
  rootDir: string;
  /** The kubelet API's port. 10250. */
  port: number;
  /** single: pods on 127.0.0.1, ports published. Default: KATA_NETWORK, else loopback. */
  network: NetworkMode;
  /** The cluster DNS servers pods ask (--cluster-dns); none: pods use the host's resolver. */
  clusterDns: string[];
  clusterDomain: string;
  /** The node's resolver configuration (--resolv-conf): what dnsPolicy Default gives. */
  resolvConf: string;
  /** The taints the Node is created with (--register-with-taints, --cloud-provider external). */
  registerTaints: Taint[];
  /** The kubelet API over TLS: its certificate, key and the callers' CA; none: plain HTTP. */
  tls?: { certFile: string; keyFile: string; clientCaFile: string };
  authorizationMode: 'Webhook' | 'AlwaysAllow';
  /** A caller without a certificate is system:anonymous (true, kube's default) or gets 401. */
  anonymousAuth: boolean;
  /** The folder of static pod manifests (--pod-manifest-path); none without it. */
  podManifestPath?: string;
}

/** --tls-cert-file, --tls-private-key-file and --client-ca-file: all three, or none. */
function tlsFlags(text: (name: string) => string | undefined): KubeletFlags['tls'] {
  const names = ['tls-cert-file', 'tls-private-key-file', 'client-ca-file'];
  const given = names.filter((name) => text(name) !== undefined);
  if (given.length === 0) return undefined;
  if (given.length < names.length)
    throw new UsageError(
      `--${names.join(', --')} go together (only --${given.join(', --')} given)`,
    );
  return {
    certFile: text('tls-cert-file')!,
    keyFile: text('tls-private-key-file')!,
    clientCaFile: text('client-ca-file')!,
  };
}

export function parseFlags(argv: string[]): KubeletFlags {
  const values = parseComponentFlags(argv, {
    ...clientFlagKinds,
    'node-name': 'string',
    'node-ip': 'string',
    'pod-cidr': 'string',
    'root-dir': 'string',
    port: 'string',
    network: 'string',
    'cluster-dns': 'string',
    'cluster-domain': 'string',
    'resolv-conf': 'string',
    'cloud-provider': 'string',
    'register-with-taints': 'string',
    'tls-cert-file': 'string',
    'tls-private-key-file': 'string',
    'client-ca-file': 'string',
    'authorization-mode': 'string',
    'anonymous-auth': 'boolean',
    'pod-manifest-path': 'string',
  });
  const text = (name: string) => values.get(name) as string | undefined;
  const shared = clientFlags(values);
  const nodeName = text('node-name') ?? 'node-1';
  const network = parseNetworkMode(text('network'));
  const single = network === 'single';
  const podCidr = text('pod-cidr') ?? (single ? singleAddressPodCidr : podCidrForNode(0));
  try {
    parseCidr(podCidr);
  } catch (error) {
    throw new UsageError(`--pod-cidr: ${(error as Error).message}`);
  }
  const flags: KubeletFlags = {
    ...shared,
    nodeName,
    nodeIp: text('node-ip') ?? (single ? singleAddress : nodeIp(0)),
    podCidr,
    rootDir: text('root-dir') ?? path.join(repoRoot, '.kata', 'kubelet', nodeName),
    port: Number(text('port') ?? 10250),
    network,
    clusterDns: (text('cluster-dns') ?? '').split(',').filter(Boolean),
    clusterDomain: text('cluster-domain') ?? 'cluster.local',
    resolvConf: text('resolv-conf') ?? '/etc/resolv.conf',
    registerTaints: registrationTaints(
      text('cloud-provider') ?? '',
      parseRegisterTaints(text('register-with-taints') ?? ''),
    ),
    tls: tlsFlags(text),
    authorizationMode: (text('authorization-mode') ?? 'AlwaysAllow') as 'Webhook',
    anonymousAuth: values.get('anonymous-auth') !== false,
    podManifestPath: text('pod-manifest-path'),
  };
  if (!['Webhook', 'AlwaysAllow'].includes(flags.authorizationMode)) {
    throw new UsageError(
      `--authorization-mode must be Webhook or AlwaysAllow, not "${flags.authorizationMode}"`,
    );
  }
  if (!Number.isInteger(flags.port) || flags.port < 0 || flags.port > 65535) {
    throw new UsageError(`--port must be a port number, not "${text('port')}"`);
  }
  if (!cidrContains('127.0.0.0/8', flags.nodeIp) && process.platform === 'linux') {
    throw new UsageError(`--node-ip ${flags.nodeIp} is not a loopback address (127.x.y.z)`);
  }
  return flags;
}

export async function startKubelet(flags: KubeletFlags, log: (line: string) => void) {
  const config = clientConfigFromFlags(flags);
  const toolkit = await loadToolkit(flags.use, log);
  const folder = chapterSource('06', flags.use);
  const { createKubelet } = await loadModule('06', 'kubelet.ts', folder);
  log(`chapter 06, the kubelet: ${describeSource(folder)}`);
  const userAgent = `kata-kubelet/${flags.nodeName}`;
  const waiting = { timeoutMs: flags.kubeApiWaitTimeoutMs, log };
  // With static pods the API server may be one of them: the kubelet starts without waiting for
  // it, and decides what needs its answer once it answers (./kubelet-bootstrap.ts).
  const bootstrapping = flags.podManifestPath !== undefined;
  const reachable = connect(toolkit, config, userAgent, waiting);
  const connected = bootstrapping
    ? toolkit.createClient({ ...config, userAgent })
    : await reachable;
  const client = flags.network === 'single' ? publishingClient(connected, log) : connected;
  let staticPods: StaticPodSource | undefined;
  const runtime = new ProcessRuntime({
    stateDir: path.join(flags.rootDir, 'runtime'),
    podCidr: flags.podCidr,
    network: flags.network,
    // hostNetwork pods on the node's IP (./host-network.ts).
    nodeIp: flags.nodeIp,
    hostNetwork: hostNetworkLookup(client, () => staticPods),
  });
  registerKubeletGauges(runtime);
  const capacity = {
    cpu: String(os.cpus().length),
    memory: `${Math.floor(os.totalmem() / 1024 / 1024)}Mi`,
    pods: '110',
  };
  const podConfigFolder = chapterSource('10a', flags.use);
  const { createPodConfiguration } = await loadModule('10a', 'pod-config.ts', podConfigFolder);
  log(`chapter 10a, inside a pod: ${describeSource(podConfigFolder)}`);
  if (isLearnerSource(folder))
    log(
      'your kubelet gets chapter 10a as options.podConfiguration: one that does not call it runs ' +
        'pods without volumes, env from ConfigMaps and Secrets, or init containers ' +
        '(chapters/10a-pod-config/README.md, "Inside the kubelet")',
    );
  const podsDir = path.join(flags.rootDir, 'pods');
  const node = { podsDir, nodeIp: flags.nodeIp, allocatable: capacity };
  const full = reachable.then(() =>
    fullPodConfiguration(flags, { client, toolkit, config, createPodConfiguration, node }, log),
  );
  let podConfiguration: PodConfiguration;
  if (bootstrapping) {
    full.catch((error: Error) => log(`${error.message}; pods keep the bootstrap configuration`));
    const offline = offlineToolkit(toolkit);
    const bootstrap = createPodConfiguration({ client, toolkit: offline, ...node });
    podConfiguration = deferredPodConfiguration(bootstrap, full);
  } else podConfiguration = await full;
  const streamsFolder = chapterSource('10b', flags.use);
  const streams = await loadModule('10b', 'streaming-server.ts', streamsFolder);
  log(`chapter 10b, exec, attach and port-forward: ${describeSource(streamsFolder)}`);
  const health = kubeletHealthRoute(runtime);
  staticPods = await staticPodsFor(flags, connected, log);
  const kubelet = createKubelet({
    nodeName: flags.nodeName,
    nodeIp: flags.nodeIp,
    podCidr: flags.podCidr,
    capacity,
    podConfiguration,
    port: flags.port,
    toolkit,
    client: registeringWithTaints(client, flags.registerTaints),
    runtime,
    podDnsConfig: await podDnsFor(flags, log),
    streaming: streams.createStreamingServer(runtime),
    // /metrics: kubelet_running_pods and the rest (./prometheus.ts), read from the runtime.
    // /healthz with kube's checks (ping, log, syncloop), listed with ?verbose (./health.ts).
    routes: [await statsRoute(flags, runtime, log), metricsRoute, health],
    serving: servingFor(flags, config, log),
    staticPods,
  });
  if (flags.tls && isLearnerSource(folder))
    log(
      'your kubelet gets options.serving for port 10250 over TLS: one that does not pass it to ' +
        'serveKubeletApi serves plain HTTP, which the API server cannot reach (kubectl logs, exec)',
    );
  const stop = new AbortController();
  const running = kubelet.run(stop.signal);
  log(
    `node ${flags.nodeName} (${flags.nodeIp}), pods in ${flags.podCidr}` +
      (flags.network === 'single' ? ' with published ports' : '') +
      `, state in ${flags.rootDir}`,
  );
  return {
    close: async () => {
      stop.abort();
      health.stop();
      await running;
      await runtime.close();
    },
  };
}

/**
 * What happens inside a pod once the API server answers: chapter 10a's configuration, under the
 * Node authorizer reading only what this node's pods use (node-objects.ts), with chapter 11d's
 * ServiceAccount tokens and chapter 13c's claims mounted in front of it.
 */
async function fullPodConfiguration(
  flags: KubeletFlags,
  kubelet: {
    client: ApiClient;
    toolkit: Toolkit;
    config: ClientConfig;
    createPodConfiguration: PodConfigModule['createPodConfiguration'];
    node: { podsDir: string; nodeIp: string; allocatable: Record<string, string> };
  },
  log: (line: string) => void,
): Promise<PodConfiguration> {
  const { client, toolkit, config, node } = kubelet;
  const scoped = (await mayNotListSecrets(client))
    ? nodeScopedAccess(client, toolkit, flags.nodeName)
    : { client, toolkit };
  if (scoped.client !== client)
    log(
      'the Node authorizer is on: Secrets, ConfigMaps, claims and volumes are read one by one, as pods use them',
    );
  const storageFolder = chapterSource('13c', flags.use);
  const { createClaimVolumes } = await loadModule('13c', 'claim-volumes.ts', storageFolder);
  log(`chapter 13c, claims mounted: ${describeSource(storageFolder)}`);
  return withClaimVolumes(
    await withPodTokens(
      kubelet.createPodConfiguration({ ...scoped, ...node }),
      { client, config, podsDir: node.podsDir, use: flags.use },
      log,
    ),
    createClaimVolumes(scoped),
  );
}

/** The kubelet API's TLS and admission (./kubelet-serving.ts), with --tls-cert-file; else none. */
function servingFor(flags: KubeletFlags, config: ClientConfig, log: (line: string) => void) {
  if (!flags.tls) return undefined;
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new UsageError(`--${flag} ${file}: ${(error as Error).message}`);
    }
  };
  log(
    `the kubelet API is HTTPS, callers by certificate from ${flags.tls.clientCaFile}, ` +
      `authorization ${flags.authorizationMode}` +
      (flags.anonymousAuth ? '' : ', no anonymous callers'),
  );
  return kubeletServing({
    nodeName: flags.nodeName,
    cert: read(flags.tls.certFile, 'tls-cert-file'),
    key: read(flags.tls.keyFile, 'tls-private-key-file'),
    clientCa: read(flags.tls.clientCaFile, 'client-ca-file'),
    anonymous: flags.anonymousAuth,
    authorizationMode: flags.authorizationMode,
    review: apiserverReview(config.server, config.token),
  });
}

/**
 * `inner` with chapter 11d's ServiceAccount token in every pod, when the API server serves
 * TokenRequest (serviceaccounts/token: it runs with --service-account-signing-key-file); `inner`
 * as it is otherwise, said in the log, since pods could not start without their token.
 */
async function withPodTokens(
  inner: PodConfiguration,
  kubelet: { client: ApiClient; config: ClientConfig; podsDir: string; use: Use },
  log: (line: string) => void,
): Promise<PodConfiguration> {
  const { config } = kubelet;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (config.token) headers.authorization = `Bearer ${config.token}`;
  let core: { resources?: { name: string }[] };
  try {
    core = (await (await fetch(`${config.server}/api/v1`, { headers })).json()) as typeof core;
  } catch (error) {
    log(
      `cannot read the API server's resources (${(error as Error).message}): pods get no ServiceAccount token`,
    );
    return inner;
  }
  if (!core.resources?.some((resource) => resource.name === 'serviceaccounts/token')) {
    log(
      'the API server serves no TokenRequest (no --service-account-signing-key-file): pods get no ServiceAccount token',
    );
    return inner;
  }
  const folder = chapterSource('11d', kubelet.use);
  const { withPodTokens: wrap } = await loadModule('11d', 'pod-token.ts', folder);
  log(`chapter 11d, a pod's token: ${describeSource(folder)}`);
  return wrap(inner, {
    client: kubelet.client,
    podsDir: kubelet.podsDir,
    now: () => Math.floor(Date.now() / 1000),
    requestToken: async (namespace, account, request) => {
      const url = `${config.server}/api/v1/namespaces/${namespace}/serviceaccounts/${account}/token`;
      const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(request) });
      const answer = (await response.json()) as {
        message?: string;
        status?: { token: string; expirationTimestamp: string };
      };
      if (!response.ok)
        throw new Error(answer.message ?? `TokenRequest answered ${response.status}`);
      return answer;
    },
  });
}

/**
 * The kubelet's static pods: chapter 18a's source (the learner's once that chapter passes) over
 * --pod-manifest-path, publishing mirror pods through `client`. Undefined without the flag.
 */
async function staticPodsFor(
  flags: KubeletFlags,
  client: ApiClient,
  log: (line: string) => void,
): Promise<StaticPodSource | undefined> {
  const manifestPath = flags.podManifestPath;
  if (!manifestPath) return undefined;
  const folder = chapterSource('18a', flags.use);
  const { createStaticPods } = await loadModule('18a', 'static-pods.ts', folder);
  log(`chapter 18a, static pods from ${manifestPath}: ${describeSource(folder)}`);
  if (isLearnerSource(chapterSource('06', flags.use)))
    log(
      'your kubelet gets chapter 18a as options.staticPods: one that does not call it runs no ' +
        'static pods (chapters/18a-static-pods/README.md, "Inside the kubelet")',
    );
  // kubeadm makes the folder before the kubelet starts; so does this, so that it is watched.
  await mkdir(manifestPath, { recursive: true });
  const nodeName = flags.nodeName;
  const onError = (message: string) => log(`static pods: ${message}`);
  return createStaticPods({ manifestPath, nodeName, client, onError });
}

/**
 * GET /stats/summary: chapter 14's summary of the node's running containers (the learner's once
 * that chapter passes), which the metrics server scrapes.
 */
async function statsRoute(
  flags: KubeletFlags,
  runtime: ProcessRuntime,
  log: (line: string) => void,
): Promise<KubeletRoute> {
  const folder = chapterSource('14', flags.use);
  const { StatsCollector } = await loadModule('14', 'stats.ts', folder);
  log(`chapter 14, resource usage: ${describeSource(folder)}`);
  const collector = new StatsCollector(runtime, flags.nodeName);
  return {
    path: '/stats/summary',
    serve: (_request, response) => {
      collector.summary().then(
        (summary) => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify(summary));
        },
        (error: Error) => {
          response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          response.end(`cannot read the node's resource usage: ${error.message}`);
        },
      );
    },
  };
}

/**
 * The kubelet's podDnsConfig: chapter 12's pod-dns.ts (the learner's once that chapter passes)
 * with the flags and the node's resolv.conf. Undefined without --cluster-dns.
 */
async function podDnsFor(
  flags: KubeletFlags,
  log: (line: string) => void,
): Promise<((pod: Pod) => DnsConfig) | undefined> {
  if (flags.clusterDns.length === 0) return undefined;
  const folder = chapterSource('12', flags.use);
  const { podDnsConfig } = await loadModule('12', 'pod-dns.ts', folder);
  let host: DnsConfig = { servers: [], searches: [], options: [] };
  try {
    host = parseResolvConf(readFileSync(flags.resolvConf, 'utf8'));
  } catch (error) {
    log(
      `--resolv-conf ${flags.resolvConf}: ${(error as Error).message}; dnsPolicy Default gives nothing`,
    );
  }
  log(
    `chapter 12, pods' DNS: ${describeSource(folder)}; cluster DNS ${flags.clusterDns.join(', ')}, domain ${flags.clusterDomain}`,
  );
  const settings = { clusterDns: flags.clusterDns, clusterDomain: flags.clusterDomain, host };
  return (pod) => podDnsConfig(pod, settings);
}

export async function main(argv: string[]): Promise<number> {
  const log = (line: string) => console.log(`kata kubelet: ${line}`);
  let flags: KubeletFlags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    console.error(`kata kubelet: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    const running = await startKubelet(flags, log);
    return await serveUntilSignal('kubelet', running, log);
  } catch (error) {
    console.error(`kata kubelet: ${(error as Error).message}`);
    return 1;
  }
}

// Run directly (node --import tsx harness/components/kubelet.ts ...), not imported.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
