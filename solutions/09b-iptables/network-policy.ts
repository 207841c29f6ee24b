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
import { cidrSize, formatCidr, parseCidr, type Cidr } from '../../harness/network.ts';
import { chainHash, comment, type TableRules } from './rules.ts';

/** The chain the filter table's OUTPUT and FORWARD jump to. */
export const policiesChain = 'KATA-NETWORK-POLICIES';

/**
 * Whether labels match a selector: every matchLabels pair present, every expression true (In,
 * NotIn, Exists, DoesNotExist). The empty selector matches everything.
 */
export function matchesSelector(
  selector: LabelSelector,
  labels: Record<string, string> = {},
): boolean {
  const pairs = Object.entries(selector.matchLabels ?? {});
  if (!pairs.every(([key, value]) => labels[key] === value)) return false;
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const has = Object.hasOwn(labels, key);
    if (operator === 'Exists') return has;
    if (operator === 'DoesNotExist') return !has;
    if (operator === 'In') return has && values.includes(labels[key]!);
    return !has || !values.includes(labels[key]!);
  });
}

/** A policy's types: as given, else Ingress, plus Egress when it has egress rules. */
export function policyTypes(policy: NetworkPolicy): Array<'Ingress' | 'Egress'> {
  if (policy.spec.policyTypes?.length) return policy.spec.policyTypes;
  return policy.spec.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** The blocks of `cidr` outside every block of `except`, largest first: what ipBlock allows. */
export function subtractCidrs(cidr: string, except: string[] = []): string[] {
  const holes = except.map(parseCidr);
  const end = (c: Cidr) => c.base + cidrSize(c);
  const split = (block: Cidr): Cidr[] => {
    if (holes.some((hole) => hole.base <= block.base && end(block) <= end(hole))) return [];
    if (!holes.some((hole) => hole.base < end(block) && block.base < end(hole))) return [block];
    const half = { base: block.base, prefixLength: block.prefixLength + 1 };
    return [...split(half), ...split({ ...half, base: block.base + cidrSize(half) })];
  };
  return split(parseCidr(cidr)).map(formatCidr);
}

/** Who the policies talk about: every pod with its namespace's labels at hand. */
export interface PolicyWorld {
  pods: Pod[];
  namespaces: Namespace[];
}

/** A namespace's labels, with kubernetes.io/metadata.name=<name>, which every namespace has. */
function namespaceLabels(world: PolicyWorld, name: string): Record<string, string> {
  const found = world.namespaces.find((namespace) => namespace.metadata.name === name);
  return { ...found?.metadata.labels, 'kubernetes.io/metadata.name': name };
}

/**
 * The source (or destination) blocks one peer of a policy allows: its ipBlock's blocks, or the
 * pod IPs (as /32) of the pods its selectors pick: a podSelector alone looks in the policy's own
 * namespace, a namespaceSelector in every namespace it matches.
 */
export function peerBlocks(
  peer: NetworkPolicyPeer,
  policy: NetworkPolicy,
  world: PolicyWorld,
): string[] {
  if (peer.ipBlock) return subtractCidrs(peer.ipBlock.cidr, peer.ipBlock.except);
  const picked = world.pods.filter((pod) => {
    const namespace = pod.metadata.namespace ?? '';
    const inNamespace = peer.namespaceSelector
      ? matchesSelector(peer.namespaceSelector, namespaceLabels(world, namespace))
      : namespace === policy.metadata.namespace;
    return inNamespace && matchesSelector(peer.podSelector ?? {}, pod.metadata.labels);
  });
  return picked.filter((pod) => pod.status?.podIP).map((pod) => `${pod.status!.podIP}/32`);
}

/** The port matches of a rule: one per port ("-p tcp -m tcp --dport 8080"), or [''] for any. */
export function portMatches(ports: NetworkPolicyPort[] | undefined): string[] {
  if (!ports?.length) return [''];
  return ports.map((port) => {
    const protocol = (port.protocol ?? 'TCP').toLowerCase();
    if (port.port === undefined) return ` -p ${protocol}`;
    const range = port.endPort ? `${port.port}:${port.endPort}` : `${port.port}`;
    return ` -p ${protocol} -m ${protocol} --dport ${range}`;
  });
}

/** The policies of a pod's namespace that select it for a direction. */
function selecting(
  pod: Pod,
  policies: NetworkPolicy[],
  type: 'Ingress' | 'Egress',
): NetworkPolicy[] {
  return policies.filter(
    (policy) =>
      policy.metadata.namespace === pod.metadata.namespace &&
      policyTypes(policy).includes(type) &&
      matchesSelector(policy.spec.podSelector ?? {}, pod.metadata.labels),
  );
}

/**
 * One isolated pod's chain for one direction: a RETURN for each peer block and port a selecting
 * policy allows (`-s` for ingress, `-d` for egress), then REJECT for everything else.
 */
function podChain(
  chain: string,
  type: 'Ingress' | 'Egress',
  policies: NetworkPolicy[],
  world: PolicyWorld,
): string[] {
  const rules: string[] = [];
  for (const policy of policies) {
    const why = comment(`${policy.metadata.namespace}/${policy.metadata.name}`);
    const allowed =
      type === 'Ingress'
        ? (policy.spec.ingress ?? []).map((rule) => ({ peers: rule.from, ports: rule.ports }))
        : (policy.spec.egress ?? []).map((rule) => ({ peers: rule.to, ports: rule.ports }));
    for (const { peers, ports } of allowed) {
      // No peers: any source (or destination); a peer list that picks nobody allows nothing.
      const blocks = peers?.length
        ? peers.flatMap((peer) => peerBlocks(peer, policy, world))
        : [''];
      const flag = type === 'Ingress' ? '-s' : '-d';
      for (const block of blocks) {
        for (const port of portMatches(ports)) {
          rules.push(`-A ${chain} ${why}${block ? ` ${flag} ${block}` : ''}${port} -j RETURN`);
        }
      }
    }
  }
  rules.push(`-A ${chain} ${comment(`default deny ${type.toLowerCase()}`)} -j REJECT`);
  return rules;
}

/**
 * The filter rules that enforce the policies: the policies chain (established connections first),
 * and for every pod with an IP that some policy isolates, its egress and ingress chains.
 */
export function policyRules(policies: NetworkPolicy[], world: PolicyWorld): TableRules {
  const table: TableRules = {
    chains: [policiesChain],
    rules: [`-A ${policiesChain} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`],
  };
  const pods = world.pods.filter((pod) => pod.status?.podIP);
  for (const [type, suffix, flag] of [
    ['Egress', 'OUT', '-s'],
    ['Ingress', 'IN', '-d'],
  ] as const) {
    for (const pod of pods) {
      const chosen = selecting(pod, policies, type);
      if (chosen.length === 0) continue;
      const name = `${pod.metadata.namespace}/${pod.metadata.name}`;
      const chain = `KATA-NP-${suffix}-${chainHash(name + type)}`;
      table.chains.push(chain);
      table.rules.push(
        `-A ${policiesChain} ${comment(name)} ${flag} ${pod.status!.podIP} -j ${chain}`,
        ...podChain(chain, type, chosen, world),
      );
    }
  }
  return table;
}
