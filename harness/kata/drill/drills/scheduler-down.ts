// The scheduler is down: new pods are created but stay Pending with no node. The fix is to start
// the scheduler again (a real cluster's static pod in /etc/kubernetes/manifests).
import { ensureRunning, killComponent, restartComponent } from '../../tasks/scene.ts';
import type { Task } from '../../tasks/task.ts';
import {
  createNamespace,
  deployment,
  deploymentAvailable,
  removeNamespace,
  verdictOf,
  webContainer,
} from '../../tasks/workloads.ts';

const namespace = 'orders';

export const schedulerDown: Task = {
  name: 'scheduler-down',
  statement: `The pods of Deployment \`api\` in namespace \`${namespace}\` stay Pending. Get them running.`,
  domain: 'CKA: Troubleshooting',
  difficulty: 'easy',
  minutes: 6,
  async prepare(scene) {
    await createNamespace(scene.client, namespace);
    await killComponent(scene, 'scheduler');
    await scene.client
      .resource('deployments', namespace)
      .create(deployment(namespace, 'api', webContainer));
  },
  async verify(scene) {
    return verdictOf(await deploymentAvailable(scene.client, namespace, 'api'));
  },
  hint: '`kubectl describe pod` shows no scheduling event at all. Who writes spec.nodeName?',
  explanation:
    'The scheduler was killed. Pods were created (the ReplicaSet controller, chapter 07) but no one ' +
    "bound them to a node: binding is the scheduler's work (chapter 05, its filter and score " +
    'loop). With no scheduler there is no event either, which is the clue. `kata restart scheduler` ' +
    'brought it back; it found the Pending pods and bound them.',
  fix: (scene) => restartComponent(scene, 'scheduler'),
  async cleanUp(scene) {
    await ensureRunning(scene, 'scheduler');
    await removeNamespace(scene.client, namespace);
  },
};
