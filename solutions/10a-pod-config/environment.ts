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
  const encoded = secret.data?.[key];
  if (encoded !== undefined) return Buffer.from(encoded, 'base64').toString('utf8');
  return secret.stringData?.[key];
}

/** Every key of a Secret with its decoded value. */
export function secretEntries(secret: Secret): Record<string, string> {
  const keys = [...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})];
  return Object.fromEntries(keys.map((key) => [key, secretValue(secret, key)!]));
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
  const found =
    kind === 'ConfigMap'
      ? sources.configMap(namespace, selector.name)?.data
      : mapOf(sources.secret(namespace, selector.name));
  if (!found) {
    if (selector.optional) return undefined;
    throw new ContainerConfigError(`${kind.toLowerCase()} "${selector.name}" not found`);
  }
  const value = found[selector.key];
  if (value === undefined && !selector.optional)
    throw new ContainerConfigError(
      `couldn't find key ${selector.key} in ${kind} ${namespace}/${selector.name}`,
    );
  return value;
}

function mapOf(secret: Secret | undefined): Record<string, string> | undefined {
  return secret && secretEntries(secret);
}

/**
 * A field of the pod, as the downward API names it: metadata.name, namespace, uid,
 * metadata.labels['key'] and annotations['key'] (or all of them, one `key="value"` a line, sorted,
 * as a downward API file shows them), spec.nodeName, spec.serviceAccountName, status.podIP, hostIP.
 */
export function podField(pod: Pod, selector: ObjectFieldSelector, sources: ConfigSources): string {
  const path = selector.fieldPath;
  const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (subscript) {
    const map = pod.metadata[subscript[1] as 'labels' | 'annotations'] ?? {};
    return map[subscript[2]!] ?? '';
  }
  if (path === 'metadata.labels' || path === 'metadata.annotations') {
    const map = pod.metadata[path === 'metadata.labels' ? 'labels' : 'annotations'] ?? {};
    const lines = Object.keys(map)
      .sort()
      .map((key) => `${key}=${JSON.stringify(map[key])}`);
    return lines.join('\n');
  }
  const fields: Record<string, string | undefined> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': pod.spec.nodeName,
    'spec.serviceAccountName': pod.spec.serviceAccountName,
    'status.podIP': sources.podIP,
    'status.podIPs': sources.podIP,
    'status.hostIP': sources.hostIP,
    'status.hostIPs': sources.hostIP,
  };
  if (!(path in fields)) throw new ContainerConfigError(`unsupported fieldPath: ${path}`);
  return fields[path] ?? '';
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
  const named = selector.containerName
    ? pod.spec.containers.find((candidate) => candidate.name === selector.containerName)
    : container;
  const [kind, resource] = selector.resource.split('.') as [string, string];
  if ((kind !== 'limits' && kind !== 'requests') || !resource)
    throw new ContainerConfigError(`unsupported container resource: ${selector.resource}`);
  const limits = named?.resources?.limits ?? {};
  const requests = named?.resources?.requests ?? {};
  const quantity =
    kind === 'limits'
      ? (limits[resource] ?? sources.allocatable[resource])
      : (requests[resource] ?? limits[resource]);
  const value = quantity === undefined ? 0 : parseQuantity(quantity);
  const divisor = parseQuantity(selector.divisor ?? '1');
  return String(Math.ceil(value / divisor - 1e-9));
}

/**
 * `text` with each $(NAME) replaced by the value of NAME, when `defined` has it; an unknown
 * $(NAME) stays as written, and $$ is a lone $ (so $$(NAME) is the text "$(NAME)").
 */
export function expand(text: string, defined: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\(([^)]*)\)/g, (match, name: string | undefined) => {
    if (name === undefined) return '$';
    return defined.get(name) ?? match;
  });
}

/** The variables one envFrom source gives: every key of its ConfigMap or Secret, prefixed. */
export function variablesFrom(
  source: EnvFromSource,
  namespace: string,
  sources: ConfigSources,
): [string, string][] {
  const reference = source.configMapRef ?? source.secretRef;
  if (!reference) return [];
  const kind = source.configMapRef ? 'configmap' : 'secret';
  const entries = source.configMapRef
    ? sources.configMap(namespace, reference.name)?.data
    : mapOf(sources.secret(namespace, reference.name));
  if (!entries) {
    if (reference.optional) return [];
    throw new ContainerConfigError(`${kind} "${reference.name}" not found`);
  }
  const prefix = source.prefix ?? '';
  return Object.entries(entries).map(([key, value]) => [`${prefix}${key}`, value]);
}

/** One `env` entry's value: its $(VAR)-expanded value, or its source's; undefined to leave out. */
export function variableValue(
  variable: EnvVar,
  pod: Pod,
  container: Container,
  defined: ReadonlyMap<string, string>,
  sources: ConfigSources,
): string | undefined {
  const namespace = pod.metadata.namespace ?? 'default';
  const from = variable.valueFrom;
  if (!from) return expand(variable.value ?? '', defined);
  if (from.configMapKeyRef) return keyValue('ConfigMap', from.configMapKeyRef, namespace, sources);
  if (from.secretKeyRef) return keyValue('Secret', from.secretKeyRef, namespace, sources);
  if (from.fieldRef) return podField(pod, from.fieldRef, sources);
  if (from.resourceFieldRef) return resourceField(pod, container, from.resourceFieldRef, sources);
  return '';
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
  const namespace = pod.metadata.namespace ?? 'default';
  const own = new Map<string, string>();
  for (const source of container.envFrom ?? [])
    for (const [name, value] of variablesFrom(source, namespace, sources)) own.set(name, value);
  const services = new Map(serviceEnv.map(({ name, value }) => [name, value]));
  for (const variable of container.env ?? []) {
    const defined = new Map([...services, ...own]);
    const value = variableValue(variable, pod, container, defined, sources);
    if (value !== undefined) own.set(variable.name, value);
  }
  const rest = serviceEnv.filter(({ name }) => !own.has(name));
  return [...[...own].map(([name, value]) => ({ name, value })), ...rest];
}

/** command and args with $(NAME) expanded from the container's environment, as Kubernetes does. */
export function expandCommand(
  words: string[] | undefined,
  environment: RuntimeEnvVar[],
): string[] | undefined {
  if (!words) return undefined;
  const defined = new Map(environment.map(({ name, value }) => [name, value]));
  return words.map((word) => expand(word, defined));
}
