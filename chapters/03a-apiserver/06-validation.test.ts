import { describe, expect, test } from 'vitest';
import type { FieldError } from '../../harness/api/errors.ts';
import {
  exampleDeployment,
  examplePod,
  exampleReplicaSet,
  exampleService,
} from '../../harness/api/examples.ts';
import { builtinResources } from '../../harness/api/resources.ts';
import type { Deployment, KubeObject, PodSpec, Service } from '../../harness/api/types.ts';
import { FakeClock } from '../../harness/clock.ts';
import { defaultStrategy } from './strategy.ts';
import {
  checkContainers,
  checkDisruptionBudget,
  checkLabels,
  checkName,
  checkPodSpec,
  checkService,
  checkTaints,
  checkTolerations,
  checkWorkload,
  selectorMatches,
  validateObject,
  validateUpdate,
} from './validation.ts';

const resource = (name: string) => builtinResources.find((r) => r.resource === name)!;

/** What a check appends, each error as "<type> <field>", for short readable comparisons. */
function reported(check: (errors: FieldError[]) => void): string[] {
  const errors: FieldError[] = [];
  check(errors);
  return errors.map((error) => `${error.type} ${error.field}`);
}

/** The fields validateObject complains about, with the kind of complaint. */
function problems(resourceName: string, object: KubeObject): string[] {
  return validateObject(resource(resourceName), object).map(
    (error) => `${error.type} ${error.field}`,
  );
}

describe('Validation', () => {
  test('most names are RFC 1123 subdomains: lower case, digits, "-" and ".", at most 253', () => {
    expect(checkName('web-1.prod', 'subdomain'), 'checkName("web-1.prod")').toBeUndefined();
    expect(checkName('Web_1', 'subdomain'), 'checkName("Web_1")').toMatch(
      /^a lowercase RFC 1123 subdomain must consist of/,
    );
    expect(checkName('-web', 'subdomain'), 'checkName("-web"): a name starts alphanumeric').toMatch(
      /^a lowercase RFC 1123 subdomain must consist of/,
    );
    expect(checkName('a'.repeat(254), 'subdomain'), 'checkName(254 × "a")').toBe(
      'must be no more than 253 characters',
    );
  });

  test('namespace names are RFC 1123 labels (no dots); service names must start with a letter', () => {
    expect(checkName('team.a', 'label'), 'checkName("team.a", label)').toMatch(
      /^a lowercase RFC 1123 label must consist of/,
    );
    expect(checkName('a'.repeat(64), 'label'), 'checkName(64 × "a", label)').toBe(
      'must be no more than 63 characters',
    );
    expect(checkName('1st', 'label'), 'checkName("1st", label)').toBeUndefined();
    expect(checkName('1st', 'label1035'), 'checkName("1st", label1035)').toMatch(
      /^a DNS-1035 label must consist of/,
    );
  });

  test('label values are short, simple words', () => {
    const labels = { app: 'web', 'example.com/tier': 'front', empty: '', bad: 'has space' };
    expect(
      reported((errors) => checkLabels(labels, 'metadata.labels', errors)),
      'checkLabels of app=web, example.com/tier=front, empty="", bad="has space"',
    ).toEqual(['FieldValueInvalid metadata.labels[bad]']);
    expect(
      reported((errors) => checkLabels({ long: 'x'.repeat(64) }, 'metadata.labels', errors)),
      'checkLabels of a 64-character value',
    ).toEqual(['FieldValueInvalid metadata.labels[long]']);
  });

  test('a label key is a name of at most 63 characters, after an optional DNS prefix and a slash', () => {
    const errors: FieldError[] = [];
    const keys = ['app', 'example.com/tier', 'Bad_Prefix/x', '-x', 'x/', 'k'.repeat(64)];
    checkLabels(Object.fromEntries(keys.map((key) => [key, 'v'])), 'metadata.labels', errors);
    expect(
      errors.map((error) => [error.type, error.field, error.value]),
      `checkLabels with the keys ${keys.slice(0, 5).join(', ')} and 64 × "k"`,
    ).toEqual([
      ['FieldValueInvalid', 'metadata.labels', 'Bad_Prefix/x'],
      ['FieldValueInvalid', 'metadata.labels', '-x'],
      ['FieldValueInvalid', 'metadata.labels', 'x/'],
      ['FieldValueInvalid', 'metadata.labels', 'k'.repeat(64)],
    ]);
  });

  test('labels are a map of strings: a list is invalid, and so is a value that is no string', () => {
    expect(
      reported((errors) => checkLabels(undefined, 'metadata.labels', errors)),
      'checkLabels of no labels',
    ).toEqual([]);
    const errors: FieldError[] = [];
    checkLabels(['app'], 'metadata.labels', errors);
    expect(errors, 'checkLabels of ["app"]').toEqual([
      {
        type: 'FieldValueInvalid',
        field: 'metadata.labels',
        value: ['app'],
        detail: 'must be a map',
      },
    ]);
    expect(
      reported((errors) => checkLabels({ replicas: 3 }, 'metadata.labels', errors)),
      'checkLabels of { replicas: 3 }',
    ).toEqual(['FieldValueInvalid metadata.labels[replicas]']);
  });

  test('containers are required, and are a list of objects', () => {
    const check = (containers: unknown, required = true) =>
      reported((errors) => checkContainers(containers, 'spec.containers', errors, required));
    expect(check([]), 'checkContainers of [] (required)').toEqual([
      'FieldValueRequired spec.containers',
    ]);
    expect(check(undefined), 'checkContainers of undefined (required)').toEqual([
      'FieldValueRequired spec.containers',
    ]);
    expect(check(undefined, false), 'checkContainers of undefined (optional)').toEqual([]);
    expect(check('app'), 'checkContainers of "app"').toEqual(['FieldValueInvalid spec.containers']);
    expect(check([null, 1]), 'checkContainers of [null, 1]').toEqual([
      'FieldValueInvalid spec.containers[0]',
      'FieldValueInvalid spec.containers[1]',
    ]);
  });

  test('every container has a unique name and an image, and its ports are 1-65535', () => {
    const containers = [
      { name: 'app', image: 'a' },
      { name: 'app', image: '' },
      {
        name: '',
        image: 'b',
        ports: [{ containerPort: 0 }, { containerPort: 70000 }, { containerPort: 80 }],
      },
    ];
    expect(
      reported((errors) => checkContainers(containers, 'spec.containers', errors, true)),
      'checkContainers of three broken containers',
    ).toEqual([
      'FieldValueDuplicate spec.containers[1].name',
      'FieldValueRequired spec.containers[1].image',
      'FieldValueRequired spec.containers[2].name',
      'FieldValueInvalid spec.containers[2].ports[0].containerPort',
      'FieldValueInvalid spec.containers[2].ports[1].containerPort',
    ]);
    const errors: FieldError[] = [];
    checkContainers([{ name: 'a', image: 'b', ports: [{ containerPort: 0 }] }], 'c', errors, true);
    expect(errors[0]?.detail, 'why port 0 is invalid').toBe(
      'must be between 1 and 65535, inclusive',
    );
  });

  test('a container name is an RFC 1123 label', () => {
    const errors: FieldError[] = [];
    checkContainers([{ name: 'App_1', image: 'x' }], 'spec.containers', errors, true);
    expect(
      errors.map((error) => [error.type, error.field, error.value]),
      'checkContainers of a container named App_1',
    ).toEqual([['FieldValueInvalid', 'spec.containers[0].name', 'App_1']]);
    expect(errors[0]?.detail, 'why App_1 is invalid').toMatch(
      /^a lowercase RFC 1123 label must consist of/,
    );
  });

  test('ports are a list, and each has a whole containerPort', () => {
    const containers = [
      { name: 'a', image: 'x', ports: 'http' },
      { name: 'b', image: 'x', ports: [{ name: 'http' }, { containerPort: 80.5 }] },
    ];
    expect(
      reported((errors) => checkContainers(containers, 'spec.containers', errors, true)),
      'checkContainers of ports "http", then a port without a number and port 80.5',
    ).toEqual([
      'FieldValueInvalid spec.containers[0].ports',
      'FieldValueRequired spec.containers[1].ports[0].containerPort',
      'FieldValueInvalid spec.containers[1].ports[1].containerPort',
    ]);
  });

  test('a port that is null or a number is a missing containerPort, not a crash', () => {
    const containers = [{ name: 'a', image: 'x', ports: [null, 8080, { containerPort: 80 }] }];
    expect(
      reported((errors) => checkContainers(containers, 'spec.containers', errors, true)),
      'checkContainers of ports [null, 8080, { containerPort: 80 }]',
    ).toEqual([
      'FieldValueRequired spec.containers[0].ports[0].containerPort',
      'FieldValueRequired spec.containers[0].ports[1].containerPort',
    ]);
  });

  test('a pod needs containers', () => {
    const spec = examplePod('web').spec;
    spec.containers = [];
    expect(
      reported((errors) => checkPodSpec(spec, 'spec', errors)),
      'checkPodSpec of a spec with containers: []',
    ).toEqual(['FieldValueRequired spec.containers']);
    expect(
      reported((errors) => checkPodSpec(undefined, 'spec', errors)),
      'checkPodSpec of no spec',
    ).toEqual(['FieldValueRequired spec.containers']);
  });

  test('restartPolicy is one of Always, OnFailure and Never', () => {
    const spec = examplePod('web').spec;
    spec.restartPolicy = 'Sometimes' as 'Always';
    const errors: FieldError[] = [];
    checkPodSpec(spec, 'spec', errors);
    expect(errors, 'checkPodSpec with restartPolicy "Sometimes"').toEqual([
      {
        type: 'FieldValueNotSupported',
        field: 'spec.restartPolicy',
        value: 'Sometimes',
        detail: 'supported values: "Always", "OnFailure", "Never"',
      },
    ]);
  });

  test('init containers are checked like containers, but a pod may have none', () => {
    const spec: PodSpec = {
      containers: [{ name: 'app', image: 'x' }],
      initContainers: [{ name: 'setup', image: '' }],
    };
    expect(
      reported((errors) => checkPodSpec(spec, 'spec', errors)),
      'checkPodSpec of an init container without an image',
    ).toEqual(['FieldValueRequired spec.initContainers[0].image']);
    delete spec.initContainers;
    expect(
      reported((errors) => checkPodSpec(spec, 'spec', errors)),
      'checkPodSpec without init containers',
    ).toEqual([]);
  });

  test('a selector selects labels that have every matchLabels pair and keep every expression', () => {
    const labels = { app: 'web', tier: 'front' };
    const cases: Array<[string, Parameters<typeof selectorMatches>[0], boolean]> = [
      ['app=web', { matchLabels: { app: 'web' } }, true],
      ['app=web,tier=back', { matchLabels: { app: 'web', tier: 'back' } }, false],
      [
        'tier in (front, back)',
        { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] },
        true,
      ],
      [
        'tier notin (front)',
        { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] },
        false,
      ],
      [
        'zone notin (a)',
        { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
        true,
      ],
      ['app (exists)', { matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
      [
        '!app (does not exist)',
        { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] },
        false,
      ],
      ['nothing at all', {}, true],
    ];
    for (const [what, selector, expected] of cases) {
      expect(selectorMatches(selector, labels), `selector ${what} on app=web,tier=front`).toBe(
        expected,
      );
    }
  });

  test("a deployment needs a selector that selects its own template's pods", () => {
    const deployment = exampleDeployment('web');
    deployment.spec.template.metadata = { labels: { app: 'other' } };
    expect(
      reported((errors) => checkWorkload(deployment, errors)),
      'checkWorkload of selector app=web, template app=other',
    ).toEqual(['FieldValueInvalid spec.template.metadata.labels']);
    const noSelector = exampleDeployment('web');
    delete (noSelector.spec as Partial<Deployment['spec']>).selector;
    expect(
      reported((errors) => checkWorkload(noSelector, errors)),
      'checkWorkload of a deployment without a selector',
    ).toEqual(['FieldValueRequired spec.selector']);
  });

  test('a selector may use matchExpressions', () => {
    const deployment = exampleDeployment('web');
    deployment.spec.selector = {
      matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }],
    };
    expect(
      reported((errors) => checkWorkload(deployment, errors)),
      'checkWorkload of selector app in (web, api)',
    ).toEqual([]);
    deployment.spec.selector = { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] };
    expect(
      reported((errors) => checkWorkload(deployment, errors)),
      'checkWorkload of selector !app',
    ).toEqual(['FieldValueInvalid spec.template.metadata.labels']);
  });

  test("replicas cannot be negative, and a controller's pods must restart Always", () => {
    const deployment = exampleDeployment('web', -1);
    deployment.spec.template.spec.restartPolicy = 'Never';
    expect(
      reported((errors) => checkWorkload(deployment, errors)),
      'checkWorkload of replicas -1, restartPolicy Never',
    ).toEqual([
      'FieldValueInvalid spec.replicas',
      'FieldValueNotSupported spec.template.spec.restartPolicy',
    ]);
  });

  test('a workload without a spec needs a selector and a template with containers', () => {
    const bare = { ...exampleReplicaSet('web'), spec: undefined } as unknown as KubeObject;
    expect(
      reported((errors) => checkWorkload(bare, errors)),
      'checkWorkload of a replica set without a spec',
    ).toEqual([
      'FieldValueRequired spec.selector',
      'FieldValueRequired spec.template.spec.containers',
    ]);
    const badLabels = exampleReplicaSet('web');
    badLabels.spec.template.metadata = { labels: { app: 'web', bad: 'a b' } };
    expect(
      reported((errors) => checkWorkload(badLabels, errors)),
      "checkWorkload of a template whose label bad is 'a b'",
    ).toEqual(['FieldValueInvalid spec.template.metadata.labels[bad]']);
  });

  test('a service needs ports in 1-65535, and names for them when it has several', () => {
    const service = exampleService('web');
    service.spec.ports = [];
    expect(
      reported((errors) => checkService(service, errors)),
      'checkService of a service without ports',
    ).toEqual(['FieldValueRequired spec.ports']);
    service.spec.ports = [{ port: 80 }, { port: 0, name: 'b' }, { port: 81, name: 'b' }];
    expect(
      reported((errors) => checkService(service, errors)),
      'checkService of ports 80 (no name), 0 (b) and 81 (b again)',
    ).toEqual([
      'FieldValueRequired spec.ports[0].name',
      'FieldValueInvalid spec.ports[1].port',
      'FieldValueDuplicate spec.ports[2].name',
    ]);
  });

  test('an ExternalName service needs no ports; an unknown type is refused', () => {
    const external = {
      ...exampleService('web'),
      spec: { type: 'ExternalName', externalName: 'example.com' },
    } as Service;
    expect(
      reported((errors) => checkService(external, errors)),
      'checkService of an ExternalName service without ports',
    ).toEqual([]);
    const odd = {
      ...exampleService('web'),
      spec: { ...exampleService('web').spec, type: 'Magic' },
    } as unknown as Service;
    expect(
      reported((errors) => checkService(odd, errors)),
      'checkService of type Magic',
    ).toEqual(['FieldValueNotSupported spec.type']);
    expect(
      reported((errors) => checkService({ ...odd, spec: undefined } as unknown as Service, errors)),
      'checkService of a service without a spec',
    ).toEqual(['FieldValueRequired spec.ports']);
  });

  test('the example objects are valid', () => {
    expect(problems('pods', examplePod('web')), 'validate a pod').toEqual([]);
    expect(problems('deployments', exampleDeployment('web')), 'validate a deployment').toEqual([]);
    expect(problems('replicasets', exampleReplicaSet('web')), 'validate a replica set').toEqual([]);
    expect(problems('services', exampleService('web')), 'validate a service').toEqual([]);
  });

  test('an object needs a name', () => {
    const [error] = validateObject(resource('pods'), examplePod(''));
    expect(error, 'validate a pod without a name').toEqual({
      type: 'FieldValueRequired',
      field: 'metadata.name',
      detail: 'name or generateName is required',
    });
  });

  test("each resource's names follow its own rule, and every kind's labels are checked", () => {
    expect(problems('pods', examplePod('Web_1')), 'validate pod "Web_1"').toEqual([
      'FieldValueInvalid metadata.name',
    ]);
    expect(
      problems('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } }),
      'validate namespace "team.a"',
    ).toEqual(['FieldValueInvalid metadata.name']);
    expect(problems('services', exampleService('1st')), 'validate service "1st"').toEqual([
      'FieldValueInvalid metadata.name',
    ]);
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', labels: { a: 'b c' } } };
    expect(problems('nodes', node), 'validate a node labelled a="b c"').toEqual([
      'FieldValueInvalid metadata.labels[a]',
    ]);
  });

  test('each kind is held to its own rules', () => {
    const pod = examplePod('web');
    pod.spec.containers = [];
    const deployment = exampleDeployment('web', -1);
    const service = exampleService('web');
    service.spec.ports = [];
    expect(
      [problems('pods', pod), problems('deployments', deployment), problems('services', service)],
      'validate a pod without containers, a deployment of -1 replicas, a service without ports',
    ).toEqual([
      ['FieldValueRequired spec.containers'],
      ['FieldValueInvalid spec.replicas'],
      ['FieldValueRequired spec.ports'],
    ]);
  });

  test("a node's taint needs a key that is a label key and an effect the scheduler knows", () => {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      spec: { taints: [{ key: '', effect: 'Sometimes' }] },
    };
    const errors = validateObject(resource('nodes'), node);
    expect(
      errors.map((error) => `${error.type} ${error.field}: ${error.detail}`),
      'a taint with no key and effect "Sometimes"',
    ).toEqual([
      'FieldValueInvalid spec.taints[0].key: name part must be non-empty',
      expect.stringMatching(/^FieldValueInvalid spec\.taints\[0\]\.key: name part must consist/),
      'FieldValueNotSupported spec.taints[0].effect: supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ]);
    expect(
      reported((e) => checkTaints([{ key: 'dedicated', effect: 'NoSchedule' }], 'spec.taints', e)),
      'a taint with a key and a known effect',
    ).toEqual([]);
  });

  test('a taint needs its effect; a toleration may leave it out, to tolerate every effect', () => {
    expect(
      reported((e) => checkTaints([{ key: 'dedicated' }], 'spec.taints', e)),
      'a taint with a key and no effect',
    ).toEqual(['FieldValueRequired spec.taints[0].effect']);
    expect(
      reported((e) =>
        checkTolerations([{ key: 'dedicated', operator: 'Exists' }], 'spec.tolerations', e),
      ),
      'a toleration with a key, operator Exists and no effect',
    ).toEqual([]);
  });

  test('a toleration with no key must say Exists; its operator and effect are from short lists', () => {
    expect(
      reported((e) =>
        checkTolerations(
          [
            { operator: 'Exists' },
            { key: 'a', operator: 'Equal', value: 'b', effect: 'NoExecute' },
            { effect: 'NoSchedule' },
            { key: 'a', operator: 'Above' },
            { key: 'a', effect: 'Sometimes' },
          ],
          'spec.tolerations',
          e,
        ),
      ),
      'five tolerations, the first two valid',
    ).toEqual([
      'FieldValueInvalid spec.tolerations[2].operator',
      'FieldValueNotSupported spec.tolerations[3].operator',
      'FieldValueNotSupported spec.tolerations[4].effect',
    ]);
    const pod = examplePod('web');
    pod.spec.tolerations = [{ key: 'a', effect: 'Sometimes' as never }];
    expect(problems('pods', pod), "a pod's tolerations are checked").toEqual([
      'FieldValueNotSupported spec.tolerations[0].effect',
    ]);
  });

  test('a disruption budget sets minAvailable or maxUnavailable, not both, each a count or a percentage', () => {
    const budget = (spec: Record<string, unknown>) => ({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
    });
    const details = (spec: Record<string, unknown>) => {
      const errors: FieldError[] = [];
      checkDisruptionBudget(budget(spec), errors);
      return errors.map((error) => `${error.field}: ${error.detail}`);
    };
    expect(details({ minAvailable: 2 }), 'minAvailable 2 alone').toEqual([]);
    expect(details({ maxUnavailable: '25%' }), 'maxUnavailable "25%" alone').toEqual([]);
    expect(details({ minAvailable: 1, maxUnavailable: 1 }), 'both set').toEqual([
      'spec: minAvailable and maxUnavailable cannot be both set',
    ]);
    expect(
      details({ minAvailable: -1, maxUnavailable: 'half' }),
      'minAvailable -1 and maxUnavailable "half"',
    ).toEqual([
      'spec: minAvailable and maxUnavailable cannot be both set',
      'spec.minAvailable: must be greater than or equal to 0',
      "spec.maxUnavailable: a valid percent string must be a numeric string followed by an ending '%'",
    ]);
    expect(details({ minAvailable: '150%' }), 'minAvailable "150%"').toEqual([
      'spec.minAvailable: must not be greater than 100%',
    ]);
    expect(
      problems('poddisruptionbudgets', budget({ minAvailable: 1, maxUnavailable: 1 })),
      'validateObject of a budget with both set',
    ).toEqual(['FieldValueInvalid spec']);
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

  test("a pod's deadline, tolerations and grace period may change; its restartPolicy may not", () => {
    const current = examplePod('web');
    const timing = structuredClone(current);
    timing.spec.activeDeadlineSeconds = 60;
    timing.spec.terminationGracePeriodSeconds = 5;
    (timing.spec as { tolerations?: unknown[] }).tolerations = [{ key: 'x', operator: 'Exists' }];
    expect(
      validateUpdate(resource('pods'), timing, current),
      'update activeDeadlineSeconds, terminationGracePeriodSeconds and tolerations',
    ).toEqual([]);
    const policy = structuredClone(current);
    policy.spec.restartPolicy = 'Never';
    expect(
      validateUpdate(resource('pods'), policy, current).map((e) => `${e.type} ${e.field}`),
      'update restartPolicy',
    ).toEqual(['FieldValueForbidden spec']);
  });

  test("a replica set's selector cannot change either; a service's spec may", () => {
    const current = exampleReplicaSet('web');
    const next = structuredClone(current);
    next.spec.selector = { matchLabels: { app: 'api' } };
    expect(
      validateUpdate(resource('replicasets'), next, current).map((e) => `${e.type} ${e.field}`),
      'update the selector of a replica set',
    ).toEqual(['FieldValueInvalid spec.selector']);
    const service = exampleService('web');
    const moved = structuredClone(service);
    moved.spec.ports = [{ port: 81 }];
    expect(
      validateUpdate(resource('services'), moved, service),
      "update a service's ports",
    ).toEqual([]);
  });

  test("a resource's strategy puts it together: fields and defaults at create, the rules, and what an update may not change", () => {
    const strategy = defaultStrategy(resource('deployments'));
    const makers = { clock: new FakeClock(Date.UTC(2024, 0, 2)), random: () => 0 };
    const deployment = exampleDeployment('web');
    delete deployment.spec.replicas;
    const created = strategy.prepareForCreate(deployment, makers);
    expect(
      [created.metadata.uid, created.metadata.generation, (created as Deployment).spec.replicas],
      'prepareForCreate of a deployment without replicas: uid, generation, replicas',
    ).toEqual(['00000000-0000-4000-8000-000000000000', 1, 1]);
    const nameless = structuredClone(created);
    nameless.metadata.name = 'Web!';
    expect(
      strategy.validate(nameless).map((e) => `${e.type} ${e.field}`),
      'validate a deployment named "Web!"',
    ).toEqual(['FieldValueInvalid metadata.name']);
    const next = structuredClone(created) as Deployment;
    next.spec.selector = { matchLabels: { app: 'api' } };
    next.metadata.uid = 'another';
    const updated = strategy.prepareForUpdate(created, next);
    expect(updated.metadata.uid, 'prepareForUpdate keeps the uid').toBe(created.metadata.uid);
    expect(
      strategy.validateUpdate(updated, created).map((e) => `${e.type} ${e.field}`),
      'validateUpdate of a deployment whose selector changed',
    ).toEqual([
      'FieldValueInvalid spec.template.metadata.labels',
      'FieldValueInvalid spec.selector',
    ]);
  });
});
