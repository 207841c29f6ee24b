// A Service whose targetPort is not the port the containers listen on: it has endpoints, but every
// connection to them is refused. The fix is the containers' port.
import type { Task } from '../../tasks/task.ts';
import {
  createNamespace,
  deployment,
  edit,
  removeNamespace,
  service,
  serviceAnswers,
  verdictOf,
  webContainer,
} from '../../tasks/workloads.ts';

const namespace = 'catalog';

export const wrongTargetPort: Task = {
  name: 'wrong-target-port',
  statement: `Service \`search\` in namespace \`${namespace}\` has endpoints, but connections to it are refused. Make it serve the pods of Deployment \`search\`.`,
  domain: 'CKA: Services and Networking',
  difficulty: 'medium',
  minutes: 6,
  async prepare(scene) {
    await createNamespace(scene.client, namespace);
    await scene.client
      .resource('deployments', namespace)
      .create(deployment(namespace, 'search', webContainer));
    await scene.client
      .resource('services', namespace)
      .create(service(namespace, 'search', 'search', { port: 80, targetPort: 9090 }));
  },
  async verify(scene) {
    return verdictOf(await serviceAnswers(scene.client, namespace, 'search'));
  },
  hint: 'Which port do the endpoints list, and which port does the container declare and listen on?',
  explanation:
    'The Service sent traffic to targetPort 9090, but the containers listen on 8080. The endpoints ' +
    'controller (chapter 07) copies the targetPort into the Endpoints as it is, and the proxy ' +
    '(chapter 09) forwards to it blindly, so the Service looked healthy while every connection was ' +
    'refused. targetPort 8080 (or a named port) fixed it.',
  fix: (scene) =>
    edit(scene.client, 'services', namespace, 'search', (object) => {
      const spec = object.spec as { ports: { targetPort: number }[] };
      spec.ports[0]!.targetPort = 8080;
    }),
  cleanUp: (scene) => removeNamespace(scene.client, namespace),
};
