// What the exam's tasks share: the namespace they work in, making and finding the objects a scene
// starts from, and the checks a verify makes of them. Each check answers with the reasons a task is
// not done yet, one line each, in the exam's words; none of them looks at how the learner got there.
import { ApiError } from '../../api/errors.ts';
import type { Deployment, KubeObject, Node, Pod } from '../../api/types.ts';
import type { ApiClient } from '../../client/types.ts';
import type { TaskScene } from '../tasks/task.ts';
import { deployment } from '../tasks/workloads.ts';

/** Where the exam's objects live, unless a task says otherwise. */
export const examNamespace = 'default';

/** An object, or undefined when the API server has none of that name. */
export async function find<T extends KubeObject>(
  client: ApiClient,
  resource: string,
  name: string,
  namespace?: string,
): Promise<T | undefined> {
  try {
    return await client.resource<T>(resource, namespace).get(name);
  } catch (error) {
    if (error instanceof ApiError && error.code === 404) return undefined;
    throw error;
  }
}

/** Deletes an object, if it is there. */
export async function remove(
  client: ApiClient,
  resource: string,
  name: string,
  namespace?: string,
): Promise<void> {
  try {
    await client.resource(resource, namespace).delete(name, { propagationPolicy: 'Foreground' });
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 404)) throw error;
  }
}

/** A Deployment of `replicas` pods of one container, labelled app=<name>, as `kubectl create
 * deployment NAME --image=IMAGE --replicas=N [--port=P]` makes it. */
export function deploymentOf(
  name: string,
  image: string,
  replicas: number,
  port?: number,
): Deployment {
  const container = {
    name: containerName(image),
    image,
    ...(port ? { ports: [{ containerPort: port }] } : {}),
  };
  return deployment(examNamespace, name, container, { replicas }) as Deployment;
}

/** The container's name kubectl gives: the image's last path part, without tag. */
function containerName(image: string): string {
  return image.split('/').pop()!.split(':')[0]!;
}

/** A pod of one container, as `kubectl run NAME --image=IMAGE` makes it. */
export function podOf(name: string, image: string, namespace = examNamespace): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { run: name } },
    spec: { containers: [{ name, image }] },
  };
}

/** Creates the Deployment (replacing one left from an earlier exam). */
export async function createDeployment(scene: TaskScene, deployment: Deployment): Promise<void> {
  await remove(scene.client, 'deployments', deployment.metadata.name!, examNamespace);
  await waitGone(scene.client, 'deployments', deployment.metadata.name!, examNamespace);
  await scene.client.resource<Deployment>('deployments', examNamespace).create(deployment);
}

/** Waits (up to a minute) until an object is gone, so a new scene can reuse its name. */
export async function waitGone(
  client: ApiClient,
  resource: string,
  name: string,
  namespace?: string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (await find(client, resource, name, namespace)) {
    if (Date.now() > deadline) throw new Error(`${resource}/${name} is still being deleted`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Why a Deployment is not yet what the task asks: its replicas, image, and ready pods. */
export async function deploymentProblems(
  client: ApiClient,
  name: string,
  want: { replicas?: number; image?: string },
  namespace = examNamespace,
): Promise<string[]> {
  const deployment = await find<Deployment>(client, 'deployments', name, namespace);
  if (!deployment) return [`there is no Deployment ${name} in namespace ${namespace}`];
  const problems: string[] = [];
  const replicas = deployment.spec.replicas ?? 1;
  if (want.replicas !== undefined && replicas !== want.replicas)
    problems.push(`Deployment ${name} wants ${replicas} replicas, not ${want.replicas}`);
  const image = deployment.spec.template.spec?.containers[0]?.image;
  if (want.image !== undefined && image !== want.image)
    problems.push(`Deployment ${name} runs image ${image}, not ${want.image}`);
  const ready = deployment.status?.readyReplicas ?? 0;
  const updated = deployment.status?.updatedReplicas ?? 0;
  if (ready < replicas || updated < replicas)
    problems.push(`Deployment ${name} has ${ready} of ${replicas} pods ready`);
  return problems;
}

/** Why a pod is not running (yet): missing, pending, or not ready. */
export async function podProblems(
  client: ApiClient,
  name: string,
  namespace = examNamespace,
): Promise<string[]> {
  const pod = await find<Pod>(client, 'pods', name, namespace);
  if (!pod) return [`there is no pod ${name} in namespace ${namespace}`];
  if (pod.status?.phase !== 'Running')
    return [`pod ${name} is ${pod.status?.phase ?? 'Pending'}, not Running`];
  return [];
}

/** The cluster's nodes, by name. */
export async function nodeNamed(client: ApiClient, name: string): Promise<Node | undefined> {
  return find<Node>(client, 'nodes', name);
}
