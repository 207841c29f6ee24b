// kubeadm's add-ons for `kata up --kubeadm`: kube-proxy as a DaemonSet and the cluster DNS as a
// Deployment, both in kube-system, created through the API server once it answers, as `kubeadm
// init`'s addon phase does. Their pods run the same `kata run proxy ...` and `kata run dns ...`
// command lines `kata up` would have run (image kata/kata). A proxy pod learns its node from the
// downward API ($(NODE_NAME), $(NODE_IP)), so every node's proxy, a node joined later too, comes
// from one template; its health port is one port free on every node's address. Only in the
// loopback network mode: in the single-address mode every node is 127.0.0.1, and the proxies,
// which differ by port there, stay processes of `kata up`.
import type { DaemonSet, Deployment, PodSpec } from '../api/types.ts';
import { isNotFound } from '../client/errors.ts';
import type { ApiClient } from '../client/types.ts';
import type { Use } from '../components/implementation.ts';
import type { ComponentPlan, NodePlan } from './arguments.ts';
import { choosePort, portFree } from './loopback-ports.ts';

/** The value after `flag` in a command line; undefined when it is not there. */
function valueOf(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

/** A port free on every node's address, for the proxies' health endpoints; 0 when none is found. */
export async function sharedHealthPort(nodes: NodePlan[]): Promise<number> {
  for (let tries = 0; tries < 20; tries++) {
    const port = await choosePort(nodes[0]!.ip, 0);
    const free = await Promise.all(nodes.map((node) => portFree(node.ip, port)));
    if (port !== 0 && free.every(Boolean)) return port;
  }
  return 0;
}

/** The proxies' plans, each with its health endpoint on `port` of its node's address. */
export function onHealthPort(proxies: ComponentPlan[], nodes: NodePlan[], port: number): void {
  for (const proxy of proxies) {
    const node = nodes.find((candidate) => proxy.name === `proxy-${candidate.name}`)!;
    node.proxyHealthzPort = port;
    proxy.health = `http://${node.ip}:${port}/healthz`;
  }
}

/** A pod template's spec running `kata run <kind> <args>` on the host's addresses. */
function kataPodSpec(name: string, kind: string, args: string[], use: Use): PodSpec {
  return {
    hostNetwork: true,
    automountServiceAccountToken: false,
    // As kubeadm's: on every node, whatever its taints.
    tolerations: [{ operator: 'Exists' }],
    containers: [
      {
        name,
        image: 'kata/kata',
        command: ['kata', 'run', kind],
        args: [...args, '--use', use],
        env: [
          { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'NODE_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        ],
      },
    ],
  };
}

/** kube-system/kube-proxy: one proxy per node, from node-1's plan made node-neutral. */
export function proxyDaemonSet(proxy: ComponentPlan, healthPort: number, use: Use): DaemonSet {
  const labels = { 'k8s-app': 'kube-proxy' };
  const mode = valueOf(proxy.args, '--proxy-mode');
  const args = [
    ...['--kubeconfig', valueOf(proxy.args, '--kubeconfig')!],
    ...['--node-name', '$(NODE_NAME)', '--node-ip', '$(NODE_IP)'],
    ...['--healthz-bind-address', `$(NODE_IP):${healthPort}`],
    ...(mode ? ['--proxy-mode', mode] : []),
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: kataPodSpec('kube-proxy', 'proxy', args, use) },
    },
  } as DaemonSet;
}

/**
 * kube-system/kube-dns: the cluster DNS, one replica (it binds kube-dns's ClusterIP itself), the
 * old pod gone before the new one starts.
 */
export function dnsDeployment(dns: ComponentPlan, use: Use): Deployment {
  const labels = { 'k8s-app': 'kube-dns' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels },
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: kataPodSpec('kube-dns', 'dns', dns.args, use) },
    },
  } as Deployment;
}

/** Creates the add-on, or brings the one an earlier start made up to date. */
export async function applyAddon(
  client: ApiClient,
  resource: 'daemonsets' | 'deployments',
  object: DaemonSet | Deployment,
): Promise<void> {
  const objects = client.resource<DaemonSet | Deployment>(resource, 'kube-system');
  try {
    const existing = await objects.get(object.metadata.name!);
    await objects.update({ ...existing, spec: object.spec } as DaemonSet);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await objects.create(object);
  }
}
