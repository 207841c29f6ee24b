// Each component's command line, as the composer chooses it. Every address is decided here, before
// anything starts: a port of 0 ("any free one") is replaced by a port found free now, so the
// composer knows where each component will answer, writes the kubeconfig at once, and asks each
// component's health endpoint where it said to listen: the store's /health, the API server's and
// the scheduler's and controller-manager's /readyz, a kubelet's and a kube-proxy's /healthz.
// Nothing is learnt later from what a component prints. The network mode is chosen here too: in the
// single-address mode (../network.ts) every node is 127.0.0.1 and the kubelets differ by port.
// Unless --insecure, the API server serves TLS with authentication, RBAC and the Node authorizer
// and admission on, and each component has a kubeconfig of its own naming who it is (./pki.ts,
// which start.ts writes before anything starts).
import type { CloudConfig } from '../cloud/machines.ts';
import net from 'node:net';
import { choosePort, loopbackPort, portFree } from './loopback-ports.ts';

export { choosePort, portFree };
import path from 'node:path';
import type { ComponentKind } from '../course.ts';
import {
  chooseNetworkMode,
  clusterDnsIp,
  clusterDnsPort,
  defaultServiceRangeFor,
  firstPodAddressIndex,
  kubernetesServiceIp,
  loopbackAliasCommand,
  nodeIp,
  nthAddress,
  podCidrForNode,
  singleAddress,
  singleAddressPodCidr,
  type NetworkMode,
} from '../network.ts';
import { manifestsDir } from './kubeadm.ts';
import { ClusterError, type ClusterOptions } from './options.ts';
import {
  apiserverHosts,
  componentIdentity,
  kubeletCertDir,
  pkiDir,
  type ComponentIdentity,
} from './pki.ts';

/** One process of the cluster, before it starts. */
export interface ComponentPlan {
  /** "store", "apiserver", "kubelet-node-1": its log file and its name in `kata components`. */
  name: string;
  kind: ComponentKind;
  args: string[];
  /** Where it can be reached, for the banner. */
  address?: string;
  /** The URL that answers 200 once it serves (/health, /readyz, /healthz). */
  health: string;
  /** Who it is to the API server, over TLS: its kubeconfig's client certificate (./pki.ts). */
  identity?: ComponentIdentity;
}

/** A node of the cluster: a kubelet and a proxy on their own IP and pod range. */
export interface NodePlan {
  name: string;
  ip: string;
  podCidr: string;
  /** The kubelet API's port, on the node's IP. */
  kubeletPort: number;
  /** kube-proxy's /healthz port, on the node's IP. */
  proxyHealthzPort: number;
  rootDir: string;
  /** Passed to the kubelet and the proxy as --network. */
  network: NetworkMode;
  /** Passed to the proxy as --proxy-mode. */
  proxyMode: 'userspace' | 'iptables';
}

export interface ClusterPlan {
  /** Where the cluster DNS answers, "ip:port": what the kubelets give pods as their name server. */
  clusterDns: string;
  storeUrl: string;
  apiserverUrl: string;
  /** The admin's kubeconfig: what kubectl and the `kata` verbs use. */
  kubeconfig: string;
  /** Whether the API server serves TLS with authentication and authorization (not --insecure). */
  secure: boolean;
  /** The names the API server's serving certificate is for. */
  apiserverHosts: string[];
  network: NetworkMode;
  nodes: NodePlan[];
  /** In start order: the store, the API server, then the rest. */
  components: ComponentPlan[];
}

/**
 * etcd's flags: the data directory and the one client URL it listens and is reached on, and where
 * it serves /metrics (kubeadm's --listen-metrics-urls=http://127.0.0.1:2381), when given.
 */
export function storeArguments(dataDir: string, storeUrl: string, metricsUrl?: string): string[] {
  return [
    '--data-dir',
    path.join(dataDir, 'store'),
    '--listen-client-urls',
    storeUrl,
    '--advertise-client-urls',
    storeUrl,
    ...(metricsUrl ? ['--listen-metrics-urls', metricsUrl] : []),
  ];
}

/**
 * kube-apiserver's flags: the store, its port, the Service range when one is asked for, the
 * EncryptionConfiguration that keeps Secrets encrypted in the store, and with `securityFrom` a data
 * directory, kubeadm's security flags (securityArguments).
 */
export function apiserverArguments(
  storeUrl: string,
  port: number,
  serviceRange?: string,
  encryptionConfig?: string,
  securityFrom?: string,
) {
  return [
    '--etcd-servers',
    storeUrl,
    '--secure-port',
    String(port),
    ...(serviceRange ? ['--service-cluster-ip-range', serviceRange] : []),
    ...(encryptionConfig ? ['--encryption-provider-config', encryptionConfig] : []),
    ...(securityFrom ? securityArguments(securityFrom) : []),
  ];
}

/** The admission plugins the cluster runs, in kube-apiserver's order. */
export const clusterAdmissionPlugins = [
  'NamespaceLifecycle',
  'LimitRanger',
  'ServiceAccount',
  'DefaultIngressClass',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
];

/**
 * The API server's security flags as kubeadm sets them: TLS with the serving certificate, client
 * certificates the cluster CA signed, ServiceAccount tokens signed with sa.key, the Node and RBAC
 * authorizers, and the admission plugins.
 */
export function securityArguments(dataDir: string): string[] {
  const pki = (file: string) => path.join(pkiDir(dataDir), file);
  return [
    '--tls-cert-file',
    pki('apiserver.crt'),
    '--tls-private-key-file',
    pki('apiserver.key'),
    '--client-ca-file',
    pki('ca.crt'),
    '--service-account-signing-key-file',
    pki('sa.key'),
    '--kubelet-client-certificate',
    pki('apiserver-kubelet-client.crt'),
    '--kubelet-client-key',
    pki('apiserver-kubelet-client.key'),
    '--kubelet-certificate-authority',
    pki('ca.crt'),
    '--authorization-mode',
    'Node,RBAC',
    '--enable-admission-plugins',
    clusterAdmissionPlugins.join(','),
    // Bootstrap token Secrets are users, so `kata join` can ask for a node certificate (18b).
    '--enable-bootstrap-token-auth',
  ];
}

/** A component's kubeconfig: its own over TLS (./pki.ts writes it), else the cluster's one. */
export function kubeconfigPathFor(
  dataDir: string,
  identity: ComponentIdentity | undefined,
): string {
  return identity
    ? path.join(dataDir, 'kubeconfigs', `${identity.name}.conf`)
    : path.join(dataDir, 'kubeconfig');
}

/** Where a cluster keeps its EncryptionConfiguration: the data directory (start.ts writes it). */
export function encryptionConfigPath(dataDir: string): string {
  return path.join(dataDir, 'encryption-config.yaml');
}

/** The controller-manager's and the scheduler's health: their port, on loopback. */
function servingArguments(port: number): string[] {
  return ['--bind-address', '127.0.0.1', '--secure-port', String(port)];
}

export function controllerManagerArguments(
  kubeconfig: string,
  port: number,
  gracePeriod?: string,
  localPathDir?: string,
  autoscalerSyncPeriod?: string,
  signingPkiDir?: string,
): string[] {
  return [
    '--kubeconfig',
    kubeconfig,
    ...servingArguments(port),
    ...(gracePeriod ? ['--node-monitor-grace-period', gracePeriod] : []),
    ...(localPathDir ? ['--local-path-dir', localPathDir] : []),
    ...(autoscalerSyncPeriod
      ? ['--horizontal-pod-autoscaler-sync-period', autoscalerSyncPeriod]
      : []),
    // The CSR signer issues with the cluster CA, as kubeadm configures it (chapter 18b).
    ...(signingPkiDir
      ? [
          '--cluster-signing-cert-file',
          path.join(signingPkiDir, 'ca.crt'),
          '--cluster-signing-key-file',
          path.join(signingPkiDir, 'ca.key'),
        ]
      : []),
  ];
}

export function schedulerArguments(kubeconfig: string, port: number): string[] {
  return ['--kubeconfig', kubeconfig, ...servingArguments(port)];
}

/** The cluster DNS's flags: the Service range (kube-dns is its tenth address), the port, health. */
export function dnsArguments(
  kubeconfig: string,
  serviceRange: string,
  address: string,
  port: number,
  healthPort: number,
): string[] {
  return [
    '--kubeconfig',
    kubeconfig,
    '--service-cluster-ip-range',
    serviceRange,
    '--address',
    address,
    '--port',
    String(port),
    '--health-bind-address',
    `127.0.0.1:${healthPort}`,
  ];
}

/** A name server as the kubelet's --cluster-dns takes it: the IP, with ":port" unless it is 53. */
export function nameServer(ip: string, port: number): string {
  return port === 53 ? ip : `${ip}:${port}`;
}

/**
 * A kubelet's flags; with `caFile` (a cluster over TLS) its API is HTTPS with the serving
 * certificate in its --cert-dir (./pki.ts's kubeletServingCertificate), for callers with a
 * certificate from that CA whom the API server allows, as kubeadm's KubeletConfiguration sets it.
 */
export function kubeletArguments(
  kubeconfig: string,
  node: NodePlan,
  clusterDns?: string,
  caFile?: string,
  /** Whether a cloud-controller-manager runs to initialize the node (false: no taint to wait on). */
  cloud = true,
): string[] {
  const certDir = kubeletCertDir(node.rootDir);
  const tls = caFile
    ? [
        ...['--tls-cert-file', path.join(certDir, 'kubelet.crt')],
        ...['--tls-private-key-file', path.join(certDir, 'kubelet.key')],
        ...['--client-ca-file', caFile],
        ...['--authorization-mode', 'Webhook', '--anonymous-auth=false'],
      ]
    : [];
  return [
    ...tls,
    ...(clusterDns ? ['--cluster-dns', clusterDns] : []),
    '--kubeconfig',
    kubeconfig,
    '--node-name',
    node.name,
    '--node-ip',
    node.ip,
    '--pod-cidr',
    node.podCidr,
    '--root-dir',
    node.rootDir,
    '--port',
    String(node.kubeletPort),
    // Where a cloud-controller-manager runs, nodes wait, tainted, for it to set them up.
    ...(cloud ? ['--cloud-provider', 'external'] : []),
    // Each node's static pods, as kubeadm's /etc/kubernetes/manifests (chapter 18a).
    '--pod-manifest-path',
    manifestsDir(node.rootDir),
    ...(node.network === 'single' ? ['--network', 'single'] : []),
  ];
}

export function proxyArguments(kubeconfig: string, node: NodePlan): string[] {
  return [
    '--kubeconfig',
    kubeconfig,
    '--node-name',
    node.name,
    '--node-ip',
    node.ip,
    '--healthz-bind-address',
    `${node.ip}:${node.proxyHealthzPort}`,
    ...(node.network === 'single' ? ['--network', 'single'] : []),
    ...(node.proxyMode === 'iptables' ? ['--proxy-mode', 'iptables'] : []),
  ];
}

/**
 * A port for a cluster's component on 127.0.0.1: `port`, or for 0 one from the cluster's own slot
 * (./loopback-ports.ts), or failing that any the kernel gives.
 */
async function clusterPort(options: ClusterOptions, port = 0): Promise<number> {
  if (port !== 0) return port;
  return (await loopbackPort(options)) || choosePort('127.0.0.1', 0);
}

/** A busy store or API server port is a clear line now, not a component's crash later. */
export async function refuseBusyPorts(options: ClusterOptions): Promise<void> {
  const busy: string[] = [];
  if (!options.etcdServers && !(await portFree('127.0.0.1', options.storePort)))
    busy.push(`127.0.0.1:${options.storePort} (the store; choose another with --store-port)`);
  if (!(await portFree('127.0.0.1', options.apiserverPort)))
    busy.push(
      `127.0.0.1:${options.apiserverPort} (the API server; choose another with --apiserver-port)`,
    );
  if (busy.length > 0)
    throw new ClusterError(
      `port ${busy.join(' and ')} is already in use: is another cluster running?`,
    );
}

/** A free port on a node's IP; none at all means the IP is not this machine's, said now. */
async function nodePort(ip: string, port: number): Promise<number> {
  const chosen = await choosePort(ip, port);
  if (chosen === 0)
    throw new ClusterError(
      `cannot listen on the node address ${ip}; on macOS add it first: ${loopbackAliasCommand(ip)}`,
    );
  return chosen;
}

/**
 * The mode the cluster runs in: --network, or for auto, loopback when this machine can bind the
 * plan's addresses for this cluster (its first node, that node's first pod, the first ClusterIP).
 */
function networkFor(options: ClusterOptions): Promise<NetworkMode> {
  const index = options.nodeIndexBase;
  const firstClusterIp = options.serviceClusterIpRange
    ? nthAddress(options.serviceClusterIpRange, 1)
    : kubernetesServiceIp;
  return chooseNetworkMode(options.network ?? 'auto', [
    nodeIp(index),
    nthAddress(podCidrForNode(index), firstPodAddressIndex),
    firstClusterIp,
  ]);
}

/**
 * Node n's kubelet port when every node shares 127.0.0.1: --kubelet-port plus n (10250, 10251,
 * ...), each checked free now, or any free port for 0.
 */
async function sharedAddressKubeletPort(options: ClusterOptions, n: number): Promise<number> {
  if (options.kubeletPort === 0) return nodePort(singleAddress, 0);
  const port = options.kubeletPort + n;
  if (!(await portFree(singleAddress, port)))
    throw new ClusterError(
      `port ${singleAddress}:${port} (node-${n + 1}'s kubelet) is already in use: choose other ports with --kubelet-port`,
    );
  return port;
}

/** The nodes: node-1 on, each the (base + n)th of the address plan, or all on 127.0.0.1. */
async function planNodes(options: ClusterOptions, network: NetworkMode): Promise<NodePlan[]> {
  const nodes: NodePlan[] = [];
  for (let n = 0; n < options.nodes; n++) {
    const index = options.nodeIndexBase + n;
    const name = `node-${n + 1}`;
    const single = network === 'single';
    const ip = single ? singleAddress : nodeIp(index);
    nodes.push({
      name,
      ip,
      podCidr: single ? singleAddressPodCidr : podCidrForNode(index),
      kubeletPort: single
        ? await sharedAddressKubeletPort(options, n)
        : await nodePort(ip, options.kubeletPort),
      proxyHealthzPort: await nodePort(ip, 0),
      rootDir: path.join(options.dataDir, 'nodes', name),
      network,
      proxyMode: options.proxyMode ?? 'userspace',
    });
  }
  return nodes;
}

/** Who a component is over TLS (undefined with --insecure), and the kubeconfig it is given. */
function credentialsOf(
  options: ClusterOptions,
  kind: Parameters<typeof componentIdentity>[0],
  nodeName?: string,
) {
  const identity = options.insecure ? undefined : componentIdentity(kind, nodeName);
  return { identity, kubeconfig: kubeconfigPathFor(options.dataDir, identity) };
}

/** The controller-manager or the scheduler, serving its health on a free loopback port. */
async function controlPlaneComponent(
  options: ClusterOptions,
  kind: 'controller-manager' | 'scheduler',
  argumentsFor: (kubeconfig: string, port: number) => string[],
): Promise<ComponentPlan> {
  const port = await clusterPort(options);
  const address = `127.0.0.1:${port}`;
  const { identity, kubeconfig } = credentialsOf(options, kind);
  return {
    name: kind,
    kind,
    args: argumentsFor(kubeconfig, port),
    address,
    health: `http://${address}/readyz`,
    identity,
  };
}

/**
 * The cluster DNS: on kube-dns's ClusterIP (the tenth address of the Service range) and port 53
 * when this process may bind it, else 1053; in the single-address mode on 127.0.0.1 and a free
 * port. Ready once its informers have synced and it listens (/ready).
 */
async function dnsComponent(options: ClusterOptions, network: NetworkMode) {
  const { identity, kubeconfig } = credentialsOf(options, 'dns');
  const range = options.serviceClusterIpRange ?? defaultServiceRangeFor(process.platform);
  const single = network === 'single';
  const address = single ? singleAddress : clusterDnsIp(range);
  const port = single ? await choosePort(singleAddress, 0) : clusterDnsPort();
  const healthPort = await clusterPort(options);
  const plan: ComponentPlan = {
    name: 'dns',
    kind: 'dns',
    args: dnsArguments(kubeconfig, range, address, port, healthPort),
    address: `${address}:${port}`,
    health: `http://127.0.0.1:${healthPort}/ready`,
    identity,
  };
  return { plan, clusterDns: nameServer(address, port) };
}

/** The metrics server's arguments: the cluster's kubeconfig, listening on loopback at `port`. */
export function metricsServerArguments(
  kubeconfig: string,
  port: number,
  metricResolution?: string,
): string[] {
  return [
    ...['--kubeconfig', kubeconfig, '--bind-address', '127.0.0.1', '--secure-port', String(port)],
    ...(metricResolution ? ['--metric-resolution', metricResolution] : []),
  ];
}

/** Where the components write their spans, one OTLP JSON file each (harness/trace/). */
export function traceDir(dataDir: string): string {
  return path.join(dataDir, 'traces');
}

/**
 * The ingress controller's arguments (chapter 15b): HTTP, HTTPS and health on loopback at the
 * given ports, behind its NodePort Service kube-system/ingress-controller.
 */
export function ingressArguments(
  kubeconfig: string,
  ports: { http: number; https: number; healthz: number },
  serviceType: 'NodePort' | 'LoadBalancer' = 'NodePort',
): string[] {
  return [
    '--service-type',
    serviceType,
    '--kubeconfig',
    kubeconfig,
    '--bind-address',
    '127.0.0.1',
    '--http-port',
    String(ports.http),
    '--https-port',
    String(ports.https),
    '--healthz-port',
    String(ports.healthz),
  ];
}

/**
 * Where a cluster's load balancers get their addresses: 127.50.0.0/16 for the default cluster, and
 * a /24 of it of their own for clusters further along the address plan (the end-to-end suites), so
 * that clusters side by side never listen on the same address.
 */
export function externalCidrFor(nodeIndexBase: number): string {
  return nodeIndexBase === 0 ? '127.50.0.0/16' : `127.50.${nodeIndexBase % 256}.0/24`;
}

/** The kata cloud's own configuration: the cluster it serves and the machines `kata up` started. */
export function cloudConfigFor(
  options: ClusterOptions,
  plan: Pick<ClusterPlan, 'apiserverUrl' | 'secure' | 'network' | 'clusterDns' | 'nodes'>,
): CloudConfig {
  const [minSize, maxSize] = (options.autoscaleNodes ?? '0:0').split(':').map(Number);
  return {
    dataDir: options.dataDir,
    apiserver: plan.apiserverUrl,
    secure: plan.secure,
    network: plan.network,
    proxyMode: options.proxyMode ?? 'userspace',
    clusterDns: plan.clusterDns,
    machines: plan.nodes.map(({ name, ip }) => ({ name, ip })),
    nodeIndexBase: options.nodeIndexBase,
    nodeGroup: { id: 'kata-pool', minSize: minSize ?? 0, maxSize: maxSize ?? 0 },
    externalCidr: externalCidrFor(options.nodeIndexBase),
    use: { kubelet: options.use.kubelet, proxy: options.use.proxy },
  };
}

/**
 * The cloud-controller-manager: the kata cloud and its controllers, reading
 * <data dir>/cloud-config.json (start.ts writes it); with autoscaleNodes, the cluster autoscaler
 * over the kata-pool node group too (`kata up` asks for 0:2; the end-to-end clusters, whose tests
 * leave pods Pending on purpose, for none unless they say so).
 */
async function cloudControllerManagerComponent(options: ClusterOptions): Promise<ComponentPlan> {
  const port = await clusterPort(options);
  const { identity, kubeconfig } = credentialsOf(options, 'cloud-controller-manager');
  return {
    name: 'cloud-controller-manager',
    kind: 'cloud-controller-manager',
    args: [
      '--kubeconfig',
      kubeconfig,
      ...servingArguments(port),
      '--cloud-provider',
      'kata',
      '--cloud-config',
      cloudConfigPath(options.dataDir),
      ...(options.autoscaleNodes ? ['--nodes', `${options.autoscaleNodes}:kata-pool`] : []),
      ...(options.scaleDownUnneededTime
        ? ['--scale-down-unneeded-time', options.scaleDownUnneededTime]
        : []),
    ],
    address: `127.0.0.1:${port}`,
    health: `http://127.0.0.1:${port}/readyz`,
    identity,
  };
}

/** Where a cluster keeps the kata cloud's configuration. */
export function cloudConfigPath(dataDir: string): string {
  return path.join(dataDir, 'cloud-config.json');
}

/**
 * The members of a replicated store (`kata up --store-replicas N`): store-1 to store-N, each with
 * etcd's --initial-cluster naming them all. Member i takes the store port + 2i for clients and the
 * port after it for peers (2379/2380, 2381/2382, ...), or free ports when the store port is 0.
 */
async function storeMembers(options: ClusterOptions, replicas: number) {
  const ports: Array<{ client: number; peer: number }> = [];
  for (let i = 0; i < replicas; i++) {
    ports.push(
      options.storePort === 0
        ? { client: await clusterPort(options), peer: await clusterPort(options) }
        : { client: options.storePort + 2 * i, peer: options.storePort + 2 * i + 1 },
    );
  }
  const initialCluster = ports
    .map((port, i) => `store-${i + 1}=http://127.0.0.1:${port.peer}`)
    .join(',');
  return ports.map((port, i) => {
    const name = `store-${i + 1}`;
    const url = `http://127.0.0.1:${port.client}`;
    const args = [
      '--name',
      name,
      '--data-dir',
      path.join(options.dataDir, name),
      '--listen-client-urls',
      url,
      '--advertise-client-urls',
      url,
      '--listen-peer-urls',
      `http://127.0.0.1:${port.peer}`,
      '--initial-advertise-peer-urls',
      `http://127.0.0.1:${port.peer}`,
      '--initial-cluster',
      initialCluster,
    ];
    const plan: ComponentPlan = {
      name,
      kind: 'store',
      args,
      address: url,
      health: `${url}/health`,
    };
    return { url, plan };
  });
}

/** Every component of the cluster with its arguments, address and health endpoint. */
export async function planCluster(options: ClusterOptions): Promise<ClusterPlan> {
  const storeUrl =
    options.etcdServers ?? `http://127.0.0.1:${await clusterPort(options, options.storePort)}`;
  const apiserverPort = await clusterPort(options, options.apiserverPort);
  const secure = !options.insecure;
  const apiserverUrl = `${secure ? 'https' : 'http'}://127.0.0.1:${apiserverPort}`;
  const kubeconfig = path.join(options.dataDir, 'kubeconfig');
  const serviceRange = options.serviceClusterIpRange ?? defaultServiceRangeFor(process.platform);
  const network = await networkFor(options);
  const nodes = await planNodes(options, network);
  const components: ComponentPlan[] = [];
  const replicas = options.storeReplicas ?? 1;
  const members = replicas > 1 && !options.etcdServers ? await storeMembers(options, replicas) : [];
  if (members.length > 0) {
    components.push(...members.map((member) => member.plan));
  } else if (!options.etcdServers) {
    const metricsUrl = `http://127.0.0.1:${await clusterPort(options)}`;
    const args = storeArguments(options.dataDir, storeUrl, metricsUrl);
    components.push({
      name: 'store',
      kind: 'store',
      args,
      address: storeUrl,
      health: `${storeUrl}/health`,
    });
  }
  const etcdServers = members.length > 0 ? members.map((member) => member.url).join(',') : storeUrl;
  components.push(
    {
      name: 'apiserver',
      kind: 'apiserver',
      args: apiserverArguments(
        etcdServers,
        apiserverPort,
        options.serviceClusterIpRange,
        encryptionConfigPath(options.dataDir),
        secure ? options.dataDir : undefined,
      ),
      address: apiserverUrl,
      health: `${apiserverUrl}/readyz`,
    },
    await controlPlaneComponent(options, 'controller-manager', (file, port) =>
      controllerManagerArguments(
        file,
        port,
        options.nodeMonitorGracePeriod,
        path.join(options.dataDir, 'local-path-provisioner'),
        options.autoscalerSyncPeriod,
        options.insecure ? undefined : pkiDir(options.dataDir),
      ),
    ),
    await controlPlaneComponent(options, 'scheduler', schedulerArguments),
  );
  const dns = await dnsComponent(options, network);
  components.push(dns.plan);
  const proxy = credentialsOf(options, 'proxy');
  const caFile = secure ? path.join(pkiDir(options.dataDir), 'ca.crt') : undefined;
  for (const node of nodes) {
    const kubelet = `${node.ip}:${node.kubeletPort}`;
    const credentials = credentialsOf(options, 'kubelet', node.name);
    components.push(
      {
        name: `kubelet-${node.name}`,
        kind: 'kubelet',
        args: kubeletArguments(
          credentials.kubeconfig,
          node,
          dns.clusterDns,
          caFile,
          !options.skip?.includes('cloud-controller-manager'),
        ),
        address: kubelet,
        health: `${secure ? 'https' : 'http'}://${kubelet}/healthz`,
        identity: credentials.identity,
      },
      {
        name: `proxy-${node.name}`,
        kind: 'proxy',
        args: proxyArguments(proxy.kubeconfig, node),
        address: node.ip,
        health: `http://${node.ip}:${node.proxyHealthzPort}/healthz`,
        identity: proxy.identity,
      },
    );
  }
  // The resource metrics behind `kubectl top` and the autoscaler (chapter 14), on a free port.
  const metricsPort = await clusterPort(options);
  const metrics = credentialsOf(options, 'metrics-server');
  components.push({
    name: 'metrics-server',
    kind: 'metrics-server',
    args: metricsServerArguments(metrics.kubeconfig, metricsPort, options.metricResolution),
    address: `127.0.0.1:${metricsPort}`,
    health: `http://127.0.0.1:${metricsPort}/readyz`,
    identity: metrics.identity,
  });
  components.push(await cloudControllerManagerComponent(options));
  // The ingress controller (chapter 15b), its HTTP, HTTPS and health on free loopback ports, in
  // front of it a LoadBalancer Service the cloud-controller-manager (chapter 15a) gives an address.
  const ingress = credentialsOf(options, 'ingress');
  const ingressPorts = {
    http: await clusterPort(options),
    https: await clusterPort(options),
    healthz: await clusterPort(options),
  };
  components.push({
    name: 'ingress',
    kind: 'ingress',
    args: ingressArguments(ingress.kubeconfig, ingressPorts, 'LoadBalancer'),
    address: `127.0.0.1:${ingressPorts.http}`,
    health: `http://127.0.0.1:${ingressPorts.healthz}/readyz`,
    identity: ingress.identity,
  });
  if (options.tracing === true) {
    for (const component of components) {
      component.args.push(
        '--trace-file',
        path.join(traceDir(options.dataDir), `${component.name}.json`),
      );
    }
  }
  return {
    clusterDns: dns.clusterDns,
    storeUrl: members[0]?.url ?? storeUrl,
    apiserverUrl,
    kubeconfig,
    secure,
    apiserverHosts: apiserverHosts(nthAddress(serviceRange, 1), '127.0.0.1'),
    network,
    nodes,
    components,
  };
}
