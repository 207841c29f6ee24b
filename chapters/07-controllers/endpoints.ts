// The endpoints controller: for every Service with a selector, an Endpoints object of the same
// name listing where its traffic can go: the IP of each pod the selector matches, ready ones under
// `addresses`, others under `notReadyAddresses`, with the ports the Service's targetPorts resolve
// to. kube-proxy (chapter 09) reads Endpoints, not pods: a pod that stops being ready drops out of
// `addresses`, and new connections stop reaching it.
import type { EndpointSubset, Pod, Service } from '../../harness/api/types.ts';
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
 * The subsets for a Service and its selected pods. Pods without a podIP, or being deleted, are
 * left out. Each pod's ports: for each Service port that resolves on it, { name (if the Service
 * port has one), port, protocol (TCP by default) }; a pod with none is left out. Pods with the same
 * ports share a subset, in the order first seen; a ready pod (Ready True) goes in `addresses`,
 * another in `notReadyAddresses`, as { ip, nodeName (if bound), targetRef { kind: "Pod",
 * namespace, name, uid } }, each list sorted by IP and left out when empty.
 */
export function endpointSubsets(service: Service, pods: Pod[]): EndpointSubset[] {
  throw new NotImplemented('endpointSubsets', section);
}

export class EndpointsController {
  private readonly options: EndpointsControllerOptions;
  private readonly clock: TimerClock;

  constructor(options: EndpointsControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Informers on services and pods; a controller whose reconcile is `reconcile`, watching the
   * services and the pods, a pod mapped to every Service of its namespace whose selector (a plain
   * map: matchLabels) matches it.
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('EndpointsController.run', section);
  }

  /**
   * One Service: gone, delete its Endpoints (NotFound is fine); without a selector, leave them
   * alone; else work out the subsets from the pods it selects and create the Endpoints (same name,
   * namespace, the Service's labels) or update them when the subsets changed.
   */
  async reconcile(key: string): Promise<void> {
    throw new NotImplemented('EndpointsController.reconcile', section);
  }
}

export function createEndpointsController(
  options: EndpointsControllerOptions,
): EndpointsController {
  return new EndpointsController(options);
}
