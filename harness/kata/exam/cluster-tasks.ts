// The mock exam's tasks on the cluster around the workloads: a NodePort Service, labels and
// annotations, a taint and its toleration, a cordoned and drained node, a pod placed by
// nodeSelector, a ConfigMap and a Secret, a PodDisruptionBudget, and a namespace. The node tasks
// use one node each (node-1 for placement, node-2 for the taint, node-3 for the drain), and the
// scenes' own pods sit on node-1, so a drain never takes another task's pod away.
import type {
  ConfigMap,
  Endpoints,
  Namespace,
  Node,
  Pod,
  PodDisruptionBudget,
  Secret,
  Service,
  Taint,
} from '../../api/types.ts';
import { verdictOf } from '../tasks/workloads.ts';
import type { Task, TaskScene } from '../tasks/task.ts';
import {
  createDeployment,
  deploymentOf,
  deploymentProblems,
  examNamespace,
  find,
  nodeNamed,
  podOf,
  podProblems,
  remove,
  waitGone,
} from './scene.ts';

const nodes = (scene: TaskScene) => scene.client.resource<Node>('nodes');
const pods = (scene: TaskScene, namespace = examNamespace) =>
  scene.client.resource<Pod>('pods', namespace);

export const exposeNodePortTask: Task = {
  name: 'expose-nodeport',
  statement:
    "Expose the Deployment exam-api as a NodePort Service exam-api: port 80 to the pods' port 8080, on node port 30480.",
  domain: 'CKA: Services and Networking',
  difficulty: 'medium',
  minutes: 6,
  hint: 'kubectl expose deployment takes --type, --port and --target-port; the node port is set in the Service itself.',
  explanation:
    'The API server (chapter 09) allocated the node port; kube-proxy opened it on every node and sends it to the endpoints the Endpoints controller (07) keeps.',
  prepare: async (scene) => {
    await remove(scene.client, 'services', 'exam-api', examNamespace);
    await createDeployment(scene, deploymentOf('exam-api', 'kata/echo', 1, 8080));
  },
  verify: async (scene) => {
    const service = await find<Service>(scene.client, 'services', 'exam-api', examNamespace);
    if (!service) return verdictOf(['there is no Service exam-api']);
    const port = service.spec?.ports?.[0];
    const problems: string[] = [];
    if (service.spec?.type !== 'NodePort')
      problems.push(`exam-api is of type ${service.spec?.type ?? 'ClusterIP'}, not NodePort`);
    if (port?.port !== 80 || String(port?.targetPort) !== '8080')
      problems.push(`exam-api's port is ${port?.port} to ${port?.targetPort}, not 80 to 8080`);
    if (port?.nodePort !== 30480)
      problems.push(`exam-api's node port is ${port?.nodePort}, not 30480`);
    const endpoints = await find<Endpoints>(scene.client, 'endpoints', 'exam-api', examNamespace);
    if (!endpoints?.subsets?.some((subset) => subset.addresses?.length))
      problems.push('exam-api has no endpoints: its selector matches no ready pod');
    return verdictOf(problems);
  },
  fix: async (scene) => {
    await scene.client.resource<Service>('services', examNamespace).create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'exam-api', namespace: examNamespace },
      spec: {
        type: 'NodePort',
        selector: { app: 'exam-api' },
        ports: [{ port: 80, targetPort: 8080, nodePort: 30480 }],
      },
    });
  },
  cleanUp: async (scene) => {
    await remove(scene.client, 'services', 'exam-api', examNamespace);
    await remove(scene.client, 'deployments', 'exam-api', examNamespace);
  },
};

/** A scene's own pod, on node-1 (bound there directly, so no drain or taint moves it). */
function pinnedPod(name: string): Pod {
  const pod = podOf(name, 'nginx:1.27');
  pod.spec.nodeName = 'node-1';
  return pod;
}

async function replacePod(scene: TaskScene, pod: Pod): Promise<void> {
  await remove(scene.client, 'pods', pod.metadata.name!, pod.metadata.namespace);
  await waitGone(scene.client, 'pods', pod.metadata.name!, pod.metadata.namespace);
  await pods(scene, pod.metadata.namespace).create(pod);
}

export const labelsTask: Task = {
  name: 'labels-annotations',
  statement:
    'Label the pod exam-labelled tier=frontend and annotate it owner=team-a; remove its label run.',
  domain: 'CKAD: Application Design and Build',
  difficulty: 'easy',
  minutes: 3,
  hint: 'kubectl label and kubectl annotate; a key with a trailing dash removes it.',
  explanation:
    'Labels are what selectors match (chapter 03b); annotations are for people and tools and select nothing.',
  prepare: (scene) => replacePod(scene, pinnedPod('exam-labelled')),
  verify: async (scene) => {
    const pod = await find<Pod>(scene.client, 'pods', 'exam-labelled', examNamespace);
    if (!pod) return verdictOf(['the pod exam-labelled is gone: it should only be relabelled']);
    const labels = pod.metadata.labels ?? {};
    const problems: string[] = [];
    if (labels.tier !== 'frontend') problems.push('exam-labelled has no label tier=frontend');
    if (pod.metadata.annotations?.owner !== 'team-a')
      problems.push('exam-labelled has no annotation owner=team-a');
    if ('run' in labels) problems.push('exam-labelled still has the label run');
    return verdictOf(problems);
  },
  fix: (scene) =>
    pods(scene)
      .patch('exam-labelled', {
        metadata: { labels: { tier: 'frontend', run: null }, annotations: { owner: 'team-a' } },
      })
      .then(() => {}),
  cleanUp: (scene) => remove(scene.client, 'pods', 'exam-labelled', examNamespace),
};

const dedicated: Taint = { key: 'dedicated', value: 'exam', effect: 'NoSchedule' };

/** Sets a node's taints to what `change` makes of them. */
async function retaint(scene: TaskScene, name: string, change: (taints: Taint[]) => Taint[]) {
  const node = await nodes(scene).get(name);
  const taints = change(node.spec?.taints ?? []);
  await nodes(scene).patch(name, { spec: { taints } });
}

const withoutDedicated = (taints: Taint[]) => taints.filter((taint) => taint.key !== 'dedicated');

export const taintTask: Task = {
  name: 'taint-toleration',
  statement:
    'Taint node-2 with dedicated=exam:NoSchedule. Then run a pod exam-tolerant (nginx:1.27) on node-2: it tolerates the taint and selects the node by its label kubernetes.io/hostname.',
  domain: 'CKA: Workloads and Scheduling',
  difficulty: 'medium',
  minutes: 8,
  hint: 'kubectl taint nodes; then kubectl run --dry-run=client -o yaml, and add tolerations and nodeSelector.',
  explanation:
    'The scheduler (chapter 05) filters out nodes whose NoSchedule taints a pod does not tolerate; the toleration lets it in, the nodeSelector sends it there.',
  prepare: async (scene) => {
    await remove(scene.client, 'pods', 'exam-tolerant', examNamespace);
    await retaint(scene, 'node-2', withoutDedicated);
  },
  verify: async (scene) => {
    const node = await nodeNamed(scene.client, 'node-2');
    const taint = node?.spec?.taints?.find((entry) => entry.key === 'dedicated');
    if (taint?.value !== 'exam' || taint.effect !== 'NoSchedule')
      return verdictOf(['node-2 has no taint dedicated=exam:NoSchedule']);
    const pod = await find<Pod>(scene.client, 'pods', 'exam-tolerant', examNamespace);
    if (!pod) return verdictOf(['there is no pod exam-tolerant']);
    const tolerates = (pod.spec.tolerations ?? []).some(
      (toleration) =>
        toleration.key === 'dedicated' &&
        (toleration.operator === 'Exists' || toleration.value === 'exam') &&
        (toleration.effect === undefined || toleration.effect === 'NoSchedule'),
    );
    if (!tolerates) return verdictOf(['exam-tolerant does not tolerate dedicated=exam:NoSchedule']);
    if (pod.spec.nodeSelector?.['kubernetes.io/hostname'] !== 'node-2')
      return verdictOf(['exam-tolerant does not select node-2 by kubernetes.io/hostname']);
    if (pod.spec.nodeName !== 'node-2')
      return verdictOf([`exam-tolerant is on ${pod.spec.nodeName ?? 'no node'}, not node-2`]);
    return verdictOf(await podProblems(scene.client, 'exam-tolerant'));
  },
  fix: async (scene) => {
    await retaint(scene, 'node-2', (taints) => [...withoutDedicated(taints), dedicated]);
    const pod = podOf('exam-tolerant', 'nginx:1.27');
    pod.spec.tolerations = [
      { key: 'dedicated', operator: 'Equal', value: 'exam', effect: 'NoSchedule' },
    ];
    pod.spec.nodeSelector = { 'kubernetes.io/hostname': 'node-2' };
    await pods(scene).create(pod);
  },
  cleanUp: async (scene) => {
    await remove(scene.client, 'pods', 'exam-tolerant', examNamespace);
    await retaint(scene, 'node-2', withoutDedicated);
  },
};

/** The pods bound to a node, in every namespace, that are not on their way out. */
async function podsOn(scene: TaskScene, node: string): Promise<Pod[]> {
  const list = await scene.client
    .resource<Pod>('pods')
    .list({ fieldSelector: `spec.nodeName=${node}` });
  return list.items.filter((pod) => !pod.metadata.deletionTimestamp);
}

export const drainTask: Task = {
  name: 'cordon-drain',
  statement:
    'node-3 goes down for maintenance: mark it unschedulable and move every pod off it (they come back elsewhere).',
  domain: 'CKA: Cluster Architecture, Installation and Configuration',
  difficulty: 'medium',
  minutes: 6,
  hint: 'kubectl drain cordons first; it wants --ignore-daemonsets on most clusters.',
  explanation:
    'Cordoning set spec.unschedulable, so the scheduler (chapter 05) passes the node by; the drain evicted its pods through the eviction subresource, and their ReplicaSets (07) made new ones elsewhere.',
  prepare: (scene) =>
    nodes(scene)
      .patch('node-3', { spec: { unschedulable: null } })
      .then(() => {}),
  verify: async (scene) => {
    const node = await nodeNamed(scene.client, 'node-3');
    if (!node?.spec?.unschedulable) return verdictOf(['node-3 is not cordoned']);
    const left = await podsOn(scene, 'node-3');
    if (left.length > 0)
      return verdictOf([`node-3 still runs ${left.map((pod) => pod.metadata.name).join(', ')}`]);
    return verdictOf([]);
  },
  fix: async (scene) => {
    await nodes(scene).patch('node-3', { spec: { unschedulable: true } });
    for (const pod of await podsOn(scene, 'node-3'))
      await remove(scene.client, 'pods', pod.metadata.name!, pod.metadata.namespace);
  },
  cleanUp: (scene) =>
    nodes(scene)
      .patch('node-3', { spec: { unschedulable: null } })
      .then(() => {}),
};

export const nodeSelectorTask: Task = {
  name: 'node-selector',
  statement:
    'Label node-1 disktype=ssd and run a pod exam-ssd (nginx:1.27) that may only run on nodes with that label.',
  domain: 'CKA: Workloads and Scheduling',
  difficulty: 'easy',
  minutes: 5,
  hint: 'kubectl label nodes; a pod spec takes nodeSelector.',
  explanation:
    "The scheduler (chapter 05) keeps only the nodes whose labels match the pod's nodeSelector.",
  prepare: async (scene) => {
    await remove(scene.client, 'pods', 'exam-ssd', examNamespace);
    await nodes(scene).patch('node-1', { metadata: { labels: { disktype: null } } });
  },
  verify: async (scene) => {
    const node = await nodeNamed(scene.client, 'node-1');
    if (node?.metadata.labels?.disktype !== 'ssd')
      return verdictOf(['node-1 has no label disktype=ssd']);
    const pod = await find<Pod>(scene.client, 'pods', 'exam-ssd', examNamespace);
    if (!pod) return verdictOf(['there is no pod exam-ssd']);
    if (pod.spec.nodeSelector?.disktype !== 'ssd')
      return verdictOf(['exam-ssd has no nodeSelector disktype=ssd']);
    return verdictOf(await podProblems(scene.client, 'exam-ssd'));
  },
  fix: async (scene) => {
    await nodes(scene).patch('node-1', { metadata: { labels: { disktype: 'ssd' } } });
    const pod = podOf('exam-ssd', 'nginx:1.27');
    pod.spec.nodeSelector = { disktype: 'ssd' };
    await pods(scene).create(pod);
  },
  cleanUp: async (scene) => {
    await remove(scene.client, 'pods', 'exam-ssd', examNamespace);
    await nodes(scene).patch('node-1', { metadata: { labels: { disktype: null } } });
  },
};

export const configTask: Task = {
  name: 'configmap-secret',
  statement:
    'Create a ConfigMap exam-settings with the key mode=exam, and a generic Secret exam-credentials with the key password=kata.',
  domain: 'CKAD: Application Environment, Configuration and Security',
  difficulty: 'easy',
  minutes: 4,
  hint: 'kubectl create configmap and kubectl create secret generic, both with --from-literal.',
  explanation:
    "The API server (chapter 03a) stores both as they are; a Secret's values are base64 in data, which is an encoding, not encryption.",
  prepare: async (scene) => {
    await remove(scene.client, 'configmaps', 'exam-settings', examNamespace);
    await remove(scene.client, 'secrets', 'exam-credentials', examNamespace);
  },
  verify: async (scene) => {
    const problems: string[] = [];
    const settings = await find<ConfigMap>(
      scene.client,
      'configmaps',
      'exam-settings',
      examNamespace,
    );
    if (settings?.data?.mode !== 'exam')
      problems.push('there is no ConfigMap exam-settings with mode=exam');
    const secret = await find<Secret>(scene.client, 'secrets', 'exam-credentials', examNamespace);
    const password = secret?.data?.password;
    if (!password || Buffer.from(password, 'base64').toString() !== 'kata')
      problems.push('there is no Secret exam-credentials with password=kata');
    return verdictOf(problems);
  },
  fix: async (scene) => {
    await scene.client.resource<ConfigMap>('configmaps', examNamespace).create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'exam-settings', namespace: examNamespace },
      data: { mode: 'exam' },
    });
    await scene.client.resource<Secret>('secrets', examNamespace).create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'exam-credentials', namespace: examNamespace },
      type: 'Opaque',
      data: { password: Buffer.from('kata').toString('base64') },
    });
  },
  cleanUp: async (scene) => {
    await remove(scene.client, 'configmaps', 'exam-settings', examNamespace);
    await remove(scene.client, 'secrets', 'exam-credentials', examNamespace);
  },
};

export const disruptionBudgetTask: Task = {
  name: 'disruption-budget',
  statement:
    'Create a PodDisruptionBudget exam-pdb that keeps at least 1 pod of the Deployment exam-pdb available.',
  domain: 'CKA: Workloads and Scheduling',
  difficulty: 'easy',
  minutes: 4,
  hint: 'kubectl create poddisruptionbudget takes --selector and --min-available.',
  explanation:
    "The disruption controller counts the budget's healthy pods; the eviction subresource refuses an eviction that would go below it, which is how kubectl drain keeps a service up.",
  prepare: async (scene) => {
    await remove(scene.client, 'poddisruptionbudgets', 'exam-pdb', examNamespace);
    await createDeployment(scene, deploymentOf('exam-pdb', 'nginx:1.27', 2));
  },
  verify: async (scene) => {
    const budget = await find<PodDisruptionBudget>(
      scene.client,
      'poddisruptionbudgets',
      'exam-pdb',
      examNamespace,
    );
    if (!budget) return verdictOf(['there is no PodDisruptionBudget exam-pdb']);
    if (String(budget.spec?.minAvailable) !== '1')
      return verdictOf([
        `exam-pdb keeps minAvailable ${budget.spec?.minAvailable ?? '(unset)'}, not 1`,
      ]);
    const selector = budget.spec?.selector?.matchLabels ?? {};
    if (selector.app !== 'exam-pdb' || Object.keys(selector).length !== 1)
      return verdictOf(["exam-pdb's selector is not app=exam-pdb, the Deployment's pods"]);
    return verdictOf([]);
  },
  fix: async (scene) => {
    await scene.client.resource<PodDisruptionBudget>('poddisruptionbudgets', examNamespace).create({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'exam-pdb', namespace: examNamespace },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'exam-pdb' } } },
    });
  },
  cleanUp: async (scene) => {
    await remove(scene.client, 'poddisruptionbudgets', 'exam-pdb', examNamespace);
    await remove(scene.client, 'deployments', 'exam-pdb', examNamespace);
  },
};

export const namespaceTask: Task = {
  name: 'namespace',
  statement:
    'Create a namespace exam-team and in it a Deployment exam-box of 1 replica of nginx:1.27, ready.',
  domain: 'CKA: Cluster Architecture, Installation and Configuration',
  difficulty: 'easy',
  minutes: 4,
  hint: 'kubectl create namespace; then -n exam-team on the next command.',
  explanation:
    'A namespace scopes names (chapter 03a); deleting it has the namespace controller (07) delete everything in it.',
  prepare: async (scene) => {
    await remove(scene.client, 'namespaces', 'exam-team');
    await waitGone(scene.client, 'namespaces', 'exam-team');
  },
  verify: async (scene) => {
    const namespace = await find<Namespace>(scene.client, 'namespaces', 'exam-team');
    if (!namespace) return verdictOf(['there is no namespace exam-team']);
    return verdictOf(
      await deploymentProblems(scene.client, 'exam-box', { replicas: 1 }, 'exam-team'),
    );
  },
  fix: async (scene) => {
    await scene.client.resource<Namespace>('namespaces').create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'exam-team' },
    });
    const deployment = deploymentOf('exam-box', 'nginx:1.27', 1);
    deployment.metadata.namespace = 'exam-team';
    await scene.client.resource('deployments', 'exam-team').create(deployment);
  },
  cleanUp: (scene) => remove(scene.client, 'namespaces', 'exam-team'),
};
