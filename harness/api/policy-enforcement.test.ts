// The NetworkPolicy warning: which nodes enforce policies (their proxy said iptables on the Node),
// the words for those that do not, and the words arriving with a read of networkpolicies on the
// reference API server, as `kubectl get netpol` gets them.
import { describe, expect, test } from 'vitest';
import { testScope } from '../testing/scope.ts';
import {
  enforcementWarnings,
  networkPolicyEnforcement,
  proxyModeAnnotation,
  unenforcedNodes,
} from './policy-enforcement.ts';
import type { KubeObject } from './types.ts';

const scope = testScope();

/** A Node whose proxy said `mode` (none: no proxy said anything). */
function node(name: string, mode?: string): KubeObject {
  const annotations = mode ? { [proxyModeAnnotation]: mode } : undefined;
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, annotations } };
}

describe('NetworkPolicy enforcement', () => {
  test('a node enforces policies only when its proxy said iptables', () => {
    const nodes = [node('n3', 'userspace'), node('n1', 'iptables'), node('n2')];
    expect(unenforcedNodes(nodes), 'n1 iptables, n2 nothing said, n3 userspace').toEqual([
      'n2',
      'n3',
    ]);
    expect(enforcementWarnings([node('n1', 'iptables')]), 'every node in iptables mode').toEqual(
      [],
    );
  });

  test('the warning names the nodes that do not enforce, in one line', () => {
    expect(enforcementWarnings([node('n1', 'userspace')]), 'one userspace node').toEqual([
      'NetworkPolicies are stored but not enforced on node n1: its kube-proxy does not run in ' +
        'iptables mode (kata run proxy --proxy-mode iptables, or kata up --proxy-mode iptables, ' +
        'enforces them)',
    ]);
    const two = enforcementWarnings([node('b'), node('a', 'userspace')]);
    expect(two[0], 'two nodes without iptables').toMatch(/^.* on nodes a, b: their kube-proxy/);
  });

  test('a read of networkpolicies carries it as a Warning header; a read of pods does not', async () => {
    const server = await scope.apiServer({ readWarnings: [networkPolicyEnforcement] });
    const created = await fetch(`${server.url}/api/v1/nodes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(node('node-1', 'userspace')),
    });
    expect(created.status, 'create Node node-1 (userspace)').toBe(201);
    const policies = await fetch(
      `${server.url}/apis/networking.k8s.io/v1/namespaces/default/networkpolicies`,
    );
    expect(policies.headers.get('warning'), 'list the NetworkPolicies of default').toMatch(
      /^299 - "NetworkPolicies are stored but not enforced on node node-1: /,
    );
    const pods = await fetch(`${server.url}/api/v1/namespaces/default/pods`);
    expect(pods.headers.get('warning'), 'list the pods of default').toBeNull();
  });
});
