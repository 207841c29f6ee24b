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
import { isNotFound } from '../../harness/client/errors.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';

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

/** Whether a pod's Ready condition is True. */
function podReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * The conditions of a pod's endpoint: serving while the pod is ready, terminating once it is being
 * deleted, and ready only when serving and not terminating.
 */
export function endpointConditions(pod: Pod): EndpointConditions {
  const serving = podReady(pod);
  const terminating = Boolean(pod.metadata.deletionTimestamp);
  return { ready: serving && !terminating, serving, terminating };
}

/**
 * A pod as an endpoint: its IP, conditions, node and a reference back to it; its hostname too when
 * its subdomain names the Service, so cluster DNS answers <hostname>.<service>.<ns>.svc for it.
 */
export function podEndpoint(pod: Pod, service?: Service): Endpoint {
  const named = pod.spec.hostname && pod.spec.subdomain === service?.metadata.name;
  return {
    addresses: [pod.status?.podIP ?? ''],
    conditions: endpointConditions(pod),
    ...(named ? { hostname: pod.spec.hostname } : {}),
    ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      uid: pod.metadata.uid,
    },
  };
}

/**
 * The ports a Service reaches on one pod, named as the Service's ports ('' for an unnamed one): a
 * numeric targetPort as it is, a named one looked up in the pod's containers (skipped when the pod
 * has none of that name), no targetPort meaning the Service port itself.
 */
export function slicePorts(service: Service, pod: Pod): EndpointSlicePort[] {
  const ports: EndpointSlicePort[] = [];
  for (const port of service.spec.ports ?? []) {
    const target = port.targetPort ?? port.port;
    const number =
      typeof target === 'number'
        ? target
        : pod.spec.containers
            .flatMap((container) => container.ports ?? [])
            .find((candidate) => candidate.name === target)?.containerPort;
    if (number === undefined) continue;
    ports.push({ name: port.name ?? '', port: number, protocol: port.protocol ?? 'TCP' });
  }
  return ports;
}

/** The endpoints that share one set of ports. */
export interface EndpointGroup {
  ports: EndpointSlicePort[];
  endpoints: Endpoint[];
}

/**
 * What a Service's slices should hold: its pods with an IP, grouped by the ports they resolve to
 * (a named targetPort may be a different number on different pods), each group sorted by IP. The
 * key of a group is its ports as JSON.
 */
export function endpointGroups(service: Service, pods: Pod[]): Map<string, EndpointGroup> {
  const groups = new Map<string, EndpointGroup>();
  for (const pod of pods) {
    if (!pod.status?.podIP) continue;
    const ports = slicePorts(service, pod);
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, endpoints: [] }));
    group.endpoints.push(podEndpoint(pod, service));
  }
  for (const group of groups.values()) group.endpoints.sort(byAddress);
  return groups;
}

function byAddress(a: Endpoint, b: Endpoint): number {
  return a.addresses[0]!.localeCompare(b.addresses[0]!, 'en', { numeric: true });
}

/** The writes that bring a Service's slices to what it should have. */
export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

/** A new, empty slice of a Service for one set of ports; the API server completes its name. */
export function newSlice(service: Service, ports: EndpointSlicePort[]): EndpointSlice {
  const { name, namespace, uid } = service.metadata;
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${name}-`,
      namespace,
      labels: { [serviceNameLabel]: name!, [managedByLabel]: controllerName },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Service', name: name!, uid: uid!, controller: true },
      ],
    },
    addressType: 'IPv4',
    endpoints: [],
    ports,
  };
}

const portsKey = (slice: EndpointSlice) => JSON.stringify(slice.ports ?? []);
/** An endpoint's identity: its pod (pods may share an IP, as in kata's single-address mode), else its address. */
const addressOf = (endpoint: Endpoint) => endpoint.targetRef?.uid ?? endpoint.addresses[0] ?? '';

/**
 * The writes that turn `existing` (the Service's managed slices) into slices holding `groups`: an
 * endpoint stays in the slice that has it (updated in place when it changed), slices with room
 * take the new ones, new slices of at most `max` take the rest, and a slice left empty, or whose
 * ports no group has, is deleted. A slice that needs no change is not written.
 */
export function planSlices(
  service: Service,
  existing: EndpointSlice[],
  groups: Map<string, EndpointGroup>,
  max = maxEndpointsPerSlice,
): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  plan.delete.push(...existing.filter((slice) => !groups.has(portsKey(slice))));
  for (const [key, group] of groups) {
    const wanted = new Map(group.endpoints.map((endpoint) => [addressOf(endpoint), endpoint]));
    const kept = existing
      .filter((slice) => portsKey(slice) === key)
      .map((slice) => {
        const endpoints = slice.endpoints.filter((e) => wanted.has(addressOf(e)));
        const next = { ...slice, endpoints: endpoints.map((e) => wanted.get(addressOf(e))!) };
        for (const endpoint of endpoints) wanted.delete(addressOf(endpoint));
        return { before: JSON.stringify(slice.endpoints), slice: next };
      });
    const rest = [...wanted.values()];
    for (const { slice } of kept) {
      slice.endpoints.push(...rest.splice(0, Math.max(0, max - slice.endpoints.length)));
      slice.endpoints.sort(byAddress);
    }
    while (rest.length > 0) {
      plan.create.push({ ...newSlice(service, group.ports), endpoints: rest.splice(0, max) });
    }
    for (const { before, slice } of kept) {
      if (slice.endpoints.length === 0) plan.delete.push(slice);
      else if (JSON.stringify(slice.endpoints) !== before) plan.update.push(slice);
    }
  }
  return plan;
}

/**
 * This controller's writes that its cache has not shown yet, by Service key. A create or update
 * is seen once the informer holds that slice at the resourceVersion written or later; a delete
 * once the informer reports the slice deleted. Until then a reconcile would plan from stale
 * slices and write twice (kube's controller calls these "expectations").
 */
export class SliceExpectations {
  /** Service key -> slice name -> resourceVersion written (-1: deleted). */
  private readonly unseen = new Map<string, Map<string, number>>();

  private remember(slice: EndpointSlice, version: number): void {
    const key = serviceKeyOf(slice);
    let expected = this.unseen.get(key);
    if (!expected) this.unseen.set(key, (expected = new Map()));
    expected.set(slice.metadata.name!, version);
  }

  /** A slice this controller created or updated, as the API server answered it. */
  expectWritten(slice: EndpointSlice): void {
    this.remember(slice, Number(slice.metadata.resourceVersion));
  }

  /** A slice this controller deleted. */
  expectDeleted(slice: EndpointSlice): void {
    this.remember(slice, -1);
  }

  /** What the informer shows: a slice added or updated, or (gone) deleted. */
  observe(slice: EndpointSlice, gone: boolean): void {
    const expected = this.unseen.get(serviceKeyOf(slice));
    const version = expected?.get(slice.metadata.name!);
    if (version === undefined) return;
    if (gone || (version >= 0 && Number(slice.metadata.resourceVersion) >= version))
      expected!.delete(slice.metadata.name!);
  }

  /** Whether a Service has writes its cache does not show yet. */
  pending(key: string): boolean {
    return (this.unseen.get(key)?.size ?? 0) > 0;
  }
}

export class EndpointSliceController {
  private readonly options: EndpointSliceControllerOptions;
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;
  private readonly slices: Informer<EndpointSlice>;
  private readonly expectations = new SliceExpectations();

  constructor(options: EndpointSliceControllerOptions) {
    this.options = options;
    const { toolkit, client } = options;
    this.services = toolkit.createInformer(client.resource<Service>('services'));
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'));
    // Only the slices this controller manages: hand-written ones are someone else's.
    this.slices = toolkit.createInformer(client.resource<EndpointSlice>('endpointslices'), {
      labelSelector: `${managedByLabel}=${controllerName}`,
      indexers: { service: (slice) => [serviceKeyOf(slice as EndpointSlice)] },
    });
    // The cache catching up with this controller's own writes.
    this.slices.addEventHandlers({
      add: (slice) => this.expectations.observe(slice, false),
      update: (_, slice) => this.expectations.observe(slice, false),
      delete: (slice) => this.expectations.observe(slice, true),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    const { toolkit } = this.options;
    const { services, pods, slices } = this;
    const controller = toolkit.createController({
      name: 'endpointslice-controller',
      workers: 4,
      reconcile: (key) => this.reconcile(key),
    });
    controller.watch(services);
    // A pod concerns every Service of its namespace that selects it.
    controller.watch(pods, (pod) =>
      services
        .byIndex('namespace', pod.metadata.namespace ?? '')
        .filter((service) => selects(service, pod))
        .map((service) => toolkit.keyOf(service)),
    );
    // A slice changed or deleted by someone else is put back.
    controller.watch(slices, (slice) => [serviceKeyOf(slice)]);
    await controller.run(signal);
  }

  /** One Service: write the slice changes planSlices finds; a Service gone loses its slices. */
  async reconcile(key: string): Promise<void> {
    if (this.expectations.pending(key)) throw new Error(`slices of ${key}: waiting for the cache`);
    const service = this.services.get(key);
    const existing = this.slices.byIndex('service', key);
    // A Service without a selector has slices someone writes by hand.
    if (service && !service.spec.selector) return;
    const plan = service
      ? planSlices(
          service,
          existing,
          endpointGroups(service, this.selectedPods(service)),
          this.options.maxEndpointsPerSlice,
        )
      : { create: [], update: [], delete: existing };
    await this.writePlan(key.split('/')[0]!, plan);
  }

  /**
   * Carries out a plan in one namespace: creates (slices without a name) and updates, then
   * deletes (one already gone is fine), telling the expectations of each write.
   */
  async writePlan(namespace: string, plan: SlicePlan): Promise<void> {
    const resource = this.options.client.resource<EndpointSlice>('endpointslices', namespace);
    for (const slice of [...plan.create, ...plan.update]) {
      const written = await (slice.metadata.name ? resource.update(slice) : resource.create(slice));
      this.expectations.expectWritten(written);
    }
    for (const slice of plan.delete) {
      this.expectations.expectDeleted(slice);
      await resource.delete(slice.metadata.name!).catch((error: unknown) => {
        if (!isNotFound(error)) throw error;
        this.expectations.observe(slice, true);
      });
    }
  }

  private selectedPods(service: Service): Pod[] {
    return this.pods
      .byIndex('namespace', service.metadata.namespace ?? '')
      .filter((pod) => selects(service, pod));
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
