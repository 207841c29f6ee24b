// The node controllers of the cloud-controller-manager. A kubelet started with
// --cloud-provider=external registers its Node knowing nothing of the machine under it; the cloud
// node controller fills that in from the cloud: spec.providerID, the addresses, and the zone,
// region and instance-type labels, then takes off the taint that kept pods away meanwhile. The
// cloud node lifecycle controller looks at every node that is not Ready and asks the cloud whether
// its machine still exists: a Node whose machine was deleted is deleted too, so its pods move on.
import type { Node } from '../../harness/api/types.ts';
import { systemClock, sleep, type TimerClock } from '../../harness/clock.ts';
import type { Controller, Informer } from '../../harness/client/types.ts';
import type {
  CloudControllerOptions,
  InstanceMetadata,
  NodeLifecycleCloudOptions,
} from '../../harness/contracts/cloud.ts';

export type { CloudControllerOptions, NodeLifecycleCloudOptions };

/** The taint a kubelet of an external cloud registers with, until the cloud node controller is done. */
export const uninitializedTaint = 'node.cloudprovider.kubernetes.io/uninitialized';
export const zoneLabel = 'topology.kubernetes.io/zone';
export const regionLabel = 'topology.kubernetes.io/region';
export const instanceTypeLabel = 'node.kubernetes.io/instance-type';

/** Whether the node still waits for the cloud: no providerID yet, or the uninitialized taint. */
export function needsInitialization(node: Node): boolean {
  const tainted = node.spec?.taints?.some((taint) => taint.key === uninitializedTaint) ?? false;
  return tainted || !node.spec?.providerID;
}

/**
 * The node as the cloud describes it: providerID set, the zone, region and instance-type labels,
 * the cloud's addresses (those of other types the node had are kept after them), and the
 * uninitialized taint gone. Returns a new object.
 */
export function initializedNode(node: Node, metadata: InstanceMetadata): Node {
  const next = structuredClone(node);
  next.metadata.labels = {
    ...next.metadata.labels,
    [zoneLabel]: metadata.zone,
    [regionLabel]: metadata.region,
    [instanceTypeLabel]: metadata.instanceType,
  };
  next.spec = {
    ...next.spec,
    providerID: metadata.providerID,
    taints: (next.spec?.taints ?? []).filter((taint) => taint.key !== uninitializedTaint),
  };
  const cloudTypes = new Set(metadata.nodeAddresses.map((address) => address.type));
  const kept = (next.status?.addresses ?? []).filter((address) => !cloudTypes.has(address.type));
  next.status = {
    ...next.status,
    addresses: [...metadata.nodeAddresses, ...kept],
  };
  return next;
}

/** Whether the node's Ready condition says anything but True (a node with none is not Ready). */
export function notReady(node: Node): boolean {
  return node.status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True';
}

export class CloudNodeController {
  private readonly options: CloudControllerOptions;
  readonly nodes: Informer<Node>;
  readonly controller: Controller;

  constructor(options: CloudControllerOptions) {
    this.options = options;
    const { toolkit, client } = options;
    this.nodes = toolkit.createInformer(client.resource<Node>('nodes'));
    this.controller = toolkit.createController({
      name: 'cloud-node-controller',
      reconcile: (key) => this.reconcile(key),
    });
    this.controller.watch(this.nodes);
  }

  run(signal: AbortSignal): Promise<void> {
    return this.controller.run(signal);
  }

  /** Initializes the node under `key` from the cloud, once; the status first, then the spec. */
  async reconcile(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node || !needsInitialization(node)) return;
    const metadata = await this.options.cloud.instances.instanceMetadata(node);
    const { toolkit, client } = this.options;
    const nodes = client.resource<Node>('nodes');
    await toolkit.updateWithRetry(
      nodes,
      name,
      (current) => {
        current.status = initializedNode(current, metadata).status;
      },
      { status: true },
    );
    await toolkit.updateWithRetry(nodes, name, (current) => {
      const next = initializedNode(current, metadata);
      current.metadata.labels = next.metadata.labels;
      current.spec = next.spec;
    });
  }
}

export class CloudNodeLifecycleController {
  private readonly options: NodeLifecycleCloudOptions;
  private readonly clock: TimerClock;
  readonly nodes: Informer<Node>;

  constructor(options: NodeLifecycleCloudOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.nodes = options.toolkit.createInformer(options.client.resource<Node>('nodes'));
  }

  /** Every --node-monitor-period: one pass over the nodes. */
  async run(signal: AbortSignal): Promise<void> {
    this.nodes.run(signal);
    try {
      await this.nodes.waitForSync(signal);
    } catch {
      return;
    }
    while (!signal.aborted) {
      await this.monitorNodes().catch(() => undefined);
      await sleep(this.clock, this.options.monitorPeriodMs ?? 5000, signal);
    }
  }

  /** Deletes each Node that is not Ready and whose machine the cloud no longer has. */
  async monitorNodes(): Promise<string[]> {
    const deleted: string[] = [];
    for (const node of this.nodes.list().filter(notReady)) {
      if (await this.options.cloud.instances.instanceExists(node)) continue;
      await this.options.client.resource<Node>('nodes').delete(node.metadata.name!);
      deleted.push(node.metadata.name!);
    }
    return deleted;
  }
}

export function createCloudNodeController(options: CloudControllerOptions): CloudNodeController {
  return new CloudNodeController(options);
}

export function createCloudNodeLifecycleController(
  options: NodeLifecycleCloudOptions,
): CloudNodeLifecycleController {
  return new CloudNodeLifecycleController(options);
}
