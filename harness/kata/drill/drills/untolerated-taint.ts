// Every node carries a taint no pod tolerates: new pods stay Pending, and the scheduler's event
// says why. The fix is to remove the taint (or tolerate it).
import type { Task, TaskScene } from '../../tasks/task.ts';
import {
  createNamespace,
  deployment,
  deploymentAvailable,
  edit,
  removeNamespace,
  verdictOf,
  webContainer,
} from '../../tasks/workloads.ts';

const namespace = 'payments';
const taint = { key: 'maintenance', value: 'planned', effect: 'NoSchedule' };

type Taint = typeof taint;

/** Adds or removes the drill's taint on every node. */
async function taintNodes(scene: TaskScene, add: boolean): Promise<void> {
  const nodes = await scene.client.resource('nodes').list();
  for (const node of nodes.items)
    await edit(scene.client, 'nodes', undefined, node.metadata.name!, (object) => {
      const spec = (object.spec ??= {}) as { taints?: Taint[] };
      const others = (spec.taints ?? []).filter((t) => t.key !== taint.key);
      spec.taints = add ? [...others, taint] : others;
    });
}

export const untoleratedTaint: Task = {
  name: 'untolerated-taint',
  statement: `No pod of Deployment \`checkout\` in namespace \`${namespace}\` is running. Make them run, without changing the Deployment's replicas.`,
  domain: 'CKA: Workloads and Scheduling',
  difficulty: 'medium',
  minutes: 7,
  async prepare(scene) {
    await createNamespace(scene.client, namespace);
    await taintNodes(scene, true);
    await scene.client
      .resource('deployments', namespace)
      .create(deployment(namespace, 'checkout', webContainer));
  },
  async verify(scene) {
    return verdictOf(await deploymentAvailable(scene.client, namespace, 'checkout'));
  },
  hint: "`kubectl describe pod` shows the scheduler's FailedScheduling event; then look at the nodes' taints.",
  explanation:
    'Every node was tainted maintenance=planned:NoSchedule and the pods had no toleration, so the ' +
    "scheduler's taint filter (chapter 05, filters.ts) left no node, and said so in a FailedScheduling " +
    'event. Removing the taint (`kubectl taint nodes --all maintenance-`) or adding a toleration both ' +
    'pass: verify looks only at the running pods.',
  fix: (scene) => taintNodes(scene, false),
  async cleanUp(scene) {
    await taintNodes(scene, false);
    await removeNamespace(scene.client, namespace);
  },
};
