// A container whose command does not exist: it exits at once, again and again (CrashLoopBackOff).
// The fix is the command the task asks for.
import type { Task } from '../../tasks/task.ts';
import {
  createNamespace,
  deployment,
  deploymentAvailable,
  edit,
  notSteady,
  removeNamespace,
  verdictOf,
} from '../../tasks/workloads.ts';

const namespace = 'batch';

export const crashLoop: Task = {
  name: 'crash-loop',
  statement: `Deployment \`worker\` in namespace \`${namespace}\` never becomes available; its containers should run \`sleep 3600\` on busybox. Fix it.`,
  domain: 'CKAD: Application Observability and Maintenance',
  difficulty: 'easy',
  minutes: 5,
  async prepare(scene) {
    await createNamespace(scene.client, namespace);
    const container = { image: 'busybox:1.36', command: ['slep', '3600'] };
    await scene.client
      .resource('deployments', namespace)
      .create(deployment(namespace, 'worker', container, { replicas: 1 }));
  },
  async verify(scene) {
    const reasons = await deploymentAvailable(scene.client, namespace, 'worker');
    if (reasons.length > 0) return verdictOf(reasons);
    return verdictOf(await notSteady(scene.client, namespace, 'app=worker', 5));
  },
  hint: '`kubectl logs` of a worker pod (add --previous once it has restarted) says what went wrong.',
  explanation:
    "The container's command was `slep 3600`: the image has no such program, so the container " +
    'exited with code 127 at once. The kubelet (chapter 06) restarted it with a growing back-off, ' +
    'which `kubectl get pods` shows as CrashLoopBackOff; the log held the reason. The command ' +
    '`sleep 3600` made a new ReplicaSet (chapter 08) whose pod keeps running.',
  fix: (scene) =>
    edit(scene.client, 'deployments', namespace, 'worker', (object) => {
      const spec = object.spec as { template: { spec: { containers: { command: string[] }[] } } };
      spec.template.spec.containers[0]!.command = ['sleep', '3600'];
    }),
  cleanUp: (scene) => removeNamespace(scene.client, namespace),
};
