// A rolling update to an image that does not exist, with maxUnavailable 0: the old pods keep
// serving, the one new pod never starts, and the rollout never finishes. The fix is to roll back
// (or to an image that exists).
import { imageName, defaultImageTable } from '../../../runtime/images/table.ts';
import type { Task } from '../../tasks/task.ts';
import {
  createNamespace,
  deployment,
  deploymentAvailable,
  edit,
  removeNamespace,
  verdictOf,
  webContainer,
} from '../../tasks/workloads.ts';

const namespace = 'storefront';
const strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } };

type Containers = { template: { spec: { containers: { image: string }[] } } };

async function setImage(client: Parameters<Task['fix']>[0]['client'], image: string) {
  await edit(client, 'deployments', namespace, 'front', (object) => {
    (object.spec as Containers).template.spec.containers[0]!.image = image;
  });
}

export const stuckRollout: Task = {
  name: 'stuck-rollout',
  statement: `\`kubectl rollout status deployment/front -n ${namespace}\` never finishes. Complete the rollout with a working nginx image; the Deployment must keep its strategy.`,
  domain: 'CKAD: Application Deployment',
  difficulty: 'hard',
  minutes: 8,
  async prepare(scene) {
    await createNamespace(scene.client, namespace);
    await scene.client
      .resource('deployments', namespace)
      .create(deployment(namespace, 'front', webContainer, { strategy }));
    const deadline = Date.now() + 60_000;
    while ((await deploymentAvailable(scene.client, namespace, 'front')).length > 0) {
      if (Date.now() > deadline) throw new Error('Deployment front did not become available');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await setImage(scene.client, 'nginx-unprivileged:1.27');
  },
  async verify(scene) {
    const reasons = await deploymentAvailable(scene.client, namespace, 'front');
    const found = await scene.client.resource('deployments', namespace).get('front');
    const spec = found.spec as Containers & { strategy?: typeof strategy };
    const image = spec.template.spec.containers[0]!.image;
    if (!defaultImageTable.has(imageName(image) ?? ''))
      reasons.push(`Deployment front's image ${image} does not exist on the nodes`);
    if (spec.strategy?.rollingUpdate?.maxUnavailable !== 0)
      reasons.push('Deployment front must keep maxUnavailable 0');
    return verdictOf(reasons);
  },
  hint: '`kubectl rollout history` and `kubectl get rs -n storefront`: which ReplicaSet is stuck, and why?',
  explanation:
    'The image was changed to nginx-unprivileged, which the nodes do not have. With maxUnavailable 0 ' +
    'the Deployment controller (chapter 08, its rolling update) may remove an old pod only once a ' +
    'new one is available, and the one surge pod never was (ErrImagePull, chapter 06): the old pods ' +
    'kept serving and the rollout waited forever. `kubectl rollout undo deployment/front` (or a ' +
    'working image) let it finish.',
  fix: (scene) => setImage(scene.client, 'nginx:1.27'),
  cleanUp: (scene) => removeNamespace(scene.client, namespace),
};
