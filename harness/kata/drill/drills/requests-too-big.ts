// A Deployment asks for more CPU than any node has: its pods stay Pending with "Insufficient cpu".
// The fix is a request that fits.
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

const namespace = 'reports';

export const requestsTooBig: Task = {
  name: 'requests-too-big',
  statement: `The pods of Deployment \`renderer\` in namespace \`${namespace}\` never start. It needs 100m CPU and 64Mi memory. Fix it.`,
  domain: 'CKA: Workloads and Scheduling',
  difficulty: 'easy',
  minutes: 5,
  async prepare(scene) {
    await createNamespace(scene.client, namespace);
    const container = { ...webContainer, resources: { requests: { cpu: '64', memory: '512Gi' } } };
    await scene.client
      .resource('deployments', namespace)
      .create(deployment(namespace, 'renderer', container));
  },
  async verify(scene) {
    return verdictOf(await deploymentAvailable(scene.client, namespace, 'renderer'));
  },
  hint: "Compare the pods' resource requests with `kubectl describe node`'s Allocatable.",
  explanation:
    'The container requested 64 CPUs and 512Gi of memory, more than any node offers, so the ' +
    "scheduler's resource fit filter (chapter 05) found no node: FailedScheduling, Insufficient " +
    'cpu. Lowering the requests (`kubectl set resources deployment renderer --requests=cpu=100m,memory=64Mi`) ' +
    'made a new ReplicaSet (chapter 08) whose pods fit.',
  fix: (scene) =>
    edit(scene.client, 'deployments', namespace, 'renderer', (object) => {
      const spec = object.spec as {
        template: { spec: { containers: { resources?: unknown }[] } };
      };
      spec.template.spec.containers[0]!.resources = { requests: { cpu: '100m', memory: '64Mi' } };
    }),
  cleanUp: (scene) => removeNamespace(scene.client, namespace),
};
