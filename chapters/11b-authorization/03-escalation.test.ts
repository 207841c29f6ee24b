// The escalation check: no one grants what they do not hold.
import { describe, expect, test } from 'vitest';
import { ApiError } from '../../harness/api/errors.ts';
import { accessResources } from '../../harness/api/resources.ts';
import type { KubeObject } from '../../harness/api/types.ts';
import type {
  AdmissionRequest,
  AdmissionStore,
  UserInfo,
} from '../../harness/contracts/security.ts';
import {
  breakDown,
  describeRight,
  escalationCheck,
  ruleCovers,
  uncoveredRights,
} from './escalation.ts';
import { chainAuthorizers, RbacAuthorizer } from './rbac.ts';

const resource = (name: string) => accessResources.find((each) => each.resource === name)!;
const mallory: UserInfo = { username: 'mallory', groups: ['system:authenticated'] };

/** RBAC where mallory may write RoleBindings and Roles in dev (admin-like), nothing more. */
function rbacForMallory(extraRules: object[] = []): RbacAuthorizer {
  const rbac = new RbacAuthorizer();
  const objects: KubeObject[] = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'binder', namespace: 'dev' },
      rules: [
        {
          verbs: ['create', 'update'],
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['rolebindings', 'roles'],
        },
        { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] },
        ...extraRules,
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'mallory', namespace: 'dev' },
      roleRef: { kind: 'Role', name: 'binder' },
      subjects: [{ kind: 'User', name: 'mallory' }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cluster-admin' },
      rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    },
  ];
  for (const object of objects) rbac.observe({ type: 'ADDED', object });
  return rbac;
}

/** Admits a write by mallory of `object` (a binding or role) in dev; the refusal, if any. */
async function write(
  rbac: RbacAuthorizer,
  object: KubeObject,
  user = mallory,
): Promise<ApiError | undefined> {
  const plugin = escalationCheck(rbac, chainAuthorizers([rbac]));
  const request: AdmissionRequest = {
    operation: 'CREATE',
    resource: resource(object.kind === 'Role' ? 'roles' : 'rolebindings'),
    namespace: 'dev',
    object,
    user,
  };
  try {
    await plugin.admit(request, {} as AdmissionStore);
    return undefined;
  } catch (error) {
    return error as ApiError;
  }
}

const toClusterAdmin: KubeObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name: 'me-admin', namespace: 'dev' },
  roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
  subjects: [{ kind: 'User', name: 'mallory' }],
};

describe('Escalation', () => {
  test('a rule breaks down into single rights, one verb, group, resource and name each', () => {
    const rights = breakDown({
      verbs: ['get', 'list'],
      apiGroups: [''],
      resources: ['pods'],
      resourceNames: ['a'],
    });
    expect(rights, 'get,list on pods named a').toEqual([
      { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] },
      { verbs: ['list'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] },
    ]);
    expect(breakDown({ verbs: ['get'], nonResourceURLs: ['/healthz'] }), 'a path').toEqual([
      { verbs: ['get'], nonResourceURLs: ['/healthz'] },
    ]);
  });

  test('a held rule covers a right when it takes its verb, group, resource and name', () => {
    const held = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
    expect(
      ruleCovers(held, {
        verbs: ['get'],
        apiGroups: [''],
        resources: ['pods'],
        resourceNames: ['x'],
      }),
      'a named pod',
    ).toBe(true);
    expect(
      ruleCovers(held, { verbs: ['delete'], apiGroups: [''], resources: ['pods'] }),
      'another verb',
    ).toBe(false);
    expect(
      ruleCovers(held, { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] }),
      'a subresource',
    ).toBe(false);
    const named = { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['x'] };
    expect(
      ruleCovers(named, { verbs: ['get'], apiGroups: [''], resources: ['pods'] }),
      'every pod under one name',
    ).toBe(false);
    expect(
      ruleCovers(
        { verbs: ['get'], nonResourceURLs: ['/*'] },
        { verbs: ['get'], nonResourceURLs: ['/x'] },
      ),
      'a path',
    ).toBe(true);
  });

  test('what a role asks beyond what is held is listed, as kube prints it', () => {
    const missing = uncoveredRights(
      [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
      [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods'] }],
    );
    expect(missing.map(describeRight), 'delete pods is not held').toEqual([
      '{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}',
    ]);
    expect(describeRight({ verbs: ['get'], nonResourceURLs: ['/a'] }), 'a path').toBe(
      '{NonResourceURLs:["/a"], Verbs:["get"]}',
    );
  });

  test('binding yourself to cluster-admin is refused with 403, unless you may bind it', async () => {
    const refusal = await write(rbacForMallory(), toClusterAdmin);
    expect(refusal?.code, 'mallory binds herself to cluster-admin').toBe(403);
    expect(refusal?.message, 'the refusal says why').toContain(
      'is attempting to grant RBAC permissions not currently held',
    );
    const binder = rbacForMallory([
      {
        verbs: ['bind'],
        apiGroups: ['rbac.authorization.k8s.io'],
        resources: ['clusterroles'],
        resourceNames: ['cluster-admin'],
      },
    ]);
    expect(await write(binder, toClusterAdmin), 'with bind on cluster-admin').toBeUndefined();
  });

  test('a role with more than its author holds is refused, unless they may escalate or are masters', async () => {
    const greedy: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'greedy', namespace: 'dev' },
      rules: [{ verbs: ['*'], apiGroups: [''], resources: ['secrets'] }],
    };
    expect((await write(rbacForMallory(), greedy))?.code, 'a role reading secrets').toBe(403);
    const modest = { ...greedy, rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] };
    expect(await write(rbacForMallory(), modest), 'a role with what she holds').toBeUndefined();
    const escalator = rbacForMallory([
      { verbs: ['escalate'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'] },
    ]);
    expect(await write(escalator, greedy), 'with escalate on roles').toBeUndefined();
    const masters = { username: 'root', groups: ['system:masters'] };
    expect(
      await write(rbacForMallory(), greedy, masters),
      'a system:masters member',
    ).toBeUndefined();
  });

  test("deletes, and writes of other groups, are not the check's business", async () => {
    const plugin = escalationCheck(rbacForMallory(), chainAuthorizers([rbacForMallory()]));
    const base = { namespace: 'dev', user: mallory, object: toClusterAdmin };
    await plugin.admit(
      { ...base, operation: 'DELETE', resource: resource('rolebindings') },
      {} as AdmissionStore,
    );
    const pods = {
      group: '',
      version: 'v1',
      resource: 'pods',
      kind: 'Pod',
    } as AdmissionRequest['resource'];
    await plugin.admit({ ...base, operation: 'CREATE', resource: pods }, {} as AdmissionStore);
    expect(true, 'neither a delete nor a pod create was refused').toBe(true);
  });
});
