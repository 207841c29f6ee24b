// The kata cloud: kubekata's stand-in for EC2 and Elastic Load Balancing, behind the interface
// Kubernetes' cloud controllers call (harness/contracts/cloud.ts). Its machines are kata nodes it
// starts and stops (./machines.ts); the machines `kata up` started are its too, outside any node
// group. Its load balancers are chapter 15a's TcpLoadBalancer, one per Service port, on an address
// from chapter 15a's AddressPool (127.50.0.0/16), in front of the nodes at the port's nodePort. It
// has one node group the cluster autoscaler may grow, between its minSize and maxSize machines.
// For a Service with externalTrafficPolicy Local it checks each node on the Service's
// healthCheckNodePort (kube-proxy's answer there), so only nodes with a pod of it get traffic.
import type { Node, Service } from '../api/types.ts';
import type {
  AddressPoolLike,
  Backend,
  Cloud,
  InstanceMetadata,
  NodeGroup,
  TcpLoadBalancerLike,
} from '../contracts/cloud.ts';
import type { ChapterModules } from '../components/implementation.ts';
import {
  machineCapacity,
  startMachine,
  stopMachine,
  zoneOf,
  type CloudConfig,
  type Machine,
} from './machines.ts';

/** The chapter 15a files the cloud runs: its address pool and its load balancers. */
export type CloudModules = Pick<ChapterModules['15a'], 'address-pool.ts' | 'load-balancer.ts'>;

export const providerName = 'kata';

/** A Service's load balancer: its address and one TcpLoadBalancer per port. */
interface ServiceLoadBalancer {
  ip: string;
  ports: Map<number, TcpLoadBalancerLike>;
}

/** "namespace/name". */
function keyOf(service: Service): string {
  return `${service.metadata.namespace}/${service.metadata.name}`;
}

/** The machine's name from a node: the name in its providerID (kata://node-4), or the node's. */
function machineName(node: Node): string {
  const id = node.spec?.providerID;
  return id?.startsWith(`${providerName}://`)
    ? id.slice(providerName.length + 3)
    : node.metadata.name!;
}

export class KataCloud implements Cloud {
  readonly providerName = providerName;
  readonly machines = new Map<string, Machine>();
  /** Machines still starting: close() waits for them, so none starts after the cloud has ended. */
  private readonly starting = new Set<Promise<Machine>>();
  private closed = false;
  private readonly config: CloudConfig;
  private readonly modules: CloudModules;
  private readonly pool: AddressPoolLike;
  private readonly balancers = new Map<string, ServiceLoadBalancer>();
  private readonly log: (line: string) => void;
  private readonly group: NodeGroup;

  constructor(config: CloudConfig, modules: CloudModules, log: (line: string) => void) {
    this.config = config;
    this.modules = modules;
    this.log = log;
    this.pool = new modules['address-pool.ts'].AddressPool(config.externalCidr);
    config.machines.forEach(({ name, ip }, index) => {
      const zone = zoneOf(config.nodeIndexBase + index);
      this.machines.set(name, { name, ip, zone, processes: [] });
    });
    this.group = this.nodeGroup();
  }

  readonly instances = {
    instanceExists: async (node: Node) => this.machines.has(machineName(node)),
    instanceMetadata: async (node: Node): Promise<InstanceMetadata> => {
      const machine = this.machines.get(machineName(node));
      if (!machine) throw new Error(`kata cloud: no machine for node ${node.metadata.name}`);
      return {
        providerID: `${providerName}://${machine.name}`,
        instanceType: 'kata.small',
        nodeAddresses: [
          { type: 'InternalIP', address: machine.ip },
          { type: 'Hostname', address: machine.name },
        ],
        zone: machine.zone,
        region: 'kata-1',
      };
    },
  };

  readonly loadBalancers = {
    ensureLoadBalancer: (service: Service, nodes: Node[]) => this.ensure(service, nodes),
    ensureLoadBalancerDeleted: (service: Service) => this.remove(keyOf(service)),
  };

  nodeGroups(): NodeGroup[] {
    return [this.group];
  }

  /** The load balancer of `service`, its listeners matching its TCP ports, backends the nodes. */
  private async ensure(service: Service, nodes: Node[]): Promise<{ ip: string }[]> {
    const key = keyOf(service);
    const ip = this.pool.allocate(key);
    const balancer = this.balancers.get(key) ?? { ip, ports: new Map() };
    this.balancers.set(key, balancer);
    const wanted = new Map<number, number>();
    for (const port of service.spec.ports ?? []) {
      if ((port.protocol ?? 'TCP') === 'TCP' && port.nodePort) wanted.set(port.port, port.nodePort);
    }
    for (const [port, listener] of balancer.ports) {
      if (wanted.has(port)) continue;
      await listener.close();
      balancer.ports.delete(port);
    }
    // externalTrafficPolicy Local: each node is checked on kube-proxy's health port instead.
    const local = service.spec.externalTrafficPolicy === 'Local';
    const healthCheckPort = local ? service.spec.healthCheckNodePort : undefined;
    for (const [port, nodePort] of wanted) {
      const backends: Backend[] = nodes.flatMap((node) => {
        const address = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
        return address ? [{ host: address, port: nodePort, healthCheckPort }] : [];
      });
      const existing = balancer.ports.get(port);
      if (existing) {
        existing.setBackends(backends);
        continue;
      }
      const listener = new this.modules['load-balancer.ts'].TcpLoadBalancer({
        host: ip,
        port,
        backends,
      });
      await listener.start();
      balancer.ports.set(port, listener);
      this.log(`load balancer ${key}: ${ip}:${port} → ${backends.length} nodes at :${nodePort}`);
    }
    return [{ ip }];
  }

  private async remove(key: string): Promise<void> {
    const balancer = this.balancers.get(key);
    this.balancers.delete(key);
    for (const listener of balancer?.ports.values() ?? []) await listener.close();
    this.pool.release(key);
    if (balancer) this.log(`load balancer ${key}: deleted, ${balancer.ip} released`);
  }

  /** The autoscaled group: machines numbered after kata up's, up to maxSize of them. */
  private nodeGroup(): NodeGroup {
    const { id, minSize, maxSize } = this.config.nodeGroup;
    const members = () => [...this.machines.values()].filter((machine) => machine.group === id);
    return {
      id,
      minSize,
      maxSize,
      targetSize: async () => members().length,
      increaseSize: async (delta) => {
        for (let added = 0; added < delta; added++) {
          let number = this.config.machines.length + 1;
          while (this.machines.has(`node-${number}`)) number++;
          // A machine that comes up after close() began is stopped at once, and close() waits.
          const starting = startMachine(this.config, number, id).then(async (machine) => {
            if (!this.closed) return machine;
            await stopMachine(machine);
            throw new Error(`the cloud closed while machine ${machine.name} started`);
          });
          this.starting.add(starting);
          const machine = await starting.finally(() => this.starting.delete(starting));
          this.machines.set(machine.name, machine);
          this.log(`machine ${machine.name} started at ${machine.ip} in ${machine.zone} (${id})`);
        }
      },
      deleteNodes: async (nodes) => {
        for (const node of nodes) {
          const machine = this.machines.get(machineName(node));
          if (machine?.group !== id) throw new Error(`node ${node.metadata.name} is not in ${id}`);
          this.machines.delete(machine.name);
          await stopMachine(machine);
          this.log(`machine ${machine.name} deleted`);
        }
      },
      owns: (node) => this.machines.get(machineName(node))?.group === id,
      template: () => ({
        metadata: { name: `${id}-template` },
        status: { capacity: machineCapacity(), allocatable: machineCapacity() },
      }),
    };
  }

  /** Ends every load balancer and every machine the cloud started, or is starting. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.starting]);
    for (const key of [...this.balancers.keys()]) await this.remove(key);
    await Promise.all([...this.machines.values()].map((machine) => stopMachine(machine)));
  }
}
