// Published ports: how pods are told apart in the single-address network mode (../network.ts).
//
// In that mode every pod's IP is 127.0.0.1, so two pods cannot both listen on their declared
// containerPort 8080. Instead each declared port is *published* on a free port of 127.0.0.1, as
// `docker run -P` publishes a container's ports, and the mapping is recorded on the pod in the
// annotation `kata.dev/host-ports`, in `docker ps`'s words:
//
//   kata.dev/host-ports: 127.0.0.1:40123->8080/TCP
//
// Two small views do the rest, so that no chapter's code changes:
//
// - The node's view (`publishingClient`, in the kubelet's process): before the kubelet sees a pod,
//   its ports are published (chosen, and recorded in the annotation), and the kubelet sees the
//   pod with the published ports in place of the declared ones: the runtime gives the container
//   the published port to listen on (KATA_CONTAINER_PORTS), and the probes knock on it. The pod in
//   the API keeps what its author wrote; only the kubelet's copy differs.
// - The proxy's view (`reachingClient`, in kube-proxy's process): the Endpoints and EndpointSlices
//   list each pod as 127.0.0.1 and its containerPort, as Kubernetes does; the proxy sees, for every
//   address with a targetRef to a pod, that pod's published port instead. A slice holds one set of
//   ports for all its endpoints, and published ports differ from pod to pod, so the proxy sees each
//   endpoint of a slice as a slice of its own (`<slice>-<n>`). A ClusterIP this machine cannot bind
//   (macOS without aliases) is left out of the proxy's copy, said once: the NodePort still answers.
//
// A pod's published ports never change once recorded, so a kubelet started again reads them back
// from the annotation and adopts the running containers on the ports they already listen on.
import type {
  EndpointSlice,
  Endpoints,
  EndpointSubset,
  KubeObject,
  Pod,
  Probe,
  Service,
} from '../api/types.ts';
import type { ApiClient, ObjectEvent, ResourceClient } from '../client/types.ts';
import { choosePort } from '../cluster/arguments.ts';
import { canBind, singleAddress } from '../network.ts';

/** The annotation that records a pod's published ports. */
export const hostPortsAnnotation = 'kata.dev/host-ports';

/** containerPort -> the port of 127.0.0.1 it is published on. */
export type HostPorts = Map<number, number>;

/** "127.0.0.1:40123->8080/TCP, 127.0.0.1:40124->9090/TCP". */
export function formatHostPorts(ports: HostPorts): string {
  return [...ports]
    .map(([containerPort, hostPort]) => `${singleAddress}:${hostPort}->${containerPort}/TCP`)
    .join(', ');
}

/** The published ports an annotation records; empty for none or for text that is not one. */
export function parseHostPorts(annotation: string | undefined): HostPorts {
  const ports: HostPorts = new Map();
  for (const match of (annotation ?? '').matchAll(/:(\d+)->(\d+)\/TCP/g))
    ports.set(Number(match[2]), Number(match[1]));
  return ports;
}

/** The published ports recorded on a pod. */
export function hostPortsOf(pod: Pod): HostPorts {
  return parseHostPorts(pod.metadata.annotations?.[hostPortsAnnotation]);
}

/** Every TCP port a pod declares, in order, once each. */
function declaredPorts(pod: Pod): number[] {
  const ports = pod.spec.containers.flatMap((container) =>
    (container.ports ?? [])
      .filter((port) => (port.protocol ?? 'TCP') === 'TCP')
      .map((port) => port.containerPort),
  );
  return [...new Set(ports)];
}

/** A probe whose numeric port is a published one, knocking on the published port instead. */
function publishedProbe(probe: Probe | undefined, ports: HostPorts): Probe | undefined {
  const published = (port: number | string) =>
    typeof port === 'number' ? (ports.get(port) ?? port) : port;
  if (!probe) return probe;
  return {
    ...probe,
    ...(probe.httpGet && { httpGet: { ...probe.httpGet, port: published(probe.httpGet.port) } }),
    ...(probe.tcpSocket && {
      tcpSocket: { ...probe.tcpSocket, port: published(probe.tcpSocket.port) },
    }),
  };
}

/** The pod as its node's kubelet sees it: each declared port replaced by its published one. */
export function withPublishedPorts(pod: Pod, ports: HostPorts): Pod {
  if (ports.size === 0) return pod;
  const containers = pod.spec.containers.map((container) => ({
    ...container,
    ports: container.ports?.map((port) => ({
      ...port,
      containerPort: ports.get(port.containerPort) ?? port.containerPort,
    })),
    readinessProbe: publishedProbe(container.readinessProbe, ports),
    livenessProbe: publishedProbe(container.livenessProbe, ports),
    startupProbe: publishedProbe(container.startupProbe, ports),
  }));
  return { ...pod, spec: { ...pod.spec, containers } };
}

/**
 * Endpoints as the proxy should dial them: each address with a targetRef to a pod that has
 * published ports gets a subset of its own, with those ports. Others stay as they are.
 */
export function reachableSubsets(
  subsets: EndpointSubset[] | undefined,
  portsOf: (uid: string) => HostPorts | undefined,
): EndpointSubset[] | undefined {
  if (!subsets) return subsets;
  return subsets.flatMap((subset) => {
    const split = (addresses: EndpointSubset['addresses'], ready: boolean) =>
      (addresses ?? []).map((address) => {
        const published = address.targetRef?.uid ? portsOf(address.targetRef.uid) : undefined;
        const ports = subset.ports?.map((port) => ({
          ...port,
          port: published?.get(port.port) ?? port.port,
        }));
        return ready ? { addresses: [address], ports } : { notReadyAddresses: [address], ports };
      });
    const parts = [...split(subset.addresses, true), ...split(subset.notReadyAddresses, false)];
    return parts.length > 0 ? parts : [subset];
  });
}

/**
 * Each endpoint of a slice as a slice of its own, named `<slice>-<n>`, whose ports are the ones its
 * pod publishes (the slice's own ports for an endpoint without a pod, or a pod not published).
 */
export function reachableSlices(
  slice: EndpointSlice,
  portsOf: (uid: string) => HostPorts | undefined,
): EndpointSlice[] {
  return (slice.endpoints ?? []).map((endpoint, n) => {
    const published = endpoint.targetRef?.uid ? portsOf(endpoint.targetRef.uid) : undefined;
    return {
      ...slice,
      metadata: { ...slice.metadata, name: `${slice.metadata.name}-${n}` },
      endpoints: [endpoint],
      ports: slice.ports?.map((port) => ({
        ...port,
        port: (port.port !== undefined && published?.get(port.port)) || port.port,
      })),
    };
  });
}

// --- Views of a client --------------------------------------------------------------------------

/** A client whose reads of one resource go through `see` (get, list, watch, and write answers). */
function viewOf<T extends KubeObject>(
  client: ApiClient,
  resource: string,
  see: (object: T) => Promise<T>,
): ApiClient {
  // Every verb spelled out: a resource client may be a class, whose methods a spread would lose.
  const view = (inner: ResourceClient<T>): ResourceClient<T> => ({
    delete: (name, options) => inner.delete(name, options),
    getScale: (name) => inner.getScale(name),
    scale: (name, replicas) => inner.scale(name, replicas),
    get: async (name) => see(await inner.get(name)),
    list: async (options) => {
      const list = await inner.list(options);
      return { ...list, items: await Promise.all(list.items.map(see)) };
    },
    create: async (object) => see(await inner.create(object)),
    update: async (object) => see(await inner.update(object)),
    updateStatus: async (object) => see(await inner.updateStatus(object)),
    patch: async (name, patch, type) => see(await inner.patch(name, patch, type)),
    watch: (options) => seenEvents(inner.watch(options), see),
  });
  return {
    config: client.config,
    bind: (binding) => client.bind(binding),
    resource: <R extends KubeObject>(name: string, namespace?: string) => {
      const inner = client.resource<R>(name, namespace);
      return (name === resource ? view(inner as never) : inner) as ResourceClient<R>;
    },
  };
}

/**
 * A client whose list and watch of EndpointSlices show each slice as the parts `split` makes of it.
 * A watch event on a slice becomes events on its parts: ADDED or MODIFIED for the parts it has now,
 * DELETED for those it had before and no longer has (the count of each slice's parts is kept from
 * the list and the events seen).
 */
function slicePartsView(
  client: ApiClient,
  split: (slice: EndpointSlice) => Promise<EndpointSlice[]>,
): ApiClient {
  const partCounts = new Map<string, number>();
  const keyOf = (slice: EndpointSlice) => `${slice.metadata.namespace}/${slice.metadata.name}`;
  async function* partEvents(
    events: AsyncIterable<ObjectEvent<EndpointSlice>>,
  ): AsyncIterable<ObjectEvent<EndpointSlice>> {
    for await (const event of events) {
      if (event.type === 'BOOKMARK') {
        yield event;
        continue;
      }
      const slice = event.object;
      const parts = event.type === 'DELETED' ? [] : await split(slice);
      const before = partCounts.get(keyOf(slice)) ?? 0;
      for (const [n, part] of parts.entries())
        yield { type: n < before ? 'MODIFIED' : 'ADDED', object: part };
      for (let n = parts.length; n < before; n++) {
        const metadata = { ...slice.metadata, name: `${slice.metadata.name}-${n}` };
        yield { type: 'DELETED', object: { ...slice, metadata } };
      }
      partCounts.set(keyOf(slice), parts.length);
    }
  }
  return {
    config: client.config,
    bind: (binding) => client.bind(binding),
    resource: <R extends KubeObject>(name: string, namespace?: string) => {
      const inner = client.resource<R>(name, namespace);
      if (name !== 'endpointslices') return inner;
      const slices = inner as unknown as ResourceClient<EndpointSlice>;
      const view: ResourceClient<EndpointSlice> = {
        get: (sliceName) => slices.get(sliceName),
        create: (object) => slices.create(object),
        update: (object) => slices.update(object),
        updateStatus: (object) => slices.updateStatus(object),
        patch: (sliceName, patch, type) => slices.patch(sliceName, patch, type),
        delete: (sliceName, options) => slices.delete(sliceName, options),
        getScale: (sliceName) => slices.getScale(sliceName),
        scale: (sliceName, replicas) => slices.scale(sliceName, replicas),
        list: async (options) => {
          const list = await slices.list(options);
          const items: EndpointSlice[] = [];
          for (const slice of list.items) {
            const parts = await split(slice);
            partCounts.set(keyOf(slice), parts.length);
            items.push(...parts);
          }
          return { ...list, items };
        },
        watch: (options) => partEvents(slices.watch(options)),
      };
      return view as unknown as ResourceClient<R>;
    },
  };
}

/** A watch's events, each object (but a BOOKMARK's) through `see`. */
async function* seenEvents<T extends KubeObject>(
  events: AsyncIterable<ObjectEvent<T>>,
  see: (object: T) => Promise<T>,
): AsyncIterable<ObjectEvent<T>> {
  for await (const event of events)
    yield event.type === 'BOOKMARK' ? event : { ...event, object: await see(event.object) };
}

/** A pod's published ports, and the pod as it was once they were recorded (when this node did). */
interface Publication {
  ports: HostPorts;
  recorded?: Pod;
}

/**
 * The kubelet's client in the single-address mode: pods come with their ports published. A pod
 * seen for the first time has its ports chosen (free on 127.0.0.1 now) and recorded in its
 * annotation before the kubelet sees it.
 */
export function publishingClient(client: ApiClient, log: (line: string) => void): ApiClient {
  const publishing = new Map<string, Promise<Publication>>();
  const handedOut = new Set<number>();
  const freePort = async (): Promise<number> => {
    for (;;) {
      const port = await choosePort(singleAddress, 0);
      if (port === 0) throw new Error(`cannot listen on ${singleAddress} to publish a pod's port`);
      if (!handedOut.has(port)) return (handedOut.add(port), port);
    }
  };
  const publish = async (pod: Pod): Promise<Publication> => {
    const known = hostPortsOf(pod);
    if (known.size > 0 || declaredPorts(pod).length === 0) return { ports: known };
    const ports: HostPorts = new Map();
    for (const containerPort of declaredPorts(pod)) ports.set(containerPort, await freePort());
    const { name, namespace } = pod.metadata;
    const annotation = formatHostPorts(ports);
    const recorded = await client
      .resource<Pod>('pods', namespace)
      .patch(name!, { metadata: { annotations: { [hostPortsAnnotation]: annotation } } }, 'merge')
      .then(
        (patched) => (log(`pod ${namespace}/${name}: published ${annotation}`), patched),
        (error: Error) =>
          void log(`pod ${namespace}/${name}: cannot record ${annotation}: ${error.message}`),
      );
    return { ports, recorded };
  };
  return viewOf<Pod>(client, 'pods', async (pod) => {
    const uid = pod.metadata.uid ?? '';
    let publication = publishing.get(uid);
    if (!publication) {
      publication = publish(pod);
      publishing.set(uid, publication);
      // A failure is tried again the next time the pod is seen.
      publication.catch(() => publishing.delete(uid));
    }
    const { ports, recorded } = await publication;
    // A copy from before the ports were recorded: the recorded pod is newer, and the kubelet's
    // status writes then carry its resourceVersion.
    const newest = recorded && hostPortsOf(pod).size === 0 ? recorded : pod;
    return withPublishedPorts(newest, ports);
  });
}

/**
 * kube-proxy's client in the single-address mode: Endpoints and EndpointSlices carry each pod's
 * published port (a slice seen as one slice an endpoint), and
 * a Service whose ClusterIP this machine cannot bind is seen without one (NodePorts only).
 */
export function reachingClient(client: ApiClient, log: (line: string) => void): ApiClient {
  const published = new Map<string, HostPorts>();
  const portsOf = async (reference: { namespace?: string; name?: string; uid?: string }) => {
    const known = published.get(reference.uid!);
    if (known || !reference.name) return;
    const pod = await client
      .resource<Pod>('pods', reference.namespace)
      .get(reference.name)
      .catch(() => undefined);
    const ports = pod?.metadata.uid === reference.uid ? hostPortsOf(pod!) : new Map();
    if (ports.size > 0) published.set(reference.uid!, ports);
  };
  const endpointsView = viewOf<Endpoints>(client, 'endpoints', async (endpoints) => {
    const references = (endpoints.subsets ?? []).flatMap((subset) =>
      [...(subset.addresses ?? []), ...(subset.notReadyAddresses ?? [])].flatMap(
        (address) => address.targetRef ?? [],
      ),
    );
    await Promise.all(references.filter((reference) => reference.uid).map(portsOf));
    return {
      ...endpoints,
      subsets: reachableSubsets(endpoints.subsets, (uid) => published.get(uid)),
    };
  });
  const slicesView = slicePartsView(endpointsView, async (slice) => {
    const references = (slice.endpoints ?? []).flatMap((endpoint) => endpoint.targetRef ?? []);
    await Promise.all(references.filter((reference) => reference.uid).map(portsOf));
    return reachableSlices(slice, (uid) => published.get(uid));
  });
  const bindable = new Map<string, Promise<boolean>>();
  return viewOf<Service>(slicesView, 'services', async (service) => {
    const ip = service.spec.clusterIP;
    if (!ip || ip === 'None') return service;
    if (!bindable.has(ip)) {
      bindable.set(ip, canBind(ip));
      if (!(await bindable.get(ip)))
        log(
          `ClusterIP ${ip} cannot be bound on this machine: ` +
            `Service ${service.metadata.namespace}/${service.metadata.name} answers on its NodePorts only`,
        );
    }
    return (await bindable.get(ip))
      ? service
      : { ...service, spec: { ...service.spec, clusterIP: '' } };
  });
}

/**
 * What the two views need beyond their components' default roles, once a cluster authorizes
 * (chapter 11b): the kubelets record the annotation (a patch of the pod, which kube's system:node
 * role does not grant) and kube-proxy reads it (a get of the pod). The composer creates this
 * ClusterRole and its binding as the admin, after the API server is up and before the nodes start;
 * they exist only in a single-address cluster.
 */
export const hostPortsRbac = [
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'kata-host-ports' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'patch'] }],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'kata-host-ports' },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'kata-host-ports',
    },
    subjects: [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:nodes' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'system:kube-proxy' },
    ],
  },
];

/** Creates hostPortsRbac on the API server at `server` (this process presents the admin's certificate). */
export async function grantHostPorts(server: string): Promise<void> {
  for (const object of hostPortsRbac) {
    const plural = object.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings';
    const response = await fetch(`${server}/apis/rbac.authorization.k8s.io/v1/${plural}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(object),
    });
    if (!response.ok && response.status !== 409) {
      const status = (await response.json().catch(() => ({}))) as { message?: string };
      throw new Error(
        `cannot create ${plural}/kata-host-ports: ${status.message ?? response.status}`,
      );
    }
  }
}
