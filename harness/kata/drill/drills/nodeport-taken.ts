// A NodePort another Service already holds: the API server refuses the new Service (422, "provided
// port is already allocated"). The fix is to free the port (the old Service is no longer needed) and
// create the Service.
import { isNotFound } from '../../../client/errors.ts';
import type { Task } from '../../tasks/task.ts';
import {
  createNamespace,
  deployment,
  removeNamespace,
  service,
  serviceAnswers,
  verdictOf,
  webContainer,
} from '../../tasks/workloads.ts';

const namespace = 'tickets';
/** The node port the drill is about (clear of the examples' 30080 and 30081). */
export const nodePort = 30480;

export const nodePortTaken: Task = {
  name: 'nodeport-taken',
  statement: `Expose Deployment \`desk\` in namespace \`${namespace}\` as a NodePort Service \`desk\` on node port ${nodePort} (port 80, to the containers' 8080). The API server refuses it. The Service \`desk-old\` is no longer used. Make it so.`,
  domain: 'CKA: Services and Networking',
  difficulty: 'medium',
  minutes: 7,
  async prepare(scene) {
    await createNamespace(scene.client, namespace);
    await scene.client
      .resource('deployments', namespace)
      .create(deployment(namespace, 'desk', webContainer));
    await scene.client
      .resource('services', namespace)
      .create(service(namespace, 'desk-old', 'desk-old', { port: 80, nodePort }, 'NodePort'));
  },
  async verify(scene) {
    let found: { spec: { type?: string; ports: { nodePort?: number }[] } };
    try {
      found = (await scene.client
        .resource('services', namespace)
        .get('desk')) as unknown as typeof found;
    } catch (error) {
      if (isNotFound(error)) return verdictOf([`Service desk does not exist in ${namespace}`]);
      throw error;
    }
    const reasons: string[] = [];
    if (found.spec.type !== 'NodePort') reasons.push(`Service desk is of type ${found.spec.type}`);
    if (!found.spec.ports.some((port) => port.nodePort === nodePort))
      reasons.push(`Service desk does not use node port ${nodePort}`);
    return verdictOf([...reasons, ...(await serviceAnswers(scene.client, namespace, 'desk'))]);
  },
  hint: '`kubectl get svc -A` and look at the PORT(S) column: who holds 30480?',
  explanation:
    `Node port ${nodePort} belonged to Service desk-old. The API server's allocator (chapter 09, ` +
    'allocator.ts) hands each node port to one Service only and refuses a second with 422 Invalid: ' +
    'provided port is already allocated. Deleting desk-old freed the port; then ' +
    '`kubectl expose` or a manifest with nodePort 30480 was accepted.',
  async fix(scene) {
    await scene.client.resource('services', namespace).delete('desk-old');
    await scene.client
      .resource('services', namespace)
      .create(
        service(namespace, 'desk', 'desk', { port: 80, targetPort: 8080, nodePort }, 'NodePort'),
      );
  },
  cleanUp: (scene) => removeNamespace(scene.client, namespace),
};
