// The endpoints controller: for every Service with a selector, an Endpoints object of the same
// name listing where its traffic can go: the IP of each pod the selector matches, ready ones under
// `addresses`, others under `notReadyAddresses`, with the ports the Service's targetPorts resolve
// to. kube-proxy (chapter 09) reads Endpoints, not pods: a pod that stops being ready drops out of
// `addresses`, and new connections stop reaching it.
import type {
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  Pod,
  Service,
} from '../../harness/api/types.ts';
import type { ApiClient, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Endpoints';

export interface EndpointsControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
}

/**
 * The port a Service port reaches on one pod: targetPort as a number (or a string of digits) as it
 * is; as a name, the containerPort of that name among the pod's containers (undefined if none);
 * no targetPort, the Service's port.
 */
export function resolveTargetPort(
  port: { port: number; targetPort?: number | string },
  pod: Pod,
): number | undefined {
  throw new NotImplemented('resolveTargetPort', section);
}

/**
 * The ports a Service reaches on one pod: for each Service port that resolves on it
 * (resolveTargetPort), in the Service's order, { name (only when the Service port has one), port:
 * the resolved number, protocol (the Service port's, TCP by default) }.
 */
export function endpointPorts(service: Service, pod: Pod): EndpointPort[] {
  throw new NotImplemented('endpointPorts', section);
}

/**
 * Where a pod is reached: { ip: its status.podIP, hostname (only when the pod has a
 * spec.hostname and its spec.subdomain is the Service's name), nodeName (only once it is bound),
 * targetRef: { kind: "Pod", namespace, name, uid } }.
 */
export function endpointAddress(pod: Pod, service?: Service): EndpointAddress {
  throw new NotImplemented('endpointAddress', section);
}

/**
 * The subsets for a Service and its selected pods. Pods without a podIP, or being deleted, are
 * left out, and so is a pod with no endpointPorts. Pods with the same ports share a subset, in the
 * order first seen; a ready pod (Ready True) goes in `addresses`, another in `notReadyAddresses`,
 * as its endpointAddress, each list sorted by IP (numerically: .9 before .10) and left out when
 * empty. A subset: { addresses?, notReadyAddresses?, ports }.
 */
export function endpointSubsets(service: Service, pods: Pod[]): EndpointSubset[] {
  throw new NotImplemented('endpointSubsets', section);
}

/**
 * Whether a Service selects a pod: the Service has a selector (a plain map: matchLabels), the pod
 * is in the Service's namespace, and it has every one of those labels.
 */
export function selects(service: Service, pod: Pod): boolean {
  throw new NotImplemented('selects', section);
}

export class EndpointsController {
  private readonly options: EndpointsControllerOptions;
  private readonly clock: TimerClock;

  /** Make the informers on services and pods (with this.clock) here, once: reconcile reads them. */
  constructor(options: EndpointsControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * A controller whose reconcile is `reconcile`, watching the services, and the pods, a pod
   * mapped to the keys of the Services of its namespace that select it.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('EndpointsController.run', section);
  }

  /**
   * One Service, by key. Gone from the informer: delete its Endpoints (NotFound is fine).
   * Without a selector: leave its Endpoints alone (someone writes them by hand). Else the
   * endpointSubsets of the pods it selects (from the informer), written with writeEndpoints.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('EndpointsController.reconcile', section);
  }

  /**
   * Makes the Service's Endpoints (same name and namespace) hold `subsets`. None yet (a GET
   * answers NotFound): create them, with the Service's labels (AlreadyExists meanwhile: throw, so
   * the key is tried again). Theirs the same (compare as JSON): write nothing. Else update them.
   */
  async writeEndpoints(service: Service, subsets: EndpointSubset[]): Promise<void> {
    throw new NotImplemented('EndpointsController.writeEndpoints', section);
  }
}

export function createEndpointsController(
  options: EndpointsControllerOptions,
): EndpointsController {
  return new EndpointsController(options);
}
