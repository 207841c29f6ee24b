// A Service whose selector matches no pod: it has no endpoints, so its traffic goes nowhere. The
// fix is the selector of the pods' labels.
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

const namespace = 'shop';

export const serviceSelector: Task = {
  name: 'service-selector',
  statement: `Pods of Deployment \`web\` in namespace \`${namespace}\` are not receiving traffic through Service \`web\`. Fix it.`,
  domain: 'CKA: Services and Networking',
  difficulty: 'easy',
  minutes: 5,
  async prepare(scene) {
    await createNamespace(scene.client, namespace);
    await scene.client
      .resource('deployments', namespace)
      .create(deployment(namespace, 'web', webContainer));
    await scene.client
      .resource('services', namespace)
      .create(service(namespace, 'web', 'frontend', { port: 80, targetPort: 8080 }));
  },
  async verify(scene) {
    return verdictOf(await serviceAnswers(scene.client, namespace, 'web'));
  },
  hint: "`kubectl get endpoints web -n shop` is empty. Compare the Service's selector with `kubectl get pods --show-labels`.",
  explanation:
    'The Service selected app=frontend while the pods are labelled app=web. The endpoints controller ' +
    '(chapter 07, endpoints.ts) lists the ready pods a selector matches, and matched none, so the ' +
    'proxies (chapter 09) had nowhere to send traffic. With the selector app=web the Endpoints ' +
    'filled in at once.',
  fix: (scene) =>
    edit(scene.client, 'services', namespace, 'web', (object) => {
      (object.spec as { selector: Record<string, string> }).selector = { app: 'web' };
    }),
  cleanUp: (scene) => removeNamespace(scene.client, namespace),
};
