// From the pod spec to the runtime's words, and back: what the kubelet asks the runtime for (a
// sandbox, each container's config) and what it reads from the runtime's lists (a container's
// newest attempt, the pods whose containers changed). Pure functions: the kubelet's loop
// (kubelet.ts) does the talking.
//
// Every sandbox and container carries labels naming its pod (name, namespace, uid) and, for a
// container, its name in the pod spec. The runtime keeps them, so the kubelet can always find what
// belongs to a pod, even after it restarted and remembers nothing.
import type { Container, Pod, Service } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type {
  ContainerConfig,
  ContainerStatus,
  Labels,
  PodSandboxConfig,
} from '../../harness/runtime/cri.ts';

const section = '§ Running pods';

/**
 * The labels that tie a sandbox or a container to its pod: podNameLabel, podNamespaceLabel and
 * podUidLabel (harness/runtime/cri.ts) set to the pod's name, namespace and uid.
 */
export function podLabels(pod: Pod): Labels {
  throw new NotImplemented('podLabels', section);
}

/**
 * The sandbox a pod runs in: metadata { name, namespace, uid, attempt 0 }, hostname (the spec's
 * hostname, else the pod's name) and the pod's labels.
 */
export function sandboxConfig(pod: Pod): PodSandboxConfig {
  throw new NotImplemented('sandboxConfig', section);
}

/**
 * The variables a container finds the Services of its namespace by, as Kubernetes sets them: for
 * each Service with a ClusterIP (not "None") and ports, named web-api: WEB_API_SERVICE_HOST (the
 * ClusterIP), WEB_API_SERVICE_PORT (the first port), and WEB_API_SERVICE_PORT_<PORT NAME> for each
 * named port (names upper-cased, "-" as "_"). Values are strings.
 */
export function serviceEnvironment(services: Service[]): { name: string; value: string }[] {
  throw new NotImplemented('serviceEnvironment', section);
}

/**
 * One attempt of a container as the runtime is asked to create it: metadata { name, attempt };
 * the spec's image, command, args, workingDir, stdin, stdinOnce, tty (what `kubectl run -it`
 * sets, for attach), and ports ({ containerPort, name, protocol });
 * env: serviceEnvironment(services) first, then the container's own ({ name, value }, "" for a
 * value it lacks), so a variable of its own wins; labels: the pod's labels and
 * containerNameLabel set to the container's name.
 */
export function containerConfig(
  pod: Pod,
  container: Container,
  attempt: number,
  services: Service[],
): ContainerConfig {
  throw new NotImplemented('containerConfig', section);
}

/** The newest attempt among a container's attempts (the highest metadata.attempt); none if empty. */
export function newestAttempt(attempts: ContainerStatus[]): ContainerStatus | undefined {
  throw new NotImplemented('newestAttempt', section);
}

/**
 * The relist, as the kubelet's pod lifecycle event generator does it. `last`: each container's
 * state at the last look, by container id; `containers`: what the runtime lists now. Answers the
 * keys ("namespace/name", from podNamespaceLabel and podNameLabel) of the pods with a container
 * that is new or whose state changed, and every container's state now, for the next look.
 */
export function changedPods(
  last: Map<string, string>,
  containers: ContainerStatus[],
): { keys: Set<string>; states: Map<string, string> } {
  throw new NotImplemented('changedPods', section);
}
