// A worker's kubelet upgraded the way kubeadm documents it: drain the node (`kubectl drain node-2
// --ignore-daemonsets`), upgrade and restart its kubelet (`kata upgrade kubelet --node node-2 --use
// solutions`, a process of `kata up` standing for the package and `systemctl restart kubelet`),
// then `kubectl uncordon node-2`. The Deployment cart, one pod on each node, and its
// PodDisruptionBudget must keep serving. The scene records the pods cart had when the drill began
// (an annotation on its namespace); verify reads from the cluster that they were evicted from
// node-2 before its kubelet restarted: a replacement pod is older than the new kubelet.
import type { Namespace, Node, Pod, PodDisruptionBudget } from '../../../api/types.ts';
import type { Task, TaskScene } from '../../tasks/task.ts';
import { componentsOf, restartComponent, type ComponentStatus } from '../../tasks/scene.ts';
import {
  createNamespace,
  deployment,
  deploymentAvailable,
  edit,
  removeNamespace,
  service,
  serviceAnswers,
  verdictOf,
  webContainer,
} from '../../tasks/workloads.ts';

const node = 'node-2';
const kubelet = `kubelet-${node}`;
const namespace = 'checkout';
const target = 'solutions';
/** The pods of cart when the drill began, and the kubelet's code then, on the namespace. */
const startedPods = 'kata.dev/drill-started-pods';
const startedUse = 'kata.dev/drill-kubelet-use';
/** Requests, so that the scheduler spreads cart's two pods over the two nodes (least allocated). */
const cart = { ...webContainer, resources: { requests: { cpu: '100m', memory: '32Mi' } } };

async function kubeletOf(scene: TaskScene): Promise<ComponentStatus> {
  const found = (await componentsOf(scene)).find((component) => component.name === kubelet);
  if (!found) throw new Error(`${node}'s kubelet is not a process of kata up: --nodes 2 or more`);
  return found;
}

const cartPods = async (scene: TaskScene) =>
  (await scene.client.resource<Pod>('pods', namespace).list({ labelSelector: 'app=cart' })).items;

/** Polls `problems` until it has none; throws the last ones after a minute. */
async function until(what: string, problems: () => Promise<string[]>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (let found = await problems(); found.length > 0; found = await problems()) {
    if (Date.now() > deadline) throw new Error(`${what}: ${found.join('; ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function setUnschedulable(scene: TaskScene, unschedulable: boolean): Promise<void> {
  await edit(scene.client, 'nodes', undefined, node, (object) => {
    const spec = (object.spec ??= {}) as { unschedulable?: boolean };
    spec.unschedulable = unschedulable || undefined;
  });
}

async function prepare(scene: TaskScene): Promise<void> {
  const before = await kubeletOf(scene);
  // The "old version": whatever the kubelet runs, as long as it is not the drill's target.
  if (before.use === target) await restartComponent(scene, kubelet, 'auto');
  await createNamespace(scene.client, namespace);
  const { client } = scene;
  await client.resource('deployments', namespace).create(deployment(namespace, 'cart', cart));
  await client
    .resource('services', namespace)
    .create(service(namespace, 'cart', 'cart', { port: 80, targetPort: 8080 }));
  await client.resource<PodDisruptionBudget>('poddisruptionbudgets', namespace).create({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'cart', namespace },
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'cart' } } },
  });
  await until('Deployment cart did not become available', () =>
    deploymentAvailable(client, namespace, 'cart'),
  );
  const pods = await cartPods(scene);
  if (!pods.some((pod) => pod.spec.nodeName === node))
    throw new Error(`the scheduler put no pod of cart on ${node}`);
  await edit(client, 'namespaces', undefined, namespace, (object) => {
    const metadata = object.metadata as Namespace['metadata'];
    metadata.annotations = {
      ...metadata.annotations,
      [startedPods]: pods.map((pod) => pod.metadata.name).join(','),
      [startedUse]: before.use ?? '',
    };
  });
}

/** Whether node-2 was drained before its kubelet restarted, read from cart's pods. */
async function drainedFirst(scene: TaskScene, restartedAt: string): Promise<string[]> {
  const found = await scene.client.resource<Namespace>('namespaces').get(namespace);
  const started = (found.metadata.annotations?.[startedPods] ?? '').split(',');
  const pods = await cartPods(scene);
  const left = pods.filter(
    (pod) => started.includes(pod.metadata.name!) && pod.spec.nodeName === node,
  );
  if (left.length > 0)
    return left.map((pod) => `pod ${pod.metadata.name} still runs on ${node}: it was not drained`);
  // Seconds: creationTimestamp has no finer grain.
  const restarted = Math.floor(Date.parse(restartedAt) / 1000);
  const replacedBefore = pods.some(
    (pod) =>
      !started.includes(pod.metadata.name!) &&
      Date.parse(pod.metadata.creationTimestamp ?? '') / 1000 <= restarted,
  );
  if (!replacedBefore)
    return [
      `${node}'s kubelet was replaced before its pods were moved off it: drain, upgrade, uncordon (kata drill reset, then start again)`,
    ];
  return [];
}

async function verify(scene: TaskScene) {
  const reasons: string[] = [];
  const current = await kubeletOf(scene);
  if (current.use !== target || current.state !== 'running')
    reasons.push(`${node}'s kubelet runs --use ${current.use} (${current.state}), not ${target}`);
  else reasons.push(...(await drainedFirst(scene, current.startedAt ?? '')));
  const found = await scene.client.resource<Node>('nodes').get(node);
  if (!found.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    reasons.push(`node ${node} is not Ready`);
  if (found.spec?.unschedulable) reasons.push(`node ${node} is still cordoned`);
  const budget = await scene.client
    .resource<PodDisruptionBudget>('poddisruptionbudgets', namespace)
    .get('cart')
    .catch(() => undefined);
  if (String(budget?.spec?.minAvailable) !== '1')
    reasons.push('the PodDisruptionBudget cart (minAvailable 1) is gone or changed: keep it');
  reasons.push(...(await deploymentAvailable(scene.client, namespace, 'cart')));
  if (reasons.length === 0)
    reasons.push(...(await serviceAnswers(scene.client, namespace, 'cart')));
  return verdictOf(reasons);
}

/** The drain as a learner's kubectl does it, one pod at a time, cart kept available. */
async function fix(scene: TaskScene): Promise<void> {
  await setUnschedulable(scene, true);
  for (const pod of await cartPods(scene)) {
    if (pod.spec.nodeName !== node) continue;
    await scene.client.resource('pods', namespace).delete(pod.metadata.name!);
    await until('cart did not recover from the drain', () =>
      deploymentAvailable(scene.client, namespace, 'cart'),
    );
  }
  await restartComponent(scene, kubelet, target);
  await setUnschedulable(scene, false);
}

async function cleanUp(scene: TaskScene): Promise<void> {
  const found = await scene.client
    .resource<Namespace>('namespaces')
    .get(namespace)
    .catch(() => undefined);
  const use = found?.metadata.annotations?.[startedUse];
  await removeNamespace(scene.client, namespace);
  await setUnschedulable(scene, false);
  const current = await kubeletOf(scene);
  if (current.state !== 'running' || (use && current.use !== use))
    await restartComponent(scene, kubelet, use || undefined);
}

export const kubeletUpgrade: Task = {
  name: 'kubelet-upgrade',
  statement: `The kubelet of worker \`${node}\` runs older code (the drill set it to --use auto if it ran solutions; \`kata components\` shows whose chapters it runs). Upgrade it to the reference code (\`kata upgrade kubelet --node ${node} --use ${target}\` stands for the new package and its restart) the way kubeadm's upgrade guide does it for a worker. The Deployment cart in namespace ${namespace} must keep serving, and ${node} must take pods again afterwards.`,
  domain: 'CKA: Cluster Architecture, Installation and Configuration',
  difficulty: 'medium',
  minutes: 8,
  prepare,
  verify,
  hint: `A node under maintenance should not run workloads: what moves them off it, and what lets the scheduler use it again?`,
  explanation:
    `kubeadm upgrades a worker in three steps: \`kubectl drain ${node} --ignore-daemonsets\` cordons ` +
    'it (spec.unschedulable: the scheduler of chapter 05 passes it by) and evicts its pods through ' +
    "the eviction subresource, which the PodDisruptionBudget's status (chapter 15a) may refuse " +
    'until enough pods run elsewhere; their ReplicaSet (chapter 07) makes new ones on the other ' +
    'node. Then the kubelet is replaced and restarted: its pods would have kept running, as ' +
    'restarting a kubelet leaves containers alone (chapter 06, the runtime adopts them), but a ' +
    `kubelet that fails to come back would strand them. \`kubectl uncordon ${node}\` ends it.`,
  fix,
  cleanUp,
};
