// NetworkPolicies as filter rules: which pods may talk to which, enforced by the kernel where the
// proxy runs in iptables mode.
//
// A pod is isolated for ingress once a policy of its namespace selects it with policyType Ingress
// (and likewise for egress); from then on only what some selecting policy allows gets through, and
// a policy that allows nothing is a default deny. A pod no policy selects accepts everything.
// Allowed peers are pods (a podSelector in the policy's namespace, a namespaceSelector for every
// pod of the matching namespaces, or both at once) and address blocks (ipBlock, minus `except`).
//
// The rules live in the filter table, in chains of our own (kube-proxy leaves policies to the
// network plugin; real clusters enforce them with Calico, Cilium and the like):
//
//   OUTPUT / FORWARD -> KATA-NETWORK-POLICIES   established connections pass at once
//     -s <pod IP> -> KATA-NP-OUT-<hash>         egress of an isolated pod: RETURN if allowed
//     -d <pod IP> -> KATA-NP-IN-<hash>          ingress of an isolated pod: RETURN if allowed
//   and at the end of each per-pod chain, REJECT: refused at once, not a silent timeout.
//
// The filter table sees a Service connection after its DNAT, so a policy on a pod also holds for
// traffic that came through a ClusterIP. Pod addresses here are loopback addresses: a client's
// source is its pod IP only when the client binds it, so `from` rules recognise only such clients.
import type {
  LabelSelector,
  Namespace,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  Pod,
} from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import type { TableRules } from './rules.ts';

const section = '§ NetworkPolicy';

/** The chain the filter table's OUTPUT and FORWARD jump to. */
export const policiesChain = 'KATA-NETWORK-POLICIES';

/**
 * Whether labels match a selector: every matchLabels pair present, every expression true (In: the
 * key has one of the values; NotIn: it has none of them, or no such key; Exists; DoesNotExist).
 * The empty selector matches everything.
 */
export function matchesSelector(
  selector: LabelSelector,
  labels: Record<string, string> = {},
): boolean {
  throw new NotImplemented('matchesSelector', section);
}

/** A policy's types: spec.policyTypes when given, else Ingress, plus Egress when it has egress rules. */
export function policyTypes(policy: NetworkPolicy): Array<'Ingress' | 'Egress'> {
  throw new NotImplemented('policyTypes', section);
}

/**
 * The blocks of `cidr` outside every block of `except` (parseCidr, cidrSize and formatCidr from
 * harness/network.ts): a block inside a hole is dropped, a block touching no hole is kept, any
 * other is cut in two halves that are looked at the same way, lower half first.
 */
export function subtractCidrs(cidr: string, except: string[] = []): string[] {
  throw new NotImplemented('subtractCidrs', section);
}

/** Who the policies talk about: every pod, and every namespace with its labels. */
export interface PolicyWorld {
  pods: Pod[];
  namespaces: Namespace[];
}

/**
 * The blocks one peer of a policy allows: its ipBlock's blocks (subtractCidrs), or the pod IPs
 * (as "ip/32") of the pods with an IP its selectors pick: a podSelector alone looks in the
 * policy's own namespace; a namespaceSelector in every namespace whose labels (with
 * kubernetes.io/metadata.name=<name>, which every namespace has) it matches, with the podSelector
 * (or every pod, without one).
 */
export function peerBlocks(
  peer: NetworkPolicyPeer,
  policy: NetworkPolicy,
  world: PolicyWorld,
): string[] {
  throw new NotImplemented('peerBlocks', section);
}

/**
 * The port matches of a rule, each starting with a space: " -p tcp -m tcp --dport 8080" (the
 * protocol in lower case, TCP by default; "a:b" with endPort), " -p tcp" for a protocol without a
 * port; no ports at all is [''], any port.
 */
export function portMatches(ports: NetworkPolicyPort[] | undefined): string[] {
  throw new NotImplemented('portMatches', section);
}

/**
 * The filter rules that enforce the policies. The policies chain starts with an ACCEPT of
 * RELATED,ESTABLISHED connections (conntrack); then first for egress (-s), then for ingress (-d),
 * each pod with an IP that a policy of its namespace selects for that direction gets a chain
 * KATA-NP-OUT-<hash> or KATA-NP-IN-<hash> (chainHash of "namespace/pod" and the type), a jump to
 * it from the policies chain (comment "namespace/pod"), and in it: a RETURN (comment
 * "namespace/policy") for each allowed block and port match of each rule of each selecting policy
 * (-s the block for ingress, -d for egress; a rule without peers allows any), then a REJECT with
 * the comment "default deny ingress" (or egress).
 */
export function policyRules(policies: NetworkPolicy[], world: PolicyWorld): TableRules {
  throw new NotImplemented('policyRules', section);
}
