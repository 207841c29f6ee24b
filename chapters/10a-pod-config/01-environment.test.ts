// Configuration into containers: the variables a container starts with, worked out from the pod,
// the container and the kubelet's caches of ConfigMaps and Secrets. Pure functions, no kubelet yet.
import { describe, expect, test } from 'vitest';
import type { ConfigMap, Container, Pod, Secret } from '../../harness/api/types.ts';
import { ContainerConfigError } from '../../harness/runtime/cri.ts';
import {
  containerEnvironment,
  expand,
  expandCommand,
  keyValue,
  podField,
  resourceField,
  secretValue,
  variablesFrom,
  type ConfigSources,
} from './environment.ts';

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** Caches holding ConfigMap app (greeting=hi, color=blue) and Secret db (password=s3cret). */
function sources(): ConfigSources {
  const configMaps: Record<string, ConfigMap> = {
    'default/app': { metadata: { name: 'app' }, data: { greeting: 'hi', color: 'blue' } },
  };
  const secrets: Record<string, Secret> = {
    'default/db': { metadata: { name: 'db' }, data: { password: base64('s3cret') } },
  };
  return {
    configMap: (namespace, name) => configMaps[`${namespace}/${name}`],
    secret: (namespace, name) => secrets[`${namespace}/${name}`],
    podIP: '127.244.0.7',
    hostIP: '127.20.0.1',
    allocatable: { cpu: '4', memory: '8Gi' },
  };
}

function pod(containers: Container[] = [{ name: 'app', image: 'kata/echo' }]): Pod {
  return {
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'u-1',
      labels: { app: 'web', tier: 'front' },
      annotations: { owner: 'team-a' },
    },
    spec: { nodeName: 'node-1', serviceAccountName: 'default', containers },
  };
}

/** The error `run` throws, or undefined. */
function errorOf(run: () => unknown): Error | undefined {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  return undefined;
}

describe('Configuration into containers', () => {
  test("a configMapKeyRef is the ConfigMap key's value", () => {
    const selector = { name: 'app', key: 'greeting' };
    expect(
      keyValue('ConfigMap', selector, 'default', sources()),
      'keyValue of ConfigMap app, key greeting (greeting=hi)',
    ).toBe('hi');
  });

  test("a missing ConfigMap or key is a ContainerConfigError in the kubelet's words, never an empty value", () => {
    const missingMap = errorOf(() =>
      keyValue('ConfigMap', { name: 'nope', key: 'greeting' }, 'default', sources()),
    );
    expect(missingMap, 'keyValue of a ConfigMap nope that does not exist throws').toBeInstanceOf(
      ContainerConfigError,
    );
    expect(missingMap?.message, 'the message for a missing ConfigMap').toBe(
      'configmap "nope" not found',
    );
    const missingKey = errorOf(() =>
      keyValue('ConfigMap', { name: 'app', key: 'size' }, 'default', sources()),
    );
    expect(missingKey?.message, 'the message for key size, missing from ConfigMap app').toBe(
      "couldn't find key size in ConfigMap default/app",
    );
  });

  test('optional: a missing ConfigMap or key leaves the variable out instead', () => {
    const optional = { name: 'nope', key: 'greeting', optional: true };
    expect(
      keyValue('ConfigMap', optional, 'default', sources()),
      'keyValue of a missing ConfigMap with optional: true',
    ).toBeUndefined();
    expect(
      keyValue('ConfigMap', { ...optional, name: 'app', key: 'size' }, 'default', sources()),
      'keyValue of a missing key with optional: true',
    ).toBeUndefined();
  });

  test("a secretKeyRef is the Secret key's value, decoded from base64", () => {
    expect(
      keyValue('Secret', { name: 'db', key: 'password' }, 'default', sources()),
      'keyValue of Secret db, key password (stored as base64 of s3cret)',
    ).toBe('s3cret');
    expect(
      secretValue({ metadata: {}, stringData: { user: 'admin' } }, 'user'),
      'secretValue of a Secret that only has stringData user=admin',
    ).toBe('admin');
    expect(
      errorOf(() => keyValue('Secret', { name: 'db', key: 'user' }, 'default', sources()))?.message,
      'keyValue of key user, missing from Secret db',
    ).toBe("couldn't find key user in Secret default/db");
  });

  test("the downward API: a fieldRef is one of the pod's fields", () => {
    const field = (fieldPath: string) => podField(pod(), { fieldPath }, sources());
    expect(
      [
        field('metadata.name'),
        field('metadata.namespace'),
        field('metadata.uid'),
        field("metadata.labels['tier']"),
        field("metadata.annotations['owner']"),
        field('spec.nodeName'),
        field('status.podIP'),
        field('status.hostIP'),
      ],
      'podField of name, namespace, uid, a label, an annotation, nodeName, podIP, hostIP',
    ).toEqual(['web', 'default', 'u-1', 'front', 'team-a', 'node-1', '127.244.0.7', '127.20.0.1']);
    expect(
      errorOf(() => field('spec.containers')),
      'podField of spec.containers, which the downward API does not offer',
    ).toBeInstanceOf(ContainerConfigError);
  });

  test('the whole labels or annotations are key="value" lines, sorted, as a downward API file shows them', () => {
    expect(
      podField(pod(), { fieldPath: 'metadata.labels' }, sources()),
      'podField of metadata.labels',
    ).toBe('app="web"\ntier="front"');
    expect(
      podField(pod(), { fieldPath: 'metadata.annotations' }, sources()),
      'podField of metadata.annotations',
    ).toBe('owner="team-a"');
  });

  test("a resourceFieldRef is the container's limit or request, in units of its divisor, rounded up", () => {
    const container: Container = {
      name: 'app',
      image: 'kata/echo',
      resources: { limits: { cpu: '250m', memory: '64Mi' }, requests: { cpu: '100m' } },
    };
    const field = (resource: string, divisor?: string) =>
      resourceField(pod([container]), container, { resource, divisor }, sources());
    expect(
      [
        field('limits.cpu'),
        field('limits.cpu', '1m'),
        field('requests.cpu', '1m'),
        field('limits.memory', '1Mi'),
      ],
      'limits.cpu (250m), in 1m, requests.cpu (100m) in 1m, limits.memory (64Mi) in 1Mi',
    ).toEqual(['1', '250', '100', '64']);
    const bare: Container = { name: 'app', image: 'kata/echo' };
    expect(
      resourceField(pod([bare]), bare, { resource: 'limits.memory', divisor: '1Gi' }, sources()),
      "limits.memory of a container with no limit: the node's allocatable 8Gi, in 1Gi",
    ).toBe('8');
  });

  test('$(NAME) is replaced by a variable defined before; an unknown one stays; $$ is a lone $', () => {
    const defined = new Map([
      ['HOST', 'db'],
      ['PORT', '5432'],
    ]);
    expect(expand('$(HOST):$(PORT)', defined), 'expand $(HOST):$(PORT)').toBe('db:5432');
    expect(expand('$(NOPE)-x', defined), 'expand $(NOPE)-x, NOPE undefined').toBe('$(NOPE)-x');
    expect(expand('$$(HOST) costs $$5', defined), 'expand $$(HOST) costs $$5').toBe(
      '$(HOST) costs $5',
    );
  });

  test('envFrom gives every key of a ConfigMap or Secret, each name prefixed; a missing one is an error unless optional', () => {
    expect(
      variablesFrom({ configMapRef: { name: 'app' }, prefix: 'APP_' }, 'default', sources()),
      'variablesFrom ConfigMap app with prefix APP_',
    ).toEqual([
      ['APP_greeting', 'hi'],
      ['APP_color', 'blue'],
    ]);
    expect(
      variablesFrom({ secretRef: { name: 'db' } }, 'default', sources()),
      'variablesFrom Secret db',
    ).toEqual([['password', 's3cret']]);
    expect(
      errorOf(() => variablesFrom({ secretRef: { name: 'nope' } }, 'default', sources()))?.message,
      'variablesFrom a Secret nope that does not exist',
    ).toBe('secret "nope" not found');
    expect(
      variablesFrom({ configMapRef: { name: 'nope', optional: true } }, 'default', sources()),
      'variablesFrom a missing ConfigMap marked optional',
    ).toEqual([]);
  });

  test("the whole environment: envFrom, then env (later wins), then the Services' variables not set", () => {
    const container: Container = {
      name: 'app',
      image: 'kata/echo',
      envFrom: [{ configMapRef: { name: 'app' } }],
      env: [
        { name: 'color', value: 'red' },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { name: 'URL', value: 'http://$(WEB_SERVICE_HOST)/$(greeting)' },
        { name: 'LITERAL', valueFrom: { configMapKeyRef: { name: 'app', key: 'greeting' } } },
      ],
    };
    const services = [
      { name: 'WEB_SERVICE_HOST', value: '127.96.0.9' },
      { name: 'color', value: 'service' },
    ];
    expect(
      containerEnvironment(pod([container]), container, services, sources()),
      'containerEnvironment: envFrom app, env overriding color, a Secret, $(VAR)s, then Services',
    ).toEqual([
      { name: 'greeting', value: 'hi' },
      { name: 'color', value: 'red' },
      { name: 'PASSWORD', value: 's3cret' },
      { name: 'URL', value: 'http://127.96.0.9/hi' },
      { name: 'LITERAL', value: 'hi' },
      { name: 'WEB_SERVICE_HOST', value: '127.96.0.9' },
    ]);
  });

  test('a $(VAR) in command and args takes its value from the environment', () => {
    const environment = [{ name: 'GREETING', value: 'hi' }];
    expect(
      expandCommand(['echo', '$(GREETING)', '$(OTHER)'], environment),
      'expandCommand of echo $(GREETING) $(OTHER), with GREETING=hi',
    ).toEqual(['echo', 'hi', '$(OTHER)']);
    expect(expandCommand(undefined, environment), 'expandCommand of no args').toBeUndefined();
  });
});
