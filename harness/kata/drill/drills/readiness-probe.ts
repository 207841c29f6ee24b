// A readiness probe that asks the wrong port: the containers run, never turn Ready, and the
// Service behind them has no endpoints. The fix is the probe of the port the server listens on.
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

const namespace = 'blog';

/** The probe the drill breaks: kata's echo answers GET /healthz on its port, 8080. */
const probeOn = (port: number) => ({
  httpGet: { path: '/healthz', port },
  periodSeconds: 1,
  failureThreshold: 1,
});

export const readinessProbe: Task = {
  name: 'readiness-probe',
  statement: `The pods of Deployment \`posts\` in namespace \`${namespace}\` are Running but never Ready, and Service \`posts\` gets no traffic. The server's health endpoint is GET /healthz on its port. Fix it.`,
  domain: 'CKAD: Application Observability and Maintenance',
  difficulty: 'medium',
  minutes: 7,
  async prepare(scene) {
    await createNamespace(scene.client, namespace);
    const container = { ...webContainer, readinessProbe: probeOn(8081) };
    await scene.client
      .resource('deployments', namespace)
      .create(deployment(namespace, 'posts', container));
    await scene.client
      .resource('services', namespace)
      .create(service(namespace, 'posts', 'posts', { port: 80, targetPort: 8080 }));
  },
  async verify(scene) {
    return verdictOf(await serviceAnswers(scene.client, namespace, 'posts'));
  },
  hint: '`kubectl describe pod` shows the probe failing in its events. What does the probe ask, and where?',
  explanation:
    'The readiness probe asked port 8081 while the server listens on 8080, so every probe was ' +
    "refused. The kubelet's prober (chapter 06, probes.ts) kept the Ready condition False, and the " +
    'endpoints controller (chapter 07) lists only Ready pods: no endpoints, no traffic, though the ' +
    'containers ran fine. Probing port 8080 made the pods Ready.',
  fix: (scene) =>
    edit(scene.client, 'deployments', namespace, 'posts', (object) => {
      const spec = object.spec as { template: { spec: { containers: Record<string, unknown>[] } } };
      spec.template.spec.containers[0]!.readinessProbe = probeOn(8080);
    }),
  cleanUp: (scene) => removeNamespace(scene.client, namespace),
};
