// kube-proxy's iptables mode, the rules applied: a loop that watches Services, EndpointSlices and
// NetworkPolicies, and after every change (and every sync period, in case someone edited the
// tables) writes the whole rule set with `iptables-restore --noflush`.
//
// --noflush: iptables-restore then replaces only the chains the text declares (ours) and leaves
// every other chain of the table alone, as kube-proxy must on a node where the network plugin,
// the firewall and Docker keep rules of their own. Rules in the built-in chains (OUTPUT jumping to
// KUBE-SERVICES) cannot be written that way without piling up, so they are checked with
// `iptables -C` and inserted only when missing. On exit the proxy takes all of it away again.
//
// Changing the kernel's tables needs the CAP_NET_ADMIN capability: without it, or without the
// iptables program, the proxy says so in one line and stops; the userspace mode (chapter 09) needs
// neither. The commands go through an `Iptables` runner, so tests can run them inside a network
// namespace of their own (`ip netns exec`), never on the host's tables.
import type {
  Iptables,
  IptablesProxyOptions,
  IptablesResult,
} from '../../harness/contracts/proxy.ts';
import { NotImplemented } from '../../harness/not-implemented.ts';
import { policiesChain } from './network-policy.ts';

export type { Iptables, IptablesProxyOptions, IptablesResult };

const section = '§ The iptables proxy';

/**
 * The real programs, each started (node:child_process spawn) after `prefix` (["unshare", "-n"]
 * runs them in a new network namespace): the input written to stdin, stdout and stderr collected,
 * the exit code answered. A program that cannot be started answers code 127 with the error's
 * message as stderr. With a `backend`, its programs instead: iptables-legacy-save for
 * iptables-save, iptables-nft-restore for iptables-restore, and so on.
 */
export function iptablesCommand(prefix: string[] = [], backend?: 'legacy' | 'nft'): Iptables {
  throw new NotImplemented('iptablesCommand', section);
}

/** A rule in a built-in chain that leads into ours. */
export interface JumpRule {
  table: 'nat' | 'filter';
  chain: string;
  rule: string[];
}

const portals = ['-m', 'comment', '--comment', 'kubernetes service portals'];
const newOnly = ['-m', 'conntrack', '--ctstate', 'NEW'];

/** The jumps from the built-in chains, as kube-proxy inserts them (and one for the policies). */
export const jumpRules: JumpRule[] = [
  { table: 'nat', chain: 'PREROUTING', rule: [...portals, '-j', 'KUBE-SERVICES'] },
  { table: 'nat', chain: 'OUTPUT', rule: [...portals, '-j', 'KUBE-SERVICES'] },
  {
    table: 'nat',
    chain: 'POSTROUTING',
    rule: ['-m', 'comment', '--comment', 'kubernetes postrouting rules', '-j', 'KUBE-POSTROUTING'],
  },
  { table: 'filter', chain: 'OUTPUT', rule: [...newOnly, ...portals, '-j', 'KUBE-SERVICES'] },
  { table: 'filter', chain: 'FORWARD', rule: [...newOnly, ...portals, '-j', 'KUBE-SERVICES'] },
  {
    table: 'filter',
    chain: 'INPUT',
    rule: [
      ...newOnly,
      ...['-m', 'comment', '--comment', 'kubernetes externally-visible service portals'],
      ...['-j', 'KUBE-EXTERNAL-SERVICES'],
    ],
  },
  { table: 'filter', chain: 'OUTPUT', rule: ['-j', policiesChain] },
  { table: 'filter', chain: 'FORWARD', rule: ['-j', policiesChain] },
];

/**
 * Inserts each jump rule that is missing: `iptables -w -t <table> -C <chain> <rule...>` checks
 * (exit code 0: there), `-I` inserts it first in the chain; a failed insert throws.
 */
export async function ensureJumps(iptables: Iptables): Promise<void> {
  throw new NotImplemented('ensureJumps', section);
}

/**
 * Whether `saved` (iptables-save's output) has every jump of jumpRules: in its table (the "*nat"
 * or "*filter" section), an "-A <chain> " line that ends with " -j <target>" (the rule's last
 * word). Then a periodic sync need not run `iptables -C` for each.
 */
export function jumpsPresent(saved: string): boolean {
  throw new NotImplemented('jumpsPresent', section);
}

/**
 * The chains this proxy makes: KUBE-SERVICES, KUBE-NODEPORTS, KUBE-POSTROUTING, KUBE-MARK-MASQ,
 * KUBE-EXTERNAL-SERVICES, the policies chain, and those starting with KUBE-SVC-, KUBE-SEP-,
 * KUBE-EXT- or KATA-NP-.
 */
export function isOwnChain(chain: string): boolean {
  throw new NotImplemented('isOwnChain', section);
}

/**
 * The restore text that removes our chains `saved` (iptables-save's output) shows: per table
 * (filter, then nat) "*table", each of ours declared (so flushed), then "-X" each, then COMMIT.
 */
export function cleanupText(saved: string): string {
  throw new NotImplemented('cleanupText', section);
}

/** Takes everything away: each jump rule deleted (-D) once, then iptables-restore -w --noflush of cleanupText. */
export async function removeRules(iptables: Iptables): Promise<void> {
  throw new NotImplemented('removeRules', section);
}

/**
 * Whether the iptables mode can run: `iptables-save -t nat` answers code 0. Code 127 throws "the
 * iptables proxy mode needs the iptables programs (Debian: apt-get install iptables); use
 * --proxy-mode userspace"; any other failure "the iptables proxy mode needs CAP_NET_ADMIN (run as
 * root); use --proxy-mode userspace: " and the first line of its stderr.
 */
export async function checkIptables(iptables: Iptables): Promise<void> {
  throw new NotImplemented('checkIptables', section);
}

/**
 * One proxy: informers on services, endpointslices, networkpolicies, pods and namespaces, all
 * feeding one controller under one key ("sync"), since every change asks for the same whole sync.
 */
export class IptablesProxy {
  constructor(options: IptablesProxyOptions) {
    void options;
  }

  /** The restore text last put in place ('' before the first sync). */
  rules(): string {
    throw new NotImplemented('IptablesProxy.rules', section);
  }

  /**
   * Checks that iptables may run (checkIptables), then syncs at once, after every change and
   * every period, until `signal` aborts; then removes its rules and chains (removeRules).
   */
  async run(signal: AbortSignal): Promise<void> {
    throw new NotImplemented('IptablesProxy.run', section);
  }

  /**
   * One whole sync: proxyRules of the Services and slices, with policyRules' chains and rules added
   * to the filter table; restoreText, then iptables-restore -w --noflush with it (a failure throws,
   * so the controller retries); remember the text and tell onSync; and ask for the next sync after
   * syncPeriodMs (30 s by default). At the first sync and then once a period, the chains that
   * exist come from iptables-save, and ensureJumps runs after the restore unless jumpsPresent
   * finds them all in it; in between, the text written last says which chains exist, so a sync
   * is one command.
   */
  async sync(): Promise<void> {
    throw new NotImplemented('IptablesProxy.sync', section);
  }
}

/** A kube-proxy in iptables mode for one node; `run(signal)` starts it. */
export function createIptablesProxy(options: IptablesProxyOptions): IptablesProxy {
  return new IptablesProxy(options);
}
