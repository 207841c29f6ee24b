// The address plan of a kata cluster, in one place, and the few CIDR helpers it needs.
//
// A real cluster gives nodes, pods and Services addresses from three separate ranges: nodes sit on
// the machine network, each node hands its pods addresses from its own slice of the pod range
// (flannel's default is 10.244.0.0/16, node i getting 10.244.i.0/24), and ClusterIPs come from the
// service range (10.96.0.0/12 by default; its first address belongs to the `kubernetes` Service).
// A kata cluster keeps the same shape inside loopback:
//
//   nodes     127.20.0.0/16    node i (counting from 0) is 127.20.0.(i+1)
//   pods      127.244.0.0/16   node i's podCIDR is 127.244.i.0/24
//   services  127.96.0.0/12    127.96.0.1 is the `kubernetes` Service, 127.96.0.10 the cluster DNS
//
// Why loopback works without root: on Linux the whole of 127.0.0.0/8 is routed to the loopback
// interface, so a program may bind 127.244.0.2:8080 and connect to it without creating an interface
// or asking for privileges. Every pod then listens on its own IP and its declared containerPort, as in
// a real cluster. Ports below 1024 still need privileges, so examples use higher ports.
//
// What differs on macOS: only 127.0.0.1 is up by default, and binding another loopback address fails
// with EADDRNOTAVAIL. Either add each address once per boot (`sudo ifconfig lo0 alias 127.244.0.2 up`,
// see `loopbackAliasCommand`), or run the cluster in the single-address network mode (the last
// section of this file): nodes, pods and Services all on 127.0.0.1, told apart by port, which loses
// "every pod has its own IP". `kata up --network auto` (the default) picks that mode by itself
// when `canBind` says the loopback plan cannot be bound; `--network single` forces it, so Linux
// tests it.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** An IPv4 range: its first address as a 32-bit number, and its prefix length. */
export interface Cidr {
  /** The network address (host bits zero) as an unsigned 32-bit number. */
  base: number;
  prefixLength: number;
}

/** Parses "a.b.c.d" into an unsigned 32-bit number; throws on anything else. */
export function parseIp(ip: string): number {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255))
    throw new Error(`invalid IPv4 address "${ip}"`);
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

/** Formats an unsigned 32-bit number as "a.b.c.d". */
export function formatIp(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Parses "a.b.c.d/n". The address must be the network address itself, as Kubernetes requires. */
export function parseCidr(cidr: string): Cidr {
  const [ip, prefix, extra] = cidr.split('/');
  if (extra !== undefined || prefix === undefined || !/^\d{1,2}$/.test(prefix) || +prefix > 32)
    throw new Error(`invalid CIDR "${cidr}": expected a.b.c.d/n with n from 0 to 32`);
  const base = parseIp(ip!);
  const prefixLength = Number(prefix);
  if (base % cidrSize({ base: 0, prefixLength }) !== 0)
    throw new Error(`invalid CIDR "${cidr}": host bits are set (the network address is not ${ip})`);
  return { base, prefixLength };
}

/** Formats a Cidr back as "a.b.c.d/n". */
export function formatCidr(cidr: Cidr): string {
  return `${formatIp(cidr.base)}/${cidr.prefixLength}`;
}

/** How many addresses the range holds, network and broadcast addresses included. */
export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefixLength);
}

/** The n-th address of the range (0 is the network address), or an error past its end. */
export function nthAddress(cidr: Cidr | string, n: number): string {
  const range = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  if (!Number.isInteger(n) || n < 0 || n >= cidrSize(range))
    throw new Error(`${formatCidr(range)} has no address number ${n}`);
  return formatIp(range.base + n);
}

/** Whether `ip` lies inside the range. */
export function cidrContains(cidr: Cidr | string, ip: string): boolean {
  const range = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const value = parseIp(ip);
  return value >= range.base && value < range.base + cidrSize(range);
}

/**
 * The addresses a range can hand out, in order: every address but the network address and the
 * broadcast address (the last one), as on a real subnet.
 */
export function* usableAddresses(cidr: Cidr | string): Generator<string> {
  const range = typeof cidr === 'string' ? parseCidr(cidr) : cidr;
  const size = cidrSize(range);
  if (size <= 2) {
    for (let n = 0; n < size; n++) yield formatIp(range.base + n);
    return;
  }
  for (let n = 1; n < size - 1; n++) yield formatIp(range.base + n);
}

/** Where node addresses come from. */
export const defaultNodeCidr = '127.20.0.0/16';
/** The cluster's pod range (flannel's 10.244.0.0/16, on loopback). */
export const defaultPodCidr = '127.244.0.0/16';
/** The Service ClusterIP range (the API server's default 10.96.0.0/12, on loopback). */
export const defaultServiceCidr = '127.96.0.0/12';
/** The ClusterIP of the `kubernetes` Service in the default namespace: the range's first address. */
export const kubernetesServiceIp = nthAddress(defaultServiceCidr, 1);

/** The ClusterIP of the cluster DNS (kube-dns) in a Service range: its tenth address, as kubeadm's 10.96.0.10. */
export function clusterDnsIp(serviceRange: string): string {
  return nthAddress(serviceRange, 10);
}

/** The port the cluster DNS takes when it may not have 53. */
export const unprivilegedDnsPort = 1053;

/** 53 when this process may bind it (root, or the sysctl lets everyone), 1053 otherwise. */
export function clusterDnsPort(): number {
  if (process.getuid?.() === 0) return 53;
  try {
    const start = Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
    if (start <= 53) return 53;
  } catch {
    // Not Linux: ports below 1024 need root.
  }
  return unprivilegedDnsPort;
}

/** The IP of node i, counting from 0: 127.20.0.(i+1). */
export function nodeIp(index: number): string {
  return nthAddress(defaultNodeCidr, index + 1);
}

/** The podCIDR of node i, counting from 0: 127.244.i.0/24. */
export function podCidrForNode(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > 255)
    throw new Error(`node index ${index} is outside 0..255: the pod range has 256 /24 slices`);
  return `${nthAddress(defaultPodCidr, index * 256)}/24`;
}

/**
 * The first address of a podCIDR that pods may use. Like a CNI bridge plugin, the runtime keeps
 * the first usable address (x.y.z.1) for the node's side of the bridge, so pods start at x.y.z.2.
 */
export const firstPodAddressIndex = 2;

// --- The addresses a learner's machine must bind ------------------------------------------------
//
// On Linux every address above is bindable as it is. On macOS each one the course or a cluster
// listens on needs its loopback alias, so the list has to be finite and known before the workshop:
// `kata doctor` checks it, and `kata network setup` (or `sudo npx kata doctor --fix`) adds it.
//
//   nodes     127.20.0.1 to 127.20.0.3, the nodes of a default 3-node cluster
//   pods      the first podAddressesPerNode pod addresses of each node's podCIDR (the runtime hands
//             out the lowest free one, so a workshop's pods stay at the bottom of each /24)
//   services  aliasServiceCidr: the ClusterIP allocator picks at random across its whole range, and
//             a /12 cannot be aliased, so on macOS the API server's default range is this /24
//             (defaultServiceRangeFor), for `npm start` and `kata run apiserver` alike
//   course    the fixed addresses the chapters' tests listen on beyond those

/** How many pod addresses of each node the aliases cover: more pods than a workshop runs. */
export const podAddressesPerNode = 32;

/** The ClusterIP range of a cluster on aliases: 254 addresses, each one aliased. */
export const aliasServiceCidr = '127.96.0.0/24';

/** The Service range an API server takes when none is given: the /12, or on macOS the aliased /24. */
export function defaultServiceRangeFor(platform: NodeJS.Platform): string {
  return platform === 'darwin' ? aliasServiceCidr : defaultServiceCidr;
}

/** One address of the plan and what listens on it, for the lines that name it. */
export interface PlannedAddress {
  ip: string;
  use: 'node' | 'pod' | 'service' | 'course';
}

/** The addresses chapters 06 and 09's tests listen on that no default cluster uses. */
const courseTestAddresses = [
  // Chapter 06's real processes: two podCIDRs of their own.
  ...['127.244.203', '127.244.204'].flatMap((net) => [2, 3, 4, 5].map((n) => `${net}.${n}`)),
  // Chapter 09's proxy: its pods, the ClusterIPs of its listening tests, and the two client
  // addresses its session-affinity test connects from.
  ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => `127.244.9.${n}`),
  '127.96.9.200',
  '127.96.9.201',
  '127.0.9.1',
  '127.0.9.2',
];

/**
 * Every address the course and a cluster of `nodes` nodes (from `nodeIndexBase` on) listen on,
 * each once, in the order above.
 */
export function loopbackPlan(nodes = 3, nodeIndexBase = 0): PlannedAddress[] {
  const plan = new Map<string, PlannedAddress['use']>();
  const add = (ip: string, use: PlannedAddress['use']) => {
    if (!plan.has(ip)) plan.set(ip, use);
  };
  const indexes = Array.from({ length: nodes }, (_, n) => nodeIndexBase + n);
  for (const index of indexes) add(nodeIp(index), 'node');
  for (const index of indexes)
    for (let n = 0; n < podAddressesPerNode; n++)
      add(nthAddress(podCidrForNode(index), firstPodAddressIndex + n), 'pod');
  for (const ip of usableAddresses(aliasServiceCidr)) add(ip, 'service');
  for (const ip of courseTestAddresses) add(ip, 'course');
  return [...plan].map(([ip, use]) => ({ ip, use }));
}

/** The command that removes what loopbackAliasCommand added. */
export function loopbackUnaliasCommand(ip: string): string {
  return `sudo ifconfig lo0 -alias ${ip}`;
}

/** The command that makes `ip` usable on macOS, for error messages. */
export function loopbackAliasCommand(ip: string): string {
  return `sudo ifconfig lo0 alias ${ip} up`;
}

/** Whether this machine lets a program listen on `ip` (false on macOS until the alias exists). */
export function canBind(ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(0, ip, () => server.close(() => resolve(true)));
  });
}

// --- The network mode ---------------------------------------------------------------------------
//
// A cluster runs in one of two network modes:
//
//   loopback  the address plan above: every node, pod and ClusterIP has its own 127.x.y.z.
//   single    everything on 127.0.0.1, which every machine has. Nodes share it, each kubelet on
//             a port of its own; every pod's IP is 127.0.0.1, and each port a pod declares is
//             published on a free port of 127.0.0.1 (as `docker run -P` publishes a container's
//             ports). The node records a pod's published ports in its annotation
//             `kata.dev/host-ports` ("127.0.0.1:40123->8080/TCP", components/host-ports.ts), and
//             kube-proxy sends a Service's connections there. NodePorts answer on
//             127.0.0.1:<nodePort>, served by whichever node's proxy bound the port first.
//             ClusterIPs stay in the Service range and are served where the machine can bind them
//             (Linux can; macOS cannot without aliases: use the NodePort there).
//
// `auto` (the default of `kata up`) is loopback when this machine can bind the plan's addresses and
// single when it cannot; the cluster passes the mode on to its kubelets and proxies (--network).
// KATA_NETWORK=single (or loopback) is everyone's default instead: `kata up`, `kata run kubelet`
// and `proxy`, and the tests, where a chapter test that needs per-pod IPs then skips with a reason
// (harness/testing/network-mode.ts).

/** How the cluster's addresses are laid out. */
export type NetworkMode = 'loopback' | 'single';
/** What `--network` accepts: a mode, or `auto` to let this machine decide. */
export type NetworkChoice = NetworkMode | 'auto';
export const networkChoices: readonly NetworkChoice[] = ['auto', 'loopback', 'single'];

/** The one address of the single-address mode. */
export const singleAddress = '127.0.0.1';
/** Each node's podCIDR in the single-address mode: its pods all have the one address. */
export const singleAddressPodCidr = `${singleAddress}/32`;
/** The environment variable whose mode `kata up`, `kata run` and the tests take by default. */
export const networkModeVariable = 'KATA_NETWORK';

/** Whether `value` is something `--network` accepts. */
export function isNetworkChoice(value: string): value is NetworkChoice {
  return (networkChoices as readonly string[]).includes(value);
}

/** Whether `value` names a mode itself (what a kubelet's or a proxy's `--network` accepts). */
export function isNetworkMode(value: string): value is NetworkMode {
  return value === 'loopback' || value === 'single';
}

/**
 * The mode KATA_NETWORK names (loopback or single), undefined when it is unset; any other value is
 * an error that says so. `kata up`, `kata run kubelet`/`proxy` and the tests take it as their
 * default, so one `export KATA_NETWORK=single` steers a learner's whole machine.
 */
export function networkModeFromEnvironment(): NetworkMode | undefined {
  const value = process.env[networkModeVariable];
  if (value === undefined || value === '') return undefined;
  if (!isNetworkMode(value))
    throw new Error(`${networkModeVariable} takes loopback or single, not "${value}"`);
  return value;
}

/**
 * The mode to run in: `choice` itself unless it is auto; then loopback when every address in
 * `probe` can be bound here (by default the first node's IP, its first pod IP and the
 * `kubernetes` ClusterIP), single when one cannot.
 */
export async function chooseNetworkMode(
  choice: NetworkChoice,
  probe: string[] = [
    nodeIp(0),
    nthAddress(podCidrForNode(0), firstPodAddressIndex),
    kubernetesServiceIp,
  ],
): Promise<NetworkMode> {
  if (choice !== 'auto') return choice;
  for (const ip of probe) if (!(await canBind(ip))) return 'single';
  return 'loopback';
}
