// Chapter 11b on a real API server: requests with tokens, refused with kube's Status, and the
// attacks that must fail without storing anything.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessResources, builtinResources } from '../../harness/api/resources.ts';
import { startApiServer, type RunningApiServer } from '../../harness/testing/apiserver.ts';
import { createAuthorization } from './authorization.ts';
import { parseTokenFile, tokenFileAuthenticator } from './tokens.ts';

const TOKENS = `admin-token,kubernetes-admin,1,"system:masters"
view-token,viewer,2
mallory-token,mallory,3
n1-token,system:node:n1,4,"system:nodes"
`;

let server: RunningApiServer;
let starting: Promise<void> | undefined;

/** Starts the server once, with chapter 11b's security and the objects every test reads. */
function ready(): Promise<void> {
  starting ??= startServer();
  return starting;
}

/** A request to the server with `token`'s credential; the answer's status and JSON body. */
async function call(
  token: string | undefined,
  method: string,
  path: string,
  body?: object,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/json',
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown> & { message?: string },
  };
}

const admin = (method: string, path: string, body?: object) =>
  call('admin-token', method, path, body);
const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const pod = (name: string, fields: object = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: [{ name: 'app', image: 'busybox' }], ...fields },
});
const rbacPath = (namespace: string, resource: string) =>
  `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/${resource}`;

async function startServer(): Promise<void> {
  server = await startApiServer({
    resources: [...builtinResources, ...accessResources],
    compactionIntervalMs: 0,
    security: {
      authenticator: tokenFileAuthenticator(parseTokenFile(TOKENS)),
      ...createAuthorization({
        modes: ['Node', 'RBAC'],
        admissionPlugins: ['LimitRanger', 'ResourceQuota'],
      }),
    },
  });
  for (const name of ['dev', 'prod']) await admin('POST', '/api/v1/namespaces', namespace(name));
  await admin('POST', '/api/v1/namespaces/dev/pods', pod('web'));
  await admin('POST', rbacPath('dev', 'rolebindings'), {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'viewer' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'User', name: 'viewer' }],
  });
}

beforeAll(async () => {
  // Started by the first test, so that a failing start fails each test with its reason.
  await ready().catch(() => {});
});

afterAll(async () => {
  await server?.close();
});

describe('On the API server', () => {
  test('the admin (system:masters) may do anything, and the default roles are there', async () => {
    await ready();
    expect((await admin('GET', '/api/v1/namespaces/dev/pods')).status, 'the admin lists pods').toBe(
      200,
    );
    const roles = await admin('GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles');
    const names = (roles.body.items as { metadata: { name: string } }[]).map(
      (role) => role.metadata.name,
    );
    expect(names, 'the default cluster roles, stored at start').toEqual(
      expect.arrayContaining(['cluster-admin', 'view', 'edit', 'admin']),
    );
  });

  test("a user bound to view in dev reads there, and gets kube's 403 elsewhere and for writes", async () => {
    await ready();
    expect(
      (await call('view-token', 'GET', '/api/v1/namespaces/dev/pods')).status,
      'viewer lists pods in dev',
    ).toBe(200);
    expect(
      (await call('view-token', 'GET', '/api/v1/namespaces/dev/pods/web')).status,
      'viewer gets one pod in dev',
    ).toBe(200);
    const elsewhere = await call('view-token', 'GET', '/api/v1/namespaces/prod/pods');
    expect(elsewhere.status, 'viewer lists pods in prod').toBe(403);
    expect(elsewhere.body, 'the Status').toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
      message:
        'pods is forbidden: User "viewer" cannot list resource "pods" in API group "" in the namespace "prod"',
    });
    const write = await call('view-token', 'POST', '/api/v1/namespaces/dev/pods', pod('mine'));
    expect(write.status, 'viewer creates a pod in dev').toBe(403);
    expect((await admin('GET', '/api/v1/namespaces/dev/pods/mine')).status, 'nothing stored').toBe(
      404,
    );
  });

  test('a bad token is 401 Unauthorized, and no token at all is system:anonymous', async () => {
    await ready();
    const bad = await call('forged', 'GET', '/api/v1/namespaces/dev/pods/web');
    expect(bad, 'an unknown token').toMatchObject({
      status: 401,
      body: { kind: 'Status', reason: 'Unauthorized', message: 'Unauthorized' },
    });
    const anonymous = await call(undefined, 'GET', '/api/v1/namespaces/dev/pods/web');
    expect(anonymous.body.message, 'no token').toBe(
      'pods "web" is forbidden: User "system:anonymous" cannot get resource "pods" in API group "" in the namespace "dev"',
    );
  });

  test('binding yourself to cluster-admin is refused and nothing is stored', async () => {
    await ready();
    await admin('POST', rbacPath('dev', 'roles'), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'binder' },
      rules: [
        {
          verbs: ['create'],
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['rolebindings'],
        },
      ],
    });
    await admin('POST', rbacPath('dev', 'rolebindings'), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'mallory' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'binder' },
      subjects: [{ kind: 'User', name: 'mallory' }],
    });
    const attempt = await call('mallory-token', 'POST', rbacPath('dev', 'rolebindings'), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'pwned' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'cluster-admin',
      },
      subjects: [{ kind: 'User', name: 'mallory' }],
    });
    expect(attempt.status, 'mallory binds herself to cluster-admin').toBe(403);
    expect(
      (await admin('GET', `${rbacPath('dev', 'rolebindings')}/pwned`)).status,
      'the binding was not stored',
    ).toBe(404);
  });

  test("a kubelet reads its own pod's Secret, not another node's", async () => {
    await ready();
    const secret = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name },
      stringData: { k: 'v' },
    });
    await admin('POST', '/api/v1/namespaces/dev/secrets', secret('mine'));
    await admin('POST', '/api/v1/namespaces/dev/secrets', secret('theirs'));
    const using = (name: string, node: string, secretName: string) =>
      pod(name, { nodeName: node, volumes: [{ name: 's', secret: { secretName } }] });
    await admin('POST', '/api/v1/namespaces/dev/pods', using('on-n1', 'n1', 'mine'));
    await admin('POST', '/api/v1/namespaces/dev/pods', using('on-n2', 'n2', 'theirs'));
    const read = (name: string) =>
      call('n1-token', 'GET', `/api/v1/namespaces/dev/secrets/${name}`);
    await expect.poll(async () => (await read('mine')).status, { timeout: 10_000 }).toBe(200);
    const theirs = await read('theirs');
    expect(theirs.status, "n1 reads the secret of n2's pod").toBe(403);
    expect(theirs.body.message, 'the reason').toContain(
      "no relationship found between node 'n1' and this object",
    );
  });

  test('impersonation needs the impersonate verb; can-i answers for the user acted as', async () => {
    await ready();
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb: 'create', resource: 'pods', namespace: 'dev' } },
    };
    const path = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
    const asAdmin = await call('view-token', 'POST', path, review, {
      'impersonate-user': 'kubernetes-admin',
      'impersonate-group': 'system:masters',
    });
    expect(asAdmin.status, 'viewer acting as the admin').toBe(403);
    const asViewer = await call('admin-token', 'POST', path, review, {
      'impersonate-user': 'viewer',
    });
    expect(asViewer, 'the admin asks for viewer: may viewer create pods in dev').toMatchObject({
      status: 201,
      body: { status: { allowed: false } },
    });
  });

  test('a quota of 2 pods holds against 6 concurrent creates', async () => {
    await ready();
    await admin('POST', '/api/v1/namespaces', namespace('tight'));
    await admin('POST', '/api/v1/namespaces/tight/resourcequotas', {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'two-pods' },
      spec: { hard: { pods: '2' } },
    });
    const creates = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((n) => admin('POST', '/api/v1/namespaces/tight/pods', pod(`p${n}`))),
    );
    expect(creates.filter((answer) => answer.status === 201).length, 'creates that passed').toBe(2);
    const refused = creates.find((answer) => answer.status === 403)!;
    expect(refused.body.message, "the refusal's words").toMatch(
      /^pods "p\d" is forbidden: exceeded quota: two-pods, requested: pods=1, used: pods=2, limited: pods=2$/,
    );
    const stored = await admin('GET', '/api/v1/namespaces/tight/pods');
    expect((stored.body.items as unknown[]).length, 'pods stored in tight').toBe(2);
  });
});
