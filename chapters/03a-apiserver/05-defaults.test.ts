import { describe, expect, test } from 'vitest';
import {
  exampleDeployment,
  examplePod,
  exampleReplicaSet,
  exampleService,
} from '../../harness/api/examples.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type {
  KubeObject,
  Namespace,
  NetworkPolicy,
  PodSpec,
  Secret,
} from '../../harness/api/types.ts';
import { applyDefaults, defaultPodSpec, defaultPodTemplate } from './defaults.ts';

const resource = (name: string) => builtinResources.find((r) => r.resource === name)!;

/** A copy of a pod spec with its defaults filled in. */
function defaultedSpec(spec: PodSpec): PodSpec {
  const copy = structuredClone(spec);
  defaultPodSpec(copy);
  return copy;
}

/** A copy of an object with the defaults of its resource filled in. */
function defaulted<T extends KubeObject>(resourceName: string, object: T): T {
  const copy = structuredClone(object);
  applyDefaults(resource(resourceName), copy);
  return copy;
}

describe('Defaults', () => {
  test('a pod restarts Always, gets 30 s to stop, and is scheduled by the default scheduler', () => {
    const spec = defaultedSpec(examplePod('web').spec);
    expect(
      [spec.restartPolicy, spec.terminationGracePeriodSeconds, spec.dnsPolicy, spec.schedulerName],
      'defaultPodSpec of a spec that sets none of them: restartPolicy, grace, dnsPolicy, scheduler',
    ).toEqual(['Always', 30, 'ClusterFirst', 'default-scheduler']);
  });

  test('an image without a tag, or tagged latest, is pulled Always; a pinned one IfNotPresent', () => {
    const spec = examplePod('web').spec;
    spec.containers = [
      { name: 'a', image: 'nginx' },
      { name: 'b', image: 'nginx:latest' },
      { name: 'c', image: 'nginx:1.27' },
      { name: 'd', image: 'registry:5000/team/app' },
      { name: 'e', image: 'nginx@sha256:0123abcd' },
    ];
    expect(
      defaultedSpec(spec).containers.map((c) => c.imagePullPolicy),
      'imagePullPolicy of nginx, :latest, :1.27, registry:5000/team/app, @sha256 digest',
    ).toEqual(['Always', 'Always', 'IfNotPresent', 'Always', 'IfNotPresent']);
  });

  test('a container writes its termination message to /dev/termination-log, and its ports are TCP', () => {
    const spec = examplePod('web').spec;
    spec.containers[0]!.ports = [{ containerPort: 8080 }];
    const [container] = defaultedSpec(spec).containers;
    expect(
      [container?.terminationMessagePath, container?.terminationMessagePolicy],
      'terminationMessagePath and terminationMessagePolicy',
    ).toEqual(['/dev/termination-log', 'File']);
    expect(container?.ports, 'a port given as { containerPort: 8080 }').toEqual([
      { containerPort: 8080, protocol: 'TCP' },
    ]);
  });

  test('init containers get the same defaults as containers', () => {
    const spec = examplePod('web').spec;
    spec.initContainers = [{ name: 'setup', image: 'busybox' }];
    expect(
      defaultedSpec(spec).initContainers,
      'defaultPodSpec of a spec with init container setup (image busybox)',
    ).toEqual([
      {
        name: 'setup',
        image: 'busybox',
        imagePullPolicy: 'Always',
        resources: {},
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ]);
  });

  test('unset resources and securityContext are stored as {}, the way Go writes an empty struct', () => {
    const spec = defaultedSpec(examplePod('web').spec);
    expect(
      [spec.containers[0]?.resources, spec.securityContext],
      "a container's resources and the pod's securityContext, neither of them set",
    ).toEqual([{}, {}]);
    const limited = examplePod('web').spec;
    limited.containers[0]!.resources = { limits: { cpu: '500m' } };
    expect(
      defaultedSpec(limited).containers[0]?.resources,
      'resources given as limits cpu 500m',
    ).toEqual({ limits: { cpu: '500m' } });
  });

  test('a spec of the wrong shape is left as it is, for validation to report', () => {
    for (const spec of [null, 'web', 42]) {
      expect(
        () => defaultPodSpec(spec as unknown as PodSpec),
        `defaultPodSpec(${JSON.stringify(spec)}) should not throw: validation reports it`,
      ).not.toThrow();
    }
    const odd = { containers: [null, 7, { name: 'a', image: 42, ports: [null] }] };
    defaultPodSpec(odd as unknown as PodSpec);
    expect(
      odd.containers.slice(0, 2),
      'containers that are null or a number are left as they are',
    ).toEqual([null, 7]);
    expect(
      (odd.containers[2] as { imagePullPolicy?: string }).imagePullPolicy,
      'no pull policy is guessed for an image that is not a string',
    ).toBeUndefined();
  });

  test('a deployment gets 1 replica, a 25%/25% rolling update, 10 old ReplicaSets and 600 s to progress', () => {
    const deployment = exampleDeployment('web');
    delete deployment.spec.replicas;
    const { spec } = defaulted('deployments', deployment);
    expect(spec.replicas, 'replicas of a deployment that sets none').toBe(1);
    expect(spec.strategy, 'strategy of a deployment that sets none').toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
    });
    expect(
      [spec.revisionHistoryLimit, spec.progressDeadlineSeconds],
      'revisionHistoryLimit, progressDeadlineSeconds',
    ).toEqual([10, 600]);
    expect(spec.template.spec.restartPolicy, "the template's pod spec is defaulted too").toBe(
      'Always',
    );
  });

  test("a replica set gets 1 replica, and its template's pod spec the pod defaults", () => {
    const replicaSet = exampleReplicaSet('web');
    delete replicaSet.spec.replicas;
    const { spec } = defaulted('replicasets', replicaSet);
    expect(
      [spec.replicas, spec.template.spec.schedulerName],
      'replicas and the template schedulerName of a replica set that sets neither',
    ).toEqual([1, 'default-scheduler']);
    const controller = defaulted('replicationcontrollers', {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, template: exampleReplicaSet('web').spec.template },
    } as KubeObject & { spec: { replicas?: number; template: { spec: PodSpec } } });
    expect(
      [controller.spec.replicas, controller.spec.template.spec.schedulerName],
      'replicas and the template schedulerName of a replication controller that sets neither',
    ).toEqual([1, 'default-scheduler']);
  });

  test('every pod tolerates the not-ready and unreachable NoExecute taints for 300 s, unless it already tolerates them', () => {
    const added = (key: string) => ({
      key: `node.kubernetes.io/${key}`,
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 300,
    });
    expect(
      defaulted('pods', examplePod('web')).spec.tolerations,
      'tolerations of a pod that sets none',
    ).toEqual([added('not-ready'), added('unreachable')]);
    const own = {
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists' as const,
      effect: 'NoExecute' as const,
      tolerationSeconds: 5,
    };
    const pod = examplePod('web');
    pod.spec.tolerations = [own];
    expect(
      defaulted('pods', pod).spec.tolerations,
      'a pod that tolerates unreachable:NoExecute for 5 s: only not-ready is added',
    ).toEqual([own, added('not-ready')]);
    pod.spec.tolerations = [{ operator: 'Exists' }];
    expect(
      defaulted('pods', pod).spec.tolerations,
      'a pod that tolerates every taint: nothing is added',
    ).toEqual([{ operator: 'Exists' }]);
    expect(
      defaulted('deployments', exampleDeployment('web')).spec.template.spec.tolerations,
      "a deployment's template: only pods get them",
    ).toBeUndefined();
  });

  test('a pod template is defaulted exactly as a pod, and a null creationTimestamp in it means none', () => {
    const template = structuredClone(exampleDeployment('web').spec.template);
    (template.metadata as Record<string, unknown>).creationTimestamp = null;
    defaultPodTemplate(template);
    expect(template.metadata, "the template's metadata, sent with creationTimestamp: null").toEqual(
      {
        labels: exampleDeployment('web').spec.template.metadata?.labels,
      },
    );
    expect(template.spec, "the template's pod spec").toEqual(
      defaultedSpec(exampleDeployment('web').spec.template.spec),
    );
  });

  test('a template sent back by a Go client (kubectl rollout undo) is stored as the one first stored', () => {
    const stored = defaulted('deployments', exampleDeployment('web'));
    const roundTripped = structuredClone(stored);
    (roundTripped.spec.template.metadata as Record<string, unknown>).creationTimestamp = null;
    const again = defaulted('deployments', roundTripped);
    expect(
      again.spec.template,
      'the stored template, sent again with creationTimestamp: null and every default written out',
    ).toEqual(stored.spec.template);
  });

  test('a service is a ClusterIP service whose ports target the same port number over TCP', () => {
    const { spec } = defaulted('services', exampleService('web'));
    expect([spec.type, spec.sessionAffinity], 'type and sessionAffinity').toEqual([
      'ClusterIP',
      'None',
    ]);
    const service = exampleService('web');
    service.spec.ports = [{ port: 80 }];
    expect(defaulted('services', service).spec.ports, 'a port given as { port: 80 }').toEqual([
      { port: 80, protocol: 'TCP', targetPort: 80 },
    ]);
  });

  test('a namespace starts Active with the finalizer kubernetes; a secret is Opaque', () => {
    const namespace = defaulted<Namespace>('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a' },
    });
    expect(
      [namespace.spec, namespace.status],
      'spec and status of a namespace sent with metadata only',
    ).toEqual([{ finalizers: ['kubernetes'] }, { phase: 'Active' }]);
    const secret = defaulted<Secret>('secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'token' },
    });
    expect(secret.type, 'type of a secret that sets none').toBe('Opaque');
  });

  test('a network policy is for Ingress, and for Egress too when it has egress rules, unless it names its types', () => {
    const policy = (spec: Partial<NetworkPolicy['spec']>): NetworkPolicy => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p' },
      spec: { podSelector: {}, ...spec },
    });
    const typesOf = (spec: Partial<NetworkPolicy['spec']>) =>
      defaulted('networkpolicies', policy(spec)).spec.policyTypes;
    expect(typesOf({}), 'policyTypes of a policy with no rules and no types').toEqual(['Ingress']);
    expect(typesOf({ egress: [{}] }), 'policyTypes of a policy with one egress rule').toEqual([
      'Ingress',
      'Egress',
    ]);
    expect(typesOf({ egress: [] }), 'policyTypes of a policy with an empty egress list').toEqual([
      'Ingress',
    ]);
    expect(
      typesOf({ policyTypes: ['Egress'], ingress: [{}] }),
      'policyTypes ["Egress"] given by the client, with an ingress rule',
    ).toEqual(['Egress']);
  });

  test('defaults never change a field the client set', () => {
    const deployment = exampleDeployment('web', 0);
    deployment.spec.strategy = { type: 'Recreate' };
    deployment.spec.template.spec.restartPolicy = 'Never';
    const { spec } = defaulted('deployments', deployment);
    expect(
      [spec.replicas, spec.strategy, spec.template.spec.restartPolicy],
      'replicas 0, strategy Recreate (no rollingUpdate added), restartPolicy Never',
    ).toEqual([0, { type: 'Recreate' }, 'Never']);
  });

  test('a kind without defaults, or an object without a spec, is left as it is', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } };
    expect(defaulted('nodes', node), 'a node after applyDefaults').toEqual(node);
    for (const kind of ['pods', 'deployments', 'replicasets', 'services']) {
      const object = { apiVersion: 'v1', kind: 'X', metadata: { name: 'x' } } as KubeObject;
      expect(
        () => defaulted(kind, object),
        `applyDefaults to ${kind} without a spec should not throw: validation reports it`,
      ).not.toThrow();
    }
  });
});
