// The service controller of the cloud-controller-manager: it gives every Service of type
// LoadBalancer a load balancer from the cloud and writes where it answers into the Service's
// status.loadBalancer.ingress (kubectl's EXTERNAL-IP). The load balancer spreads connections over
// the cluster's nodes at the Service's nodePorts, so the controller also follows the nodes: a node
// that joins, leaves, or stops being Ready changes every load balancer's backends. A finalizer on
// the Service makes sure its load balancer is deleted, and its address freed, before the Service
// goes away.
import type { Node, Service } from '../../harness/api/types.ts';
import { recordEvent, type EventNote } from '../../harness/client/events.ts';
import type { Controller, Informer } from '../../harness/client/types.ts';
import type { CloudControllerOptions } from '../../harness/contracts/cloud.ts';

export type { CloudControllerOptions };

/** The finalizer a Service with a load balancer carries until the load balancer is gone. */
export const cleanupFinalizer = 'service.kubernetes.io/load-balancer-cleanup';
/** A node with this label is never a backend of any load balancer. */
export const excludeLabel = 'node.kubernetes.io/exclude-from-external-load-balancers';
/** The taint the cluster autoscaler puts on a node it is about to delete. */
export const toBeDeletedTaint = 'ToBeDeletedByClusterAutoscaler';

const component = 'service-controller';

/**
 * Whether `service` should have a load balancer now: type LoadBalancer, not being deleted, and no
 * spec.loadBalancerClass (a Service with a class is served by that implementation, not the cloud's).
 */
export function wantsLoadBalancer(service: Service): boolean {
  return (
    service.spec.type === 'LoadBalancer' &&
    !service.spec.loadBalancerClass &&
    !service.metadata.deletionTimestamp
  );
}

/** Whether the Service carries the cleanup finalizer. */
export function hasCleanupFinalizer(service: Service): boolean {
  return service.metadata.finalizers?.includes(cleanupFinalizer) ?? false;
}

/**
 * The nodes a load balancer may send traffic to: Ready, without the exclude label, and not about
 * to be deleted by the autoscaler. Sorted by name, so the same nodes give the same list.
 */
export function loadBalancerNodes(nodes: Node[]): Node[] {
  return nodes
    .filter((node) => {
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      const excluded = node.metadata.labels?.[excludeLabel] !== undefined;
      const leaving = node.spec?.taints?.some((taint) => taint.key === toBeDeletedTaint);
      return ready && !excluded && !leaving;
    })
    .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
}

/** Whether two nodes differ in what makes them a backend (so a load balancer must be updated). */
export function backendChanged(old: Node, node: Node): boolean {
  return loadBalancerNodes([old]).length !== loadBalancerNodes([node]).length;
}

export class ServiceController {
  private readonly options: CloudControllerOptions;
  readonly services: Informer<Service>;
  readonly nodes: Informer<Node>;
  readonly controller: Controller;
  /**
   * The last state seen of each Service that has a load balancer: if a Service is gone before the
   * controller could act on its finalizer, its load balancer is still deleted.
   */
  private readonly served = new Map<string, Service>();

  constructor(options: CloudControllerOptions) {
    this.options = options;
    const { toolkit, client } = options;
    this.services = toolkit.createInformer(client.resource<Service>('services'));
    this.nodes = toolkit.createInformer(client.resource<Node>('nodes'));
    this.controller = toolkit.createController({
      name: component,
      reconcile: (key) => this.reconcile(key),
    });
    this.controller.watch(this.services);
  }

  async run(signal: AbortSignal): Promise<void> {
    // A node changing what it is to a load balancer re-syncs every Service that has one.
    const resync = () => {
      for (const service of this.services.list()) {
        if (wantsLoadBalancer(service) || hasCleanupFinalizer(service))
          this.controller.queue.add(this.options.toolkit.keyOf(service));
      }
    };
    this.nodes.addEventHandlers({
      add: resync,
      update: (old, node) => backendChanged(old, node) && resync(),
      delete: resync,
    });
    this.nodes.run(signal);
    try {
      await this.nodes.waitForSync(signal);
    } catch {
      return;
    }
    await this.controller.run(signal);
  }

  /** Makes the load balancer of the Service under `key` match what the Service asks. */
  async reconcile(key: string): Promise<void> {
    const service = this.services.get(key);
    const gone = this.served.get(key);
    if (!service) {
      if (gone) await this.options.cloud.loadBalancers.ensureLoadBalancerDeleted(gone);
      this.served.delete(key);
      return;
    }
    if (wantsLoadBalancer(service)) {
      this.served.set(key, service);
      return this.ensure(structuredClone(service));
    }
    this.served.delete(key);
    if (hasCleanupFinalizer(service)) return this.cleanUp(structuredClone(service));
  }

  /** Finalizer first, then the load balancer, then the status when it changed. */
  private async ensure(service: Service): Promise<void> {
    const { client, toolkit, cloud } = this.options;
    const services = client.resource<Service>('services', service.metadata.namespace);
    const name = service.metadata.name!;
    if (!hasCleanupFinalizer(service)) {
      await toolkit.updateWithRetry(services, name, (current) => {
        current.metadata.finalizers = [...(current.metadata.finalizers ?? []), cleanupFinalizer];
      });
    }
    const before = JSON.stringify(service.status?.loadBalancer?.ingress ?? []);
    const fresh = before === '[]';
    if (fresh)
      await this.event(service, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    const ingress = await cloud.loadBalancers.ensureLoadBalancer(
      service,
      loadBalancerNodes(this.nodes.list()),
    );
    if (JSON.stringify(ingress) === before) return;
    await toolkit.updateWithRetry(
      services,
      name,
      (current) => {
        current.status = { ...current.status, loadBalancer: { ingress } };
      },
      { status: true },
    );
    if (fresh) await this.event(service, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
  }

  /** The Service is deleted or no longer a LoadBalancer: delete its load balancer, then let go. */
  private async cleanUp(service: Service): Promise<void> {
    const { client, toolkit, cloud } = this.options;
    const services = client.resource<Service>('services', service.metadata.namespace);
    const name = service.metadata.name!;
    await this.event(service, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
    await cloud.loadBalancers.ensureLoadBalancerDeleted(service);
    await this.event(service, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
    if (!service.metadata.deletionTimestamp && service.status?.loadBalancer?.ingress?.length) {
      await toolkit.updateWithRetry(
        services,
        name,
        (current) => {
          current.status = { ...current.status, loadBalancer: {} };
        },
        { status: true },
      );
    }
    await toolkit.updateWithRetry(services, name, (current) => {
      const rest = current.metadata.finalizers?.filter((f) => f !== cleanupFinalizer) ?? [];
      current.metadata.finalizers = rest.length > 0 ? rest : undefined;
    });
  }

  private event(service: Service, type: EventNote['type'], reason: string, message: string) {
    const object = { ...service, apiVersion: 'v1', kind: 'Service' };
    return recordEvent(this.options.client, component, object, { type, reason, message });
  }
}

/** The controller, as the cloud-controller-manager builds it. */
export function createServiceController(options: CloudControllerOptions): ServiceController {
  return new ServiceController(options);
}
