// The EndpointSlice controller: a Service's endpoints in slices of at most 100, which kube-proxy,
// cluster DNS and kubectl 1.32 read instead of the one big Endpoints object (chapter 07).
//
// One Endpoints object per Service must be rewritten whole whenever one pod changes: with 5,000
// pods, every change sends a megabyte to every node. Slices cut that into parts of at most 100
// endpoints, so a change rewrites one slice. Each slice is labelled with its Service's name
// (kubernetes.io/service-name), so a client lists a Service's slices with a label selector, and
// with the controller that manages it (endpointslice.kubernetes.io/managed-by), so slices written
// by hand are left alone. An endpoint carries three conditions: ready (send new connections),
// serving (it answers, even while terminating) and terminating (its pod is being deleted).
//
// The controller is a reconcile loop, like chapter 07's: for one Service, compute the endpoints it
// should have, grouped by the ports they resolve to, then place them into the slices that exist:
// keep each endpoint where it is, fill slices that have room, create slices for the rest, and
// delete slices left empty. Few writes for a small change: that is the point of slices.
import type {
  Endpoint,
  EndpointConditions,
  EndpointSlice,
  EndpointSlicePort,
  Pod,
  Service,
} from '../../harness/api/types.ts';
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ EndpointSlices';

/** The label that names a slice's Service. */
export const serviceNameLabel = 'kubernetes.io/service-name';
/** The label that names the controller managing a slice. */
export const managedByLabel = 'endpointslice.kubernetes.io/managed-by';
/** This controller's name, the value of managedByLabel on its slices. */
export const controllerName = 'endpointslice-controller.k8s.io';
/** kube-controller-manager's --max-endpoints-per-slice default. */
export const maxEndpointsPerSlice = 100;

export interface EndpointSliceControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  /** At most this many endpoints in one slice. 100. */
  maxEndpointsPerSlice?: number;
}

/**
 * The conditions of a pod's endpoint: serving while the pod's Ready condition is True,
 * terminating once it has a deletionTimestamp, and ready only when serving and not terminating.
 */
export function endpointConditions(pod: Pod): EndpointConditions {
  throw new NotImplemented('endpointConditions', section);
}

/**
 * A pod as an endpoint: addresses [its podIP], its conditions, hostname (when the pod has a
 * spec.hostname and its spec.subdomain is the Service's name), nodeName (when bound) and a
 * targetRef { kind: 'Pod', namespace, name, uid }.
 */
export function podEndpoint(pod: Pod, service?: Service): Endpoint {
  throw new NotImplemented('podEndpoint', section);
}

/**
 * The ports a Service reaches on one pod, named as the Service's ports ('' for an unnamed one),
 * with their protocol (TCP by default): a numeric targetPort as it is, a named one looked up in the
 * pod's containers' ports (the port is left out when the pod has none of that name), no
 * targetPort meaning the Service port itself.
 */
export function slicePorts(service: Service, pod: Pod): EndpointSlicePort[] {
  throw new NotImplemented('slicePorts', section);
}

/** The endpoints that share one set of ports. */
export interface EndpointGroup {
  ports: EndpointSlicePort[];
  endpoints: Endpoint[];
}

/**
 * What a Service's slices should hold: its pods with an IP, grouped by the ports they resolve to
 * (a named targetPort may be a different number on different pods), each group's endpoints sorted
 * by IP as numbers (localeCompare with { numeric: true }). The key of a group is its ports as JSON.
 */
export function endpointGroups(service: Service, pods: Pod[]): Map<string, EndpointGroup> {
  throw new NotImplemented('endpointGroups', section);
}

/** The writes that bring a Service's slices to what it should have. */
export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

/**
 * A new, empty slice of a Service for one set of ports: generateName "<service>-" (the API server
 * completes the name), the Service's namespace, both labels (serviceNameLabel, managedByLabel), an
 * ownerReference to the Service (controller: true), addressType IPv4, no endpoints, the ports.
 */
export function newSlice(service: Service, ports: EndpointSlicePort[]): EndpointSlice {
  throw new NotImplemented('newSlice', section);
}

/**
 * The writes that turn `existing` (the Service's managed slices) into slices holding `groups`
 * (slices and groups match by their ports as JSON): an endpoint stays in the slice that has it
 * (updated in place when it changed), slices with room take the new ones (sorted by address
 * again), new slices of at most `max` take the rest, and a slice left empty, or whose ports no
 * group has, is deleted. A slice that needs no change is not written.
 */
export function planSlices(
  service: Service,
  existing: EndpointSlice[],
  groups: Map<string, EndpointGroup>,
  max = maxEndpointsPerSlice,
): SlicePlan {
  throw new NotImplemented('planSlices', section);
}

/**
 * This controller's writes that its cache has not shown yet, by Service key (serviceKeyOf). A
 * create or update is seen once the informer holds that slice at the resourceVersion written or
 * later (compared as numbers); a delete once the informer reports the slice deleted. Until then a
 * reconcile would plan from stale slices and write twice (kube's controller calls these
 * "expectations").
 */
export class SliceExpectations {
  /** A slice this controller created or updated, as the API server answered it. */
  expectWritten(slice: EndpointSlice): void {
    throw new NotImplemented('SliceExpectations.expectWritten', section);
  }

  /** A slice this controller deleted. */
  expectDeleted(slice: EndpointSlice): void {
    throw new NotImplemented('SliceExpectations.expectDeleted', section);
  }

  /** What the informer shows: a slice added or updated, or (gone) deleted. */
  observe(slice: EndpointSlice, gone: boolean): void {
    throw new NotImplemented('SliceExpectations.observe', section);
  }

  /** Whether a Service has writes its cache does not show yet. */
  pending(key: string): boolean {
    throw new NotImplemented('SliceExpectations.pending', section);
  }
}

/**
 * The controller: informers on services, pods and the endpointslices this controller manages
 * (label selector managedByLabel=controllerName, with an index by serviceKeyOf), feeding a
 * controller whose reconcile is reconcile(key), a Service's key.
 */
export class EndpointSliceController {
  constructor(options: EndpointSliceControllerOptions) {
    void options;
  }

  /**
   * Watches until `signal` aborts: a Service is its own key, a pod is the keys of the Services of
   * its namespace that select it, a slice is its Service's key.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('EndpointSliceController.run', section);
  }

  /**
   * One Service: create, update and delete what planSlices finds (a Service gone: delete all its
   * slices; a Service without a selector: leave its slices alone). Its own writes reach the cache
   * only later: tell a SliceExpectations of each (and feed it the informer's events), and while a
   * Service has writes pending, throw, so the controller retries the key later.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('EndpointSliceController.reconcile', section);
  }

  /**
   * Carries out a plan in one namespace: creates (the slices without a name) and updates, then
   * deletes (a slice already gone is fine), telling this controller's SliceExpectations of each
   * write: expectWritten with what the API server answered, expectDeleted before a delete.
   */
  async writePlan(namespace: string, plan: SlicePlan): Promise<void> {
    throw new NotImplemented('EndpointSliceController.writePlan', section);
  }
}

/** "namespace/service" of a slice, from its service-name label. */
export function serviceKeyOf(slice: EndpointSlice): string {
  return `${slice.metadata.namespace}/${slice.metadata.labels?.[serviceNameLabel] ?? ''}`;
}

/** Whether a Service selects a pod: same namespace, a selector, and every label of it on the pod. */
export function selects(service: Service, pod: Pod): boolean {
  const selector = service.spec.selector;
  if (!selector || service.metadata.namespace !== pod.metadata.namespace) return false;
  return Object.entries(selector).every(([key, value]) => pod.metadata.labels?.[key] === value);
}

export function createEndpointSliceController(
  options: EndpointSliceControllerOptions,
): EndpointSliceController {
  return new EndpointSliceController(options);
}
