// From the pod spec to the runtime's words, and back: what the kubelet asks the runtime for (a
// sandbox, each container's config) and what it reads from the runtime's lists (a container's
// newest attempt, the pods whose containers changed). Pure functions: the kubelet's loop
// (kubelet.ts) does the talking.
//
// Every sandbox and container carries labels naming its pod (name, namespace, uid) and, for a
// container, its name in the pod spec. The runtime keeps them, so the kubelet can always find what
// belongs to a pod, even after it restarted and remembers nothing.
import type { Container, Pod, Service } from '../../harness/api/types.ts';
import {
  containerNameLabel,
  podNameLabel,
  podNamespaceLabel,
  podUidLabel,
  type ContainerConfig,
  type ContainerStatus,
  type Labels,
  type PodSandboxConfig,
} from '../../harness/runtime/cri.ts';

/** The labels that tie a sandbox or a container to its pod. */
export function podLabels(pod: Pod): Labels {
  const { name, namespace, uid } = pod.metadata;
  return { [podNameLabel]: name!, [podNamespaceLabel]: namespace!, [podUidLabel]: uid! };
}

/** The sandbox a pod runs in: named after it, with its hostname and its labels. */
export function sandboxConfig(pod: Pod): PodSandboxConfig {
  const { name, namespace, uid } = pod.metadata;
  return {
    metadata: { name: name!, namespace: namespace!, uid: uid!, attempt: 0 },
    hostname: pod.spec.hostname ?? name,
    labels: podLabels(pod),
  };
}

/**
 * The variables a container finds the Services of its namespace by, as Kubernetes sets them: for a
 * Service named web-api, WEB_API_SERVICE_HOST (its ClusterIP) and WEB_API_SERVICE_PORT (its first
 * port), and WEB_API_SERVICE_PORT_<NAME> for each named port. Only Services that exist when the
 * container starts (so a client started before its Service must use DNS, or be restarted).
 */
export function serviceEnvironment(services: Service[]): { name: string; value: string }[] {
  const variables: { name: string; value: string }[] = [];
  const variable = (name: string) => name.toUpperCase().replace(/-/g, '_');
  for (const service of services) {
    const ip = service.spec.clusterIP;
    const ports = service.spec.ports ?? [];
    if (!ip || ip === 'None' || ports.length === 0) continue;
    const prefix = variable(service.metadata.name!);
    variables.push({ name: `${prefix}_SERVICE_HOST`, value: ip });
    variables.push({ name: `${prefix}_SERVICE_PORT`, value: String(ports[0]!.port) });
    for (const port of ports.filter((port) => port.name)) {
      const name = `${prefix}_SERVICE_PORT_${variable(port.name!)}`;
      variables.push({ name, value: String(port.port) });
    }
  }
  return variables;
}

/**
 * One attempt of a container as the runtime is asked to create it: the spec's image, command,
 * args, ports and working directory; the Services' variables, then the container's own env (a
 * later variable of the same name wins: the container's own); the pod's labels and the
 * container's name.
 */
export function containerConfig(
  pod: Pod,
  container: Container,
  attempt: number,
  services: Service[],
): ContainerConfig {
  const own = (container.env ?? []).map(({ name, value }) => ({ name, value: value ?? '' }));
  return {
    metadata: { name: container.name, attempt },
    image: container.image,
    command: container.command,
    args: container.args,
    env: [...serviceEnvironment(services), ...own],
    ports: container.ports?.map(({ containerPort, name, protocol }) => ({
      containerPort,
      name,
      protocol,
    })),
    workingDir: container.workingDir,
    stdin: container.stdin,
    stdinOnce: container.stdinOnce,
    tty: container.tty,
    labels: { ...podLabels(pod), [containerNameLabel]: container.name },
  };
}

/** The newest attempt among a container's attempts (the highest attempt number), if any. */
export function newestAttempt(attempts: ContainerStatus[]): ContainerStatus | undefined {
  return attempts.reduce<ContainerStatus | undefined>(
    (newest, attempt) =>
      !newest || attempt.metadata.attempt > newest.metadata.attempt ? attempt : newest,
    undefined,
  );
}

/**
 * The relist, as the kubelet's pod lifecycle event generator does it: from the runtime's containers
 * now and their states at the last look (by container id), the keys ("namespace/name") of the
 * pods whose containers are new or changed state, and the states to compare with next time.
 */
export function changedPods(
  last: Map<string, string>,
  containers: ContainerStatus[],
): { keys: Set<string>; states: Map<string, string> } {
  const keys = new Set<string>();
  const states = new Map<string, string>();
  for (const container of containers) {
    states.set(container.id, container.state);
    if (last.get(container.id) === container.state) continue;
    keys.add(`${container.labels[podNamespaceLabel]}/${container.labels[podNameLabel]}`);
  }
  return { keys, states };
}
