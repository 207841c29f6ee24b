// The node controllers of the cloud-controller-manager. A kubelet started with
// --cloud-provider=external registers its Node knowing nothing of the machine under it; the cloud
// node controller fills that in from the cloud: spec.providerID, the addresses, and the zone,
// region and instance-type labels, then takes off the taint that kept pods away meanwhile. The
// cloud node lifecycle controller looks at every node that is not Ready and asks the cloud whether
// its machine still exists: a Node whose machine was deleted is deleted too, so its pods move on.
import type { Node } from '../../harness/api/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import type { Controller, Informer } from '../../harness/client/types.ts';
import type {
  CloudControllerOptions,
  InstanceMetadata,
  NodeLifecycleCloudOptions,
} from '../../harness/contracts/cloud.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

export type { CloudControllerOptions, NodeLifecycleCloudOptions };

const section = '§ The cloud node controllers';

/** The taint a kubelet of an external cloud registers with, until the cloud node controller is done. */
export const uninitializedTaint = 'node.cloudprovider.kubernetes.io/uninitialized';
export const zoneLabel = 'topology.kubernetes.io/zone';
export const regionLabel = 'topology.kubernetes.io/region';
export const instanceTypeLabel = 'node.kubernetes.io/instance-type';

/** Whether the node still waits for the cloud: no providerID yet, or the uninitialized taint. */
export function needsInitialization(node: Node): boolean {
  throw new NotImplemented('needsInitialization', section);
}

/**
 * A new node, as the cloud describes it: spec.providerID set, the zone, region and instance-type
 * labels added, the uninitialized taint gone (the others kept, [] when none), and the cloud's
 * addresses first in status.addresses, followed by the node's own of the types the cloud did not
 * give. `node` is left as it was.
 */
export function initializedNode(node: Node, metadata: InstanceMetadata): Node {
  throw new NotImplemented('initializedNode', section);
}

/** Whether the node's Ready condition says anything but True (a node with none is not Ready). */
export function notReady(node: Node): boolean {
  throw new NotImplemented('notReady', section);
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

  /** Runs the controller (its informer with it). */
  run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('CloudNodeController.run', section);
  }

  /**
   * Initializes the node `name` if it needs it: the cloud's instanceMetadata (its error is this
   * reconcile's), then initializedNode written in two steps, the status (updateStatus) and then
   * the labels and spec (update), each with updateWithRetry.
   */
  async reconcile(name: string): Promise<void> {
    throw new NotImplemented('CloudNodeController.reconcile', section);
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

  /**
   * Runs the informer and waits for its sync (returns if `signal` aborts first); then, until
   * `signal` aborts, monitorNodes (a failed pass is tried again next time) every monitorPeriodMs
   * (5 s) on the clock.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('CloudNodeLifecycleController.run', section);
  }

  /** Deletes each Node that is notReady and whose machine the cloud says no longer exists; returns their names. */
  async monitorNodes(): Promise<string[]> {
    throw new NotImplemented('CloudNodeLifecycleController.monitorNodes', section);
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
