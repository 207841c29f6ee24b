// What tasks set up and check on a cluster, in Kubernetes' own words: a namespace, a Deployment of
// a kata image, a Service; whether a Deployment is available, whether a Service's endpoints answer.
// Each check returns reasons a learner can act on, never a bare "failed".
import type { KubeObject } from '../../api/types.ts';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/errors.ts';
import type { ApiClient } from '../../client/types.ts';
import type { Verdict } from './task.ts';

/** A Kubernetes object as plain JSON, for the manifests tasks write. */
type Manifest = Record<string, unknown>;

/** A verdict from a list of reasons: passed when there are none. */
export function verdictOf(reasons: string[]): Verdict {
  return { passed: reasons.length === 0, reasons };
}

export async function createNamespace(client: ApiClient, name: string): Promise<void> {
  const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
  try {
    await client.resource('namespaces').create(namespace as KubeObject);
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    throw new Error(
      `namespace ${name} already exists, and the task sets up its own: if an earlier task left it, \`kubectl delete namespace ${name}\``,
    );
  }
}

/** Deletes a namespace and waits until it is gone, so the next task may create it again. */
export async function removeNamespace(client: ApiClient, name: string): Promise<void> {
  try {
    await client.resource('namespaces').delete(name);
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      await client.resource('namespaces').get(name);
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A Deployment of `replicas` pods labelled app=<name>, running one container. */
export function deployment(
  namespace: string,
  name: string,
  container: Manifest,
  spec: Manifest = {},
): KubeObject {
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name, ...container }] } },
      ...spec,
    },
  } as unknown as KubeObject;
}

/** The web container most tasks run: kata's echo server as nginx, on 8080. */
export const webContainer: Manifest = {
  image: 'nginx:1.27',
  ports: [{ containerPort: 8080 }],
};

/** A Service in front of pods labelled app=<selected>. */
export function service(
  namespace: string,
  name: string,
  selected: string,
  port: Manifest,
  type = 'ClusterIP',
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { type, selector: { app: selected }, ports: [{ protocol: 'TCP', ...port }] },
  } as unknown as KubeObject;
}

/** Reads an object, changes it and writes it back, again if someone else wrote it meanwhile. */
export async function edit(
  client: ApiClient,
  resource: string,
  namespace: string | undefined,
  name: string,
  change: (object: Manifest) => void,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const object = await client.resource(resource, namespace).get(name);
    change(object as Manifest);
    try {
      await client.resource(resource, namespace).update(object);
      return;
    } catch (error) {
      if (!isConflict(error) || attempt === 5) throw error;
    }
  }
}

interface PodView {
  metadata: { name: string };
  spec?: { nodeName?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { state?: { waiting?: { reason?: string } } }[];
  };
}

/** Why a pod is not Ready, in one phrase: Pending unscheduled, ImagePullBackOff, ... */
function podTrouble(pod: PodView): string | undefined {
  const ready = pod.status?.conditions?.find((condition) => condition.type === 'Ready');
  if (ready?.status === 'True') return undefined;
  if (!pod.spec?.nodeName) return 'Pending, not scheduled';
  const waiting = pod.status?.containerStatuses?.find((status) => status.state?.waiting)?.state
    ?.waiting?.reason;
  return waiting ?? `${pod.status?.phase ?? 'Pending'}, not Ready`;
}

/** Whether a Deployment has all its pods updated and available; why not, when it has not. */
export async function deploymentAvailable(
  client: ApiClient,
  namespace: string,
  name: string,
): Promise<string[]> {
  let found: Manifest;
  try {
    found = (await client.resource('deployments', namespace).get(name)) as Manifest;
  } catch (error) {
    if (isNotFound(error)) return [`Deployment ${name} does not exist in namespace ${namespace}`];
    throw error;
  }
  const metadata = found.metadata as { generation?: number };
  const spec = found.spec as {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
  };
  const status = (found.status ?? {}) as Record<string, number | undefined>;
  const wanted = spec.replicas ?? 1;
  const reasons: string[] = [];
  if ((status.observedGeneration ?? 0) < (metadata.generation ?? 0))
    reasons.push(`Deployment ${name}'s controller has not yet seen its newest spec`);
  if ((status.updatedReplicas ?? 0) < wanted)
    reasons.push(`Deployment ${name}: ${status.updatedReplicas ?? 0} of ${wanted} pods updated`);
  if ((status.availableReplicas ?? 0) < wanted)
    reasons.push(
      `Deployment ${name}: ${status.availableReplicas ?? 0} of ${wanted} pods available`,
    );
  if (reasons.length === 0) return [];
  const selector = Object.entries(spec.selector.matchLabels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const pods = await client.resource('pods', namespace).list({ labelSelector: selector });
  for (const pod of pods.items as unknown as PodView[]) {
    const trouble = podTrouble(pod);
    if (trouble) reasons.push(`pod ${pod.metadata.name}: ${trouble}`);
  }
  return reasons;
}

interface EndpointsView {
  subsets?: { addresses?: { ip: string }[]; ports?: { port: number }[] }[];
}

/** Whether a Service has endpoints and each answers HTTP: traffic reaches its pods. */
export async function serviceAnswers(
  client: ApiClient,
  namespace: string,
  name: string,
): Promise<string[]> {
  let endpoints: EndpointsView;
  try {
    endpoints = (await client.resource('endpoints', namespace).get(name)) as EndpointsView;
  } catch (error) {
    if (isNotFound(error))
      return [`Service ${name} has no Endpoints object in namespace ${namespace}`];
    throw error;
  }
  const targets = (endpoints.subsets ?? []).flatMap((subset) =>
    (subset.addresses ?? []).flatMap((address) =>
      (subset.ports ?? []).map((port) => `${address.ip}:${port.port}`),
    ),
  );
  if (targets.length === 0) return [`Service ${name} has no ready endpoints`];
  const reasons: string[] = [];
  for (const target of targets) {
    try {
      await fetch(`http://${target}/`, { signal: AbortSignal.timeout(2_000) });
    } catch {
      reasons.push(`Service ${name}'s endpoint ${target} does not answer`);
    }
  }
  return reasons;
}

interface ContainerStatusView {
  name: string;
  state?: { running?: { startedAt?: string } };
}

/**
 * Pods of a selector whose containers have not all been running for `seconds`: a crashing
 * container can be Running, even Ready, for a moment between two restarts.
 */
export async function notSteady(
  client: ApiClient,
  namespace: string,
  selector: string,
  seconds: number,
): Promise<string[]> {
  const pods = await client.resource('pods', namespace).list({ labelSelector: selector });
  const reasons: string[] = [];
  for (const pod of pods.items) {
    const statuses = ((pod.status as { containerStatuses?: ContainerStatusView[] } | undefined)
      ?.containerStatuses ?? []) as ContainerStatusView[];
    const steady =
      statuses.length > 0 &&
      statuses.every((status) => {
        const since = Date.parse(status.state?.running?.startedAt ?? '');
        return Date.now() - since >= seconds * 1000;
      });
    if (!steady) reasons.push(`pod ${pod.metadata.name} has not kept running for ${seconds} s`);
  }
  return reasons;
}
