// What `kata dashboard` draws, as data: the cluster as the API server's watches show it, kept in
// one place and turned into a *view* the page renders as it is. The page does no reasoning of its
// own, so every rule of the picture (which node a pod is on, when a pod counts as ready, which
// ReplicaSets a Deployment owns, which Services select a pod) is here, with tests.
//
// The view has four parts, after kube-ops-view and the "what happens when" drawings:
// - *nodes*, each a box of *tiles* (its pods, coloured by phase and readiness), and the pods no
//   scheduler has placed yet;
// - *chains*: each Deployment → its ReplicaSets → their pods → the Services selecting those pods,
//   with the ready addresses of each Service's Endpoints;
// - the newest *events*;
// - the cluster's processes, when known (`kata up`'s control endpoint), so a killed kubelet shows
//   on its node at once, long before the node lifecycle controller marks the node NotReady.
import type {
  Deployment,
  Endpoints,
  KubeEvent,
  KubeObject,
  Node,
  Pod,
  ReplicaSet,
  Service,
} from '../api/types.ts';

/** The resources the dashboard watches, by their plural names. */
export const watchedResources = [
  'nodes',
  'pods',
  'deployments',
  'replicasets',
  'services',
  'endpoints',
  'events',
] as const;
export type WatchedResource = (typeof watchedResources)[number];

/** One pod on the page: where it is, its phase and whether it is ready. */
export interface PodTile {
  namespace: string;
  name: string;
  /** Pending, Running, Succeeded, Failed, Unknown; "Terminating" while it is being deleted. */
  phase: string;
  ready: boolean;
  /** Its storage key, for the page to ask for its history and trace. */
  key: string;
}

export interface NodeBox {
  name: string;
  /** The Ready condition's status: "True", "False" or "Unknown". */
  ready: string;
  /** The state of its kubelet's process ("running", "killed", ...), when the cluster says. */
  kubelet?: string;
  pods: PodTile[];
}

/** A Deployment, what it owns and what serves it. */
export interface Chain {
  namespace: string;
  deployment: string;
  key: string;
  /** "ready/desired", as `kubectl get deploy` READY. */
  ready: string;
  replicaSets: Array<{ name: string; replicas: number; pods: number; key: string }>;
  services: Array<{ name: string; endpoints: number; key: string }>;
}

export interface EventLine {
  /** RFC 3339, the last time it happened. */
  at: string;
  type: string;
  reason: string;
  /** "pod/hello-5d8f-x2x": what it is about. */
  object: string;
  message: string;
}

export interface DashboardView {
  nodes: NodeBox[];
  unscheduled: PodTile[];
  chains: Chain[];
  events: EventLine[];
}

/** How many events the view keeps, newest first. */
export const eventsShown = 30;

/** A storage key, as the API server stores objects: "/registry/pods/default/web". */
export function storageKey(resource: string, object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace ? `/registry/${resource}/${namespace}/${name}` : `/registry/${resource}/${name}`;
}

/** A pod's tile: "Terminating" while deleted, else its phase; ready by its Ready condition. */
export function podTile(pod: Pod): PodTile {
  const ready = pod.status?.conditions?.some(
    (condition) => condition.type === 'Ready' && condition.status === 'True',
  );
  return {
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name!,
    phase: pod.metadata.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? 'Pending'),
    ready: ready === true,
    key: storageKey('pods', pod),
  };
}

/** Whether every key=value of `selector` is among `labels` (an empty selector selects nothing). */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const wanted = Object.entries(selector ?? {});
  return wanted.length > 0 && wanted.every(([key, value]) => labels?.[key] === value);
}

/** By name, numbers as numbers: node-2 before node-10. */
const byName = (a: { name: string }, b: { name: string }) =>
  a.name.localeCompare(b.name, 'en', { numeric: true });
const ownedBy = (object: KubeObject, owner: KubeObject) =>
  (object.metadata.ownerReferences ?? []).some((ref) => ref.uid === owner.metadata.uid);
const sameNamespace = (a: KubeObject, b: KubeObject) =>
  (a.metadata.namespace ?? 'default') === (b.metadata.namespace ?? 'default');

/** The objects the API server's watches have shown, by resource and "namespace/name". */
export class ClusterView {
  private readonly objects = new Map<WatchedResource, Map<string, KubeObject>>(
    watchedResources.map((resource) => [resource, new Map()]),
  );
  private kubelets = new Map<string, string>();

  /** A watch event (or a listed object, as ADDED) of `resource`. */
  apply(resource: WatchedResource, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject) {
    const key = `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
    const kept = this.objects.get(resource)!;
    if (type === 'DELETED') kept.delete(key);
    else kept.set(key, object);
  }

  /** The state of each node's kubelet process, by node name (from the cluster's control endpoint). */
  setKubelets(states: Map<string, string>) {
    this.kubelets = states;
  }

  private all<T extends KubeObject>(resource: WatchedResource): T[] {
    return [...this.objects.get(resource)!.values()] as T[];
  }

  /** The view, as the page draws it. */
  view(): DashboardView {
    return {
      ...this.nodesAndPods(),
      chains: this.chains(),
      events: this.events(),
    };
  }

  private nodesAndPods(): Pick<DashboardView, 'nodes' | 'unscheduled'> {
    const boxes = new Map<string, NodeBox>();
    for (const node of this.all<Node>('nodes')) {
      const name = node.metadata.name!;
      const ready = node.status?.conditions?.find((condition) => condition.type === 'Ready');
      const kubelet = this.kubelets.get(name);
      boxes.set(name, {
        name,
        ready: ready?.status ?? 'Unknown',
        ...(kubelet ? { kubelet } : {}),
        pods: [],
      });
    }
    const unscheduled: PodTile[] = [];
    for (const pod of this.all<Pod>('pods')) {
      const box = pod.spec.nodeName ? boxes.get(pod.spec.nodeName) : undefined;
      (box ? box.pods : unscheduled).push(podTile(pod));
    }
    for (const box of boxes.values()) box.pods.sort(byName);
    return { nodes: [...boxes.values()].sort(byName), unscheduled: unscheduled.sort(byName) };
  }

  private chains(): Chain[] {
    const pods = this.all<Pod>('pods');
    const replicaSets = this.all<ReplicaSet>('replicasets');
    const services = this.all<Service>('services');
    const endpoints = this.objects.get('endpoints')!;
    return this.all<Deployment>('deployments')
      .map((deployment) => {
        const owned = replicaSets.filter(
          (set) => sameNamespace(set, deployment) && ownedBy(set, deployment),
        );
        const ownedPods = pods.filter((pod) => owned.some((set) => ownedBy(pod, set)));
        const serving = services.filter(
          (service) =>
            sameNamespace(service, deployment) &&
            ownedPods.some((pod) => selects(service.spec.selector, pod.metadata.labels)),
        );
        const { namespace = 'default', name = '' } = deployment.metadata;
        return {
          namespace,
          deployment: name,
          key: storageKey('deployments', deployment),
          ready: `${deployment.status?.readyReplicas ?? 0}/${deployment.spec.replicas ?? 1}`,
          replicaSets: owned
            .map((set) => ({
              name: set.metadata.name!,
              replicas: set.spec.replicas ?? 1,
              pods: ownedPods.filter((pod) => ownedBy(pod, set)).length,
              key: storageKey('replicasets', set),
            }))
            .sort(byName),
          services: serving
            .map((service) => ({
              name: service.metadata.name!,
              endpoints: readyAddresses(
                endpoints.get(`${namespace}/${service.metadata.name}`) as Endpoints | undefined,
              ),
              key: storageKey('services', service),
            }))
            .sort(byName),
        };
      })
      .sort((a, b) =>
        `${a.namespace}/${a.deployment}`.localeCompare(`${b.namespace}/${b.deployment}`),
      );
  }

  private events(): EventLine[] {
    return this.all<KubeEvent>('events')
      .map((event) => ({
        at: event.lastTimestamp ?? event.firstTimestamp ?? event.metadata.creationTimestamp ?? '',
        type: event.type ?? 'Normal',
        reason: event.reason ?? '',
        object: `${(event.involvedObject.kind ?? '').toLowerCase()}/${event.involvedObject.name}`,
        message: event.message ?? '',
      }))
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, eventsShown);
  }
}

/** How many ready addresses an Endpoints object lists (0 when there is none yet). */
export function readyAddresses(endpoints: Endpoints | undefined): number {
  return (endpoints?.subsets ?? []).reduce(
    (total, subset) => total + (subset.addresses?.length ?? 0),
    0,
  );
}
