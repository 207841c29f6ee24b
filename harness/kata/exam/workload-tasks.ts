// The mock exam's tasks on workloads: Deployments made, scaled, rolled out and back, given
// requests and a readiness probe, and two broken ones to troubleshoot. Each sets its scene in the
// default namespace under a name of its own (exam-...), so all of them stand side by side.
import type { Deployment, Endpoints, Service } from '../../api/types.ts';
import { rolloutUndo } from '../cluster/rollout.ts';
import { verdictOf } from '../tasks/workloads.ts';
import type { Task, TaskScene } from '../tasks/task.ts';
import {
  createDeployment,
  deploymentOf,
  deploymentProblems,
  examNamespace,
  find,
  remove,
} from './scene.ts';

const deployments = (scene: TaskScene) =>
  scene.client.resource<Deployment>('deployments', examNamespace);

export const createDeploymentTask: Task = {
  name: 'create-deployment',
  statement:
    'Create a Deployment exam-web in namespace default: 2 replicas of the image nginx:1.27, both ready.',
  domain: 'CKAD: Application Deployment',
  difficulty: 'easy',
  minutes: 4,
  hint: 'kubectl create deployment takes --image and --replicas.',
  explanation:
    'The Deployment controller (chapter 08) made a ReplicaSet, the ReplicaSet controller (07) its pods, the scheduler (05) placed them and the kubelets (06) ran them.',
  prepare: (scene) => remove(scene.client, 'deployments', 'exam-web', examNamespace),
  verify: async (scene) =>
    verdictOf(
      await deploymentProblems(scene.client, 'exam-web', { replicas: 2, image: 'nginx:1.27' }),
    ),
  fix: (scene) =>
    deployments(scene)
      .create(deploymentOf('exam-web', 'nginx:1.27', 2))
      .then(() => {}),
  cleanUp: (scene) => remove(scene.client, 'deployments', 'exam-web', examNamespace),
};

export const scaleTask: Task = {
  name: 'scale',
  statement: 'Scale the Deployment exam-scale to 3 replicas, all ready.',
  domain: 'CKA: Workloads and Scheduling',
  difficulty: 'easy',
  minutes: 3,
  hint: 'kubectl scale works on deployment/NAME.',
  explanation:
    "kubectl scale wrote the Deployment's scale subresource (chapter 03b); the controllers (07, 08) made the pods.",
  prepare: (scene) => createDeployment(scene, deploymentOf('exam-scale', 'nginx:1.27', 1)),
  verify: async (scene) =>
    verdictOf(await deploymentProblems(scene.client, 'exam-scale', { replicas: 3 })),
  fix: (scene) =>
    deployments(scene)
      .patch('exam-scale', { spec: { replicas: 3 } })
      .then(() => {}),
  cleanUp: (scene) => remove(scene.client, 'deployments', 'exam-scale', examNamespace),
};

const revisionAnnotation = 'deployment.kubernetes.io/revision';

export const rolloutUndoTask: Task = {
  name: 'rollout-undo',
  statement:
    'Update the Deployment exam-roll to the image nginx:1.27 and let it roll out; then roll it back, so it runs nginx:1.26 again, its history showing both.',
  domain: 'CKAD: Application Deployment',
  difficulty: 'medium',
  minutes: 7,
  hint: 'kubectl set image, kubectl rollout status, kubectl rollout undo.',
  explanation:
    "Each template got a ReplicaSet and a revision (chapter 08); undo put the old ReplicaSet's template back, under a new revision.",
  prepare: (scene) => createDeployment(scene, deploymentOf('exam-roll', 'nginx:1.26', 1)),
  verify: async (scene) => {
    const problems = await deploymentProblems(scene.client, 'exam-roll', { image: 'nginx:1.26' });
    const deployment = await find<Deployment>(
      scene.client,
      'deployments',
      'exam-roll',
      examNamespace,
    );
    const revision = Number(deployment?.metadata.annotations?.[revisionAnnotation] ?? 0);
    if (deployment && revision < 3)
      problems.push(`exam-roll is at revision ${revision}: no rollout and rollback in its history`);
    return verdictOf(problems);
  },
  fix: async (scene) => {
    const name = 'exam-roll';
    const image = [
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.27' },
    ];
    await deployments(scene).patch(name, image, 'json');
    const deadline = Date.now() + 60_000;
    for (;;) {
      const deployment = await deployments(scene).get(name);
      const revision = Number(deployment.metadata.annotations?.[revisionAnnotation] ?? 0);
      if (revision >= 2) break;
      if (Date.now() > deadline) throw new Error(`${name} never reached revision 2`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await rolloutUndo(scene.client, examNamespace, name, () => {});
  },
  cleanUp: (scene) => remove(scene.client, 'deployments', 'exam-roll', examNamespace),
};

export const requestsTask: Task = {
  name: 'set-requests',
  statement:
    'Give the container of the Deployment exam-requests resource requests of 100m CPU and 64Mi memory; its pod must be ready.',
  domain: 'CKAD: Application Environment, Configuration and Security',
  difficulty: 'easy',
  minutes: 4,
  hint: 'kubectl set resources takes --requests=cpu=...,memory=...',
  explanation:
    'The scheduler (chapter 05) places a pod only where its requests fit what the node has left.',
  prepare: (scene) => createDeployment(scene, deploymentOf('exam-requests', 'nginx:1.27', 1)),
  verify: async (scene) => {
    const problems: string[] = [];
    const deployment = await find<Deployment>(
      scene.client,
      'deployments',
      'exam-requests',
      examNamespace,
    );
    const requests = deployment?.spec.template.spec?.containers[0]?.resources?.requests ?? {};
    if (deployment && !['100m', '0.1'].includes(requests.cpu ?? ''))
      problems.push(`exam-requests requests cpu ${requests.cpu ?? '(none)'}, not 100m`);
    if (deployment && !['64Mi', '67108864'].includes(requests.memory ?? ''))
      problems.push(`exam-requests requests memory ${requests.memory ?? '(none)'}, not 64Mi`);
    problems.push(...(await deploymentProblems(scene.client, 'exam-requests', { replicas: 1 })));
    return verdictOf(problems);
  },
  fix: (scene) =>
    deployments(scene)
      .patch(
        'exam-requests',
        [
          {
            op: 'add',
            path: '/spec/template/spec/containers/0/resources',
            value: { requests: { cpu: '100m', memory: '64Mi' } },
          },
        ],
        'json',
      )
      .then(() => {}),
  cleanUp: (scene) => remove(scene.client, 'deployments', 'exam-requests', examNamespace),
};

export const readinessProbeTask: Task = {
  name: 'readiness-probe',
  statement:
    'Add a readiness probe to the container of the Deployment exam-probe: an HTTP GET of / on port 8080 every 5 seconds. Its pod must be ready.',
  domain: 'CKAD: Application Observability and Maintenance',
  difficulty: 'medium',
  minutes: 6,
  hint: 'kubectl edit deployment, or kubectl explain deployment.spec.template.spec.containers.readinessProbe.',
  explanation:
    'The kubelet (chapter 06) runs the probe and sets the pod Ready; only ready pods become endpoints (07).',
  prepare: (scene) => createDeployment(scene, deploymentOf('exam-probe', 'kata/echo', 1, 8080)),
  verify: async (scene) => {
    const problems = await deploymentProblems(scene.client, 'exam-probe', { replicas: 1 });
    const deployment = await find<Deployment>(
      scene.client,
      'deployments',
      'exam-probe',
      examNamespace,
    );
    const probe = deployment?.spec.template.spec?.containers[0]?.readinessProbe;
    if (deployment && !probe) problems.unshift('exam-probe has no readiness probe');
    else if (deployment && probe) {
      if (probe.httpGet?.path !== '/' || String(probe.httpGet?.port) !== '8080')
        problems.unshift("exam-probe's readiness probe is no HTTP GET of / on port 8080");
      if (probe.periodSeconds !== 5)
        problems.unshift(
          `exam-probe's readiness probe runs every ${probe.periodSeconds ?? 10} s, not 5`,
        );
    }
    return verdictOf(problems);
  },
  fix: (scene) =>
    deployments(scene)
      .patch(
        'exam-probe',
        [
          {
            op: 'add',
            path: '/spec/template/spec/containers/0/readinessProbe',
            value: { httpGet: { path: '/', port: 8080 }, periodSeconds: 5 },
          },
        ],
        'json',
      )
      .then(() => {}),
  cleanUp: (scene) => remove(scene.client, 'deployments', 'exam-probe', examNamespace),
};

export const brokenImageTask: Task = {
  name: 'broken-image',
  statement:
    'The pod of the Deployment exam-broken never starts. Find out why and make it run, with 1 ready pod; keep the Deployment.',
  domain: 'CKA: Troubleshooting',
  difficulty: 'medium',
  minutes: 6,
  hint: "kubectl describe pod: the events and the container's waiting reason say why.",
  explanation:
    'The kubelet (chapter 06) could not pull the image: its name was misspelt. kubectl set image fixed the template, and the Deployment rolled out a new ReplicaSet (08).',
  prepare: (scene) => createDeployment(scene, deploymentOf('exam-broken', 'ngnix:1.27', 1)),
  verify: async (scene) =>
    verdictOf(await deploymentProblems(scene.client, 'exam-broken', { replicas: 1 })),
  fix: (scene) =>
    deployments(scene)
      .patch(
        'exam-broken',
        [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'nginx:1.27' }],
        'json',
      )
      .then(() => {}),
  cleanUp: (scene) => remove(scene.client, 'deployments', 'exam-broken', examNamespace),
};

/** A Service exam-shop whose selector misses the pods by one letter. */
function shopService(selector: string): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'exam-shop', namespace: examNamespace },
    spec: { selector: { app: selector }, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

export const serviceEndpointsTask: Task = {
  name: 'service-endpoints',
  statement:
    'The Service exam-shop reaches no pod. Make it reach the pod of the Deployment exam-shop, on its port 8080.',
  domain: 'CKA: Troubleshooting',
  difficulty: 'medium',
  minutes: 8,
  hint: "kubectl get endpoints exam-shop, then compare the Service's selector with the pods' labels.",
  explanation:
    "The Endpoints controller (chapter 07) lists the ready pods the Service's selector matches; a selector that matches none leaves the Service without endpoints, and kube-proxy (09) with nowhere to send.",
  prepare: async (scene) => {
    await createDeployment(scene, deploymentOf('exam-shop', 'kata/echo', 1, 8080));
    await remove(scene.client, 'services', 'exam-shop', examNamespace);
    await scene.client
      .resource<Service>('services', examNamespace)
      .create(shopService('exam-shopp'));
  },
  verify: async (scene) => {
    const endpoints = await find<Endpoints>(scene.client, 'endpoints', 'exam-shop', examNamespace);
    const subsets = endpoints?.subsets ?? [];
    const addresses = subsets.flatMap((subset) => subset.addresses ?? []);
    const ports = subsets.flatMap((subset) => subset.ports ?? []).map((port) => port.port);
    if (addresses.length === 0) return verdictOf(['the Service exam-shop has no endpoints']);
    if (!ports.includes(8080))
      return verdictOf([`exam-shop's endpoints use port ${ports.join(', ')}, not 8080`]);
    return verdictOf([]);
  },
  fix: (scene) =>
    scene.client
      .resource<Service>('services', examNamespace)
      .patch('exam-shop', { spec: { selector: { app: 'exam-shop' } } })
      .then(() => {}),
  cleanUp: async (scene) => {
    await remove(scene.client, 'services', 'exam-shop', examNamespace);
    await remove(scene.client, 'deployments', 'exam-shop', examNamespace);
  },
};
