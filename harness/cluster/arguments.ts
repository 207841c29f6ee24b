// Each component's command line, as the composer chooses it. Every address is decided here, before
// anything starts: a port of 0 ("any free one") is replaced by a port found free now, so the
// composer knows where each component will answer, writes the kubeconfig at once, and asks each
// component's health endpoint where it said to listen. Nothing is learnt later from what a
// component prints.
import net from 'node:net';
import path from 'node:path';
import type { ComponentKind } from '../course.ts';
import { nodeIp, podCidrForNode } from '../network.ts';
import { ClusterError, type ClusterOptions } from './options.ts';

/** One process of the cluster, before it starts. */
export interface ComponentPlan {
  /** "store", "apiserver", "kubelet-node-1": its log file and its name in `kata components`. */
  name: string;
  kind: ComponentKind;
  args: string[];
  /** Where it can be reached, for the banner. */
  address?: string;
  /** The URL that answers 200 once it serves (/health, /readyz, /healthz); none for some. */
  health?: string;
}

/** A node of the cluster: a kubelet and a proxy on their own IP and pod range. */
export interface NodePlan {
  name: string;
  ip: string;
  podCidr: string;
  /** The kubelet API's port; 0 when no free one could be found ahead (the kubelet picks one). */
  kubeletPort: number;
  rootDir: string;
}

export interface ClusterPlan {
  storeUrl: string;
  apiserverUrl: string;
  kubeconfig: string;
  nodes: NodePlan[];
  /** In start order: the store, the API server, then the rest. */
  components: ComponentPlan[];
}

/** etcd's flags: the data directory and the one client URL it listens and is reached on. */
export function storeArguments(dataDir: string, storeUrl: string): string[] {
  return [
    '--data-dir',
    path.join(dataDir, 'store'),
    '--listen-client-urls',
    storeUrl,
    '--advertise-client-urls',
    storeUrl,
  ];
}

/** kube-apiserver's flags: the store, its port, and the Service range when one is asked for. */
export function apiserverArguments(storeUrl: string, port: number, serviceRange?: string) {
  return [
    '--etcd-servers',
    storeUrl,
    '--secure-port',
    String(port),
    ...(serviceRange ? ['--service-cluster-ip-range', serviceRange] : []),
  ];
}

export function controllerManagerArguments(kubeconfig: string, gracePeriod?: string): string[] {
  return [
    '--kubeconfig',
    kubeconfig,
    ...(gracePeriod ? ['--node-monitor-grace-period', gracePeriod] : []),
  ];
}

export function schedulerArguments(kubeconfig: string): string[] {
  return ['--kubeconfig', kubeconfig];
}

export function kubeletArguments(kubeconfig: string, node: NodePlan): string[] {
  return [
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
  ];
}

export function proxyArguments(kubeconfig: string, node: NodePlan): string[] {
  return ['--kubeconfig', kubeconfig, '--node-name', node.name, '--node-ip', node.ip];
}

/** Whether nothing listens on host:port; port 0 is always free. */
export function portFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** `port`, or for 0 a port free on `host` now (0 again when nothing can listen there). */
export function choosePort(host: string, port: number): Promise<number> {
  if (port !== 0) return Promise.resolve(port);
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(0));
    server.listen(0, host, () => {
      const chosen = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(chosen));
    });
  });
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

/** The nodes: node-1 on, each the (base + n)th of the address plan. */
async function planNodes(options: ClusterOptions): Promise<NodePlan[]> {
  const nodes: NodePlan[] = [];
  for (let n = 0; n < options.nodes; n++) {
    const index = options.nodeIndexBase + n;
    const name = `node-${n + 1}`;
    const ip = nodeIp(index);
    nodes.push({
      name,
      ip,
      podCidr: podCidrForNode(index),
      kubeletPort: await choosePort(ip, options.kubeletPort),
      rootDir: path.join(options.dataDir, 'nodes', name),
    });
  }
  return nodes;
}

/** Every component of the cluster with its arguments, address and health endpoint. */
export async function planCluster(options: ClusterOptions): Promise<ClusterPlan> {
  const storeUrl =
    options.etcdServers ?? `http://127.0.0.1:${await choosePort('127.0.0.1', options.storePort)}`;
  const apiserverPort = await choosePort('127.0.0.1', options.apiserverPort);
  const apiserverUrl = `http://127.0.0.1:${apiserverPort}`;
  const kubeconfig = path.join(options.dataDir, 'kubeconfig');
  const nodes = await planNodes(options);
  const components: ComponentPlan[] = [];
  if (!options.etcdServers) {
    const args = storeArguments(options.dataDir, storeUrl);
    components.push({
      name: 'store',
      kind: 'store',
      args,
      address: storeUrl,
      health: `${storeUrl}/health`,
    });
  }
  components.push(
    {
      name: 'apiserver',
      kind: 'apiserver',
      args: apiserverArguments(storeUrl, apiserverPort, options.serviceClusterIpRange),
      address: apiserverUrl,
      health: `${apiserverUrl}/readyz`,
    },
    {
      name: 'controller-manager',
      kind: 'controller-manager',
      args: controllerManagerArguments(kubeconfig, options.nodeMonitorGracePeriod),
    },
    { name: 'scheduler', kind: 'scheduler', args: schedulerArguments(kubeconfig) },
  );
  for (const node of nodes) {
    const kubelet = `${node.ip}:${node.kubeletPort || 'any port'}`;
    components.push(
      {
        name: `kubelet-${node.name}`,
        kind: 'kubelet',
        args: kubeletArguments(kubeconfig, node),
        address: kubelet,
        health: node.kubeletPort ? `http://${kubelet}/healthz` : undefined,
      },
      {
        name: `proxy-${node.name}`,
        kind: 'proxy',
        args: proxyArguments(kubeconfig, node),
        address: node.ip,
      },
    );
  }
  return { storeUrl, apiserverUrl, kubeconfig, nodes, components };
}
