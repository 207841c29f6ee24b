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
import { createHash } from 'node:crypto';
import type { EndpointSlice, Service, ServicePort } from '../../harness/api/types.ts';

/** The mark KUBE-MARK-MASQ sets: bit 14, kube-proxy's --iptables-masquerade-bit default. */
export const masqueradeMark = '0x4000';
/** How long a ClientIP affinity lasts without a timeout given: 10800 s, 3 hours. */
export const defaultAffinitySeconds = 10800;

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 with padding, as Go's base32.StdEncoding writes it. */
export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      text += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) text += base32Alphabet[(value << (5 - bits)) & 31];
  return text.padEnd(Math.ceil(text.length / 8) * 8, '=');
}

/** The first 16 base32 characters of sha256(text): the hash in kube-proxy's chain names. */
export function chainHash(text: string): string {
  return base32(createHash('sha256').update(text).digest()).slice(0, 16);
}

/** A Service port's name as kube-proxy writes it: "namespace/name:port", or without ":port". */
export function servicePortName(service: Service, port: ServicePort): string {
  const { namespace, name } = service.metadata;
  return `${namespace}/${name}${port.name ? `:${port.name}` : ''}`;
}

/** KUBE-SVC-<hash of the Service port's name and its protocol, lower case>. */
export function serviceChain(portName: string, protocol = 'tcp'): string {
  return `KUBE-SVC-${chainHash(portName + protocol)}`;
}

/** KUBE-SEP-<hash of the Service port's name, the protocol and "ip:port">. */
export function endpointChain(portName: string, endpoint: string, protocol = 'tcp'): string {
  return `KUBE-SEP-${chainHash(portName + protocol + endpoint)}`;
}

/**
 * The probability of the i-th of n endpoint rules (from 0), as kube-proxy prints it ("%0.10f"): of
 * the connections that reach it, 1/(n-i) stop there, so each endpoint gets 1/n of all. The last
 * rule matches always: undefined, no statistic match.
 */
export function probability(i: number, n: number): string | undefined {
  return i === n - 1 ? undefined : (1 / (n - i)).toFixed(10);
}

/** The ready endpoints ("ip:port") of one Service port: its slices' ready endpoints, sorted. */
export function readyEndpoints(
  service: Service,
  port: ServicePort,
  slices: EndpointSlice[],
): string[] {
  const found = new Set<string>();
  for (const slice of slices) {
    if (slice.metadata.namespace !== service.metadata.namespace) continue;
    if (slice.metadata.labels?.['kubernetes.io/service-name'] !== service.metadata.name) continue;
    const match = (slice.ports ?? []).find((p) => (p.name ?? '') === (port.name ?? ''));
    if (match?.port === undefined) continue;
    for (const endpoint of slice.endpoints ?? []) {
      // A missing ready condition counts as ready.
      if (endpoint.conditions?.ready === false) continue;
      for (const address of endpoint.addresses) found.add(`${address}:${match.port}`);
    }
  }
  return [...found].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** `--comment X`, quoted when X has a space, as iptables-save prints it. */
export function comment(text: string): string {
  return `-m comment --comment ${text.includes(' ') ? `"${text}"` : text}`;
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

/** The node port of a Service port, when its type gives it one. */
function nodePortOf(service: Service, port: ServicePort): number | undefined {
  const { type } = service.spec;
  return (type === 'NodePort' || type === 'LoadBalancer') && port.nodePort
    ? port.nodePort
    : undefined;
}

/**
 * A Service port without endpoints: REJECT in the filter table, on its ClusterIP and, for a
 * NodePort Service, on its node port at every local address.
 */
function rejectRules(service: Service, port: ServicePort, into: ProxyRules): void {
  const name = servicePortName(service, port);
  const why = comment(`${name} has no endpoints`);
  const clusterIp = service.spec.clusterIP!;
  into.filter.rules.push(
    `-A KUBE-SERVICES ${why} -m tcp -p tcp -d ${clusterIp} --dport ${port.port} -j REJECT`,
  );
  const nodePort = nodePortOf(service, port);
  if (nodePort) {
    into.filter.rules.push(
      `-A KUBE-EXTERNAL-SERVICES ${why} -m addrtype --dst-type LOCAL -m tcp -p tcp --dport ${nodePort} -j REJECT`,
    );
  }
}

/**
 * The endpoint chains of a Service port, and the rules in its KUBE-SVC chain that pick one: with
 * ClientIP affinity first the `recent` checks (a client seen at an endpoint goes there again),
 * then one rule per endpoint with the probability that makes the pick uniform.
 */
export function endpointRules(
  service: Service,
  port: ServicePort,
  endpoints: string[],
  into: ProxyRules,
): void {
  const name = servicePortName(service, port);
  const svc = serviceChain(name);
  const sticky = service.spec.sessionAffinity === 'ClientIP';
  const seps = endpoints.map((endpoint) => endpointChain(name, endpoint));
  into.nat.chains.push(...seps);
  if (sticky) {
    endpoints.forEach((endpoint, i) =>
      into.nat.rules.push(
        `-A ${svc} ${comment(`${name} -> ${endpoint}`)} -m recent --name ${seps[i]} --rcheck --seconds ${defaultAffinitySeconds} --reap -j ${seps[i]}`,
      ),
    );
  }
  endpoints.forEach((endpoint, i) => {
    const chance = probability(i, endpoints.length);
    const statistic = chance ? ` -m statistic --mode random --probability ${chance}` : '';
    into.nat.rules.push(`-A ${svc} ${comment(`${name} -> ${endpoint}`)}${statistic} -j ${seps[i]}`);
  });
  endpoints.forEach((endpoint, i) => {
    const ip = endpoint.slice(0, endpoint.lastIndexOf(':'));
    const remember = sticky ? ` -m recent --name ${seps[i]} --set` : '';
    into.nat.rules.push(
      `-A ${seps[i]} ${comment(name)} -s ${ip} -j KUBE-MARK-MASQ`,
      `-A ${seps[i]} ${comment(name)} -m tcp -p tcp${remember} -j DNAT --to-destination ${endpoint}`,
    );
  });
}

/**
 * The rules of one TCP port of a Service with a ClusterIP: the jump from KUBE-SERVICES to its
 * KUBE-SVC chain, and for a NodePort Service a KUBE-EXT chain from KUBE-NODEPORTS that marks the
 * connection for masquerading first; then its endpoints, or REJECT when it has none.
 */
export function servicePortRules(
  service: Service,
  port: ServicePort,
  endpoints: string[],
  into: ProxyRules,
): void {
  if (endpoints.length === 0) {
    rejectRules(service, port, into);
    return;
  }
  const name = servicePortName(service, port);
  const svc = serviceChain(name);
  into.nat.chains.push(svc);
  into.nat.rules.push(
    `-A KUBE-SERVICES ${comment(`${name} cluster IP`)} -m tcp -p tcp -d ${service.spec.clusterIP} --dport ${port.port} -j ${svc}`,
  );
  const nodePort = nodePortOf(service, port);
  if (nodePort) {
    const ext = `KUBE-EXT-${chainHash(name + 'tcp')}`;
    into.nat.chains.push(ext);
    into.nat.rules.push(
      `-A KUBE-NODEPORTS ${comment(name)} -m tcp -p tcp --dport ${nodePort} -j ${ext}`,
      `-A ${ext} ${comment(`masquerade traffic for ${name} external destinations`)} -j KUBE-MARK-MASQ`,
      `-A ${ext} -j ${svc}`,
    );
  }
  endpointRules(service, port, endpoints, into);
}

/** Whether the proxy serves a Service: it has a ClusterIP (not headless, not ExternalName). */
function servesClusterIp(service: Service): boolean {
  const { clusterIP, type } = service.spec;
  return type !== 'ExternalName' && Boolean(clusterIP) && clusterIP !== 'None';
}

/**
 * All the rules for these Services and slices: the base chains, then each TCP port of each Service
 * with a ClusterIP in a stable order (by namespace/name, then port), and last the jump to
 * KUBE-NODEPORTS, which must come after every ClusterIP rule.
 */
export function proxyRules(services: Service[], slices: EndpointSlice[]): ProxyRules {
  const rules = baseRules();
  const ordered = [...services].sort((a, b) =>
    `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
      `${b.metadata.namespace}/${b.metadata.name}`,
    ),
  );
  for (const service of ordered.filter(servesClusterIp)) {
    for (const port of service.spec.ports ?? []) {
      if ((port.protocol ?? 'TCP') !== 'TCP') continue;
      servicePortRules(service, port, readyEndpoints(service, port, slices), rules);
    }
  }
  rules.nat.rules.push(
    `-A KUBE-SERVICES ${comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain')} -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS`,
  );
  return rules;
}

/** The chains kube-proxy makes per Service or endpoint (and the policy chains): deleted when no longer wanted. */
const ownedPrefixes = ['KUBE-SVC-', 'KUBE-SEP-', 'KUBE-EXT-', 'KATA-NP-'];

/**
 * The chains of one table in `iptables-save` output (or in a restore text written before): its
 * ":NAME POLICY [p:b]" lines, less the chains a "-X NAME" line deletes.
 */
export function savedChains(saved: string, table: string): string[] {
  const chains: string[] = [];
  const deleted = new Set<string>();
  let current = '';
  for (const line of saved.split('\n')) {
    if (line.startsWith('*')) current = line.slice(1).trim();
    else if (current !== table) continue;
    else if (line.startsWith(':')) chains.push(line.slice(1).split(' ')[0]!);
    else if (line.startsWith('-X ')) deleted.add(line.slice(3).trim());
  }
  return chains.filter((chain) => !deleted.has(chain));
}

/**
 * The text for `iptables-restore --noflush`: per table, each chain declared (made, or flushed if
 * it exists), its rules, then the chains of ours that `saved` (iptables-save's output) has but the
 * rules no longer want: declared, so flushed, then deleted with -X. Other chains are not touched.
 */
export function restoreText(rules: ProxyRules, saved = ''): string {
  const lines: string[] = [];
  for (const table of ['filter', 'nat'] as const) {
    const { chains, rules: tableRules } = rules[table];
    const wanted = new Set(chains);
    const stale = savedChains(saved, table).filter(
      (chain) => !wanted.has(chain) && ownedPrefixes.some((prefix) => chain.startsWith(prefix)),
    );
    lines.push(`*${table}`);
    for (const chain of [...chains, ...stale]) lines.push(`:${chain} - [0:0]`);
    lines.push(...tableRules);
    for (const chain of stale) lines.push(`-X ${chain}`);
    lines.push('COMMIT');
  }
  return lines.join('\n') + '\n';
}
