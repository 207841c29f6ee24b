// The Node authorizer: a kubelet reads only what its own pods use.
import { describe, expect, test } from 'vitest';
import type { KubeObject } from '../../harness/api/types.ts';
import type { RequestAttributes } from '../../harness/contracts/security.ts';
import { NodeAuthorizer, nodeNameOf, referencesOf } from './nodes.ts';

const kubelet = (node: string) => ({
  username: `system:node:${node}`,
  groups: ['system:nodes', 'system:authenticated'],
});

/** A pod in `namespace` on `node` (or none) using the Secret `secret`. */
function pod(
  name: string,
  node: string | undefined,
  secret: string,
  namespace = 'dev',
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      ...(node ? { nodeName: node } : {}),
      containers: [{ name: 'app', image: 'busybox' }],
      volumes: [{ name: 'creds', secret: { secretName: secret } }],
    },
  };
}

/** A GET of the Secret `name` in dev by the kubelet of `node`. */
function getSecret(node: string, name: string): RequestAttributes {
  return {
    user: kubelet(node),
    verb: 'get',
    resourceRequest: true,
    apiGroup: '',
    resource: 'secrets',
    namespace: 'dev',
    name,
  };
}

describe('The Node authorizer', () => {
  test('a kubelet is system:node:<name> in system:nodes; anyone else is no node', () => {
    expect(nodeNameOf(kubelet('n1')), 'a kubelet').toBe('n1');
    expect(
      nodeNameOf({ username: 'system:node:n1', groups: [] }),
      'the name without the group',
    ).toBeUndefined();
    expect(
      nodeNameOf({ username: 'alice', groups: ['system:nodes'] }),
      'the group without the name',
    ).toBeUndefined();
  });

  test('a pod references its ServiceAccount and the Secrets and ConfigMaps of its volumes and env', () => {
    const withEverything: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'dev' },
      spec: {
        serviceAccountName: 'ci',
        imagePullSecrets: [{ name: 'registry' }],
        volumes: [
          { name: 'a', configMap: { name: 'settings' } },
          { name: 'b', persistentVolumeClaim: { claimName: 'data' } },
          {
            name: 'c',
            projected: {
              sources: [{ secret: { name: 'proj' } }, { configMap: { name: 'projcm' } }],
            },
          },
        ],
        containers: [
          {
            name: 'app',
            env: [
              { name: 'X', valueFrom: { secretKeyRef: { name: 'env-secret' } } },
              { name: 'Y', valueFrom: { configMapKeyRef: { name: 'env-cm' } } },
            ],
            envFrom: [{ secretRef: { name: 'all-secret' } }, { configMapRef: { name: 'all-cm' } }],
          },
        ],
      },
    };
    expect(referencesOf(withEverything).sort(), 'every reference of the pod').toEqual([
      'configmaps/dev/all-cm',
      'configmaps/dev/env-cm',
      'configmaps/dev/kube-root-ca.crt',
      'configmaps/dev/projcm',
      'configmaps/dev/settings',
      'persistentvolumeclaims/dev/data',
      'secrets/dev/all-secret',
      'secrets/dev/env-secret',
      'secrets/dev/proj',
      'secrets/dev/registry',
      'serviceaccounts/dev/ci',
    ]);
  });

  test("a kubelet gets a Secret its pod uses, and not another node's pod's Secret", () => {
    const nodes = new NodeAuthorizer();
    nodes.observe({ type: 'ADDED', object: pod('a', 'n1', 'mine') });
    nodes.observe({ type: 'ADDED', object: pod('b', 'n2', 'theirs') });
    expect(nodes.authorize(getSecret('n1', 'mine')).decision, "n1 reads its pod's secret").toBe(
      'allow',
    );
    const other = nodes.authorize(getSecret('n1', 'theirs'));
    expect(other, "n1 reads n2's pod's secret").toEqual({
      decision: 'no-opinion',
      reason: "no relationship found between node 'n1' and this object",
    });
    expect(
      nodes.authorize({ ...getSecret('n1', 'mine'), verb: 'list' }).decision,
      'n1 lists secrets',
    ).toBe('no-opinion');
  });

  test('a pod that moves away or is deleted takes its edges with it; an unbound pod has none', () => {
    const nodes = new NodeAuthorizer();
    nodes.observe({ type: 'ADDED', object: pod('a', undefined, 'mine') });
    expect(nodes.hasPathTo('n1', 'secrets', 'dev', 'mine'), 'a pod not yet bound').toBe(false);
    nodes.observe({ type: 'MODIFIED', object: pod('a', 'n1', 'mine') });
    expect(nodes.hasPathTo('n1', 'secrets', 'dev', 'mine'), 'once bound to n1').toBe(true);
    nodes.observe({ type: 'DELETED', object: pod('a', 'n1', 'mine') });
    expect(nodes.hasPathTo('n1', 'secrets', 'dev', 'mine'), 'once deleted').toBe(false);
  });

  test('a kubelet gets the PersistentVolume bound to a claim its pod uses, and no other', () => {
    const nodes = new NodeAuthorizer();
    const withClaim = pod('db', 'n1', 'mine');
    (withClaim.spec as { volumes: unknown[] }).volumes.push({
      name: 'data',
      persistentVolumeClaim: { claimName: 'data-db' },
    });
    nodes.observe({ type: 'ADDED', object: withClaim });
    const claim = (volumeName?: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data-db', namespace: 'dev' },
      spec: volumeName ? { volumeName } : {},
    });
    const getVolume = (node: string, name: string) =>
      nodes.authorize({ ...getSecret(node, name), resource: 'persistentvolumes', namespace: '' })
        .decision;
    nodes.observeClaim({ type: 'ADDED', object: claim() });
    expect(getVolume('n1', 'pv-1'), 'n1 gets pv-1 before the claim is bound').toBe('no-opinion');
    nodes.observeClaim({ type: 'MODIFIED', object: claim('pv-1') });
    expect(getVolume('n1', 'pv-1'), "n1 gets pv-1, bound to its pod's claim").toBe('allow');
    expect(getVolume('n2', 'pv-1'), 'n2 gets pv-1').toBe('no-opinion');
    expect(getVolume('n1', 'pv-2'), 'n1 gets another volume').toBe('no-opinion');
  });

  test('a kubelet may do what the node rules say; others get no opinion, so RBAC decides', async () => {
    const nodes = new NodeAuthorizer();
    const followed: string[] = [];
    await nodes.start({ follow: async (resource) => void followed.push(resource) });
    expect(followed, 'the Node authorizer follows pods and claims').toEqual([
      'pods',
      'persistentvolumeclaims',
    ]);
    const asks = (
      user: RequestAttributes['user'],
      verb: string,
      resource: string,
      subresource?: string,
    ) =>
      nodes.authorize({ user, verb, resourceRequest: true, apiGroup: '', resource, subresource })
        .decision;
    expect(asks(kubelet('n1'), 'patch', 'nodes', 'status'), 'n1 patches node status').toBe('allow');
    expect(asks(kubelet('n1'), 'delete', 'namespaces'), 'n1 deletes a namespace').toBe(
      'no-opinion',
    );
    expect(asks({ username: 'alice', groups: [] }, 'get', 'pods'), 'alice is no node').toBe(
      'no-opinion',
    );
  });
});
