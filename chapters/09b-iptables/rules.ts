// kube-proxy's iptables mode, the rules as data: one pure function from the Services and their
// EndpointSlices to the text `iptables-restore` reads, with kube-proxy's chains.
//
// Nothing listens on a ClusterIP in this mode. The kernel rewrites the destination of each new
// connection (DNAT) before routing, in the nat table:
//
//   OUTPUT / PREROUTING -> KUBE-SERVICES        one rule per Service port: "to clusterIP:port"
//     KUBE-SERVICES     -> KUBE-SVC-<hash>      the Service port's chain: pick an endpoint
//       KUBE-SVC-<hash> -> KUBE-SEP-<hash>      one chain per endpoint: DNAT to pod IP:port
//     KUBE-SERVICES     -> KUBE-NODEPORTS       last: destined to a local address? NodePorts
//   POSTROUTING         -> KUBE-POSTROUTING     masquerade what KUBE-MARK-MASQ marked
//
// The pick is random and uniform: with n endpoints, the first rule matches with probability 1/n,
// the next (of those left) 1/(n-1), ..., the last always. sessionAffinity: ClientIP adds `recent`
// rules: a client seen at an endpoint in the last 3 hours goes there again. A Service port without
// endpoints gets a REJECT in the filter table, so a client hears "refused" at once rather than
// waiting for a timeout. Chain names hash the Service port's name (and the endpoint) the way
// kube-proxy does, so the names here are the names a real node would have.
import type { EndpointSlice, Service, ServicePort } from '../../harness/api/types.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';

const section = '§ The rules';

/** The mark KUBE-MARK-MASQ sets: bit 14, kube-proxy's --iptables-masquerade-bit default. */
export const masqueradeMark = '0x4000';
/** How long a ClientIP affinity lasts without a timeout given: 10800 s, 3 hours. */
export const defaultAffinitySeconds = 10800;

/**
 * RFC 4648 base32 with padding, as Go's base32.StdEncoding writes it: the alphabet A-Z then 2-7,
 * five bits a character, the last group padded with '=' to a multiple of 8 characters.
 */
export function base32(bytes: Uint8Array): string {
  throw new NotImplemented('base32', section);
}

/** The first 16 base32 characters of sha256(text) (node:crypto): the hash in kube-proxy's chain names. */
export function chainHash(text: string): string {
  throw new NotImplemented('chainHash', section);
}

/** A Service port's name as kube-proxy writes it: "namespace/name:port", or without ":port". */
export function servicePortName(service: Service, port: ServicePort): string {
  throw new NotImplemented('servicePortName', section);
}

/** KUBE-SVC-<chainHash of the Service port's name followed by its protocol, lower case>. */
export function serviceChain(portName: string, protocol = 'tcp'): string {
  throw new NotImplemented('serviceChain', section);
}

/** KUBE-SEP-<chainHash of the Service port's name, the protocol and "ip:port", one after the other>. */
export function endpointChain(portName: string, endpoint: string, protocol = 'tcp'): string {
  throw new NotImplemented('endpointChain', section);
}

/**
 * The probability of the i-th of n endpoint rules (from 0), as kube-proxy prints it ("%0.10f",
 * toFixed(10)): of the connections that reach it, 1/(n-i) stop there, so each endpoint gets 1/n
 * of all. The last rule matches always: undefined, no statistic match.
 */
export function probability(i: number, n: number): string | undefined {
  throw new NotImplemented('probability', section);
}

/**
 * The ready endpoints ("ip:port") of one Service port, sorted as numbers: from the slices of its
 * Service (same namespace, label kubernetes.io/service-name), the port of the same name ('' when
 * unnamed), every address of each endpoint whose ready condition is not false, once each.
 */
export function readyEndpoints(
  service: Service,
  port: ServicePort,
  slices: EndpointSlice[],
): string[] {
  throw new NotImplemented('readyEndpoints', section);
}

/** `-m comment --comment X`, X in double quotes when it has a space, as iptables-save prints it. */
export function comment(text: string): string {
  throw new NotImplemented('comment', section);
}

/** One table's share of the rules: the chains it declares (iptables-restore flushes them) and the rules. */
export interface TableRules {
  chains: string[];
  rules: string[];
}

/** The rules of both tables kube-proxy writes. */
export interface ProxyRules {
  nat: TableRules;
  filter: TableRules;
}

/** The chains every sync declares, with their fixed rules: masquerading, marking. */
export function baseRules(): ProxyRules {
  return {
    nat: {
      chains: ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ'],
      rules: [
        // Not in kube-proxy: masquerading on lo breaks the connection, and on lo it is never needed.
        `-A KUBE-POSTROUTING -o lo ${comment('kubekata: loopback traffic is never masqueraded')} -j RETURN`,
        `-A KUBE-POSTROUTING -m mark ! --mark ${masqueradeMark}/${masqueradeMark} -j RETURN`,
        `-A KUBE-POSTROUTING -j MARK --xor-mark ${masqueradeMark}`,
        `-A KUBE-POSTROUTING ${comment('kubernetes service traffic requiring SNAT')} -j MASQUERADE --random-fully`,
        `-A KUBE-MARK-MASQ -j MARK --or-mark ${masqueradeMark}`,
      ],
    },
    filter: { chains: ['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES'], rules: [] },
  };
}

/**
 * The endpoint chains of one Service port (`endpoints` as "ip:port"), added to into.nat: a
 * KUBE-SEP chain each; in the port's KUBE-SVC chain, with sessionAffinity ClientIP first a
 * `-m recent --name <SEP> --rcheck --seconds 10800 --reap` rule per endpoint, then one rule per
 * endpoint with `-m statistic --mode random --probability` (none on the last); in each KUBE-SEP
 * chain the hairpin mark (-s its IP -j KUBE-MARK-MASQ), then the DNAT (`-m recent --name <SEP>
 * --set` before it under affinity). golden/nodeport-affinity.rules shows every form.
 */
export function endpointRules(
  service: Service,
  port: ServicePort,
  endpoints: string[],
  into: ProxyRules,
): void {
  throw new NotImplemented('endpointRules', section);
}

/**
 * The rules of one TCP port of a Service with a ClusterIP, added to `into` (golden/*.rules show
 * them): no endpoints, a REJECT in the filter table's KUBE-SERVICES for the ClusterIP and port,
 * and in KUBE-EXTERNAL-SERVICES for a node port. Otherwise in the nat table: the jump from
 * KUBE-SERVICES to its KUBE-SVC chain; for a NodePort (or LoadBalancer) Service a KUBE-EXT-<hash>
 * chain (the same hash as KUBE-SVC's) jumped to from KUBE-NODEPORTS, which marks for masquerade
 * and goes on to KUBE-SVC; then endpointRules.
 */
export function servicePortRules(
  service: Service,
  port: ServicePort,
  endpoints: string[],
  into: ProxyRules,
): void {
  throw new NotImplemented('servicePortRules', section);
}

/**
 * All the rules for these Services and slices: baseRules(), then each TCP port of each Service
 * with a ClusterIP (not headless, not ExternalName) sorted by "namespace/name", then the jump to
 * KUBE-NODEPORTS for local destinations, which must be the last rule of KUBE-SERVICES.
 */
export function proxyRules(services: Service[], slices: EndpointSlice[]): ProxyRules {
  throw new NotImplemented('proxyRules', section);
}

/**
 * The chains of one table in `iptables-save` output (or in a restore text written before): the
 * names of its ":NAME POLICY [p:b]" lines, less the chains a "-X NAME" line of that table deletes.
 */
export function savedChains(saved: string, table: string): string[] {
  throw new NotImplemented('savedChains', section);
}

/**
 * The text for `iptables-restore --noflush`: for the filter table, then the nat table, "*table",
 * each chain declared (":NAME - [0:0]"), the rules, then the chains `saved` (iptables-save's
 * output) has whose names start with KUBE-SVC-, KUBE-SEP-, KUBE-EXT- or KATA-NP- and that the
 * rules no longer want: declared too (so flushed), then deleted ("-X NAME"); then "COMMIT". The
 * text ends with a newline.
 */
export function restoreText(rules: ProxyRules, saved = ''): string {
  throw new NotImplemented('restoreText', section);
}
