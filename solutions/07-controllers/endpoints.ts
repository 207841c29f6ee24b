// The endpoints controller: for every Service with a selector, an Endpoints object of the same
// name listing where its traffic can go: the IP of each pod the selector matches, ready ones under
// `addresses`, others under `notReadyAddresses`, with the ports the Service's targetPorts resolve
// to. kube-proxy (chapter 09) reads Endpoints, not pods: a pod that stops being ready drops out of
// `addresses`, and new connections stop reaching it.
import type {
  EndpointAddress,
  EndpointPort,
  Endpoints,
  EndpointSubset,
  Pod,
  Service,
} from '../../harness/api/types.ts';
import { isAlreadyExists, isNotFound } from '../../harness/client/errors.ts';
import type { ApiClient, Informer, Toolkit } from '../../harness/client/types.ts';
import { systemClock, type TimerClock } from '../../harness/clock.ts';
import { matchesSelector } from './label-selector.ts';
import { isReady } from './replicaset.ts';

export interface EndpointsControllerOptions {
  toolkit: Toolkit;
  client: ApiClient;
  clock?: TimerClock;
}

/**
 * The port a Service port reaches on one pod: a number as it is; a name looked up among the pod's
 * container ports; none given, the Service port itself. Undefined: the pod has no such port.
 */
export function resolveTargetPort(
  port: { port: number; targetPort?: number | string },
  pod: Pod,
): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const container of pod.spec.containers) {
    const found = container.ports?.find((candidate) => candidate.name === target);
    if (found) return found.containerPort;
  }
  return undefined;
}

/**
 * The ports a Service reaches on one pod: one for each Service port that resolves on it, with the
 * Service port's name (when it has one) and protocol (TCP by default).
 */
export function endpointPorts(service: Service, pod: Pod): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const port of service.spec.ports ?? []) {
    const number = resolveTargetPort(port, pod);
    if (number === undefined) continue;
    ports.push({
      ...(port.name ? { name: port.name } : {}),
      port: number,
      protocol: port.protocol ?? 'TCP',
    });
  }
  return ports;
}

/**
 * Where a pod is reached: its IP, its node (once bound), and a reference to the pod itself. A pod
 * whose subdomain names the Service gives its hostname too: cluster DNS answers
 * <hostname>.<service>.<ns>.svc for it (a StatefulSet's pods are found so).
 */
export function endpointAddress(pod: Pod, service?: Service): EndpointAddress {
  const named = pod.spec.hostname && pod.spec.subdomain === service?.metadata.name;
  return {
    ip: pod.status?.podIP ?? '',
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
 * The subsets of a Service's Endpoints: pods grouped by the ports they resolve to (a named port may
 * be a different number on different pods), addresses sorted by IP.
 */
export function endpointSubsets(service: Service, pods: Pod[]): EndpointSubset[] {
  const groups = new Map<string, EndpointSubset>();
  for (const pod of pods) {
    if (!pod.status?.podIP || pod.metadata.deletionTimestamp) continue;
    const ports = endpointPorts(service, pod);
    if (ports.length === 0) continue;
    const key = JSON.stringify(ports);
    let subset = groups.get(key);
    if (!subset) groups.set(key, (subset = { ports }));
    const list = isReady(pod) ? 'addresses' : 'notReadyAddresses';
    (subset[list] ??= []).push(endpointAddress(pod, service));
  }
  const byIp = (a: EndpointAddress, b: EndpointAddress) =>
    a.ip.localeCompare(b.ip, 'en', { numeric: true });
  return [...groups.values()].map((subset) => ({
    ...(subset.addresses ? { addresses: subset.addresses.sort(byIp) } : {}),
    ...(subset.notReadyAddresses ? { notReadyAddresses: subset.notReadyAddresses.sort(byIp) } : {}),
    ports: subset.ports,
  }));
}

/** Whether a Service selects a pod: same namespace, a selector, and the pod has its labels. */
export function selects(service: Service, pod: Pod): boolean {
  if (!service.spec.selector || service.metadata.namespace !== pod.metadata.namespace) return false;
  return matchesSelector({ matchLabels: service.spec.selector }, pod.metadata.labels);
}

export class EndpointsController {
  private readonly options: EndpointsControllerOptions;
  private readonly clock: TimerClock;
  private readonly services: Informer<Service>;
  private readonly pods: Informer<Pod>;

  constructor(options: EndpointsControllerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    const { toolkit, client } = options;
    this.services = toolkit.createInformer(client.resource<Service>('services'), {
      clock: this.clock,
    });
    this.pods = toolkit.createInformer(client.resource<Pod>('pods'), { clock: this.clock });
  }

  async run(signal: AbortSignal): Promise<void> {
    const { toolkit } = this.options;
    const { services, pods } = this;
    const controller = toolkit.createController({
      name: 'endpoints-controller',
      workers: 4,
      reconcile: (key) => this.reconcile(key),
    });
    controller.watch(services);
    // A pod concerns every Service in its namespace that selects it.
    controller.watch(pods, (pod) =>
      services
        .byIndex('namespace', pod.metadata.namespace ?? '')
        .filter((service) => selects(service, pod))
        .map((service) => toolkit.keyOf(service)),
    );
    await controller.run(signal);
  }

  async reconcile(key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const service = this.services.get(key);
    if (!service) {
      await this.options.client
        .resource<Endpoints>('endpoints', namespace)
        .delete(name)
        .catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
      return;
    }
    // A Service without a selector has Endpoints someone writes by hand: leave them alone.
    if (!service.spec.selector) return;
    const selected = this.pods
      .byIndex('namespace', namespace)
      .filter((pod) => selects(service, pod));
    await this.writeEndpoints(service, endpointSubsets(service, selected));
  }

  /**
   * Makes the Service's Endpoints hold `subsets`: creates them when there are none, updates them
   * when theirs differ, and writes nothing when they are the same.
   */
  async writeEndpoints(service: Service, subsets: EndpointSubset[]): Promise<void> {
    const { name, namespace } = service.metadata;
    const endpoints = this.options.client.resource<Endpoints>('endpoints', namespace);
    let current: Endpoints | undefined;
    try {
      current = await endpoints.get(name!);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (!current) {
      await endpoints
        .create({
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: { name, namespace, labels: service.metadata.labels },
          subsets,
        })
        .catch((error: unknown) => {
          if (!isAlreadyExists(error)) throw error;
          throw new Error(`endpoints ${namespace}/${name} appeared meanwhile; trying again`);
        });
      return;
    }
    // Nothing changed: no write, so kube-proxies are not woken for nothing.
    if (JSON.stringify(current.subsets ?? []) === JSON.stringify(subsets)) return;
    await endpoints.update({ ...current, subsets });
  }
}

export function createEndpointsController(
  options: EndpointsControllerOptions,
): EndpointsController {
  return new EndpointsController(options);
}
