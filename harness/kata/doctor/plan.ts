// What `kata doctor` looks at: the addresses and ports a cluster started with the same flags would
// listen on (`npx kata doctor --apiserver-port 7443` checks what `npm start -- --apiserver-port
// 7443` needs), and the NodePorts the course's examples ask for. Pure: the plan is made from the
// flags alone, and machine.ts finds out which of its ports are free.
import { loopbackPlan, nodeIp, type PlannedAddress } from '../../network.ts';
import type { NetworkChoice } from '../../network.ts';
import type { PortGroup } from './checks.ts';

/** The part of `npm start`'s flags that decides addresses and ports. */
export interface DoctorOptions {
  network: NetworkChoice;
  nodes: number;
  nodeIndexBase: number;
  storePort: number;
  apiserverPort: number;
  kubeletPort: number;
  /** With --etcd-servers the cluster starts no store, and its port does not matter. */
  etcdServers?: string;
}

/** A NodePort one of the examples asks for, and the files that ask. */
export interface ExampleNodePort {
  port: number;
  files: string[];
}

/** A group of ports the cluster listens on (checks.ts's PortGroup), before anyone looked at them. */
export type PlannedPorts = Omit<PortGroup, 'ports'> & { ports: { host: string; port: number }[] };

/** The component defaults `kata run` uses, which `npm start` replaces with free ports. */
export const healthPorts = { proxy: 10256, controllerManager: 10257, scheduler: 10259 } as const;

/** The addresses whose binding the doctor checks: none in the single-address mode. */
export function plannedAddresses(options: DoctorOptions): PlannedAddress[] {
  if (options.network === 'single') return [];
  return loopbackPlan(options.nodes, options.nodeIndexBase);
}

/** The flags that change the address plan, as the learner would repeat them: " --nodes 5". */
export function planFlags(options: DoctorOptions): string {
  return [
    ...(options.nodes !== 3 ? [` --nodes ${options.nodes}`] : []),
    ...(options.nodeIndexBase !== 0 ? [` --node-index-base ${options.nodeIndexBase}`] : []),
  ].join('');
}

/** The node IPs: each node's own in the loopback plan, 127.0.0.1 for all in the single mode. */
function nodeHosts(options: DoctorOptions): string[] {
  if (options.network === 'single') return ['127.0.0.1'];
  return Array.from({ length: options.nodes }, (_, n) => nodeIp(options.nodeIndexBase + n));
}

/** Every port group a cluster started with these options listens on, in start order. */
export function plannedPorts(options: DoctorOptions, nodePorts: ExampleNodePort[]): PlannedPorts[] {
  const loopback = (port: number) => [{ host: '127.0.0.1', port }];
  const nodes = nodeHosts(options);
  const onNodes = (port: number) => nodes.map((host) => ({ host, port }));
  const moveNodes = `move the nodes with \`npm start -- --node-index-base ${options.nodeIndexBase + 10}\` (and \`npx kata doctor\` with the same flag)`;
  const groups: PlannedPorts[] = [];
  if (!options.etcdServers)
    groups.push({
      what: 'the store',
      ports: loopback(options.storePort),
      move: `choose another port with \`npm start -- --store-port ${options.storePort + 1}\``,
    });
  groups.push({
    what: 'the API server',
    ports: loopback(options.apiserverPort),
    move: `choose another port with \`npm start -- --apiserver-port ${options.apiserverPort + 1}\``,
  });
  // In the single-address mode the kubelets share 127.0.0.1, one port each from --kubelet-port on.
  const kubeletPorts =
    options.network === 'single'
      ? Array.from({ length: options.nodes }, (_, n) => ({
          host: '127.0.0.1',
          port: options.kubeletPort + n,
        }))
      : onNodes(options.kubeletPort);
  groups.push({
    what: 'the kubelets',
    ports: kubeletPorts,
    move: `choose other ports with \`npm start -- --kubelet-port ${options.kubeletPort + 10}\``,
  });
  for (const { port, files } of nodePorts)
    groups.push({
      what: `NodePort ${port} (${files.join(', ')})`,
      ports: onNodes(port),
      move: options.network === 'single' ? 'change the nodePort in the manifest' : moveNodes,
    });
  groups.push({
    what: `the health ports of \`kata run\` (proxy ${healthPorts.proxy}, controller-manager ${healthPorts.controllerManager}, scheduler ${healthPorts.scheduler}; \`npm start\` picks free ones)`,
    ports: Object.values(healthPorts).flatMap(loopback),
    move: 'give `kata run` another one: --healthz-bind-address for the proxy, --secure-port for the others',
    optional: true,
  });
  return groups;
}
