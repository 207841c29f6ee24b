// Who enforces NetworkPolicies, and the warning `kubectl get netpol` shows where nobody does.
//
// In Kubernetes the network plugin enforces NetworkPolicies; in kubekata it is kube-proxy in
// iptables mode (chapter 09b), which writes filter rules for them. The userspace proxy (chapter
// 09) carries connections itself and cannot stop a pod's own: there a policy is stored and does
// nothing. Kubernetes never says so (a cluster whose plugin ignores policies accepts them
// silently); kubekata does, so that nobody takes a stored policy for an enforced one:
//
//   - every kata proxy writes its mode on its Node, in the annotation kata.dev/proxy-mode
//     (harness/components/proxy.ts), and the iptables proxy takes it away when it stops;
//   - the API server's read warning on networkpolicies (harness/api/machinery.ts's ReadWarning)
//     lists the nodes and names those whose proxy does not run in iptables mode, so each
//     `kubectl get netpol` and `kubectl describe netpol` prints one "Warning:" line about them.
import type { ReadWarning } from './machinery.ts';
import type { KubeObject } from './types.ts';

/** The Node annotation where a kata proxy says how it carries Services: userspace or iptables. */
export const proxyModeAnnotation = 'kata.dev/proxy-mode';

/** The names of the nodes where policies are not enforced: no proxy in iptables mode says so. */
export function unenforcedNodes(nodes: KubeObject[]): string[] {
  return nodes
    .filter((node) => node.metadata.annotations?.[proxyModeAnnotation] !== 'iptables')
    .map((node) => node.metadata.name ?? '')
    .sort();
}

/** The warning for a cluster with these nodes; none when every node enforces (or there is none). */
export function enforcementWarnings(nodes: KubeObject[]): string[] {
  const names = unenforcedNodes(nodes);
  if (names.length === 0) return [];
  const where =
    names.length === 1
      ? `node ${names[0]}: its kube-proxy does`
      : `nodes ${names.join(', ')}: their kube-proxy does`;
  return [
    `NetworkPolicies are stored but not enforced on ${where} not run in iptables mode ` +
      '(kata run proxy --proxy-mode iptables, or kata up --proxy-mode iptables, enforces them)',
  ];
}

/** The API server's read warning on networking.k8s.io networkpolicies. */
export const networkPolicyEnforcement: ReadWarning = {
  group: 'networking.k8s.io',
  resource: 'networkpolicies',
  warnings: async (cluster) => enforcementWarnings(await cluster.list('', 'nodes')),
};
