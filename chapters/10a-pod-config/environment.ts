// Configuration into containers: a container's environment as the kubelet works it out just before
// it creates the container. Pure functions over the pod, the container and what the kubelet's
// caches hold (ConfigMaps, Secrets), so every rule can be read and tested on its own.
//
//   envFrom (every key, prefixed) ─┐
//   env: value with $(VAR) ────────┼─▶ the container's variables ─▶ + the Services' (not overridden)
//   env: valueFrom (ConfigMap key, │                               ─▶ $(VAR) in command and args
//        Secret key, a pod field,  │
//        a resource) ──────────────┘
//
// Nothing here is ever silently empty: a ConfigMap, Secret or key that is not there (and not
// `optional`) is a ContainerConfigError, and the kubelet does not start the container
// (CreateContainerConfigError) until it is there.
import { parseQuantity } from '../../harness/api/quantity.ts';
import type {
  ConfigMap,
  Container,
  EnvFromSource,
  EnvVar,
  KeySelector,
  ObjectFieldSelector,
  Pod,
  ResourceFieldSelector,
  Secret,
} from '../../harness/api/types.ts';
import { ContainerConfigError, type EnvVar as RuntimeEnvVar } from '../../harness/runtime/cri.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ Configuration into containers';

/** What the kubelet knows besides the pod: its caches of ConfigMaps and Secrets, the pod's IPs. */
export interface ConfigSources {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  /** The pod's IP (the sandbox's) and the node's. */
  podIP: string;
  hostIP: string;
  /** What the node has, for a resource whose limit is not set: { cpu: '4', memory: '8Gi' }. */
  allocatable: Record<string, string>;
}

/** The value of `key` in a Secret: `data` is base64 (stringData is merged into it on write). */
export function secretValue(secret: Secret, key: string): string | undefined {
  throw new NotImplemented('secretValue', section);
}

/** Every key of a Secret with its decoded value. */
export function secretEntries(secret: Secret): Record<string, string> {
  throw new NotImplemented('secretEntries', section);
}

/**
 * A ConfigMap's or Secret's key as the kubelet reads it for `env`: its value, undefined when the
 * selector is optional and the object or key is missing, otherwise a ContainerConfigError with
 * the kubelet's own message.
 */
export function keyValue(
  kind: 'ConfigMap' | 'Secret',
  selector: KeySelector,
  namespace: string,
  sources: ConfigSources,
): string | undefined {
  throw new NotImplemented('keyValue', section);
}

/**
 * A field of the pod, as the downward API names it: metadata.name, namespace, uid,
 * metadata.labels['key'] and annotations['key'] (or all of them, one `key="value"` a line, sorted,
 * as a downward API file shows them), spec.nodeName, spec.serviceAccountName, status.podIP, hostIP.
 */
export function podField(pod: Pod, selector: ObjectFieldSelector, sources: ConfigSources): string {
  throw new NotImplemented('podField', section);
}

/**
 * A container's request or limit in units of the divisor, rounded up, as the downward API gives
 * it: limits.cpu of 250m with divisor 1m is "250", with divisor 1 it is "1". A limit that is not
 * set is what the node has (its allocatable); a request that is not set is the limit, if any.
 */
export function resourceField(
  pod: Pod,
  container: Container | undefined,
  selector: ResourceFieldSelector,
  sources: ConfigSources,
): string {
  throw new NotImplemented('resourceField', section);
}

/**
 * `text` with each $(NAME) replaced by the value of NAME, when `defined` has it; an unknown
 * $(NAME) stays as written, and $$ is a lone $ (so $$(NAME) is the text "$(NAME)").
 */
export function expand(text: string, defined: ReadonlyMap<string, string>): string {
  throw new NotImplemented('expand', section);
}

/** The variables one envFrom source gives: every key of its ConfigMap or Secret, prefixed. */
export function variablesFrom(
  source: EnvFromSource,
  namespace: string,
  sources: ConfigSources,
): [string, string][] {
  throw new NotImplemented('variablesFrom', section);
}

/** One `env` entry's value: its $(VAR)-expanded value, or its source's; undefined to leave out. */
export function variableValue(
  variable: EnvVar,
  pod: Pod,
  container: Container,
  defined: ReadonlyMap<string, string>,
  sources: ConfigSources,
): string | undefined {
  throw new NotImplemented('variableValue', section);
}

/**
 * The container's whole environment, in the kubelet's order: envFrom's variables, then env's (a
 * later one of the same name wins), then the Services' variables the container did not set. A
 * `value` may use $(NAME) of any variable defined before it, or of a Service's.
 */
export function containerEnvironment(
  pod: Pod,
  container: Container,
  serviceEnv: RuntimeEnvVar[],
  sources: ConfigSources,
): RuntimeEnvVar[] {
  throw new NotImplemented('containerEnvironment', section);
}

/** command and args with $(NAME) expanded from the container's environment, as Kubernetes does. */
export function expandCommand(
  words: string[] | undefined,
  environment: RuntimeEnvVar[],
): string[] | undefined {
  throw new NotImplemented('expandCommand', section);
}
