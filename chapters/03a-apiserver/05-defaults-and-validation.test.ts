import { describe, expect, test } from 'vitest';
import {
  exampleDeployment,
  examplePod,
  exampleReplicaSet,
  exampleService,
} from '../../harness/api/examples.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type { Deployment, KubeObject, Pod, Service } from '../../harness/api/types.ts';
import { applyDefaults } from './defaults.ts';
import { checkName, validateObject, validateUpdate } from './validation.ts';

const resource = (name: string) => builtinResources.find((r) => r.resource === name)!;

/** The fields validation complains about, with the kind of complaint. */
function problems(resourceName: string, object: KubeObject): string[] {
  return validateObject(resource(resourceName), object).map(
    (error) => `${error.type} ${error.field}`,
  );
}

function defaulted<T extends KubeObject>(resourceName: string, object: T): T {
  const copy = structuredClone(object);
  applyDefaults(resource(resourceName), copy);
  return copy;
}

describe('Defaults and validation', () => {
  test('a pod restarts Always, gets 30 s to stop, and is scheduled by the default scheduler', () => {
    const { spec } = defaulted('pods', examplePod('web'));
    expect(
      [spec.restartPolicy, spec.terminationGracePeriodSeconds, spec.dnsPolicy, spec.schedulerName],
      'pod spec defaults',
    ).toEqual(['Always', 30, 'ClusterFirst', 'default-scheduler']);
  });

  test('an image without a tag, or tagged latest, is pulled Always; a pinned one IfNotPresent', () => {
    const pod = examplePod('web');
    pod.spec.containers = [
      { name: 'a', image: 'nginx' },
      { name: 'b', image: 'nginx:latest' },
      { name: 'c', image: 'nginx:1.27' },
      { name: 'd', image: 'registry:5000/team/app' },
    ];
    expect(
      defaulted('pods', pod).spec.containers.map((c) => c.imagePullPolicy),
      'imagePullPolicy of nginx, :latest, :1.27, registry:5000/team/app',
    ).toEqual(['Always', 'Always', 'IfNotPresent', 'Always']);
  });

  test('container ports default to TCP', () => {
    const pod = examplePod('web');
    pod.spec.containers[0]!.ports = [{ containerPort: 8080 }];
    expect(defaulted('pods', pod).spec.containers[0]!.ports, 'ports').toEqual([
      { containerPort: 8080, protocol: 'TCP' },
    ]);
  });

  test('a deployment gets 1 replica, a 25%/25% rolling update, 10 old ReplicaSets and 600 s to progress', () => {
    const deployment = exampleDeployment('web');
    delete deployment.spec.replicas;
    const { spec } = defaulted('deployments', deployment);
    expect(spec.replicas, 'replicas').toBe(1);
    expect(spec.strategy, 'strategy').toEqual({
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

  test('a service is a ClusterIP service whose ports target the same port number over TCP', () => {
    const { spec } = defaulted('services', exampleService('web'));
    expect(spec.type, 'type').toBe('ClusterIP');
    const service = exampleService('web');
    service.spec.ports = [{ port: 80 }];
    expect(defaulted('services', service).spec.ports, 'ports').toEqual([
      { port: 80, protocol: 'TCP', targetPort: 80 },
    ]);
  });

  test('defaults never change a field the client set', () => {
    const deployment = exampleDeployment('web', 0);
    deployment.spec.strategy = { type: 'Recreate' };
    deployment.spec.template.spec.restartPolicy = 'Never';
    const { spec } = defaulted('deployments', deployment);
    expect(
      [spec.replicas, spec.strategy, spec.template.spec.restartPolicy],
      'replicas 0, Recreate, Never',
    ).toEqual([0, { type: 'Recreate' }, 'Never']);
  });

  test('the example objects are valid', () => {
    expect(problems('pods', examplePod('web')), 'validate a pod').toEqual([]);
    expect(problems('deployments', exampleDeployment('web')), 'validate a deployment').toEqual([]);
    expect(problems('replicasets', exampleReplicaSet('web')), 'validate a replica set').toEqual([]);
    expect(problems('services', exampleService('web')), 'validate a service').toEqual([]);
  });

  test('an object needs a name', () => {
    const pod = examplePod('');
    const [error] = validateObject(resource('pods'), pod);
    expect(error, 'validate a pod without a name').toEqual({
      type: 'FieldValueRequired',
      field: 'metadata.name',
      detail: 'name or generateName is required',
    });
  });

  test('most names are RFC 1123 subdomains: lower case, digits, "-" and ".", at most 253', () => {
    expect(checkName('web-1.prod', 'subdomain'), 'checkName("web-1.prod")').toBeUndefined();
    expect(checkName('Web_1', 'subdomain'), 'checkName("Web_1")').toMatch(
      /^a lowercase RFC 1123 subdomain must consist of/,
    );
    expect(checkName('-web', 'subdomain'), 'checkName("-web")').toBeDefined();
    expect(checkName('a'.repeat(254), 'subdomain'), 'checkName(254 × "a")').toBe(
      'must be no more than 253 characters',
    );
    expect(problems('pods', examplePod('Web_1')), 'validate pod "Web_1"').toEqual([
      'FieldValueInvalid metadata.name',
    ]);
  });

  test('namespace names are RFC 1123 labels (no dots); service names must start with a letter', () => {
    expect(checkName('team.a', 'label'), 'checkName("team.a", label)').toMatch(
      /^a lowercase RFC 1123 label must consist of/,
    );
    expect(checkName('a'.repeat(64), 'label'), 'checkName(64 × "a", label)').toBe(
      'must be no more than 63 characters',
    );
    expect(
      problems('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } }),
      'validate namespace "team.a"',
    ).toEqual(['FieldValueInvalid metadata.name']);
    expect(problems('services', exampleService('1st')), 'validate service "1st"').toEqual([
      'FieldValueInvalid metadata.name',
    ]);
    expect(checkName('1st', 'label1035'), 'checkName("1st", label1035)').toMatch(
      /^a DNS-1035 label must consist of/,
    );
  });

  test('label values are short, simple words', () => {
    const pod = examplePod('web', { app: 'web', 'example.com/tier': 'front', bad: 'has space' });
    expect(problems('pods', pod), 'validate labels with a space in a value').toEqual([
      'FieldValueInvalid metadata.labels[bad]',
    ]);
  });

  test('a pod needs containers', () => {
    const pod = examplePod('web');
    pod.spec.containers = [];
    expect(problems('pods', pod), 'validate a pod with no containers').toEqual([
      'FieldValueRequired spec.containers',
    ]);
    expect(
      problems('pods', { ...pod, spec: undefined } as unknown as Pod),
      'validate a pod with no spec',
    ).toEqual(['FieldValueRequired spec.containers']);
  });

  test('every container has a unique name and an image, and its ports are 1-65535', () => {
    const pod = examplePod('web');
    pod.spec.containers = [
      { name: 'app', image: 'a' },
      { name: 'app', image: '' },
      {
        name: '',
        image: 'b',
        ports: [{ containerPort: 0 }, { containerPort: 70000 }, { containerPort: 80 }],
      },
    ];
    expect(problems('pods', pod), 'validate three broken containers').toEqual([
      'FieldValueDuplicate spec.containers[1].name',
      'FieldValueRequired spec.containers[1].image',
      'FieldValueRequired spec.containers[2].name',
      'FieldValueInvalid spec.containers[2].ports[0].containerPort',
      'FieldValueInvalid spec.containers[2].ports[1].containerPort',
    ]);
    const [portError] = validateObject(resource('pods'), {
      ...pod,
      spec: { containers: [{ name: 'a', image: 'b', ports: [{ containerPort: 0 }] }] },
    } as Pod);
    expect(portError?.detail, 'why port 0 is invalid').toBe(
      'must be between 1 and 65535, inclusive',
    );
  });

  test('restartPolicy is one of Always, OnFailure and Never', () => {
    const pod = examplePod('web');
    pod.spec.restartPolicy = 'Sometimes' as 'Always';
    expect(validateObject(resource('pods'), pod), 'validate restartPolicy "Sometimes"').toEqual([
      {
        type: 'FieldValueNotSupported',
        field: 'spec.restartPolicy',
        value: 'Sometimes',
        detail: 'supported values: "Always", "OnFailure", "Never"',
      },
    ]);
  });

  test("a deployment needs a selector that selects its own template's pods", () => {
    const deployment = exampleDeployment('web');
    deployment.spec.template.metadata = { labels: { app: 'other' } };
    expect(
      problems('deployments', deployment),
      'validate selector app=web, template app=other',
    ).toEqual(['FieldValueInvalid spec.template.metadata.labels']);
    const noSelector = exampleDeployment('web');
    delete (noSelector.spec as Partial<Deployment['spec']>).selector;
    expect(problems('deployments', noSelector), 'validate a deployment without a selector').toEqual(
      ['FieldValueRequired spec.selector'],
    );
  });

  test('a selector may use matchExpressions', () => {
    const deployment = exampleDeployment('web');
    deployment.spec.selector = {
      matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }],
    };
    expect(problems('deployments', deployment), 'validate selector app in (web, api)').toEqual([]);
    deployment.spec.selector = { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] };
    expect(problems('deployments', deployment), 'validate selector !app').toEqual([
      'FieldValueInvalid spec.template.metadata.labels',
    ]);
  });

  test("replicas cannot be negative, and a controller's pods must restart Always", () => {
    const deployment = exampleDeployment('web', -1);
    deployment.spec.template.spec.restartPolicy = 'Never';
    expect(
      problems('deployments', deployment),
      'validate replicas -1, restartPolicy Never',
    ).toEqual([
      'FieldValueInvalid spec.replicas',
      'FieldValueNotSupported spec.template.spec.restartPolicy',
    ]);
  });

  test('a service needs ports in 1-65535, and names for them when it has several', () => {
    const service = exampleService('web');
    service.spec.ports = [];
    expect(problems('services', service), 'validate a service without ports').toEqual([
      'FieldValueRequired spec.ports',
    ]);
    service.spec.ports = [{ port: 80 }, { port: 0, name: 'b' }];
    expect(problems('services', service), 'validate ports 80 (no name) and 0').toEqual([
      'FieldValueRequired spec.ports[0].name',
      'FieldValueInvalid spec.ports[1].port',
    ]);
    const external = {
      ...exampleService('web'),
      spec: { type: 'ExternalName', externalName: 'example.com' },
    } as Service;
    expect(
      problems('services', external),
      'validate an ExternalName service without ports',
    ).toEqual([]);
    const odd = {
      ...exampleService('web'),
      spec: { ...exampleService('web').spec, type: 'Magic' },
    } as unknown as Service;
    expect(problems('services', odd), 'validate type Magic').toEqual([
      'FieldValueNotSupported spec.type',
    ]);
  });

  test("a deployment's selector cannot change after creation", () => {
    const current = exampleDeployment('web');
    const next = structuredClone(current);
    next.spec.selector = { matchLabels: { app: 'web', tier: 'front' } };
    next.spec.template.metadata!.labels = { app: 'web', tier: 'front' };
    expect(
      validateUpdate(resource('deployments'), next, current).map((e) => `${e.field}: ${e.detail}`),
      'update the selector',
    ).toEqual(['spec.selector: field is immutable']);
  });

  test("a pod's spec cannot change after creation, except its images", () => {
    const current = examplePod('web');
    const newImage = structuredClone(current);
    newImage.spec.containers[0]!.image = 'kata/echo:2.0';
    expect(validateUpdate(resource('pods'), newImage, current), 'update the image').toEqual([]);
    const newPort = structuredClone(current);
    newPort.spec.containers[0]!.ports = [{ containerPort: 80 }];
    expect(
      validateUpdate(resource('pods'), newPort, current).map((e) => `${e.type} ${e.field}`),
      'add a port',
    ).toEqual(['FieldValueForbidden spec']);
  });
});
