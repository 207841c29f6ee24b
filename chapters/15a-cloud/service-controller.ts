// The service controller of the cloud-controller-manager: it gives every Service of type
// LoadBalancer a load balancer from the cloud and writes where it answers into the Service's
// status.loadBalancer.ingress (kubectl's EXTERNAL-IP). The load balancer spreads connections over
// the cluster's nodes at the Service's nodePorts, so the controller also follows the nodes: a node
// that joins, leaves, or stops being Ready changes every load balancer's backends. A finalizer on
// the Service makes sure its load balancer is deleted, and its address freed, before the Service
// goes away.
import type { Node, Service } from '../../harness/api/types.ts';
import type { Controller, Informer } from '../../harness/client/types.ts';
import type { CloudControllerOptions } from '../../harness/contracts/cloud.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

export type { CloudControllerOptions };

const section = '§ The service controller';

/** The finalizer a Service with a load balancer carries until the load balancer is gone. */
export const cleanupFinalizer = 'service.kubernetes.io/load-balancer-cleanup';
/** A node with this label is never a backend of any load balancer. */
export const excludeLabel = 'node.kubernetes.io/exclude-from-external-load-balancers';
/** The taint the cluster autoscaler puts on a node it is about to delete. */
export const toBeDeletedTaint = 'ToBeDeletedByClusterAutoscaler';

/**
 * Whether `service` should have a load balancer now: type LoadBalancer, not being deleted, and no
 * spec.loadBalancerClass (a Service with a class is served by that implementation, not the cloud's).
 */
export function wantsLoadBalancer(service: Service): boolean {
  throw new NotImplemented('wantsLoadBalancer', section);
}

/** Whether the Service carries the cleanup finalizer. */
export function hasCleanupFinalizer(service: Service): boolean {
  throw new NotImplemented('hasCleanupFinalizer', section);
}

/**
 * The nodes a load balancer may send traffic to: Ready (condition True), without the exclude
 * label (whatever its value), and without the autoscaler's taint. Sorted by name.
 */
export function loadBalancerNodes(nodes: Node[]): Node[] {
  throw new NotImplemented('loadBalancerNodes', section);
}

/** Whether the node changed from being a backend to not being one, or back (loadBalancerNodes). */
export function backendChanged(old: Node, node: Node): boolean {
  throw new NotImplemented('backendChanged', section);
}

export class ServiceController {
  private readonly options: CloudControllerOptions;
  readonly services: Informer<Service>;
  readonly nodes: Informer<Node>;
  readonly controller: Controller;

  constructor(options: CloudControllerOptions) {
    this.options = options;
    const { toolkit, client } = options;
    this.services = toolkit.createInformer(client.resource<Service>('services'));
    this.nodes = toolkit.createInformer(client.resource<Node>('nodes'));
    this.controller = toolkit.createController({
      name: 'service-controller',
      reconcile: (key) => this.reconcile(key),
    });
    this.controller.watch(this.services);
  }

  /**
   * Follows the nodes: a node added or deleted, or one whose backendChanged, queues every Service
   * that wants a load balancer or still has the finalizer. Runs the nodes' informer, waits for its
   * sync (returns if `signal` aborts first), then runs the controller.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('ServiceController.run', section);
  }

  /**
   * Makes the Service's load balancer match the Service under `key`:
   *   - one that wants a load balancer: the finalizer added first (an update), then
   *     cloud.loadBalancers.ensureLoadBalancer with loadBalancerNodes, and its addresses written as
   *     status.loadBalancer.ingress (updateStatus) when they differ; a Service that had no ingress
   *     yet gets a Normal Event EnsuringLoadBalancer "Ensuring load balancer" before, and
   *     EnsuredLoadBalancer "Ensured load balancer" after;
   *   - one that does not but has the finalizer: Events DeletingLoadBalancer "Deleting load
   *     balancer", then ensureLoadBalancerDeleted, DeletedLoadBalancer "Deleted load balancer", its
   *     status.loadBalancer emptied ({}), and the finalizer taken off (none left: undefined);
   *   - one that is gone: if it had a load balancer, ensureLoadBalancerDeleted with its last state.
   * Events come from the component "service-controller".
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('ServiceController.reconcile', section);
  }
}

/** The controller, as the cloud-controller-manager builds it. */
export function createServiceController(options: CloudControllerOptions): ServiceController {
  return new ServiceController(options);
}
