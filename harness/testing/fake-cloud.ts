// A cloud for tests (chapter 15a): machines are entries in a map, load balancers are records of the
// calls the controllers made, and node groups count their size. A test sets what the cloud holds
// and reads what was asked of it; nothing listens and nothing starts.
import { exampleNode, podRequesting } from '../api/examples.ts';
import type { Node, Pod, Service } from '../api/types.ts';
import type { Cloud, InstanceMetadata, NodeGroup } from '../contracts/cloud.ts';

/** The label that puts a test's node in a fake node group. */
export const fakeGroupLabel = 'fake.cloud/node-group';

/** A node group of the fake cloud: its size moves as the autoscaler asks. */
export class FakeNodeGroup implements NodeGroup {
  readonly id: string;
  readonly minSize: number;
  readonly maxSize: number;
  size: number;
  /** Each increaseSize's delta, and each deleteNodes's node names. */
  readonly increases: number[] = [];
  readonly deletions: string[][] = [];
  private readonly allocatable: Record<string, string>;

  constructor(
    id: string,
    sizes: { min: number; max: number; size: number },
    allocatable: Record<string, string>,
  ) {
    this.id = id;
    this.minSize = sizes.min;
    this.maxSize = sizes.max;
    this.size = sizes.size;
    this.allocatable = allocatable;
  }

  async targetSize() {
    return this.size;
  }

  async increaseSize(delta: number) {
    this.increases.push(delta);
    this.size += delta;
  }

  async deleteNodes(nodes: Node[]) {
    this.deletions.push(nodes.map((node) => node.metadata.name!));
    this.size -= nodes.length;
  }

  owns(node: Node) {
    return node.metadata.labels?.[fakeGroupLabel] === this.id;
  }

  template(): Node {
    return exampleNode(`${this.id}-template`, this.allocatable);
  }
}

export class FakeCloud implements Cloud {
  readonly providerName = 'fake';
  /** Node name → the machine's metadata: the machines that exist. */
  readonly machines = new Map<string, InstanceMetadata>();
  /** Each ensureLoadBalancer: "namespace/name" and the nodes' names it was given. */
  readonly ensured: { service: string; nodes: string[] }[] = [];
  /** Each ensureLoadBalancerDeleted: "namespace/name". */
  readonly deleted: string[] = [];
  readonly groups: FakeNodeGroup[] = [];

  /** Adds a machine for node `name` in `zone`, at `address`. */
  addMachine(name: string, address: string, zone = 'fake-1a'): InstanceMetadata {
    const metadata: InstanceMetadata = {
      providerID: `fake://${name}`,
      instanceType: 'fake.small',
      nodeAddresses: [{ type: 'InternalIP', address }],
      zone,
      region: 'fake-1',
    };
    this.machines.set(name, metadata);
    return metadata;
  }

  readonly instances = {
    instanceExists: async (node: Node) => this.machines.has(node.metadata.name!),
    instanceMetadata: async (node: Node) => {
      const machine = this.machines.get(node.metadata.name!);
      if (!machine) throw new Error(`fake cloud: no machine for node ${node.metadata.name}`);
      return machine;
    },
  };

  readonly loadBalancers = {
    ensureLoadBalancer: async (service: Service, nodes: Node[]) => {
      const key = `${service.metadata.namespace}/${service.metadata.name}`;
      this.ensured.push({ service: key, nodes: nodes.map((node) => node.metadata.name!) });
      return [{ ip: '127.50.0.1' }];
    },
    ensureLoadBalancerDeleted: async (service: Service) => {
      this.deleted.push(`${service.metadata.namespace}/${service.metadata.name}`);
    },
  };

  nodeGroups(): NodeGroup[] {
    return this.groups;
  }
}

/** A pod of ReplicaSet web requesting `cpu`, on `nodeName` (or Pending Unschedulable without one). */
export function webPod(name: string, cpu: string, nodeName?: string): Pod {
  const pod = podRequesting(name, { cpu, memory: '100Mi' });
  pod.metadata.namespace = 'default';
  pod.metadata.ownerReferences = [
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-web', controller: true },
  ];
  if (nodeName) pod.spec.nodeName = nodeName;
  else {
    pod.status = {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
    };
  }
  return pod;
}

/** A node of group `pool` offering one core and 4 GiB. */
export function poolNode(name: string): Node {
  const node = exampleNode(name, { cpu: '1', memory: '4Gi' });
  node.metadata.labels![fakeGroupLabel] = 'pool';
  return node;
}
