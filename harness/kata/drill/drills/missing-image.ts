// An image that does not exist: the kubelet cannot pull it (ErrImagePull, then ImagePullBackOff).
// The fix is an image that does.
import type { Task } from '../../tasks/task.ts';
import {
  createNamespace,
  deployment,
  deploymentAvailable,
  edit,
  removeNamespace,
  verdictOf,
} from '../../tasks/workloads.ts';

const namespace = 'media';

export const missingImage: Task = {
  name: 'missing-image',
  statement: `The pods of Deployment \`thumbs\` in namespace \`${namespace}\` do not start. They should run nginx. Fix it.`,
  domain: 'CKAD: Application Deployment',
  difficulty: 'easy',
  minutes: 4,
  async prepare(scene) {
    await createNamespace(scene.client, namespace);
    const container = { image: 'ngnix:1.27', ports: [{ containerPort: 8080 }] };
    await scene.client
      .resource('deployments', namespace)
      .create(deployment(namespace, 'thumbs', container));
  },
  async verify(scene) {
    return verdictOf(await deploymentAvailable(scene.client, namespace, 'thumbs'));
  },
  hint: '`kubectl get pods -n media` shows a reason in STATUS; `kubectl describe pod` the pull error.',
  explanation:
    "The image was `ngnix`, a typo. The kubelet's image pull (chapter 06, through the node's image " +
    'table) failed with ErrImagePull and then backed off (ImagePullBackOff). ' +
    '`kubectl set image deployment/thumbs thumbs=nginx:1.27` rolled out a new ReplicaSet (chapter 08).',
  fix: (scene) =>
    edit(scene.client, 'deployments', namespace, 'thumbs', (object) => {
      const spec = object.spec as { template: { spec: { containers: { image: string }[] } } };
      spec.template.spec.containers[0]!.image = 'nginx:1.27';
    }),
  cleanUp: (scene) => removeNamespace(scene.client, namespace),
};
