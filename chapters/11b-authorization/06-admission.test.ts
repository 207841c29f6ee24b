// Who you are, at its simplest (a token file), and the plugins that change a pod before it is
// stored: ServiceAccount and LimitRanger.
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { accessResources, builtinResources } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type { AdmissionRequest, AdmissionStore } from '../../harness/contracts/security.ts';
import {
  applyLimitDefaults,
  limitRangerAdmission,
  limitViolations,
  mirrorPodProblem,
  namesSecret,
  serviceAccountAdmission,
} from './admission.ts';
import {
  bearerToken,
  certificateAuthenticator,
  csvFields,
  parseTokenFile,
  tokenFileAuthenticator,
  unionAuthenticator,
} from './tokens.ts';

const resources = [...builtinResources, ...accessResources];
const find = (name: string) => resources.find((each) => each.resource === name)!;

/** An AdmissionStore over a list of objects, read only. */
function storeOf(objects: KubeObject[]): AdmissionStore {
  const kindOf = (resource: { kind: string }) => resource.kind;
  return {
    resourceOf: (name) => resources.find((each) => each.resource === name),
    get: async (resource, namespace, name) => {
      const found = objects.find(
        (o) =>
          o.kind === kindOf(resource) &&
          o.metadata.namespace === namespace &&
          o.metadata.name === name,
      );
      if (!found) throw new ApiError(404, 'NotFound', `${resource.resource} "${name}" not found`);
      return found;
    },
    list: async (resource, namespace) =>
      objects.filter((o) => o.kind === kindOf(resource) && o.metadata.namespace === namespace),
    create: async (_resource, object) => object,
    update: async (_resource, object) => object,
  };
}

/** A pod named web in dev with one container of these resources. */
function pod(resources: object = {}, spec: object = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'dev' },
    spec: { containers: [{ name: 'app', image: 'busybox', resources }], ...spec },
  };
}

/** A CREATE of `object` in dev, by alice. */
function creates(object: KubeObject): AdmissionRequest {
  return {
    operation: 'CREATE',
    resource: find('pods'),
    namespace: 'dev',
    object,
    user: { username: 'alice', groups: [] },
  };
}

const account = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: 'dev' },
});
const limits: KubeObject = {
  apiVersion: 'v1',
  kind: 'LimitRange',
  metadata: { name: 'limits', namespace: 'dev' },
  spec: {
    limits: [
      {
        type: 'Container',
        default: { cpu: '500m' },
        defaultRequest: { cpu: '100m' },
        max: { cpu: '1' },
        min: { memory: '16Mi' },
      },
    ],
  },
};

describe('Admission', () => {
  test('a token file line is token,user,uid and quoted groups', () => {
    expect(csvFields('abc,alice,1,"devs,ops"'), 'four fields, the last quoted').toEqual([
      'abc',
      'alice',
      '1',
      'devs,ops',
    ]);
    const users = parseTokenFile('# tokens\nabc,alice,1,"devs,ops"\n\nxyz,bob,2\n');
    expect(users.get('abc'), "alice's token").toEqual({
      username: 'alice',
      uid: '1',
      groups: ['devs', 'ops', 'system:authenticated'],
    });
    expect(users.get('xyz')?.groups, "bob's groups").toEqual(['system:authenticated']);
    expect(() => parseTokenFile('only-a-token\n'), 'a line without a user names its line').toThrow(
      'token file line 1',
    );
  });

  test('a known bearer token is its user, none is anonymous, an unknown one is 401', () => {
    const authenticator = tokenFileAuthenticator(parseTokenFile('abc,alice,1\n'));
    expect(bearerToken('Bearer abc'), 'the token of a Bearer header').toBe('abc');
    expect(bearerToken('Basic abc'), 'another scheme').toBeUndefined();
    expect(
      authenticator.authenticate({ authorization: 'Bearer abc' })?.username,
      'a known token',
    ).toBe('alice');
    expect(authenticator.authenticate({}), 'no credential').toBeUndefined();
    expect(
      () => authenticator.authenticate({ authorization: 'Bearer nope' }),
      'an unknown token is 401 Unauthorized',
    ).toThrow('Unauthorized');
  });

  test('a client certificate is its Common Name, in its Organizations; one from another CA is 401', () => {
    const certificates = certificateAuthenticator();
    const node = { commonName: 'system:node:n1', organizations: ['system:nodes'] };
    expect(certificates.authenticate({ certificate: node }), 'a kubelet certificate').toEqual({
      username: 'system:node:n1',
      groups: ['system:nodes', 'system:authenticated'],
    });
    expect(certificates.authenticate({}), 'no certificate').toBeUndefined();
    expect(
      () => certificates.authenticate({ certificateError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
      'another CA',
    ).toThrow('Unauthorized');
  });

  test('authenticators in turn: the first user wins, a refusal stands only if no one knows the credential', async () => {
    const union = unionAuthenticator([
      certificateAuthenticator(),
      tokenFileAuthenticator(parseTokenFile('abc,alice,1\n')),
    ]);
    await union.start!({ follow: async () => {} });
    const both = {
      certificate: { commonName: 'bob', organizations: [] },
      authorization: 'Bearer abc',
    };
    expect(union.authenticate(both)?.username, 'a certificate and a token').toBe('bob');
    expect(union.authenticate({ authorization: 'Bearer abc' })?.username, 'a token only').toBe(
      'alice',
    );
    expect(union.authenticate({}), 'nothing').toBeUndefined();
    const knowsJwt = {
      authenticate: () => ({ username: 'system:serviceaccount:dev:ci', groups: [] }),
    };
    const tokens = unionAuthenticator([tokenFileAuthenticator(new Map()), knowsJwt]);
    expect(
      tokens.authenticate({ authorization: 'Bearer jwt' })?.username,
      'a token the file refuses, another knows',
    ).toBe('system:serviceaccount:dev:ci');
    expect(
      () =>
        unionAuthenticator([tokenFileAuthenticator(new Map())]).authenticate({
          authorization: 'Bearer x',
        }),
      'nobody knows it',
    ).toThrow('Unauthorized');
  });

  test('ServiceAccount fills serviceAccountName with default, and refuses an account that does not exist', async () => {
    const created = pod();
    await serviceAccountAdmission.admit(creates(created), storeOf([account('default')]));
    expect(
      (created.spec as { serviceAccountName?: string }).serviceAccountName,
      'a pod naming no account',
    ).toBe('default');
    const ghost = pod({}, { serviceAccountName: 'ghost' });
    await expect(
      serviceAccountAdmission.admit(creates(ghost), storeOf([])),
      'a pod naming a missing account',
    ).rejects.toThrow(
      'pods "web" is forbidden: error looking up service account dev/ghost: serviceaccount "ghost" not found',
    );
  });

  test('a pod names a Secret in imagePullSecrets, env, envFrom or a volume; a mirror pod may not', () => {
    const app = { name: 'app', image: 'busybox' };
    const named = [
      { imagePullSecrets: [{ name: 'registry' }] },
      {
        containers: [{ ...app, env: [{ name: 'P', valueFrom: { secretKeyRef: { name: 's' } } }] }],
      },
      { initContainers: [{ ...app, envFrom: [{ secretRef: { name: 's' } }] }] },
      { volumes: [{ name: 'v', secret: { secretName: 's' } }] },
      { volumes: [{ name: 'v', projected: { sources: [{ secret: { name: 's' } }] } }] },
    ];
    for (const spec of named) expect(namesSecret(spec), JSON.stringify(spec)).toBe(true);
    const plain = { containers: [{ ...app, env: [{ name: 'P', value: 'x' }] }] };
    expect(namesSecret(plain), 'a pod with a plain env variable').toBe(false);
    const mirror = (spec: object) => ({
      ...pod({}, spec),
      metadata: { name: 'web', annotations: { 'kubernetes.io/config.mirror': 'h1' } },
    });
    expect(mirrorPodProblem(mirror({})), 'a mirror pod naming nothing').toBeUndefined();
    expect(mirrorPodProblem(mirror({ serviceAccountName: 'ci' })), 'naming an account').toBe(
      'a mirror pod may not reference service accounts',
    );
    expect(mirrorPodProblem(mirror(named[3]!)), 'mounting a Secret').toBe(
      'a mirror pod may not reference secrets',
    );
  });

  test('ServiceAccount leaves a mirror pod as the kubelet wrote it, and refuses a token projection', async () => {
    const mirror: KubeObject = {
      ...pod(),
      metadata: {
        name: 'web',
        namespace: 'dev',
        annotations: { 'kubernetes.io/config.mirror': 'h1' },
      },
    };
    await serviceAccountAdmission.admit(creates(mirror), storeOf([]));
    expect(
      (mirror.spec as { serviceAccountName?: string }).serviceAccountName,
      'a mirror pod in a namespace with no ServiceAccount: no account filled in, none looked up',
    ).toBeUndefined();
    const projected = { sources: [{ serviceAccountToken: { path: 'token' } }] };
    const tokened = {
      ...mirror,
      spec: { ...(mirror.spec as object), volumes: [{ name: 't', projected }] },
    };
    await expect(
      serviceAccountAdmission.admit(creates(tokened), storeOf([account('default')])),
      'a mirror pod with a ServiceAccountToken projection',
    ).rejects.toThrow(
      'pods "web" is forbidden: a mirror pod may not use ServiceAccountToken volume projections',
    );
  });

  test("a LimitRange's defaults fill the limits and requests a container leaves out", () => {
    const bare = { name: 'app' };
    applyLimitDefaults(bare, {
      type: 'Container',
      default: { cpu: '500m' },
      defaultRequest: { cpu: '100m' },
    });
    expect(bare, 'a container with no resources').toEqual({
      name: 'app',
      resources: { limits: { cpu: '500m' }, requests: { cpu: '100m' } },
    });
    const limited = { name: 'app', resources: { limits: { memory: '64Mi' } } };
    applyLimitDefaults(limited, { type: 'Container' });
    expect(limited.resources, 'a limit with no request: the request is the limit').toEqual({
      limits: { memory: '64Mi' },
      requests: { memory: '64Mi' },
    });
  });

  test("a container beyond a LimitRange's bounds is refused in kube's words", async () => {
    const item = { type: 'Container', max: { cpu: '1' }, min: { memory: '16Mi' } };
    expect(
      limitViolations(
        { name: 'a', resources: { limits: { cpu: '2' }, requests: { memory: '8Mi' } } },
        item,
      ),
      'too much cpu, too little memory',
    ).toEqual([
      'maximum cpu usage per Container is 1, but limit is 2',
      'minimum memory usage per Container is 16Mi, but request is 8Mi',
    ]);
    expect(limitViolations({ name: 'a' }, item), 'no limit and no request').toEqual([
      'maximum cpu usage per Container is 1.  No limit is specified',
      'minimum memory usage per Container is 16Mi.  No request is specified',
    ]);
    const greedy = pod({ limits: { cpu: '2' }, requests: { memory: '32Mi' } });
    await expect(
      limitRangerAdmission.admit(creates(greedy), storeOf([limits])),
      'a pod asking 2 cpus',
    ).rejects.toThrow(
      'pods "web" is forbidden: maximum cpu usage per Container is 1, but limit is 2',
    );
    const modest = pod({ requests: { memory: '32Mi' } });
    await limitRangerAdmission.admit(creates(modest), storeOf([limits]));
    expect(
      (modest.spec as { containers: { resources: unknown }[] }).containers[0]!.resources,
      'the defaults filled in',
    ).toEqual({
      limits: { cpu: '500m' },
      requests: { cpu: '100m', memory: '32Mi' },
    });
  });

  test('the pod plugins leave alone what is not a pod create', async () => {
    const update = {
      ...creates(pod({}, { serviceAccountName: 'ghost' })),
      operation: 'UPDATE' as const,
    };
    await serviceAccountAdmission.admit(update, storeOf([]));
    const service: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'dev' },
    };
    await limitRangerAdmission.admit(
      { ...creates(service), resource: find('services') },
      storeOf([limits]),
    );
    expect(service, 'a service create passes unchanged').toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'dev' },
    });
  });
});
